// The administrative geometry: real names and codes, 赤城's published area, and a hierarchical
// tiling with no gaps, no overlaps and exactly shared edges. Geometry does not depend on scale, so a
// small dataset is enough.
import * as turf from '@turf/turf';
import Flatbush from 'flatbush';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { DEFAULT_EPOCH, DEFAULT_SEED, generateDataset } from './generate.ts';
import { distanceToSegment, geometryProblems, matchEdges } from './geometry-checks.ts';
import { Rng } from './prng.ts';
import { readReference } from './reference.ts';
import { buildTiantaiLayout, tiantaiLayout } from './tiantai-layout.ts';

type Area = Polygon | MultiPolygon;

let dataset: Dataset;
const areaKm2 = (g: Area): number => turf.area(g) / 1e6;
const areaM2 = (g: Area): number => turf.area(g);

beforeAll(() => {
  dataset = generateDataset({ seed: DEFAULT_SEED, scale: 0.01, epoch: DEFAULT_EPOCH });
});

/** Edges of the county outline in a flatbush, to tell boundary edges from interior ones. */
function countyBoundary(): (p: Position) => number {
  const ring = (dataset.county.geometry as Polygon).coordinates[0] as Position[];
  const tree = new Flatbush(ring.length - 1);
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i] as [number, number];
    const [bx, by] = ring[i + 1] as [number, number];
    tree.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
  }
  tree.finish();
  return (p) => {
    const [x, y] = p as [number, number];
    const hits = tree.search(x - 1e-6, y - 1e-6, x + 1e-6, y + 1e-6);
    return Math.min(
      Infinity,
      ...hits.map((i) => distanceToSegment(p, ring[i] as Position, ring[i + 1] as Position)),
    );
  };
}

/** Each random point must fall in exactly one of `areas` inside the county and in none outside it. */
function expectPointsCoveredOnce(areas: { code: string; geometry: Area }[], samples: number): void {
  const features = areas.map((a) => turf.feature(a.geometry) as Feature<Area>);
  const tree = new Flatbush(features.length);
  for (const f of features) {
    const [minX, minY, maxX, maxY] = turf.bbox(f);
    tree.add(minX, minY, maxX, maxY);
  }
  tree.finish();
  const county = turf.feature(dataset.county.geometry) as Feature<Area>;
  const [minX, minY, maxX, maxY] = turf.bbox(county);
  const rng = new Rng(11, 'coverage');
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    const p: [number, number] = [rng.float(minX, maxX), rng.float(minY, maxY)];
    const owners = tree
      .search(p[0], p[1], p[0], p[1])
      .filter((j) => turf.booleanPointInPolygon(p, features[j]!));
    const inCounty = turf.booleanPointInPolygon(p, county);
    if (inCounty) inside++;
    expect(owners.length, `point ${p} in ${owners.map((j) => areas[j]!.code)}`).toBe(inCounty ? 1 : 0);
  }
  expect(inside).toBeGreaterThan(samples / 2);
}

describe('county and townships', () => {
  it('uses the reference outline, made valid and counterclockwise', () => {
    const reference = readReference();
    expect(dataset.county).toMatchObject({
      code: '331023',
      name: '天台县',
      kind: 'county',
      parentCode: null,
    });
    expect(geometryProblems(dataset.county.geometry)).toEqual([]);
    // Only zero-width spikes and a few pinched lattice cells of the source outline were dropped.
    expect(Math.abs(areaKm2(dataset.county.geometry) - areaKm2(reference.county.geometry))).toBeLessThan(
      0.05,
    );
    expect(areaKm2(dataset.county.geometry)).toBeGreaterThan(1420);
    expect(areaKm2(dataset.county.geometry)).toBeLessThan(1445);
  });

  it('has the 15 real townships with their kinds', () => {
    const reference = readReference();
    expect(dataset.townships.map((t) => [t.code, t.name])).toEqual(
      reference.townships.map((t) => [t.code, t.name]),
    );
    const kinds = Object.fromEntries(dataset.townships.map((t) => [t.name, t.kind]));
    expect(kinds).toMatchObject({
      赤城街道: 'subdistrict',
      始丰街道: 'subdistrict',
      福溪街道: 'subdistrict',
    });
    expect(kinds).toMatchObject({
      白鹤镇: 'town',
      平桥镇: 'town',
      洪畴镇: 'town',
      三州乡: 'township',
      泳溪乡: 'township',
    });
    for (const t of dataset.townships) expect(t.parentCode).toBe('331023');
  });

  it('fits 赤城街道 to 83.75 km² around the county seat, next to 始丰 and 福溪', () => {
    const chicheng = dataset.townships.find((t) => t.code === '331023001')!;
    expect(Math.abs(areaKm2(chicheng.geometry) / 83.75 - 1)).toBeLessThan(0.01);
    expect(turf.booleanPointInPolygon([121.03, 29.14], chicheng.geometry)).toBe(true);
    expect(dataset.villages.filter((v) => v.parentCode === chicheng.code)).toHaveLength(33);
    const report = (other: string): number =>
      matchEdges([chicheng.geometry, dataset.townships.find((t) => t.code === other)!.geometry]).matched;
    expect(report('331023002')).toBeGreaterThan(0);
    expect(report('331023003')).toBeGreaterThan(0);
  });

  it('gives the other townships varied, plausible areas', () => {
    const areas = dataset.townships.map((t) => areaKm2(t.geometry));
    expect(Math.min(...areas)).toBeGreaterThan(30);
    expect(Math.max(...areas)).toBeLessThan(250);
    expect(Math.max(...areas) / Math.min(...areas)).toBeGreaterThan(2);
  });
});

describe('hierarchical tiling', () => {
  it('has the 395 real villages and communities', () => {
    const reference = readReference();
    expect(dataset.villages.map((v) => [v.code, v.name, v.parentCode])).toEqual(
      reference.villages.map((v) => [v.code, v.name, v.townshipCode]),
    );
    for (const v of dataset.villages) expect(v.kind).toBe(v.name.endsWith('社区') ? 'community' : 'village');
  });

  it('has 643 territorial grids, at least one per village', () => {
    expect(dataset.territorialGrids).toHaveLength(643);
    const perVillage = new Map<string, number>();
    for (const g of dataset.territorialGrids) {
      expect(g.code).toMatch(/^\d{12}-\d{2}$/);
      expect(g.code.startsWith(g.villageCode)).toBe(true);
      expect(g.name).toMatch(/第\d+网格$/);
      perVillage.set(g.villageCode, (perVillage.get(g.villageCode) ?? 0) + 1);
    }
    for (const v of dataset.villages) expect(perVillage.get(v.code) ?? 0).toBeGreaterThanOrEqual(1);
    // The county seat's communities are split into several grids each.
    const chichengCommunities = dataset.villages.filter(
      (v) => v.parentCode === '331023001' && v.kind === 'community',
    );
    for (const v of chichengCommunities) expect(perVillage.get(v.code)).toBeGreaterThanOrEqual(3);
  });

  it('adds up: children cover their parent to within 1 m²', () => {
    const county = areaM2(dataset.county.geometry);
    expect(Math.abs(dataset.townships.reduce((s, t) => s + areaM2(t.geometry), 0) - county)).toBeLessThan(1);
    expect(
      Math.abs(dataset.territorialGrids.reduce((s, g) => s + areaM2(g.geometry), 0) - county),
    ).toBeLessThan(1);
    for (const t of dataset.townships) {
      const children = dataset.villages.filter((v) => v.parentCode === t.code);
      expect(
        Math.abs(children.reduce((s, v) => s + areaM2(v.geometry), 0) - areaM2(t.geometry)),
      ).toBeLessThan(1);
    }
    for (const v of dataset.villages) {
      const children = dataset.territorialGrids.filter((g) => g.villageCode === v.code);
      expect(
        Math.abs(children.reduce((s, g) => s + areaM2(g.geometry), 0) - areaM2(v.geometry)),
      ).toBeLessThan(1);
    }
  });

  it('makes every polygon valid: closed, counterclockwise, no repeats, no self-intersections', () => {
    for (const region of [...dataset.townships, ...dataset.villages, ...dataset.territorialGrids]) {
      expect(geometryProblems(region.geometry), region.code).toEqual([]);
      expect(
        turf.kinks(turf.feature(region.geometry) as Feature<Polygon>).features,
        region.code,
      ).toHaveLength(0);
    }
  });

  it('shares edges exactly: interior grid edges match one reversed edge, county edges none', () => {
    const distanceToCounty = countyBoundary();
    for (const level of [dataset.territorialGrids, dataset.villages, dataset.townships]) {
      const report = matchEdges(level.map((r) => r.geometry));
      expect(report.conflicts).toEqual([]);
      expect(report.matched).toBeGreaterThan(0);
      for (const { from, to } of report.unmatched) {
        const mid: Position = [
          ((from[0] as number) + (to[0] as number)) / 2,
          ((from[1] as number) + (to[1] as number)) / 2,
        ];
        expect(Math.max(distanceToCounty(from), distanceToCounty(to), distanceToCounty(mid))).toBeLessThan(
          1e-9,
        );
      }
    }
  });

  it('puts every random point of the county in exactly one grid, village and township', () => {
    expectPointsCoveredOnce(dataset.territorialGrids, 4000);
    expectPointsCoveredOnce(dataset.villages, 1000);
    expectPointsCoveredOnce(dataset.townships, 1000);
  });

  it('has no overlap between neighbouring grids (turf.intersect)', () => {
    const grids = dataset.territorialGrids.filter((g) => g.code.startsWith('331023001'));
    const tree = new Flatbush(grids.length);
    for (const g of grids) {
      const [a, b, c, d] = turf.bbox(g.geometry);
      tree.add(a, b, c, d);
    }
    tree.finish();
    let pairs = 0;
    grids.forEach((g, i) => {
      const [a, b, c, d] = turf.bbox(g.geometry);
      for (const j of tree.search(a, b, c, d)) {
        if (j <= i) continue;
        const overlap = turf.intersect(
          turf.featureCollection([turf.feature(g.geometry), turf.feature(grids[j]!.geometry)]),
        );
        expect(overlap ? turf.area(overlap) : 0).toBeLessThan(1);
        pairs++;
      }
    });
    expect(pairs).toBeGreaterThan(100);
  });

  it('makes communities small and mountain villages large', () => {
    const chichengCommunities = dataset.villages.filter(
      (v) => v.parentCode === '331023001' && v.kind === 'community',
    );
    const mountain = dataset.villages.filter((v) => v.parentCode?.startsWith('3310232'));
    const mean = (list: typeof mountain): number =>
      list.reduce((s, v) => s + areaKm2(v.geometry), 0) / list.length;
    expect(mean(chichengCommunities) * 3).toBeLessThan(mean(mountain));
  });
});

describe('determinism of the geometry', () => {
  it('rebuilds the same layout from scratch', () => {
    expect(JSON.stringify(buildTiantaiLayout(DEFAULT_SEED))).toBe(
      JSON.stringify(tiantaiLayout(DEFAULT_SEED)),
    );
  });

  it('fits 赤城 and tiles exactly for another seed too', () => {
    const layout = buildTiantaiLayout(7);
    expect(layout.grids).toHaveLength(643);
    const chicheng = layout.townships.find((t) => t.code === '331023001')!;
    const geometry = (area: typeof chicheng.area): Area =>
      area.length === 1
        ? { type: 'Polygon', coordinates: area[0]!.map((r) => [...r, r[0]!]) }
        : { type: 'MultiPolygon', coordinates: area.map((p) => p.map((r) => [...r, r[0]!])) };
    expect(Math.abs(areaKm2(geometry(chicheng.area)) / 83.75 - 1)).toBeLessThan(0.01);
    expect(matchEdges(layout.grids.map((g) => geometry(g.area))).conflicts).toEqual([]);
    expect(JSON.stringify(layout.grids)).not.toBe(JSON.stringify(tiantaiLayout(DEFAULT_SEED).grids));
  });
});
