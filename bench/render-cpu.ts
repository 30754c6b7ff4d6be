// Where the CPU goes while bench/render.ts measures: per window, the CPU time (from /proc) of Chromium's
// renderer, its GPU process (SwiftShader draws there) and its other processes, of this Node process
// (the console server and the writer run in it), of the PostgreSQL backends serving it, and of
// everything else on the machine; and the renderer main thread's busy time (CDP Performance metrics).
// Also CPU pinning (taskset) of those groups, and a CDP CPU profile's top self-time functions.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { CDPSession } from 'playwright-core';

const run = promisify(execFile);
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux build we run on). */
const ticksPerSecond = 100;

export type Group = 'renderer' | 'gpu' | 'browser' | 'bench' | 'postgres' | 'other';
export const groups: readonly Group[] = ['renderer', 'gpu', 'browser', 'bench', 'postgres', 'other'];

interface ProcInfo {
  pid: number;
  ppid: number;
  ticks: number;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

const cmdline = (pid: number): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** This process's descendants, classified: Chromium's renderer, GPU process, its other processes. */
function descendants(): Map<number, { info: ProcInfo; group: Group }> {
  const all: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) all.push(info);
  }
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out = new Map<number, { info: ProcInfo; group: Group }>();
  const walk = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      const args = cmdline(child.pid);
      const group: Group = args.includes('--type=renderer')
        ? 'renderer'
        : args.includes('--type=gpu-process')
          ? 'gpu'
          : /chrom/i.test(args)
            ? 'browser'
            : 'bench';
      out.set(child.pid, { info: child, group });
      walk(child.pid);
    }
  };
  walk(process.pid);
  return out;
}

export interface CpuSnapshot {
  at: number;
  ticks: Map<number, { ticks: number; group: Group }>;
  machine: { busy: number; total: number };
  mainThreadS: number;
  scriptS: number;
}

export interface CpuWindow {
  seconds: number;
  /** Cores used per group over the window (1 = one core busy the whole time). */
  cores: Record<Group, number>;
  /** Renderer main thread busy (CDP TaskDuration) and in script, as a share of the window. */
  mainThread: number;
  script: number;
}

export class CpuMeter {
  private cdp: CDPSession | null = null;

  constructor(private readonly postgresPids: () => Promise<number[]>) {}

  async attach(cdp: CDPSession): Promise<void> {
    this.cdp = cdp;
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  }

  async snapshot(): Promise<CpuSnapshot> {
    const ticks = new Map<number, { ticks: number; group: Group }>();
    const self = readProc(process.pid);
    if (self) ticks.set(process.pid, { ticks: self.ticks, group: 'bench' });
    for (const [pid, { info, group }] of descendants()) ticks.set(pid, { ticks: info.ticks, group });
    for (const pid of await this.postgresPids()) {
      const info = readProc(pid);
      if (info) ticks.set(pid, { ticks: info.ticks, group: 'postgres' });
    }
    let mainThreadS = NaN;
    let scriptS = NaN;
    if (this.cdp) {
      const { metrics } = await this.cdp.send('Performance.getMetrics');
      mainThreadS = metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
      scriptS = metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN;
    }
    return { at: performance.now(), ticks, machine: machineTicks(), mainThreadS, scriptS };
  }

  static between(a: CpuSnapshot, b: CpuSnapshot): CpuWindow {
    const seconds = (b.at - a.at) / 1000;
    const cores = Object.fromEntries(groups.map((g) => [g, 0])) as Record<Group, number>;
    let ours = 0;
    for (const [pid, end] of b.ticks) {
      const start = a.ticks.get(pid)?.ticks ?? 0;
      const d = (end.ticks - start) / ticksPerSecond / seconds;
      cores[end.group] += d;
      ours += d;
    }
    const jiffies = b.machine.total - a.machine.total;
    const busyCores = jiffies > 0 ? ((b.machine.busy - a.machine.busy) / jiffies) * cpuCount() : 0;
    cores.other = Math.max(0, busyCores - ours);
    return {
      seconds,
      cores,
      mainThread: (b.mainThreadS - a.mainThreadS) / seconds,
      script: (b.scriptS - a.scriptS) / seconds,
    };
  }
}

export const cpuCount = (): number => {
  const text = fs.readFileSync('/proc/stat', 'utf8');
  return text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;
};

/** Mean of several windows' figures. */
export function meanWindow(list: CpuWindow[]): CpuWindow {
  const n = Math.max(1, list.length);
  const cores = Object.fromEntries(
    groups.map((g) => [g, list.reduce((a, w) => a + w.cores[g], 0) / n]),
  ) as Record<Group, number>;
  return {
    seconds: list.reduce((a, w) => a + w.seconds, 0),
    cores,
    mainThread: list.reduce((a, w) => a + w.mainThread, 0) / n,
    script: list.reduce((a, w) => a + w.script, 0) / n,
  };
}

export const formatWindow = (w: CpuWindow): string =>
  `renderer main thread busy ${(w.mainThread * 100).toFixed(0)}% (script ${(w.script * 100).toFixed(0)}%); cores: ` +
  groups.map((g) => `${g} ${w.cores[g].toFixed(2)}`).join(', ');

// ---------------------------------------------------------------------------------------------------
// Pinning: Chromium on one set of CPUs, the bench's own server/writer/PostgreSQL backends on another.

/** Sets the CPU affinity of every thread of pid (taskset -a). */
export async function pin(pid: number, cpus: string): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', cpus, String(pid)]);
}

/** Nice values of threads before `reniceTree` changed them, to restore. */
const savedNice = new Map<string, number>();

const threadNice = (pid: number, tid: string): number | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return null;
  }
};

/**
 * Sets the nice value of every thread of the given processes (setpriority acts on one thread on
 * Linux), remembering the old values; `null` restores them. False when a renice failed (not root).
 */
export async function reniceThreads(pids: number[], nice: number | null): Promise<boolean> {
  let ok = true;
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone
    }
    for (const tid of tids) {
      const key = `${pid}/${tid}`;
      const now = threadNice(pid, tid);
      if (now === null) continue;
      if (nice !== null && !savedNice.has(key)) savedNice.set(key, now);
      const target = nice ?? savedNice.get(key);
      if (target === undefined || target === now) continue;
      ok =
        (await run('renice', ['-n', String(target), '-p', tid]).then(
          () => true,
          () => false,
        )) && ok;
    }
  }
  if (nice === null) savedNice.clear();
  return ok;
}

/** Chromium's process ids (this process's descendants). */
export const browserPids = (): number[] =>
  [...descendants()].filter(([, { group }]) => group !== 'bench').map(([pid]) => pid);

/** Pins this process and its non-Chromium children to benchCpus, Chromium's processes to browserCpus. */
export async function pinAll(browserCpus: string, benchCpus: string, postgresPids: number[]): Promise<void> {
  await pin(process.pid, benchCpus);
  for (const [pid, { group }] of descendants())
    await pin(pid, group === 'bench' ? benchCpus : browserCpus).catch(() => undefined);
  for (const pid of postgresPids) await pin(pid, benchCpus).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------------
// CDP CPU profile of the renderer's main thread: top functions by self time.
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export function topSelf(profile: Profile, limit = 14): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? url.slice(url.lastIndexOf('/') + 1).replace(/-[\w-]{8}\.(m?js)$/, '.$1') : '';
    const key = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([k, ms]) => `${((ms / totalMs) * 1000).toFixed(1).padStart(6)} ms/s  ${k}`);
}
