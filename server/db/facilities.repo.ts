// Checkpoints and isolation observation sites as GeoJSON point layers, limited to a scope/region.
import type pg from 'pg';
import type { CheckpointFeatureCollection, IsolationSiteFeatureCollection } from '../../shared/facilities.ts';
import { gridInRegionSql, gridInScopeSql, type Scope } from '../domain/scope.ts';
import { pointGeoJsonSql } from './geojson-sql.ts';
import { SqlParams } from './sql-params.ts';

function gridFilter(scope: Scope, region: string | undefined): { where: string; params: SqlParams } {
  const params = new SqlParams();
  const where = [gridInScopeSql('g', scope, params)];
  if (region) where.push(gridInRegionSql('g', region, params));
  return { where: where.join(' AND '), params };
}

export async function listCheckpoints(
  pool: pg.Pool,
  scope: Scope,
  region?: string,
): Promise<CheckpointFeatureCollection> {
  const { where, params } = gridFilter(scope, region);
  const { rows } = await pool.query<{ fc: CheckpointFeatureCollection }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
       'type', 'Feature', 'id', c.id, 'geometry', ${pointGeoJsonSql('c.geom')},
       'properties', json_build_object('id', c.id, 'code', c.code, 'name', c.name, 'kind', c.kind,
                                       'gridId', c.grid_id, 'staffing', c.staffing)
     ) ORDER BY c.kind, c.code), '[]'::json)) AS fc
     FROM checkpoints c JOIN grids g ON g.id = c.grid_id WHERE ${where}`,
    params.values,
  );
  return rows[0]!.fc;
}

export async function listIsolationSites(
  pool: pg.Pool,
  scope: Scope,
  region?: string,
): Promise<IsolationSiteFeatureCollection> {
  const { where, params } = gridFilter(scope, region);
  const { rows } = await pool.query<{ fc: IsolationSiteFeatureCollection }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
       'type', 'Feature', 'id', s.id, 'geometry', ${pointGeoJsonSql('s.geom')},
       'properties', json_build_object('id', s.id, 'code', s.code, 'name', s.name, 'gridId', s.grid_id,
                                       'capacity', s.capacity, 'occupancy', s.occupancy,
                                       'openedOn', to_char(s.opened_on, 'YYYY-MM-DD'))
     ) ORDER BY s.code), '[]'::json)) AS fc
     FROM isolation_sites s JOIN grids g ON g.id = s.grid_id WHERE ${where}`,
    params.values,
  );
  return rows[0]!.fc;
}
