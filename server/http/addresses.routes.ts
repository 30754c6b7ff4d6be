// Address autocomplete over the standard address registry, and batch assignment of points/addresses.
import {
  AddressSearchQuery,
  AddressSearchResponse,
  AssignRequest,
  AssignResponse,
} from '../../shared/arrivals.ts';
import type { AppDeps } from '../app.ts';
import type { ApiRegistry } from './api-registry.ts';

const addressUsers = ['commander', 'dispatcher', 'planner', 'grid_worker'] as const;

export function addressRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'get',
      path: '/api/addresses/search',
      summary:
        'Autocomplete over the standard address registry (标准地址): exact, prefix, substring, then fuzzy; ranked',
      tag: 'addresses',
      roles: addressUsers,
      query: AddressSearchQuery,
      response: AddressSearchResponse,
    },
    async ({ query }) => {
      const started = performance.now();
      const items = deps.assigner.searchAddresses(query.q, query.limit);
      return { items, tookMs: Math.round((performance.now() - started) * 100) / 100 };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/assign',
      summary:
        'Assign a batch of points and/or addresses to grids, with the rule that decided each (unassigned points get the nearest grid; ' +
        'unresolved addresses get candidates)',
      tag: 'addresses',
      roles: addressUsers,
      body: AssignRequest,
      response: AssignResponse,
    },
    async ({ body }) => {
      const gridRevision = deps.assigner.revision;
      const results = body.items.map((item) =>
        'point' in item
          ? deps.assigner.assignPoint(item.point[0], item.point[1])
          : deps.assigner.assignAddress(item.address),
      );
      return { gridRevision, results };
    },
  );
}
