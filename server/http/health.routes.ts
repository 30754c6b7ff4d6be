// GET /api/health and GET /api/openapi.json.
import { z } from 'zod';
import { HealthResponse } from '../../shared/health.ts';
import { readDatasetCounts, readDatasetInfo, readVersions } from '../db/health.repo.ts';
import type { AppDeps } from '../app.ts';
import type { ApiRegistry } from './api-registry.ts';

export function healthRoutes(api: ApiRegistry, deps: AppDeps): void {
  const started = Date.now();
  api.add(
    {
      method: 'get',
      path: '/api/health',
      summary: 'Engine, PostgreSQL/PostGIS versions and dataset counts',
      tag: 'system',
      roles: 'public',
      response: HealthResponse,
    },
    async () => {
      const [versions, counts, info] = await Promise.all([
        readVersions(deps.pool),
        readDatasetCounts(deps.pool),
        readDatasetInfo(deps.pool),
      ]);
      return {
        status: 'ok' as const,
        engine: deps.engine,
        postgresVersion: versions.postgres,
        postgisVersion: versions.postgis,
        dataset: {
          synthetic: info.synthetic !== false,
          seed: typeof info.seed === 'number' ? info.seed : null,
          scale: typeof info.scale === 'number' ? info.scale : null,
          loadedAt: typeof info.loadedAt === 'string' ? info.loadedAt : null,
          counts,
        },
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This API as OpenAPI 3.1, generated from the shared zod schemas',
      tag: 'system',
      roles: 'public',
      response: z.record(z.string(), z.unknown()),
    },
    async () =>
      api.openApi({ title: 'Grid Console API (网格指挥台)', version: '0.1.0' }) as Record<string, unknown>,
  );
}
