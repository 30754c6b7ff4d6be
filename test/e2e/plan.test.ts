// Planner mode in a real Chromium: split a grid by drawing a line across it with the mouse, see the
// impact preview (the same numbers the API gives for the same change set), commit with a reason; a
// commander's console in another browser redraws the new grid without reload. Then move a shared
// vertex by mouse (both neighbours change), and merge the split back.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundaryChangeSet, BoundaryPreview } from '../../shared/boundaries.ts';
import type { GridFeatureCollection } from '../../shared/grids.ts';
import { openBrowser, type Browser } from '../support/browser.ts';
import { gc, loginByApi, poll, realErrors, waitForLive, waitForMapIdle } from '../support/console-page.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let planner: Browser;
let commander: Browser;
let api: TestClient;
let grid: { id: number; code: string; bbox: [number, number, number, number]; anchorLat: number };
let gridCountBefore: number;
let createdId: number;

const countGrids = async (): Promise<number> =>
  (await api.get<GridFeatureCollection>('/api/grids')).body.features.length;

const impactOf = (p: BoundaryPreview) => ({
  moves: p.moves,
  totals: p.totals,
  workers: p.workers,
  openTasksAffected: p.openTasksAffected,
});

beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db, { clientDir: path.resolve('dist/client') });
  api = await server.as('planner');
  const grids = (await api.get<GridFeatureCollection>('/api/grids?kind=territorial')).body;
  gridCountBefore = await countGrids();
  // A one-part grid without holes, with many addresses (so the split moves some).
  const addresses = new Map<string, number>();
  for (const a of db.dataset.addresses) addresses.set(a.gridCode, (addresses.get(a.gridCode) ?? 0) + 1);
  const candidates = grids.features
    .filter((f) => f.geometry.type === 'Polygon' && f.geometry.coordinates.length === 1)
    .sort((a, b) => (addresses.get(b.properties.code) ?? 0) - (addresses.get(a.properties.code) ?? 0));
  // The first whose unchanged outline previews cleanly: on the embedded engine about one grid in ten
  // fails preview with 'portal "" does not exist' (known issue, open; PostgreSQL is fine).
  let feature = candidates[0]!;
  for (const f of candidates.slice(0, 10)) {
    const noop = await api.post('/api/boundaries/preview', {
      changes: [{ op: 'update', gridId: f.properties.id, geometry: f.geometry }],
      baseRevisions: { [String(f.properties.id)]: f.properties.revision },
      kind: 'edit',
    });
    if (noop.status === 200) {
      feature = f;
      break;
    }
  }
  const ring = (feature.geometry.coordinates as number[][][])[0]!;
  const xs = ring.map((p) => p[0]!);
  const ys = ring.map((p) => p[1]!);
  grid = {
    id: feature.properties.id,
    code: feature.properties.code,
    bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    anchorLat: 0,
  };
  planner = await openBrowser({ width: 1000, height: 700 });
  commander = await openBrowser({ width: 800, height: 560 });
  await loginByApi(planner.page, server.baseUrl, 'planner', demoPassword);
  await loginByApi(commander.page, server.baseUrl, 'commander', demoPassword);
});
afterAll(async () => {
  await planner?.close();
  await commander?.close();
  await server?.close();
  await db?.drop();
});

async function focusGrid(id: number): Promise<void> {
  const { page } = planner;
  const box = await gc(page, (g, gridId) => g.getState().gridInfo.get(gridId)?.bbox ?? null, id);
  if (!box) throw new Error(`grid ${id} not loaded`);
  await gc(
    page,
    (g, b) => {
      g.map?.fitBounds(
        [
          [b[0], b[1]],
          [b[2], b[3]],
        ],
        { padding: 60, duration: 0 },
      );
      return null;
    },
    box,
  );
  await waitForMapIdle(page);
}

async function clickGrid(id: number): Promise<void> {
  const { page } = planner;
  const point = await gc(page, (g, gridId) => g.gridPoint(gridId), id);
  if (!point) throw new Error(`no point for grid ${id}`);
  await page.mouse.click(point.x, point.y);
  await poll(
    () => gc(page, (g) => g.getState().selectedGridId),
    (selected) => selected === id,
    { timeout: 10_000, message: `grid ${id} selected` },
  );
}

/** Waits for the preview of the current change set and checks it equals the API's answer to it. */
async function expectPreviewMatchesApi(): Promise<{
  changeSet: BoundaryChangeSet;
  preview: BoundaryPreview;
}> {
  const { page } = planner;
  const state = await poll(
    () =>
      gc(page, (g) => {
        const p = g.plan();
        return { changeSet: p.changeSet, preview: p.preview, problems: p.problems, error: p.previewError };
      }),
    (s) => s.preview !== null || s.problems.length > 0 || s.error !== null,
    { timeout: 30_000, message: 'preview' },
  );
  expect(state.problems, JSON.stringify(state.problems)).toEqual([]);
  expect(state.error).toBeNull();
  const changeSet = state.changeSet!;
  const res = await api.post<BoundaryPreview>('/api/boundaries/preview', changeSet);
  expect(res.status).toBe(200);
  expect(impactOf(state.preview!)).toEqual(impactOf(res.body));
  return { changeSet, preview: state.preview! };
}

async function commitWithReason(reason: string): Promise<number> {
  const { page } = planner;
  const before = await gc(page, (g) => g.plan().lastCommit?.seq ?? 0);
  await page.getByTestId('plan-reason').fill(reason);
  await page.getByTestId('plan-commit').click();
  return poll(
    () => gc(page, (g) => g.plan().lastCommit?.seq ?? 0),
    (seq) => seq > before,
    { timeout: 30_000, message: 'commit' },
  );
}

interface RedrawWatch {
  eventAt: number;
  patchedAt: number;
  drawnAt: number;
}

let commitReturnedAt = 0;

/** When the planner's commit response arrived (seen by the test process), and, taken in the commander's
 *  page by a 10 ms timer (late, never early, when its main thread is busy), when that console had the
 *  event, had the grid in its store and had it in the map's source. One clock: the same machine. */
async function startRedrawWatch(code: string): Promise<void> {
  commitReturnedAt = 0;
  const onResponse = (response: { url(): string }): void => {
    if (!response.url().endsWith('/api/boundaries/commit')) return;
    commitReturnedAt = Date.now();
    planner.page.off('response', onResponse);
  };
  planner.page.on('response', onResponse);
  await gc(
    commander.page,
    (g, gridCode) => {
      const w = window as unknown as { redrawWatch?: Partial<RedrawWatch> };
      const before = g.getState().live.lastEventSeq;
      const watch: Partial<RedrawWatch> = {};
      w.redrawWatch = watch;
      const timer = setInterval(() => {
        const s = g.getState();
        const now = Date.now();
        if (!watch.eventAt && s.live.events.some((e) => e.seq > before && e.type === 'grid:boundary-changed'))
          watch.eventAt = now;
        const info = [...s.gridInfo.values()].find((i) => i.code === gridCode);
        if (!watch.patchedAt && info) watch.patchedAt = now;
        if (
          !watch.drawnAt &&
          info &&
          (g.map?.querySourceFeatures('grids', { filter: ['==', ['get', 'id'], info.id] }) ?? []).length > 0
        ) {
          watch.drawnAt = now;
          clearInterval(timer);
        }
      }, 10);
      return null;
    },
    code,
  );
}

async function reportRedrawWatch(): Promise<void> {
  const {
    eventAt = NaN,
    patchedAt = NaN,
    drawnAt = NaN,
  } = await commander.page.evaluate(
    () => (window as unknown as { redrawWatch?: Partial<RedrawWatch> }).redrawWatch ?? {},
  );
  console.log(
    `commander console drew the new grid ${drawnAt - commitReturnedAt} ms after the planner's commit returned ` +
      `(event seen ${eventAt - commitReturnedAt} ms, grid in the store ${patchedAt - commitReturnedAt} ms)`,
  );
}

describe('planner mode', () => {
  it('opens /plan for a planner: the editor, the map and the live stream', async () => {
    const { page } = planner;
    await page.goto(`${server.baseUrl}/plan`);
    await page.getByTestId('plan-panel').waitFor();
    await waitForMapIdle(page);
    await waitForLive(page);
  });

  it('splits a grid by a line drawn with the mouse, previews it and commits it; another console redraws it live', async () => {
    const { page } = planner;
    await commander.page.goto(`${server.baseUrl}/`);
    await waitForMapIdle(commander.page);
    await waitForLive(commander.page);

    await focusGrid(grid.id);
    await clickGrid(grid.id);
    const anchor = await gc(page, (g, id) => g.getState().gridInfo.get(id)!.anchor, grid.id);
    await page.getByTestId('plan-split').click();
    const w = grid.bbox[2] - grid.bbox[0];
    const left = (await gc(page, (g, p) => g.project(p), [grid.bbox[0] - w * 0.08, anchor[1]] as [
      number,
      number,
    ]))!;
    const right = (await gc(page, (g, p) => g.project(p), [grid.bbox[2] + w * 0.08, anchor[1]] as [
      number,
      number,
    ]))!;
    await page.mouse.click(left.x, left.y);
    await page.mouse.move((left.x + right.x) / 2, left.y, { steps: 4 });
    await page.mouse.click(right.x, right.y);
    await page.mouse.click(right.x, right.y);

    const { changeSet, preview } = await expectPreviewMatchesApi();
    expect(changeSet.kind).toBe('split');
    expect(changeSet.changes.map((c) => c.op)).toEqual(['update', 'create']);
    const created = changeSet.changes[1] as Extract<BoundaryChangeSet['changes'][number], { op: 'create' }>;
    expect(created.code).toMatch(new RegExp(`^${grid.code.slice(0, 12)}-\\d{2}$`));
    expect(created.name).toMatch(/^网格\d+$/);
    // The click that finished the line did not select another grid.
    expect(await gc(page, (g) => g.getState().selectedGridId)).toBe(grid.id);
    // The panel shows the same totals.
    await expect(page.getByTestId('plan-totals').textContent()).resolves.toContain(
      `${preview.totals.addresses}`,
    );
    await planner.screenshot('plan');

    await startRedrawWatch(created.code);
    await commitWithReason('人口增长，拆分网格');
    expect(await countGrids()).toBe(gridCountBefore + 1);
    const all = (await api.get<GridFeatureCollection>('/api/grids')).body;
    createdId = all.features.find((f) => f.properties.code === created.code)!.properties.id;

    // The commander's console draws the new grid without reload.
    await poll(
      () =>
        gc(
          commander.page,
          (g, code) => {
            const info = [...g.getState().gridInfo.values()].find((i) => i.code === code);
            // The map's source holds ids and kinds only (client/map/territorial-layer.ts).
            const drawn = info
              ? (g.map?.querySourceFeatures('grids', { filter: ['==', ['get', 'id'], info.id] }) ?? [])
              : [];
            return { known: info !== undefined, drawn: drawn.length };
          },
          created.code,
        ),
      (s) => s.known && s.drawn > 0,
      { timeout: 30_000, interval: 50, message: 'commander console redraws the new grid' },
    );
    // Reported, not asserted (no timed assertions: the machine is shared).
    await reportRedrawWatch();
    await commander.screenshot('plan-commander');
  });

  it('moves a shared vertex by mouse: both neighbours change; undo takes it back', async () => {
    const { page } = planner;
    await waitForMapIdle(page);
    await focusGrid(grid.id);
    await clickGrid(grid.id);
    // A vertex of the grid that the new neighbour shares (an end of the cut), not a ring end.
    const vertex = await gc(
      page,
      (g, ids) => {
        const grids = g.getState().grids!.features;
        const a = grids.find((f) => f.properties.id === ids[0])!.geometry;
        const b = grids.find((f) => f.properties.id === ids[1])!.geometry;
        const ringA = (a.type === 'Polygon' ? a.coordinates[0] : a.coordinates[0]![0])!;
        const ringB = (b.type === 'Polygon' ? b.coordinates[0] : b.coordinates[0]![0])!;
        const keys = new Set(ringB.map((p) => `${p[0]},${p[1]}`));
        const shared = ringA.slice(1, -1).find((p) => keys.has(`${p[0]},${p[1]}`));
        return shared
          ? { at: [shared[0], shared[1]] as [number, number], px: g.project([shared[0], shared[1]]) }
          : null;
      },
      [grid.id, createdId],
    );
    expect(vertex).not.toBeNull();
    const { x, y } = vertex!.px!;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 8, y + 12, { steps: 3 });
    await page.mouse.move(x + 16, y + 24, { steps: 3 });
    await page.mouse.up();
    const { changeSet } = await expectPreviewMatchesApi();
    const updated = changeSet.changes.filter((c) => c.op === 'update').map((c) => c.gridId);
    expect(updated).toEqual(expect.arrayContaining([grid.id, createdId]));
    // The moved vertex is the same new coordinate in both.
    const ringsOf = changeSet.changes.flatMap((c) =>
      c.op === 'update' && (c.gridId === grid.id || c.gridId === createdId)
        ? [
            (c.geometry.type === 'Polygon' ? c.geometry.coordinates[0]! : c.geometry.coordinates[0]![0]!).map(
              (p) => `${p[0]},${p[1]}`,
            ),
          ]
        : [],
    );
    expect(ringsOf.some((r) => r.includes(`${vertex!.at[0]},${vertex!.at[1]}`))).toBe(false);
    const common = ringsOf[0]!.filter((k) => ringsOf[1]!.includes(k));
    expect(common.length).toBeGreaterThanOrEqual(2);
    await planner.screenshot('plan-vertex');

    await page.keyboard.press('Control+z');
    await poll(
      () => gc(page, (g) => g.plan().changeSet),
      (cs) => cs === null,
      { timeout: 5_000, message: 'undo empties the change set' },
    );
    await page.keyboard.press('Control+Shift+z');
    await poll(
      () => gc(page, (g) => g.plan().changeSet?.changes.length ?? 0),
      (n) => n >= 2,
      { timeout: 5_000, message: 'redo brings it back' },
    );
    await page.keyboard.press('Control+z');
  });

  it('merges the split back: update + retire, previewed and committed', async () => {
    const { page } = planner;
    await clickGrid(grid.id);
    await page.getByTestId('plan-merge').click();
    const point = (await gc(page, (g, id) => g.gridPoint(id), createdId))!;
    await page.mouse.click(point.x, point.y);
    const { changeSet } = await expectPreviewMatchesApi();
    expect(changeSet.kind).toBe('merge');
    expect(changeSet.changes.map((c) => c.op)).toEqual(['update', 'retire']);
    await commitWithReason('合并回原网格');
    expect(await countGrids()).toBe(gridCountBefore);
    expect(realErrors(planner.consoleErrors).filter((e) => !/\b(409|422)\b/.test(e))).toEqual([]);
  });

  it('draws a sector grid with the mouse over territorial grids, commits it, then deletes it', async () => {
    const { page } = planner;
    await waitForMapIdle(page);
    await focusGrid(grid.id);
    await page.getByTestId('plan-draw-sector').click();
    await page.getByTestId('plan-sector-code').fill('S-E2E-MKT-1');
    await page.getByTestId('plan-sector-name').fill('测试农贸市场');
    await page.getByTestId('plan-sector-kind').selectOption('market');
    const anchor = await gc(page, (g, id) => g.getState().gridInfo.get(id)!.anchor, grid.id);
    const c = (await gc(page, (g, p) => g.project(p), anchor))!;
    const corners = [
      [c.x - 40, c.y - 30],
      [c.x + 40, c.y - 30],
      [c.x + 40, c.y + 30],
      [c.x - 40, c.y + 30],
    ];
    for (const [x, y] of corners) await page.mouse.click(x!, y!);
    await page.mouse.click(corners[0]![0]!, corners[0]![1]!); // the first point again closes it

    const { changeSet, preview } = await expectPreviewMatchesApi();
    expect(changeSet.kind).toBe('create');
    expect(changeSet.changes).toHaveLength(1);
    expect(changeSet.changes[0]).toMatchObject({
      op: 'create',
      code: 'S-E2E-MKT-1',
      name: '测试农贸市场',
      sectorKind: 'market',
    });
    // A sector grid moves nobody out of their territorial grid.
    expect(preview.totals.addresses).toBe(0);
    await planner.screenshot('plan-sector');
    await commitWithReason('新设农贸市场网格');
    const sector = (await api.get<GridFeatureCollection>('/api/grids?kind=sector')).body.features.find(
      (f) => f.properties.code === 'S-E2E-MKT-1',
    )!;
    expect(sector.properties.name).toBe('测试农贸市场');

    // Select it on the map (sector grids are picked before the territorial grid under them) and delete it.
    await poll(
      () => gc(page, (g, id) => g.getState().gridInfo.has(id), sector.properties.id),
      (known) => known,
      { timeout: 15_000, message: 'planner console knows the new sector grid' },
    );
    await waitForMapIdle(page);
    await clickGrid(sector.properties.id);
    await page.getByTestId('plan-delete-sector').click();
    const deleted = await expectPreviewMatchesApi();
    expect(deleted.changeSet.kind).toBe('retire');
    expect(deleted.changeSet.changes).toEqual([{ op: 'retire', gridId: sector.properties.id }]);
    await commitWithReason('市场关闭');
    expect(
      (await api.get<GridFeatureCollection>('/api/grids?kind=sector')).body.features.some(
        (f) => f.properties.id === sector.properties.id,
      ),
    ).toBe(false);
  });

  it('renames and recodes a grid in the panel; the commander console, offline meanwhile, relabels it on reconnect; history dates in the locale', async () => {
    const { page } = planner;
    await waitForMapIdle(page);
    await focusGrid(grid.id);
    await clickGrid(grid.id);
    const newCode = `${grid.code}-R`;
    await page.getByTestId('plan-rename-code').fill(newCode);
    await page.getByTestId('plan-rename-name').fill('更名测试网格');
    await page.getByTestId('plan-rename-apply').click();
    const { changeSet } = await expectPreviewMatchesApi();
    expect(changeSet.kind).toBe('rename');
    expect(changeSet.changes).toEqual([
      { op: 'rename', gridId: grid.id, code: newCode, name: '更名测试网格' },
    ]);
    // The commander misses the change's push: its resubscription gets a snapshot saying the grid set is
    // newer than the grids it holds, and it refetches them.
    await gc(commander.page, (g) => g.realtime.pause());
    await commitWithReason('村社更名');
    expect(await gc(commander.page, (g, id) => g.getState().gridInfo.get(id)?.code ?? null, grid.id)).toBe(
      grid.code,
    );
    await gc(commander.page, (g) => g.realtime.resume());

    await poll(
      () =>
        gc(
          commander.page,
          (g, id) => {
            const info = g.getState().gridInfo.get(id);
            return info ? `${info.code} ${info.name}` : null;
          },
          grid.id,
        ),
      (label) => label === `${newCode} 更名测试网格`,
      { timeout: 15_000, interval: 50, message: 'commander console relabels the grid' },
    );

    // The history lists the rename, dated in the console's locale (zh-CN by default).
    const history = page.getByTestId('plan-history');
    await poll(
      () => history.textContent(),
      (text) => text !== null && text.includes('更名') && text.includes(newCode),
      { timeout: 15_000, message: 'history shows the rename' },
    );
    const shown = await history
      .locator('time')
      .first()
      .evaluate((el) => ({
        text: el.textContent,
        iso: el.getAttribute('datetime'),
      }));
    expect(shown.text).toBe(
      new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date(shown.iso!),
      ),
    );
    await planner.screenshot('plan-rename');
    expect(realErrors(planner.consoleErrors).filter((e) => !/\b(409|422)\b/.test(e))).toEqual([]);
  });

  it('imports a GeoJSON file: per-feature report with the rejected ones, the preview, the commit', async () => {
    const { page } = planner;
    await waitForMapIdle(page);
    // The grid cut in two along its centroid's latitude: its own code for one half, a new code for the other.
    const { rows } = await db.pool.query<{ code: string; village: string; north: unknown; south: unknown }>(
      `WITH g AS (SELECT code, village_code, ST_GeometryN(geom, 1) AS poly, ST_Centroid(geom) AS c FROM grids WHERE id = $1),
       cut AS (SELECT g.*, ST_Split(poly, ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_X(c) - 1, ST_Y(c)), ST_MakePoint(ST_X(c) + 1, ST_Y(c))), 4326)) AS parts FROM g)
       SELECT code, village_code AS village, ST_AsGeoJSON(ST_GeometryN(parts, 1), 15)::json AS north,
              ST_AsGeoJSON(ST_GeometryN(parts, 2), 15)::json AS south FROM cut`,
      [grid.id],
    );
    const cut = rows[0]!;
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: cut.north, properties: { code: cut.code } },
        {
          type: 'Feature',
          geometry: cut.south,
          properties: { code: `${cut.village}-92`, name: '导入网格', villageCode: cut.village },
        },
        { type: 'Feature', geometry: cut.south, properties: { name: '没有编码' } },
      ],
    };
    await page.getByTestId('plan-import-file').setInputFiles({
      name: 'grids.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify(file)),
    });
    const report = await poll(
      () => gc(page, (g) => g.plan().importReport),
      (r) => r !== null,
      { timeout: 30_000, message: 'import report' },
    );
    expect(report!.accepted.map((a) => a.op)).toEqual(['update', 'create']);
    expect(report!.rejected.map((r) => [r.index, r.reasons[0]!.code])).toEqual([[2, 'invalid_feature']]);
    await expect(page.getByTestId('plan-import-rejected').textContent()).resolves.toContain('要素格式错误');
    const { changeSet } = await expectPreviewMatchesApi();
    expect(changeSet.kind).toBe('import');
    // The file chooser reads in the console's language, not the browser's ("Choose File").
    await page.getByTestId('plan-import').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('plan-import').innerText()).toContain('选择 GeoJSON 文件');
    await planner.screenshot('plan-import');
    await commitWithReason('导入边界');
    expect(await countGrids()).toBe(gridCountBefore + 1);
    expect(realErrors(planner.consoleErrors).filter((e) => !/\b(409|422)\b/.test(e))).toEqual([]);
  });
});
