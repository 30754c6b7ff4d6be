// Login, session user and role/scope wire schemas.
import { z } from 'zod';
import { UserRole } from './domain.ts';

export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(32),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: UserRole,
  /** Region the user may see (county, township or village code); null for a grid worker. */
  regionCode: z.string().nullable(),
  /** A grid worker's record and own territorial grid. */
  gridWorkerId: z.number().int().nullable(),
  gridId: z.number().int().nullable(),
  seesPersonalData: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const SessionState = z.object({ user: SessionUser.nullable() });
export type SessionState = z.infer<typeof SessionState>;

export const LoginResponse = z.object({ user: SessionUser, expiresAt: z.string() });
export type LoginResponse = z.infer<typeof LoginResponse>;

/** Cookie that carries the session token (httpOnly, SameSite=Lax). */
export const sessionCookieName = 'gc_session';
