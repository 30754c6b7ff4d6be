// The bench's naive baseline: exactly one Socket.IO emit per committed change, no coalescing. It tails
// the event log with the product's own query (readEventsAfter: the database work per change is the same
// as the product's or less) and, for every event, emits one `status:delta` envelope carrying that one
// event and no statuses to the event's rooms (county, township, village, grid: one emit to the union, so
// each socket gets it once). It does no status refresh, so it does LESS work per change than the
// product: the coalesced ÷ naive CPU ratio it yields is conservative.
//
// Why not the product's Broadcaster with {windowMs: 0, batchLimit: 1}: that is one push per event but
// two serial database round trips per change (read one event, re-read its grid), so it measures
// database latency as much as fan-out.
// It can still be run as mode `product-naive` (`--modes coalesced,naive,product-naive`).
import type pg from 'pg';
import { protocolVersion } from '../shared/realtime.ts';
import { encodeEntityEvent } from '../shared/status-wire.ts';
import { readEventsAfter, readMaxSeq } from '../server/db/events.repo.ts';
import { isEntityEvent, toEntityEvent } from '../server/realtime/broadcaster.ts';
import type { Io } from '../server/realtime/realtime-server.ts';
import { roomsOfGrid, countyRoom, type GridPlace } from '../server/realtime/rooms.ts';
import { readGridPlaces } from '../server/realtime/status-model.ts';

export class NaiveBroadcaster {
  private lastSeq = 0;
  private stopped = false;
  private places = new Map<number, GridPlace>();
  readonly stats = { ticks: 0, pushes: 0, events: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly io: Io,
    /** Events read per query: bounds how long one burst of emits can block the event loop. */
    private readonly batchLimit = 100,
  ) {}

  async start(): Promise<void> {
    this.places = (await readGridPlaces(this.pool)).places;
    this.lastSeq = await readMaxSeq(this.pool);
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let events;
      try {
        events = await readEventsAfter(this.pool, this.lastSeq, this.batchLimit);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      this.stats.ticks++;
      for (const event of events) {
        this.lastSeq = event.seq;
        if (!isEntityEvent(event)) continue;
        const rooms =
          event.gridId !== null ? roomsOfGrid(event.gridId, this.places.get(event.gridId)) : [countyRoom];
        this.io.to(rooms).emit('status:delta', {
          v: protocolVersion,
          seq: event.seq,
          at: new Date().toISOString(),
          type: 'status:delta',
          payload: {
            grids: [],
            regions: [],
            fromSeq: event.seq,
            events: [encodeEntityEvent(toEntityEvent(event))],
          },
        });
        this.stats.pushes++;
        this.stats.events++;
      }
      // Poll again at once while there is a backlog; otherwise after the shortest timer (like windowMs 0).
      await new Promise((resolve) =>
        events.length === this.batchLimit ? setImmediate(resolve) : setTimeout(resolve, 0),
      );
    }
  }
}
