import { describe, expect, it } from 'vitest';
import { GridIndex } from './grid-index.ts';
import { GridIndexHolder } from './grid-index-holder.ts';
import type { GridInput, PackedGrids } from './packed-grids.ts';
import { voronoiPartition } from './testing/synthetic-partition.ts';

const grids = voronoiPartition({ seed: 3, cells: 30, bbox: [120.9, 29.1, 121.0, 29.2] });

/** A build function whose builds finish when the test says so. */
function controlledBuild(): {
  build: (g: readonly GridInput[] | PackedGrids, revision: number) => Promise<GridIndex>;
  finish: (revision: number) => void;
  fail: (revision: number) => void;
  started: number[];
} {
  const waiting = new Map<number, { resolve: (index: GridIndex) => void; reject: (error: Error) => void }>();
  const started: number[] = [];
  return {
    started,
    build: (g, revision) =>
      new Promise<GridIndex>((resolve, reject) => {
        started.push(revision);
        waiting.set(revision, { resolve: () => resolve(GridIndex.build(g, revision)), reject });
      }),
    finish: (revision) => waiting.get(revision)!.resolve(GridIndex.build(grids, revision)),
    fail: (revision) => waiting.get(revision)!.reject(new Error(`build ${revision} failed`)),
  };
}

describe('GridIndexHolder', () => {
  it('applies newer revisions and ignores stale ones', async () => {
    const holder = new GridIndexHolder();
    expect(holder.current).toBeNull();
    expect(holder.query(120.95, 29.15)).toBeNull();
    expect(await holder.replace(grids, 5)).toEqual({ status: 'applied', revision: 5, current: 5 });
    expect(await holder.replace(grids, 3)).toEqual({ status: 'stale', revision: 3, current: 5 });
    expect(await holder.replace(grids, 5)).toEqual({ status: 'stale', revision: 5, current: 5 });
    expect(await holder.replace(grids, 6)).toEqual({ status: 'applied', revision: 6, current: 6 });
    expect(holder.query(120.95, 29.15)?.revision).toBe(6);
    expect(holder.assignPoints(Float64Array.of(120.95), Float64Array.of(29.15))?.revision).toBe(6);
  });

  it('never goes back when builds finish out of order', async () => {
    const control = controlledBuild();
    const applied: number[] = [];
    const holder = new GridIndexHolder({
      build: control.build,
      onApply: (index) => void applied.push(index.revision),
    });
    const slow = holder.replace(grids, 7);
    const fast = holder.replace(grids, 8);
    control.finish(8);
    expect(await fast).toEqual({ status: 'applied', revision: 8, current: 8 });
    control.finish(7);
    expect(await slow).toEqual({ status: 'superseded', revision: 7, current: 8 });
    expect(holder.revision).toBe(8);
    expect(applied).toEqual([8]);
  });

  it('does not even build a revision older than one already being built', async () => {
    const control = controlledBuild();
    const holder = new GridIndexHolder({ build: control.build });
    const pending = holder.replace(grids, 10);
    expect(await holder.replace(grids, 9)).toEqual({ status: 'stale', revision: 9, current: null });
    expect(control.started).toEqual([10]);
    control.finish(10);
    expect((await pending).status).toBe('applied');
  });

  it('lets a failed revision be retried', async () => {
    const control = controlledBuild();
    const holder = new GridIndexHolder({ build: control.build });
    const failing = holder.replace(grids, 11);
    control.fail(11);
    await expect(failing).rejects.toThrow('build 11 failed');
    const retry = holder.replace(grids, 11);
    control.finish(11);
    expect(await retry).toEqual({ status: 'applied', revision: 11, current: 11 });
  });

  it('offers prebuilt indexes and runs onApply in order', async () => {
    const applied: number[] = [];
    const holder = new GridIndexHolder({
      onApply: async (index) => {
        await new Promise((resolve) => setTimeout(resolve, index.revision === 1 ? 20 : 0));
        applied.push(index.revision);
      },
    });
    const first = holder.offer(GridIndex.build(grids, 1));
    const second = holder.offer(GridIndex.build(grids, 2));
    expect(await holder.offer(GridIndex.build(grids, 1))).toBe('superseded');
    expect(await Promise.all([first, second])).toEqual(['applied', 'applied']);
    expect(applied).toEqual([1, 2]);
  });
});
