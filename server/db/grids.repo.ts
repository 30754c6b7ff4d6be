// Reads of territorial and sector grids: the GeoJSON layer, one grid's detail, its occupants.
import type pg from 'pg';
import type { GridDetail, GridFeatureCollection, GridListQuery } from '../../shared/grids.ts';
import { gridInRegionSql, gridInScopeSql, type Scope } from '../domain/scope.ts';
import { areaGeoJsonSql } from './geojson-sql.ts';
import { SqlParams } from './sql-params.ts';

const gridPropertiesSql = (g: string): string => `json_build_object(
  'id', ${g}.id, 'code', ${g}.code, 'name', ${g}.name, 'kind', ${g}.kind, 'sectorKind', ${g}.sector_kind,
  'villageCode', ${g}.village_code, 'townshipCode', left(${g}.village_code, 9),
  'workerIds', coalesce((SELECT json_agg(a.worker_id ORDER BY a.worker_id) FROM grid_worker_assignments a
                         WHERE a.grid_id = ${g}.id), '[]'::json),
  'revision', ${g}.revision, 'synthetic', ${g}.synthetic)`;

export async function listGridFeatures(
  pool: pg.Pool,
  query: GridListQuery,
  scope: Scope,
): Promise<GridFeatureCollection> {
  const params = new SqlParams();
  const where = ['g.retired_at IS NULL', gridInScopeSql('g', scope, params)];
  if (query.kind) where.push(`g.kind = ${params.add(query.kind)}`);
  if (query.region) where.push(gridInRegionSql('g', query.region, params));
  if (query.ids) where.push(`g.id = ANY(${params.add(query.ids)}::int[])`);
  if (query.bbox) {
    const [minLon, minLat, maxLon, maxLat] = query.bbox;
    where.push(
      `g.geom && ST_MakeEnvelope(${params.add(minLon)}, ${params.add(minLat)}, ${params.add(maxLon)}, ${params.add(maxLat)}, 4326)`,
    );
  }
  // One row per feature, assembled here: a single multi-megabyte JSON row trips the embedded engine's
  // socket (a later query then fails with 'portal "" does not exist').
  const { rows } = await pool.query<{ feature: GridFeatureCollection['features'][number] }>(
    `SELECT json_build_object('type', 'Feature', 'id', g.id, 'geometry', ${areaGeoJsonSql('g.geom')},
       'properties', ${gridPropertiesSql('g')}) AS feature
     FROM grids g WHERE ${where.join(' AND ')} ORDER BY g.kind DESC, g.code`,
    params.values,
  );
  return { type: 'FeatureCollection', features: rows.map((r) => r.feature) };
}

/** Whether a grid exists (null) and whether the scope allows it. */
export async function gridAccess(
  pool: pg.Pool,
  id: number,
  scope: Scope,
): Promise<'missing' | 'denied' | 'allowed'> {
  const params = new SqlParams();
  const idParam = params.add(id);
  const { rows } = await pool.query<{ allowed: boolean }>(
    `SELECT ${gridInScopeSql('g', scope, params)} AS allowed FROM grids g WHERE g.id = ${idParam} AND g.retired_at IS NULL`,
    params.values,
  );
  if (!rows[0]) return 'missing';
  return rows[0].allowed ? 'allowed' : 'denied';
}

export async function getGridDetail(pool: pg.Pool, id: number): Promise<GridDetail | null> {
  const { rows } = await pool.query<{ detail: GridDetail }>(
    `SELECT json_build_object(
       'grid', (${gridPropertiesSql('g')})::jsonb || jsonb_build_object(
          'villageName', v.name, 'townshipName', t.name,
          'areaKm2', round((ST_Area(g.geom::geography) / 1e6)::numeric, 3)),
       'workers', coalesce((SELECT json_agg(json_build_object('id', w.id, 'code', w.code, 'name', w.name,
            'phone', w.phone, 'role', a.role, 'primary', w.grid_id = g.id) ORDER BY w.grid_id <> g.id, a.role, w.id)
          FROM grid_worker_assignments a JOIN grid_workers w ON w.id = a.worker_id WHERE a.grid_id = g.id), '[]'::json),
       'counts', (SELECT json_build_object(
            'residents', count(*) FILTER (WHERE o.kind = 'resident' AND o.status <> 'left'),
            'arrivals', count(*) FILTER (WHERE o.kind = 'arrival' AND o.status <> 'left'),
            'green', count(*) FILTER (WHERE o.health_code = 'green' AND o.status <> 'left'),
            'yellow', count(*) FILTER (WHERE o.health_code = 'yellow' AND o.status <> 'left'),
            'red', count(*) FILTER (WHERE o.health_code = 'red' AND o.status <> 'left'),
            'isolated', count(*) FILTER (WHERE o.status = 'isolated'),
            'addresses', (SELECT count(*) FROM addresses ad WHERE ad.grid_id = g.id),
            'checkpoints', (SELECT count(*) FROM checkpoints c WHERE c.grid_id = g.id))
          FROM occupants o WHERE o.grid_id = g.id)
     ) AS detail
     FROM grids g LEFT JOIN regions v ON v.code = g.village_code LEFT JOIN regions t ON t.code = v.parent_code
     WHERE g.id = $1`,
    [id],
  );
  return rows[0]?.detail ?? null;
}

export async function gridIdsInScope(pool: pg.Pool | pg.ClientBase, scope: Scope): Promise<Set<number>> {
  const params = new SqlParams();
  const { rows } = await pool.query<{ id: number }>(
    `SELECT g.id FROM grids g WHERE g.retired_at IS NULL AND ${gridInScopeSql('g', scope, params)}`,
    params.values,
  );
  return new Set(rows.map((r) => r.id));
}

/** Every grid as it was at `asOf`: the revision in force then (retired grids drop out). */
export async function listGridFeaturesAsOf(pool: pg.Pool, asOf: string): Promise<GridFeatureCollection> {
  const { rows } = await pool.query<{ feature: GridFeatureCollection['features'][number] }>(
    `SELECT json_build_object('type', 'Feature', 'id', g.id, 'geometry', ${areaGeoJsonSql('r.geom')},
       'properties', (${gridPropertiesSql('g')})::jsonb || jsonb_build_object('revision', r.revision, 'name', r.name, 'code', coalesce(r.code, g.code))) AS feature
     FROM grid_revisions r JOIN grids g ON g.id = r.grid_id
     WHERE r.valid_from <= $1 AND (r.valid_to IS NULL OR r.valid_to > $1) AND r.geom IS NOT NULL
     ORDER BY g.kind DESC, g.code`,
    [asOf],
  );
  return { type: 'FeatureCollection', features: rows.map((r) => r.feature) };
}

export interface GridExportRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  sectorKind: string | null;
  villageCode: string | null;
  village: string | null;
  township: string | null;
  revision: number;
  /** ISO WKB of the MultiPolygon, exterior rings counter-clockwise as in the GeoJSON export. */
  wkb: Buffer;
  envelope: [number, number, number, number];
}

/** The same grids as `listGridFeaturesAsOf`, with village and township names and WKB geometry (for
 *  binary exports). */
export async function listGridExportRowsAsOf(pool: pg.Pool, asOf: string): Promise<GridExportRow[]> {
  const { rows } = await pool.query<Omit<GridExportRow, 'envelope'> & { envelope: number[] }>(
    `SELECT g.id, coalesce(r.code, g.code) AS code, r.name, g.kind, g.sector_kind AS "sectorKind",
            g.village_code AS "villageCode", v.name AS village, t.name AS township, r.revision,
            ST_AsBinary(ST_ForcePolygonCCW(ST_Multi(r.geom)), 'NDR') AS wkb,
            ARRAY[ST_XMin(r.geom), ST_YMin(r.geom), ST_XMax(r.geom), ST_YMax(r.geom)] AS envelope
     FROM grid_revisions r JOIN grids g ON g.id = r.grid_id
     LEFT JOIN regions v ON v.code = g.village_code LEFT JOIN regions t ON t.code = v.parent_code
     WHERE r.valid_from <= $1 AND (r.valid_to IS NULL OR r.valid_to > $1) AND r.geom IS NOT NULL
     ORDER BY g.kind DESC, coalesce(r.code, g.code)`,
    [asOf],
  );
  return rows.map((row) => ({ ...row, envelope: row.envelope as [number, number, number, number] }));
}
