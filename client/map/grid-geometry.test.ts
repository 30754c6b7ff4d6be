import { describe, expect, it } from 'vitest';
import type { AreaGeometry } from '../../shared/geojson.ts';
import { bboxOf, interiorPoint, pointInPolygon, regionBorders } from './grid-geometry.ts';

const square = (x: number, y: number, s = 1): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
});

describe('grid geometry', () => {
  it('finds a point inside a concave grid', () => {
    // A U shape: its centroid lies in the notch, outside.
    const u: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [2, 3],
          [2, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    const p = interiorPoint(u);
    expect(pointInPolygon(p, u.coordinates as [number, number][][])).toBe(true);
    expect(bboxOf(u)).toEqual([0, 0, 3, 3]);
  });

  it('draws borders only where regions differ, and the outer edge', () => {
    // Four unit squares in a 2×2 block: left column region A, right column region B.
    const items = [
      { geometry: square(0, 0), key: 'A' },
      { geometry: square(0, 1), key: 'A' },
      { geometry: square(1, 0), key: 'B' },
      { geometry: square(1, 1), key: 'B' },
    ];
    const lines = regionBorders(items);
    const length = (line: [number, number][]) =>
      line.slice(1).reduce((sum, p, i) => sum + Math.hypot(p[0] - line[i]![0], p[1] - line[i]![1]), 0);
    const total = lines.reduce((sum, l) => sum + length(l), 0);
    // Outer square perimeter 8 + the shared middle line 2; the A–A and B–B edges are not borders.
    expect(total).toBeCloseTo(10);
    const middle = lines.some((l) => l.some(([x, y]) => x === 1 && y === 0.5));
    expect(middle).toBe(false);
  });
});
