// Worker-thread entry for spatial jobs that must not block the main event loop: building an index
// (seconds at province scale) and bulk assignment. Spawned by spatial-worker.ts; speaks worker-protocol.ts.
import { parentPort } from 'node:worker_threads';
import { GridIndex } from './grid-index.ts';
import { SpatialInputError } from './packed-grids.ts';
import {
  buildDataParallel,
  buildHelperOver,
  serveBuildJobs,
  worthParallel,
  type BuildHelper,
} from './parallel-build.ts';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('assign-worker.ts must run in a worker thread');

let index: GridIndex | null = null;
/** Set when this worker is the pool's builder: the worker that takes half of each large build. */
let helper: BuildHelper | null = null;

async function handle(
  request: WorkerRequest,
): Promise<{ response: WorkerResponse; transfer: ArrayBuffer[] }> {
  switch (request.type) {
    case 'peer': {
      if (request.role === 'helper') serveBuildJobs(request.port);
      else helper = buildHelperOver(request.port);
      return { response: { type: 'peered', requestId: request.requestId }, transfer: [] };
    }
    case 'build': {
      const started = performance.now();
      // Always shared: the main thread and every pool worker then read the same memory.
      const parallel = helper !== null && worthParallel(request.grids);
      const data = parallel
        ? await buildDataParallel(request.grids, request.revision, request.options, helper!)
        : GridIndex.build(request.grids, request.revision, { ...request.options, shared: true }).toData();
      const buildMs = performance.now() - started;
      return {
        response: { type: 'built', requestId: request.requestId, data, buildMs, threads: parallel ? 2 : 1 },
        transfer: [],
      };
    }
    case 'load': {
      index = GridIndex.fromData(request.data);
      return {
        response: { type: 'loaded', requestId: request.requestId, revision: index.revision },
        transfer: [],
      };
    }
    case 'assign': {
      if (!index) throw new Error('no grid index loaded');
      const { xs, ys, from, to } = request;
      const out = request.out ?? new Int32Array(to - from);
      index.assignPoints(
        xs.subarray(from, to),
        ys.subarray(from, to),
        request.out ? out.subarray(from, to) : out,
      );
      const ids = request.out ? null : out;
      const transfer = ids && ids.buffer instanceof ArrayBuffer ? [ids.buffer] : [];
      return {
        response: { type: 'assigned', requestId: request.requestId, revision: index.revision, ids },
        transfer,
      };
    }
  }
}

port.on('message', async (request: WorkerRequest) => {
  try {
    const { response, transfer } = await handle(request);
    port.postMessage(response, transfer);
  } catch (error) {
    const response: WorkerResponse = {
      type: 'error',
      requestId: request.requestId,
      message: error instanceof Error ? error.message : String(error),
      code: error instanceof SpatialInputError ? error.code : null,
    };
    port.postMessage(response);
  }
});
