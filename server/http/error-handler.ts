// Maps anything a route throws to `{error:{code,message,issues?}}` with a 4xx where the client is at fault.
// Database constraint violations are the client's fault (bad data never enters); anything else is a 500
// whose details go to the log, never to the client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode, type ApiError } from '../../shared/api-error.ts';
import { HttpError } from './http-error.ts';

interface PgError {
  code: string;
  detail?: string;
  constraint?: string;
  message: string;
}
const isPgError = (error: unknown): error is PgError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { code?: unknown }).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((error as { code: string }).code);

function classify(error: unknown): { status: number; body: ApiError } {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.issues ? { issues: error.issues } : {}),
          ...(error.details ? { details: error.details } : {}),
        },
      },
    };
  }
  const bodyParser = error as { type?: string; status?: number };
  if (bodyParser.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: { error: { code: ErrorCode.validation, message: 'request body is not valid JSON' } },
    };
  }
  if (bodyParser.type === 'entity.too.large') {
    return {
      status: 413,
      body: { error: { code: ErrorCode.payloadTooLarge, message: 'request body too large' } },
    };
  }
  if (isPgError(error)) {
    const where = error.constraint ? ` (${error.constraint})` : '';
    if (error.code === '23505')
      return {
        status: 409,
        body: { error: { code: ErrorCode.conflict, message: `already exists${where}` } },
      };
    if (error.code === '23503')
      return {
        status: 422,
        body: {
          error: { code: ErrorCode.validation, message: `refers to something that does not exist${where}` },
        },
      };
    if (
      error.code.startsWith('23') ||
      error.code === '22023' ||
      (error.code === 'XX000' && /geometry|GeoJSON/i.test(error.message))
    ) {
      return {
        status: 422,
        body: {
          error: { code: ErrorCode.validation, message: `rejected by a data rule${where}: ${error.message}` },
        },
      };
    }
  }
  return {
    status: 500,
    body: { error: { code: ErrorCode.internal, message: 'internal error; it has been logged' } },
  };
}

export function errorHandler(log: (error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const { status, body } = classify(error);
    if (status >= 500) log(error);
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    error: { code: ErrorCode.notFound, message: `no route ${req.method} ${req.path}` },
  } satisfies ApiError);
};
