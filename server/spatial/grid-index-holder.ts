// Holds the current GridIndex and its revision. Boundary edits call replace(grids, revision); builds may
// overlap and finish in any order, but the current index only ever moves to a higher revision, and
// every answer says which revision it came from.
import { GridIndex } from './grid-index.ts';
import type { Assignment, GridIndexOptions } from './grid-index.ts';
import type { GridInput, PackedGrids } from './packed-grids.ts';

export type ReplaceStatus =
  /** Built and now current. */
  | 'applied'
  /** Not built: the revision is not newer than the current one or one already being built. */
  | 'stale'
  /** Built, but a newer revision became current first; discarded. */
  | 'superseded';

export interface ReplaceResult {
  status: ReplaceStatus;
  /** The revision that was asked for. */
  revision: number;
  /** The current revision after this call. */
  current: number | null;
}

/** How an index is built: in this thread, or in worker threads (SpatialWorkerPool.build). */
export type BuildGridIndex = (
  grids: readonly GridInput[] | PackedGrids,
  revision: number,
) => Promise<GridIndex>;

/** Builds in the calling thread (fine for a county, ~0.1 s). */
export const buildInThread: BuildGridIndex = (grids, revision) =>
  Promise.resolve(GridIndex.build(grids, revision));

export interface GridIndexHolderOptions {
  /**
   * How to build an index. Default: in this thread (fine for county scale, ~50 ms). For province scale pass
   * a worker build, e.g. `(grids, revision) => pool.build(grids, revision)`.
   */
  build?: BuildGridIndex;
  /** Runs after an index became current, in revision order (e.g. `(index) => pool.load(index)`). */
  onApply?: (index: GridIndex) => void | Promise<void>;
  /** Options for the default in-thread build. */
  indexOptions?: GridIndexOptions;
}

export class GridIndexHolder {
  private currentIndex: GridIndex | null = null;
  /** Highest revision ever requested or applied; anything not above it is stale. */
  private highestSeen = -Infinity;
  private applying: Promise<void> = Promise.resolve();
  /** The holder's way of building, also for indexes that are not to become current (previews). */
  readonly build: BuildGridIndex;
  private readonly onApply: ((index: GridIndex) => void | Promise<void>) | undefined;

  constructor(options: GridIndexHolderOptions = {}) {
    const indexOptions = options.indexOptions ?? {};
    this.build =
      options.build ?? ((grids, revision) => Promise.resolve(GridIndex.build(grids, revision, indexOptions)));
    this.onApply = options.onApply;
  }

  /** The current index (immutable), or null before the first build. */
  get current(): GridIndex | null {
    return this.currentIndex;
  }

  get revision(): number | null {
    return this.currentIndex ? this.currentIndex.revision : null;
  }

  /** Build an index for `revision` unless it is stale; apply it if it is still the newest when done. */
  async replace(grids: readonly GridInput[] | PackedGrids, revision: number): Promise<ReplaceResult> {
    if (!(revision > this.highestSeen)) return { status: 'stale', revision, current: this.revision };
    const previousHighest = this.highestSeen;
    this.highestSeen = revision;
    let index: GridIndex;
    try {
      index = await this.build(grids, revision);
    } catch (error) {
      // Let a retry of the same revision through, unless a newer one was requested meanwhile.
      if (this.highestSeen === revision)
        this.highestSeen = Math.max(previousHighest, this.revision ?? -Infinity);
      throw error;
    }
    const status = await this.offer(index);
    return { status, revision, current: this.revision };
  }

  /**
   * Install an already-built index if it is newer than the current one; resolves after onApply ran
   * (onApply calls run one at a time, in the order indexes became current).
   */
  async offer(index: GridIndex): Promise<Exclude<ReplaceStatus, 'stale'>> {
    if (this.currentIndex && index.revision <= this.currentIndex.revision) return 'superseded';
    this.currentIndex = index;
    if (index.revision > this.highestSeen) this.highestSeen = index.revision;
    const onApply = this.onApply;
    if (onApply) {
      const step = this.applying.then(() => onApply(index));
      this.applying = step.catch(() => undefined);
      await step;
    }
    return 'applied';
  }

  /** Answer for one point from the current index (with its revision), or null if none is built yet. */
  query(lon: number, lat: number): Assignment | null {
    return this.currentIndex ? this.currentIndex.query(lon, lat) : null;
  }

  /** Bulk territorial ids from the current index, in this thread; null if none is built yet. */
  assignPoints(xs: Float64Array, ys: Float64Array): { ids: Int32Array; revision: number } | null {
    const index = this.currentIndex;
    return index ? { ids: index.assignPoints(xs, ys), revision: index.revision } : null;
  }
}
