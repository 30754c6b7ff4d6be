// The dispatcher console in a real Chromium: loads in Chinese without console errors, draws the grids,
// opens a grid's panel from a click at its pixel with the same occupants the API serves (paging,
// sorting, filters), keeps the view in the URL, searches with the keyboard, switches to English.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridFeatureCollection } from '../../shared/grids.ts';
import type { OccupantPage } from '../../shared/occupants.ts';
import { openBrowser, type Browser } from '../support/browser.ts';
import { colorDistance, gc, poll, readPixels, realErrors, waitForMapIdle } from '../support/console-page.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let browser: Browser;
let api: TestClient;
let grids: GridFeatureCollection;
/** The territorial grid with the most people: its occupants span several pages. */
let busyGrid: { id: number; code: string; name: string };

beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db, { clientDir: path.resolve('dist/client') });
  browser = await openBrowser({ width: 1100, height: 720 });
  api = await server.as('commander');
  grids = (await api.get<GridFeatureCollection>('/api/grids?kind=territorial')).body;
  const people = new Map<string, number>();
  for (const p of db.dataset.persons) people.set(p.gridCode, (people.get(p.gridCode) ?? 0) + 1);
  const [code] = [...people.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const feature = grids.features.find((f) => f.properties.code === code)!;
  busyGrid = { id: feature.properties.id, code, name: feature.properties.name };
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

const occupantIdsOnPage = (page: Browser['page']) =>
  page.$$eval('[data-testid="occupants"] tbody tr[data-occupant-id]', (rows) =>
    rows.map((r) => Number((r as HTMLElement).dataset.occupantId)),
  );

async function expectTableMatches(query: string): Promise<void> {
  const expected = (await api.get<OccupantPage>(`/api/grids/${busyGrid.id}/occupants?pageSize=10&${query}`))
    .body;
  await poll(
    () => occupantIdsOnPage(browser.page),
    (ids) => JSON.stringify(ids) === JSON.stringify(expected.items.map((o) => o.id)),
    { timeout: 15_000, message: `occupant table for ${query}` },
  );
}

describe('dispatcher console', () => {
  it('shows the login, the synthetic-data notice and the dataset counts in Chinese', async () => {
    const { page } = browser;
    await page.goto(server.baseUrl + '/');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toContain('合成数据');
    const count = page.locator('[data-count="territorialGrids"] dd');
    await expect(count.textContent()).resolves.toBe('643');
    await browser.screenshot('console-login');
  });

  it('logs in and draws the grids, coloured, with no console errors', async () => {
    const { page } = browser;
    await page.getByLabel('用户名').fill('commander');
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('县指挥长').waitFor();
    await waitForMapIdle(page);
    const rendered = await gc(
      page,
      (g) => g.map!.queryRenderedFeatures({ layers: ['territorial-fill'] }).length,
    );
    expect(rendered).toBeGreaterThan(100);
    const layers = await gc(page, (g) => g.map!.getStyle().layers.map((l) => l.id));
    expect(layers).toEqual(
      expect.arrayContaining(['territorial-fill', 'sector-line', 'township-border', 'labels-township']),
    );

    const file = await browser.screenshot('console-map');
    const pixels = readPixels(file);
    const box = (await page.getByTestId('grid-map').boundingBox())!;
    // A grid's inner point is covered by the grid fill, which differs from the empty background.
    const point = (await gc(page, (g, id) => g.gridPoint(id), busyGrid.id))!;
    expect(point.x).toBeGreaterThan(box.x);
    expect(colorDistance(pixels.at(point.x, point.y), [0x0b, 0x16, 0x20])).toBeGreaterThan(30);
    // Outside the county (the map's corner) is background.
    expect(
      colorDistance(pixels.at(box.x + box.width - 3, box.y + box.height - 3), [0x0b, 0x16, 0x20]),
    ).toBeLessThan(12);
    expect(realErrors(browser.consoleErrors)).toEqual([]);
  });

  it('opens a grid panel from a click at its pixel, with the occupants the API serves', async () => {
    const { page } = browser;
    const bbox = await gc(page, (g, id) => g.getState().gridInfo.get(id)!.bbox, busyGrid.id);
    await gc(page, (g, b) => void g.map!.fitBounds(b, { padding: 80, duration: 0, maxZoom: 15 }), bbox);
    await waitForMapIdle(page);
    const point = (await gc(page, (g, id) => g.gridPoint(id), busyGrid.id))!;
    await page.mouse.move(point.x, point.y);
    await page.getByRole('tooltip').getByText(busyGrid.name).waitFor();
    await page.mouse.click(point.x, point.y);

    const panel = page.getByTestId('grid-panel');
    await panel.waitFor();
    await expect(panel.getAttribute('data-grid-id')).resolves.toBe(String(busyGrid.id));
    await page.getByTestId('grid-panel-title').getByText(busyGrid.name, { exact: true }).waitFor();
    await expect(panel.locator('.mono').first().textContent()).resolves.toBe(busyGrid.code);
    const detail = (await api.get<{ workers: { phone: string }[] }>(`/api/grids/${busyGrid.id}`)).body;
    for (const worker of detail.workers) await panel.getByText(worker.phone).waitFor();

    const total = (await api.get<OccupantPage>(`/api/grids/${busyGrid.id}/occupants?pageSize=10`)).body.total;
    expect(total).toBeGreaterThan(10);
    await page.locator('select[data-filter="pageSize"]').selectOption('10');
    await poll(
      () => occupantIdsOnPage(page),
      (ids) => ids.length === 10,
      { message: '10 rows a page' },
    );
    await expectTableMatches('page=1&sort=registeredAt&order=desc');
    await expect(page.getByTestId('occupant-pages').textContent()).resolves.toContain(String(total));

    await page.locator('button[data-sort="name"]').click();
    await expectTableMatches('page=1&sort=name&order=asc');
    await page.getByRole('button', { name: '下一页' }).click();
    await expectTableMatches('page=2&sort=name&order=asc');
    await page.locator('select[data-filter="kind"]').selectOption('resident');
    await expectTableMatches('page=1&sort=name&order=asc&kind=resident');
    await page.locator('select[data-filter="kind"]').selectOption('');
  });

  it('zooms to a township, toggles the heat layer', async () => {
    const { page } = browser;
    const township = db.dataset.townships.find((t) => t.name !== '赤城街道')!;
    await page.getByLabel('乡镇（街道）').selectOption(township.code);
    await waitForMapIdle(page);
    const inside = await gc(
      page,
      (g, code) => {
        const [w, s, e, n] = g.getState().regionInfo.get(code)!.bbox!;
        const c = g.map!.getCenter();
        return c.lng >= w && c.lng <= e && c.lat >= s && c.lat <= n && g.map!.getZoom() > 10;
      },
      township.code,
    );
    expect(inside).toBe(true);
    await page.locator('input[data-layer="heat"]').check();
    await waitForMapIdle(page);
    await page.getByTestId('legend').getByText('返回人员密度').waitFor();
    await page.locator('input[data-layer="heat"]').uncheck();
    await page.getByLabel('乡镇（街道）').selectOption('');
    await waitForMapIdle(page);
    expect(realErrors(browser.consoleErrors)).toEqual([]);
  });

  it('keeps the view in the URL: a shared link opens the same grid, metric, layers and camera', async () => {
    const { page } = browser;
    await page.locator('button[data-metric="arrivals24h"]').click();
    await page.locator('input[data-layer="sector"]').uncheck();
    const hash = await poll(
      () => page.evaluate(() => window.location.hash),
      (h) =>
        h.includes('metric=arrivals24h') &&
        h.includes(`grid=${busyGrid.id}`) &&
        !/layers=[^&]*sector/.test(h),
      { message: 'hash follows the view' },
    );
    expect(hash).toMatch(/map=[\d.]+\/[\d.]+\/[\d.]+/);
    const camera = await gc(page, (g) => ({ zoom: g.map!.getZoom(), center: g.map!.getCenter().toArray() }));

    const other = await browser.context.newPage();
    try {
      await other.setViewportSize({ width: 1100, height: 720 });
      await other.goto(`${server.baseUrl}/${hash}`);
      await other.getByTestId('grid-panel').waitFor();
      await expect(other.getByTestId('grid-panel').getAttribute('data-grid-id')).resolves.toBe(
        String(busyGrid.id),
      );
      await expect(
        other.locator('button[data-metric="arrivals24h"]').getAttribute('aria-pressed'),
      ).resolves.toBe('true');
      await expect(other.locator('input[data-layer="sector"]').isChecked()).resolves.toBe(false);
      await waitForMapIdle(other);
      const shared = await gc(other, (g) => ({
        zoom: g.map!.getZoom(),
        center: g.map!.getCenter().toArray(),
        sector: g.map!.getLayoutProperty('sector-line', 'visibility'),
        fill: JSON.stringify(g.map!.getPaintProperty('territorial-fill', 'fill-color')),
      }));
      expect(shared.zoom).toBeCloseTo(camera.zoom, 1);
      expect(shared.center[0]).toBeCloseTo(camera.center[0]!, 3);
      expect(shared.center[1]).toBeCloseTo(camera.center[1]!, 3);
      expect(shared.sector).toBe('none');
      expect(shared.fill).toContain('arrivals24h');
    } finally {
      await other.close();
    }
    await page.locator('button[data-metric="risk"]').click();
    await page.locator('input[data-layer="sector"]').check();
  });

  it('searches with the keyboard (local matches at once; server hits when /api/search answers)', async () => {
    const { page } = browser;
    const target = grids.features.find(
      (f) => f.properties.villageCode?.startsWith('331023') && f.properties.id !== busyGrid.id,
    )!;
    const box = page.getByRole('combobox', { name: '搜索' });
    await box.fill(target.properties.name);
    const options = page.getByRole('option');
    await options.first().waitFor();
    const labels = await options.allTextContents();
    const index = labels.findIndex(
      (l) => l.includes(target.properties.name) && l.includes(target.properties.code),
    );
    expect(index).toBeGreaterThanOrEqual(0);
    await box.press('Escape');
    await expect(page.getByRole('listbox').count()).resolves.toBe(0);
    for (let i = 0; i <= index; i++) await box.press('ArrowDown');
    await expect(options.nth(index).getAttribute('aria-selected')).resolves.toBe('true');
    await box.press('Enter');
    await poll(
      () => gc(page, (g) => g.getState().selectedGridId),
      (id) => id === target.properties.id,
      { message: 'search selects the grid' },
    );
    await waitForMapIdle(page);
    const inside = await gc(
      page,
      (g, id) => {
        const [w, s, e, n] = g.getState().gridInfo.get(id)!.bbox;
        const c = g.map!.getCenter();
        return c.lng >= w && c.lng <= e && c.lat >= s && c.lat <= n;
      },
      target.properties.id,
    );
    expect(inside).toBe(true);
  });

  it('searches people and addresses through /api/search', async () => {
    const { page } = browser;
    const person = db.dataset.persons.find((p) => p.gridCode.startsWith('331023'))!;
    const box = page.getByRole('combobox', { name: '搜索' });
    await box.fill(person.idNumber.slice(-4));
    await page.locator('[role="option"][data-kind="person"]').first().waitFor({ timeout: 10_000 });
    await box.press('Escape');
    await box.press('Escape');
  });

  it('opens an occupant with their history (/api/occupants/:id)', async () => {
    const { page } = browser;
    await gc(page, (g, id) => g.getState().gridInfo.has(id), busyGrid.id);
    await page.getByTestId('grid-panel').waitFor();
    await page.locator('[data-testid="occupants"] tbody tr[data-occupant-id]').first().waitFor();
    const row = page.locator('[data-testid="occupants"] tbody tr[data-occupant-id]').first();
    const id = Number(await row.getAttribute('data-occupant-id'));
    await row.click();
    const dialog = page.getByTestId('occupant-detail');
    await dialog.waitFor();
    const expected = (await api.get<{ name: string; idNumber: string }>(`/api/occupants/${id}`)).body;
    await dialog.getByText(expected.idNumber).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('switches to English and back', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: /Grid Console/ }).waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toContain('synthetic');
    await page.getByRole('button', { name: 'Risk level' }).waitFor();
    await page.getByText('Live status').waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    await browser.screenshot('console-english');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: /网格指挥台/ }).waitFor();
  });
});
