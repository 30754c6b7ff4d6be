// Users and their sessions (opaque random token in the cookie, only its SHA-256 in the database).
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { SessionUser } from '../../shared/auth.ts';
import type { UserRole } from '../../shared/domain.ts';
import { seesPersonalData } from '../domain/scope.ts';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: UserRole;
  region_code: string | null;
  grid_worker_id: number | null;
  grid_id: number | null;
  password_hash: string;
}

const userSelect = `SELECT u.id, u.username, u.display_name, u.role, u.region_code, u.grid_worker_id,
  w.grid_id, u.password_hash FROM users u LEFT JOIN grid_workers w ON w.id = u.grid_worker_id`;

const toSessionUser = (row: UserRow): SessionUser => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  regionCode: row.region_code,
  gridWorkerId: row.grid_worker_id,
  gridId: row.grid_id,
  seesPersonalData: seesPersonalData(row),
});

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function findUserForLogin(
  pool: pg.Pool,
  username: string,
): Promise<{ user: SessionUser; passwordHash: string } | null> {
  const { rows } = await pool.query<UserRow>(`${userSelect} WHERE u.username = $1`, [username]);
  const row = rows[0];
  return row ? { user: toSessionUser(row), passwordHash: row.password_hash } : null;
}

export async function createSession(
  pool: pg.Pool,
  userId: number,
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const { rows } = await pool.query<{ expires_at: Date }>(
    `INSERT INTO sessions (token_hash, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
    [hashToken(token), userId, ttlHours * 3600],
  );
  return { token, expiresAt: rows[0]!.expires_at };
}

export async function findSessionUser(pool: pg.Pool, token: string): Promise<SessionUser | null> {
  const { rows } = await pool.query<UserRow>(
    `${userSelect} JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [hashToken(token)],
  );
  return rows[0] ? toSessionUser(rows[0]) : null;
}

export async function deleteSession(pool: pg.Pool, token: string): Promise<void> {
  await pool.query('DELETE FROM sessions WHERE token_hash = $1 OR expires_at < now()', [hashToken(token)]);
}

export async function listUsernames(
  pool: pg.Pool,
): Promise<{ username: string; role: UserRole; displayName: string }[]> {
  const { rows } = await pool.query<{ username: string; role: UserRole; display_name: string }>(
    'SELECT username, role, display_name FROM users ORDER BY id',
  );
  return rows.map((r) => ({ username: r.username, role: r.role, displayName: r.display_name }));
}
