// The optional PMTiles basemap in a real Chromium: a tiny raster archive written by the test is served
// with HTTP range requests, read through maplibre's `pmtiles` protocol and drawn under the grids; and
// without a file the console makes no request beyond its own server and no basemap request at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.ts';
import {
  colorDistance,
  gc,
  loginByApi,
  poll,
  readPixels,
  realErrors,
  waitForMapIdle,
} from '../support/console-page.ts';
import { solidPng, writeRasterPmtiles } from '../support/pmtiles-fixture.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const background: [number, number, number] = [0x0b, 0x16, 0x20];
/** A light olive, far from the background and from every grid colour. */
const tileColor: [number, number, number] = [150, 170, 90];

let db: TestDb;
let dir: string;
let withBasemap: TestServer;
let without: TestServer;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-basemap-'));
  const file = path.join(dir, 'basemap.pmtiles');
  writeRasterPmtiles(file, [
    { z: 0, x: 0, y: 0, data: solidPng(tileColor) },
    ...[0, 1].flatMap((x) => [0, 1].map((y) => ({ z: 1, x, y, data: solidPng(tileColor) }))),
  ]);
  const clientDir = path.resolve('dist/client');
  withBasemap = await startTestServer(db, { clientDir, basemapFile: file });
  without = await startTestServer(db, { clientDir });
  browser = await openBrowser({ width: 900, height: 640 });
});
afterAll(async () => {
  await browser?.close();
  await withBasemap?.close();
  await without?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('PMTiles basemap', () => {
  it('serves the archive with HTTP range requests', async () => {
    const res = await fetch(`${withBasemap.baseUrl}/basemap.pmtiles`, { headers: { range: 'bytes=0-126' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toMatch(/^bytes 0-126\/\d+$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(127);
    expect(bytes.subarray(0, 7).toString('ascii')).toBe('PMTiles');
    expect(bytes[7]).toBe(3);
    expect((await fetch(`${without.baseUrl}/basemap.pmtiles`)).headers.get('content-type')).toContain(
      'text/html',
    );
  });

  it('draws the basemap under the grids, read by range requests', async () => {
    const { page } = browser;
    const ranges: { status: number; range: string | undefined }[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/basemap.pmtiles')
        ranges.push({ status: res.status(), range: res.request().headers().range });
    });
    await loginByApi(page, withBasemap.baseUrl, 'commander', demoPassword);
    await page.goto(withBasemap.baseUrl + '/');
    await poll(
      () => gc(page, (g) => g.map?.getStyle().layers.map((l) => l.id) ?? []),
      (ids) => ids.includes('basemap:raster') && ids.includes('territorial-fill'),
      { message: 'basemap and grid layers in the style' },
    );
    await waitForMapIdle(page);
    const ids = await gc(page, (g) => g.map!.getStyle().layers.map((l) => l.id));
    expect(ids.indexOf('basemap:raster')).toBe(1); // right above the background
    expect(ids.indexOf('basemap:raster')).toBeLessThan(ids.indexOf('territorial-fill'));
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((r) => r.status === 206 && /^bytes=\d+-\d+$/.test(r.range ?? ''))).toBe(true);

    const file = await browser.screenshot('console-basemap');
    const pixels = readPixels(file);
    const box = (await page.getByTestId('grid-map').boundingBox())!;
    // Outside the county: the basemap, not the bare background.
    const corner = pixels.at(box.x + box.width - 4, box.y + box.height - 4);
    expect(colorDistance(corner, background)).toBeGreaterThan(60);
    // Inside a grid: the grid's fill over the basemap, unlike the basemap alone.
    const gridId = await gc(
      page,
      (g) => [...g.getState().gridInfo.values()].find((i) => i.kind === 'territorial')!.id,
    );
    const point = (await gc(page, (g, id) => g.gridPoint(id), gridId))!;
    expect(colorDistance(pixels.at(point.x, point.y), corner)).toBeGreaterThan(30);
    expect(realErrors(browser.consoleErrors)).toEqual([]);
  });

  it('without a file, requests nothing beyond the console’s own server and no basemap', async () => {
    const other = await browser.context.newPage();
    const requested: string[] = [];
    other.on('request', (req) => requested.push(req.url()));
    try {
      await loginByApi(other, without.baseUrl, 'commander', demoPassword);
      await other.goto(without.baseUrl + '/');
      await waitForMapIdle(other);
      const ids = await gc(other, (g) => g.map!.getStyle().layers.map((l) => l.id));
      expect(ids.some((id) => id.startsWith('basemap:'))).toBe(false);
      await expect(other.locator('meta[name="gc-basemap"]').count()).resolves.toBe(0);
      const foreign = requested.filter(
        (url) => !url.startsWith(without.baseUrl + '/') && !/^(data|blob):/.test(url),
      );
      expect(foreign).toEqual([]);
      expect(requested.filter((url) => url.includes('.pmtiles'))).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
