// Reads the session cookie on every request and attaches the user; sets and clears the cookie.
import type { NextFunction, Request, Response } from 'express';
import type pg from 'pg';
import { sessionCookieName } from '../../shared/auth.ts';
import { findSessionUser } from '../db/users.repo.ts';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionMiddleware(pool: pg.Pool) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const token = readCookie(req.headers.cookie, sessionCookieName);
    if (token) req.user = (await findSessionUser(pool, token)) ?? undefined;
    next();
  };
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: expiresAt,
    path: '/',
  });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(sessionCookieName, { path: '/' });
}
