import { booleanPointInPolygon } from '@turf/turf';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { packGrids } from './packed-grids.ts';
import { INSIDE, isOnEdge, locateInPart, ON_BOUNDARY, OUTSIDE, ringCrossingParity } from './point-in-ring.ts';
import { randomSectors, seededRandom } from './testing/synthetic-partition.ts';

const square = (x0: number, y0: number, x1: number, y1: number): Float64Array =>
  Float64Array.of(x0, y0, x1, y0, x1, y1, x0, y1);

describe('ringCrossingParity (half-open rule)', () => {
  const ring = square(0, 0, 1, 1);
  const inside = (x: number, y: number): boolean => ringCrossingParity(ring, 0, 4, x, y);

  it('keeps the west and south edges, drops the east and north ones', () => {
    expect(inside(0.5, 0.5)).toBe(true);
    expect(inside(0, 0.5)).toBe(true); // west edge: the square is east of it
    expect(inside(1, 0.5)).toBe(false); // east edge: belongs to the eastern neighbour
    expect(inside(0.5, 0)).toBe(true); // south edge: the square is north of it
    expect(inside(0.5, 1)).toBe(false); // north edge: belongs to the northern neighbour
    expect(inside(0, 0)).toBe(true); // south-west corner: the square holds the points just east of it
    expect(inside(1, 0)).toBe(false);
    expect(inside(0, 1)).toBe(false);
    expect(inside(1, 1)).toBe(false);
  });

  it('gives a point on a sloped shared edge to exactly one side', () => {
    // Two triangles sharing the diagonal (0,0)-(1,1), listed in opposite directions.
    const below = Float64Array.of(0, 0, 1, 0, 1, 1);
    const above = Float64Array.of(1, 1, 0, 1, 0, 0);
    for (const t of [0, 0.25, 0.5, 0.3333333333333333, 0.7, 1]) {
      const owners = [below, above].filter((r) => ringCrossingParity(r, 0, 3, t, t));
      expect(owners.length).toBeLessThanOrEqual(1);
      if (t > 0 && t < 1) expect(owners).toEqual([below]); // the east side of the diagonal
    }
  });
});

describe('locateInPart (turf semantics)', () => {
  it('agrees with booleanPointInPolygon on random, vertex and edge points of polygons with holes', () => {
    const sectors = randomSectors({ seed: 7, count: 12, bbox: [120.8, 29.0, 121.2, 29.3] });
    const packed = packGrids(sectors);
    const random = seededRandom(3);
    const points: [number, number][] = [];
    for (let i = 0; i < 5000; i++) points.push([120.8 + random() * 0.4, 29.0 + random() * 0.3]);
    for (const s of sectors) {
      const polygons = s.geometry.type === 'Polygon' ? [s.geometry.coordinates] : s.geometry.coordinates;
      for (const ring of polygons.flat()) {
        for (let k = 0; k + 1 < ring.length; k++) {
          const [ax, ay] = ring[k] as [number, number];
          const [bx, by] = ring[k + 1] as [number, number];
          points.push([ax, ay], [(ax + bx) / 2, (ay + by) / 2], [ax + 0.3 * (bx - ax), ay + 0.3 * (by - ay)]);
        }
      }
    }
    let onBoundary = 0;
    for (let g = 0; g < sectors.length; g++) {
      for (const [x, y] of points) {
        let located: number = OUTSIDE;
        for (let p = packed.gridPartStart[g]!; p < packed.gridPartStart[g + 1]! && located === OUTSIDE; p++) {
          located = locateInPart(
            packed.coords,
            packed.ringVertexStart,
            packed.partRingStart[p]!,
            packed.partRingStart[p + 1]!,
            x,
            y,
          );
        }
        if (located === ON_BOUNDARY) onBoundary++;
        expect(located !== OUTSIDE).toBe(booleanPointInPolygon([x, y], sectors[g]!.geometry));
        if (located !== ON_BOUNDARY) {
          expect(located === INSIDE).toBe(
            booleanPointInPolygon([x, y], sectors[g]!.geometry, { ignoreBoundary: true }),
          );
        }
      }
    }
    expect(onBoundary).toBeGreaterThan(300); // every vertex, plus midpoints that round onto the edge
  });

  it('isOnEdge is turf-exact on vertices, axis-aligned edges and off-by-an-ulp points', () => {
    expect(isOnEdge(0, 0, 2, 0, 1, 0)).toBe(true);
    expect(isOnEdge(0, 0, 0, 2, 0, 1)).toBe(true);
    expect(isOnEdge(0, 0, 1, 1, 1, 1)).toBe(true);
    expect(isOnEdge(0, 0, 1, 3, 1 / 3, 1)).toBe(false); // 1/3 is not exactly representable
    const polygon: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 3],
          [1, 0],
          [0, 0],
        ],
      ],
    };
    // The double nearest 1/3 lies just west of the edge, outside the triangle: turf agrees.
    expect(booleanPointInPolygon([1 / 3, 1], polygon)).toBe(false);
    expect(booleanPointInPolygon([2 / 3, 2], polygon)).toBe(isOnEdge(0, 0, 1, 3, 2 / 3, 2));
  });
});
