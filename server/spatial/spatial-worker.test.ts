// Worker threads run the same engine: bulk answers from the pool equal in-thread answers, indexes
// built in a worker are shared with the main thread, and errors come back typed.
import { afterAll, describe, expect, it } from 'vitest';
import { GridIndex } from './grid-index.ts';
import { GridIndexHolder } from './grid-index-holder.ts';
import { packGrids, SpatialInputError, SpatialInputErrorCode } from './packed-grids.ts';
import { PARALLEL_BUILD_MIN_EDGES } from './parallel-build.ts';
import { createSpatialWorker, createSpatialWorkerPool } from './spatial-worker.ts';
import { randomSectors, seededRandom, voronoiPartition } from './testing/synthetic-partition.ts';
import type { BBox } from './testing/synthetic-partition.ts';

const BOX: BBox = [120.75, 29.0, 121.35, 29.4];
const grids = [
  ...voronoiPartition({ seed: 41, cells: 674, bbox: BOX }),
  ...randomSectors({ seed: 42, count: 8, bbox: BOX }),
];

function points(n: number, shared: boolean): [Float64Array, Float64Array] {
  const random = seededRandom(43);
  const make = (): Float64Array =>
    shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  const xs = make();
  const ys = make();
  for (let i = 0; i < n; i++) {
    xs[i] = BOX[0] - 0.01 + random() * 0.62;
    ys[i] = BOX[1] - 0.01 + random() * 0.42;
  }
  return [xs, ys];
}

describe('spatial worker threads', () => {
  const pool = createSpatialWorkerPool({ size: 2 });
  afterAll(() => pool.terminate());

  it('bulk-assigns in worker threads exactly as in this thread', { timeout: 30_000 }, async () => {
    const index = await pool.build(grids, 17);
    expect(index.toData().raster.cells.buffer).toBeInstanceOf(SharedArrayBuffer);
    await pool.load(index);
    expect(pool.revision).toBe(17);
    const reference = GridIndex.build(grids, 17);
    for (const shared of [false, true]) {
      const [xs, ys] = points(200_003, shared);
      const expected = reference.assignPoints(xs, ys);
      const { ids, revision } = await pool.assignPoints(xs, ys);
      expect(revision).toBe(17);
      expect(ids).toEqual(expected);
      expect(ids.buffer instanceof SharedArrayBuffer).toBe(shared);
    }
    // The main thread reads the worker-built index in place.
    const [xs, ys] = points(2_000, false);
    for (let i = 0; i < xs.length; i++)
      expect(index.query(xs[i]!, ys[i]!)).toEqual(reference.query(xs[i]!, ys[i]!));
  });

  it(
    'builds a large grid set on two workers, the same index as one thread makes',
    { timeout: 60_000 },
    async () => {
      const large = voronoiPartition({ seed: 44, cells: 2_600, bbox: BOX, verticesPerRing: 100 });
      const packed = packGrids(large);
      expect(packed.coords.length / 2).toBeGreaterThan(PARALLEL_BUILD_MIN_EDGES);
      const single = createSpatialWorker();
      try {
        const [two, one] = await Promise.all([pool.buildTimed(large, 5), single.build(large, 5)]);
        expect([two.threads, one.threads]).toEqual([2, 1]);
        const a = two.index.toData();
        const b = one.index.toData();
        for (const [name, x, y] of [
          ['edges.geom', a.edges.geom, b.edges.geom],
          ['edges.owners', a.edges.owners, b.edges.owners],
          ['territorial.gridEdges', a.territorial.gridEdges, b.territorial.gridEdges],
          ['raster.cells', a.raster.cells, b.raster.cells],
          ['raster.listEdges', a.raster.listEdges, b.raster.listEdges],
          ['raster.subCells', a.raster.subCells, b.raster.subCells],
        ] as const)
          expect({
            name,
            equal: Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(
              Buffer.from(y.buffer, y.byteOffset, y.byteLength),
            ),
          }).toEqual({ name, equal: true });
        const [xs, ys] = points(100_000, false);
        expect(two.index.assignPoints(xs, ys)).toEqual(GridIndex.build(large, 5).assignPoints(xs, ys));
      } finally {
        await single.terminate();
      }
    },
  );

  it('serves the revision the holder applied', { timeout: 30_000 }, async () => {
    const holder = new GridIndexHolder({
      build: (g, revision) => pool.build(g, revision),
      onApply: (index) => pool.load(index),
    });
    await holder.replace(grids, 20);
    expect(await holder.replace(grids, 19)).toMatchObject({ status: 'stale', current: 20 });
    const [xs, ys] = points(10_000, false);
    const answer = await pool.assignPoints(xs, ys);
    expect(answer.revision).toBe(20);
    expect(answer.ids).toEqual(holder.assignPoints(xs, ys)!.ids);
  });

  it(
    'loads an index built on the main thread (copied) and reports errors as typed errors',
    { timeout: 30_000 },
    async () => {
      const worker = createSpatialWorker();
      try {
        await expect(worker.assignPoints(Float64Array.of(121), Float64Array.of(29.2))).rejects.toThrow(
          'no grid index loaded',
        );
        const local = GridIndex.build(grids, 3);
        await worker.load(local);
        const [xs, ys] = points(5_000, false);
        expect(await worker.assignPoints(xs, ys)).toEqual({ ids: local.assignPoints(xs, ys), revision: 3 });
        const bad = worker.build([{ ...grids[0]!, id: 1.5 }], 4);
        await expect(bad).rejects.toBeInstanceOf(SpatialInputError);
        await expect(bad).rejects.toMatchObject({ code: SpatialInputErrorCode.InvalidId });
      } finally {
        await worker.terminate();
      }
    },
  );
});
