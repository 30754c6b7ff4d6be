import type { SessionUser } from '../../shared/auth.ts';

declare global {
  namespace Express {
    interface Request {
      /** The logged-in user, set by the session middleware; undefined when not logged in. */
      user?: SessionUser;
    }
  }
}

export {};
