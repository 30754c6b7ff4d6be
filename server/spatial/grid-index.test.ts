import { booleanPointInPolygon, pointToPolygonDistance } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { GridIndex, gridIndexTransferables } from './grid-index.ts';
import { segmentDistanceMeters } from './geo-distance.ts';
import { packGrids, SpatialInputError, SpatialInputErrorCode } from './packed-grids.ts';
import type { GridInput } from './packed-grids.ts';
import { ReferenceAssigner } from './testing/reference-assigner.ts';
import {
  latticePartition,
  randomSectors,
  seededRandom,
  voronoiPartition,
} from './testing/synthetic-partition.ts';
import type { BBox } from './testing/synthetic-partition.ts';

const TIANTAI: BBox = [120.75, 29.0, 121.35, 29.4];

function randomPoints(
  seed: number,
  n: number,
  [x0, y0, x1, y1]: BBox,
  margin = 0.02,
): [Float64Array, Float64Array] {
  const random = seededRandom(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = x0 - margin + random() * (x1 - x0 + 2 * margin);
    ys[i] = y0 - margin + random() * (y1 - y0 + 2 * margin);
  }
  return [xs, ys];
}

/** Smallest distance in degrees from (x, y) to any edge of the given grids. */
function degreesToBoundary(grids: readonly GridInput[], ids: number[], x: number, y: number): number {
  let best = Infinity;
  for (const grid of grids.filter((g) => ids.includes(g.id))) {
    const polygons =
      grid.geometry.type === 'Polygon' ? [grid.geometry.coordinates] : grid.geometry.coordinates;
    for (const ring of polygons.flat()) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [ax, ay] = ring[k] as [number, number];
        const [bx, by] = ring[k + 1] as [number, number];
        best = Math.min(best, segmentDistanceMeters(x, y, ax, ay, bx, by, 1) / 111_195);
      }
    }
  }
  return best;
}

/**
 * Engine vs turf on random points. The brief allows disagreement within ~1e-9 deg of a boundary; the
 * engine's predicate is turf's own off the boundary, so none is expected (and the count is asserted).
 */
function compareWithTurf(
  grids: GridInput[],
  xs: Float64Array,
  ys: Float64Array,
): { agreed: number; nearBoundary: number } {
  const index = GridIndex.build(grids, 1);
  const reference = new ReferenceAssigner(grids);
  const ids = index.assignPoints(xs, ys);
  let agreed = 0;
  let nearBoundary = 0;
  for (let i = 0; i < xs.length; i++) {
    const turf = reference.turfContaining(xs[i]!, ys[i]!);
    const expected = turf.length === 1 ? turf[0]! : turf.length === 0 ? -1 : NaN;
    if (ids[i] === expected) {
      agreed++;
      continue;
    }
    const distance = degreesToBoundary(grids, [...turf, ids[i]!], xs[i]!, ys[i]!);
    if (distance >= 1e-9) {
      throw new Error(
        `(${xs[i]}, ${ys[i]}): engine ${ids[i]}, turf ${JSON.stringify(turf)}, ${distance} deg from a boundary`,
      );
    }
    nearBoundary++;
  }
  return { agreed, nearBoundary };
}

describe('GridIndex territorial assignment vs turf booleanPointInPolygon', () => {
  it('agrees on 120,000 random points over a 674-grid Voronoi partition (Tiantai scale)', () => {
    const grids = voronoiPartition({ seed: 11, cells: 674, bbox: TIANTAI });
    const [xs, ys] = randomPoints(1, 120_000, TIANTAI);
    const { agreed, nearBoundary } = compareWithTurf(grids, xs, ys);
    expect(agreed + nearBoundary).toBe(120_000);
    expect(nearBoundary).toBe(0);
  });

  it('agrees on 50,000 random points over a lattice with holes, enclaves and multipolygon islands', () => {
    const grids = latticePartition({
      seed: 5,
      nx: 24,
      ny: 16,
      bbox: TIANTAI,
      donuts: 3,
      emptyHoles: 2,
      islands: 4,
    });
    expect(grids.some((g) => g.geometry.type === 'MultiPolygon')).toBe(true);
    expect(grids.some((g) => g.geometry.type === 'Polygon' && g.geometry.coordinates.length > 1)).toBe(true);
    const [xs, ys] = randomPoints(2, 50_000, TIANTAI);
    const { agreed, nearBoundary } = compareWithTurf(grids, xs, ys);
    expect(agreed + nearBoundary).toBe(50_000);
    expect(nearBoundary).toBe(0);
  });

  it('agrees on 50,000 random points over grids with ~100-vertex rings', () => {
    const grids = voronoiPartition({ seed: 12, cells: 150, bbox: TIANTAI, verticesPerRing: 100 });
    const vertices = grids.reduce(
      (n, g) => n + (g.geometry.type === 'Polygon' ? g.geometry.coordinates[0]!.length : 0),
      0,
    );
    expect(vertices / grids.length).toBeGreaterThan(80);
    const [xs, ys] = randomPoints(3, 50_000, TIANTAI);
    const { agreed, nearBoundary } = compareWithTurf(grids, xs, ys);
    expect(agreed + nearBoundary).toBe(50_000);
    expect(nearBoundary).toBe(0);
  });
});

describe('GridIndex.query', () => {
  const territorial = voronoiPartition({ seed: 21, cells: 200, bbox: TIANTAI });
  const sectors = randomSectors({ seed: 22, count: 15, bbox: TIANTAI, firstId: 10_001 });
  const index = GridIndex.build([...territorial, ...sectors], 42);

  it('reports every sector containing the point, boundary inclusive, like turf', () => {
    const [xs, ys] = randomPoints(4, 20_000, TIANTAI);
    let overlapping = 0;
    for (let i = 0; i < xs.length; i++) {
      const expected = sectors
        .filter((s) => booleanPointInPolygon([xs[i]!, ys[i]!], s.geometry))
        .map((s) => s.id);
      const got = index.query(xs[i]!, ys[i]!).sectors.map((s) => s.id);
      expect(got).toEqual(expected);
      if (got.length > 1) overlapping++;
    }
    expect(overlapping).toBeGreaterThan(100);
    for (const s of sectors) {
      const ring =
        s.geometry.type === 'Polygon' ? s.geometry.coordinates[0]! : s.geometry.coordinates[0]![0]!;
      for (const [x, y] of ring as [number, number][]) {
        expect(index.query(x, y).sectors.map((g) => g.id)).toContain(s.id);
      }
    }
  });

  it('gives the same territorial answer as assignPoints, with the revision and a rule', () => {
    const [xs, ys] = randomPoints(5, 5_000, TIANTAI, 0.05);
    const ids = index.assignPoints(xs, ys);
    for (let i = 0; i < xs.length; i++) {
      const answer = index.query(xs[i]!, ys[i]!);
      expect(answer.revision).toBe(42);
      expect(answer.territorial?.id ?? -1).toBe(ids[i]);
      expect(answer.territorial?.code ?? null).toBe(answer.territorial ? `T${ids[i]}` : null);
      expect(answer.rule).toBe(ids[i]! >= 0 ? 'interior' : 'outside-nearest');
    }
  });

  it('names the nearest territorial grid for points outside, within 0.5 % of turf geodesic distance', () => {
    const reference = territorial.map((g) => ({ id: g.id, geometry: g.geometry }));
    const random = seededRandom(6);
    const [x0, y0, x1, y1] = TIANTAI;
    for (let i = 0; i < 300; i++) {
      // Up to ~15 km outside each side of the rectangle.
      const side = i % 4;
      const t = random();
      const out = 0.001 + random() * 0.15;
      const x = side === 0 ? x0 - out : side === 1 ? x1 + out : x0 + t * (x1 - x0);
      const y = side === 2 ? y0 - out : side === 3 ? y1 + out : y0 + t * (y1 - y0);
      const answer = index.query(x, y);
      expect(answer.territorial).toBeNull();
      expect(answer.rule).toBe('outside-nearest');
      const distances = reference
        .map((g) => ({ id: g.id, km: pointToPolygonDistance([x, y], g.geometry, { units: 'kilometers' }) }))
        .sort((a, b) => a.km - b.km);
      const nearest = answer.nearest!;
      const turfNearest = distances[0]!;
      expect(Math.abs(nearest.distanceMeters - turfNearest.km * 1000)).toBeLessThan(
        turfNearest.km * 1000 * 0.005 + 0.01,
      );
      // Same grid, unless two grids are within the approximation's error of each other.
      if (nearest.id !== turfNearest.id) {
        expect(distances[1]!.km - turfNearest.km).toBeLessThan(turfNearest.km * 0.01);
      }
    }
  });

  it('answers invalid points and empty indexes without throwing', () => {
    expect(index.query(Number.NaN, 29.1)).toMatchObject({ territorial: null, rule: 'invalid-point' });
    expect(index.assignPoints(Float64Array.of(Number.NaN, Infinity), Float64Array.of(29.1, 29.1))).toEqual(
      Int32Array.of(-1, -1),
    );
    const empty = GridIndex.build([], 1);
    expect(empty.query(121, 29.2)).toMatchObject({
      territorial: null,
      sectors: [],
      rule: 'outside-no-grids',
    });
    expect(empty.assignPoints(Float64Array.of(121), Float64Array.of(29.2))).toEqual(Int32Array.of(-1));
  });
});

describe('GridIndex data', () => {
  const grids = latticePartition({ seed: 8, nx: 10, ny: 8, bbox: TIANTAI });
  const [xs, ys] = randomPoints(9, 20_000, TIANTAI);

  it('round-trips through structured clone with transferred buffers', () => {
    const all = [...grids, ...randomSectors({ seed: 1, count: 4, bbox: TIANTAI })];
    const index = GridIndex.build(all, 3);
    const expected = index.assignPoints(xs, ys);
    const data = GridIndex.build(all, 3).toData();
    const copy = GridIndex.fromData(structuredClone(data, { transfer: gridIndexTransferables(data) }));
    expect(copy.revision).toBe(3);
    expect(copy.assignPoints(xs, ys)).toEqual(expected);
    for (let i = 0; i < 200; i++) expect(copy.query(xs[i]!, ys[i]!)).toEqual(index.query(xs[i]!, ys[i]!));
  });

  it('can live in SharedArrayBuffers and accepts packed input', () => {
    const index = GridIndex.build(packGrids(grids), 4, { shared: true });
    const data = index.toData();
    expect(data.raster.cells.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(data.edges.geom.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(gridIndexTransferables(data)).toEqual([]);
    expect(index.assignPoints(xs, ys)).toEqual(GridIndex.build(grids, 4).assignPoints(xs, ys));
  });

  it('rejects invalid input with coded errors', () => {
    const grid = grids[0]!;
    const attempt = (input: unknown[]): unknown => {
      try {
        GridIndex.build(input as GridInput[], 1);
      } catch (error) {
        return error instanceof SpatialInputError ? error.code : error;
      }
      return null;
    };
    expect(attempt([{ ...grid, id: -1 }])).toBe(SpatialInputErrorCode.InvalidId);
    expect(attempt([grid, grid])).toBe(SpatialInputErrorCode.DuplicateId);
    expect(attempt([{ ...grid, kind: 'other' }])).toBe(SpatialInputErrorCode.InvalidKind);
    expect(attempt([{ ...grid, geometry: { type: 'Point', coordinates: [0, 0] } }])).toBe(
      SpatialInputErrorCode.InvalidGeometry,
    );
    expect(
      attempt([
        {
          ...grid,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
      ]),
    ).toBe(SpatialInputErrorCode.DegenerateRing);
    expect(
      attempt([
        {
          ...grid,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, Number.NaN],
                [1, 1],
              ],
            ],
          },
        },
      ]),
    ).toBe(SpatialInputErrorCode.InvalidCoordinate);
  });
});
