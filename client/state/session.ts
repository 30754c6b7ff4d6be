// The session store: who is logged in. Components read it through this module only.
import { create } from 'zustand';
import { LoginResponse, SessionState, type SessionUser } from '../../shared/auth.ts';
import { z } from 'zod';
import { apiRequest } from '../api/http.ts';

interface SessionStore {
  user: SessionUser | null;
  checked: boolean;
  refresh(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

export const useSession = create<SessionStore>((set) => ({
  user: null,
  checked: false,
  async refresh() {
    const { user } = await apiRequest(SessionState, '/api/auth/session');
    set({ user, checked: true });
  },
  async login(username, password) {
    const res = await apiRequest(LoginResponse, '/api/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    set({ user: res.user, checked: true });
  },
  async logout() {
    await apiRequest(z.object({ ok: z.literal(true) }), '/api/auth/logout', { method: 'POST' }).catch(
      () => undefined,
    );
    set({ user: null });
  },
}));
