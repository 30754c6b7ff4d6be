// Reassignment after a boundary change: the plan names exactly what moves, and applying it is atomic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGridInputs } from '../../server/db/assigner.repo.ts';
import { withTransaction } from '../../server/db/database.ts';
import { applyReassignment, computeReassignment } from '../../server/db/reassignment.repo.ts';
import { GridIndex } from '../../server/spatial/grid-index.ts';
import type { GridInput } from '../../server/spatial/packed-grids.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

let db: TestDb;
let grids: GridInput[];
let absorbed: number;
let absorber: number;
beforeAll(async () => {
  db = await createTestDb();
  grids = (await readGridInputs(db.pool)).grids;
  // Two neighbouring territorial grids of one village, the first with people at addresses.
  const pair = await db.pool.query<{ a: number; b: number }>(
    `SELECT a.id AS a, b.id AS b FROM grids a JOIN grids b ON a.village_code = b.village_code AND a.id <> b.id
       AND ST_Intersects(a.geom, b.geom)
     WHERE a.kind = 'territorial' AND EXISTS (SELECT 1 FROM occupants o WHERE o.grid_id = a.id)
       AND EXISTS (SELECT 1 FROM checkpoints c WHERE c.grid_id = a.id)
     ORDER BY a.id LIMIT 1`,
  );
  ({ a: absorbed, b: absorber } = pair.rows[0]!);
});
afterAll(async () => {
  await db?.drop();
});

/** The new boundaries: grid `absorbed`'s territory is given to `absorber` (its polygon taken away). */
function mergedIndex(revision: number): GridIndex {
  const a = grids.find((g) => g.id === absorbed)!;
  const merged = grids
    .filter((g) => g.id !== absorbed)
    .map((g) => {
      if (g.id !== absorber) return g;
      const parts = (geometry: GridInput['geometry']) =>
        geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
      return {
        ...g,
        geometry: {
          type: 'MultiPolygon' as const,
          coordinates: [...parts(g.geometry), ...parts(a.geometry)],
        },
      };
    });
  return GridIndex.build(merged, revision);
}

const counts = async (gridId: number) =>
  (
    await db.pool.query<{
      addresses: number;
      occupants: number;
      residents: number;
      arrivals: number;
      checkpoints: number;
    }>(
      `SELECT (SELECT count(*) FROM addresses WHERE grid_id = $1)::int AS addresses,
              (SELECT count(*) FROM occupants WHERE grid_id = $1)::int AS occupants,
              (SELECT count(*) FROM occupants WHERE grid_id = $1 AND kind = 'resident')::int AS residents,
              (SELECT count(*) FROM occupants WHERE grid_id = $1 AND kind = 'arrival')::int AS arrivals,
              (SELECT count(*) FROM checkpoints WHERE grid_id = $1)::int AS checkpoints`,
      [gridId],
    )
  ).rows[0]!;

describe('reassignment', () => {
  it('moves exactly what lay in the changed area, from which grid to which, and applies it atomically', async () => {
    const before = { absorbed: await counts(absorbed), absorber: await counts(absorber) };
    expect(before.absorbed.occupants).toBeGreaterThan(0);

    const unchanged = await computeReassignment(db.pool, GridIndex.build(grids, 1));
    expect(unchanged.moves).toEqual([]);
    expect(unchanged.unassigned).toEqual([]);

    const plan = await computeReassignment(db.pool, mergedIndex(2));
    expect(plan.summary).toEqual([
      { from: absorbed, to: absorber, ...before.absorbed, isolationSites: plan.summary[0]!.isolationSites },
    ]);
    expect(plan.moves.every((m) => m.from === absorbed && m.to === absorber)).toBe(true);

    // A stale plan (one row already moved elsewhere) changes nothing at all.
    const stale = {
      ...plan,
      moves: [...plan.moves, { kind: 'address' as const, id: -1, from: absorbed, to: absorber }],
    };
    await expect(withTransaction(db.pool, (client) => applyReassignment(client, stale))).rejects.toThrow(
      /stale/,
    );
    expect(await counts(absorbed)).toEqual(before.absorbed);

    await withTransaction(db.pool, (client) => applyReassignment(client, plan));
    expect(await counts(absorbed)).toEqual({
      addresses: 0,
      occupants: 0,
      residents: 0,
      arrivals: 0,
      checkpoints: 0,
    });
    const after = await counts(absorber);
    expect(after.addresses).toBe(before.absorber.addresses + before.absorbed.addresses);
    expect(after.occupants).toBe(before.absorber.occupants + before.absorbed.occupants);
    expect(after.checkpoints).toBe(before.absorber.checkpoints + before.absorbed.checkpoints);
    const orphans = await db.pool.query(
      `SELECT count(*)::int AS n FROM occupants o JOIN addresses a ON a.id = o.address_id WHERE a.grid_id <> o.grid_id`,
    );
    expect(orphans.rows[0]).toEqual({ n: 0 });
  });
});
