// Builds a grid index on two threads: the calling worker and a helper worker reached over a MessagePort.
// The sweep's grids are cut in two parts whose edge tables are built at once and merged (mergeEdgeParts),
// then the raster's rows in two bands filled at once (rasterRows); for a tiling the data is the same as a
// one-thread build's, array for array. Everything a part reads or writes lives in SharedArrayBuffers, so
// posting a job copies nothing but its small fields.
import type { MessagePort } from 'node:worker_threads';
import {
  finishCellRaster,
  rasterLayout,
  rasterRows,
  type RasterLayout,
  type RasterRows,
} from './cell-raster.ts';
import {
  buildEdgePart,
  edgeSlots,
  finishEdgeTable,
  mergeEdgeParts,
  sweepOrder,
  tableCapacity,
  type EdgePart,
  type EdgeTable,
} from './edge-table.ts';
import {
  assembleData,
  nearestTreeOf,
  planBuild,
  type GridIndexData,
  type GridIndexOptions,
  type NearestTree,
} from './grid-index.ts';
import { sharePacked, type PackedGrids } from './packed-grids.ts';
import { moveTo, sharedArrays } from './typed-memory.ts';

/** Below this many directed territorial edges one thread is as fast (a county: ~6,000). */
export const PARALLEL_BUILD_MIN_EDGES = 200_000;

export interface EdgePartJob {
  type: 'edge-part';
  packed: PackedGrids;
  territorial: Int32Array;
  order: Int32Array;
  from: number;
  to: number;
  gridEdgeStart: Int32Array;
  gridEdges: Int32Array;
}

export interface RasterRowsJob {
  type: 'raster-rows';
  layout: RasterLayout;
  edges: Pick<EdgeTable, 'count' | 'geom' | 'hx' | 'owners'>;
  ids: Int32Array;
  cells: Int32Array;
  fromRow: number;
  toRow: number;
}

export interface NearestTreeJob {
  type: 'nearest-tree';
  packed: PackedGrids;
  territorial: Int32Array;
}

export type BuildJob = EdgePartJob | RasterRowsJob | NearestTreeJob;
type ResultOf<J extends BuildJob> = J extends EdgePartJob
  ? EdgePart
  : J extends RasterRowsJob
    ? RasterRows
    : NearestTree;
type AnyResult = EdgePart | RasterRows | NearestTree;

/** Runs a job on this thread, its outputs in shared memory. */
export function runBuildJob<J extends BuildJob>(job: J): ResultOf<J> {
  if (job.type === 'edge-part') {
    const { packed, territorial, order, from, to, gridEdgeStart, gridEdges } = job;
    return buildEdgePart(
      packed,
      territorial,
      order,
      from,
      to,
      gridEdgeStart,
      gridEdges,
      sharedArrays,
    ) as ResultOf<J>;
  }
  if (job.type === 'nearest-tree') return nearestTreeOf(job.packed, job.territorial, true) as ResultOf<J>;
  const { layout, edges, ids, cells, fromRow, toRow } = job;
  return rasterRows(layout, edges as EdgeTable, ids, cells, fromRow, toRow, sharedArrays) as ResultOf<J>;
}

/** Runs build jobs on another thread. */
export interface BuildHelper {
  run<J extends BuildJob>(job: J): Promise<ResultOf<J>>;
}

type HelperMessage =
  { jobId: number; ok: true; result: AnyResult } | { jobId: number; ok: false; message: string };

/** The helper's side: answers every job that arrives on `port`. */
export function serveBuildJobs(port: MessagePort): void {
  port.on('message', ({ jobId, job }: { jobId: number; job: BuildJob }) => {
    let reply: HelperMessage;
    try {
      reply = { jobId, ok: true, result: runBuildJob(job) };
    } catch (error) {
      reply = { jobId, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}

/** The builder's side of the port: jobs go out, their results come back; a closed port fails them all. */
export function buildHelperOver(port: MessagePort): BuildHelper {
  const pending = new Map<number, { resolve: (r: AnyResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closed = false;
  port.on('message', (reply: HelperMessage) => {
    const waiting = pending.get(reply.jobId);
    if (!waiting) return;
    pending.delete(reply.jobId);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new Error(`build helper: ${reply.message}`));
  });
  port.on('close', () => {
    closed = true;
    for (const waiting of pending.values()) waiting.reject(new Error('build helper: port closed'));
    pending.clear();
  });
  return {
    run<J extends BuildJob>(job: J): Promise<ResultOf<J>> {
      if (closed) return Promise.reject(new Error('build helper: port closed'));
      const jobId = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(jobId, { resolve: resolve as (r: AnyResult) => void, reject });
        port.postMessage({ jobId, job });
      });
    },
  };
}

/** Whether a build is big enough to be worth two threads. */
export function worthParallel(packed: PackedGrids): boolean {
  // Vertices of all grids bound the directed territorial edges; the sector share is small.
  return packed.coords.length / 2 >= PARALLEL_BUILD_MIN_EDGES;
}

/**
 * GridIndex data in shared memory, built with `helper` doing half of the edge table and of the raster
 * while this thread does the other half, and the nearest-grid tree while this thread merges the edge
 * tables. The remaining steps (the merge, the lists' join, the compact codes, the second level, the
 * sector grids) run here.
 */
export async function buildDataParallel(
  input: PackedGrids,
  revision: number,
  options: GridIndexOptions,
  helper: BuildHelper,
): Promise<GridIndexData> {
  // A job may fail while this thread is still busy or after another job failed: each job's promise is
  // handled from the start (else a second failure would be an unhandled rejection and end the worker),
  // and the first failure awaited fails the build.
  const start = <J extends BuildJob>(job: J): Promise<ResultOf<J>> => {
    const result = helper.run(job);
    result.catch(() => undefined);
    return result;
  };
  const packed = sharePacked(input);
  const plan = planBuild(packed, { ...options, shared: true });
  const { alloc, tIndex: territorial, tIds: ids } = plan;
  const order = moveTo(alloc, sweepOrder(packed, territorial));
  const gridEdgeStart = edgeSlots(packed, territorial, alloc);
  const directed = gridEdgeStart[territorial.length]!;
  const gridEdges = alloc.int32(directed);

  // Two parts with about the same number of directed edges.
  let mid = 0;
  for (let seen = 0; mid < order.length && 2 * seen < directed; mid++)
    seen += gridEdgeStart[order[mid]! + 1]! - gridEdgeStart[order[mid]!]!;
  const second = start({
    type: 'edge-part',
    packed,
    territorial,
    order,
    from: mid,
    to: order.length,
    gridEdgeStart,
    gridEdges,
  });
  // Then the nearest-grid tree, which needs only the packed grids: it is made while this thread merges.
  const nearest = start({ type: 'nearest-tree', packed, territorial });
  // The first part reserves room for the whole table, so the second is appended in place.
  const first = buildEdgePart(
    packed,
    territorial,
    order,
    0,
    mid,
    gridEdgeStart,
    gridEdges,
    alloc,
    tableCapacity(directed),
  );
  const merged = mergeEdgeParts(
    first,
    await second,
    order,
    mid,
    order.length,
    gridEdgeStart,
    gridEdges,
    alloc,
  );
  const edges = finishEdgeTable(merged, gridEdgeStart, gridEdges);

  const layout = rasterLayout(edges, options);
  const cells = alloc.int32(layout.cols * layout.rows);
  const half = Math.ceil(layout.rows / 2);
  const { count, geom, hx, owners } = edges;
  const north = start({
    type: 'raster-rows',
    layout,
    edges: { count, geom, hx, owners },
    ids,
    cells,
    fromRow: half,
    toRow: layout.rows,
  });
  const south = rasterRows(layout, edges, ids, cells, 0, half, alloc);
  const raster = finishCellRaster(layout, cells, [south, await north], edges, ids, options, alloc);
  const tree = await nearest;
  return assembleData(packed, revision, plan, edges, raster, tree);
}
