// Boundary editing through the API: split and merge with previews equal to commits, every invalid case
// refused with its reason and nothing written, optimistic locking, history and "as of".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-error.ts';
import {
  BoundaryCommitResult,
  BoundaryImportPreview,
  BoundaryPreview,
  GridRevisionList,
  type BoundaryProblem,
} from '../../shared/boundaries.ts';
import { AssignResponse } from '../../shared/arrivals.ts';
import { GridDetail, GridFeatureCollection } from '../../shared/grids.ts';
import type { AreaGeometry } from '../../shared/geojson.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';
import { StatusClient } from '../support/status-client.ts';

let db: TestDb;
let server: TestServer;
let planner: TestClient;
let grid: { id: number; code: string; village_code: string; revision: number; addresses: number };
let halves: [AreaGeometry, AreaGeometry];
let original: AreaGeometry;
const before = new Date().toISOString();

beforeAll(async () => {
  db = await createTestDb();
  // Previews and commits build their grid indexes in worker threads, as in production.
  server = await startTestServer(db, { spatialWorkers: true });
  planner = await server.as('planner');
  // A one-part grid with addresses on both sides of a horizontal cut through its centroid.
  const { rows } = await db.pool.query<
    typeof grid & { north: AreaGeometry; south: AreaGeometry; original: AreaGeometry }
  >(
    `WITH g AS (
       SELECT g.id, g.code, g.village_code, g.revision, ST_GeometryN(g.geom, 1) AS poly, ST_Centroid(g.geom) AS c,
              (SELECT count(*) FROM addresses a WHERE a.grid_id = g.id)::int AS addresses
       FROM grids g WHERE g.kind = 'territorial' AND ST_NumGeometries(g.geom) = 1),
     cut AS (
       SELECT g.*, ST_Split(g.poly, ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_X(c) - 1, ST_Y(c)), ST_MakePoint(ST_X(c) + 1, ST_Y(c))), 4326)) AS parts FROM g)
     SELECT id, code, village_code, revision, addresses,
            ST_AsGeoJSON(ST_GeometryN(parts, 1), 15)::json AS north, ST_AsGeoJSON(ST_GeometryN(parts, 2), 15)::json AS south,
            ST_AsGeoJSON(poly, 15)::json AS original
     FROM cut
     WHERE ST_NumGeometries(parts) = 2 AND addresses >= 6
       AND (SELECT count(*) FROM addresses a WHERE a.grid_id = cut.id AND ST_Y(a.geom) > ST_Y(cut.c) + 1e-5) >= 2
       AND (SELECT count(*) FROM addresses a WHERE a.grid_id = cut.id AND ST_Y(a.geom) < ST_Y(cut.c) - 1e-5) >= 2
     ORDER BY addresses DESC LIMIT 1`,
  );
  const row = rows[0]!;
  grid = row;
  halves = [row.north, row.south];
  original = row.original;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const split = () => ({
  changes: [
    { op: 'update' as const, gridId: grid.id, geometry: halves[0] },
    {
      op: 'create' as const,
      code: `${grid.code.slice(0, 12)}-90`,
      name: '新分网格',
      villageCode: grid.village_code,
      geometry: halves[1],
    },
  ],
  baseRevisions: { [String(grid.id)]: grid.revision },
  kind: 'split' as const,
});

const problemsOf = (body: unknown): BoundaryProblem[] =>
  (ApiError.parse(body).error.details?.problems ?? []) as BoundaryProblem[];

describe('boundary change sets', () => {
  it('refuses each invalid case with its reason and writes nothing', async () => {
    const bowtie: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [121, 29],
          [121.01, 29.01],
          [121.01, 29],
          [121, 29.01],
          [121, 29],
        ],
      ],
    };
    const { rows } = await db.pool.query<{ grown: AreaGeometry; shrunk: AreaGeometry; sliver: AreaGeometry }>(
      `SELECT ST_AsGeoJSON(ST_Buffer(geom, 0.002), 15)::json AS grown, ST_AsGeoJSON(ST_Buffer(geom, -0.0005), 15)::json AS shrunk,
              ST_AsGeoJSON(ST_MakePolygon(ST_MakeLine(ARRAY[ST_Centroid(geom), ST_Translate(ST_Centroid(geom), 0.0001, 0),
                ST_Translate(ST_Centroid(geom), 0.00005, 0.00001), ST_Centroid(geom)])), 15)::json AS sliver
       FROM grids WHERE id = $1`,
      [grid.id],
    );
    const base = { baseRevisions: { [String(grid.id)]: grid.revision } };
    const cases: [unknown, string[]][] = [
      [{ ...base, changes: [{ op: 'update', gridId: grid.id, geometry: bowtie }] }, ['invalid_geometry']],
      [
        { ...base, changes: [{ op: 'update', gridId: grid.id, geometry: rows[0]!.grown }] },
        ['overlap', 'outside_parent'],
      ],
      [{ ...base, changes: [{ op: 'update', gridId: grid.id, geometry: rows[0]!.shrunk }] }, ['gap']],
      [
        {
          ...base,
          changes: [
            {
              op: 'create',
              code: 'S-NEW-1',
              name: 'x',
              villageCode: grid.village_code,
              geometry: rows[0]!.sliver,
            },
          ],
        },
        ['sliver'],
      ],
      [{ ...base, changes: [{ op: 'update', gridId: 999999, geometry: original }] }, ['unknown_grid']],
    ];
    for (const [body, codes] of cases) {
      for (const path of ['/api/boundaries/preview', '/api/boundaries/commit']) {
        const res = await planner.post(path, { ...(body as object), reason: 'test' });
        expect(res.status).toBe(422);
        const found = new Set(problemsOf(res.body).map((p) => p.code));
        for (const code of codes) expect([...found]).toContain(code);
      }
    }
    const after = await db.pool.query<{ revision: number }>('SELECT revision FROM grids WHERE id = $1', [
      grid.id,
    ]);
    expect(after.rows[0]!.revision).toBe(grid.revision);
    expect((await db.pool.query(`SELECT 1 FROM grids WHERE code = 'S-NEW-1'`)).rowCount).toBe(0);
  });

  it('splits a grid: the preview equals what the commit does, consoles redraw, assignment follows', async () => {
    const preview = await planner.post('/api/boundaries/preview', split());
    expect(preview.status).toBe(200);
    const previewed = BoundaryPreview.parse(preview.body);
    expect(previewed.totals.addresses).toBeGreaterThanOrEqual(2);
    expect(previewed.moves.every((m) => m.from.id === grid.id)).toBe(true);
    // People moving are split into residents and arrivals, per grid pair and in total, as the database has them.
    expect(previewed.totals.residents + previewed.totals.arrivals).toBe(previewed.totals.occupants);
    for (const m of previewed.moves) expect(m.residents + m.arrivals).toBe(m.occupants);

    const watcher = new StatusClient(server.baseUrl, (await server.as('commander')).cookie);
    await watcher.ready();
    const res = await planner.post('/api/boundaries/commit', { ...split(), reason: '人口增长，拆分网格' });
    expect(res.status).toBe(200);
    const committed = BoundaryCommitResult.parse(res.body);
    expect(committed.totals).toEqual(previewed.totals);
    expect(committed.moves.map((m) => [m.from.id, m.addresses, m.occupants])).toEqual(
      previewed.moves.map((m) => [m.from.id, m.addresses, m.occupants]),
    );
    const newId = committed.moves[0]!.to.id;
    const people = await db.pool.query<{ residents: number; arrivals: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'resident')::int AS residents, count(*) FILTER (WHERE kind = 'arrival')::int AS arrivals
       FROM occupants WHERE grid_id = $1`,
      [newId],
    );
    expect(people.rows[0]).toEqual({
      residents: previewed.totals.residents,
      arrivals: previewed.totals.arrivals,
    });
    const moved = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM addresses WHERE grid_id = $1',
      [newId],
    );
    expect(moved.rows[0]!.n).toBe(previewed.totals.addresses);

    await watcher.waitFor(() => watcher.grids.has(newId), 2000);
    expect(
      [...watcher.events.values()].some((e) => e.type === 'grid:boundary-changed' && e.gridId === grid.id),
    ).toBe(true);
    watcher.close();

    const point = await db.pool.query<{ lon: number; lat: number }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM addresses WHERE grid_id = $1 LIMIT 1',
      [newId],
    );
    const assigned = AssignResponse.parse(
      (await planner.post('/api/assign', { items: [{ point: [point.rows[0]!.lon, point.rows[0]!.lat] }] }))
        .body,
    );
    expect(assigned.results[0]!.grid!.id).toBe(newId);
  });

  it('refuses a commit from a stale revision with 409 and the current revision', async () => {
    const res = await planner.post('/api/boundaries/commit', {
      changes: [{ op: 'update', gridId: grid.id, geometry: original }],
      baseRevisions: { [String(grid.id)]: grid.revision },
      reason: 'stale editor',
    });
    expect(res.status).toBe(409);
    expect(ApiError.parse(res.body).error.details).toMatchObject({
      gridId: grid.id,
      currentRevision: grid.revision + 1,
    });
  });

  it('keeps the history and shows the boundaries as they were', async () => {
    const history = GridRevisionList.parse((await planner.get(`/api/grids/${grid.id}/revisions`)).body);
    expect(history.revisions.map((r) => r.revision)).toEqual([grid.revision + 1, grid.revision]);
    expect(history.revisions[0]).toMatchObject({
      kind: 'split',
      author: '网格规划员',
      reason: '人口增长，拆分网格',
    });
    const then = GridFeatureCollection.parse(
      (await planner.get(`/api/grids?asOf=${encodeURIComponent(before)}`)).body,
    );
    const now = GridFeatureCollection.parse((await planner.get('/api/grids')).body);
    expect(then.features).toHaveLength(674);
    expect(now.features).toHaveLength(675);
    expect(then.features.find((f) => f.properties.id === grid.id)!.properties.revision).toBe(grid.revision);
  });

  it('merges the new grid back (retire + update) and everyone returns', async () => {
    const { rows } = await db.pool.query<{ id: number; revision: number }>(
      `SELECT id, revision FROM grids WHERE code = $1`,
      [`${grid.code.slice(0, 12)}-90`],
    );
    const added = rows[0]!;
    const res = await planner.post('/api/boundaries/commit', {
      changes: [
        { op: 'retire', gridId: added.id },
        { op: 'update', gridId: grid.id, geometry: original },
      ],
      baseRevisions: { [String(grid.id)]: grid.revision + 1, [String(added.id)]: added.revision },
      kind: 'merge',
      reason: '合并回原网格',
    });
    expect(res.status).toBe(200);
    const count = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM addresses WHERE grid_id = $1',
      [grid.id],
    );
    expect(count.rows[0]!.n).toBe(grid.addresses);
    const now = GridFeatureCollection.parse((await planner.get('/api/grids')).body);
    expect(now.features).toHaveLength(674);
  });

  it('lets only planners and commanders edit', async () => {
    expect((await (await server.as('dispatcher')).post('/api/boundaries/preview', split())).status).toBe(403);
    expect(
      (await (await server.as('screen')).post('/api/boundaries/commit', { ...split(), reason: 'x' })).status,
    ).toBe(403);
  });
});

describe('sector grids: draw and delete', () => {
  let square: AreaGeometry;
  let sectorId: number;
  const code = 'S-TEST-MKT-1';

  beforeAll(async () => {
    // A ~300 m square around the split grid's centroid: it overlaps territorial grids, as sector grids do.
    const { rows } = await db.pool.query<{ square: AreaGeometry }>(
      `SELECT ST_AsGeoJSON(ST_Expand(ST_Centroid(geom), 0.0015), 15)::json AS square FROM grids WHERE id = $1`,
      [grid.id],
    );
    square = rows[0]!.square;
  });

  const create = (geometry: AreaGeometry, extra: object = { sectorKind: 'market' }) => ({
    changes: [{ op: 'create', code, name: '测试农贸市场', geometry, ...extra }],
    baseRevisions: {},
    kind: 'create',
  });

  it('refuses a sector grid outside the county, without a sector kind, or with a taken code', async () => {
    const faraway: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [100, 10],
          [100.01, 10],
          [100.01, 10.01],
          [100, 10.01],
          [100, 10],
        ],
      ],
    };
    const cases: [unknown, string][] = [
      [create(faraway), 'outside_county'],
      [create(square, {}), 'unknown_grid'],
      [{ ...create(square), changes: [{ ...create(square).changes[0], code: grid.code }] }, 'code_taken'],
    ];
    for (const [body, code] of cases) {
      const res = await planner.post('/api/boundaries/commit', { ...(body as object), reason: 'test' });
      expect(res.status).toBe(422);
      expect(problemsOf(res.body).map((p) => p.code)).toContain(code);
    }
    expect((await db.pool.query(`SELECT 1 FROM grids WHERE code = $1`, [code])).rowCount).toBe(0);
  });

  it('previews and commits a new sector grid: nobody changes territorial grid, consoles hear of it', async () => {
    const preview = await planner.post('/api/boundaries/preview', create(square));
    expect(preview.status).toBe(200);
    expect(BoundaryPreview.parse(preview.body).totals.addresses).toBe(0);

    const watcher = new StatusClient(server.baseUrl, (await server.as('commander')).cookie);
    await watcher.ready();
    const res = await planner.post('/api/boundaries/commit', {
      ...create(square),
      reason: '新设农贸市场网格',
    });
    expect(res.status).toBe(200);
    const committed = BoundaryCommitResult.parse(res.body);
    expect(committed.totals.addresses).toBe(0);
    sectorId = committed.revisions[0]!.gridId;

    const feature = GridDetail.parse((await planner.get(`/api/grids/${sectorId}`)).body);
    expect(feature.grid).toMatchObject({ code, kind: 'sector', name: '测试农贸市场' });
    const history = GridRevisionList.parse((await planner.get(`/api/grids/${sectorId}/revisions`)).body);
    expect(history.revisions.map((r) => [r.revision, r.kind])).toEqual([[1, 'create']]);
    await watcher.waitFor(
      () =>
        [...watcher.events.values()].some((e) => e.type === 'grid:boundary-changed' && e.gridId === sectorId),
      5000,
    );
    watcher.close();

    // The point-in-grid service knows it at once.
    const centre = await db.pool.query<{ lon: number; lat: number }>(
      'SELECT ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM grids WHERE id = $1',
      [sectorId],
    );
    const assigned = AssignResponse.parse(
      (await planner.post('/api/assign', { items: [{ point: [centre.rows[0]!.lon, centre.rows[0]!.lat] }] }))
        .body,
    );
    expect(assigned.results[0]!.sectorGrids.map((g) => g.id)).toContain(sectorId);
  });

  it('deletes the sector grid: retired with a revision, gone from the map, kept in the history', async () => {
    const stale = await planner.post('/api/boundaries/commit', {
      changes: [{ op: 'retire', gridId: sectorId }],
      baseRevisions: { [String(sectorId)]: 7 },
      kind: 'retire',
      reason: 'x',
    });
    expect(stale.status).toBe(409);
    const res = await planner.post('/api/boundaries/commit', {
      changes: [{ op: 'retire', gridId: sectorId }],
      baseRevisions: { [String(sectorId)]: 1 },
      kind: 'retire',
      reason: '市场已关闭',
    });
    expect(res.status).toBe(200);
    const now = GridFeatureCollection.parse((await planner.get('/api/grids?kind=sector')).body);
    expect(now.features.some((f) => f.properties.id === sectorId)).toBe(false);
    const history = GridRevisionList.parse((await planner.get(`/api/grids/${sectorId}/revisions`)).body);
    expect(history.revisions.map((r) => [r.revision, r.kind, r.geometry === null])).toEqual([
      [2, 'retire', true],
      [1, 'create', false],
    ]);
    // Deleting twice is refused with a reason, not a 500.
    const again = await planner.post('/api/boundaries/commit', {
      changes: [{ op: 'retire', gridId: sectorId }],
      baseRevisions: { [String(sectorId)]: 2 },
      kind: 'retire',
      reason: 'again',
    });
    expect(again.status).toBe(422);
    expect(problemsOf(again.body).map((p) => p.code)).toEqual(['unknown_grid']);
  });
});

describe('sector grids and the dispatcher', () => {
  const dispatcherTownship = '331023001';
  /** A ~300 m square around the centroid of a territorial grid inside (or outside) the township. */
  const squareIn = async (inside: boolean): Promise<AreaGeometry> => {
    const { rows } = await db.pool.query<{ square: AreaGeometry }>(
      `SELECT ST_AsGeoJSON(ST_Expand(ST_Centroid(g.geom), 0.0015), 15)::json AS square
       FROM grids g JOIN regions t ON t.code = $1
       WHERE g.kind = 'territorial' AND g.retired_at IS NULL
         AND ${inside ? 'ST_Within(ST_Expand(ST_Centroid(g.geom), 0.0015), t.geom)' : 'NOT ST_Intersects(ST_Expand(ST_Centroid(g.geom), 0.0015), t.geom)'}
       ORDER BY g.id LIMIT 1`,
      [dispatcherTownship],
    );
    return rows[0]!.square;
  };
  const commit = async (body: object): Promise<number> => {
    const res = await planner.post('/api/boundaries/commit', body);
    expect(res.status).toBe(200);
    return BoundaryCommitResult.parse(res.body).revisions[0]!.gridId;
  };
  const heard = (client: StatusClient, gridId: number, retired: boolean) =>
    [...client.events.values()].some(
      (e) =>
        e.type === 'grid:boundary-changed' &&
        e.gridId === gridId &&
        Boolean((e.data as { retired?: boolean }).retired) === retired,
    );

  it("redraws live on a dispatcher's console a sector grid drawn in their township, and its deletion; not others", async () => {
    const dispatcher = new StatusClient(server.baseUrl, (await server.as('dispatcher')).cookie);
    const commander = new StatusClient(server.baseUrl, (await server.as('commander')).cookie);
    await Promise.all([dispatcher.ready(), commander.ready()]);
    const create = (code: string, geometry: AreaGeometry) => ({
      changes: [{ op: 'create', code, name: '测试物流园', sectorKind: 'market', geometry }],
      baseRevisions: {},
      kind: 'create',
      reason: '新设行业网格',
    });
    // Elsewhere first: pushes reach a room in seq order, so once the dispatcher has heard of the second
    // grid it would already have heard of this one, had it been sent there.
    const elsewhere = await commit(create('S-TEST-FAR-1', await squareIn(false)));
    const mine = await commit(create('S-TEST-DSP-1', await squareIn(true)));
    await dispatcher.waitFor(() => heard(dispatcher, mine, false), 5000);
    await commander.waitFor(() => heard(commander, elsewhere, false) && heard(commander, mine, false), 5000);
    expect(heard(dispatcher, elsewhere, false)).toBe(false);
    // The dispatcher may see it: the console refetches what the push did not carry.
    expect((await (await server.as('dispatcher')).get(`/api/grids?ids=${mine}`)).status).toBe(200);

    await commit({
      changes: [{ op: 'retire', gridId: mine }],
      baseRevisions: { [String(mine)]: 1 },
      kind: 'retire',
      reason: '物流园搬迁',
    });
    await dispatcher.waitFor(() => heard(dispatcher, mine, true), 5000);
    dispatcher.close();
    commander.close();
  });
});

describe('rename and recode', () => {
  let target: { id: number; code: string; name: string; revision: number };
  const rename = (changes: object[], base?: number) => ({
    changes,
    baseRevisions: { [String(target.id)]: base ?? target.revision },
    kind: 'rename',
    reason: '村社更名',
  });

  beforeAll(async () => {
    const { rows } = await db.pool.query<typeof target>(
      `SELECT id, code, name, revision FROM grids WHERE kind = 'territorial' AND retired_at IS NULL AND id <> $1
       ORDER BY id LIMIT 1`,
      [grid.id],
    );
    target = rows[0]!;
  });

  it('refuses a taken code, an empty rename and a malformed code, and writes nothing', async () => {
    const other = await db.pool.query<{ code: string }>('SELECT code FROM grids WHERE id <> $1 LIMIT 1', [
      target.id,
    ]);
    const taken = await planner.post(
      '/api/boundaries/commit',
      rename([{ op: 'rename', gridId: target.id, code: other.rows[0]!.code }]),
    );
    expect(taken.status).toBe(422);
    expect(problemsOf(taken.body).map((p) => p.code)).toEqual(['code_taken']);
    const empty = await planner.post('/api/boundaries/commit', rename([{ op: 'rename', gridId: target.id }]));
    expect(empty.status).toBe(422);
    expect(problemsOf(empty.body).map((p) => p.code)).toEqual(['empty_rename']);
    const malformed = await planner.post(
      '/api/boundaries/commit',
      rename([{ op: 'rename', gridId: target.id, code: '网格 1' }]),
    );
    expect(malformed.status).toBe(400);
    const after = await db.pool.query('SELECT code, name, revision FROM grids WHERE id = $1', [target.id]);
    expect(after.rows[0]).toEqual({ code: target.code, name: target.name, revision: target.revision });
  });

  it('renames and recodes a grid with a revision and an event; history and "as of" keep the old code', async () => {
    const watcher = new StatusClient(server.baseUrl, (await server.as('commander')).cookie);
    await watcher.ready();
    const before = new Date().toISOString();
    const preview = await planner.post(
      '/api/boundaries/preview',
      rename([{ op: 'rename', gridId: target.id, code: `${target.code}-R`, name: '更名网格' }]),
    );
    expect(preview.status).toBe(200);
    expect(BoundaryPreview.parse(preview.body).moves).toEqual([]);
    const res = await planner.post(
      '/api/boundaries/commit',
      rename([{ op: 'rename', gridId: target.id, code: `${target.code}-R`, name: '更名网格' }]),
    );
    expect(res.status).toBe(200);
    expect(BoundaryCommitResult.parse(res.body).revisions).toEqual([
      { gridId: target.id, revision: target.revision + 1 },
    ]);
    const feature = GridDetail.parse((await planner.get(`/api/grids/${target.id}`)).body);
    expect(feature.grid).toMatchObject({ code: `${target.code}-R`, name: '更名网格' });
    const history = GridRevisionList.parse((await planner.get(`/api/grids/${target.id}/revisions`)).body);
    expect(history.revisions.map((r) => [r.kind, r.code, r.name])).toEqual([
      ['rename', `${target.code}-R`, '更名网格'],
      ['initial', target.code, target.name],
    ]);
    const then = GridFeatureCollection.parse(
      (await planner.get(`/api/grids?asOf=${encodeURIComponent(before)}`)).body,
    );
    expect(then.features.find((f) => f.properties.id === target.id)!.properties.code).toBe(target.code);
    await watcher.waitFor(
      () =>
        [...watcher.events.values()].some(
          (e) => e.type === 'grid:boundary-changed' && e.gridId === target.id,
        ),
      5000,
    );
    watcher.close();
    // A stale editor is refused.
    const stale = await planner.post(
      '/api/boundaries/commit',
      rename([{ op: 'rename', gridId: target.id, name: '又一个名字' }]),
    );
    expect(stale.status).toBe(409);
  });
});

describe('import a boundary set as GeoJSON', () => {
  it('round-trips the export: every feature unchanged, nothing to commit', async () => {
    const exported = GridFeatureCollection.parse((await planner.get('/api/boundaries/export')).body);
    const res = await planner.post('/api/boundaries/import/preview', exported);
    expect(res.status).toBe(200);
    const report = BoundaryImportPreview.parse(res.body);
    expect(report.rejected).toEqual([]);
    expect(report.unchanged).toHaveLength(exported.features.length);
    expect(report.changeSet).toBeNull();
    console.log(`import preview of ${exported.features.length} unchanged features: ${report.importMs} ms`);
  });

  it('rejects bad features with reasons, previews the rest like an edit and commits it in one transaction', async () => {
    const exported = GridFeatureCollection.parse((await planner.get('/api/boundaries/export')).body);
    const own = exported.features.find((f) => f.properties.id === grid.id)!;
    // Another territorial grid, in another village: grown into its neighbours.
    const other = exported.features.find(
      (f) => f.properties.kind === 'territorial' && f.properties.villageCode !== grid.village_code,
    )!;
    const third = exported.features.find(
      (f) =>
        f.properties.kind === 'territorial' &&
        f.properties.villageCode !== grid.village_code &&
        f.properties.villageCode !== other.properties.villageCode,
    )!;
    const { rows } = await db.pool.query<{ grown: AreaGeometry }>(
      'SELECT ST_AsGeoJSON(ST_Buffer(geom, 0.002), 15)::json AS grown FROM grids WHERE id = $1',
      [other.properties.id],
    );
    const newCode = `${grid.code.slice(0, 12)}-91`;
    const bowtie: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [121, 29],
          [121.01, 29.01],
          [121.01, 29],
          [121, 29.01],
          [121, 29],
        ],
      ],
    };
    const file = {
      type: 'FeatureCollection',
      features: [
        { ...own, geometry: halves[0] },
        {
          type: 'Feature',
          geometry: halves[1],
          properties: { code: newCode, name: '导入新网格', villageCode: grid.village_code },
        },
        exported.features.find(
          (f) =>
            ![grid.id, other.properties.id, third.properties.id].includes(f.properties.id) &&
            f.properties.kind === 'territorial',
        ),
        { type: 'Feature', geometry: halves[1], properties: { name: '无编码' } },
        { type: 'Feature', geometry: halves[1], properties: { code: 'NO-SUCH-GRID', name: '未知' } },
        { ...other, geometry: rows[0]!.grown },
        { ...third, geometry: bowtie },
      ],
    };
    const res = await planner.post('/api/boundaries/import/preview', file);
    expect(res.status).toBe(200);
    const report = BoundaryImportPreview.parse(res.body);
    console.log(`import preview of ${file.features.length} features: ${report.importMs} ms`);
    expect(report.accepted).toEqual([
      { index: 0, code: grid.code, op: 'update' },
      { index: 1, code: newCode, op: 'create' },
    ]);
    expect(report.unchanged.map((u) => u.index)).toEqual([2]);
    const reasons = new Map(report.rejected.map((r) => [r.index, r.reasons.map((x) => x.code)]));
    expect([...reasons.keys()]).toEqual([3, 4, 5, 6]);
    expect(reasons.get(3)).toEqual(['invalid_feature']);
    expect(reasons.get(4)).toEqual(['unknown_grid']);
    expect(reasons.get(5)).toEqual(expect.arrayContaining(['overlap', 'outside_parent']));
    expect(reasons.get(6)).toEqual(['invalid_geometry']);

    // The impact is the one an edit doing the same gets.
    const direct = BoundaryPreview.parse(
      (await planner.post('/api/boundaries/preview', report.changeSet!)).body,
    );
    expect(report.preview!.totals).toEqual(direct.totals);
    expect(report.preview!.totals.addresses).toBeGreaterThanOrEqual(2);

    const committed = await planner.post('/api/boundaries/commit', {
      ...report.changeSet!,
      reason: '导入边界',
    });
    expect(committed.status).toBe(200);
    expect(BoundaryCommitResult.parse(committed.body).totals).toEqual(report.preview!.totals);
    const history = GridRevisionList.parse((await planner.get(`/api/grids/${grid.id}/revisions`)).body);
    expect(history.revisions[0]).toMatchObject({ kind: 'import', reason: '导入边界' });
    // Rejected features wrote nothing.
    for (const f of [other, third]) {
      const now = await db.pool.query<{ revision: number }>('SELECT revision FROM grids WHERE id = $1', [
        f.properties.id,
      ]);
      expect(now.rows[0]!.revision).toBe(f.properties.revision);
    }
  });

  it('refuses what is not a FeatureCollection with 400', async () => {
    expect((await planner.post('/api/boundaries/import/preview', { type: 'Feature' })).status).toBe(400);
    expect(
      (await planner.post('/api/boundaries/import/preview', { type: 'FeatureCollection', features: [] }))
        .status,
    ).toBe(400);
    expect(
      (
        await (
          await server.as('dispatcher')
        ).post('/api/boundaries/import/preview', { type: 'FeatureCollection', features: [{}] })
      ).status,
    ).toBe(403);
  });
});
