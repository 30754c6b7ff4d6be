import { describe, expect, it } from 'vitest';
import { buildCellRaster, RasterLocator, type BulkLoop } from './cell-raster.ts';
import { buildEdgeTable } from './edge-table.ts';
import { packGrids } from './packed-grids.ts';
import type { GridInput } from './packed-grids.ts';
import { latticePartition, seededRandom, voronoiPartition } from './testing/synthetic-partition.ts';
import type { BBox } from './testing/synthetic-partition.ts';

const TIANTAI: BBox = [120.75, 29.0, 121.35, 29.4];

/** Random points over the box (and around it) plus every vertex: on-boundary points take the walks. */
function pointsFor(grids: GridInput[], seed: number): [Float64Array, Float64Array] {
  const random = seededRandom(seed);
  const vx: number[] = [];
  const vy: number[] = [];
  for (let i = 0; i < 40_000; i++) {
    vx.push(120.7 + random() * 0.7);
    vy.push(28.95 + random() * 0.5);
  }
  for (const g of grids) {
    const polygons = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
    for (const [x, y] of polygons.flat(2) as [number, number][]) {
      vx.push(x);
      vy.push(y);
    }
  }
  return [Float64Array.from(vx), Float64Array.from(vy)];
}

function locatorFor(grids: GridInput[]): RasterLocator {
  const packed = packGrids(grids);
  const territorial = Int32Array.from(packed.ids, (_, i) => i);
  const edges = buildEdgeTable(packed, territorial);
  const ids = Int32Array.from(packed.ids);
  return new RasterLocator(buildCellRaster(edges, ids), edges, ids);
}

describe('RasterLocator bulk loops', () => {
  const cases: [string, GridInput[]][] = [
    ['674-grid Voronoi partition', voronoiPartition({ seed: 21, cells: 674, bbox: TIANTAI })],
    [
      'lattice with holes, enclaves and islands',
      latticePartition({ seed: 22, nx: 24, ny: 16, bbox: TIANTAI, donuts: 3, emptyHoles: 2, islands: 4 }),
    ],
    ['~100-vertex rings', voronoiPartition({ seed: 23, cells: 150, bbox: TIANTAI, verticesPerRing: 100 })],
  ];
  it.each(cases)('give the per-point answer for every point: %s', (_, grids) => {
    const locator = locatorFor(grids);
    expect(locator.bulkLoop).toBe('in-cache');
    const [xs, ys] = pointsFor(grids, 31);
    const expected = Int32Array.from(xs, (x, i) => {
      const t = locator.ownerOf(x, ys[i]!);
      return t >= 0 ? locator.ids[t]! : -1;
    });
    expect(expected.filter((id) => id >= 0).length).toBeGreaterThan(xs.length / 2);
    for (const loop of ['in-cache', 'blocked', 'cells'] as BulkLoop[]) {
      const out = new Int32Array(xs.length).fill(-7);
      locator.assignIds(xs, ys, out, 0, xs.length, loop);
      expect({ loop, differ: out.filter((id, i) => id !== expected[i]).length }).toEqual({ loop, differ: 0 });
    }
  });
});
