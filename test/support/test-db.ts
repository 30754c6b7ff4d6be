// Gives a test file its own schema on the engine under test, migrated and loaded with the test dataset.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Dataset } from '../../data/generator/dataset.ts';
import { createPool, ensureSchema } from '../../server/db/database.ts';
import { loadDataset } from '../../server/db/dataset-loader.ts';
import { migrate } from '../../server/db/migrate.ts';

export const demoPassword = 'test-password-1';

export interface TestDb {
  pool: pg.Pool;
  engine: 'embedded' | 'postgres';
  schema: string;
  dataset: Dataset;
  drop(): Promise<void>;
}

let cachedDataset: Dataset | undefined;
export function testDataset(): Dataset {
  cachedDataset ??= JSON.parse(fs.readFileSync(inject('datasetFile'), 'utf8')) as Dataset;
  return cachedDataset;
}

export async function createTestDb(options: { load?: boolean } = {}): Promise<TestDb> {
  const engine = inject('engine');
  const schema = `t_${randomBytes(5).toString('hex')}`;
  // The embedded engine has one session for all connections: one connection per test file.
  const pool = createPool(
    { connectionString: inject('databaseUrl'), max: engine === 'embedded' ? 1 : 4 },
    schema,
  );
  await ensureSchema(pool, schema);
  await migrate(pool);
  const dataset = testDataset();
  if (options.load !== false) await loadDataset(pool, dataset, { demoPassword });
  return {
    pool,
    engine,
    schema,
    dataset,
    drop: async () => {
      await pool.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
      await pool.end();
    },
  };
}
