// Checkpoints and isolation observation sites as GeoJSON point layers.
import {
  CheckpointFeatureCollection,
  IsolationSiteFeatureCollection,
  RegionScopeQuery,
} from '../../shared/facilities.ts';
import { listCheckpoints, listIsolationSites } from '../db/facilities.repo.ts';
import { scopeOf } from '../domain/scope.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, type ApiRegistry } from './api-registry.ts';

export function facilityRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'get',
      path: '/api/checkpoints',
      summary: 'Traffic and temporary village checkpoints (GeoJSON), within your scope',
      tag: 'facilities',
      roles: allRoles,
      query: RegionScopeQuery,
      response: CheckpointFeatureCollection,
    },
    async ({ query, user }) => listCheckpoints(deps.pool, scopeOf(user), query.region),
  );
  api.add(
    {
      method: 'get',
      path: '/api/isolation-sites',
      summary: 'Isolation observation sites with capacity and occupancy (GeoJSON), within your scope',
      tag: 'facilities',
      roles: allRoles,
      query: RegionScopeQuery,
      response: IsolationSiteFeatureCollection,
    },
    async ({ query, user }) => listIsolationSites(deps.pool, scopeOf(user), query.region),
  );
}
