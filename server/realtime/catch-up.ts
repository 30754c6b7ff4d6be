// What a (re)subscribing console needs: a snapshot of its scope, or a replay of the events it missed.
import type pg from 'pg';
import type { EntityEvent, GridStatus, RegionStatus, Snapshot } from '../../shared/realtime.ts';
import { readEventsAfter, type LoggedEvent } from '../db/events.repo.ts';
import { readGridStatuses } from '../db/grid-status.repo.ts';
import { rollUp } from '../domain/risk-level.ts';
import { isEntityEvent, toEntityEvent } from './broadcaster.ts';
import type { Grant, GridPlace } from './rooms.ts';
import { readGridPlaces, regionsOfPlace } from './status-model.ts';

type Queryable = pg.Pool | pg.ClientBase;

/** A replay longer than this is sent as a snapshot instead. */
export const maxReplayEvents = 10_000;
const recentEventCount = 50;

function eventInGrant(event: LoggedEvent, grant: Grant): boolean {
  if (grant.gridIds) return event.gridId !== null && grant.gridIds.includes(event.gridId);
  const region = grant.region ?? '';
  if (region.length <= 6) return true;
  return (event.villageCode ?? '').startsWith(region);
}

const idsInGrant = (grant: Grant, places: Map<number, GridPlace>): number[] =>
  grant.gridIds
    ? grant.gridIds
    : [...places.entries()]
        .filter(
          ([, place]) =>
            !grant.region || grant.region.length <= 6 || (place.villageCode ?? '').startsWith(grant.region),
        )
        .map(([id]) => id);

export async function scopeGridIds(db: Queryable, grant: Grant): Promise<number[]> {
  return idsInGrant(grant, (await readGridPlaces(db)).places);
}

/** Statuses of the granted grids and the roll-ups of the granted regions, from the database now. */
async function readScopeStatus(
  db: Queryable,
  grant: Grant,
): Promise<{ grids: GridStatus[]; regions: RegionStatus[] }> {
  const { countyCode, places } = await readGridPlaces(db);
  const region = grant.region;
  const grids = await readGridStatuses(db, idsInGrant(grant, places));
  const members = new Map<string, GridStatus[]>();
  if (!grant.gridIds) {
    for (const status of grids) {
      for (const code of regionsOfPlace(countyCode, places.get(status.gridId))) {
        if (region && region.length > 6 && !code.startsWith(region)) continue;
        const list = members.get(code) ?? [];
        list.push(status);
        members.set(code, list);
      }
    }
  }
  return { grids, regions: [...members].map(([code, list]) => rollUp(code, list)) };
}

/** Seq of the last change of the grid set itself at or before $1. Its WHERE matches the partial index
 *  events_grid_set_idx (migration 006) word for word: change both together. */
export const lastGridSetChangeSql = `SELECT coalesce(max(seq), 0)::int AS seq FROM events
     WHERE type IN ('grid:boundary-changed', 'dataset:loaded') AND seq <= $1`;

export async function buildSnapshot(db: Queryable, grant: Grant, atSeq: number): Promise<Snapshot> {
  const status = await readScopeStatus(db, grant);
  const { rows } = await db.query<{ seq: number }>(
    'SELECT seq FROM events WHERE seq <= $1 ORDER BY seq DESC LIMIT 1 OFFSET $2',
    [atSeq, recentEventCount * 20],
  );
  const recent = (await readEventsAfter(db, rows[0]?.seq ?? 0, recentEventCount * 20 + 1))
    .filter((e) => e.seq <= atSeq && eventInGrant(e, grant))
    .filter(isEntityEvent)
    .slice(-recentEventCount)
    .map(toEntityEvent);
  const boundary = await db.query<{ seq: number }>(lastGridSetChangeSql, [atSeq]);
  return { ...status, recent, boundarySeq: boundary.rows[0]!.seq };
}

export type CatchUp =
  | { mode: 'replay'; events: EntityEvent[]; grids: GridStatus[]; regions: RegionStatus[] }
  | { mode: 'snapshot'; snapshot: Snapshot };

/** The events in (lastSeq, atSeq] of this scope and the current status of what they touched; a snapshot
 *  when too much was missed or the grid set itself changed. */
export async function catchUp(
  db: Queryable,
  grant: Grant,
  lastSeq: number | undefined,
  atSeq: number,
): Promise<CatchUp> {
  if (lastSeq === undefined || lastSeq > atSeq || atSeq - lastSeq > maxReplayEvents) {
    return { mode: 'snapshot', snapshot: await buildSnapshot(db, grant, atSeq) };
  }
  const missed = (await readEventsAfter(db, lastSeq, atSeq - lastSeq)).filter((e) => e.seq <= atSeq);
  if (missed.some((e) => e.type === 'grid:boundary-changed' || e.type === 'dataset:loaded')) {
    return { mode: 'snapshot', snapshot: await buildSnapshot(db, grant, atSeq) };
  }
  const events = missed.filter((e) => eventInGrant(e, grant));
  if (events.length === 0) return { mode: 'replay', events: [], grids: [], regions: [] };
  const status = await readScopeStatus(db, grant);
  const touched = new Set(events.map((e) => e.gridId));
  return {
    mode: 'replay',
    events: events.filter(isEntityEvent).map(toEntityEvent),
    grids: status.grids.filter((g) => touched.has(g.gridId)),
    regions: status.regions,
  };
}
