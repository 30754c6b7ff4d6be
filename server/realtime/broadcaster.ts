// Tails the event log and pushes coalesced changes to Socket.IO rooms: one `status:delta` per room per
// window, carrying the changed fields of each grid and region that changed (diffs, not whole
// collections) and the window's entity events. Time-windowed figures (arrivals in 24 h, overdue) also change
// with the clock, so every minute all grids are re-read and what changed is pushed.
import type pg from 'pg';
import type { Server } from 'socket.io';
import {
  EntityEvent,
  protocolVersion,
  type ClientToServerEvents,
  type GridStatusPatch,
  type RegionStatusPatch,
  type ServerToClientEvents,
} from '../../shared/realtime.ts';
import type { GridFeature } from '../../shared/grids.ts';
import {
  encodeEntityEvent,
  encodeGridPatch,
  encodeRegionPatch,
  type WireEntityEvent,
  type WireGridPatch,
  type WireRegionPatch,
} from '../../shared/status-wire.ts';
import { readEventsAfter, readMaxSeq, type LoggedEvent } from '../db/events.repo.ts';
import { listGridFeatures } from '../db/grids.repo.ts';
import { countyRoom, regionRoom, roomsOfGrid } from './rooms.ts';
import { StatusModel } from './status-model.ts';

export interface BroadcasterOptions {
  /** Coalescing window: the shortest time from one tick to the next. */
  windowMs?: number;
  /**
   * The longest window (≤ 100 ms per the real-time contract). A tick whose fan-out (writing the pushes to
   * every socket) took more than half of `windowMs` stretches the next window to twice that time, up to
   * this: with many consoles or a busy machine the broadcaster sends fewer, larger pushes instead of
   * spending all its time writing them (each push costs a socket write per console, whatever its size).
   */
  maxWindowMs?: number;
  /** How often the clock-driven figures are re-read. */
  clockRefreshMs?: number;
  batchLimit?: number;
  onError?: (error: unknown) => void;
  /** Before each push: its sequence number (a successor leader resumes after it). */
  onPushing?: (seq: number) => void;
  /** After each tick that pushed: where its time went (benchmarks print it). */
  onTick?: (timing: TickTiming) => void;
  /**
   * Skip rooms with no socket in this process. Only right when this process holds every socket (no
   * cluster adapter): with the Redis adapter the other processes' members are not known here.
   */
  skipEmptyRooms?: boolean;
}

/** One tick's phases, milliseconds (performance.now differences). */
export interface TickTiming {
  /** How late the tick started against when it was due (a busy event loop or core). */
  lateMs: number;
  /** Reading the new events from the log. */
  readMs: number;
  /** Re-reading the touched grids' statuses and making the patches. */
  refreshMs: number;
  /** Building the room payloads and writing them to every socket. */
  fanOutMs: number;
  events: number;
  pushes: number;
}

type Io = Server<ClientToServerEvents, ServerToClientEvents>;

/** A new dataset replaces every grid: the model is reloaded whole. A boundary commit changes a few
 *  grids: only those are re-read (StatusModel.reshape). */
const reloadType = 'dataset:loaded';
const boundaryType = 'grid:boundary-changed';

const entityTypes = new Set<string>(EntityEvent.shape.type.options);
export const isEntityEvent = (e: LoggedEvent): e is LoggedEvent & { type: EntityEvent['type'] } =>
  entityTypes.has(e.type);

export const toEntityEvent = (e: LoggedEvent & { type: EntityEvent['type'] }): EntityEvent => ({
  seq: e.seq,
  at: e.at,
  type: e.type,
  gridId: e.gridId,
  data: e.data,
});

/** Reshaped grids ride in the push up to this much GeoJSON; beyond it (a large import) consoles fetch
 *  them by id instead of every socket being written a multi-megabyte message. */
const maxShapeBytes = 256 * 1024;

async function readGridShapes(pool: pg.Pool, ids: number[]): Promise<GridFeature[]> {
  const { features } = await listGridFeatures(pool, { ids }, { kind: 'county' });
  let bytes = 0;
  for (const feature of features) bytes += JSON.stringify(feature.geometry).length;
  return bytes <= maxShapeBytes ? features : [];
}

/**
 * Region rooms (townships and villages) of reshaped sector grids: every region the grid's current or
 * previous revision intersects. A sector grid belongs to no village, yet a dispatcher sees the ones that
 * cross their region (scope.ts gridInRegionSql), so its boundary changes must reach that region's room,
 * including the region it has just left or was retired from.
 */
async function readSectorRegionRooms(pool: pg.Pool, ids: number[]): Promise<Map<number, string[]>> {
  const { rows } = await pool.query<{ id: number; codes: string[] }>(
    `SELECT gr.grid_id AS id, array_agg(DISTINCT r.code) AS codes
     FROM grid_revisions gr
     JOIN grids g ON g.id = gr.grid_id AND g.kind = 'sector'
     JOIN regions r ON r.level IN ('township', 'village') AND ST_Intersects(r.geom, gr.geom)
     WHERE gr.grid_id = ANY($1::int[])
       AND gr.revision >= (SELECT max(x.revision) - 1 FROM grid_revisions x WHERE x.grid_id = gr.grid_id)
     GROUP BY gr.grid_id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.codes.map(regionRoom)]));
}

export class Broadcaster {
  private model: StatusModel | null = null;
  private lastSeq = 0;
  private startedSeq = 0;
  /** Sequence number of the last push to each room: the next push to it starts after this. */
  private readonly roomSeq = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  private lastClockRefresh = 0;
  private tickStartedAt = 0;
  private tickDueAt = 0;
  /** How long the last tick's fan-out (the emits) took. */
  private lastFanOutMs = 0;
  private pushAllNext = false;
  private wake: (() => void) | null = null;
  readonly stats = { ticks: 0, pushes: 0, events: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly io: Io,
    private readonly options: BroadcasterOptions = {},
  ) {}

  get seq(): number {
    return this.lastSeq;
  }

  /** Starts tailing after `fromSeq` (a previous leader's last push), or after the newest event. */
  async start(fromSeq?: number): Promise<void> {
    this.model = await StatusModel.load(this.pool);
    this.lastSeq = fromSeq ?? (await readMaxSeq(this.pool));
    this.startedSeq = this.lastSeq;
    // Taking over from another process: the model was just read at a later point than `fromSeq`, so it
    // cannot tell what changed since; the first push carries every grid and region.
    this.pushAllNext = fromSeq !== undefined;
    this.lastClockRefresh = Date.now();
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
  }

  /** A write on this node committed: don't wait for the window to look for it. */
  poke(): void {
    if (this.timer && !this.running) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.tick(), 0);
    }
  }

  /** Resolves once everything committed so far has been pushed (tests and shutdown use it). */
  async flush(): Promise<void> {
    const target = await readMaxSeq(this.pool);
    while (!this.stopped && this.lastSeq < target) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.poke();
        setTimeout(resolve, 20);
      });
    }
  }

  /** The next tick is due one window after this one started (not ended), so a slow tick does not
   *  stretch the window beyond its length: the time a change waits stays ≤ the window plus one tick's
   *  work. */
  private schedule(): void {
    if (this.stopped) return;
    const wait = Math.max(0, this.currentWindowMs() - (performance.now() - this.tickStartedAt));
    this.tickDueAt = performance.now() + wait;
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  /** The window before the next tick: `windowMs`, stretched so that the fan-out takes at most half of it. */
  currentWindowMs(): number {
    const windowMs = this.options.windowMs ?? 50;
    const maxWindowMs = Math.max(windowMs, this.options.maxWindowMs ?? 100);
    return Math.min(maxWindowMs, Math.max(windowMs, 2 * this.lastFanOutMs));
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped || !this.model) return;
    this.running = true;
    this.tickStartedAt = performance.now();
    const lateMs = Math.max(0, this.tickStartedAt - this.tickDueAt);
    try {
      const events = await readEventsAfter(this.pool, this.lastSeq, this.options.batchLimit ?? 5000);
      const readAt = performance.now();
      const clockDue = Date.now() - this.lastClockRefresh >= (this.options.clockRefreshMs ?? 60_000);
      if (events.length > 0 || clockDue || this.pushAllNext) {
        let changes: { grids: GridStatusPatch[]; regions: RegionStatusPatch[] };
        let shapes: GridFeature[] = [];
        let sectorRooms = new Map<number, string[]>();
        if (this.pushAllNext || events.some((e) => e.type === reloadType)) {
          this.pushAllNext = false;
          const fresh = await StatusModel.load(this.pool);
          this.model = fresh;
          changes = { grids: [...fresh.grids.values()], regions: [...fresh.regions.values()] };
        } else {
          const idsOf = (list: LoggedEvent[]): number[] => [
            ...new Set(list.map((e) => e.gridId).filter((id): id is number => id !== null)),
          ];
          const reshaped = idsOf(events.filter((e) => e.type === boundaryType && e.data.reshaped !== false));
          const regrouped = reshaped.length ? await this.model.reshape(this.pool, reshaped) : [];
          const touched = idsOf(events);
          changes =
            clockDue || touched.length
              ? await this.model.refresh(this.pool, clockDue ? undefined : touched, regrouped)
              : { grids: [], regions: [] };
          if (reshaped.length) {
            shapes = await readGridShapes(this.pool, reshaped);
            sectorRooms = await readSectorRegionRooms(this.pool, reshaped);
          }
        }
        if (clockDue) this.lastClockRefresh = Date.now();
        const seq = events.length ? events[events.length - 1]!.seq : this.lastSeq;
        this.options.onPushing?.(seq);
        const fanOutStarted = performance.now();
        const pushes = this.push(seq, events, changes, shapes, sectorRooms);
        this.lastFanOutMs = performance.now() - fanOutStarted;
        this.options.onTick?.({
          lateMs,
          readMs: readAt - this.tickStartedAt,
          refreshMs: fanOutStarted - readAt,
          fanOutMs: this.lastFanOutMs,
          events: events.length,
          pushes,
        });
        this.lastSeq = seq;
        this.stats.ticks++;
        this.stats.events += events.length;
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.running = false;
      this.wake?.();
      this.wake = null;
      this.schedule();
    }
  }

  private push(
    seq: number,
    events: LoggedEvent[],
    changes: { grids: GridStatusPatch[]; regions: RegionStatusPatch[] },
    shapes: GridFeature[],
    sectorRooms: Map<number, string[]>,
  ): number {
    const model = this.model!;
    // Each patch and event is encoded once (shared/status-wire.ts), whatever the number of rooms it goes to.
    type Payload = {
      events: WireEntityEvent[];
      grids: WireGridPatch[];
      regions: WireRegionPatch[];
      gridShapes: GridFeature[];
    };
    const rooms = new Map<string, Payload>();
    // An empty room still costs an encode per emit; its seq is recorded as pushed (nothing to miss there:
    // a socket that joins later reads the current state in its catch-up).
    const members = this.options.skipEmptyRooms ? this.io.sockets.adapter.rooms : null;
    const skipped = new Set<string>();
    const room = (name: string): Payload | null => {
      let entry = rooms.get(name);
      if (entry) return entry;
      if (members && !members.get(name)?.size) {
        skipped.add(name);
        return null;
      }
      rooms.set(name, (entry = { events: [], grids: [], regions: [], gridShapes: [] }));
      return entry;
    };
    for (const event of events) {
      if (!isEntityEvent(event)) continue;
      const names =
        event.gridId !== null ? roomsOfGrid(event.gridId, model.places.get(event.gridId)) : [countyRoom];
      if (event.type === boundaryType && event.gridId !== null)
        names.push(...(sectorRooms.get(event.gridId) ?? []));
      const wire = encodeEntityEvent(toEntityEvent(event));
      for (const name of names) room(name)?.events.push(wire);
    }
    for (const grid of changes.grids) {
      const wire = encodeGridPatch(grid);
      for (const name of roomsOfGrid(grid.gridId, model.places.get(grid.gridId)))
        room(name)?.grids.push(wire);
    }
    for (const shape of shapes) {
      const id = shape.properties.id;
      for (const name of [...roomsOfGrid(id, model.places.get(id)), ...(sectorRooms.get(id) ?? [])])
        room(name)?.gridShapes.push(shape);
    }
    for (const region of changes.regions) {
      // A region's roll-up goes to its own room and to every room above it (a township room shows its villages).
      const wire = encodeRegionPatch(region);
      room(countyRoom)?.regions.push(wire);
      if (region.code.length > 6) room(regionRoom(region.code))?.regions.push(wire);
      if (region.code.length === 12) room(regionRoom(region.code.slice(0, 9)))?.regions.push(wire);
    }
    const at = new Date().toISOString();
    for (const [name, payload] of rooms) {
      // A room this broadcaster never pushed to starts where the broadcaster started.
      const fromSeq = (this.roomSeq.get(name) ?? this.startedSeq) + 1;
      this.io.to(name).emit('status:delta', {
        v: protocolVersion,
        seq,
        at,
        type: 'status:delta',
        payload: {
          grids: payload.grids,
          regions: payload.regions,
          fromSeq,
          events: payload.events,
          ...(payload.gridShapes.length ? { gridShapes: payload.gridShapes } : {}),
        },
      });
      this.roomSeq.set(name, seq);
      this.stats.pushes++;
    }
    for (const name of skipped) this.roomSeq.set(name, seq);
    return rooms.size;
  }
}
