// Every grid can be previewed: an unchanged outline submitted for each of the first 60 territorial grids
// is valid and moves nobody. On the embedded engine this used to fail on 2–10 of them with
// `portal "" does not exist` (see README, "Worked around, embedded engine only").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundaryPreview } from '../../shared/boundaries.ts';
import type { AreaGeometry } from '../../shared/geojson.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let planner: TestClient;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db);
  planner = await server.as('planner');
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('boundary preview sweep', () => {
  it('previews an unchanged outline of each of 60 grids as valid, with nothing moving', async () => {
    const { rows } = await db.pool.query<{ id: number; revision: number; geometry: AreaGeometry }>(
      `SELECT id, revision, ST_AsGeoJSON(geom, 15)::json AS geometry FROM grids
       WHERE kind = 'territorial' AND retired_at IS NULL ORDER BY id LIMIT 60`,
    );
    expect(rows).toHaveLength(60);
    const outcomes: string[] = [];
    for (const grid of rows) {
      const res = await planner.post('/api/boundaries/preview', {
        changes: [{ op: 'update', gridId: grid.id, geometry: grid.geometry }],
        baseRevisions: { [String(grid.id)]: grid.revision },
      });
      if (res.status !== 200) {
        outcomes.push(`grid ${grid.id}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const preview = BoundaryPreview.parse(res.body);
      if (preview.totals.occupants !== 0 || preview.totals.addresses !== 0)
        outcomes.push(`grid ${grid.id}: ${preview.totals.addresses} addresses would move`);
    }
    expect(outcomes).toEqual([]);
  });
});
