// Two server processes on one database sharing Socket.IO traffic through Redis (streams adapter): a change
// made through one reaches a console on the other, and when a process is killed mid-stream its consoles
// move to the survivor and miss nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readGridStatuses } from '../../server/db/grid-status.repo.ts';
import { hoursAgo, testIdNumber } from '../support/people.ts';
import { StatusClient } from '../support/status-client.ts';
import { createTestDb, demoPassword, type TestDb } from '../support/test-db.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Node {
  process: ChildProcess;
  url: string;
  output: string[];
}

async function startNode(db: TestDb, prefix: string): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      DB_SCHEMA: db.schema,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      PORT: '0',
      DEMO_PASSWORD: demoPassword,
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /console:\s+(http:\/\/[^\s/]+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`node exited (${code}):\n${output.join('')}`)));
  });
  return { process: child, url, output };
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'commander', password: demoPassword }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

let db: TestDb;
let nodes: Node[] = [];
let prefix: string;
beforeAll(async () => {
  const redis = createClient({ url: redisUrl });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis is needed for the scale-out test at ${redisUrl}: ${error.message}`, {
      cause: error,
    });
  });
  await redis.quit();
  db = await createTestDb();
  prefix = `gc-test-${randomBytes(4).toString('hex')}`;
  nodes = [await startNode(db, prefix), await startNode(db, prefix)];
});
afterAll(async () => {
  for (const node of nodes) node.process.kill('SIGKILL');
  await db?.drop();
});

let nextId = 40_000;
const arrival = (cookie: string, url: string, address: string) =>
  fetch(`${url}/api/arrivals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({
      name: '孙二',
      idNumber: testIdNumber(nextId++),
      phone: '13600000000',
      origin: '宁波',
      arrivedAt: hoursAgo(0.3),
      healthCode: 'yellow',
      location: { address },
    }),
  });

describe('two server processes with Redis', () => {
  it('delivers a change made through node A to a console on node B, and loses nothing when A dies', async () => {
    const [a, b] = nodes as [Node, Node];
    const cookieA = await login(a.url);
    const cookieB = await login(b.url);
    const address = (await db.pool.query<{ text: string }>('SELECT text FROM addresses ORDER BY id LIMIT 1'))
      .rows[0]!.text;

    const onB = new StatusClient(b.url, cookieB);
    const onA = new StatusClient(a.url, cookieA);
    await onB.ready();
    await onA.ready();
    const res = await arrival(cookieA, a.url, address);
    expect(res.status).toBe(201);
    const { seq } = (await res.json()) as { seq: number };
    await onB.waitFor(() => onB.events.has(seq), 5000);

    // A stream of changes through B; A is killed in the middle; A's console moves to B.
    const startSeq = onA.lastSeq;
    for (let i = 0; i < 60; i++) {
      expect((await arrival(cookieB, b.url, address)).status).toBe(201);
      if (i === 20) {
        a.process.kill('SIGKILL');
        onA.switchTo(b.url);
      }
    }
    const finalSeq = (await db.pool.query<{ seq: number }>('SELECT max(seq) AS seq FROM events')).rows[0]!
      .seq;
    // B may have to take over broadcasting first: the dead node's lease runs out in ~3 s.
    await onA
      .waitFor(() => onA.lastSeq >= finalSeq, 15_000)
      .catch((error: Error) => {
        throw new Error(
          `${error.message}: console moved to B at seq ${onA.lastSeq} of ${finalSeq}, ` +
            `${onA.gapsDetected} gaps; node B said:\n${b.output.join('')}`,
          { cause: error },
        );
      });
    await onB.waitFor(() => onB.lastSeq >= finalSeq, 15_000);

    const expected = (
      await db.pool.query<{ seq: number }>(
        `SELECT seq FROM events WHERE seq > $1 AND type = 'arrival:registered' ORDER BY seq`,
        [startSeq],
      )
    ).rows.map((r) => r.seq);
    for (const client of [onA, onB]) {
      const applied = [...client.events.keys()].filter((s) => s > startSeq).sort((x, y) => x - y);
      expect(applied).toEqual(expected);
      const statuses = await readGridStatuses(db.pool);
      expect(statuses.map((g) => client.grids.get(g.gridId))).toEqual(statuses);
      expect(client.patchesWithoutBase).toBe(0);
    }
    onA.close();
    onB.close();
  });
});
