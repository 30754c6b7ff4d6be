// The province-size benchmark layer: an exact tiling of the rectangle, shared densified edges.
import * as turf from '@turf/turf';
import type { Feature, Polygon, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { geometryProblems, matchEdges } from './geometry-checks.ts';
import { generateProvinceGrids, PROVINCE_BOUNDS } from './province.ts';

const { minLon, minLat, maxLon, maxLat } = PROVINCE_BOUNDS;
let plain: ReturnType<typeof generateProvinceGrids>;
let dense: ReturnType<typeof generateProvinceGrids>;

beforeAll(() => {
  plain = generateProvinceGrids({ seed: 5, grids: 1500 });
  dense = generateProvinceGrids({ seed: 5, grids: 1500, verticesPerRing: 100 });
});

/** Planar shoelace area in square degrees (the rectangle's is exactly 5 x 4.2). */
function planarArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    sum +=
      (ring[i]![0] as number) * (ring[i + 1]![1] as number) -
      (ring[i + 1]![0] as number) * (ring[i]![1] as number);
  }
  return sum / 2;
}

const onRectangle = (p: Position): boolean =>
  p[0] === minLon || p[0] === maxLon || p[1] === minLat || p[1] === maxLat;

describe('generateProvinceGrids', () => {
  it('makes the requested number of cells with codes and names', () => {
    for (const fc of [plain, dense]) {
      expect(fc.features).toHaveLength(1500);
      expect(new Set(fc.features.map((f) => f.properties.code)).size).toBe(1500);
      expect(fc.features[0]!.properties.name).toMatch(/^浙江模拟网格\d+$/);
    }
  });

  it('tiles the rectangle: areas add up and every edge is shared or on the border', () => {
    for (const fc of [plain, dense]) {
      const total = fc.features.reduce((s, f) => s + planarArea(f.geometry.coordinates[0]!), 0);
      expect(total).toBeCloseTo((maxLon - minLon) * (maxLat - minLat), 9);
      const report = matchEdges(fc.features.map((f) => f.geometry));
      expect(report.conflicts).toEqual([]);
      for (const { from, to } of report.unmatched) {
        expect(onRectangle(from) && onRectangle(to) && (from[0] === to[0] || from[1] === to[1])).toBe(true);
      }
    }
  });

  it('densifies shared edges to about 100 vertices per ring, keeping rings valid', () => {
    const counts = dense.features.map((f) => f.geometry.coordinates[0]!.length - 1);
    const mean = counts.reduce((s, n) => s + n, 0) / counts.length;
    expect(mean).toBeGreaterThan(90);
    expect(mean).toBeLessThan(110);
    for (const f of dense.features) expect(geometryProblems(f.geometry), f.properties.code).toEqual([]);
    for (const f of dense.features.slice(0, 100)) {
      expect(turf.kinks(f as Feature<Polygon>).features).toHaveLength(0);
    }
  });

  it('puts random points in exactly one cell', () => {
    const features = plain.features;
    for (let i = 0; i < 300; i++) {
      const p: [number, number] = [
        minLon + ((i * 0.6180339887) % 1) * 5,
        minLat + ((i * 0.7548776662) % 1) * 4.2,
      ];
      const owners = features.filter((f) => turf.booleanPointInPolygon(p, f));
      expect(owners).toHaveLength(1);
    }
  });

  it('is deterministic per seed', () => {
    expect(generateProvinceGrids({ seed: 5, grids: 1500, verticesPerRing: 100 })).toEqual(dense);
    expect(generateProvinceGrids({ seed: 6, grids: 1500 })).not.toEqual(plain);
  });
});
