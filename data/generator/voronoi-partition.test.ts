import { describe, expect, it } from 'vitest';
import { clipToCell } from './convex-clip.ts';
import { geometryProblems, matchEdges } from './geometry-checks.ts';
import { Rng } from './prng.ts';
import type { AreaRings, LonLat, Ring } from './ring-math.ts';
import { pointInRing, signedArea, toGeometry } from './ring-math.ts';
import { voronoiCells, voronoiPartition } from './voronoi-partition.ts';

const planarArea = (area: AreaRings): number =>
  area.reduce(
    (sum, polygon) =>
      sum + polygon.reduce((s, ring, i) => s + (i === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0),
    0,
  );

describe('voronoiPartition', () => {
  it('splits a square along the bisector', () => {
    const square: AreaRings = [
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    ];
    const [left, right] = voronoiPartition(
      square,
      [
        [0.2, 0.5],
        [0.8, 0.5],
      ],
      { kx: 1 },
    );
    expect(planarArea(left!)).toBeCloseTo(0.5, 12);
    expect(planarArea(right!)).toBeCloseTo(0.5, 12);
    const report = matchEdges([toGeometry(left!), toGeometry(right!)]);
    expect(report.conflicts).toEqual([]);
    expect(report.matched).toBe(2);
  });

  it('hands a cut-off piece of a cell to its neighbour', () => {
    // A U shape: the top seed's cell reaches over the notch into the other arm.
    const u: AreaRings = [
      [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [7, 10],
          [7, 3],
          [3, 3],
          [3, 10],
          [0, 10],
        ],
      ],
    ];
    const seeds: LonLat[] = [
      [5, 1.5],
      [1.5, 9],
    ];
    const cells = voronoiCells(seeds, u, { kx: 1 });
    expect(clipToCell(u, cells[1]!)).toHaveLength(2);
    const [bottom, left] = voronoiPartition(u, seeds, { kx: 1 });
    expect(bottom).toHaveLength(1);
    expect(left).toHaveLength(1);
    expect(planarArea(bottom!) + planarArea(left!)).toBeCloseTo(72, 9);
    expect(pointInRing(8.5, 9.5, bottom![0]![0]!)).toBe(true);
    expect(geometryProblems(toGeometry(bottom!))).toEqual([]);
  });

  it('tiles a concave outline exactly, with identical shared edges', () => {
    const rng = new Rng(3, 'star');
    const star: Ring = Array.from({ length: 48 }, (_, i) => {
      const angle = (2 * Math.PI * i) / 48;
      const r = i % 2 === 0 ? 10 : rng.float(4, 9);
      return [r * Math.cos(angle), r * Math.sin(angle)] as LonLat;
    });
    const parent: AreaRings = [[star]];
    const seeds: LonLat[] = [];
    while (seeds.length < 40) {
      const p: LonLat = [rng.float(-9, 9), rng.float(-9, 9)];
      if (pointInRing(p[0], p[1], star)) seeds.push(p);
    }
    const parts = voronoiPartition(parent, seeds, { kx: 1 });
    const total = parts.reduce((sum, part) => sum + planarArea(part), 0);
    expect(total).toBeCloseTo(planarArea(parent), 9);
    const geometries = parts.map(toGeometry);
    for (const g of geometries) expect(geometryProblems(g)).toEqual([]);
    const report = matchEdges(geometries);
    expect(report.conflicts).toEqual([]);
    // Every unmatched edge runs along the star's outline.
    const outline = new Set(star.map((p) => `${p[0]},${p[1]}`));
    for (const { from, to } of report.unmatched) {
      const onOutline = star.some((a, i) => {
        const b = star[(i + 1) % star.length]!;
        const cross =
          (b[0] - a[0]) * ((from[1] as number) - a[1]) - (b[1] - a[1]) * ((from[0] as number) - a[0]);
        const cross2 =
          (b[0] - a[0]) * ((to[1] as number) - a[1]) - (b[1] - a[1]) * ((to[0] as number) - a[0]);
        return Math.abs(cross) < 1e-9 && Math.abs(cross2) < 1e-9;
      });
      expect(onOutline || outline.has(`${from[0]},${from[1]}`)).toBe(true);
    }
  });
});
