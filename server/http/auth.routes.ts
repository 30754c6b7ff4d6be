// Login, logout and "who am I".
import { z } from 'zod';
import { ErrorCode } from '../../shared/api-error.ts';
import {
  LoginRequest,
  LoginResponse,
  SessionState,
  SessionUser,
  sessionCookieName,
} from '../../shared/auth.ts';
import { verifyPassword } from '../auth/password.ts';
import { createSession, deleteSession, findUserForLogin } from '../db/users.repo.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, type ApiRegistry } from './api-registry.ts';
import { HttpError } from './http-error.ts';
import { clearSessionCookie, readCookie, setSessionCookie } from './session.ts';

// Verified against when the user does not exist, so a wrong username costs as long as a wrong password.
const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function authRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in; sets the httpOnly session cookie',
      tag: 'auth',
      roles: 'public',
      body: LoginRequest,
      response: LoginResponse,
    },
    async ({ body, res }) => {
      const found = await findUserForLogin(deps.pool, body.username);
      const ok = await verifyPassword(body.password, found?.passwordHash ?? decoyHash);
      if (!found || !ok) throw new HttpError(401, ErrorCode.badCredentials, 'wrong username or password');
      const session = await createSession(deps.pool, found.user.id, deps.config.SESSION_TTL_HOURS);
      setSessionCookie(res, session.token, session.expiresAt, deps.config.NODE_ENV === 'production');
      return { user: found.user, expiresAt: session.expiresAt.toISOString() };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Log out; ends the session',
      tag: 'auth',
      roles: allRoles,
      response: z.object({ ok: z.literal(true) }),
    },
    async ({ req, res }) => {
      const token = readCookie(req.headers.cookie, sessionCookieName);
      if (token) await deleteSession(deps.pool, token);
      clearSessionCookie(res);
      return { ok: true as const };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/auth/session',
      summary: 'The current session, if any (never 401, so a page can ask without an error)',
      tag: 'auth',
      roles: 'public',
      response: SessionState,
    },
    async ({ req }) => ({ user: req.user ?? null }),
  );

  api.add(
    {
      method: 'get',
      path: '/api/auth/me',
      summary: 'The logged-in user',
      tag: 'auth',
      roles: allRoles,
      response: SessionUser,
    },
    async ({ user }) => user,
  );
}
