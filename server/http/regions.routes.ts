// GET /api/regions: the county → township → village tree the session may see.
import { RegionTree } from '../../shared/regions.ts';
import { loadRegionTree } from '../db/regions.repo.ts';
import { regionVisible, scopeOf } from '../domain/scope.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, type ApiRegistry } from './api-registry.ts';
import { notFound } from './http-error.ts';

export function regionRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'get',
      path: '/api/regions',
      summary: 'Region tree (county, townships, villages) with population and grid counts, within your scope',
      tag: 'regions',
      roles: allRoles,
      response: RegionTree,
    },
    async ({ user }) => {
      const scope = scopeOf(user);
      const workerVillages =
        scope.kind === 'worker'
          ? (
              await deps.pool.query<{ code: string }>(
                `SELECT DISTINCT coalesce(g.village_code, '') AS code FROM grid_worker_assignments a
                 JOIN grids g ON g.id = a.grid_id WHERE a.worker_id = $1`,
                [scope.gridWorkerId],
              )
            ).rows.map((r) => r.code)
          : [];
      const root = await loadRegionTree(deps.pool, (code) => regionVisible(scope, code, workerVillages));
      if (!root) throw notFound('region tree');
      return { root, synthetic: true };
    },
  );
}
