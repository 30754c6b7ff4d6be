// The console in a real Chromium: loads without console errors, logs in, draws the county's grids.
import path from 'node:path';
import type { Map as MaplibreMap } from 'maplibre-gl';
import { PNG } from 'pngjs';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db, { clientDir: path.resolve('dist/client') });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

interface MapProbe {
  loaded: boolean;
  rendered: number;
  center: [number, number];
}

describe('console shell', () => {
  it('shows the login, the synthetic-data notice and the dataset counts in Chinese', async () => {
    const { page } = browser;
    await page.goto(server.baseUrl + '/');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toContain('合成数据');
    const grids = page.locator('[data-count="territorialGrids"] dd');
    await expect(grids.textContent()).resolves.toBe('643');
    await browser.screenshot('console-login');
  });

  it('logs in and draws the grids on the map', async () => {
    const { page } = browser;
    await page.getByLabel('用户名').fill('commander');
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('县指挥长').waitFor();

    const probe = async (): Promise<MapProbe> =>
      page.evaluate(() => {
        const map = (window as unknown as { gcMap?: MaplibreMap }).gcMap;
        if (!map || !map.getLayer('territorial-fill')) return { loaded: false, rendered: 0, center: [0, 0] };
        const canvas = map.getCanvas();
        return {
          loaded: map.loaded() && map.areTilesLoaded(),
          rendered: map.queryRenderedFeatures({ layers: ['territorial-fill'] }).length,
          center: [canvas.clientWidth / 2, canvas.clientHeight / 2],
        };
      });
    const deadline = Date.now() + 60_000;
    let state = await probe();
    while ((!state.loaded || state.rendered === 0) && Date.now() < deadline) {
      await page.waitForTimeout(250);
      state = await probe();
    }
    expect(state.rendered).toBeGreaterThan(100);

    const file = await browser.screenshot('console-map');
    const png = PNG.sync.read(fs.readFileSync(file));
    const box = await page.getByTestId('grid-map').boundingBox();
    const at = (x: number, y: number) => {
      const i = (png.width * Math.round(y) + Math.round(x)) * 4;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!] as const;
    };
    // The county's middle is covered by a grid fill, which differs from the empty background (#0e1a24).
    const [r, g, b] = at(box!.x + box!.width / 2, box!.y + box!.height / 2);
    expect(Math.abs(r - 0x0e) + Math.abs(g - 0x1a) + Math.abs(b - 0x24)).toBeGreaterThan(40);
    expect(browser.consoleErrors).toEqual([]);
  });

  it('switches to English', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: /Grid Console/ }).waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toContain('synthetic');
  });
});
