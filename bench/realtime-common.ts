// Shared by bench/realtime.ts and its child processes (server, clients, writer): the IPC messages, a
// millisecond latency histogram that merges across processes, /proc readers, and the small helpers the
// children need to stay bounded (they exit when the parent goes away).
import fs from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const defaultDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/gc_dev';
export const benchDemoPassword = 'bench-realtime-1';
/** The county's region code: every bench client subscribes to the county room. */
export const countyRegion = '331023';

export type Mode = 'coalesced' | 'naive' | 'product-naive';

export interface ServerConfig {
  databaseUrl: string;
  schema: string;
  mode: Mode;
  /** Coalescing window of the product broadcaster in coalesced mode: shortest and longest (stretched
   *  while a push's fan-out takes more than half of the window). */
  windowMs: number;
  maxWindowMs: number;
  demoPassword: string;
}

export interface ClientsConfig {
  count: number;
  /** Concurrent handshakes while connecting. */
  connectConcurrency: number;
  connectTimeoutMs: number;
}

export interface WriterConfig {
  databaseUrl: string;
  schema: string;
  rate: number;
  seconds: number;
  connections: number;
  maxBatch: number;
  seed: number;
}

/** Sparse histogram: [milliseconds, count] pairs (cheap to send over IPC). */
export type SparseHistogram = [number, number][];

export interface ClientsReport {
  clients: number;
  subscribed: number;
  /** Bench events received, summed over clients. */
  received: number;
  duplicates: number;
  /** Fewest / most bench events any one client of this process received. */
  minPerClient: number;
  maxPerClient: number;
  entityMessages: number;
  statusMessages: number;
  entityBytes: number;
  statusBytes: number;
  disconnects: number;
  /** Reconnections (each resubscribes with its last seq: replay, or a snapshot if too far behind). */
  reconnects: number;
  /** socket.io-client's disconnect reasons and how often each occurred. */
  disconnectReasons: Record<string, number>;
  snapshots: number;
  /** Pushes whose content differed from another client's copy of the same push (must be 0). */
  mismatches: number;
  latency: SparseHistogram;
  /** Per bench event: commit (t) → the push's server time `at` (window wait, log read, refresh). */
  toPush: SparseHistogram;
  /** Per push received: its `at` → receipt (fan-out to every socket, the wire, this process's queue). */
  pushToReceipt: SparseHistogram;
  /** Bytes of the pushes received (the socket.io packet text), per push. */
  pushBytes: SparseHistogram;
  eventLoop: EventLoopDelay;
}

/** Event-loop delay since the last 'mark' (perf_hooks.monitorEventLoopDelay), milliseconds. */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** Mean, median and 99th percentile of a series of milliseconds. */
export interface Spread {
  mean: number;
  p50: number;
  p99: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: NaN, p50: NaN, p99: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, p50: at(0.5), p99: at(0.99) };
}

export interface ServerStats {
  /** Broadcaster ticks that pushed, pushes (one per room), events read: since the last 'mark'. */
  ticks: number;
  pushes: number;
  events: number;
  eventLoop: EventLoopDelay;
  /** The product broadcaster's tick phases (server/realtime/broadcaster.ts TickTiming), when it ran. */
  phases?: { lateMs: Spread; readMs: Spread; refreshMs: Spread; fanOutMs: Spread };
}

export interface WriterReport {
  committed: number;
  transactions: number;
  failedTransactions: number;
  firstError: string | null;
  firstSeq: number | null;
  lastSeq: number | null;
  elapsedMs: number;
  /** t (taken just before the event INSERT) → COMMIT returned, per transaction. */
  commitLatency: SparseHistogram;
}

/** Sent to a clients process once the server is up (the processes start in parallel with it). */
export interface ClientsTarget {
  type: 'connect';
  url: string;
  cookie: string;
  /** Subscribe with this lastSeq: an empty replay instead of a full snapshot per client. */
  lastSeq: number;
}

export type ParentToChild =
  | ClientsTarget
  | { type: 'go' }
  | { type: 'progress' }
  | { type: 'report' }
  | { type: 'stats' }
  /** Start of the measured window: counters and the event-loop delay histogram restart. */
  | { type: 'mark' }
  | { type: 'exit' };

export type ChildToParent =
  /** Loaded and listening for messages. */
  | { type: 'loaded' }
  | { type: 'ready'; url?: string; subscribed?: number; failed?: number; firstError?: string | null }
  | { type: 'started'; at: number }
  | { type: 'done'; report: WriterReport }
  | { type: 'progress'; received: number; disconnects: number }
  | { type: 'report'; report: ClientsReport }
  | { type: 'stats'; stats: ServerStats }
  | { type: 'fatal'; message: string };

/** 1 ms buckets up to 120 s; everything later lands in the last bucket. */
export class Histogram {
  static readonly limitMs = 120_000;
  readonly buckets = new Float64Array(Histogram.limitMs + 1);
  count = 0;
  max = 0;

  add(ms: number, n = 1): void {
    const bucket = ms < 0 ? 0 : ms > Histogram.limitMs ? Histogram.limitMs : Math.floor(ms);
    this.buckets[bucket]! += n;
    this.count += n;
    if (ms > this.max) this.max = ms;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.max = 0;
  }

  /** Mean of the bucket values (1 ms resolution). */
  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]! > 0) sum += i * this.buckets[i]!;
    return this.count ? sum / this.count : NaN;
  }

  merge(sparse: SparseHistogram): void {
    for (const [ms, n] of sparse) this.add(ms, n);
  }

  toSparse(): SparseHistogram {
    const out: SparseHistogram = [];
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]! > 0) out.push([i, this.buckets[i]!]);
    return out;
  }

  /** The smallest bucket with at least q of all samples at or below it (NaN when empty). */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const want = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= want) return i;
    }
    return Histogram.limitMs;
  }
}

export interface ProcCpu {
  /** utime + stime, seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

const clockTicks = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64 (checked with `getconf CLK_TCK`)

/** CPU time and resident memory of a process from /proc; null once it is gone. */
export function readProcCpu(pid: number): ProcCpu | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, rss (pages) 24.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / clockTicks, rssBytes: rssPages * 4096 };
  } catch {
    return null;
  }
}

/** Machine-wide CPU counters (all cores): busy and total jiffies. */
export function readMachineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export function loadAverage(): string {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** A child's configuration comes in one environment variable as JSON. */
export function readChildConfig<T>(): T {
  const raw = process.env.BENCH_RT_CONFIG;
  if (!raw) throw new Error('BENCH_RT_CONFIG is not set: this file is started by bench/realtime.ts');
  return JSON.parse(raw) as T;
}

export function sendToParent(message: ChildToParent): void {
  process.send?.(message);
}

/** A child never outlives the bench: it exits when the IPC channel closes or after `maxLifeMs`. */
export function bindChildLifetime(maxLifeMs: number): void {
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => {
    console.error(`${process.argv[1]}: still running after ${maxLifeMs} ms; exiting`);
    process.exit(3);
  }, maxLifeMs).unref();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function startEventLoopMonitor(): { histogram: IntervalHistogram; read(): EventLoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    histogram,
    read: () => ({
      p50: histogram.percentile(50) / 1e6,
      p99: histogram.percentile(99) / 1e6,
      max: histogram.max / 1e6,
    }),
  };
}
