import { describe, expect, it } from 'vitest';
import { GridIndex, type GridIndexData } from './grid-index.ts';
import { packGrids, type GridInput } from './packed-grids.ts';
import { buildDataParallel, runBuildJob, type BuildHelper } from './parallel-build.ts';
import {
  latticePartition,
  randomSectors,
  seededRandom,
  voronoiPartition,
  type BBox,
} from './testing/synthetic-partition.ts';

const TIANTAI: BBox = [120.75, 29.0, 121.35, 29.4];

/** The helper's jobs run on this thread, one macrotask later, with their results structured-cloned as
 *  they would be over a port (shared arrays stay shared). The two-thread path: spatial-worker.test.ts. */
const sameThreadHelper: BuildHelper = {
  run: (job) =>
    new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(structuredClone(runBuildJob(job)));
        } catch (error) {
          reject(error as Error);
        }
      }),
    ),
};

type Values = ArrayLike<number | string>;

/** Every array and number of the index data by path (flatbush trees as bytes). */
function valuesOf(data: GridIndexData): Record<string, Values> {
  const out: Record<string, Values> = {};
  const walk = (value: unknown, path: string): void => {
    if (ArrayBuffer.isView(value)) out[path] = value as unknown as Values;
    else if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer)
      out[path] = new Uint8Array(value);
    else if (Array.isArray(value)) out[path] = value as Values;
    else if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
    else out[path] = [value as number];
  };
  walk(data, 'data');
  return out;
}

/** Length and first differing position (-1: none) of each path's values. */
function differences(a: Record<string, Values>, b: Record<string, Values>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of Object.keys(a)) {
    const x = a[path]!;
    const y = b[path];
    let first = -1;
    if (!y || y.length !== x.length) first = 0;
    else for (let i = 0; i < x.length && first < 0; i++) if (!Object.is(x[i], y[i])) first = i;
    out[path] = `${x.length} values, first difference ${first}`;
  }
  return out;
}

function pointsIn([minX, minY, maxX, maxY]: BBox, n: number, seed: number): [Float64Array, Float64Array] {
  const random = seededRandom(seed);
  const xs = Float64Array.from({ length: n }, () => minX - 0.02 + random() * (maxX - minX + 0.04));
  const ys = Float64Array.from({ length: n }, () => minY - 0.02 + random() * (maxY - minY + 0.04));
  return [xs, ys];
}

describe('parallel index build', () => {
  const tilings: [string, GridInput[]][] = [
    ['674-grid Voronoi partition', voronoiPartition({ seed: 41, cells: 674, bbox: TIANTAI })],
    [
      'lattice with holes, enclaves and islands, and sector grids',
      [
        ...latticePartition({
          seed: 42,
          nx: 30,
          ny: 20,
          bbox: TIANTAI,
          donuts: 3,
          emptyHoles: 2,
          islands: 4,
        }),
        ...randomSectors({ seed: 43, count: 12, bbox: TIANTAI, firstId: 5000 }),
      ],
    ],
    ['~100-vertex rings', voronoiPartition({ seed: 44, cells: 300, bbox: TIANTAI, verticesPerRing: 100 })],
  ];

  it.each(tilings)('makes the same data as one thread, array for array: %s', async (_, grids) => {
    const packed = packGrids(grids);
    const one = GridIndex.build(packed, 7, { shared: true }).toData();
    const two = await buildDataParallel(packed, 7, {}, sameThreadHelper);
    expect(two.raster.subdivision).toBe(one.raster.subdivision);
    const a = valuesOf(one);
    const b = valuesOf(two);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const same = Object.fromEntries(
      Object.entries(a).map(([path, v]) => [path, `${v.length} values, first difference -1`]),
    );
    expect(differences(a, b)).toEqual(same);
  });

  it('keeps every array in shared memory', async () => {
    const data = await buildDataParallel(packGrids(tilings[0]![1]), 1, {}, sameThreadHelper);
    for (const array of [
      data.edges.geom,
      data.raster.cells,
      data.raster.listEdges,
      data.territorial.gridEdges,
    ])
      expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('answers like one thread on input that is not a tiling (overlapping territorial grids)', async () => {
    const tiling = voronoiPartition({ seed: 45, cells: 200, bbox: TIANTAI });
    // A copy of every tenth grid under a new id: each of its edges is there three or four times.
    const overlapping = [
      ...tiling,
      ...tiling.filter((_, i) => i % 10 === 0).map((g, i) => ({ ...g, id: 90_000 + i, code: `dup-${i}` })),
    ];
    const packed = packGrids(overlapping);
    const one = GridIndex.build(packed, 1);
    const two = GridIndex.fromData(await buildDataParallel(packed, 1, {}, sameThreadHelper));
    const [xs, ys] = pointsIn(TIANTAI, 50_000, 46);
    expect(Array.from(two.assignPoints(xs, ys))).toEqual(Array.from(one.assignPoints(xs, ys)));
  });

  it('fails the build when the helper fails, with no job left unhandled', async () => {
    const packed = packGrids(tilings[0]![1]);
    const failing: BuildHelper = { run: () => Promise.reject(new Error('helper down')) };
    await expect(buildDataParallel(packed, 1, {}, failing)).rejects.toThrow('helper down');
    // Only the last job awaited fails: the build still fails with it.
    const lateFailure: BuildHelper = {
      run: (job) =>
        job.type === 'nearest-tree' ? Promise.reject(new Error('no tree')) : sameThreadHelper.run(job),
    };
    await expect(buildDataParallel(packed, 1, {}, lateFailure)).rejects.toThrow('no tree');
  });
});
