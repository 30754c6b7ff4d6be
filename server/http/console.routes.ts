// The dispatcher's reads: unified search, one occupant with history (audited), recent events.
import type { SearchHit } from '../../shared/console.ts';
import {
  EventListQuery,
  EventListResponse,
  OccupantDetail,
  SearchQuery,
  SearchResponse,
} from '../../shared/console.ts';
import { maskIdNumber, maskName, maskPhone } from '../../shared/id-number.ts';
import { IdParams } from '../../shared/operations.ts';
import { recordAccess } from '../db/audit.repo.ts';
import { readEventsAfter } from '../db/events.repo.ts';
import { gridIdsInScope } from '../db/grids.repo.ts';
import { normalizeAddress } from '../domain/address-normalize.ts';
import { scopeOf, seesPersonalData } from '../domain/scope.ts';
import { isEntityEvent, toEntityEvent } from '../realtime/broadcaster.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, type ApiRegistry } from './api-registry.ts';
import { forbidden, notFound } from './http-error.ts';

const personRoles = ['commander', 'dispatcher', 'planner', 'grid_worker'] as const;

export function consoleRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'get',
      path: '/api/search',
      summary:
        'Search grids, villages/townships, addresses and (for roles that may) people by name or ID-number tail',
      tag: 'console',
      roles: personRoles,
      query: SearchQuery,
      response: SearchResponse,
    },
    async ({ query, user }) => {
      const allowed = await gridIdsInScope(deps.pool, scopeOf(user));
      const q = query.q;
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const hits: SearchHit[] = [];
      const grids = await deps.pool.query<{
        id: number;
        code: string;
        name: string;
        village: string | null;
        township: string | null;
        bbox: number[];
      }>(
        `SELECT g.id, g.code, g.name, v.name AS village, t.name AS township,
                ARRAY[ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)] AS bbox
         FROM grids g LEFT JOIN regions v ON v.code = g.village_code LEFT JOIN regions t ON t.code = v.parent_code
         WHERE g.retired_at IS NULL AND (g.name LIKE $1 OR g.code LIKE $1) ORDER BY length(g.name), g.code LIMIT $2`,
        [like, query.limit],
      );
      for (const g of grids.rows) {
        if (!allowed.has(g.id)) continue;
        hits.push({
          kind: 'grid',
          id: g.id,
          label: g.name,
          detail: [g.township, g.village].filter(Boolean).join(' · ') || g.code,
          gridId: g.id,
          center: null,
          bbox: g.bbox as [number, number, number, number],
        });
      }
      const regions = await deps.pool.query<{
        code: string;
        name: string;
        parent: string | null;
        bbox: number[];
      }>(
        `SELECT r.code, r.name, p.name AS parent,
                ARRAY[ST_XMin(r.geom), ST_YMin(r.geom), ST_XMax(r.geom), ST_YMax(r.geom)] AS bbox
         FROM regions r LEFT JOIN regions p ON p.code = r.parent_code
         WHERE r.level <> 'county' AND (r.name LIKE $1 OR r.code = $2) ORDER BY length(r.name), r.code LIMIT $3`,
        [like, q, query.limit],
      );
      for (const r of regions.rows) {
        hits.push({
          kind: 'region',
          id: r.code,
          label: r.name,
          detail: r.parent ?? '',
          gridId: null,
          center: null,
          bbox: r.bbox as [number, number, number, number],
        });
      }
      if (normalizeAddress(q).length >= 2) {
        for (const a of deps.assigner.searchAddresses(q, 5)) {
          if (!allowed.has(a.gridId)) continue;
          const point = deps.assigner.addressPoint(a.id);
          hits.push({
            kind: 'address',
            id: a.id,
            label: a.text,
            detail: deps.assigner.gridNames.get(a.gridId)?.name ?? '',
            gridId: a.gridId,
            center: point,
            bbox: null,
          });
        }
      }
      if (seesPersonalData(user) && (/^[0-9Xx]{4,}$/.test(q) || /^\p{Script=Han}{2,4}$/u.test(q))) {
        const byTail = /^[0-9Xx]{4,}$/.test(q);
        const people = await deps.pool.query<{
          id: number;
          name: string;
          id_number: string;
          grid_id: number;
          grid: string;
          lon: number | null;
          lat: number | null;
        }>(
          `SELECT o.id::int AS id, o.name, o.id_number, o.grid_id, g.name AS grid,
                  ST_X(coalesce(a.geom, o.location)) AS lon, ST_Y(coalesce(a.geom, o.location)) AS lat
           FROM occupants o JOIN grids g ON g.id = o.grid_id LEFT JOIN addresses a ON a.id = o.address_id
           WHERE ${byTail ? 'o.id_number LIKE $1' : 'o.name = $1'} AND o.grid_id = ANY($2::int[])
           ORDER BY o.id LIMIT $3`,
          [byTail ? `%${q.toUpperCase()}` : q, [...allowed], query.limit],
        );
        for (const p of people.rows) {
          hits.push({
            kind: 'person',
            id: p.id,
            label: `${p.name} ${maskIdNumber(p.id_number)}`,
            detail: p.grid,
            gridId: p.grid_id,
            center: p.lon === null || p.lat === null ? null : [p.lon, p.lat],
            bbox: null,
          });
        }
        if (people.rows.length)
          await recordAccess(deps.pool, {
            userId: user.id,
            action: 'person-search',
            detail: { q, hits: people.rows.length },
          });
      }
      return { hits: hits.slice(0, query.limit) };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/occupants/:id',
      summary: 'One occupant with their history (every view is written to the access audit log)',
      tag: 'occupants',
      roles: personRoles,
      params: IdParams,
      response: OccupantDetail,
    },
    async ({ params, user }) => {
      const { rows } = await deps.pool.query<Omit<OccupantDetail, 'history' | 'masked'>>(
        `SELECT o.id::int AS id, o.name, o.id_number AS "idNumber", o.phone, o.kind, o.health_code AS "healthCode", o.status,
                to_json(o.arrived_at)#>>'{}' AS "arrivedAt", o.origin, to_json(o.registered_at)#>>'{}' AS "registeredAt",
                o.registration_latency_seconds AS "registrationLatencySeconds", a.text AS address,
                o.household_code AS household, s.name AS "isolationSite",
                json_build_object('id', g.id, 'code', g.code, 'name', g.name) AS grid
         FROM occupants o JOIN grids g ON g.id = o.grid_id LEFT JOIN addresses a ON a.id = o.address_id
         LEFT JOIN isolation_sites s ON s.id = o.isolation_site_id WHERE o.id = $1`,
        [params.id],
      );
      const occupant = rows[0];
      if (!occupant) throw notFound(`occupant ${params.id}`);
      if (!(await gridIdsInScope(deps.pool, scopeOf(user))).has(occupant.grid.id))
        throw forbidden('this person is outside your scope');
      const history = await deps.pool.query<OccupantDetail['history'][number]>(
        `SELECT seq, to_json(at)#>>'{}' AS at, type, payload AS data FROM events
         WHERE payload ? 'occupantId' AND (payload ->> 'occupantId')::bigint = $1 ORDER BY seq`,
        [params.id],
      );
      await recordAccess(deps.pool, {
        userId: user.id,
        action: 'occupant-view',
        gridId: occupant.grid.id,
        occupantId: occupant.id,
      });
      const masked = !seesPersonalData(user);
      return {
        ...occupant,
        ...(masked
          ? {
              name: maskName(occupant.name),
              idNumber: maskIdNumber(occupant.idNumber),
              phone: maskPhone(occupant.phone),
            }
          : {}),
        history: history.rows,
        masked,
      };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/events',
      summary: 'Recent events (no personal data) of a grid, a region or your whole scope, newest first',
      tag: 'console',
      roles: allRoles,
      query: EventListQuery,
      response: EventListResponse,
    },
    async ({ query, user }) => {
      const allowed = await gridIdsInScope(deps.pool, scopeOf(user));
      if (query.gridId !== undefined && !allowed.has(query.gridId))
        throw forbidden(`grid ${query.gridId} is outside your scope`);
      const ids = query.gridId !== undefined ? [query.gridId] : [...allowed];
      const { rows } = await deps.pool.query<{ seq: number }>(
        `SELECT e.seq FROM events e JOIN grids g ON g.id = e.grid_id
         WHERE e.grid_id = ANY($1::int[]) AND ($2::text IS NULL OR g.village_code LIKE $2 || '%')
         ORDER BY e.seq DESC LIMIT $3`,
        [ids, query.region ?? null, query.limit],
      );
      if (rows.length === 0) return { events: [] };
      const oldest = rows[rows.length - 1]!.seq;
      const wanted = new Set(rows.map((r) => r.seq));
      const events = (await readEventsAfter(deps.pool, oldest - 1, rows[0]!.seq - oldest + 1))
        .filter((e) => wanted.has(e.seq))
        .filter(isEntityEvent)
        .map(toEntityEvent)
        .reverse();
      return { events };
    },
  );
}
