// Migrations and the data rules they put in SQL, on the engine under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../server/db/migrate.ts';
import { lastGridSetChangeSql } from '../../server/realtime/catch-up.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ load: false });
});
afterAll(async () => {
  await db?.drop();
});

const square = (x: number, y: number, size = 0.01) =>
  `ST_Multi(ST_GeomFromText('POLYGON((${x} ${y},${x + size} ${y},${x + size} ${y + size},${x} ${y + size},${x} ${y}))', 4326))`;
const bowtie = `ST_Multi(ST_GeomFromText('POLYGON((121 29,121.01 29.01,121.01 29,121 29.01,121 29))', 4326))`;

describe('migrations', () => {
  it('applied every migration once, in order, and a second run applies nothing', async () => {
    const files = await readMigrations();
    const { rows } = await db.pool.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
    expect(await migrate(db.pool)).toEqual([]);
  });

  it('rolls a failing migration back whole and records nothing', async () => {
    const broken = [{ version: 999, name: 'broken', sql: 'CREATE TABLE half_written (id int); SELECT 1/0;' }];
    await expect(migrate(db.pool, broken)).rejects.toThrow(/division by zero/);
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM schema_migrations WHERE version = 999)::int AS recorded,
              to_regclass('half_written') IS NOT NULL AS table_exists`,
    );
    expect(rows[0]).toEqual({ recorded: 0, table_exists: false });
  });

  it('creates the model with GiST indexes on every geometry column', async () => {
    const { rows } = await db.pool.query<{ tablename: string }>(
      `SELECT tablename FROM pg_indexes WHERE schemaname = current_schema() AND indexdef ILIKE '%USING gist%'`,
    );
    expect(rows.map((r) => r.tablename).sort()).toEqual(
      ['addresses', 'checkpoints', 'grid_revisions', 'grids', 'isolation_sites', 'regions'].sort(),
    );
  });

  it("finds a snapshot's last grid-set change by its partial index, not by walking every event", async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      // Planner costs on an empty table are not the point: rule the alternatives out, as a big table would.
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${lastGridSetChangeSql.replace('$1', '1000000')}`,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('events_grid_set_idx');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('data rules in SQL', () => {
  beforeAll(async () => {
    await db.pool.query(
      `INSERT INTO regions (code, name, level, kind, geom) VALUES ('331023', '天台县', 'county', 'county', ${square(120.9, 29, 0.3)})`,
    );
    await db.pool.query(
      `INSERT INTO regions (code, name, level, kind, parent_code, geom) VALUES
       ('331023001', '赤城街道', 'township', 'subdistrict', '331023', ${square(121, 29, 0.1)}),
       ('331023001040', '妙山社区', 'village', 'community', '331023001', ${square(121, 29)})`,
    );
  });

  it('refuses an invalid (self-intersecting) polygon', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO grids (code, name, kind, village_code, geom) VALUES ('X-01', 'x', 'territorial', '331023001040', ${bowtie})`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('refuses unknown enum values and inconsistent kinds', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO grids (code, name, kind, village_code, geom) VALUES ('X-02', 'x', 'district', '331023001040', ${square(121, 29)})`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      db.pool.query(
        `INSERT INTO grids (code, name, kind, geom) VALUES ('X-03', 'x', 'territorial', ${square(121, 29)})`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      db.pool.query(
        `INSERT INTO regions (code, name, level, kind, parent_code, geom) VALUES ('331023001099', 'x', 'village', 'town', '331023001', ${square(121, 29)})`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('refuses an occupant with a malformed ID number or an isolated status without a site', async () => {
    const grid = await db.pool.query<{ id: number }>(
      `INSERT INTO grids (code, name, kind, village_code, geom) VALUES ('331023001040-01', '妙山社区第1网格', 'territorial', '331023001040', ${square(121, 29)}) RETURNING id`,
    );
    const gridId = grid.rows[0]!.id;
    const insert = (idNumber: string, status: string) =>
      db.pool.query(
        `INSERT INTO occupants (id_number, name, phone, grid_id, kind, health_code, status, registered_at)
         VALUES ($1, '张三', '13800000000', $2, 'resident', 'green', $3, now())`,
        [idNumber, gridId, status],
      );
    await expect(insert('33102319900101123', 'at_home')).rejects.toMatchObject({ code: '23514' });
    await expect(insert('331023199001011234', 'isolated')).rejects.toMatchObject({ code: '23514' });
    await expect(insert('331023199001011234', 'at_home')).resolves.toBeDefined();
  });

  it('keeps the event log append-only', async () => {
    await db.pool.query(`INSERT INTO events (type, payload) VALUES ('test:appended', '{}')`);
    await expect(db.pool.query(`UPDATE events SET type = 'test:changed'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM events')).rejects.toThrow(/append-only/);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'test:appended'`,
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('numbers events with a strictly increasing sequence', async () => {
    await db.pool.query(`INSERT INTO events (type) SELECT 'test:burst' FROM generate_series(1, 50)`);
    const { rows } = await db.pool.query<{ seq: number }>(`SELECT seq FROM events ORDER BY seq`);
    const seqs = rows.map((r) => r.seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
  });
});
