// A console's real-time state as a test sees it: subscribes over a real socket.io-client, applies pushes
// by sequence number, resubscribes with its last seq after every reconnect, and records what it saw.
import { io, type Socket } from 'socket.io-client';
import {
  protocolVersion,
  type Ack,
  type ClientToServerEvents,
  type EntityEvent,
  type EnvelopeOf,
  type StatusDelta,
  type GridStatus,
  type RegionStatus,
  type ServerToClientEvents,
  type SubscribeRequest,
  type SubscribeResult,
} from '../../shared/realtime.ts';
import { applyStatusPatch } from '../../shared/status-patch.ts';
import { decodeStatusDelta } from '../../shared/status-wire.ts';

export class StatusClient {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly grids = new Map<number, GridStatus>();
  readonly regions = new Map<string, RegionStatus>();
  /** Every entity event applied, by seq (a duplicate would be counted in `duplicates`). */
  readonly events = new Map<number, EntityEvent>();
  duplicates = 0;
  gapsDetected = 0;
  /** Partial status patches of a grid or region this client had no status for (must stay 0). */
  patchesWithoutBase = 0;
  snapshots = 0;
  lastSeq = -1;
  /** Every push received, decoded (tests look into them). */
  readonly pushes: EnvelopeOf<StatusDelta>[] = [];
  private subscribed: Promise<SubscribeResult> | null = null;

  constructor(
    baseUrl: string,
    private readonly cookie: string | undefined,
    private readonly request: Omit<SubscribeRequest, 'lastSeq' | 'v'> = {},
  ) {
    this.socket = this.open(baseUrl);
  }

  /** Moves to another server process (its old one died), keeping lastSeq and state: it resumes there. */
  switchTo(baseUrl: string): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.subscribed = null;
    this.socket = this.open(baseUrl);
  }

  private open(baseUrl: string): Socket<ServerToClientEvents, ClientToServerEvents> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, {
      transports: ['websocket'],
      extraHeaders: this.cookie ? { cookie: this.cookie } : {},
      reconnection: false,
    });
    socket.on('connect', () => {
      this.subscribed = this.subscribe();
    });
    socket.on('status:delta', (wire) => {
      const payload = decodeStatusDelta(wire.payload);
      if (!payload) throw new Error(`undecodable status:delta ${JSON.stringify(wire)}`);
      const envelope = { ...wire, payload };
      this.pushes.push(envelope);
      for (const event of envelope.payload.events) {
        // Replays and pushes may overlap: an event is applied once, by its seq.
        if (this.events.has(event.seq)) this.duplicates++;
        else this.events.set(event.seq, event);
      }
      if (envelope.seq <= this.lastSeq) return;
      if (envelope.payload.fromSeq > this.lastSeq + 1) {
        this.gapsDetected++;
        this.subscribed = this.subscribe();
        return;
      }
      for (const patch of envelope.payload.grids) {
        const grid = applyStatusPatch(this.grids.get(patch.gridId), patch);
        if (grid) this.grids.set(grid.gridId, grid);
        else this.patchesWithoutBase++;
      }
      for (const patch of envelope.payload.regions) {
        const region = applyStatusPatch(this.regions.get(patch.code), patch);
        if (region) this.regions.set(region.code, region);
        else this.patchesWithoutBase++;
      }
      this.lastSeq = envelope.seq;
    });
    return socket;
  }

  async subscribe(): Promise<SubscribeResult> {
    const result = await new Promise<Ack<SubscribeResult>>((resolve) =>
      this.socket.emit(
        'status:subscribe',
        { ...this.request, v: protocolVersion, ...(this.lastSeq >= 0 ? { lastSeq: this.lastSeq } : {}) },
        resolve,
      ),
    );
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    const data = result.data;
    if (data.snapshot) {
      this.snapshots++;
      this.grids.clear();
      this.regions.clear();
      for (const grid of data.snapshot.grids) this.grids.set(grid.gridId, grid);
      for (const region of data.snapshot.regions) this.regions.set(region.code, region);
    }
    this.lastSeq = Math.max(this.lastSeq, data.seq);
    return data;
  }

  /** The current subscription, once connected and acknowledged. */
  async ready(timeoutMs = 5000): Promise<SubscribeResult> {
    await this.waitFor(() => this.socket.connected && this.subscribed !== null, timeoutMs);
    return this.subscribed!;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the stream');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}
