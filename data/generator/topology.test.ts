import { describe, expect, it } from 'vitest';
import { geometryProblems, matchEdges } from './geometry-checks.ts';
import type { AreaRings, Ring } from './ring-math.ts';
import { signedArea, toGeometry } from './ring-math.ts';
import { cleanOutline, mergePolygons, shareBoundaries } from './topology.ts';

const square = (x: number, y: number, size = 1): Ring => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
];

describe('shareBoundaries', () => {
  it('snaps near-equal vertices and removes T-junctions', () => {
    const left: AreaRings = [[square(0, 0)]];
    // The right square has a vertex halfway up the shared edge and a corner 1e-12 off.
    const right: AreaRings = [
      [
        [
          [1, 0],
          [2, 0],
          [2, 1],
          [1 + 1e-12, 1],
          [1, 0.5],
        ],
      ],
    ];
    const [a, b] = shareBoundaries([left, right]);
    expect(a![0]![0]).toContainEqual([1, 0.5]);
    expect(b![0]![0]).toContainEqual([1, 1]);
    const report = matchEdges([toGeometry(a!), toGeometry(b!)]);
    expect(report.conflicts).toEqual([]);
    expect(report.matched).toBe(4);
    expect(report.unmatched).toHaveLength(6);
  });

  it('leaves polygons that already share edges alone', () => {
    const input: AreaRings[] = [[[square(0, 0)]], [[square(1, 0)]]];
    expect(shareBoundaries(input)).toEqual(input);
  });
});

describe('mergePolygons', () => {
  it('dissolves exactly shared edges', () => {
    const merged = mergePolygons([[square(0, 0)], [square(1, 0)], [square(0, 1)], [square(1, 1)]]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toHaveLength(1);
    expect(signedArea(merged[0]![0]!)).toBeCloseTo(4, 12);
    expect(geometryProblems(toGeometry(merged))).toEqual([]);
  });

  it('keeps holes clockwise inside their outer ring', () => {
    const ring = [];
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) if (x !== 1 || y !== 1) ring.push([square(x, y)]);
    const merged = mergePolygons(ring);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toHaveLength(2);
    expect(signedArea(merged[0]![1]!)).toBeCloseTo(-1, 12);
  });

  it('splits lobes that touch at a single point into separate polygons', () => {
    const merged = mergePolygons([[square(0, 0)], [square(1, 1)]]);
    expect(merged).toHaveLength(2);
    expect(geometryProblems(toGeometry(merged))).toEqual([]);
  });
});

describe('cleanOutline', () => {
  it('removes spikes and collinear back-tracks of a traced outline', () => {
    // Square with a spike out of the bottom edge and a back-track along the right edge.
    const ring: Ring = [
      [0, 0],
      [1, 0],
      [1, -1],
      [1, 0],
      [2, 0],
      [2, 1],
      [2, 0.5],
      [2, 2],
      [0, 2],
    ];
    const clean = cleanOutline(ring);
    expect(clean).toHaveLength(1);
    expect(geometryProblems(toGeometry(clean))).toEqual([]);
    expect(signedArea(clean[0]![0]!)).toBeCloseTo(4, 12);
  });
});
