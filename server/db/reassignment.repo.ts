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

const pointQueries: Record<MovableKind, string> = {
  address: 'SELECT id, grid_id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM addresses',
  // Occupants registered by point (no address) move by their own location.
  occupant:
    'SELECT id::int AS id, grid_id, ST_X(location) AS lon, ST_Y(location) AS lat FROM occupants WHERE address_id IS NULL AND location IS NOT NULL',
  checkpoint: 'SELECT id, grid_id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM checkpoints',
  isolationSite: 'SELECT id, grid_id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM isolation_sites',
};

export async function computeReassignment(
  client: pg.ClientBase | pg.Pool,
  index: GridIndex,
): Promise<ReassignmentPlan> {
  const located: Partial<Record<MovableKind, Located>> = {};
  for (const kind of Object.keys(pointQueries) as MovableKind[]) {
    located[kind] = locate(index, (await client.query<PointRow>(pointQueries[kind])).rows);
  }
  const followers = await client.query<{ id: number; address_id: number; grid_id: number }>(
    'SELECT id::int AS id, address_id, grid_id FROM occupants WHERE address_id IS NOT NULL',
  );
  const occupantAddresses = new Map(
    followers.rows.map((r) => [r.id, { addressId: r.address_id, gridId: r.grid_id }]),
  );
  return diffAssignments(index.revision, located, occupantAddresses);
}

const tables: Record<MovableKind, string> = {
  address: 'addresses',
  occupant: 'occupants',
  checkpoint: 'checkpoints',
  isolationSite: 'isolation_sites',
};

/** Applies every move; run inside a transaction. A move whose row changed grid since the plan was made
 *  (from ≠ current) means the plan is stale: it throws, and the caller's transaction rolls back. */
export async function applyReassignment(client: pg.ClientBase, plan: ReassignmentPlan): Promise<void> {
  for (const kind of Object.keys(tables) as MovableKind[]) {
    const moves = plan.moves.filter((m) => m.kind === kind);
    if (moves.length === 0) continue;
    const result = await client.query(
      `UPDATE ${tables[kind]} t SET grid_id = m.to_grid
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
