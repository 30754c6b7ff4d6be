// How pushes from the server change the console's live status: a snapshot replaces it; a status delta
// (the changed fields of each grid and region) is applied in order (seq < lastSeq is ignored; a gap,
// another protocol version or a patch of something this console never had asks for a resync); entity
// events are deduplicated by their own seq. Pure functions over `LiveStatus`, called
// by the store (client/state/store.ts) only.
import {
  protocolVersion,
  type EntityEvent,
  type EnvelopeOf,
  type GridStatus,
  type RegionStatus,
  type StatusDelta,
  type SubscribeResult,
} from '../../shared/realtime.ts';
import { applyStatusPatch } from '../../shared/status-patch.ts';

/** Recent entity events kept for tickers and panels. */
export const maxRecentEvents = 300;

export interface LiveStatus {
  /** Protocol version of the last envelope seen. */
  v: number;
  /** Seq of the last status push applied; null before the first snapshot. */
  lastSeq: number | null;
  /** Highest entity-event seq taken into `events`. */
  lastEventSeq: number;
  /** Bumped on every applied change; subscribers compare it rather than the maps. */
  rev: number;
  /**
   * Grid status by id. Changed in place (a fresh GridStatus object per changed grid, the Map itself
   * kept): copying a 60,000-entry map per delta would cost more than the change it carries.
   */
  grids: Map<number, GridStatus>;
  regions: Map<string, RegionStatus>;
  /** Grids and regions changed by the last applied push; null after a snapshot (everything may have). */
  changedGrids: readonly number[] | null;
  changedRegions: readonly string[] | null;
  /** Newest last. */
  events: EntityEvent[];
  /** Scope the server granted. */
  scope: { region: string | null; gridIds: number[] | null } | null;
}

export const emptyLive = (): LiveStatus => ({
  v: protocolVersion,
  lastSeq: null,
  lastEventSeq: 0,
  rev: 0,
  grids: new Map(),
  regions: new Map(),
  changedGrids: null,
  changedRegions: null,
  events: [],
  scope: null,
});

export type Outcome = 'applied' | 'stale' | 'resync';

function mergeEvents(
  existing: EntityEvent[],
  incoming: readonly EntityEvent[],
  after: number,
): EntityEvent[] {
  const fresh = incoming.filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return existing;
  const merged = existing.concat(fresh);
  return merged.length > maxRecentEvents ? merged.slice(merged.length - maxRecentEvents) : merged;
}

/** The answer to `status:subscribe`: a snapshot replaces everything; a replay keeps state (pushes follow). */
export function applySubscribeResult(live: LiveStatus, result: SubscribeResult): LiveStatus {
  const scope = { region: result.region, gridIds: result.gridIds };
  if (result.mode === 'replay' || !result.snapshot) return { ...live, scope };
  const { snapshot } = result;
  const bySeq = new Map<number, EntityEvent>();
  for (const e of [...live.events, ...snapshot.recent]) bySeq.set(e.seq, e);
  const events = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-maxRecentEvents);
  return {
    v: protocolVersion,
    lastSeq: result.seq,
    lastEventSeq: Math.max(live.lastEventSeq, result.seq, ...snapshot.recent.map((e) => e.seq)),
    rev: live.rev + 1,
    grids: new Map(snapshot.grids.map((g) => [g.gridId, g])),
    regions: new Map(snapshot.regions.map((r) => [r.code, r])),
    changedGrids: null,
    changedRegions: null,
    events,
    scope,
  };
}

export function applyStatusDelta(
  live: LiveStatus,
  envelope: EnvelopeOf<StatusDelta>,
): { live: LiveStatus; outcome: Outcome } {
  if (envelope.v !== live.v) return { live: { ...live, v: envelope.v, lastSeq: null }, outcome: 'resync' };
  if (live.lastSeq === null) return { live, outcome: 'resync' };
  // Equal seq is applied again: a socket in several rooms (a grid worker's grids) gets one push per
  // room for the same window, each with its own grids; statuses are whole, so re-applying is harmless.
  if (envelope.seq < live.lastSeq) return { live, outcome: 'stale' };
  if (envelope.payload.fromSeq > live.lastSeq + 1) return { live, outcome: 'resync' };
  const grids: GridStatus[] = [];
  for (const patch of envelope.payload.grids) {
    const next = applyStatusPatch(live.grids.get(patch.gridId), patch);
    if (!next) return { live: { ...live, lastSeq: null }, outcome: 'resync' };
    grids.push(next);
  }
  const regions: RegionStatus[] = [];
  for (const patch of envelope.payload.regions) {
    const next = applyStatusPatch(live.regions.get(patch.code), patch);
    if (!next) return { live: { ...live, lastSeq: null }, outcome: 'resync' };
    regions.push(next);
  }
  for (const grid of grids) live.grids.set(grid.gridId, grid);
  for (const region of regions) live.regions.set(region.code, region);
  return {
    live: {
      ...live,
      lastSeq: envelope.seq,
      rev: live.rev + 1,
      changedGrids: envelope.payload.grids.map((g) => g.gridId),
      changedRegions: envelope.payload.regions.map((r) => r.code),
    },
    outcome: 'applied',
  };
}

export function applyEntityEvents(
  live: LiveStatus,
  envelope: EnvelopeOf<{ events: EntityEvent[] }>,
): { live: LiveStatus; outcome: Outcome; fresh: EntityEvent[] } {
  if (envelope.v !== live.v)
    return { live: { ...live, v: envelope.v, lastSeq: null }, outcome: 'resync', fresh: [] };
  const fresh = envelope.payload.events
    .filter((e) => e.seq > live.lastEventSeq)
    .sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return { live, outcome: 'stale', fresh };
  return {
    live: {
      ...live,
      lastEventSeq: fresh[fresh.length - 1]!.seq,
      events: mergeEvents(live.events, fresh, live.lastEventSeq),
    },
    outcome: 'applied',
    fresh,
  };
}
