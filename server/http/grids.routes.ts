// Grid layers and drill-down: GeoJSON of grids, one grid's detail, its occupants (masked by role).
import { maskIdNumber, maskName, maskPhone } from '../../shared/id-number.ts';
import { GridDetail, GridFeatureCollection, GridIdParams, GridListQuery } from '../../shared/grids.ts';
import { OccupantListQuery, OccupantPage } from '../../shared/occupants.ts';
import { recordAccess } from '../db/audit.repo.ts';
import {
  getGridDetail,
  gridAccess,
  gridIdsInScope,
  listGridFeatures,
  listGridFeaturesAsOf,
} from '../db/grids.repo.ts';
import { listGridOccupants } from '../db/occupants.repo.ts';
import { scopeOf, seesPersonalData, type Scope } from '../domain/scope.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, type ApiRegistry } from './api-registry.ts';
import { forbidden, notFound } from './http-error.ts';

export function gridRoutes(api: ApiRegistry, deps: AppDeps): void {
  const requireGrid = async (id: number, scope: Scope): Promise<void> => {
    const access = await gridAccess(deps.pool, id, scope);
    if (access === 'missing') throw notFound(`grid ${id}`);
    if (access === 'denied') throw forbidden(`grid ${id} is outside your scope`);
  };

  api.add(
    {
      method: 'get',
      path: '/api/grids',
      summary: 'Territorial and sector grids as a GeoJSON FeatureCollection (RFC 7946), within your scope',
      tag: 'grids',
      roles: allRoles,
      query: GridListQuery,
      response: GridFeatureCollection,
    },
    async ({ query, user }) => {
      if (!query.asOf) return listGridFeatures(deps.pool, query, scopeOf(user));
      const allowed = await gridIdsInScope(deps.pool, scopeOf(user));
      const all = await listGridFeaturesAsOf(deps.pool, query.asOf);
      return {
        ...all,
        features: all.features.filter(
          (f) => allowed.has(f.properties.id) && (!query.kind || f.properties.kind === query.kind),
        ),
      };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/grids/:id',
      summary: 'One grid: village, township, area, grid workers and status counts',
      tag: 'grids',
      roles: allRoles,
      params: GridIdParams,
      response: GridDetail,
    },
    async ({ params, user }) => {
      await requireGrid(params.id, scopeOf(user));
      const detail = await getGridDetail(deps.pool, params.id);
      if (!detail) throw notFound(`grid ${params.id}`);
      if (user.role === 'screen') {
        // The big screen shows aggregates only: no names or phone numbers of anyone.
        detail.workers = detail.workers.map((w) => ({
          ...w,
          name: maskName(w.name),
          phone: maskPhone(w.phone),
        }));
      }
      return detail;
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/grids/:id/occupants',
      summary: 'Occupants of a grid, paged; personal data masked unless your role may see it',
      tag: 'grids',
      roles: ['commander', 'dispatcher', 'planner', 'grid_worker'],
      params: GridIdParams,
      query: OccupantListQuery,
      response: OccupantPage,
    },
    async ({ params, query, user }) => {
      await requireGrid(params.id, scopeOf(user));
      const { items, total } = await listGridOccupants(deps.pool, params.id, query);
      const masked = !seesPersonalData(user);
      await recordAccess(deps.pool, {
        userId: user.id,
        action: 'occupant-list',
        gridId: params.id,
        detail: { page: query.page, pageSize: query.pageSize, shown: items.length, masked },
      });
      return {
        items: masked
          ? items.map((o) => ({
              ...o,
              name: maskName(o.name),
              idNumber: maskIdNumber(o.idNumber),
              phone: maskPhone(o.phone),
            }))
          : items,
        total,
        page: query.page,
        pageSize: query.pageSize,
        masked,
      };
    },
  );
}
