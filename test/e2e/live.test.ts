// The console live: a change committed on the server repaints that grid within 1 s (feature-state and
// pixels), an arrival registered from the panel shows up in its grid, and after a dropped or paused
// connection the map agrees with the server's own snapshot.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureStateOf } from '../../shared/metrics.ts';
import type { GridFeatureCollection } from '../../shared/grids.ts';
import type { Snapshot } from '../../shared/realtime.ts';
import { healthCodeColors } from '../../shared/realtime.ts';
import { openBrowser, type Browser } from '../support/browser.ts';
import {
  colorDistance,
  gc,
  hex,
  loginByApi,
  poll,
  readPixels,
  realErrors,
  waitForLive,
  waitForMapIdle,
} from '../support/console-page.ts';
import { testIdNumber } from '../support/people.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let browser: Browser;
let dispatcher: TestClient;
/** Territorial grids of the dispatcher's township that have registry addresses, by id. */
let candidates: { id: number; code: string; address: string }[];
let personNo = 31_000;
/** Console errors a test caused on purpose. */
const expectedErrors: RegExp[] = [];

beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db, { clientDir: path.resolve('dist/client') });
  browser = await openBrowser({ width: 960, height: 640 });
  dispatcher = await server.as('dispatcher');
  const grids = (await dispatcher.get<GridFeatureCollection>('/api/grids?kind=territorial')).body;
  const byCode = new Map(grids.features.map((f) => [f.properties.code, f.properties.id]));
  const seen = new Set<number>();
  candidates = [];
  for (const a of db.dataset.addresses) {
    const id = byCode.get(a.gridCode);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    candidates.push({ id, code: a.gridCode, address: a.text });
  }
  await loginByApi(browser.page, server.baseUrl, 'dispatcher', demoPassword);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

const arrival = (address: string, healthCode: 'green' | 'yellow' | 'red') => ({
  name: '测试返回',
  idNumber: testIdNumber(personNo++),
  phone: '13900001234',
  origin: '湖北武汉',
  arrivedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
  healthCode,
  location: { address },
});

/** A grid of the township with no red code yet (so a red arrival changes its colour). */
async function gridWithoutRed(
  exclude: number[] = [],
): Promise<{ id: number; code: string; address: string }> {
  const { page } = browser;
  const reds = await gc(page, (g) =>
    [...g.getState().live.grids.values()].filter((s) => s.red > 0).map((s) => s.gridId),
  );
  const grid = candidates.find((c) => !reds.includes(c.id) && !exclude.includes(c.id));
  if (!grid) throw new Error('no grid without a red code');
  return grid;
}

describe('live console', () => {
  it('goes live: subscribed, snapshot applied to every grid of the scope', async () => {
    const { page } = browser;
    await page.goto(`${server.baseUrl}/#metric=health&layers=boundaries`);
    await waitForLive(page);
    await waitForMapIdle(page);
    const state = await gc(page, (g) => ({
      grids: g.getState().gridInfo.size,
      statuses: g.getState().live.grids.size,
      connection: g.connection(),
    }));
    expect(state.connection).toBe('live');
    expect(state.statuses).toBeGreaterThan(10);
    await page.getByTestId('connection').getByText('实时').waitFor();
  });

  it('repaints a grid within 1 s of a change committed on the server, and only that grid', async () => {
    const { page } = browser;
    const grid = await gridWithoutRed();
    const bbox = await gc(page, (g, id) => g.getState().gridInfo.get(id)!.bbox, grid.id);
    await gc(page, (g, b) => void g.map!.fitBounds(b, { padding: 120, duration: 0 }), bbox);
    await waitForMapIdle(page);
    const point = (await gc(page, (g, id) => g.gridPoint(id), grid.id))!;
    const before = readPixels(await browser.screenshot('live-before')).at(point.x, point.y);
    const writesBefore = (await gc(page, (g) => g.counters())).statusWrites;

    const res = await dispatcher.post<{ seq: number }>('/api/arrivals', arrival(grid.address, 'red'));
    const committed = Date.now();
    expect(res.status).toBe(201);
    await poll(
      () => gc(page, (g, id) => g.featureState(id).health, grid.id),
      (health) => health === 2,
      { timeout: 1000, interval: 25, message: 'grid repainted within 1 s' },
    );
    const elapsed = Date.now() - committed;
    expect(elapsed).toBeLessThanOrEqual(1000);
    // Only the grids the delta carried were written (one, or a few if the window caught others).
    const writes = (await gc(page, (g) => g.counters())).statusWrites - writesBefore;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThan(5);

    await waitForMapIdle(page);
    const after = readPixels(await browser.screenshot('live-after')).at(point.x, point.y);
    expect(colorDistance(after, before)).toBeGreaterThan(40);
    // Red at 74 % over the dark background.
    const red = hex(healthCodeColors.red).map((c, i) => c * 0.74 + [0x0b, 0x16, 0x20][i]! * 0.26);
    expect(colorDistance(after, red)).toBeLessThan(45);
  });

  it('registers an arrival from the grid panel and sees the grid change', async () => {
    const { page } = browser;
    const grid = await gridWithoutRed();
    const bbox = await gc(page, (g, id) => g.getState().gridInfo.get(id)!.bbox, grid.id);
    await gc(page, (g, b) => void g.map!.fitBounds(b, { padding: 120, duration: 0 }), bbox);
    await waitForMapIdle(page);
    const point = (await gc(page, (g, id) => g.gridPoint(id), grid.id))!;
    await page.mouse.click(point.x, point.y);
    await page.getByTestId('grid-panel').waitFor();
    const arrivalsBefore = await gc(page, (g, id) => g.getState().live.grids.get(id)!.arrivals24h, grid.id);

    await page.getByRole('tab', { name: '登记入格' }).click();
    const form = page.getByTestId('arrival-form');
    await form.locator('input[name="name"]').fill('面板登记');
    await form.locator('input[name="idNumber"]').fill(testIdNumber(personNo++));
    await form.locator('input[name="phone"]').fill('13700001234');
    await form.locator('input[name="origin"]').fill('浙江杭州');
    await form.locator('label.code-yellow').click();
    // A wrong address first: the server's 422 and its candidates are shown.
    await form.locator('input[name="address"]').fill('不存在的地址路999号');
    await form.locator('input[name="address"]').press('Escape');
    await form.getByRole('button', { name: '登记入格' }).click();
    await page.getByTestId('arrival-error').waitFor();
    // Chromium logs the (expected) 422 as a failed resource load.
    expectedErrors.push(/status of 422/);
    // Then the registry's own text, picked from the autocomplete.
    await form.locator('input[name="address"]').fill(grid.address.slice(0, -1));
    const option = page
      .getByTestId('address-suggestions')
      .getByRole('option')
      .filter({ hasText: grid.address });
    await option.first().click();
    await expect(form.locator('input[name="address"]').inputValue()).resolves.toBe(grid.address);
    await form.getByRole('button', { name: '登记入格' }).click();
    const result = page.getByTestId('arrival-result');
    await result.waitFor();
    await expect(result.textContent()).resolves.toContain(grid.code);
    await poll(
      () => gc(page, (g, id) => g.getState().live.grids.get(id)!.arrivals24h, grid.id),
      (n) => n === arrivalsBefore + 1,
      { timeout: 2000, message: 'arrival reached the grid status' },
    );
    await poll(
      () =>
        gc(page, (g, id) => ({ map: g.featureState(id).health, want: g.expectedState(id)!.health }), grid.id),
      (s) => s.map === s.want && s.map === 1,
      { timeout: 2000, message: 'yellow code on the map' },
    );
    await browser.screenshot('live-panel');
  });

  async function expectMapEqualsServer(): Promise<void> {
    const truth = (await dispatcher.get<Snapshot>('/api/status/snapshot')).body;
    const expected = truth.grids.map((s) => ({ id: s.gridId, state: featureStateOf(s) }));
    const mismatches = await poll(
      () =>
        gc(
          page(),
          (g, list) =>
            list
              .filter(({ id, state }) => {
                const shown = g.featureState(id) as Record<string, unknown>;
                return Object.entries(state).some(([k, v]) => shown[k] !== v);
              })
              .map(({ id }) => id),
          expected,
        ),
      (ids) => ids.length === 0,
      { timeout: 5000, message: 'map equals the server snapshot' },
    );
    expect(mismatches).toEqual([]);
  }
  const page = () => browser.page;

  it('is consistent with the server after a dropped connection (replay)', async () => {
    const grid = await gridWithoutRed();
    await gc(page(), (g) => g.realtime.drop());
    await dispatcher.post('/api/arrivals', arrival(grid.address, 'red'));
    await waitForLive(page());
    await poll(
      () => gc(page(), (g, id) => g.featureState(id).health, grid.id),
      (h) => h === 2,
      { timeout: 5000, message: 'change made while dropped arrives after reconnect' },
    );
    await expectMapEqualsServer();
  });

  it('is consistent with the server after a long pause with changes', async () => {
    await gc(page(), (g) => g.realtime.pause());
    await poll(
      () => gc(page(), (g) => g.connection()),
      (c) => c === 'offline',
    );
    await page().getByTestId('connection').getByText('离线').waitFor();
    const seqBefore = await gc(page(), (g) => g.lastSeq());
    const first = await gridWithoutRed();
    const second = await gridWithoutRed([first.id]);
    for (const grid of [first, second]) await dispatcher.post('/api/arrivals', arrival(grid.address, 'red'));
    await gc(page(), (g) => g.realtime.resume());
    await waitForLive(page());
    await poll(
      () => gc(page(), (g) => g.lastSeq()),
      (seq) => seq !== null && seqBefore !== null && seq > seqBefore,
    );
    await expectMapEqualsServer();
    expect(realErrors(browser.consoleErrors).filter((e) => !expectedErrors.some((re) => re.test(e)))).toEqual(
      [],
    );
  });
});
