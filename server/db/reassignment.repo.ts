// Reassignment after a boundary change: compute the plan from the database and a new grid index, and
// apply it in the caller's transaction (all moves or none).
import type pg from 'pg';
import {
  diffAssignments,
  type Located,
  type MovableKind,
  type ReassignmentPlan,
} from '../domain/reassignment.ts';
import type { GridIndex } from '../spatial/grid-index.ts';

interface PointRow {
  id: number;
  grid_id: number;
  lon: number;
  lat: number;
}

function locate(index: GridIndex, rows: PointRow[]): Located {
  const xs = new Float64Array(rows.length);
  const ys = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    xs[i] = row.lon;
    ys[i] = row.lat;
  });
  return {
    ids: rows.map((r) => r.id),
    gridIds: rows.map((r) => r.grid_id),
    newGridIds: index.assignPoints(xs, ys),
  };
}

/** Each movable thing's point: its own location, or for occupants registered by point, theirs. */
const pointSources: Record<MovableKind, { table: string; point: string; where: string }> = {
  address: { table: 'addresses', point: 'geom', where: 'TRUE' },
  // Occupants at an address follow it; only those registered by point move by their own location.
  occupant: { table: 'occupants', point: 'location', where: 'address_id IS NULL AND location IS NOT NULL' },
  checkpoint: { table: 'checkpoints', point: 'geom', where: 'TRUE' },
  isolationSite: { table: 'isolation_sites', point: 'geom', where: 'TRUE' },
};

/** Where the boundaries changed, [minLon, minLat, maxLon, maxLat]: nothing outside it can change grid. */
export type ChangedArea = readonly [number, number, number, number];

export async function computeReassignment(
  client: pg.ClientBase | pg.Pool,
  index: GridIndex,
  area?: ChangedArea,
): Promise<ReassignmentPlan> {
  const params = area ? [...area] : [];
  const inArea = (column: string) => (area ? `${column} && ST_MakeEnvelope($1, $2, $3, $4, 4326)` : 'TRUE');
  const located: Partial<Record<MovableKind, Located>> = {};
  for (const [kind, source] of Object.entries(pointSources) as [
    MovableKind,
    (typeof pointSources)[MovableKind],
  ][]) {
    const { rows } = await client.query<PointRow>(
      `SELECT id::int AS id, grid_id, ST_X(${source.point}) AS lon, ST_Y(${source.point}) AS lat FROM ${source.table}
       WHERE ${source.where} AND ${inArea(source.point)}`,
      params,
    );
    located[kind] = locate(index, rows);
  }
  const followers = await client.query<{ id: number; address_id: number; grid_id: number }>(
    `SELECT o.id::int AS id, o.address_id, o.grid_id FROM occupants o
     ${area ? `JOIN addresses a ON a.id = o.address_id WHERE ${inArea('a.geom')}` : 'WHERE o.address_id IS NOT NULL'}`,
    params,
  );
  const occupantAddresses = new Map(
    followers.rows.map((r) => [r.id, { addressId: r.address_id, gridId: r.grid_id }]),
  );
  // Only the arrivals' ids: the preview splits moving people into residents and arrivals.
  const movingOccupants = [...(located.occupant?.ids ?? []), ...followers.rows.map((r) => r.id)];
  const arrivals = await client.query<{ id: number }>(
    `SELECT id::int AS id FROM occupants WHERE id = ANY($1::bigint[]) AND kind = 'arrival'`,
    [movingOccupants],
  );
  return diffAssignments(index.revision, located, occupantAddresses, new Set(arrivals.rows.map((r) => r.id)));
}

/** Applies every move; run inside a transaction. A move whose row changed grid since the plan was made
 *  (from ≠ current) means the plan is stale: it throws, and the caller's transaction rolls back. */
export async function applyReassignment(client: pg.ClientBase, plan: ReassignmentPlan): Promise<void> {
  for (const kind of Object.keys(pointSources) as MovableKind[]) {
    const moves = plan.moves.filter((m) => m.kind === kind);
    if (moves.length === 0) continue;
    const result = await client.query(
      `UPDATE ${pointSources[kind].table} t SET grid_id = m.to_grid
       FROM unnest($1::bigint[], $2::int[], $3::int[]) AS m(id, from_grid, to_grid)
       WHERE t.id = m.id AND t.grid_id = m.from_grid`,
      [moves.map((m) => m.id), moves.map((m) => m.from), moves.map((m) => m.to)],
    );
    if (result.rowCount !== moves.length) {
      throw new Error(
        `reassignment plan is stale: ${moves.length - (result.rowCount ?? 0)} ${kind} row(s) changed since it was computed`,
      );
    }
  }
}
