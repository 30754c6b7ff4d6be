// npm run bench:realtime [-- --quick] [-- --modes coalesced,naive[,product-naive]] [-- --scenarios 1000x1000,...]
//                        [-- --client-processes 4] [-- --window-ms 50] [-- --max-window-ms 100]
//                        [-- --clients-nice 0]
//
// The real-time pipeline end to end: a console server (its own process), N socket.io clients (spread
// over several processes) subscribed to the county, and a writer process committing changes at R per
// second through the product's repositories; for each scenario the product's coalescing broadcaster
// (window 50 ms, stretched up to 100 ms while its fan-out takes more than half of it) and a naive baseline (one emit per change) are measured in the same run. Prints
// delivered/expected, commit→receipt latency, server CPU and memory, and checks the issue's targets.
//
// Database: the PostgreSQL + PostGIS server at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
// gc_dev), in a fresh schema bench_rt_<random> (migrated, 1% dataset loaded, dropped at the end). All
// traffic is on 127.0.0.1. Every wait is time-boxed; every child process is killed at the end, on
// failure and on Ctrl-C.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_EPOCH, generateDataset } from '../data/generator/generate.ts';
import { createPool, ensureSchema } from '../server/db/database.ts';
import { loadDataset } from '../server/db/dataset-loader.ts';
import { readMaxSeq } from '../server/db/events.repo.ts';
import { migrate } from '../server/db/migrate.ts';
import {
  Histogram,
  benchDemoPassword,
  defaultDatabaseUrl,
  loadAverage,
  readMachineCpu,
  readProcCpu,
  sleep,
  type ChildToParent,
  type ClientsConfig,
  type ClientsReport,
  type Mode,
  type ParentToChild,
  type ServerConfig,
  type ServerStats,
  type WriterConfig,
  type WriterReport,
} from './realtime-common.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
/** `--name value` or `--name=value`. */
function option(name: string): string | undefined {
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const arg = argv[at]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
}
const modes = (option('modes') ?? 'coalesced,naive').split(',').map((m) => m.trim()) as Mode[];
for (const mode of modes) {
  if (!['coalesced', 'naive', 'product-naive'].includes(mode)) throw new Error(`unknown mode ${mode}`);
}
/** `--scenarios 1000x1000,100x10000`: clients x changes per second. */
const scenariosArg = option('scenarios')
  ?.split(',')
  .map((pair) => {
    const [clients, rate] = pair.split('x').map(Number);
    if (!clients || !rate) throw new Error(`bad scenario ${pair}: use CLIENTSxRATE, e.g. 1000x1000`);
    return { clients, rate };
  });
const databaseUrl = process.env.DATABASE_URL || defaultDatabaseUrl;

interface Scenario {
  clients: number;
  rate: number;
}

const settings = quick
  ? {
      scenarios: [
        { clients: 100, rate: 1000 },
        { clients: 1000, rate: 1000 },
      ] as Scenario[],
      seconds: 2,
      drainMs: 2000,
      budgetMs: 100_000,
    }
  : {
      scenarios: [
        { clients: 100, rate: 1000 },
        { clients: 1000, rate: 1000 },
        { clients: 100, rate: 10_000 },
        { clients: 1000, rate: 10_000 },
      ] as Scenario[],
      seconds: 10,
      drainMs: 6000,
      budgetMs: 400_000,
    };
/** The product broadcaster's coalescing window in coalesced mode, shortest and longest (the product's
 *  defaults; the contract allows ≤ 100 ms). */
const windowMs = Number(option('window-ms') ?? 50);
const maxWindowMs = Number(option('max-window-ms') ?? 100);
if (!(windowMs > 0 && windowMs <= maxWindowMs && maxWindowMs <= 100))
  throw new Error('--window-ms, --max-window-ms: 0 < window ≤ max window ≤ 100 (the real-time contract)');
const windowText = windowMs === maxWindowMs ? `${windowMs} ms` : `${windowMs}–${maxWindowMs} ms`;
/** Processes the clients are spread over (`--client-processes`): each is one event loop on a shared core. */
const clientProcesses = Number(option('client-processes') ?? 4);
if (!Number.isInteger(clientProcesses) || clientProcesses < 1)
  throw new Error('--client-processes: a positive integer');
/**
 * Scheduling priority (nice) of the client processes (`--clients-nice`). The clients stand in for consoles
 * on other machines; here they share the 2 cores with the server, and at 1,000 clients they use more CPU
 * than the server does. At a positive nice they still do all their work but yield the cores to the server,
 * the writer and PostgreSQL when those need them: their own queueing stays in the latency.
 */
const clientsNice = Number(option('clients-nice') ?? 0);
if (!Number.isInteger(clientsNice) || clientsNice < 0 || clientsNice > 19)
  throw new Error('--clients-nice: an integer 0..19');
const writerConnections = 4;
/** A transaction carries at most 100 ms worth of changes (1 change per transaction unless behind). */
const maxBatchOf = (rate: number): number => Math.max(1, Math.round(rate / 10));
/** A server above this resident size is stopped (the naive baseline buffers what clients cannot read). */
const rssLimitBytes = 4 * 1024 ** 3;

// ---- child processes -----------------------------------------------------------------------------------

const children = new Set<Child>();

class Child {
  readonly proc: ChildProcess;
  private readonly inbox: ChildToParent[] = [];
  private waiter: (() => void) | null = null;
  exited = false;
  exitInfo = '';

  constructor(
    readonly name: string,
    file: string,
    config: object,
  ) {
    this.proc = fork(path.join(here, file), [], {
      // BENCH_RT_PROFILE_DIR=dir: CPU profiles of the server processes (for looking into them).
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_RT_PROFILE_DIR &&
        (file === 'realtime-server.ts' ||
          (process.env.BENCH_RT_PROFILE_CLIENTS && file === 'realtime-clients.ts'))
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_RT_PROFILE_DIR}`]
          : []),
      ],
      env: { ...process.env, BENCH_RT_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(this);
    this.proc.on('message', (message: ChildToParent) => {
      this.inbox.push(message);
      this.waiter?.();
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      this.exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      children.delete(this);
      this.waiter?.();
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  send(message: ParentToChild): void {
    if (!this.exited && this.proc.connected) this.proc.send(message);
  }

  /** The next message of this type (a 'fatal' one, the child's exit or the time box reject). */
  async waitFor<T extends ChildToParent['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<ChildToParent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fatal = this.inbox.find((m) => m.type === 'fatal');
      if (fatal && fatal.type === 'fatal') throw new Error(fatal.message);
      const index = this.inbox.findIndex((m) => m.type === type);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as Extract<ChildToParent, { type: T }>;
      if (this.exited) throw new Error(`${this.name} exited (${this.exitInfo}) before sending '${type}'`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no '${type}' within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  kill(): void {
    if (this.exited || this.proc.pid === undefined) return;
    try {
      process.kill(this.proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function killChildren(): void {
  for (const child of children) child.kill();
}

/** Asks the children to exit, then kills what is left after 1.5 s. */
async function stopChildren(list: Child[]): Promise<void> {
  for (const child of list) child.send({ type: 'exit' });
  let deadline = Date.now() + 1500;
  while (list.some((c) => !c.exited) && Date.now() < deadline) await sleep(20);
  for (const child of list) child.kill();
  deadline = Date.now() + 5000;
  while (list.some((c) => !c.exited) && Date.now() < deadline) await sleep(20);
}

// ---- one measured run ----------------------------------------------------------------------------------

interface RunResult {
  scenario: Scenario;
  mode: Mode;
  error?: string;
  writer?: WriterReport;
  clients?: ClientsReport[];
  subscribed?: number;
  expected?: number;
  delivered?: number;
  latency?: Histogram;
  toPush?: Histogram;
  pushToReceipt?: Histogram;
  pushBytes?: Histogram;
  commitLatency?: Histogram;
  windowSeconds?: number;
  serverCpu?: number;
  serverRssEnd?: number;
  serverRssPeak?: number;
  clientsCpu?: number;
  /** CPU of the busiest client process (1 = a whole core: that process is the limit). */
  clientsCpuMax?: number;
  writerCpu?: number;
  machineBusyCores?: number;
  drainMs?: number;
  drained?: boolean;
  aborted?: string;
  server?: ServerStats;
  setupMs?: number;
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'commander', password: benchDemoPassword }),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login gave no session cookie');
  return cookie;
}

function memAvailableBytes(): number {
  const match = /MemAvailable:\s+(\d+) kB/.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return match ? Number(match[1]) * 1024 : Infinity;
}

async function runOne(pool: pg.Pool, schema: string, scenario: Scenario, mode: Mode): Promise<RunResult> {
  const result: RunResult = { scenario, mode };
  const spawned = performance.now();
  const mine: Child[] = [];
  try {
    const server = new Child(`server (${mode})`, 'realtime-server.ts', {
      databaseUrl,
      schema,
      mode,
      windowMs,
      maxWindowMs,
      demoPassword: benchDemoPassword,
    } satisfies ServerConfig);
    mine.push(server);
    // Clients and writer load their modules while the server starts.
    const per = Array.from(
      { length: clientProcesses },
      (_, i) =>
        Math.floor(scenario.clients / clientProcesses) + (i < scenario.clients % clientProcesses ? 1 : 0),
    ).filter((n) => n > 0);
    const clientChildren = per.map(
      (count, i) =>
        new Child(`clients #${i + 1}`, 'realtime-clients.ts', {
          count,
          connectConcurrency: 20,
          connectTimeoutMs: 30_000,
        } satisfies ClientsConfig),
    );
    mine.push(...clientChildren);
    for (const c of clientChildren) if (clientsNice) os.setPriority(c.pid, clientsNice);
    const writer = new Child('writer', 'realtime-writer.ts', {
      databaseUrl,
      schema,
      rate: scenario.rate,
      seconds: settings.seconds,
      connections: writerConnections,
      maxBatch: maxBatchOf(scenario.rate),
      seed: 20200128,
    } satisfies WriterConfig);
    mine.push(writer);

    const { url } = await server.waitFor('ready', 60_000);
    const cookie = await login(url!);
    const lastSeq = await readMaxSeq(pool);
    for (const c of clientChildren) {
      await c.waitFor('loaded', 60_000);
      c.send({ type: 'connect', url: url!, cookie, lastSeq });
    }
    const readies = await Promise.all(clientChildren.map((c) => c.waitFor('ready', 90_000)));
    await writer.waitFor('ready', 60_000);
    result.subscribed = readies.reduce((n, r) => n + (r.subscribed ?? 0), 0);
    const connectError = readies.find((r) => r.firstError)?.firstError;
    if (result.subscribed < scenario.clients)
      console.log(
        `  note: ${scenario.clients - result.subscribed} of ${scenario.clients} clients failed to subscribe (${connectError})`,
      );
    await sleep(quick ? 300 : 1000); // let the subscription burst settle before measuring

    // The measured window: from the writer's first change to its last.
    result.setupMs = performance.now() - spawned;
    const machine0 = readMachineCpu();
    writer.send({ type: 'go' });
    await writer.waitFor('started', 10_000);
    const t0 = performance.now();
    server.send({ type: 'mark' });
    for (const c of clientChildren) c.send({ type: 'mark' });
    const server0 = readProcCpu(server.pid);
    const clients0 = clientChildren.map((c) => readProcCpu(c.pid)?.cpuSeconds ?? 0);
    const writer0 = readProcCpu(writer.pid)?.cpuSeconds ?? 0;
    let peak = server0?.rssBytes ?? 0;
    const sampler = setInterval(() => {
      const rss = readProcCpu(server.pid)?.rssBytes ?? 0;
      peak = Math.max(peak, rss);
      if (!result.aborted && (rss > rssLimitBytes || memAvailableBytes() < 1.5 * 1024 ** 3)) {
        result.aborted = `server RSS ${(rss / 1024 ** 2).toFixed(0)} MiB / machine memory low: stopped`;
        writer.kill();
        server.kill();
      }
    }, 200);
    try {
      const { report } = await writer.waitFor('done', settings.seconds * 1000 + 30_000);
      const t1 = performance.now();
      const server1 = readProcCpu(server.pid);
      server.send({ type: 'stats' });
      const machine1 = readMachineCpu();
      const windowSeconds = (t1 - t0) / 1000;
      result.windowSeconds = windowSeconds;
      result.writer = report;
      result.serverCpu = server0 && server1 ? (server1.cpuSeconds - server0.cpuSeconds) / windowSeconds : NaN;
      result.serverRssEnd = server1?.rssBytes ?? NaN;
      result.clientsCpu =
        clientChildren.reduce((n, c, i) => n + (readProcCpu(c.pid)?.cpuSeconds ?? 0) - clients0[i]!, 0) /
        windowSeconds;
      result.clientsCpuMax =
        Math.max(...clientChildren.map((c, i) => (readProcCpu(c.pid)?.cpuSeconds ?? 0) - clients0[i]!)) /
        windowSeconds;
      result.writerCpu = ((readProcCpu(writer.pid)?.cpuSeconds ?? 0) - writer0) / windowSeconds;
      result.server = (await server.waitFor('stats', 10_000)).stats;
      result.machineBusyCores =
        ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * os.cpus().length;

      // Drain: until every client has every change, or the time box ends.
      const expected = report.committed * scenario.clients;
      result.expected = expected;
      const drainStart = performance.now();
      let received = 0;
      while (performance.now() - drainStart < settings.drainMs && !result.aborted) {
        for (const c of clientChildren) c.send({ type: 'progress' });
        const left = Math.max(1000, settings.drainMs - (performance.now() - drainStart));
        const progress = await Promise.all(clientChildren.map((c) => c.waitFor('progress', left))).catch(
          () => null, // a client process too busy to answer within the time box: not drained
        );
        if (!progress) break;
        received = progress.reduce((n, p) => n + p.received, 0);
        if (received >= expected) break;
        await sleep(100);
      }
      result.drainMs = performance.now() - drainStart;
      result.drained = received >= expected;
    } finally {
      clearInterval(sampler);
    }
    result.serverRssPeak = peak;
    for (const c of clientChildren) c.send({ type: 'report' });
    result.clients = (await Promise.all(clientChildren.map((c) => c.waitFor('report', 60_000)))).map(
      (m) => m.report,
    );
    result.delivered = result.clients.reduce((n, r) => n + r.received, 0);
    result.latency = new Histogram();
    result.toPush = new Histogram();
    result.pushToReceipt = new Histogram();
    result.pushBytes = new Histogram();
    for (const r of result.clients) {
      result.latency.merge(r.latency);
      result.toPush.merge(r.toPush);
      result.pushToReceipt.merge(r.pushToReceipt);
      result.pushBytes.merge(r.pushBytes);
    }
    result.commitLatency = new Histogram();
    result.commitLatency.merge(result.writer!.commitLatency);
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    await stopChildren(mine);
  }
  return result;
}

// ---- printing ------------------------------------------------------------------------------------------

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–');
const pct = (n: number, digits = 1): string => (Number.isFinite(n) ? `${(n * 100).toFixed(digits)}%` : '–');
const mib = (bytes: number | undefined): string =>
  bytes === undefined || !Number.isFinite(bytes) ? '–' : `${(bytes / 1024 ** 2).toFixed(0)}`;

function table(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function describeScenario(s: Scenario): string {
  return `${s.clients.toLocaleString('en')} clients × ${s.rate.toLocaleString('en')} changes/s`;
}

function disconnectReasons(reports: ClientsReport[]): string {
  const all = new Map<string, number>();
  for (const r of reports)
    for (const [reason, n] of Object.entries(r.disconnectReasons))
      all.set(reason, (all.get(reason) ?? 0) + n);
  return [...all].map(([reason, n]) => `${reason}: ${n}`).join(', ');
}

function printScenario(scenario: Scenario, results: RunResult[]): void {
  console.log(
    `\n=== ${describeScenario(scenario)}, ${settings.seconds} s (writer: ${writerConnections} connections, ` +
      `≤ ${maxBatchOf(scenario.rate)} changes per transaction) ===`,
  );
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error && !r.writer) {
      rows.push([r.mode, `FAILED: ${r.aborted ?? r.error}`]);
      continue;
    }
    const w = r.writer!;
    const lat = r.latency;
    rows.push([
      r.mode,
      int(w.committed),
      int(w.committed / (w.elapsedMs / 1000)),
      (w.committed / Math.max(1, w.transactions)).toFixed(1),
      `${int(r.delivered ?? NaN)} / ${int(r.expected ?? NaN)}`,
      pct((r.delivered ?? 0) / Math.max(1, r.expected ?? 0), 2),
      lat ? int(lat.quantile(0.5)) : '–',
      lat ? int(lat.quantile(0.99)) : '–',
      lat ? int(lat.max) : '–',
      pct(r.serverCpu ?? NaN),
      `${mib(r.serverRssEnd)} / ${mib(r.serverRssPeak)}`,
    ]);
  }
  console.log(
    table(rows, [
      'mode',
      'committed',
      'per s',
      'ch/tx',
      'delivered / expected',
      'delivered',
      'p50 ms',
      'p99 ms',
      'max ms',
      'server CPU',
      'RSS MiB end/peak',
    ]),
  );
  // Context: what the clients received, what the broadcaster did, and what else the cores were doing.
  for (const r of results) {
    if (!r.writer) continue;
    const sum = (f: (c: ClientsReport) => number) => r.clients?.reduce((n, c) => n + f(c), 0) ?? 0;
    const minPer = Math.min(...(r.clients?.map((c) => c.minPerClient) ?? [0]));
    const seconds = r.windowSeconds! + (r.drainMs ?? 0) / 1000;
    const perClient = (n: number) => n / Math.max(1, r.scenario.clients) / seconds;
    const clientLoop = Math.max(...(r.clients?.map((c) => c.eventLoop.p99) ?? [NaN]));
    const s = r.server;
    const cpuPer1000 = ((r.serverCpu ?? NaN) * r.windowSeconds! * 1e6) / Math.max(1, r.writer.committed);
    const problems = [
      sum((c) => c.duplicates) ? `duplicates ${int(sum((c) => c.duplicates))}` : '',
      sum((c) => c.disconnects)
        ? `disconnects ${int(sum((c) => c.disconnects))} (reconnected ${int(sum((c) => c.reconnects))}, ` +
          `resubscribed from a snapshot ${int(sum((c) => c.snapshots))}; ${disconnectReasons(r.clients ?? [])})`
        : '',
      sum((c) => c.mismatches) ? `push mismatches ${int(sum((c) => c.mismatches))}` : '',
      r.writer.failedTransactions
        ? `${r.writer.failedTransactions} failed transactions (${r.writer.firstError})`
        : '',
      r.aborted ? `ABORTED: ${r.aborted}` : '',
      r.error ? `error: ${r.error}` : '',
    ].filter(Boolean);
    console.log(
      `  ${r.mode}: per client ${perClient(sum((c) => c.entityMessages)).toFixed(0)} entity:events + ` +
        `${perClient(sum((c) => c.statusMessages)).toFixed(0)} status:delta msgs/s, ` +
        `${int(perClient(sum((c) => c.entityBytes)) / 1024)} + ${int(perClient(sum((c) => c.statusBytes)) / 1024)} KiB/s; ` +
        `fewest events at one client ${int(minPer)} of ${int(r.writer.committed)}; ` +
        `setup ${((r.setupMs ?? 0) / 1000).toFixed(1)} s, drain ${((r.drainMs ?? 0) / 1000).toFixed(1)} s` +
        `${r.drained ? '' : ' (time box hit)'}${problems.length ? `; ${problems.join('; ')}` : ''}\n` +
        (s
          ? `     server: ${(s.ticks / r.windowSeconds!).toFixed(0)} broadcaster ticks/s, ${(s.events / Math.max(1, s.ticks)).toFixed(1)} events/tick, ` +
            `event-loop delay p99 ${int(s.eventLoop.p99)} ms (max ${int(s.eventLoop.max)}); ` +
            `${int(cpuPer1000)} CPU-ms per 1,000 changes; client processes' event-loop delay p99 ≤ ${int(clientLoop)} ms\n`
          : '') +
        `     CPU in the window: clients ${pct(r.clientsCpu ?? NaN, 0)} (${clientProcesses} processes, the busiest ` +
        `${pct(r.clientsCpuMax ?? NaN, 0)}), ` +
        `writer ${pct(r.writerCpu ?? NaN, 0)}, whole machine ${(r.machineBusyCores ?? NaN).toFixed(2)} of ` +
        `${os.cpus().length} cores busy; writer t→COMMIT p50/p99 ${int(r.commitLatency?.quantile(0.5) ?? NaN)}/` +
        `${int(r.commitLatency?.quantile(0.99) ?? NaN)} ms`,
    );
  }
  const reached = results
    .filter((r) => r.writer)
    .map((r) => r.writer!.committed / (r.writer!.elapsedMs / 1000));
  if (reached.length && Math.max(...reached) < scenario.rate * 0.9)
    console.log(
      `  note: the machine does not allow ${scenario.rate.toLocaleString('en')} changes/s here: the writer reached ` +
        `${reached.map((x) => int(x)).join(' and ')}/s (PostgreSQL shares the ${os.cpus().length} cores with everything else)`,
    );
  const coalesced = results.find((r) => r.mode === 'coalesced');
  for (const baseline of results.filter((r) => r.mode !== 'coalesced')) {
    if (coalesced?.serverCpu !== undefined && baseline.serverCpu !== undefined)
      console.log(
        `  coalesced CPU ÷ ${baseline.mode} CPU = ${(coalesced.serverCpu / baseline.serverCpu).toFixed(2)}` +
          ` (1/${(baseline.serverCpu / coalesced.serverCpu).toFixed(1)})`,
      );
  }
}

function printTargets(all: RunResult[]): boolean {
  const key = all.filter((r) => r.scenario.clients === 1000 && r.scenario.rate === 1000);
  const c = key.find((r) => r.mode === 'coalesced');
  const n = key.find((r) => r.mode === 'naive') ?? key.find((r) => r.mode !== 'coalesced');
  console.log(
    `\n=== Targets (issue 4) at 1,000 clients × 1,000 changes/s, coalesced (window ${windowText}) ===`,
  );
  if (!c?.latency || !c.writer) {
    console.log('  MISS: no measurement (the run failed)');
    return false;
  }
  const reachedRate = c.writer.committed / (c.writer.elapsedMs / 1000);
  const valid = reachedRate >= 900;
  const lines: [boolean, string][] = [];
  const delivered = (c.delivered ?? 0) / Math.max(1, c.expected ?? 0);
  lines.push([
    delivered >= 1 && (c.expected ?? 0) > 0,
    `100% delivered: ${pct(delivered, 3)} (${int(c.delivered ?? NaN)} / ${int(c.expected ?? NaN)})` +
      (c.writer.committed < 1000 * settings.seconds
        ? `; note: the writer committed ${int(c.writer.committed)} of ${int(1000 * settings.seconds)} changes`
        : ''),
  ]);
  const p99 = c.latency.quantile(0.99);
  lines.push([
    p99 <= 150,
    `p99 ≤ 150 ms: ${int(p99)} ms${p99 > 150 ? ` (${int(p99 - 150)} ms = ${pct(p99 / 150 - 1, 0)} over)` : ''}`,
  ]);
  const cpu = c.serverCpu ?? NaN;
  lines.push([
    cpu <= 0.5,
    `server ≤ 50% of one core: ${pct(cpu)}${cpu > 0.5 ? ` (${pct(cpu - 0.5)} points over)` : ''}`,
  ]);
  if (n?.serverCpu !== undefined) {
    const ratio = cpu / n.serverCpu;
    const naiveNote =
      (n.delivered ?? 0) < (n.expected ?? 0)
        ? `; the ${n.mode} baseline delivered only ${pct((n.delivered ?? 0) / Math.max(1, n.expected ?? 0))}` +
          ' in the time box: it is saturated, so its true CPU need is higher and the ratio is an upper bound'
        : '';
    lines.push([
      ratio <= 0.2,
      `coalesced CPU ≤ 1/5 of the baseline's: ${pct(cpu)} ÷ ${pct(n.serverCpu)} (${n.mode}) = ${ratio.toFixed(2)}` +
        `${ratio > 0.2 ? ` (${pct(ratio / 0.2 - 1, 0)} over)` : ''}${naiveNote}`,
    ]);
  } else lines.push([false, "coalesced CPU ≤ 1/5 of the baseline's: no baseline measured"]);
  for (const [ok, text] of lines) console.log(`  ${ok && valid ? 'PASS' : 'MISS'}  ${text}`);
  if (n?.serverCpu !== undefined && n.delivered && c.delivered) {
    // A saturated baseline's CPU is capped by the share of the cores it gets, not by its need: the CPU
    // each mode spent per event it actually delivered to a client compares the work, whatever the cap.
    const perDelivery = (r: RunResult) =>
      ((r.serverCpu ?? NaN) * (r.windowSeconds ?? NaN) * 1e6) / r.delivered!;
    console.log(
      `  context: server CPU per delivered event: coalesced ${perDelivery(c).toFixed(2)} µs, ${n.mode} ` +
        `${perDelivery(n).toFixed(2)} µs (ratio ${(perDelivery(c) / perDelivery(n)).toFixed(3)})`,
    );
    if ((n.delivered ?? 0) < (n.expected ?? 0)) {
      // An added judgement, not a replacement of the literal one above: like the issue's time-boxed and
      // extrapolated baselines, the saturated baseline's need is its CPU per delivered event times the
      // events it should have delivered, over the same window. Conservative: the baseline is credited with
      // what it delivered during the drain too, whose CPU is not counted.
      const need = (perDelivery(n) * (n.expected ?? NaN)) / 1e6 / (n.windowSeconds ?? NaN);
      const ratio = cpu / need;
      console.log(
        `  ${ratio <= 0.2 && valid ? 'PASS' : 'MISS'}  (added, time-boxed and extrapolated) coalesced CPU ≤ 1/5 of ` +
          `the ${n.mode} baseline's extrapolated need: ${pct(cpu)} ÷ ${pct(need, 0)} of a core ` +
          `(${perDelivery(n).toFixed(2)} µs per delivered event × ${int(n.expected ?? NaN)} events in ` +
          `${(n.windowSeconds ?? NaN).toFixed(1)} s) = ${ratio.toFixed(3)}; the literal ratio above stays the judged one`,
      );
    }
  }
  if (!valid)
    console.log(
      `  all MISS: not a measurement at the target load: the writer reached only ${int(reachedRate)} changes/s ` +
        '(the database did not keep up on this machine at the time)',
    );
  const busy = c.machineBusyCores ?? NaN;
  console.log(
    `  context: ${os.cpus().length} cores shared by PostgreSQL, the writer, the server and ${clientProcesses} client ` +
      `processes: ${busy.toFixed(2)} cores busy during the window (clients ${pct(c.clientsCpu ?? NaN, 0)}, the ` +
      `busiest client process ${pct(c.clientsCpuMax ?? NaN, 0)}, its event-loop delay p99 ≤ ` +
      `${int(Math.max(...(c.clients?.map((r) => r.eventLoop.p99) ?? [NaN])))} ms, ` +
      `writer ${pct(c.writerCpu ?? NaN, 0)}, server ${pct(cpu, 0)}, the rest PostgreSQL and other work on the ` +
      `machine); latency includes the writer's INSERT+COMMIT (p99 ${int(c.commitLatency?.quantile(0.99) ?? NaN)} ms) ` +
      'and the clients’ own queueing.',
  );
  // Where the time goes: the bytes every push writes to every socket, and the broadcaster's real period.
  const seconds = (c.windowSeconds ?? NaN) + (c.drainMs ?? 0) / 1000;
  const entityBytes = c.clients?.reduce((n, r) => n + r.entityBytes, 0) ?? 0;
  const statusBytes = c.clients?.reduce((n, r) => n + r.statusBytes, 0) ?? 0;
  const ticks = c.server ? c.server.ticks / (c.windowSeconds ?? NaN) : NaN;
  console.log(
    `  load on the server: it wrote ${((entityBytes + statusBytes) / seconds / 1024 ** 2).toFixed(0)} MiB/s of ` +
      `pushes to its sockets (${int((entityBytes + statusBytes) / seconds / 1024 / c.scenario.clients)} KiB/s per ` +
      `client, ${pct(statusBytes / Math.max(1, entityBytes + statusBytes), 0)} of it status:delta); the ` +
      `broadcaster ran ${ticks.toFixed(1)} ticks/s (a ${windowText} window: ${(1000 / maxWindowMs).toFixed(0)}–` +
      `${(1000 / windowMs).toFixed(0)} ticks/s; each tick is due one window after the previous one started), server event-loop delay p99 ` +
      `${int(c.server?.eventLoop.p99 ?? NaN)} ms.`,
  );
  printBreakdown(c);
  return valid && lines.every(([ok]) => ok);
}

/** Where the commit→receipt time goes, from the clients' clocks (same machine) and the broadcaster's own
 *  tick timing: commit (t) → the push's `at` (window wait + log read + status refresh) and `at` → receipt
 *  (fan-out to every socket, the wire, the client process's queue), and the bytes of each push. */
function printBreakdown(c: RunResult): void {
  const q = (h: Histogram | undefined, quantile: number) => int(h?.quantile(quantile) ?? NaN);
  const ms = (h: Histogram | undefined) =>
    `mean ${int(h?.mean() ?? NaN)} / p50 ${q(h, 0.5)} / p99 ${q(h, 0.99)} ms`;
  console.log(
    `  latency breakdown: commit→receipt ${ms(c.latency)}\n` +
      `     commit (t) → push time at (window wait, log read, refresh): ${ms(c.toPush)}\n` +
      `     push time at → client receipt (fan-out, wire, client queue), per push: ${ms(c.pushToReceipt)}`,
  );
  const p = c.server?.phases;
  if (p) {
    const f = (s: { mean: number; p50: number; p99: number }) =>
      `${s.mean.toFixed(1)}/${s.p50.toFixed(1)}/${s.p99.toFixed(1)}`;
    console.log(
      `     broadcaster tick phases, mean/p50/p99 ms: started late ${f(p.lateMs)}, log read ${f(p.readMs)}, ` +
        `refresh ${f(p.refreshMs)}, fan-out ${f(p.fanOutMs)}`,
    );
  }
  const b = c.pushBytes;
  if (b?.count)
    console.log(
      `  bytes per push (socket.io packet text, per socket): mean ${int(b.mean())} / p50 ${q(b, 0.5)} / ` +
        `p99 ${q(b, 0.99)}; ${(c.writer ? c.writer.committed / Math.max(1, c.server?.ticks ?? 0) : NaN).toFixed(0)} changes per push`,
    );
}

// ---- main ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  const watchdog = setTimeout(() => {
    console.error(`bench:realtime: over its ${settings.budgetMs / 1000} s budget; stopping`);
    killChildren();
    void Promise.race([dropSchema?.(), sleep(8000)]).finally(() => process.exit(2));
  }, settings.budgetMs + 60_000);
  watchdog.unref();

  const cpus = os.cpus();
  console.log(
    `bench:realtime${quick ? ' --quick' : ''}: modes ${modes.join(', ')}; ${settings.seconds} s per run\n` +
      `machine: ${cpus.length} cores (${cpus[0]?.model.trim()}), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, ` +
      `load average ${loadAverage()} at start; Node ${process.version}; everything on 127.0.0.1`,
  );
  const load1 = Number(loadAverage().split(' ')[0]);
  if (load1 > cpus.length * 0.75)
    console.log(
      `warning: the machine is already busy (1-minute load ${load1} on ${cpus.length} cores): other work ` +
        'competes with the bench for CPU; latency and throughput below are pessimistic.',
    );
  const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
  } catch (error) {
    console.log(
      `MISS: cannot reach PostgreSQL at ${databaseUrl} (${(error as Error).message}). This bench needs the real ` +
        'server: the embedded engine (PGlite) serialises all queries on one session and cannot take 1,000 commits/s.',
    );
    process.exitCode = 1;
    return;
  }
  const settingsRow = (
    await admin.query<{ version: string; sync: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync`,
    )
  ).rows[0]!;
  const version = settingsRow.version;
  const syncCommit = settingsRow.sync;
  await admin.end();
  console.log(
    `database: PostgreSQL ${version} + PostGIS at ${databaseUrl.replace(/:[^:@/]*@/, ':***@')} ` +
      `(synchronous_commit ${syncCommit}). The embedded engine is not benchmarked: it serialises every query ` +
      'on one session and cannot take 1,000 commits/s.',
  );

  const schema = `bench_rt_${randomBytes(5).toString('hex')}`;
  const pool = createPool({ connectionString: databaseUrl, max: 4 }, schema);
  let dropped: boolean | null = null;
  dropSchema = async () => {
    if (dropped !== null) return;
    dropped = false;
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query(
        `SET lock_timeout = '20s'; DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`,
      );
      dropped = true;
    } catch (error) {
      console.log(`could not drop schema ${schema}: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const results: RunResult[] = [];
  let allPass: boolean;
  try {
    const t = performance.now();
    await ensureSchema(pool, schema);
    await migrate(pool);
    const dataset = generateDataset({ seed: 20200128, scale: 0.01, epoch: DEFAULT_EPOCH });
    await loadDataset(pool, dataset, { demoPassword: benchDemoPassword });
    const grids = (
      await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM grids WHERE kind = 'territorial'`)
    ).rows[0]!.n;
    console.log(
      `schema ${schema}: migrated, 1% dataset loaded (seed 20200128; ${grids} territorial grids) in ` +
        `${((performance.now() - t) / 1000).toFixed(1)} s\n` +
        `a change = one transaction: bumpGridStatus(grid, {openReports: 1}) + appendEvents('report:filed', ` +
        `{reportId: 0, kind: 'bench', t}), grid uniform at random; when a writer connection finds several ` +
        `changes due it commits them in one transaction (column ch/tx; their counter bumps as one UPDATE)\n` +
        `latency = client receipt time − t (Date.now() just before the event INSERT + COMMIT); clients ` +
        `subscribe to the county room (${clientProcesses} processes, one websocket each` +
        `${clientsNice ? `, at nice ${clientsNice}: they yield the cores to the server, writer and PostgreSQL` : ', at the same priority as the server'})\n` +
        `modes: coalesced = product broadcaster, window ${windowText} (stretched while a push's fan-out takes more than half of it): one status:delta (statuses + entity ` +
        `events) per room per window; naive = one status:delta emit per change carrying that event, no statuses ` +
        `(bench/realtime-naive.ts)` +
        `${modes.includes('product-naive') ? '; product-naive = product broadcaster with window 0, batchLimit 1' : ''}`,
    );

    for (const scenario of scenariosArg ?? settings.scenarios) {
      const scenarioResults: RunResult[] = [];
      for (const mode of modes) {
        if (performance.now() - began > settings.budgetMs) {
          scenarioResults.push({ scenario, mode, error: 'skipped: time budget used up' });
          continue;
        }
        const result = await runOne(pool, schema, scenario, mode);
        scenarioResults.push(result);
        results.push(result);
      }
      printScenario(scenario, scenarioResults);
    }
    allPass = printTargets(results);
  } finally {
    killChildren();
    await sleep(200);
    await pool.end().catch(() => undefined);
    await dropSchema();
    clearTimeout(watchdog);
  }
  console.log(
    `\n${allPass ? 'all targets PASS' : 'some targets MISSED (see above)'}; total ${((performance.now() - began) / 1000).toFixed(0)} s; ` +
      `load average ${loadAverage()} at end; schema ${schema} ${dropped ? 'dropped' : 'NOT dropped'}`,
  );
}

/** Drops the bench schema (set once it exists): also run on Ctrl-C. */
let dropSchema: (() => Promise<void>) | null = null;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    console.log(`\n${signal}: children killed; dropping the bench schema`);
    void Promise.race([dropSchema?.(), sleep(8000)]).finally(() => process.exit(130));
  });
}
process.on('exit', killChildren);

main().catch((error: unknown) => {
  console.error(error);
  killChildren();
  process.exitCode = 1;
});
