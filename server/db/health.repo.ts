// Engine versions and dataset counts for GET /api/health.
import type pg from 'pg';
import type { DatasetCounts } from '../../shared/health.ts';

export async function readVersions(pool: pg.Pool): Promise<{ postgres: string; postgis: string }> {
  const { rows } = await pool.query<{ postgres: string; postgis: string }>(
    `SELECT current_setting('server_version') AS postgres, postgis_lib_version() AS postgis`,
  );
  return rows[0]!;
}

export async function readDatasetCounts(pool: pg.Pool): Promise<DatasetCounts> {
  const { rows } = await pool.query<DatasetCounts>(`SELECT
    (SELECT count(*) FROM regions WHERE level = 'township')::int AS townships,
    (SELECT count(*) FROM regions WHERE level = 'village')::int AS villages,
    (SELECT count(*) FROM grids WHERE kind = 'territorial' AND retired_at IS NULL)::int AS "territorialGrids",
    (SELECT count(*) FROM grids WHERE kind = 'sector' AND retired_at IS NULL)::int AS "sectorGrids",
    (SELECT count(*) FROM grid_workers)::int AS "gridWorkers",
    (SELECT count(*) FROM addresses)::int AS addresses,
    (SELECT count(*) FROM households)::int AS households,
    (SELECT count(*) FROM occupants)::int AS occupants,
    (SELECT count(*) FROM occupants WHERE kind = 'resident')::int AS residents,
    (SELECT count(*) FROM occupants WHERE kind = 'arrival')::int AS arrivals,
    (SELECT count(*) FROM checkpoints)::int AS checkpoints,
    (SELECT count(*) FROM isolation_sites)::int AS "isolationSites",
    (SELECT count(*) FROM users)::int AS users,
    (SELECT count(*) FROM events)::int AS events`);
  return rows[0]!;
}

export async function readDatasetInfo(pool: pg.Pool): Promise<Record<string, unknown>> {
  const { rows } = await pool.query<{ key: string; value: unknown }>('SELECT key, value FROM dataset_info');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
