// The real-time contract between server and consoles: grid status, the event envelope, and the typed
// Socket.IO event maps. Version bumps (`protocolVersion`) force clients to resync from a snapshot.
import { z } from 'zod';
import type { HealthCode } from './domain.ts';
import { GridFeature } from './grids.ts';
import type { WireStatusDelta } from './status-wire.ts';

export { GridFeature };

/** 3: `status:delta` travels in the compact form of shared/status-wire.ts. */
export const protocolVersion = 3;

/** Risk levels, in order. The rule (server/domain/risk-level.ts):
 *  high   — any red-code person in the grid who is not isolated at a site, or ≥ 3 overdue registrations;
 *  medium — any red code (isolated), any yellow code, or any overdue registration;
 *  low    — otherwise. */
export const riskLevels = ['low', 'medium', 'high'] as const;
export const RiskLevel = z.enum(riskLevels);
export type RiskLevel = z.infer<typeof RiskLevel>;

/** Counts for one grid or one region (village, township, county: sums over its grids). */
export const StatusCounts = z.object({
  residents: z.number().int(),
  arrivals24h: z.number().int(),
  /** Arrivals reported (e.g. at a checkpoint) but not yet registered into their grid. */
  pendingRegistration: z.number().int(),
  /** Pending for more than 1 hour, plus arrivals in the last 24 h registered more than 1 hour late. */
  overdue: z.number().int(),
  green: z.number().int(),
  yellow: z.number().int(),
  red: z.number().int(),
  /** Red-code people not isolated at a site. */
  redNotIsolated: z.number().int(),
  isolated: z.number().int(),
  checkpoints: z.number().int(),
  openReports: z.number().int(),
  tasksSent: z.number().int(),
  tasksAcked: z.number().int(),
  tasksDone: z.number().int(),
});
export type StatusCounts = z.infer<typeof StatusCounts>;

export const GridStatus = StatusCounts.extend({
  gridId: z.number().int(),
  risk: RiskLevel,
});
export type GridStatus = z.infer<typeof GridStatus>;

export const RegionStatus = StatusCounts.extend({
  code: z.string(),
  risk: RiskLevel,
  /** Grids of this region at each risk level. */
  gridsByRisk: z.object({ low: z.number().int(), medium: z.number().int(), high: z.number().int() }),
});
export type RegionStatus = z.infer<typeof RegionStatus>;

/** Every push is wrapped: a client that sees a gap (`fromSeq` > its last seq + 1) or another `v`
 *  resubscribes. A socket in several rooms (a grid worker's grids) gets one push per room for the same
 *  window, all with the same `seq`: apply pushes whose seq equals the last one too (statuses are whole). */
export const Envelope = <T extends z.ZodType>(payload: T) =>
  z.object({
    v: z.number().int(),
    /** Event-log sequence number of the last change this push includes. */
    seq: z.number().int(),
    /** Server time of the push (ISO). */
    at: z.string(),
    type: z.string(),
    payload,
  });
export interface EnvelopeOf<T> {
  v: number;
  seq: number;
  at: string;
  type: string;
  payload: T;
}

/** What changed in one grid's status: its id and the new value of each field that changed (a whole
 *  GridStatus when the receiver may not have the grid yet, e.g. in a replay). Values are absolute, so
 *  applying a patch twice is harmless. Apply with `applyStatusPatch` (shared/status-patch.ts). */
export const GridStatusPatch = GridStatus.partial().required({ gridId: true });
export type GridStatusPatch = z.infer<typeof GridStatusPatch>;

/** The same for a region roll-up (`gridsByRisk` is sent whole when any of its counts changed). */
export const RegionStatusPatch = RegionStatus.partial().required({ code: true });
export type RegionStatusPatch = z.infer<typeof RegionStatusPatch>;

/** Entity events (no personal data: the screen role receives them too). Kept small, as every console
 *  in scope receives every one: the township is the grid's (consoles have the grid list), and `at` is
 *  to the millisecond. */
export const EntityEvent = z.object({
  seq: z.number().int(),
  /** Commit time, ISO 8601 UTC to the millisecond. */
  at: z.string(),
  type: z.enum([
    'arrival:registered',
    'arrival:reported',
    'occupant:status-changed',
    'occupant:health-changed',
    'checkpoint:updated',
    'isolation:admitted',
    'isolation:released',
    'report:filed',
    'report:closed',
    'task:sent',
    'task:acked',
    'task:done',
    'grid:boundary-changed',
  ]),
  gridId: z.number().int().nullable(),
  /** Non-personal details: healthCode, occupantId, siteId, checkpointId, counts… */
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type EntityEvent = z.infer<typeof EntityEvent>;

/** `data` of a `grid:boundary-changed` event (one per grid a boundary commit touched): enough for a
 *  console to refetch only the grids whose outline changed and drop the retired ones. */
export const BoundaryChangedData = z.object({
  /** edit, split, merge, create, retire, rename, import, revert. */
  changeKind: z.string(),
  /** The grid was deleted (retired) by this commit. */
  retired: z.boolean(),
  /** Its outline, code or name changed (false: only occupants moved in or out of it). */
  reshaped: z.boolean(),
  /** The grid's revision after the commit; null when it was not reshaped. */
  revision: z.number().int().nullable(),
  /** How many grids the commit touched. */
  grids: z.number().int(),
});
export type BoundaryChangedData = z.infer<typeof BoundaryChangedData>;

/** Coalesced per window (≤ 100 ms), one push per room (on the wire: WireStatusDelta): the changed fields of every grid and region
 *  that changed, and the window's entity events (one message, not two: a push is written to every
 *  socket of the room, so each message costs a write per console). */
export const StatusDelta = z.object({
  grids: z.array(GridStatusPatch),
  regions: z.array(RegionStatusPatch),
  /** The first event-log sequence number this delta covers (previous push's seq + 1). */
  fromSeq: z.number().int(),
  /** Entity events of the window, oldest first; applied once each, by their own seq. */
  events: z.array(EntityEvent),
  /** The grids this window's `grid:boundary-changed` events reshaped, as they are now (retired ones are
   *  absent), so consoles redraw them without a request. Left out when they are too large for one push:
   *  consoles then fetch the reshaped grids by id. */
  gridShapes: z.array(GridFeature).optional(),
});
export type StatusDelta = z.infer<typeof StatusDelta>;

export const Snapshot = z.object({
  grids: z.array(GridStatus),
  regions: z.array(RegionStatus),
  /** Recent entity events (newest last) for tickers. */
  recent: z.array(EntityEvent),
  /** Seq of the last event that changed the grid set (boundaries, a dataset load) at or before this
   *  snapshot: a console whose grids are older refetches them (it missed a `grid:boundary-changed`). */
  boundarySeq: z.number().int(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** What a client subscribes to: a region (6/9/12-digit code) or one grid. The server narrows it to the
 *  session's scope. `lastSeq`: resume after this sequence number (replay), or omit for a snapshot. */
export const SubscribeRequest = z.object({
  region: z
    .string()
    .regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/)
    .optional(),
  gridId: z.number().int().positive().optional(),
  lastSeq: z.number().int().min(0).optional(),
  v: z.number().int().optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export const SubscribeResult = z.object({
  /** 'replay': missed events follow as normal pushes; 'snapshot': a full snapshot is included. */
  mode: z.enum(['replay', 'snapshot']),
  seq: z.number().int(),
  snapshot: Snapshot.optional(),
  /** The scope actually granted. */
  region: z.string().nullable(),
  gridIds: z.array(z.number().int()).nullable(),
});
export type SubscribeResult = z.infer<typeof SubscribeResult>;

export interface ServerToClientEvents {
  /** A StatusDelta in its wire form: decode with `decodeStatusDelta` (shared/status-wire.ts). */
  'status:delta': (envelope: EnvelopeOf<WireStatusDelta>) => void;
  /** The server asks the client to resubscribe (e.g. after a protocol change or its scope changed). */
  'sync:reset': (envelope: EnvelopeOf<{ reason: string }>) => void;
}

export interface ClientToServerEvents {
  'status:subscribe': (request: SubscribeRequest, ack: (result: Ack<SubscribeResult>) => void) => void;
}

export const healthCodeColors: Record<z.infer<typeof HealthCode>, string> = {
  green: '#2f9e44',
  yellow: '#f1c40f',
  red: '#e03131',
};
