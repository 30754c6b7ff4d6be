// createApp(deps): the Express application, with no knowledge of how its database was opened.
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type pg from 'pg';
import type { Config } from './config.ts';
import type { Engine } from './db/database.ts';
import type { Assigner } from './domain/assigner.ts';
import { addressRoutes } from './http/addresses.routes.ts';
import { arrivalRoutes, csvBodyParser } from './http/arrivals.routes.ts';
import { ApiRegistry } from './http/api-registry.ts';
import { authRoutes } from './http/auth.routes.ts';
import { basemapRoutes, shellWithBasemap } from './http/basemap.routes.ts';
import { apiNotFound, errorHandler } from './http/error-handler.ts';
import { facilityRoutes } from './http/facilities.routes.ts';
import { gridRoutes } from './http/grids.routes.ts';
import { healthRoutes } from './http/health.routes.ts';
import { boundaryRoutes } from './http/boundaries.routes.ts';
import { consoleRoutes } from './http/console.routes.ts';
import { statusRoutes } from './http/status.routes.ts';
import { operationRoutes } from './http/operations.routes.ts';
import { regionRoutes } from './http/regions.routes.ts';
import { sessionMiddleware } from './http/session.ts';

export interface AppDeps {
  pool: pg.Pool;
  engine: Engine;
  config: Config;
  /** Point and address → grid, in memory (see server/spatial and server/domain/assigner.ts). */
  assigner: Assigner;
  /** Grid workers with a console connected now (from the real-time server, once attached). */
  presence: () => Promise<number>;
  /** Built client (vite build output) to serve at /, if present. */
  clientDir?: string;
  /** A PMTiles archive to serve as the basemap (see server/http/basemap.routes.ts), if any. */
  basemapFile?: string | null;
  logError?: (error: unknown) => void;
}

export interface App {
  app: Express;
  api: ApiRegistry;
}

export function createApp(deps: AppDeps): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use('/api/arrivals/import', csvBodyParser);
  // A whole boundary set (~700 grids at 7 decimals) is larger than any other request.
  app.use('/api/boundaries/import', express.json({ limit: '32mb' }));
  app.use(express.json({ limit: '2mb' }));
  app.use('/api', sessionMiddleware(deps.pool));

  const router = express.Router();
  const api = new ApiRegistry(router);
  healthRoutes(api, deps);
  authRoutes(api, deps);
  regionRoutes(api, deps);
  gridRoutes(api, deps);
  facilityRoutes(api, deps);
  addressRoutes(api, deps);
  arrivalRoutes(api, deps);
  operationRoutes(api, deps);
  statusRoutes(api, deps);
  consoleRoutes(api, deps);
  boundaryRoutes(api, deps);
  app.use(router);
  app.use('/api', apiNotFound);

  if (deps.basemapFile) basemapRoutes(app, deps.basemapFile);
  const clientDir = deps.clientDir;
  if (clientDir && fs.existsSync(path.join(clientDir, 'index.html'))) {
    const indexFile = path.join(clientDir, 'index.html');
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    // Client-side routes (/, /screen, /plan) all get the app shell.
    if (deps.basemapFile) {
      const shell = shellWithBasemap(fs.readFileSync(indexFile, 'utf8'));
      app.get(/^\/(?!api\/).*/, (_req, res) => void res.type('html').send(shell));
    } else app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(indexFile));
  }
  app.use(errorHandler(deps.logError ?? ((error) => console.error(error))));
  return { app, api };
}
