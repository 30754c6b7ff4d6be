// Access audit: every view of personal data is recorded with who, when and what.
import type pg from 'pg';

export async function recordAccess(
  db: pg.Pool | pg.ClientBase,
  entry: {
    userId: number;
    action: string;
    gridId?: number | null;
    occupantId?: number | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db.query(
    'INSERT INTO access_audit (user_id, action, grid_id, occupant_id, detail) VALUES ($1, $2, $3, $4, $5)',
    [
      entry.userId,
      entry.action,
      entry.gridId ?? null,
      entry.occupantId ?? null,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}
