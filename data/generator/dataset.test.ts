// Everything in a generated dataset except the tiling itself (see tiling.test.ts): determinism, counts,
// population, addresses, people, workers, sector grids, checkpoints and isolation sites.
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { idNumberSex, isValidIdNumber } from '../../shared/id-number.ts';
import { sectorKinds } from '../../shared/domain.ts';
import { arrivalOrigins } from './arrival-origins.ts';
import type { Dataset } from './dataset.ts';
import { datasetSha256 } from './dataset-files.ts';
import { DAY_MS, HOUR_MS } from './epoch.ts';
import { DEFAULT_EPOCH, DEFAULT_SEED, generateDataset } from './generate.ts';
import { geometryProblems } from './geometry-checks.ts';
import { tiantaiLayout } from './tiantai-layout.ts';

const options = { seed: DEFAULT_SEED, scale: 0.01, epoch: DEFAULT_EPOCH };
let dataset: Dataset;
const epoch = Date.parse(DEFAULT_EPOCH);
type Area = Polygon | MultiPolygon;
const gridGeometry = new Map<string, Area>();

beforeAll(() => {
  dataset = generateDataset(options);
  for (const g of dataset.territorialGrids) gridGeometry.set(g.code, g.geometry);
});

describe('determinism', () => {
  it('gives identical output for the same options', () => {
    const again = generateDataset(options);
    expect(again).toEqual(dataset);
    expect(datasetSha256(again)).toBe(datasetSha256(dataset));
  });

  it('changes people but not places when only the epoch changes', () => {
    const later = generateDataset({ ...options, epoch: '2026-03-01T08:00:00+08:00' });
    expect(later.territorialGrids).toEqual(dataset.territorialGrids);
    expect(later.persons).toHaveLength(dataset.persons.length);
    const arrival = later.persons.find((p) => p.kind === 'arrival')!;
    expect(Date.parse(arrival.arrivedAt!)).toBeGreaterThan(Date.parse('2026-02-01T00:00:00Z'));
  });

  it('rejects bad options', () => {
    expect(() => generateDataset({ ...options, scale: 0 })).toThrow();
    expect(() => generateDataset({ ...options, epoch: 'yesterday' })).toThrow();
    expect(() => generateDataset({ ...options, seed: 1.5 })).toThrow();
  });
});

describe('counts and population', () => {
  it('has the reference counts', () => {
    expect(dataset.options).toEqual(options);
    expect(dataset.townships).toHaveLength(15);
    expect(dataset.villages).toHaveLength(395);
    expect(dataset.territorialGrids).toHaveLength(643);
    expect(dataset.sectorGrids).toHaveLength(31);
    expect(dataset.gridWorkers).toHaveLength(645);
    expect(dataset.isolationSites.length).toBeGreaterThanOrEqual(6);
    expect(dataset.isolationSites.length).toBeLessThanOrEqual(10);
  });

  it('scales the population, keeping 赤城 at a quarter', () => {
    expect(dataset.persons).toHaveLength(6000);
    expect(dataset.county.population).toBe(6000);
    expect(dataset.townships.find((t) => t.code === '331023001')!.population).toBe(1500);
    const sum = (list: { population: number }[]): number => list.reduce((s, r) => s + r.population, 0);
    expect(sum(dataset.townships)).toBe(6000);
    expect(sum(dataset.villages)).toBe(6000);
    expect(sum(dataset.territorialGrids)).toBe(6000);
    const perGrid = new Map<string, number>();
    for (const p of dataset.persons) perGrid.set(p.gridCode, (perGrid.get(p.gridCode) ?? 0) + 1);
    for (const g of dataset.territorialGrids) expect(perGrid.get(g.code) ?? 0).toBe(g.population);
  });

  it('plans 600,000 residents at full scale, 150,000 of them in 赤城', () => {
    const layout = tiantaiLayout(DEFAULT_SEED);
    expect(layout.townships.reduce((s, t) => s + t.planned, 0)).toBe(600_000);
    expect(layout.townships.find((t) => t.code === '331023001')!.planned).toBe(150_000);
    expect(layout.grids.reduce((s, g) => s + g.planned, 0)).toBe(600_000);
  });
});

describe('addresses', () => {
  it('lie strictly inside their grid, one household each', () => {
    const codes = new Set<string>();
    for (const a of dataset.addresses) {
      expect(
        turf.booleanPointInPolygon([a.lon, a.lat], gridGeometry.get(a.gridCode)!, { ignoreBoundary: true }),
      ).toBe(true);
      codes.add(a.code);
    }
    expect(codes.size).toBe(dataset.addresses.length);
    expect(new Set(dataset.persons.map((p) => p.householdCode)).size).toBe(dataset.addresses.length);
    // About 2.6 at full scale; the last household of each tiny grid is cut short at this scale.
    const size = dataset.persons.length / dataset.addresses.length;
    expect(size).toBeGreaterThan(2.1);
    expect(size).toBeLessThan(2.9);
  });

  it('are structured: flats in communities, house numbers in villages, full text', () => {
    const villageKind = new Map(dataset.villages.map((v) => [v.code, v.kind]));
    const townshipName = new Map(dataset.townships.map((t) => [t.code, t.name]));
    for (const a of dataset.addresses) {
      const villageCode = a.gridCode.slice(0, 12);
      const community = villageKind.get(villageCode) === 'community';
      expect(a.township).toBe(townshipName.get(villageCode.slice(0, 9)));
      expect(a.number).toMatch(/^\d+$/);
      if (community) {
        expect(a.building).toMatch(/^\d+$/);
        expect(a.unit).toMatch(/^\d+$/);
        expect(a.room).toMatch(/^\d+0\d$/);
        expect(a.text).toBe(
          `天台县${a.township}${a.village}${a.road}${a.number}号${a.building}幢${a.unit}单元${a.room}室`,
        );
      } else {
        expect([a.building, a.unit, a.room]).toEqual([null, null, null]);
        expect(a.text).toBe(`天台县${a.township}${a.village}${a.road}${a.number}号`);
      }
    }
    const roads = new Set(dataset.addresses.map((a) => a.road));
    expect(roads.size).toBeGreaterThan(300);
    expect([...roads].some((r) => r.endsWith('弄'))).toBe(true);
  });

  it('never repeats the same address text', () => {
    expect(new Set(dataset.addresses.map((a) => a.text)).size).toBe(dataset.addresses.length);
  });
});

describe('persons', () => {
  it('have unique valid ID numbers with the right area codes', () => {
    const ids = new Set<string>();
    const originCodes = new Map(arrivalOrigins.map((o) => [o.city, new Set(o.areaCodes)]));
    for (const p of dataset.persons) {
      expect(isValidIdNumber(p.idNumber, new Date(epoch)), p.idNumber).toBe(true);
      ids.add(p.idNumber);
      if (p.kind === 'resident') expect(p.idNumber.slice(0, 6)).toBe('331023');
      else expect(originCodes.get(p.origin!)?.has(p.idNumber.slice(0, 6))).toBe(true);
      expect(['male', 'female']).toContain(idNumberSex(p.idNumber));
    }
    expect(ids.size).toBe(dataset.persons.length);
  });

  it('have names, unique mobile numbers and consistent links', () => {
    const addresses = new Map(dataset.addresses.map((a) => [a.code, a]));
    for (const p of dataset.persons) {
      expect(p.name).toMatch(/^\p{Script=Han}{2,3}$/u);
      expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(addresses.get(p.addressCode)?.gridCode).toBe(p.gridCode);
    }
    const phones = [...dataset.persons.map((p) => p.phone), ...dataset.gridWorkers.map((w) => w.phone)];
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('are about 3% arrivals from a variety of cities within the last 14 days', () => {
    const arrivals = dataset.persons.filter((p) => p.kind === 'arrival');
    expect(arrivals.length / dataset.persons.length).toBeGreaterThan(0.015);
    expect(arrivals.length / dataset.persons.length).toBeLessThan(0.05);
    expect(new Set(arrivals.map((p) => p.origin)).size).toBeGreaterThan(8);
    let overdue = 0;
    for (const p of arrivals) {
      const arrived = Date.parse(p.arrivedAt!);
      const registered = Date.parse(p.registeredAt);
      expect(arrived).toBeGreaterThanOrEqual(epoch - 14 * DAY_MS);
      expect(arrived).toBeLessThanOrEqual(epoch);
      expect(registered).toBeGreaterThanOrEqual(arrived);
      expect(registered).toBeLessThanOrEqual(epoch);
      if (registered - arrived > HOUR_MS) overdue++;
    }
    expect(overdue / arrivals.length).toBeGreaterThan(0.01);
    expect(overdue / arrivals.length).toBeLessThan(0.12);
    for (const p of dataset.persons.filter((q) => q.kind === 'resident')) {
      expect(p.arrivedAt).toBeNull();
      expect(p.origin).toBeNull();
      expect(Date.parse(p.registeredAt)).toBeLessThan(epoch);
    }
  });

  it('are mostly green-coded, with arrivals more often yellow or red', () => {
    const share = (kind: string, code: string): number => {
      const group = dataset.persons.filter((p) => p.kind === kind);
      return group.filter((p) => p.healthCode === code).length / group.length;
    };
    expect(share('resident', 'green')).toBeGreaterThan(0.97);
    expect(share('arrival', 'green')).toBeGreaterThan(0.7);
    expect(share('arrival', 'green')).toBeLessThan(share('resident', 'green'));
  });

  it('are isolated only at sites with room, and only when isolated', () => {
    const occupancy = new Map<string, number>();
    for (const p of dataset.persons) {
      expect(p.isolationSiteCode !== null).toBe(p.status === 'isolated');
      if (p.isolationSiteCode)
        occupancy.set(p.isolationSiteCode, (occupancy.get(p.isolationSiteCode) ?? 0) + 1);
    }
    expect([...occupancy.values()].reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    for (const site of dataset.isolationSites)
      expect(occupancy.get(site.code) ?? 0).toBeLessThanOrEqual(site.capacity);
    expect(dataset.persons.some((p) => p.status === 'left')).toBe(true);
  });
});

describe('grid workers', () => {
  it('cover every territorial grid, with a second worker in the two busiest', () => {
    const leaders = dataset.gridWorkers.filter((w) => w.role === 'leader');
    expect(new Set(leaders.map((w) => w.gridCode)).size).toBe(643);
    const members = dataset.gridWorkers.filter((w) => w.role === 'member');
    expect(members).toHaveLength(2);
    const planned = tiantaiLayout(DEFAULT_SEED)
      .grids.slice()
      .sort((a, b) => b.planned - a.planned);
    expect(members.map((w) => w.gridCode).sort()).toEqual(
      planned
        .slice(0, 2)
        .map((g) => g.code)
        .sort(),
    );
    expect(new Set(dataset.gridWorkers.map((w) => w.code)).size).toBe(645);
    for (const w of dataset.gridWorkers) expect(w.phone).toMatch(/^1[3-9]\d{9}$/);
  });

  it('look after every sector grid from a territorial grid it overlaps', () => {
    const covered = new Set<string>();
    for (const w of dataset.gridWorkers) {
      for (const code of w.sectorGridCodes) {
        const sector = dataset.sectorGrids.find((s) => s.code === code)!;
        expect(turf.booleanIntersects(sector.geometry, gridGeometry.get(w.gridCode)!)).toBe(true);
        covered.add(code);
      }
    }
    expect(covered.size).toBe(31);
  });
});

describe('sector grids', () => {
  it('are small valid polygons inside the county, of every kind', () => {
    const county = turf.feature(dataset.county.geometry) as Feature<Polygon>;
    for (const s of dataset.sectorGrids) {
      expect(s.code).toMatch(/^331023-S\d{2}$/);
      expect(geometryProblems(s.geometry)).toEqual([]);
      const km2 = turf.area(s.geometry) / 1e6;
      expect(km2).toBeGreaterThanOrEqual(0.05 * 0.99);
      expect(km2).toBeLessThanOrEqual(3);
      expect(turf.booleanWithin(turf.feature(s.geometry), county)).toBe(true);
    }
    expect(new Set(dataset.sectorGrids.map((s) => s.sectorKind))).toEqual(new Set(sectorKinds));
    const names = dataset.sectorGrids.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['天台县经济开发区', '国清寺景区', '天台山华顶景区', '琼台仙谷景区']),
    );
  });

  it('do not overlap each other', () => {
    const sectors = dataset.sectorGrids;
    for (let i = 0; i < sectors.length; i++) {
      for (let j = i + 1; j < sectors.length; j++) {
        expect(turf.booleanIntersects(sectors[i]!.geometry, sectors[j]!.geometry), `${i} ${j}`).toBe(false);
      }
    }
  });
});

describe('checkpoints and isolation sites', () => {
  const inGrid = (p: { lon: number; lat: number; gridCode: string }): boolean =>
    turf.booleanPointInPolygon([p.lon, p.lat], gridGeometry.get(p.gridCode)!, { ignoreBoundary: true });

  it('have two traffic checkpoints in 赤城, including 波楞 on National Road 104, and more at the border', () => {
    const traffic = dataset.checkpoints.filter((c) => c.kind === 'traffic');
    const inChicheng = traffic.filter((c) => c.gridCode.startsWith('331023001'));
    expect(inChicheng).toHaveLength(2);
    expect(inChicheng.some((c) => c.name.includes('104') && c.name.includes('波楞'))).toBe(true);
    expect(traffic.length).toBeGreaterThanOrEqual(5);
    for (const c of dataset.checkpoints) {
      expect(inGrid(c), c.name).toBe(true);
      expect(c.staffing).toBeGreaterThanOrEqual(2);
      expect(c.staffing).toBeLessThanOrEqual(8);
    }
    expect(new Set(dataset.checkpoints.map((c) => c.code)).size).toBe(dataset.checkpoints.length);
  });

  it('have a temporary checkpoint in every village and community', () => {
    const village = dataset.checkpoints.filter((c) => c.kind === 'village');
    expect(village).toHaveLength(395);
    expect(new Set(village.map((c) => c.gridCode.slice(0, 12)))).toEqual(
      new Set(dataset.villages.map((v) => v.code)),
    );
    for (const c of village) expect(c.name).toMatch(/临时卡口$/);
  });

  it('have isolation sites including 丰泽, opened before every arrival', () => {
    const fengze = dataset.isolationSites.find((s) => s.name === '丰泽隔离观察点');
    expect(fengze?.gridCode.startsWith('331023001046')).toBe(true);
    for (const site of dataset.isolationSites) {
      expect(inGrid(site)).toBe(true);
      expect(site.capacity).toBeGreaterThanOrEqual(30);
      expect(site.capacity).toBeLessThanOrEqual(200);
      expect(site.openedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Date.parse(`${site.openedOn}T00:00:00+08:00`)).toBeLessThanOrEqual(epoch - 14 * DAY_MS);
    }
    expect(fengze!.openedOn <= dataset.isolationSites.map((s) => s.openedOn).sort()[0]!).toBe(true);
  });
});
