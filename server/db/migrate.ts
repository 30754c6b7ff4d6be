// Applies data/migrations/NNN_name.sql in order, each in its own transaction, recorded in schema_migrations.
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { projectRoot } from '../config.ts';
import { withTransaction } from './database.ts';

export const migrationsDir = path.join(projectRoot, 'data', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await fs.readFile(path.join(dir, file), 'utf8'),
    })),
  );
}

/** Returns the migrations it applied (empty when the schema was current). */
export async function migrate(pool: pg.Pool, migrations?: Migration[]): Promise<Migration[]> {
  const all = migrations ?? (await readMigrations());
  await pool.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = new Set(
    (await pool.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
      (r) => r.version,
    ),
  );
  const pending = all.filter((migration) => !applied.has(migration.version));
  for (const migration of pending) {
    await withTransaction(pool, async (client) => {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    });
  }
  return pending;
}
