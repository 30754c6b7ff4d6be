// Child process of bench/realtime.ts: `count` real socket.io-client connections (websocket transport, the
// session cookie in the handshake, one connection each: forceNew), each subscribed to the county with
// `status:subscribe` (ack awaited), each receiving every `status:delta` push (statuses and events), and
// reconnecting + resubscribing with its last seq after a drop, as a console does.
//
// Per client, for every bench event received: latency = receipt time − payload.t (same machine clock),
// counted once (a seq at or below the client's last one is dropped as a duplicate). A thousand clients
// on 2 cores cannot each JSON.parse ~1 GB/s of pushes, so the socket.io parser is replaced (the
// public `parser` option) by one that hands the two push events over as raw JSON text: the first client
// of this process to receive a push parses it; every other client gets the same push (a broadcast is
// byte-identical for every socket of a room) and only reads its envelope seq and compares its length
// with the parsed copy (a difference is counted as a mismatch). Everything else (connect, ack, errors)
// is decoded as JSON as usual.
import { io, type Socket } from 'socket.io-client';
import { protocolVersion, type Ack, type SubscribeResult } from '../shared/realtime.ts';
import { readDeltaEnvelope } from '../shared/status-wire.ts';
import {
  Histogram,
  bindChildLifetime,
  countyRegion,
  readChildConfig,
  sendToParent,
  sleep,
  startEventLoopMonitor,
  type ClientsConfig,
  type ClientsTarget,
  type ClientsReport,
  type ParentToChild,
} from './realtime-common.ts';

bindChildLifetime(5 * 60_000);
const config = readChildConfig<ClientsConfig>();

// ---- a socket.io parser that leaves the big pushes as raw text ----------------------------------------

const rawEvents = ['status:delta'] as const;
type RawEvent = (typeof rawEvents)[number];
const rawPrefixes = rawEvents.map((name) => [name, `["${name}",`] as const);

interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

class RawPushDecoder {
  private readonly listeners = new Set<(packet: Packet) => void>();

  on(event: string, fn: (packet: Packet) => void): this {
    if (event === 'decoded') this.listeners.add(fn);
    return this;
  }

  off(event?: string, fn?: (packet: Packet) => void): this {
    if (fn) this.listeners.delete(fn);
    else this.listeners.clear();
    return this;
  }

  add(chunk: unknown): void {
    if (typeof chunk !== 'string') throw new Error('binary socket.io packets are not expected here');
    const type = chunk.charCodeAt(0) - 48;
    let at = 1;
    let nsp = '/';
    if (chunk[at] === '/') {
      const comma = chunk.indexOf(',', at);
      nsp = chunk.slice(at, comma < 0 ? undefined : comma);
      at = comma < 0 ? chunk.length : comma + 1;
    }
    let end = at;
    while (end < chunk.length && chunk.charCodeAt(end) >= 48 && chunk.charCodeAt(end) <= 57) end++;
    const packet: Packet = { type, nsp };
    if (end > at) packet.id = Number(chunk.slice(at, end));
    at = end;
    if (at < chunk.length) {
      let raw: [RawEvent, string] | null = null;
      if (type === 2) {
        for (const [name, prefix] of rawPrefixes) {
          if (chunk.startsWith(prefix, at)) {
            raw = [name, chunk.slice(at + prefix.length, chunk.length - 1)];
            break;
          }
        }
      }
      packet.data = raw ?? JSON.parse(chunk.slice(at));
    }
    for (const fn of this.listeners) fn(packet);
  }

  destroy(): void {}
}

class JsonEncoder {
  encode(packet: Packet): string[] {
    let out = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) out += packet.id;
    if (packet.data !== undefined) out += JSON.stringify(packet.data);
    return [out];
  }
}

const rawParser = { Encoder: JsonEncoder, Decoder: RawPushDecoder };

// ---- per-process cache of parsed pushes ----------------------------------------------------------------

interface ParsedPush {
  length: number;
  /** Bench events in this push: their seqs ascending and their t. */
  seqs: number[];
  ts: number[];
  /** The push's server time (envelope `at`), ms since the epoch. */
  atMs: number;
  firstSeen: number;
}

const pushes = new Map<number, ParsedPush>();

function envelopeSeq(raw: string): number {
  const at = raw.indexOf('"seq":');
  if (at < 0 || at > 40) return NaN;
  let end = at + 6;
  while (raw.charCodeAt(end) >= 48 && raw.charCodeAt(end) <= 57) end++;
  return Number(raw.slice(at + 6, end));
}

/** What a console does with a push: parse, check and decode it (client/realtime/socket.ts). */
function parsePush(raw: string): ParsedPush {
  const envelope = readDeltaEnvelope(JSON.parse(raw));
  if (!envelope) throw new Error('undecodable status:delta');
  if (envelope.v !== protocolVersion) throw new Error(`push of protocol ${envelope.v}`);
  const delta = envelope.payload;
  const seqs: number[] = [];
  const ts: number[] = [];
  for (const event of delta.events) {
    if (event.type !== 'report:filed' || event.data.kind !== 'bench' || typeof event.data.t !== 'number')
      continue;
    seqs.push(event.seq);
    ts.push(event.data.t);
  }
  return { length: raw.length, seqs, ts, atMs: Date.parse(envelope.at), firstSeen: Date.now() };
}

// ---- the clients --------------------------------------------------------------------------------------

interface BenchClient {
  socket: Socket;
  subscribed: boolean;
  /** Reconnected, resubscribe not yet acknowledged. */
  resubscribing: boolean;
  lastSeq: number;
  received: number;
}

const latency = new Histogram();
const toPush = new Histogram();
const pushToReceipt = new Histogram();
const pushBytes = new Histogram();
const loop = startEventLoopMonitor();
const stats = {
  duplicates: 0,
  entityMessages: 0,
  statusMessages: 0,
  entityBytes: 0,
  statusBytes: 0,
  disconnects: 0,
  reconnects: 0,
  snapshots: 0,
  mismatches: 0,
};
const disconnectReasons = new Map<string, number>();
const clients: BenchClient[] = [];
let firstError: string | null = null;

function onPush(client: BenchClient, raw: string): void {
  const now = Date.now();
  stats.statusMessages++;
  stats.statusBytes += raw.length;
  let push: ParsedPush | undefined;
  if (client.resubscribing) {
    // Between a reconnect and its ack the server replays what this client missed (to this socket
    // alone, under the envelope seq of that moment): parsed on its own, never shared.
    push = parsePush(raw);
  } else {
    const seq = envelopeSeq(raw);
    push = Number.isFinite(seq) ? pushes.get(seq) : undefined;
    if (!push || push.length !== raw.length) {
      if (push) stats.mismatches++;
      push = parsePush(raw);
      if (Number.isFinite(seq)) pushes.set(seq, push);
    }
  }
  const { seqs, ts, atMs } = push;
  pushToReceipt.add(now - atMs);
  pushBytes.add(raw.length);
  for (let i = 0; i < seqs.length; i++) {
    if (seqs[i]! <= client.lastSeq) {
      stats.duplicates++;
      continue;
    }
    client.lastSeq = seqs[i]!;
    client.received++;
    latency.add(now - ts[i]!);
    toPush.add(atMs - ts[i]!);
  }
}

/** One console: connects, subscribes to the county and, like a real console, reconnects after a drop
 *  and resubscribes with the last seq it has (the server replays what it missed, or sends a snapshot
 *  when more than 10,000 events were missed: those events then count as not delivered). */
function connect(): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const socket = io(target.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: target.cookie },
      reconnection: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 2000,
      forceNew: true,
      timeout: config.connectTimeoutMs,
      parser: rawParser,
    });
    const client: BenchClient = {
      socket,
      subscribed: false,
      resubscribing: false,
      lastSeq: target.lastSeq,
      received: 0,
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('connect + subscribe timed out')), config.connectTimeoutMs);
    socket.on('connect_error', (error) => {
      if (!client.subscribed) fail(error);
    });
    socket.on('disconnect', (reason) => {
      if (!client.subscribed) return;
      stats.disconnects++;
      disconnectReasons.set(reason, (disconnectReasons.get(reason) ?? 0) + 1);
    });
    // With the raw parser this arrives as the envelope's JSON text.
    socket.on('status:delta', (raw: unknown) => onPush(client, raw as string));
    socket.on('connect', () => {
      const again = client.subscribed;
      if (again) {
        stats.reconnects++;
        client.resubscribing = true;
      }
      socket.emit(
        'status:subscribe',
        { region: countyRegion, lastSeq: client.lastSeq, v: protocolVersion },
        (result: Ack<SubscribeResult>) => {
          client.resubscribing = false;
          if (again) {
            if (!result.ok) {
              firstError ??= `resubscribe: ${result.error.message}`;
              socket.disconnect(); // a real console would retry; here it counts as lost from now on
            } else if (result.data.snapshot) stats.snapshots++;
            return;
          }
          clearTimeout(timer);
          if (!result.ok) return fail(new Error(`${result.error.code}: ${result.error.message}`));
          client.subscribed = true;
          resolve(client);
        },
      );
    });
  });
}

let target: ClientsTarget;

async function main(): Promise<void> {
  target = await new Promise<ClientsTarget>((resolve) => {
    process.on('message', (message: ParentToChild) => {
      if (message.type === 'connect') resolve(message);
    });
    sendToParent({ type: 'loaded' });
  });
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < config.count) {
      next++;
      try {
        clients.push(await connect());
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.connectConcurrency, config.count) }, worker));

  // Parsed pushes every client has had time to receive are dropped (bounded memory).
  setInterval(() => {
    const old = Date.now() - 60_000;
    for (const [seq, push] of pushes) if (push.firstSeen < old) pushes.delete(seq);
  }, 5_000).unref();

  process.on('message', async (message: ParentToChild) => {
    if (message.type === 'mark') {
      loop.histogram.reset();
      pushToReceipt.reset();
      pushBytes.reset();
      stats.entityMessages = stats.statusMessages = stats.entityBytes = stats.statusBytes = 0;
    } else if (message.type === 'progress') {
      let received = 0;
      for (const client of clients) received += client.received;
      sendToParent({ type: 'progress', received, disconnects: stats.disconnects });
    } else if (message.type === 'report') {
      let received = 0;
      let min = Infinity;
      let max = 0;
      for (const client of clients) {
        received += client.received;
        min = Math.min(min, client.received);
        max = Math.max(max, client.received);
      }
      const report: ClientsReport = {
        clients: config.count,
        subscribed: clients.length,
        received,
        duplicates: stats.duplicates,
        minPerClient: clients.length ? min : 0,
        maxPerClient: max,
        entityMessages: stats.entityMessages,
        statusMessages: stats.statusMessages,
        entityBytes: stats.entityBytes,
        statusBytes: stats.statusBytes,
        disconnects: stats.disconnects,
        reconnects: stats.reconnects,
        disconnectReasons: Object.fromEntries(disconnectReasons),
        snapshots: stats.snapshots,
        mismatches: stats.mismatches,
        latency: latency.toSparse(),
        toPush: toPush.toSparse(),
        pushToReceipt: pushToReceipt.toSparse(),
        pushBytes: pushBytes.toSparse(),
        eventLoop: loop.read(),
      };
      sendToParent({ type: 'report', report });
    } else if (message.type === 'exit') {
      for (const client of clients) client.socket.disconnect();
      await sleep(50);
      process.exit(0);
    }
  });
  sendToParent({ type: 'ready', subscribed: clients.length, failed, firstError });
}

main().catch((error: unknown) => {
  sendToParent({ type: 'fatal', message: `clients: ${(error as Error).stack ?? String(error)}` });
  process.exit(1);
});
