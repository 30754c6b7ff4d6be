// Starts the real app (createApp) on port 0 against a test schema, with per-role HTTP clients.
import { startConsoleServer, type ConsoleServer } from '../../server/console-server.ts';
import { loadConfig } from '../../server/config.ts';
import { loadAssigner } from '../../server/db/assigner.repo.ts';
import { createSpatialWorkerPool } from '../../server/spatial/spatial-worker.ts';
import type { Heartbeat } from '../../server/realtime/realtime-server.ts';
import type { Assigner } from '../../server/domain/assigner.ts';
import type { UserRole } from '../../shared/domain.ts';
import { demoPassword, type TestDb } from './test-db.ts';

export interface TestResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestClient {
  get<T = unknown>(path: string): Promise<TestResponse<T>>;
  post<T = unknown>(
    path: string,
    body?: unknown,
    init?: { raw?: string | Uint8Array; contentType?: string },
  ): Promise<TestResponse<T>>;
  cookie: string | undefined;
}

export interface TestServer {
  baseUrl: string;
  console: ConsoleServer;
  assigner: Assigner;
  anonymous: TestClient;
  as(role: UserRole | string): Promise<TestClient>;
  close(): Promise<void>;
}

const usernameOfRole: Record<string, string> = {
  commander: 'commander',
  dispatcher: 'dispatcher',
  planner: 'planner',
  grid_worker: 'gridworker',
  screen: 'screen',
};

export async function startTestServer(
  db: TestDb,
  options: {
    clientDir?: string;
    redisUrl?: string;
    basemapFile?: string;
    heartbeat?: Heartbeat;
    /** Build grid indexes in worker threads, as server/main.ts does (default: in this thread). */
    spatialWorkers?: boolean;
  } = {},
): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: 'test', DEMO_PASSWORD: demoPassword });
  const spatial = options.spatialWorkers ? createSpatialWorkerPool({ size: 2 }) : null;
  const assigner = await loadAssigner(
    db.pool,
    spatial ? (grids, revision) => spatial.build(grids, revision) : undefined,
  );
  const consoleServer = await startConsoleServer({
    pool: db.pool,
    engine: db.engine,
    config,
    assigner,
    clientDir: options.clientDir,
    basemapFile: options.basemapFile,
    port: 0,
    host: '127.0.0.1',
    redisUrl: options.redisUrl,
    broadcaster: { windowMs: 25 },
    heartbeat: options.heartbeat,
    logError: () => undefined,
  });
  const baseUrl = consoleServer.url;

  const client = (cookie?: string): TestClient => {
    const request = async <T>(
      method: string,
      path: string,
      body?: unknown,
      raw?: string | Uint8Array,
      contentType = 'application/json',
    ): Promise<TestResponse<T>> => {
      const headers: Record<string, string> = {};
      if (cookie) headers.cookie = cookie;
      if (body !== undefined || raw !== undefined) headers['content-type'] = contentType;
      const res = await fetch(baseUrl + path, {
        method,
        headers,
        body: (raw as BodyInit | undefined) ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    };
    return {
      cookie,
      get: (path) => request('GET', path),
      post: (path, body, init) => request('POST', path, body, init?.raw, init?.contentType),
    };
  };

  const sessions = new Map<string, TestClient>();
  return {
    baseUrl,
    assigner,
    console: consoleServer,
    anonymous: client(),
    async as(role) {
      const cached = sessions.get(role);
      if (cached) return cached;
      const username = usernameOfRole[role] ?? role;
      const res = await client().post('/api/auth/login', { username, password: demoPassword });
      if (res.status !== 200)
        throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      const logged = client(cookie);
      sessions.set(role, logged);
      return logged;
    },
    close: async () => {
      await consoleServer.close();
      await spatial?.terminate();
    },
  };
}
