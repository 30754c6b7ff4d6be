// Errors a route throws on purpose; the error handler turns them into `{error:{code,message,issues}}`.
import { ErrorCode, type ValidationIssue } from '../../shared/api-error.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string): HttpError =>
  new HttpError(404, ErrorCode.notFound, `${what} not found`);
export const forbidden = (message = 'your role or scope does not allow this'): HttpError =>
  new HttpError(403, ErrorCode.forbidden, message);
export const unauthenticated = (): HttpError =>
  new HttpError(401, ErrorCode.unauthenticated, 'log in first (POST /api/auth/login)');
