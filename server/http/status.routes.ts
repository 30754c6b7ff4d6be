// Live status over HTTP: a scope's snapshot, the township ranking, KPIs for the big screen and the
// hourly arrivals/registrations series.
import type { SessionUser } from '../../shared/auth.ts';
import { Kpis, TimeSeries, TimeSeriesQuery, TownshipRanking } from '../../shared/console.ts';
import { RegionScopeQuery } from '../../shared/facilities.ts';
import { compareRegionsByRisk } from '../../shared/metrics.ts';
import { Snapshot } from '../../shared/realtime.ts';
import { readMaxSeq } from '../db/events.repo.ts';
import { rollUp } from '../domain/risk-level.ts';
import { buildSnapshot, scopeGridIds } from '../realtime/catch-up.ts';
import { grantSubscription, type Grant } from '../realtime/rooms.ts';
import { readGridPlaces } from '../realtime/status-model.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, type ApiRegistry } from './api-registry.ts';
import { forbidden } from './http-error.ts';

export function statusRoutes(api: ApiRegistry, deps: AppDeps): void {
  const grantFor = async (user: SessionUser, region: string | undefined): Promise<Grant> => {
    const { places } = await readGridPlaces(deps.pool);
    const workerGrids =
      user.gridWorkerId === null
        ? []
        : (
            await deps.pool.query<{ grid_id: number }>(
              'SELECT grid_id FROM grid_worker_assignments WHERE worker_id = $1',
              [user.gridWorkerId],
            )
          ).rows.map((r) => r.grid_id);
    const grant = grantSubscription(user, region ? { region } : {}, workerGrids, (id) => places.get(id));
    if ('error' in grant) throw forbidden(grant.error);
    return grant;
  };

  api.add(
    {
      method: 'get',
      path: '/api/status/snapshot',
      summary: 'Status of every grid and region in a scope, with recent events (what a console starts from)',
      tag: 'status',
      roles: allRoles,
      query: RegionScopeQuery,
      response: Snapshot,
    },
    async ({ query, user }) =>
      buildSnapshot(deps.pool, await grantFor(user, query.region), await readMaxSeq(deps.pool)),
  );

  api.add(
    {
      method: 'get',
      path: '/api/status/townships',
      summary: 'Townships ranked by risk (high-risk grids, red codes not isolated, overdue registrations)',
      tag: 'status',
      roles: allRoles,
      response: TownshipRanking,
    },
    async ({ user }) => {
      const snapshot = await buildSnapshot(
        deps.pool,
        await grantFor(user, undefined),
        await readMaxSeq(deps.pool),
      );
      const names = new Map(
        (
          await deps.pool.query<{ code: string; name: string }>(
            `SELECT code, name FROM regions WHERE level = 'township'`,
          )
        ).rows.map((r) => [r.code, r.name]),
      );
      const townships = snapshot.regions
        .filter((r) => r.code.length === 9)
        .map((r) => ({ ...r, name: names.get(r.code) ?? r.code }))
        .sort(compareRegionsByRisk);
      return { townships };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/kpis',
      summary: 'Key figures for the command centre’s big screen (aggregates only)',
      tag: 'status',
      roles: allRoles,
      response: Kpis,
    },
    async ({ user }) => {
      const grant = await grantFor(user, undefined);
      const snapshot = await buildSnapshot(deps.pool, grant, await readMaxSeq(deps.pool));
      const top = snapshot.regions.reduce<(typeof snapshot.regions)[number] | null>(
        (best, r) => (!best || r.code.length < best.code.length ? r : best),
        null,
      );
      const gridIds = snapshot.grids.map((g) => g.gridId);
      const { rows } = await deps.pool.query<{
        workers: number;
        arrivals_today: number;
        within_hour: number;
        occupancy: number;
        capacity: number;
      }>(
        `SELECT (SELECT count(DISTINCT worker_id) FROM grid_worker_assignments WHERE grid_id = ANY($1::int[]))::int AS workers,
                count(o.*)::int AS arrivals_today,
                count(o.*) FILTER (WHERE o.registered_at - o.arrived_at <= interval '1 hour')::int AS within_hour,
                (SELECT coalesce(sum(occupancy), 0) FROM isolation_sites WHERE grid_id = ANY($1::int[]))::int AS occupancy,
                (SELECT coalesce(sum(capacity), 0) FROM isolation_sites WHERE grid_id = ANY($1::int[]))::int AS capacity
         FROM occupants o
         WHERE o.kind = 'arrival' AND o.grid_id = ANY($1::int[])
           AND o.arrived_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'`,
        [gridIds],
      );
      const row = rows[0]!;
      // A grid worker's scope has no region: their grids summed stand in for it.
      const county = top ?? rollUp('grids', snapshot.grids);
      return {
        grids: snapshot.grids.length,
        gridWorkers: row.workers,
        gridWorkersOnline: await deps.presence(),
        arrivalsToday: row.arrivals_today,
        registeredWithinHourShare: row.arrivals_today ? row.within_hour / row.arrivals_today : 1,
        yellow: county.yellow,
        red: county.red,
        isolationOccupancy: row.occupancy,
        isolationCapacity: row.capacity,
        checkpoints: county.checkpoints,
        county,
      };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/status/timeseries',
      summary: 'Arrivals (by hour of arrival) and registrations (by hour registered) in your scope',
      tag: 'status',
      roles: allRoles,
      query: TimeSeriesQuery,
      response: TimeSeries,
    },
    async ({ query, user }) => {
      const grant = await grantFor(user, undefined);
      const gridIds = await scopeGridIds(deps.pool, grant);
      const { rows } = await deps.pool.query<{ at: string; arrivals: number; registrations: number }>(
        `WITH hours AS (
           SELECT generate_series(date_trunc('hour', now()) - make_interval(hours => $2 - 1), date_trunc('hour', now()), interval '1 hour') AS h)
         SELECT to_json(h.h)#>>'{}' AS at,
           (SELECT count(*) FROM occupants o WHERE o.kind = 'arrival' AND o.grid_id = ANY($1::int[])
              AND o.arrived_at >= h.h AND o.arrived_at < h.h + interval '1 hour')::int AS arrivals,
           (SELECT count(*) FROM occupants o WHERE o.kind = 'arrival' AND o.grid_id = ANY($1::int[])
              AND o.registered_at >= h.h AND o.registered_at < h.h + interval '1 hour')::int AS registrations
         FROM hours h ORDER BY h.h`,
        [gridIds, query.hours],
      );
      return { buckets: rows };
    },
  );
}
