// Messages between spatial-worker.ts (the client, on the main thread) and assign-worker.ts.
// Every request carries a requestId; the worker answers each with exactly one response of the same id.
import type { MessagePort } from 'node:worker_threads';
import type { GridIndexData, GridIndexOptions } from './grid-index.ts';
import type { PackedGrids } from './packed-grids.ts';

export type WorkerRequest =
  /**
   * One end of a channel to another worker of the pool: a 'builder' sends it half of each large build,
   * a 'helper' answers those jobs (parallel-build.ts).
   */
  | { type: 'peer'; requestId: number; port: MessagePort; role: 'builder' | 'helper' }
  /** Build an index in SharedArrayBuffers and send it back; does not install it (see 'load'). */
  | { type: 'build'; requestId: number; grids: PackedGrids; revision: number; options: GridIndexOptions }
  /** Install an index for 'assign' requests (zero-copy when its arrays are shared). */
  | { type: 'load'; requestId: number; data: GridIndexData }
  /**
   * Assign points [from, to) of xs/ys. With `out` (shared memory) results are written there;
   * otherwise they come back in a fresh, transferred Int32Array of length to - from.
   */
  | {
      type: 'assign';
      requestId: number;
      xs: Float64Array;
      ys: Float64Array;
      from: number;
      to: number;
      out: Int32Array | null;
    };

export type WorkerResponse =
  | { type: 'peered'; requestId: number }
  /** `threads`: 2 when the builder's helper did half of the build. */
  | { type: 'built'; requestId: number; data: GridIndexData; buildMs: number; threads: 1 | 2 }
  | { type: 'loaded'; requestId: number; revision: number }
  | { type: 'assigned'; requestId: number; revision: number; ids: Int32Array | null }
  | { type: 'error'; requestId: number; message: string; code: string | null };
