// The real-time stream against a real database and real Socket.IO clients: authentication, scopes,
// live deltas, incremental status = full recompute, and catch-up across 100 disconnects.
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArrivalResponse } from '../../shared/arrivals.ts';
import type { GridStatus, GridStatusPatch } from '../../shared/realtime.ts';
import { withTransaction } from '../../server/db/database.ts';
import { insertArrivals, type NewArrival } from '../../server/db/arrivals.repo.ts';
import { readCounters, readGridStatuses, readRecomputedCounters } from '../../server/db/grid-status.repo.ts';
import { rollUp } from '../../server/domain/risk-level.ts';
import { readGridPlaces, regionsOfPlace } from '../../server/realtime/status-model.ts';
import {
  answerTask,
  changeOccupant,
  fileReport,
  lockOccupant,
  sendTask,
} from '../../server/db/operations.repo.ts';
import { hoursAgo, testIdNumber } from '../support/people.ts';
import { StatusClient } from '../support/status-client.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let address: { text: string; grid_id: number };
let otherTownshipGrid: number;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db);
  address = (
    await db.pool.query<{ text: string; grid_id: number }>(
      `SELECT text, grid_id FROM addresses WHERE township_code = '331023001' ORDER BY id LIMIT 1`,
    )
  ).rows[0]!;
  otherTownshipGrid = (
    await db.pool.query<{ id: number }>(
      `SELECT id FROM grids WHERE village_code NOT LIKE '331023001%' ORDER BY id LIMIT 1`,
    )
  ).rows[0]!.id;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const cookieOf = async (role: string) => (await server.as(role)).cookie;
let nextId = 20_000;

describe('socket authentication and validation', () => {
  it('refuses a socket without a session', async () => {
    const socket = io(server.baseUrl, { transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(error.message).toBe('unauthenticated');
    socket.disconnect();
  });

  it('answers a malformed subscription with an error ack and keeps serving', async () => {
    const client = new StatusClient(server.baseUrl, await cookieOf('commander'));
    await client.ready();
    const ack = await new Promise<unknown>((resolve) =>
      client.socket.emit('status:subscribe', { region: 'not-a-code' } as never, resolve),
    );
    expect(ack).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    client.socket.emit('status:subscribe', { gridId: -1 } as never, undefined as never);
    expect((await client.subscribe()).mode).toBe('replay');
    client.close();
  });
});

describe('live stream', () => {
  it('pushes a registered arrival to a subscribed console within a second, without personal data', async () => {
    const commander = new StatusClient(server.baseUrl, await cookieOf('commander'));
    const screen = new StatusClient(server.baseUrl, await cookieOf('screen'));
    const first = await commander.ready();
    await screen.ready();
    expect(first.mode).toBe('snapshot');
    expect(commander.grids.size).toBe(674);
    const before = commander.grids.get(address.grid_id)!;
    const pushed = commander.pushes.length;
    const patches = (): GridStatusPatch[] =>
      commander.pushes
        .slice(pushed)
        .flatMap((p) => p.payload.grids.filter((g) => g.gridId === address.grid_id));

    const idNumber = testIdNumber(nextId++);
    const res = await (
      await server.as('commander')
    ).post('/api/arrivals', {
      name: '钱多多',
      idNumber,
      phone: '13900000000',
      origin: '温州',
      arrivedAt: hoursAgo(0.2),
      healthCode: 'red',
      location: { address: address.text },
    });
    const created = ArrivalResponse.parse(res.body);
    const started = Date.now();
    await commander.waitFor(() => commander.lastSeq >= created.seq!, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    const after = commander.grids.get(address.grid_id)!;
    expect(after.red).toBe(before.red + 1);
    expect(after.redNotIsolated).toBe(before.redNotIsolated + 1);
    expect(after.arrivals24h).toBe(before.arrivals24h + 1);
    expect(after.risk).toBe('high');
    // Deltas carry the changed fields only.
    expect(patches().length).toBeGreaterThan(0);
    expect(patches().every((p) => !('checkpoints' in p) && !('tasksDone' in p))).toBe(true);
    expect(patches().some((p) => p.red === after.red)).toBe(true);
    expect(commander.regions.get('331023')!.red).toBe(
      [...commander.grids.values()].reduce((n, g) => n + g.red, 0),
    );
    const event = [...commander.events.values()].find((e) => e.seq === created.seq)!;
    expect(event).toMatchObject({ type: 'arrival:registered', gridId: address.grid_id });
    // Compact on the wire: no township (consoles know the grid's), the time to the millisecond.
    expect(Object.keys(event).sort()).toEqual(['at', 'data', 'gridId', 'seq', 'type']);
    expect(event.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    await screen.waitFor(() => screen.lastSeq >= created.seq!, 1000);
    const seen = JSON.stringify([...screen.events.values()]);
    expect(seen).not.toContain(idNumber);
    expect(seen).not.toContain('钱多多');
    commander.close();
    screen.close();
  });

  it('narrows a dispatcher to their township', async () => {
    const dispatcher = new StatusClient(server.baseUrl, await cookieOf('dispatcher'), { region: '331023' });
    const granted = await dispatcher.ready();
    expect(granted.region).toBe('331023001');
    expect([...dispatcher.grids.values()].every((g) => g.gridId !== otherTownshipGrid)).toBe(true);
    const seqBefore = dispatcher.lastSeq;
    const { seq } = await withTransaction(db.pool, (client) =>
      fileReport(client, { gridId: otherTownshipGrid, kind: 'other', summary: 'elsewhere' }, 1),
    );
    await withTransaction(db.pool, (client) =>
      fileReport(client, { gridId: address.grid_id, kind: 'supplies', summary: 'here' }, 1),
    );
    await dispatcher.waitFor(
      () => [...dispatcher.events.values()].some((e) => e.type === 'report:filed'),
      2000,
    );
    expect([...dispatcher.events.values()].some((e) => e.seq === seq)).toBe(false);
    expect(dispatcher.lastSeq).toBeGreaterThan(seqBefore);
    dispatcher.close();
  });
});

describe('grid status', () => {
  it('stays equal to a full recompute through thousands of random changes', async () => {
    const grids = (
      await db.pool.query<{ id: number }>(`SELECT id FROM grids WHERE kind = 'territorial' ORDER BY id`)
    ).rows.map((r) => r.id);
    const sites = (
      await db.pool.query<{ id: number }>('SELECT id FROM isolation_sites ORDER BY id')
    ).rows.map((r) => r.id);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const occupantIds = (
      await db.pool.query<{ id: number }>('SELECT id::int AS id FROM occupants ORDER BY id LIMIT 3000')
    ).rows.map((r) => r.id);
    const healthCodes = ['green', 'yellow', 'red'] as const;
    const task = await withTransaction(db.pool, (client) =>
      sendTask(client, { title: 'check', body: '', gridIds: grids.slice(0, 40) }, 1),
    );
    const workers = (
      await db.pool.query<{ worker_id: number }>(
        'SELECT worker_id FROM task_assignments WHERE task_id = $1',
        [task.id],
      )
    ).rows;

    for (let i = 0; i < 2000; i++) {
      const roll = random();
      await withTransaction(db.pool, async (client) => {
        if (roll < 0.3) {
          const arrivals: NewArrival[] = Array.from({ length: 3 }, () => ({
            name: '测试',
            idNumber: testIdNumber(nextId++),
            phone: '13800000000',
            origin: '杭州',
            arrivedAt: hoursAgo(random() * 3),
            healthCode: pick(healthCodes),
            gridId: pick(grids),
            addressId: null,
            point: null,
          }));
          const inserted = await insertArrivals(client, arrivals, null);
          occupantIds.push(...inserted.map((r) => r.id));
        } else if (roll < 0.85) {
          const before = await lockOccupant(client, pick(occupantIds));
          const change =
            random() < 0.5
              ? { healthCode: pick(healthCodes.filter((c) => c !== before.health_code)) }
              : before.status === 'isolated'
                ? { status: random() < 0.8 ? ('at_home' as const) : ('left' as const) }
                : { status: 'isolated' as const, isolationSiteId: pick(sites) };
          await client.query('SAVEPOINT change');
          try {
            await changeOccupant(client, before, change, 1);
          } catch {
            await client.query('ROLLBACK TO SAVEPOINT change'); // a full site or a no-op change: refused whole
          }
        } else if (roll < 0.93) {
          await fileReport(client, { gridId: pick(grids), kind: 'health', summary: 'x' }, 1);
        } else if (workers.length) {
          const worker = workers.splice(Math.floor(random() * workers.length), 1)[0]!;
          await answerTask(client, task.id, worker.worker_id, random() < 0.5 ? 'acked' : 'done', 1);
        }
      });
    }
    expect(await readCounters(db.pool)).toEqual(await readRecomputedCounters(db.pool));
  });
});

describe('catch-up', () => {
  it('ends equal to the server after 100 disconnects during 10,000 changes, with no event missed or applied twice', async () => {
    const client = new StatusClient(server.baseUrl, await cookieOf('commander'));
    await client.ready();
    const startSeq = client.lastSeq;
    const grids = (
      await db.pool.query<{ id: number }>(`SELECT id FROM grids WHERE kind = 'territorial' ORDER BY id`)
    ).rows.map((r) => r.id);
    const batches = 400;
    const perBatch = 25;
    let disconnects = 0;
    for (let b = 0; b < batches; b++) {
      await withTransaction(db.pool, (tx) =>
        insertArrivals(
          tx,
          Array.from({ length: perBatch }, (_, i) => ({
            name: '测试',
            idNumber: testIdNumber(nextId++),
            phone: '13800000000',
            origin: '上海',
            arrivedAt: hoursAgo(0.5),
            healthCode: (['green', 'yellow', 'red'] as const)[(b + i) % 3]!,
            gridId: grids[(b * perBatch + i) % grids.length]!,
            addressId: null,
            point: null,
          })),
          null,
        ),
      );
      if (b % 4 === 1 && disconnects < 100) {
        client.socket.disconnect();
        disconnects++;
        if (b % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 30));
        client.socket.connect();
      }
    }
    expect(disconnects).toBe(100);
    const { rows } = await db.pool.query<{ seq: number }>('SELECT max(seq) AS seq FROM events');
    const finalSeq = rows[0]!.seq;
    await client.waitFor(() => client.lastSeq >= finalSeq, 30_000);
    await client.ready();

    const server_ = await readGridStatuses(db.pool);
    expect(server_.map((g) => client.grids.get(g.gridId))).toEqual(server_);
    // Region roll-ups (county, townships, villages), kept up to date by patches alone, equal a roll-up
    // of the server's grids.
    const { countyCode, places } = await readGridPlaces(db.pool);
    const members = new Map<string, GridStatus[]>();
    for (const grid of server_) {
      for (const code of regionsOfPlace(countyCode, places.get(grid.gridId))) {
        if (!members.has(code)) members.set(code, []);
        members.get(code)!.push(grid);
      }
    }
    expect(members.size).toBeGreaterThan(100);
    expect(new Map([...members].map(([code]) => [code, client.regions.get(code)]))).toEqual(
      new Map([...members].map(([code, grids]) => [code, rollUp(code, grids)])),
    );
    expect(client.patchesWithoutBase).toBe(0);
    const expected = (
      await db.pool.query<{ seq: number }>(
        `SELECT seq FROM events WHERE seq > $1 AND type = 'arrival:registered' ORDER BY seq`,
        [startSeq],
      )
    ).rows.map((r) => r.seq);
    expect(expected).toHaveLength(batches * perBatch);
    const applied = [...client.events.keys()].filter((seq) => seq > startSeq).sort((a, b) => a - b);
    expect(applied).toEqual(expected);
    client.close();
  });
});
