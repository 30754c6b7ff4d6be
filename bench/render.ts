// npm run bench:render — the console in Chromium (software WebGL) on (a) the Tiantai set (1% dataset,
// 674 territorial grids, live over the real server) and (b) 60,000 synthetic province grids added to the
// same page as a GeoJSON source styled like the console's fill. Prints the time to first full render,
// frame times (p50/p95) with forced repaints and no changes, frame times while 1,000 status changes/s
// stream in (Tiantai: real DB writes → broadcaster → socket → feature-state; province: setFeatureState
// driven in the page), the streaming ÷ forced-repaint ratio (target ≤ 1.5×) and the colour-refresh cost
// against the number of changed grids.
//
// Database: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/gc_dev if reachable, else the embedded
// engine (cold start 20–35 s). A fresh schema bench_render_<random> is used and dropped at the end.
// Client: dist/client (run `npm run build` first). Everything listens on 127.0.0.1.
// Always exits 0; a target not met or a phase that could not run prints `MISS: reason`.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { generateDataset } from '../data/generator/generate.ts';
import { generateProvinceGrids, PROVINCE_BOUNDS } from '../data/generator/province.ts';
import { loadConfig, projectRoot } from '../server/config.ts';
import { startConsoleServer, type ConsoleServer } from '../server/console-server.ts';
import { loadAssigner } from '../server/db/assigner.repo.ts';
import { createPool, ensureSchema, type Engine } from '../server/db/database.ts';
import { loadDataset } from '../server/db/dataset-loader.ts';
import { startEmbeddedPostgis, type EmbeddedPostgis } from '../server/db/embedded/embedded-postgis.ts';
import { appendEvents, type NewEvent } from '../server/db/events.repo.ts';
import { counterColumns } from '../server/db/grid-status.repo.ts';
import { migrate } from '../server/db/migrate.ts';
import { chromiumArgs, chromiumPath } from '../test/support/browser.ts';
import {
  pageScript,
  type FrameStats,
  type ProvinceRender,
  type RefreshSample,
  type StreamStats,
} from './render-page.ts';

const demoPassword = 'bench-render-1';
const viewport = { width: 1280, height: 800 };
const rate = 1000;
const idleSeconds = 5;
const streamSeconds = 5;
/** At ~0.5 fps a 5 s window holds a handful of frames: the province windows are longer. */
const provinceSeconds = 10;
const warmMs = 1500;
const provinceGrids = 60_000;
const provinceRenderTimeoutMs = 150_000;
const watchdogMs = 390_000;
const clientDir = path.join(projectRoot, 'dist', 'client');
const started = performance.now();
const misses: string[] = [];

const log = (line: string): void =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const miss = (reason: string): void => {
  misses.push(reason);
  console.log(`MISS: ${reason}`);
};
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Cleanup (also on the watchdog and on Ctrl-C)
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning = false;
async function cleanup(): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  for (const fn of cleanups.reverse()) {
    await Promise.race([fn().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`)), sleep(15_000)]);
  }
}
const watchdog = setTimeout(() => {
  miss(`watchdog: the bench ran past ${watchdogMs / 1000} s; stopping`);
  void cleanup().then(() => process.exit(0));
}, watchdogMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void cleanup().then(() => process.exit(130)));

// ---------------------------------------------------------------------------------------------------
// Database and server
interface Db {
  pool: pg.Pool;
  engine: Engine;
  schema: string;
  connection: pg.PoolConfig;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openDb(): Promise<Db> {
  const schema = `bench_render_${randomBytes(4).toString('hex')}`;
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gc_dev';
  let connection: pg.PoolConfig;
  let engine: Engine;
  if (await reachable(url)) {
    connection = { connectionString: url, max: 6 };
    engine = 'postgres';
    log(`database: ${url.replace(/\/\/[^@]*@/, '//…@')} (schema ${schema})`);
  } else {
    log('database: no server reachable; starting the embedded engine (cold start 20–35 s) …');
    const embedded: EmbeddedPostgis = await startEmbeddedPostgis({});
    cleanups.push(() => embedded.stop());
    connection = { host: '127.0.0.1', port: embedded.port, user: 'postgres', database: 'postgres', max: 1 };
    engine = 'embedded';
    log(`embedded engine up in ${(embedded.startMs / 1000).toFixed(1)} s`);
  }
  const pool = createPool(connection, schema);
  cleanups.push(async () => {
    await pool.query(
      `SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`,
    );
    await pool.end();
    log(`schema ${schema} dropped`);
  });
  await ensureSchema(pool, schema);
  await migrate(pool);
  const t = performance.now();
  const dataset = generateDataset({ seed: 20200128, scale: 0.01, epoch: new Date().toISOString() });
  await loadDataset(pool, dataset, { demoPassword });
  log(
    `1% dataset (seed 20200128, epoch now) loaded: ${dataset.territorialGrids.length} territorial grids in ${f1((performance.now() - t) / 1000)} s`,
  );
  return { pool, engine, schema, connection };
}

async function startServer(db: Db): Promise<ConsoleServer> {
  const config = loadConfig({ NODE_ENV: 'test', DEMO_PASSWORD: demoPassword });
  const server = await startConsoleServer({
    pool: db.pool,
    engine: db.engine,
    config,
    assigner: await loadAssigner(db.pool),
    clientDir,
    port: 0,
    host: '127.0.0.1',
    logError: (error) => log(`server error: ${(error as Error).message}`),
  });
  cleanups.push(() => server.close());
  log(`console server on ${server.url}`);
  return server;
}

// ---------------------------------------------------------------------------------------------------
// The real stream: ~rate changes/s committed through the product's repositories, batched per transaction.
interface WriterStats {
  committed: number;
  transactions: number;
  failed: number;
  firstError: string | null;
  seconds: number;
}

function startWriter(db: Db, gridIds: number[], seconds: number): { done: Promise<WriterStats> } {
  // The embedded engine has one session: a second connection would share its transaction.
  const connections = db.engine === 'embedded' ? 1 : 2;
  const maxBatch = 200;
  const column = counterColumns.tasksSent;
  const pool = createPool({ ...db.connection, max: connections }, db.schema);
  const stats: WriterStats = { committed: 0, transactions: 0, failed: 0, firstError: null, seconds: 0 };
  let issued = 0;
  const total = rate * seconds;
  const start = performance.now();
  const work = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      for (;;) {
        const elapsed = performance.now() - start;
        if (elapsed >= seconds * 1000 || issued >= total) return;
        const due = Math.min(Math.floor((elapsed * rate) / 1000) + 1, total) - issued;
        if (due <= 0) {
          await sleep(Math.max(1, (issued * 1000) / rate - elapsed));
          continue;
        }
        const n = Math.min(due, maxBatch);
        issued += n;
        const grids = Array.from({ length: n }, () => gridIds[Math.floor(Math.random() * gridIds.length)]!);
        const perGrid = new Map<number, number>();
        for (const id of grids) perGrid.set(id, (perGrid.get(id) ?? 0) + 1);
        try {
          await client.query('BEGIN');
          // Grid order, so that concurrent transactions cannot deadlock.
          // The same counter bump as bumpGridStatus(client, id, {tasksSent: k}), for the whole batch in one
          // statement (one round trip, so the rate holds on a loaded machine); grid order avoids deadlocks.
          const ids = [...perGrid.keys()].sort((a, b) => a - b);
          await client.query(
            `UPDATE grid_status g SET ${column} = g.${column} + u.n
             FROM unnest($1::int[], $2::int[]) AS u(id, n) WHERE g.grid_id = u.id`,
            [ids, ids.map((id) => perGrid.get(id)!)],
          );
          const events: NewEvent[] = grids.map((gridId) => ({
            type: 'task:sent',
            gridId,
            actorUserId: null,
            payload: { taskId: 0, kind: 'bench' },
          }));
          await appendEvents(client, events);
          await client.query('COMMIT');
          stats.committed += n;
          stats.transactions++;
        } catch (error) {
          stats.failed++;
          stats.firstError ??= (error as Error).message;
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    } finally {
      client.release();
    }
  };
  const done = Promise.all(Array.from({ length: connections }, work)).then(async () => {
    stats.seconds = (performance.now() - start) / 1000;
    await pool.end();
    return stats;
  });
  return { done };
}

// ---------------------------------------------------------------------------------------------------
// Browser
async function openBrowser(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-render-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: chromiumArgs,
  });
  cleanups.push(async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** Calls window.__bench[name](...args) in the page (plain data in and out). */
function bench<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ({ name, args }) => {
      const b = (window as unknown as { __bench: Record<string, (...a: unknown[]) => unknown> }).__bench;
      return b[name]!(...args);
    },
    { name, args },
  ) as Promise<T>;
}

/** Polls a page expression (a string, evaluated in the page) until truthy or the deadline. */
async function pollPage(page: Page, expression: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await page.evaluate(expression).catch(() => false)) return true;
    await sleep(50);
  }
  return false;
}

const printFrames = (label: string, s: FrameStats): void =>
  console.log(
    `  ${label.padEnd(34)} p50 ${f1(s.p50).padStart(6)} ms  p95 ${f1(s.p95).padStart(6)} ms  mean ${f1(s.mean).padStart(6)} ms  ` +
      `(${s.frames} frames in ${f1(s.seconds)} s ≈ ${f1(s.frames / s.seconds)} fps)`,
  );

function judgeRatio(set: string, idle: FrameStats, streaming: FrameStats): void {
  const ratio = streaming.p50 / idle.p50;
  const ratio95 = streaming.p95 / idle.p95;
  const verdict = ratio <= 1.5 ? 'PASS' : 'MISS';
  console.log(
    `  ratio streaming ÷ forced repaint: p50 ${ratio.toFixed(2)}×, p95 ${ratio95.toFixed(2)}×, mean ${(streaming.mean / idle.mean).toFixed(2)}× — target p50 ≤ 1.5×: ${verdict}`,
  );
  if (verdict === 'MISS')
    miss(`${set}: frame time while streaming is ${ratio.toFixed(2)}× the forced-repaint frame time`);
}

function printRefresh(set: string, samples: RefreshSample[]): void {
  console.log(
    '  colour refresh: one setFeatureState batch of n grids, then map.redraw() + 1-px readPixels (GPU done);',
  );
  console.log(
    '  (live stream paused; median [min] of reps; extra = min redraw with the batch − min redraw with no change):',
  );
  const extraOf = (s: RefreshSample): number => s.frameMin - s.baseMin;
  for (const s of samples) {
    const cost = s.js + Math.max(0, extraOf(s));
    console.log(
      `    n=${String(s.n).padStart(6)}  reps ${s.reps}  setFeatureState ${f1(s.js).padStart(6)} ms  redraw ${f1(s.frame).padStart(7)} [${f1(s.frameMin).padStart(7)}] ms` +
        `  no-change ${f1(s.base).padStart(7)} [${f1(s.baseMin).padStart(7)}] ms  extra ${f1(extraOf(s)).padStart(7)} ms` +
        (s.reps > 0 ? `  → ${((cost / s.n) * 1000).toFixed(1)} µs/grid` : ''),
    );
  }
  // Least-squares fit of cost = setFeatureState + extra redraw against n: cost ≈ a + b·n.
  const pts = samples.filter((s) => s.reps > 0).map((s) => ({ x: s.n, y: s.js + extraOf(s) }));
  if (pts.length < 2) {
    miss(`${set}: colour refresh: too few samples to fit`);
    return;
  }
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  const sxy = pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const sxx = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const syy = pts.reduce((a, p) => a + (p.y - my) ** 2, 0);
  const b = sxy / sxx;
  const a = my - b * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
  const proportional = b > 0 && r2 >= 0.9;
  console.log(
    `  fit cost(n) ≈ ${f1(a)} ms + ${(b * 1000).toFixed(2)} µs × n (R² ${r2.toFixed(3)}) — cost grows in proportion to changed grids: ${proportional ? 'PASS' : 'MISS'}`,
  );
  if (!proportional)
    miss(
      `${set}: colour refresh cost not proportional to the changed grids (R² ${r2.toFixed(3)}, ${(b * 1000).toFixed(2)} µs/grid)`,
    );
}

// ---------------------------------------------------------------------------------------------------
async function tiantai(db: Db, server: ConsoleServer, page: Page): Promise<boolean> {
  console.log('\n(a) Tiantai set — the console page, live over the real server');
  const res = await page.request.post(`${server.url}/api/auth/login`, {
    data: { username: 'commander', password: demoPassword },
  });
  if (!res.ok()) {
    miss(`Tiantai: login failed (${res.status()})`);
    return false;
  }
  const t0 = performance.now();
  await page.goto(`${server.url}/#metric=openTasks`);
  const idleOk = await pollPage(page, 'Boolean(window.gc && window.gc.idle())', 60_000);
  const wall = performance.now() - t0;
  if (!idleOk) {
    miss('Tiantai: the map did not reach idle with grids drawn within 60 s');
    return false;
  }
  const sinceNav = (await page.evaluate('performance.now()')) as number;
  const gridIds = (await page.evaluate(
    '(window.gc.getState().grids?.features ?? []).filter((f) => f.properties.kind === "territorial").map((f) => f.properties.id)',
  )) as number[];
  const kinds = (await page.evaluate(
    'JSON.stringify((window.gc.getState().grids?.features ?? []).reduce((a, f) => ((a[f.properties.kind] = (a[f.properties.kind] ?? 0) + 1), a), {}))',
  )) as string;
  console.log(
    `  time to first full render (navigation → map idle with grids drawn): ${f1(sinceNav)} ms in page (${f1(wall)} ms wall incl. goto); grids in the page: ${kinds}`,
  );
  const live = await pollPage(
    page,
    'window.gc.connection() === "live" && window.gc.lastSeq() !== null',
    20_000,
  );
  if (!live) miss('Tiantai: the status stream did not go live');

  await page.evaluate(pageScript);
  const idle = await bench<FrameStats>(page, 'frames', idleSeconds * 1000);
  printFrames('idle, forced repaint:', idle);

  const before = (await page.evaluate(
    '({ w: window.gc.counters().statusWrites, s: window.gc.lastSeq() })',
  )) as {
    w: number;
    s: number;
  };
  const writer = startWriter(db, gridIds, (warmMs + streamSeconds * 1000 + 3000) / 1000);
  await sleep(warmMs);
  const mid = (await page.evaluate('({ w: window.gc.counters().statusWrites, s: window.gc.lastSeq() })')) as {
    w: number;
    s: number;
  };
  const tm = performance.now();
  const streaming = await bench<FrameStats>(page, 'frames', streamSeconds * 1000);
  const measuredS = (performance.now() - tm) / 1000;
  const after = (await page.evaluate(
    '({ w: window.gc.counters().statusWrites, s: window.gc.lastSeq() })',
  )) as {
    w: number;
    s: number;
  };
  const w = await writer.done;
  printFrames('streaming 1,000 changes/s (real):', streaming);
  console.log(
    `  stream: writer committed ${w.committed} changes in ${w.transactions} transactions over ${f1(w.seconds)} s ` +
      `(${f1(w.committed / w.seconds)}/s${w.failed ? `, ${w.failed} failed: ${w.firstError}` : ''}); ` +
      `page applied ${after.w - mid.w} feature-state writes (${f1((after.w - mid.w) / measuredS)}/s) and ${after.s - mid.s} events during the measurement ` +
      `(seq ${before.s} → ${after.s})`,
  );
  if (w.committed / w.seconds < rate * 0.9)
    miss(`Tiantai: the writer reached only ${f1(w.committed / w.seconds)} changes/s`);
  if (after.s - mid.s < rate * measuredS * 0.8)
    miss(`Tiantai: the page received only ${after.s - mid.s} events in ${f1(measuredS)} s`);
  judgeRatio('Tiantai', idle, streaming);

  // Let the stream's flash outlines expire before timing single batches.
  await sleep(2500);
  const sizes = [10, 100, 300, gridIds.length];
  const refresh = await bench<RefreshSample[]>(page, 'refreshCost', 'grids', gridIds, sizes, 8, 40_000);
  printRefresh('Tiantai', refresh);
  return true;
}

async function province(page: Page): Promise<void> {
  console.log(`\n(b) province set — ${provinceGrids.toLocaleString('en')} grids added to the same page`);
  const t = performance.now();
  const fc = generateProvinceGrids({ seed: 1, grids: provinceGrids });
  const round = (v: number): number => Math.round(v * 1e6) / 1e6;
  const body = JSON.stringify({
    type: 'FeatureCollection',
    features: fc.features.map((f, i) => ({
      type: 'Feature',
      id: i,
      properties: { code: f.properties.code },
      geometry: {
        type: 'Polygon',
        coordinates: f.geometry.coordinates.map((r) => r.map((p) => p.map(round))),
      },
    })),
  });
  console.log(
    `  generated ${fc.features.length} grids (seed 1) in ${f1((performance.now() - t) / 1000)} s; GeoJSON ${(body.length / 1e6).toFixed(1)} MB`,
  );
  const fileServer = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(body);
  });
  await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => fileServer.close(() => resolve())));
  const url = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}/province.geojson`;

  const { minLon, minLat, maxLon, maxLat } = PROVINCE_BOUNDS;
  const render = await bench<ProvinceRender>(
    page,
    'addProvince',
    url,
    fc.features.length,
    [
      [minLon, minLat],
      [maxLon, maxLat],
    ],
    provinceRenderTimeoutMs,
  );
  if (!render.ok) {
    miss(`province: first render did not finish (${render.reason}); frame times not measured`);
    return;
  }
  console.log(
    `  time to first full render (addSource → map idle, incl. fetch + worker tiling; initial feature-state for all grids ${f1(render.stateMs)} ms): ${f1(render.ms)} ms`,
  );
  const ids = Array.from({ length: fc.features.length }, (_, i) => i);
  const idle = await bench<FrameStats>(page, 'frames', provinceSeconds * 1000);
  printFrames('idle, forced repaint:', idle);
  const streaming = await bench<StreamStats>(
    page,
    'streamLocal',
    'bench-province',
    ids,
    rate,
    warmMs,
    provinceSeconds * 1000,
  );
  printFrames('streaming 1,000 changes/s (page):', streaming);
  console.log(
    `  stream: ${streaming.issued} setFeatureState writes during the measurement (${f1(streaming.rate)}/s)`,
  );
  if (streaming.rate < rate * 0.9)
    miss(`province: the in-page stream reached only ${f1(streaming.rate)} changes/s`);
  judgeRatio('province', idle, streaming);
  const refresh = await bench<RefreshSample[]>(
    page,
    'refreshCost',
    'bench-province',
    ids,
    [100, 1000, 10000],
    3,
    80_000,
  );
  printRefresh('province', refresh);
}

async function main(): Promise<void> {
  console.log(
    `bench:render — Chromium ${chromiumPath}, software WebGL (SwiftShader), viewport ${viewport.width}×${viewport.height}, ` +
      `${os.cpus().length} cores; frame time = requestAnimationFrame delta with map.triggerRepaint() every frame`,
  );
  if (!fs.existsSync(path.join(clientDir, 'index.html'))) {
    miss(`no built client in ${clientDir}: run \`npm run build\` first`);
    return;
  }
  if (!fs.existsSync(chromiumPath)) {
    miss(`Chromium not found at ${chromiumPath}`);
    return;
  }
  const db = await openDb();
  const server = await startServer(db);
  const { page, errors } = await openBrowser();
  try {
    await tiantai(db, server, page);
  } catch (error) {
    miss(`Tiantai phase failed: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    await province(page);
  } catch (error) {
    miss(`province phase failed: ${(error as Error).message.split('\n')[0]}`);
  }
  console.log(`\nbrowser console errors: ${errors.length}${errors.length ? ` (first: ${errors[0]})` : ''}`);
}

main()
  .catch((error: unknown) => miss(`bench failed: ${(error as Error).stack ?? String(error)}`))
  .finally(async () => {
    await cleanup();
    clearTimeout(watchdog);
    console.log(
      `\n${misses.length ? `RESULT: ${misses.length} MISS` : 'RESULT: PASS'} — total ${f1((performance.now() - started) / 1000)} s`,
    );
    process.exit(0);
  });
