// The HTTP API contract against a real database: status codes, GeoJSON shape, validation errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-error.ts';
import { CheckpointFeatureCollection, IsolationSiteFeatureCollection } from '../../shared/facilities.ts';
import { GridDetail, GridFeatureCollection } from '../../shared/grids.ts';
import { HealthResponse } from '../../shared/health.ts';
import { RegionTree } from '../../shared/regions.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let commander: TestClient;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db);
  commander = await server.as('commander');
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/** Signed area of a ring in lon/lat (positive = counter-clockwise). */
const signedArea = (ring: number[][]): number =>
  ring.reduce((sum, [x1, y1], i) => {
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    return sum + (x1! * y2! - x2! * y1!);
  }, 0) / 2;

describe('GET /api/health', () => {
  it('reports the engine, versions and dataset counts', async () => {
    const res = await server.anonymous.get('/api/health');
    expect(res.status).toBe(200);
    const health = HealthResponse.parse(res.body);
    expect(health.engine).toBe(db.engine);
    expect(health.postgresVersion).toMatch(/^1[5-9]/);
    expect(health.postgisVersion).toMatch(/^3\./);
    expect(health.dataset.counts).toMatchObject({
      townships: 15,
      villages: 395,
      territorialGrids: 643,
      sectorGrids: 31,
      gridWorkers: 645,
      occupants: db.dataset.persons.length,
      addresses: db.dataset.addresses.length,
      checkpoints: db.dataset.checkpoints.length,
      isolationSites: db.dataset.isolationSites.length,
    });
    expect(health.dataset.synthetic).toBe(true);
  });
});

describe('GET /api/regions', () => {
  it('returns the county → township → village tree with populations that add up', async () => {
    const res = await commander.get('/api/regions');
    expect(res.status).toBe(200);
    const { root } = RegionTree.parse(res.body);
    expect(root.code).toBe('331023');
    expect(root.children).toHaveLength(15);
    expect(root.children.reduce((n, t) => n + t.children.length, 0)).toBe(395);
    expect(root.children.reduce((n, t) => n + t.population, 0)).toBe(root.population);
    expect(root.gridCount).toBe(643);
  });
});

describe('GET /api/grids', () => {
  it('returns RFC 7946 GeoJSON with counter-clockwise exterior rings and the documented properties', async () => {
    const res = await commander.get('/api/grids');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const fc = GridFeatureCollection.parse(res.body);
    expect(fc.features).toHaveLength(674);
    for (const feature of fc.features) {
      const polygons =
        feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const [outer, ...holes] of polygons) {
        expect(signedArea(outer!)).toBeGreaterThan(0);
        for (const hole of holes) expect(signedArea(hole)).toBeLessThan(0);
        expect(outer![0]).toEqual(outer![outer!.length - 1]);
      }
      expect(feature.properties.id).toBe(feature.id);
    }
    const territorial = fc.features.filter((f) => f.properties.kind === 'territorial');
    expect(
      territorial.every((f) => f.properties.villageCode?.startsWith(f.properties.townshipCode ?? '?')),
    ).toBe(true);
    expect(fc.features.every((f) => f.properties.workerIds.length >= 1)).toBe(true);
  });

  it('filters by kind, region and bbox', async () => {
    const sector = GridFeatureCollection.parse((await commander.get('/api/grids?kind=sector')).body);
    expect(sector.features).toHaveLength(31);
    const village = GridFeatureCollection.parse(
      (await commander.get('/api/grids?kind=territorial&region=331023001040')).body,
    );
    expect(village.features.length).toBeGreaterThan(0);
    expect(village.features.every((f) => f.properties.villageCode === '331023001040')).toBe(true);
    const box = GridFeatureCollection.parse(
      (await commander.get('/api/grids?bbox=121.0,29.1,121.05,29.15')).body,
    );
    expect(box.features.length).toBeGreaterThan(0);
    expect(box.features.length).toBeLessThan(674);
    const empty = GridFeatureCollection.parse(
      (await commander.get('/api/grids?bbox=100,10,100.1,10.1')).body,
    );
    expect(empty.features).toEqual([]);
  });

  it.each([
    ['/api/grids?kind=district', 'query'],
    ['/api/grids?bbox=1,2,3', 'query'],
    ['/api/grids?bbox=121,29,120,28', 'query'],
    ['/api/grids?region=33', 'query'],
    ['/api/grids/abc', 'params'],
    ['/api/grids/-4', 'params'],
  ])('answers %s with 400 and the failing field', async (path, where) => {
    const res = await commander.get(path);
    expect(res.status).toBe(400);
    const body = ApiError.parse(res.body);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.issues?.[0]?.path[0]).toBe(where);
  });
});

describe('GET /api/grids/:id', () => {
  it('returns the grid with its village, township, workers and counts matching the data', async () => {
    const { rows } = await db.pool.query<{ id: number; code: string; occupants: number }>(
      `SELECT g.id, g.code, count(o.id)::int AS occupants FROM grids g JOIN occupants o ON o.grid_id = g.id
       WHERE o.status <> 'left' GROUP BY g.id ORDER BY count(o.id) DESC LIMIT 1`,
    );
    const busiest = rows[0]!;
    const res = await commander.get(`/api/grids/${busiest.id}`);
    expect(res.status).toBe(200);
    const detail = GridDetail.parse(res.body);
    expect(detail.grid.code).toBe(busiest.code);
    expect(detail.grid.villageName).toBeTruthy();
    expect(detail.grid.townshipName).toBeTruthy();
    expect(detail.grid.areaKm2).toBeGreaterThan(0);
    expect(detail.workers.length).toBeGreaterThanOrEqual(1);
    expect(detail.counts.residents + detail.counts.arrivals).toBe(busiest.occupants);
    expect(detail.counts.green + detail.counts.yellow + detail.counts.red).toBe(busiest.occupants);
  });

  it('answers an unknown grid with 404', async () => {
    const res = await commander.get('/api/grids/999999');
    expect(res.status).toBe(404);
    expect(ApiError.parse(res.body).error.code).toBe('not_found');
  });
});

describe('facilities', () => {
  it('serves checkpoints and isolation sites as GeoJSON points', async () => {
    const checkpoints = CheckpointFeatureCollection.parse((await commander.get('/api/checkpoints')).body);
    expect(checkpoints.features).toHaveLength(db.dataset.checkpoints.length);
    const sites = IsolationSiteFeatureCollection.parse((await commander.get('/api/isolation-sites')).body);
    expect(sites.features).toHaveLength(db.dataset.isolationSites.length);
    const chicheng = CheckpointFeatureCollection.parse(
      (await commander.get('/api/checkpoints?region=331023001')).body,
    );
    expect(chicheng.features.filter((f) => f.properties.kind === 'traffic')).toHaveLength(2);
  });
});

describe('errors', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const res = await commander.get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(ApiError.parse(res.body).error.code).toBe('not_found');
  });

  it('answers malformed JSON with 400, never a stack trace', async () => {
    const res = await server.anonymous.post('/api/auth/login', undefined, { raw: '{"username": ' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect(ApiError.parse(res.body).error.code).toBe('validation_failed');
  });

  it('answers a login body of the wrong shape with 400 and its issues', async () => {
    const res = await server.anonymous.post('/api/auth/login', { username: 42 });
    expect(res.status).toBe(400);
    const body = ApiError.parse(res.body);
    expect(body.error.issues?.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['body.username', 'body.password']),
    );
  });
});

describe('GET /api/openapi.json', () => {
  it('documents every route with its roles and schemas', async () => {
    const res = await server.anonymous.get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-roles': unknown; responses: object }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/health',
      '/api/regions',
      '/api/grids',
      '/api/grids/{id}',
      '/api/grids/{id}/occupants',
      '/api/checkpoints',
      '/api/isolation-sites',
      '/api/auth/login',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/grids']!.get!['x-roles']).toEqual([
      'commander',
      'dispatcher',
      'planner',
      'grid_worker',
      'screen',
    ]);
  });
});
