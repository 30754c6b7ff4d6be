// Main-thread side of the spatial worker threads: a client for one worker (createSpatialWorker) and a
// small pool that splits bulk assignments across workers (createSpatialWorkerPool).
// Indexes built by workers live in SharedArrayBuffers: the main thread wraps the same memory
// (GridIndex.fromData) and every pool worker loads it without copying.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { GridIndex } from './grid-index.ts';
import type { GridIndexOptions } from './grid-index.ts';
import { isPackedGrids, packedTransferables, packGridsInSlices, SpatialInputError } from './packed-grids.ts';
import type { GridInput, PackedGrids, SpatialInputErrorCode } from './packed-grids.ts';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

export interface BulkAssignment {
  /** Territorial grid id per point, -1 = outside every territorial grid. */
  ids: Int32Array;
  /** Revision of the index that produced every id. */
  revision: number;
}

type Pending = { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void };

/** Distributes Omit over a union, so each request variant keeps its own fields. */
type RequestBody = WorkerRequest extends infer R
  ? R extends WorkerRequest
    ? Omit<R, 'requestId'>
    : never
  : never;

/**
 * Start assign-worker in a new thread. From compiled output that is the sibling .js file. From
 * TypeScript sources (node --import tsx, vitest) it is the .ts file, which needs tsx's loader inside the
 * worker; on Node 20, `execArgv: ['--import', 'tsx']` registers the hooks too late for a worker's entry
 * module ("Unknown file extension .ts"), so a tiny eval'd bootstrap registers tsx first and then imports
 * the worker. tsx is resolved from this file, so the worker does not depend on the process's cwd.
 */
function spawnAssignWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./assign-worker.js', import.meta.url));
  const entry = new URL('./assign-worker.ts', import.meta.url).href;
  const tsxApi = resolveTsxEsmApi();
  const bootstrap = `import(${JSON.stringify(tsxApi)})
  .then((tsx) => { (tsx.register ?? tsx.default.register)(); return import(${JSON.stringify(entry)}); })
  .catch((error) => { process.nextTick(() => { throw error; }); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

/** URL of tsx's ESM register API (its CommonJS build cannot register hooks from a worker). */
function resolveTsxEsmApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    // Runtimes without import.meta.resolve: read the ESM target from tsx's package exports.
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve('tsx/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    return new URL(manifest.exports['./esm/api']!.import.default, pathToFileURL(manifestPath)).href;
  }
}

/** One worker thread. Requests are answered in order; a crashed worker rejects everything pending. */
export class SpatialWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor() {
    this.worker = spawnAssignWorker();
    this.worker.on('message', (response: WorkerResponse) => {
      const waiting = this.pending.get(response.requestId);
      if (!waiting) return;
      this.pending.delete(response.requestId);
      if (response.type === 'error') {
        const error = response.code
          ? new SpatialInputError(response.code as SpatialInputErrorCode, response.message)
          : new Error(response.message);
        waiting.reject(error);
      } else {
        waiting.resolve(response);
      }
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`spatial worker exited with code ${code}`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private request(body: RequestBody, transfer: readonly TransferListItem[] = []): Promise<WorkerResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.worker.postMessage({ ...body, requestId } as WorkerRequest, transfer);
    });
  }

  /** Link this worker to another of the pool (see WorkerRequest 'peer'). */
  async peer(port: MessagePort, role: 'builder' | 'helper'): Promise<void> {
    await this.request({ type: 'peer', port, role }, [port]);
  }

  /**
   * Build an index in the worker and return the main thread's view of it (same shared memory).
   * GeoJSON input is packed here into shared memory in slices of a few ms (~0.5 s in all for 6 M
   * vertices, never in one piece); packed input is copied by postMessage unless it already lives in
   * SharedArrayBuffers. Does not load the index for 'assign'.
   */
  async build(
    grids: readonly GridInput[] | PackedGrids,
    revision: number,
    options: GridIndexOptions = {},
  ): Promise<{ index: GridIndex; buildMs: number; threads: 1 | 2 }> {
    const packed = isPackedGrids(grids) ? grids : await packGridsInSlices(grids, 8, { shared: true });
    const transfer = isPackedGrids(grids) ? [] : packedTransferables(packed);
    const response = await this.request({ type: 'build', grids: packed, revision, options }, transfer);
    if (response.type !== 'built') throw new Error(`unexpected worker response ${response.type}`);
    return { index: GridIndex.fromData(response.data), buildMs: response.buildMs, threads: response.threads };
  }

  /** Install an index for assignPoints. Zero-copy for worker-built (shared) indexes; copied otherwise. */
  async load(index: GridIndex): Promise<void> {
    await this.request({ type: 'load', data: index.toData() });
  }

  /**
   * Assign points [from, to) in the worker. With `out` in shared memory the worker writes into it and
   * `ids` is null; otherwise the chunk is copied to the worker and the ids come back in a new array.
   */
  async assignRange(
    xs: Float64Array,
    ys: Float64Array,
    from: number,
    to: number,
    out: Int32Array | null,
  ): Promise<{ ids: Int32Array | null; revision: number }> {
    let response: WorkerResponse;
    if (out) {
      response = await this.request({ type: 'assign', xs, ys, from, to, out });
    } else {
      const x = xs.slice(from, to);
      const y = ys.slice(from, to);
      response = await this.request({ type: 'assign', xs: x, ys: y, from: 0, to: to - from, out: null }, [
        x.buffer,
        y.buffer,
      ]);
    }
    if (response.type !== 'assigned') throw new Error(`unexpected worker response ${response.type}`);
    return { ids: response.ids, revision: response.revision };
  }

  async assignPoints(xs: Float64Array, ys: Float64Array): Promise<BulkAssignment> {
    const { ids, revision } = await this.assignRange(xs, ys, 0, xs.length, null);
    return { ids: ids ?? new Int32Array(0), revision };
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('spatial worker terminated');
    await this.worker.terminate();
  }
}

export function createSpatialWorker(): SpatialWorker {
  return new SpatialWorker();
}

export interface SpatialWorkerPoolOptions {
  /**
   * Worker threads; default: available cores - 1, leaving one for the event loop, but at least 2 so that
   * large builds run on two threads (the event loop mostly waits meanwhile).
   */
  size?: number;
}

/**
 * A few SpatialWorkers for bulk jobs and builds. Loads are posted to every worker in the same tick, and
 * each worker handles messages in order, so all chunks of one assignPoints call see the same index
 * revision. Builds run on the first worker, which hands half of each large one to the second over a
 * channel of their own (parallel-build.ts).
 */
export class SpatialWorkerPool {
  readonly workers: SpatialWorker[];
  private readonly linked: Promise<void>;
  private loadedRevision: number | null = null;

  constructor(options: SpatialWorkerPoolOptions = {}) {
    const size = Math.max(1, options.size ?? Math.max(2, os.availableParallelism() - 1));
    this.workers = Array.from({ length: size }, () => new SpatialWorker());
    if (size >= 2) {
      const { port1, port2 } = new MessageChannel();
      this.linked = Promise.all([
        this.workers[0]!.peer(port1, 'builder'),
        this.workers[1]!.peer(port2, 'helper'),
      ]).then(() => undefined);
    } else this.linked = Promise.resolve();
    // Build requests wait for the link; a failed link surfaces there, not as an unhandled rejection.
    this.linked.catch(() => undefined);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Revision loaded in the workers, or null. */
  get revision(): number | null {
    return this.loadedRevision;
  }

  /** Build an index (on two threads when large); the pool keeps answering with the old one meanwhile. */
  async build(
    grids: readonly GridInput[] | PackedGrids,
    revision: number,
    options: GridIndexOptions = {},
  ): Promise<GridIndex> {
    return (await this.buildTimed(grids, revision, options)).index;
  }

  /** build, with the time the builder worker spent (benchmarks print it). */
  async buildTimed(
    grids: readonly GridInput[] | PackedGrids,
    revision: number,
    options: GridIndexOptions = {},
  ): Promise<{ index: GridIndex; buildMs: number; threads: 1 | 2 }> {
    await this.linked;
    return this.workers[0]!.build(grids, revision, options);
  }

  /** Install an index in every worker (see GridIndexHolder's onApply). */
  async load(index: GridIndex): Promise<void> {
    await Promise.all(this.workers.map((w) => w.load(index)));
    this.loadedRevision = index.revision;
  }

  /**
   * Territorial ids for many points, split into one contiguous chunk per worker. If xs and ys live in
   * SharedArrayBuffers, workers read them in place and write a shared result; else chunks are copied.
   */
  async assignPoints(xs: Float64Array, ys: Float64Array): Promise<BulkAssignment> {
    if (ys.length !== xs.length) throw new RangeError('assignPoints: xs and ys must have the same length');
    const n = xs.length;
    const shared = xs.buffer instanceof SharedArrayBuffer && ys.buffer instanceof SharedArrayBuffer;
    const ids = shared ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n);
    const chunk = Math.ceil(n / this.workers.length);
    const parts = await Promise.all(
      this.workers.map(async (worker, k) => {
        const from = Math.min(n, k * chunk);
        const to = Math.min(n, from + chunk);
        const part = await worker.assignRange(xs, ys, from, to, shared ? ids : null);
        if (part.ids) ids.set(part.ids, from);
        return part.revision;
      }),
    );
    const revision = parts[0]!;
    if (parts.some((r) => r !== revision))
      throw new Error('spatial workers answered from different revisions');
    return { ids, revision };
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function createSpatialWorkerPool(options: SpatialWorkerPoolOptions = {}): SpatialWorkerPool {
  return new SpatialWorkerPool(options);
}
