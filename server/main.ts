// Wiring only: config → database (migrated, dataset loaded) → HTTP server on one port.
import path from 'node:path';
import { startConsoleServer } from './console-server.ts';
import { findBasemap } from './http/basemap.routes.ts';
import { loadConfig, projectRoot } from './config.ts';
import { loadAssigner } from './db/assigner.repo.ts';
import { bootstrapDatabase } from './db/bootstrap.ts';
import { listUsernames } from './db/users.repo.ts';
import { createSpatialWorkerPool } from './spatial/spatial-worker.ts';

const log = (line: string): void => console.log(`[grid-console] ${line}`);

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const { db } = await bootstrapDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    schema: config.DB_SCHEMA,
    seed: config.DATASET_SEED,
    scale: config.DATASET_SCALE,
    demoPassword: config.DEMO_PASSWORD,
    log,
  });

  // Grid indexes are built in worker threads (a large grid set on two), so that a boundary change never
  // stalls the sockets and requests this thread serves.
  const spatial = createSpatialWorkerPool();
  const assigner = await loadAssigner(db.pool, (grids, revision) => spatial.build(grids, revision));
  log(
    `grid index (revision ${assigner.revision}) and ${assigner.addresses.size.toLocaleString('en')} addresses in memory`,
  );
  const basemapFile = findBasemap(config.BASEMAP_PMTILES, path.join(projectRoot, 'data'));
  if (basemapFile) log(`basemap: ${path.relative(projectRoot, basemapFile)}`);
  const server = await startConsoleServer({
    pool: db.pool,
    engine: db.engine,
    config,
    assigner,
    clientDir: path.join(projectRoot, 'dist', 'client'),
    basemapFile,
    port: config.PORT,
    host: config.HOST,
    redisUrl: config.REDIS_URL,
    redisPrefix: config.REDIS_PREFIX,
    log,
  });
  const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  const port = new URL(server.url).port;

  log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s on the ${db.engine} engine`);
  log(`console:  http://${host}:${port}/`);
  log(`API:      http://${host}:${port}/api/health  ·  http://${host}:${port}/api/openapi.json`);
  log(`demo logins (password "${config.DEMO_PASSWORD}"; synthetic data):`);
  for (const user of await listUsernames(db.pool))
    log(`  ${user.username.padEnd(11)} ${user.role.padEnd(12)} ${user.displayName}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await server.close();
    await spatial.terminate();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[grid-console] failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
