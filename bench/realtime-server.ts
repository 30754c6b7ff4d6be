// Child process of bench/realtime.ts: the real console server (startConsoleServer: Express + Socket.IO +
// the product broadcaster) on 127.0.0.1, port chosen by the OS, against the bench schema. Runs alone in
// its process so the parent can read its CPU time and memory from /proc.
//   coalesced      the product default: one `status:delta` (statuses + events) per room per window
//   naive          the product server with its broadcaster stopped and NaiveBroadcaster (one emit per change)
//   product-naive  the product broadcaster with {windowMs: 0, maxWindowMs: 0, batchLimit: 1}: one push per event
import { startConsoleServer } from '../server/console-server.ts';
import { loadConfig } from '../server/config.ts';
import { loadAssigner } from '../server/db/assigner.repo.ts';
import { createPool } from '../server/db/database.ts';
import {
  bindChildLifetime,
  readChildConfig,
  spreadOf,
  sendToParent,
  startEventLoopMonitor,
  type ParentToChild,
  type ServerConfig,
} from './realtime-common.ts';
import { NaiveBroadcaster } from './realtime-naive.ts';

bindChildLifetime(10 * 60_000);
const config = readChildConfig<ServerConfig>();

const phaseKeys = ['lateMs', 'readMs', 'refreshMs', 'fanOutMs'] as const;
const phases: Record<(typeof phaseKeys)[number], number[]> = {
  lateMs: [],
  readMs: [],
  refreshMs: [],
  fanOutMs: [],
};
let marked = false;

async function main(): Promise<void> {
  const pool = createPool({ connectionString: config.databaseUrl, max: 10 }, config.schema);
  const appConfig = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: config.databaseUrl,
    DB_SCHEMA: config.schema,
    DEMO_PASSWORD: config.demoPassword,
  });
  const assigner = await loadAssigner(pool);
  const errors: string[] = [];
  const server = await startConsoleServer({
    pool,
    engine: 'postgres',
    config: appConfig,
    assigner,
    port: 0,
    host: '127.0.0.1',
    broadcaster: {
      ...(config.mode === 'product-naive'
        ? { windowMs: 0, maxWindowMs: 0, batchLimit: 1 }
        : { windowMs: config.windowMs, maxWindowMs: config.maxWindowMs, batchLimit: 5000 }),
      onTick: (timing) => {
        if (!marked) return;
        for (const key of phaseKeys) phases[key].push(timing[key]);
      },
    },
    logError: (error) => errors.push(String(error)),
    log: (line) => {
      if (/failed|error/i.test(line)) console.error(`[server] ${line}`);
    },
  });
  let naive: NaiveBroadcaster | null = null;
  if (config.mode === 'naive') {
    server.realtime.broadcaster()?.stop();
    naive = new NaiveBroadcaster(pool, server.realtime.io);
    await naive.start();
  }
  const loop = startEventLoopMonitor();
  const counters = () =>
    naive?.stats ?? server.realtime.broadcaster()?.stats ?? { ticks: 0, pushes: 0, events: 0 };
  let base = { ...counters() };
  process.on('message', (message: ParentToChild) => {
    if (message.type === 'mark') {
      base = { ...counters() };
      loop.histogram.reset();
      marked = true;
      for (const key of phaseKeys) phases[key].length = 0;
    } else if (message.type === 'stats') {
      const now = counters();
      sendToParent({
        type: 'stats',
        stats: {
          ticks: now.ticks - base.ticks,
          pushes: now.pushes - base.pushes,
          events: now.events - base.events,
          eventLoop: loop.read(),
          ...(phases.readMs.length
            ? {
                phases: {
                  lateMs: spreadOf(phases.lateMs),
                  readMs: spreadOf(phases.readMs),
                  refreshMs: spreadOf(phases.refreshMs),
                  fanOutMs: spreadOf(phases.fanOutMs),
                },
              }
            : {}),
        },
      });
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  });
  sendToParent({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  sendToParent({ type: 'fatal', message: `server: ${(error as Error).stack ?? String(error)}` });
  process.exit(1);
});
