// Typed calls to the server: every response is parsed with the same zod schema the server declares.
import type { z } from 'zod';
import { ApiError, type ValidationIssue } from '../../shared/api-error.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
  }
}

export interface RequestInit {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export async function apiRequest<S extends z.ZodType>(
  schema: S,
  path: string,
  init?: RequestInit,
): Promise<z.output<S>> {
  return (await apiRequestWithStatus(schema, path, init)).body;
}

/** Like apiRequest, with the HTTP status (e.g. 201 created vs 200 duplicate). */
export async function apiRequestWithStatus<S extends z.ZodType>(
  schema: S,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: z.output<S> }> {
  const res = await fetch(path, {
    method: init?.method ?? 'GET',
    credentials: 'same-origin',
    headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init?.signal,
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = ApiError.safeParse(json);
    throw new ApiRequestError(
      res.status,
      parsed.success ? parsed.data.error.code : 'http_error',
      parsed.success ? parsed.data.error.message : `HTTP ${res.status}`,
      parsed.success ? parsed.data.error.details : undefined,
      parsed.success ? parsed.data.error.issues : undefined,
    );
  }
  return { status: res.status, body: schema.parse(json) };
}

/** `/path?a=1&b=x`, leaving out undefined and empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';
