// Loads what the Assigner keeps in memory: every grid's geometry with the grid set's revision, and the
// address registry. Called at start and after boundary changes.
import type { MultiPolygon, Polygon } from 'geojson';
import type pg from 'pg';
import type { GridKind } from '../../shared/domain.ts';
import { AddressIndex, type IndexedAddress } from '../domain/address-index.ts';
import { Assigner, type GridName } from '../domain/assigner.ts';
import { GridIndexHolder, type BuildGridIndex } from '../spatial/grid-index-holder.ts';
import type { GridInput } from '../spatial/packed-grids.ts';

/** Grid-set revision: the sequence number of the last event that changed any grid's geometry. */
export async function readGridSetRevision(client: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await client.query<{ revision: number }>(
    `SELECT coalesce(max(seq), 0) AS revision FROM events WHERE type IN ('dataset:loaded', 'grid:boundary-changed')`,
  );
  return rows[0]!.revision;
}

/** Coordinates at full precision (ST_AsGeoJSON defaults to 9 decimals, which would move shared edges
 *  off the stored ones and break the agreement with PostGIS near boundaries). */
export async function readGridInputs(
  client: pg.ClientBase | pg.Pool,
): Promise<{ grids: GridInput[]; names: Map<number, GridName> }> {
  const { rows } = await client.query<{
    id: number;
    code: string;
    name: string;
    kind: GridKind;
    geometry: Polygon | MultiPolygon;
  }>(
    `SELECT id, code, name, kind, ST_AsGeoJSON(geom, 15)::json AS geometry FROM grids WHERE retired_at IS NULL ORDER BY id`,
  );
  return {
    grids: rows.map(({ id, code, kind, geometry }) => ({ id, code, kind, geometry })),
    names: new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }])),
  };
}

export async function readIndexedAddresses(client: pg.ClientBase | pg.Pool): Promise<IndexedAddress[]> {
  const { rows } = await client.query<IndexedAddress>(
    `SELECT a.id, a.text, t.name AS township, regexp_replace(v.name, '村委会$', '村') AS village, a.grid_id AS "gridId",
            ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat
     FROM addresses a JOIN regions t ON t.code = a.township_code JOIN regions v ON v.code = a.village_code
     ORDER BY a.id`,
  );
  return rows;
}

/** `build`: how grid indexes are built (default: in this thread; the server passes its worker pool). */
export async function loadAssigner(pool: pg.Pool, build?: BuildGridIndex): Promise<Assigner> {
  const [revision, { grids, names }, addresses] = await Promise.all([
    readGridSetRevision(pool),
    readGridInputs(pool),
    readIndexedAddresses(pool),
  ]);
  const holder = new GridIndexHolder({ build });
  await holder.replace(grids, revision);
  return new Assigner(holder, new AddressIndex(addresses), names);
}
