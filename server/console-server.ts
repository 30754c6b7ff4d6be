// The running console: the Express app and Socket.IO on one HTTP server. main.ts and the tests both
// start it this way.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { createApp, type AppDeps } from './app.ts';
import type { Config } from './config.ts';
import type { Engine } from './db/database.ts';
import type { Assigner } from './domain/assigner.ts';
import type { BroadcasterOptions } from './realtime/broadcaster.ts';
import { attachRealtime, type Heartbeat, type Realtime } from './realtime/realtime-server.ts';

export interface ConsoleServerOptions {
  pool: pg.Pool;
  engine: Engine;
  config: Config;
  assigner: Assigner;
  clientDir?: string;
  basemapFile?: string | null;
  port: number;
  host: string;
  redisUrl?: string | undefined;
  redisPrefix?: string;
  broadcaster?: BroadcasterOptions;
  heartbeat?: Heartbeat;
  logError?: (error: unknown) => void;
  log?: (line: string) => void;
}

export interface ConsoleServer {
  httpServer: http.Server;
  realtime: Realtime;
  url: string;
  close(): Promise<void>;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  let realtime: Realtime | null = null;
  const deps: AppDeps = {
    pool: options.pool,
    engine: options.engine,
    config: options.config,
    assigner: options.assigner,
    clientDir: options.clientDir,
    basemapFile: options.basemapFile,
    logError: options.logError,
    presence: async () => (realtime ? realtime.onlineGridWorkers() : 0),
  };
  const { app } = createApp(deps);
  const httpServer = http.createServer(app);
  realtime = await attachRealtime(httpServer, {
    pool: options.pool,
    redisUrl: options.redisUrl,
    redisPrefix: options.redisPrefix,
    broadcaster: options.broadcaster,
    heartbeat: options.heartbeat,
    log: options.log,
  });
  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    httpServer,
    realtime,
    url: `http://${host}:${port}`,
    async close() {
      httpServer.closeAllConnections();
      await realtime?.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
