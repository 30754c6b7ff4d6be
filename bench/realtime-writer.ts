// Child process of bench/realtime.ts: commits changes at a fixed rate for a fixed time. A change =
// bumpGridStatus(gridId, {openReports: 1}) + appendEvents with one 'report:filed' event whose payload
// carries t = Date.now() taken just before the event INSERT and COMMIT (after the event-log lock is held),
// in one transaction. Several connections run in parallel; a connection that finds more than one change
// due (it fell behind, or the rate is high) commits up to `maxBatch` of them in one transaction: one
// appendEvents with all their events, and their counter bumps as one UPDATE (rows locked in grid order,
// so concurrent batches cannot deadlock) instead of one bumpGridStatus round trip per grid. Grids are
// drawn uniformly from the territorial grids with a seeded PRNG.
import type pg from 'pg';
import { createPool } from '../server/db/database.ts';
import { seededRandom } from '../server/spatial/testing/synthetic-partition.ts';
import { appendEvents, type NewEvent } from '../server/db/events.repo.ts';
import { bumpGridStatus } from '../server/db/grid-status.repo.ts';
import {
  Histogram,
  bindChildLifetime,
  readChildConfig,
  sendToParent,
  sleep,
  type ParentToChild,
  type WriterConfig,
} from './realtime-common.ts';

/** The same key as eventLogLock in server/db/events.repo.ts (not exported there). Were they ever to
 *  differ, nothing breaks: the measured latency would merely include the wait for the event-log lock. */
const eventLogLock = 710_230_001;

bindChildLifetime(5 * 60_000);
const config = readChildConfig<WriterConfig>();
process.on('message', (message: ParentToChild) => {
  if (message.type === 'exit') process.exit(0);
});

async function main(): Promise<void> {
  const pool = createPool({ connectionString: config.databaseUrl, max: config.connections }, config.schema);
  const gridIds = (
    await pool.query<{ id: number }>(`SELECT id FROM grids WHERE kind = 'territorial' ORDER BY id`)
  ).rows.map((r) => r.id);
  if (gridIds.length === 0) throw new Error('no territorial grids in the bench schema');
  const clients: pg.PoolClient[] = [];
  for (let i = 0; i < config.connections; i++) clients.push(await pool.connect());

  await new Promise<void>((resolve) => {
    const onMessage = (message: ParentToChild) => {
      if (message.type === 'go') {
        process.off('message', onMessage);
        resolve();
      }
    };
    process.on('message', onMessage);
    sendToParent({ type: 'ready' });
  });

  const random = seededRandom(config.seed);
  const commitLatency = new Histogram();
  const durationMs = config.seconds * 1000;
  let issued = 0;
  let committed = 0;
  let transactions = 0;
  let failed = 0;
  let firstError: string | null = null;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  const start = performance.now();
  sendToParent({ type: 'started', at: Date.now() });

  const work = async (client: pg.PoolClient): Promise<void> => {
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= durationMs) return;
      const due =
        Math.min(Math.floor((elapsed * config.rate) / 1000) + 1, config.rate * config.seconds) - issued;
      if (due <= 0) {
        // Next change falls due at issued / rate seconds.
        await sleep(Math.max(0, (issued * 1000) / config.rate - elapsed));
        continue;
      }
      const n = Math.min(due, config.maxBatch);
      issued += n;
      const grids = Array.from({ length: n }, () => gridIds[Math.floor(random() * gridIds.length)]!);
      const perGrid = new Map<number, number>();
      for (const id of grids) perGrid.set(id, (perGrid.get(id) ?? 0) + 1);
      try {
        await client.query('BEGIN');
        if (perGrid.size === 1) {
          await bumpGridStatus(client, grids[0]!, { openReports: n });
        } else {
          // A batch: the same counter changes as bumpGridStatus per grid, in two statements instead of one
          // round trip per grid. Rows are locked in grid order first so that concurrent batches cannot
          // deadlock.
          const ids = [...perGrid.keys()].sort((x, y) => x - y);
          await client.query(
            'SELECT 1 FROM grid_status WHERE grid_id = ANY($1::int[]) ORDER BY grid_id FOR UPDATE',
            [ids],
          );
          await client.query(
            `UPDATE grid_status s SET open_reports = s.open_reports + d.n
             FROM unnest($1::int[], $2::int[]) AS d(id, n) WHERE s.grid_id = d.id`,
            [ids, ids.map((id) => perGrid.get(id)!)],
          );
        }
        // Wait for the event-log lock here (appendEvents takes it again: it is re-entrant), so that t
        // excludes the queue of writer connections in front of it and is taken right before INSERT+COMMIT.
        await client.query('SELECT pg_advisory_xact_lock($1)', [eventLogLock]);
        const t = Date.now();
        const events: NewEvent[] = grids.map((gridId) => ({
          type: 'report:filed',
          gridId,
          actorUserId: null,
          payload: { reportId: 0, kind: 'bench', t },
        }));
        const seqs = await appendEvents(client, events);
        await client.query('COMMIT');
        commitLatency.add(Date.now() - t);
        committed += n;
        transactions++;
        const low = seqs[0]!;
        const high = seqs[seqs.length - 1]!;
        firstSeq = firstSeq === null ? low : Math.min(firstSeq, low);
        lastSeq = lastSeq === null ? high : Math.max(lastSeq, high);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
        await client.query('ROLLBACK').catch(() => undefined);
      }
    }
  };
  await Promise.all(clients.map(work));
  const elapsedMs = performance.now() - start;
  sendToParent({
    type: 'done',
    report: {
      committed,
      transactions,
      failedTransactions: failed,
      firstError,
      firstSeq,
      lastSeq,
      elapsedMs,
      commitLatency: commitLatency.toSparse(),
    },
  });
  for (const client of clients) client.release();
  await pool.end();
}

main().catch((error: unknown) => {
  sendToParent({ type: 'fatal', message: `writer: ${(error as Error).stack ?? String(error)}` });
  process.exit(1);
});
