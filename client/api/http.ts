// Typed calls to the server: every response is parsed with the same zod schema the server declares.
import type { z } from 'zod';
import { ApiError } from '../../shared/api-error.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function apiRequest<S extends z.ZodType>(
  schema: S,
  path: string,
  init?: { method?: string; body?: unknown },
): Promise<z.output<S>> {
  const res = await fetch(path, {
    method: init?.method ?? 'GET',
    credentials: 'same-origin',
    headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ApiError.safeParse(json);
    throw new ApiRequestError(
      res.status,
      parsed.success ? parsed.data.error.code : 'http_error',
      parsed.success ? parsed.data.error.message : `HTTP ${res.status}`,
    );
  }
  return schema.parse(json);
}
