// Authentication, the role × route matrix, scopes and masking of personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-error.ts';
import { isValidIdNumber } from '../../shared/id-number.ts';
import { GridDetail, GridFeatureCollection } from '../../shared/grids.ts';
import { OccupantPage } from '../../shared/occupants.ts';
import { RegionTree } from '../../shared/regions.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let workerGridId: number;
let outsideGridId: number;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db);
  const { rows } = await db.pool.query<{ grid_id: number }>(
    `SELECT w.grid_id FROM users u JOIN grid_workers w ON w.id = u.grid_worker_id WHERE u.username = 'gridworker'`,
  );
  workerGridId = rows[0]!.grid_id;
  const outside = await db.pool.query<{ id: number }>(
    `SELECT id FROM grids WHERE kind = 'territorial' AND village_code NOT LIKE '331023001%' ORDER BY id LIMIT 1`,
  );
  outsideGridId = outside.rows[0]!.id;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const roles = ['commander', 'dispatcher', 'planner', 'grid_worker', 'screen'] as const;

describe('login', () => {
  it('sets an httpOnly SameSite session cookie and answers /me', async () => {
    const res = await server.anonymous.post('/api/auth/login', {
      username: 'dispatcher',
      password: demoPassword,
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^gc_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await (
      await server.as('dispatcher')
    ).get<{ role: string; regionCode: string }>('/api/auth/me');
    expect(me.body).toMatchObject({ role: 'dispatcher', regionCode: '331023001' });
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    for (const body of [
      { username: 'commander', password: 'wrong-password' },
      { username: 'nobody', password: demoPassword },
    ]) {
      const res = await server.anonymous.post('/api/auth/login', body);
      expect(res.status).toBe(401);
      expect(ApiError.parse(res.body).error).toMatchObject({
        code: 'bad_credentials',
        message: 'wrong username or password',
      });
    }
  });

  it('stores passwords as scrypt hashes, never as text', async () => {
    const { rows } = await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(rows.length).toBe(5);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row.password_hash).not.toContain(demoPassword);
    }
  });

  it('ends the session on logout', async () => {
    const login = await server.anonymous.post('/api/auth/login', {
      username: 'planner',
      password: demoPassword,
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const call = (path: string, method = 'GET') =>
      fetch(server.baseUrl + path, { method, headers: { cookie } }).then((r) => r.status);
    expect(await call('/api/auth/me')).toBe(200);
    expect(await call('/api/auth/logout', 'POST')).toBe(200);
    expect(await call('/api/auth/me')).toBe(401);
  });
});

describe('each role on each route', () => {
  const matrix: { path: () => string; allowed: readonly string[] }[] = [
    { path: () => '/api/health', allowed: ['anonymous', ...roles] },
    { path: () => '/api/openapi.json', allowed: ['anonymous', ...roles] },
    { path: () => '/api/auth/me', allowed: roles },
    { path: () => '/api/auth/session', allowed: ['anonymous', ...roles] },
    { path: () => '/api/regions', allowed: roles },
    { path: () => '/api/grids', allowed: roles },
    { path: () => `/api/grids/${workerGridId}`, allowed: roles },
    {
      path: () => `/api/grids/${workerGridId}/occupants`,
      allowed: ['commander', 'dispatcher', 'planner', 'grid_worker'],
    },
    { path: () => '/api/checkpoints', allowed: roles },
    { path: () => '/api/isolation-sites', allowed: roles },
  ];
  for (const who of ['anonymous', ...roles]) {
    it(`${who}`, async () => {
      const client = who === 'anonymous' ? server.anonymous : await server.as(who);
      for (const route of matrix) {
        const res = await client.get(route.path());
        const expected = route.allowed.includes(who) ? 200 : who === 'anonymous' ? 401 : 403;
        expect({ path: route.path(), status: res.status }).toEqual({ path: route.path(), status: expected });
      }
    });
  }
});

describe('scope', () => {
  it('shows a dispatcher only their township', async () => {
    const dispatcher = await server.as('dispatcher');
    const grids = GridFeatureCollection.parse((await dispatcher.get('/api/grids?kind=territorial')).body);
    expect(grids.features.length).toBeGreaterThan(0);
    expect(grids.features.every((f) => f.properties.townshipCode === '331023001')).toBe(true);
    const tree = RegionTree.parse((await dispatcher.get('/api/regions')).body);
    expect(tree.root.children.map((t) => t.code)).toEqual(['331023001']);
    expect((await dispatcher.get(`/api/grids/${outsideGridId}`)).status).toBe(403);
    expect((await dispatcher.get(`/api/grids/${outsideGridId}/occupants`)).status).toBe(403);
  });

  it('shows a grid worker only the grids they look after', async () => {
    const worker = await server.as('grid_worker');
    const grids = GridFeatureCollection.parse((await worker.get('/api/grids')).body);
    const ids = grids.features.map((f) => f.properties.id);
    expect(ids).toContain(workerGridId);
    const { rows } = await db.pool.query<{ grid_id: number }>(
      `SELECT a.grid_id FROM grid_worker_assignments a JOIN users u ON u.grid_worker_id = a.worker_id
       WHERE u.username = 'gridworker' ORDER BY a.grid_id`,
    );
    expect([...ids].sort((a, b) => a - b)).toEqual(rows.map((r) => r.grid_id));
    expect((await worker.get(`/api/grids/${outsideGridId}`)).status).toBe(403);
  });
});

describe('personal data', () => {
  it('shows occupants in full to the commander and masked to the planner', async () => {
    const path = `/api/grids/${workerGridId}/occupants?pageSize=20`;
    const full = OccupantPage.parse((await (await server.as('commander')).get(path)).body);
    const masked = OccupantPage.parse((await (await server.as('planner')).get(path)).body);
    expect(full.items.length).toBeGreaterThan(0);
    expect(full.masked).toBe(false);
    expect(full.items.every((o) => isValidIdNumber(o.idNumber))).toBe(true);
    expect(masked.masked).toBe(true);
    expect(masked.items.map((o) => o.id)).toEqual(full.items.map((o) => o.id));
    for (const [i, o] of masked.items.entries()) {
      const original = full.items[i]!;
      expect(o.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
      expect(o.idNumber.slice(-4)).toBe(original.idNumber.slice(-4));
      expect(o.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(o.name).not.toBe(original.name);
      expect(o.name[0]).toBe(original.name[0]);
    }
  });

  it('writes every occupant-list view to the access audit log', async () => {
    const count = async () =>
      (
        await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM access_audit WHERE action = 'occupant-list'`,
        )
      ).rows[0]!.n;
    const before = await count();
    await (await server.as('dispatcher')).get(`/api/grids/${workerGridId}/occupants`);
    expect(await count()).toBe(before + 1);
  });

  it('pages, filters and sorts occupants in the database', async () => {
    const commander = await server.as('commander');
    const all = OccupantPage.parse(
      (await commander.get(`/api/grids/${workerGridId}/occupants?pageSize=200`)).body,
    );
    const page2 = OccupantPage.parse(
      (await commander.get(`/api/grids/${workerGridId}/occupants?pageSize=5&page=2`)).body,
    );
    expect(page2.total).toBe(all.total);
    expect(page2.items.map((o) => o.id)).toEqual(all.items.slice(5, 10).map((o) => o.id));
    const green = OccupantPage.parse(
      (await commander.get(`/api/grids/${workerGridId}/occupants?healthCode=green&pageSize=200`)).body,
    );
    expect(green.items.every((o) => o.healthCode === 'green')).toBe(true);
    expect((await commander.get(`/api/grids/${workerGridId}/occupants?pageSize=500`)).status).toBe(400);
  });

  it('masks grid workers for the big screen', async () => {
    const detail = GridDetail.parse(
      (await (await server.as('screen')).get(`/api/grids/${workerGridId}`)).body,
    );
    expect(detail.workers.length).toBeGreaterThan(0);
    for (const worker of detail.workers) expect(worker.phone).toMatch(/\*{4}/);
  });
});
