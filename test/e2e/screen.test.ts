// The big screen at 1920×1080 and 3840×2160: KPIs equal the API's numbers, no panel is clipped, live
// events reach the ticker and pause the tour, and nothing personal crosses the wire to the screen role.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kpis } from '../../shared/console.ts';
import type { GridFeatureCollection } from '../../shared/grids.ts';
import { openBrowser, type Browser } from '../support/browser.ts';
import { appendEvents } from '../../server/db/events.repo.ts';
import { bumpGridStatus } from '../../server/db/grid-status.repo.ts';
import { gc, poll, realErrors, waitForLive, waitForMapIdle } from '../support/console-page.ts';
import { testIdNumber } from '../support/people.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let browser: Browser;
/** Everything the screen received: HTTP bodies and Socket.IO frames. */
const received: { url: string; text: string }[] = [];
const requested: string[] = [];

beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db, { clientDir: path.resolve('dist/client') });
  browser = await openBrowser({ width: 1920, height: 1080 });
  const { page } = browser;
  page.on('request', (req) => requested.push(req.url()));
  page.on('response', async (res) => {
    const type = res.headers()['content-type'] ?? '';
    if (!/json|text\/plain/.test(type)) return;
    received.push({ url: res.url(), text: await res.text().catch(() => '') });
  });
  page.on('websocket', (ws) =>
    ws.on('framereceived', (frame) => received.push({ url: ws.url(), text: String(frame.payload) })),
  );
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

interface Clip {
  panel: string;
  problem: string;
}

/** Panels outside the viewport, overflowing their box, or with cut-off key figures. */
function clippedPanels(page: Page): Promise<Clip[]> {
  return page.evaluate(() => {
    const problems: { panel: string; problem: string }[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    for (const el of document.querySelectorAll<HTMLElement>('[data-panel]')) {
      const name = el.dataset.panel!;
      const r = el.getBoundingClientRect();
      if (r.width < 20 || r.height < 20)
        problems.push({ panel: name, problem: `collapsed ${r.width}x${r.height}` });
      if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1)
        problems.push({ panel: name, problem: `outside viewport ${JSON.stringify(r)}` });
      if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
        problems.push({
          panel: name,
          problem: `content overflows ${el.scrollWidth}x${el.scrollHeight} > ${el.clientWidth}x${el.clientHeight}`,
        });
    }
    for (const el of document.querySelectorAll<HTMLElement>(
      '.kpi-value, .kpi-label, .screen-panel h2, .ranking-row > span, .tour-caption',
    ))
      if (el.scrollWidth > el.clientWidth + 1)
        problems.push({ panel: el.className, problem: `text cut: ${el.textContent}` });
    const ranking = document.querySelector('[data-panel="ranking"]')!.getBoundingClientRect();
    for (const row of document.querySelectorAll<HTMLElement>('.ranking-row')) {
      const r = row.getBoundingClientRect();
      if (r.bottom > ranking.bottom + 1 || r.height < 8)
        problems.push({ panel: 'ranking', problem: `row cut: ${row.textContent}` });
    }
    return problems;
  });
}

async function kpiValues(page: Page): Promise<Record<string, { value: string; total: string }>> {
  return page.$$eval('[data-kpi]', (tiles) =>
    Object.fromEntries(
      tiles.map((t) => [
        (t as HTMLElement).dataset.kpi!,
        { value: (t as HTMLElement).dataset.value ?? '', total: (t as HTMLElement).dataset.total ?? '' },
      ]),
    ),
  );
}

/** People this file registers while the screen watches: the privacy test looks for them too. */
const registered: { name: string; idNumber: string; phone: string }[] = [];

/** Registers an arrival (as the commander, at an address in a territorial grid, 10 minutes ago). */
async function registerArrival(person: {
  name: string;
  tail: number;
  phone: string;
  healthCode: 'green' | 'yellow' | 'red';
}): Promise<{ seq: number }> {
  const commander = await server.as('commander');
  const grids = (await commander.get<GridFeatureCollection>('/api/grids?kind=territorial')).body;
  const address = db.dataset.addresses.find((a) =>
    grids.features.some((f) => f.properties.code === a.gridCode),
  )!;
  const res = await commander.post<{ seq: number }>('/api/arrivals', {
    name: person.name,
    idNumber: testIdNumber(person.tail),
    phone: person.phone,
    origin: '湖北武汉',
    arrivedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    healthCode: person.healthCode,
    location: { address: address.text },
  });
  expect(res.status).toBe(201);
  registered.push({ name: person.name, idNumber: testIdNumber(person.tail), phone: person.phone });
  return res.body;
}

describe('big screen', () => {
  it('logs in as the screen role and renders at 1920×1080 with KPIs equal to /api/kpis', async () => {
    const { page } = browser;
    await page.goto(`${server.baseUrl}/screen`);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expect(page.getByLabel('用户名').inputValue()).resolves.toBe('screen');
    await page.getByLabel('密码').fill(demoPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('screen').waitFor();
    await waitForMapIdle(page);

    const kpis = (await (await server.as('screen')).get<Kpis>('/api/kpis')).body;
    const shown = await poll(
      () => kpiValues(page),
      (v) => v.grids?.value !== '' && v.checkpoints?.value !== '',
      { timeout: 15_000, message: 'KPI tiles filled from /api/kpis' },
    );
    expect(Number(shown.grids!.value)).toBe(kpis.grids);
    expect(Number(shown.gridWorkersOnline!.value)).toBe(kpis.gridWorkersOnline);
    expect(Number(shown.gridWorkersOnline!.total)).toBe(kpis.gridWorkers);
    expect(Number(shown.arrivalsToday!.value)).toBe(kpis.arrivalsToday);
    expect(Number(shown.registeredWithinHour!.value)).toBeCloseTo(kpis.registeredWithinHourShare, 6);
    expect(Number(shown.yellow!.value)).toBe(kpis.yellow);
    expect(Number(shown.red!.value)).toBe(kpis.red);
    expect(Number(shown.isolation!.value)).toBe(kpis.isolationOccupancy);
    expect(Number(shown.isolation!.total)).toBe(kpis.isolationCapacity);
    expect(Number(shown.checkpoints!.value)).toBe(kpis.checkpoints);
    // Shown as formatted text too (zh-CN grouping).
    await expect(page.locator('[data-kpi="grids"] .kpi-value').textContent()).resolves.toBe(
      new Intl.NumberFormat('zh-CN').format(kpis.grids),
    );

    await page
      .getByTestId('ranking')
      .locator('[data-code]')
      .nth(db.dataset.townships.length - 1)
      .waitFor();
    await poll(
      () => page.getByTestId('timeseries').getAttribute('data-buckets'),
      (n) => Number(n) === 24,
      { message: '24 hourly buckets' },
    );
    await page.getByTestId('tour').waitFor();
    expect(await clippedPanels(page)).toEqual([]);
    await browser.screenshot('screen-1080');
    expect(realErrors(browser.consoleErrors)).toEqual([]);
  });

  it('follows the stream: a red-code arrival reaches the ticker and pauses the tour on an alert', async () => {
    const { page } = browser;
    await waitForLive(page);
    const { seq } = await registerArrival({
      name: '大屏隐私',
      tail: 52_001,
      phone: '13612345678',
      healthCode: 'red',
    });
    await page.locator(`[data-testid="ticker"] li[data-seq="${seq}"]`).waitFor({ timeout: 5000 });
    await page.locator('[data-testid="tour"][data-state="paused"]').waitFor({ timeout: 5000 });
    await poll(
      () => kpiValues(page),
      (v) => v.arrivalsToday?.value !== '' && Number(v.red?.value) >= 1,
      { timeout: 10_000, message: 'KPIs follow the stream' },
    );
    const kpis = (await (await server.as('screen')).get<Kpis>('/api/kpis')).body;
    await poll(
      () => kpiValues(page),
      (v) => Number(v.red!.value) === kpis.red && Number(v.arrivalsToday!.value) === kpis.arrivalsToday,
      { timeout: 10_000, message: 'KPIs equal the API after the change' },
    );
  });

  it('redraws the arrivals heat layer only when arrivals change, not on every push', async () => {
    const { page } = browser;
    await waitForLive(page);
    const { rows } = await db.pool.query<{ grid_id: number }>('SELECT grid_id FROM grid_status');
    const gridIds = rows.map((r) => r.grid_id);
    const heatUpdates = (): Promise<number> => gc(page, (g) => g.counters().heatUpdates);
    const heatTriggers = (): Promise<number> => gc(page, (g) => g.counters().heatTriggers);
    // The previous test's arrival moved the heatmap; deck.gl applies that at its next (slow, software)
    // frame, after at most the 500 ms refresh throttle. Start counting once that has landed: the map is
    // idle and the count holds still for a second.
    await waitForMapIdle(page);
    let last = -1;
    await poll(
      heatUpdates,
      (n) => {
        const still = n === last;
        last = n;
        return still;
      },
      { interval: 1000, timeout: 15_000, message: 'the heat layer settled after the previous test' },
    );
    const before = await heatUpdates();
    const triggersBefore = await heatTriggers();
    // 10 s of pushes that move other counts than arrivals (tasks sent), as a dispatch centre makes them.
    const streamMs = 10_000;
    const end = Date.now() + streamMs;
    let changes = 0;
    let lastSeq = 0;
    while (Date.now() < end) {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const batch = [...new Set(Array.from({ length: 5 }, () => gridIds[changes++ % gridIds.length]!))];
        for (const gridId of batch.sort((a, b) => a - b))
          await bumpGridStatus(client, gridId, { tasksSent: 1 });
        const seqs = await appendEvents(
          client,
          batch.map((gridId) => ({
            type: 'task:sent',
            gridId,
            actorUserId: null,
            payload: { taskId: 0, kind: 'heat-test' },
          })),
        );
        await client.query('COMMIT');
        lastSeq = Math.max(lastSeq, ...seqs);
      } finally {
        client.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await poll(
      () => gc(page, (g) => g.lastSeq()),
      (seq) => seq !== null && seq >= lastSeq,
      { timeout: 20_000, message: 'the screen applied every push' },
    );
    const streamed = (await heatUpdates()) - before;
    const triggered = (await heatTriggers()) - triggersBefore;
    console.log(
      `heat layer over ${streamMs / 1000} s of streaming ${changes} task changes (no arrival): ` +
        `${streamed} data updates by deck.gl, ${triggered} update-trigger changes`,
    );
    expect(streamed).toBe(0);

    // An arrival does move the heatmap.
    await registerArrival({ name: '热力测试', tail: 52_101, phone: '13612345679', healthCode: 'green' });
    const after = await poll(heatUpdates, (n) => n > before, {
      timeout: 10_000,
      message: 'the heat layer follows an arrival',
    });
    console.log(`heat layer data updates after one arrival: ${after - before}`);
  });

  it('fills a 3840×2160 wall without clipped panels, scaled up', async () => {
    const { page } = browser;
    const small = await page
      .locator('[data-kpi="grids"] .kpi-value')
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.setViewportSize({ width: 3840, height: 2160 });
    await poll(
      () => page.evaluate(() => window.innerWidth),
      (w) => w === 3840,
    );
    await waitForMapIdle(page, 120_000);
    const large = await page
      .locator('[data-kpi="grids"] .kpi-value')
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(large / small).toBeGreaterThan(1.8);
    expect(await clippedPanels(page)).toEqual([]);
    await browser.screenshot('screen-2160');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('switches the wall to English', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: /Command Centre/ }).waitFor();
    await page.getByText('Township risk ranking').waitFor();
    expect(await clippedPanels(page)).toEqual([]);
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('never receives personal data and never asks for people', async () => {
    expect(requested.filter((u) => /\/occupants|\/api\/search|\/api\/grids\/\d+/.test(u))).toEqual([]);
    expect(registered.map((p) => p.name)).toEqual(['大屏隐私', '热力测试']);
    const idNumbers = new Set([
      ...db.dataset.persons.map((p) => p.idNumber),
      ...registered.map((p) => p.idNumber),
    ]);
    const phones = new Set([
      ...db.dataset.persons.map((p) => p.phone),
      ...db.dataset.gridWorkers.map((w) => w.phone),
      ...registered.map((p) => p.phone),
    ]);
    const places = new Set([
      ...db.dataset.townships.map((r) => r.name),
      ...db.dataset.villages.map((r) => r.name),
      ...db.dataset.territorialGrids.map((g) => g.name),
      ...db.dataset.sectorGrids.map((g) => g.name),
      ...db.dataset.checkpoints.map((c) => c.name),
      ...db.dataset.isolationSites.map((s) => s.name),
    ]);
    const names = new Set(
      [
        ...db.dataset.persons.map((p) => p.name),
        ...db.dataset.gridWorkers.map((w) => w.name),
        ...registered.map((p) => p.name),
      ].filter((n) => !places.has(n)),
    );
    expect(received.length).toBeGreaterThan(5);
    expect(received.some((r) => r.url.includes('/socket.io/'))).toBe(true);
    const leaks: string[] = [];
    for (const { url, text } of received) {
      for (const m of text.match(/[0-9]{17}[0-9X]/g) ?? [])
        if (idNumbers.has(m)) leaks.push(`${url}: ID ${m}`);
      for (const m of text.match(/1[3-9][0-9]{9}/g) ?? [])
        if (phones.has(m)) leaks.push(`${url}: phone ${m}`);
      for (const m of text.match(/"[^"\\]{2,4}"/g) ?? [])
        if (names.has(m.slice(1, -1))) leaks.push(`${url}: name ${m}`);
    }
    expect(leaks).toEqual([]);
  });
});
