// Planned residents per village and grid at full scale, how many grids each village gets, and the
// scaled-down plan for smaller datasets. Integer splits use largest remainders so totals are exact.
import { Rng } from './prng.ts';
import { CHICHENG_CODE } from './township-layout.ts';
import type { VillageKind } from './village-layout.ts';

export const COUNTY_POPULATION = 600_000;
export const CHICHENG_POPULATION = 150_000;
export const TERRITORIAL_GRID_COUNT = 643;

/** Splits `total` into integers proportional to `weights` (largest remainder; ties to the lower index). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (weights.length === 0) return [];
  if (sum <= 0)
    return allocate(
      total,
      weights.map(() => 1),
    );
  const exact = weights.map((w) => (total * w) / sum);
  const result = exact.map(Math.floor);
  let left = total - result.reduce((s, v) => s + v, 0);
  const order = exact.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    result[i] = (result[i] as number) + 1;
    left--;
  }
  return result;
}

/** Seats by highest averages (D'Hondt) on top of one seat each, in proportion to `populations`. */
export function allocateSeats(populations: readonly number[], seats: number): number[] {
  const result = populations.map(() => 1);
  for (let extra = seats - populations.length; extra > 0; extra--) {
    let best = 0;
    let bestQuotient = -1;
    populations.forEach((p, i) => {
      const q = p / ((result[i] as number) + 1);
      if (q > bestQuotient) {
        bestQuotient = q;
        best = i;
      }
    });
    result[best] = (result[best] as number) + 1;
  }
  return result;
}

export interface PlannedVillage {
  code: string;
  townshipCode: string;
  kind: VillageKind;
  isSeat: boolean;
}

export interface VillagePlan {
  /** Residents at scale 1. */
  population: Map<string, number>;
  /** Territorial grids per village (the same at every scale). */
  gridCount: Map<string, number>;
}

/** Relative size of a village's population before noise. */
function baseWeight(village: PlannedVillage): number {
  const suffix = village.townshipCode.slice(6);
  if (village.townshipCode === CHICHENG_CODE) return village.kind === 'community' ? 6.5 : 1;
  if (suffix.startsWith('0')) return village.kind === 'community' ? 5 : 1.3; // 街道
  if (suffix.startsWith('1')) return village.isSeat ? 3 : 1; // 镇
  return village.isSeat ? 2 : 0.75; // 乡
}

export function planVillages(villages: readonly PlannedVillage[], seed: number): VillagePlan {
  const rng = new Rng(seed, 'population-plan');
  const weights = villages.map((v) => baseWeight(v) * Math.exp(0.3 * rng.normal()));
  const population = new Map<string, number>();
  const inChicheng = villages.map((v) => v.townshipCode === CHICHENG_CODE);
  const split = (mask: boolean, total: number): void => {
    const members = villages.filter((_, i) => inChicheng[i] === mask);
    const counts = allocate(
      total,
      weights.filter((_, i) => inChicheng[i] === mask),
    );
    members.forEach((v, i) => population.set(v.code, counts[i] as number));
  };
  split(true, CHICHENG_POPULATION);
  split(false, COUNTY_POPULATION - CHICHENG_POPULATION);
  // Grids grow less than linearly with population: dense urban grids hold more households.
  const seats = allocateSeats(
    villages.map((v) => (population.get(v.code) ?? 0) ** 0.75),
    TERRITORIAL_GRID_COUNT,
  );
  return {
    population,
    gridCount: new Map(villages.map((v, i) => [v.code, seats[i] as number])),
  };
}

/** Residents per grid of one village at scale 1: roughly equal shares with some spread. */
export function planGrids(villageCode: string, population: number, grids: number, seed: number): number[] {
  const rng = new Rng(seed, `grid-plan:${villageCode}`);
  return allocate(
    population,
    Array.from({ length: grids }, () => 0.75 + 0.5 * rng.next()),
  );
}

export interface ScalableRegion {
  code: string;
  parentCode: string;
  /** Planned residents at scale 1. */
  planned: number;
}

/**
 * Scales a plan down (or up) level by level so every total is the rounded scaled total of its parent:
 * the county gets round(600,000 × scale), 赤城 round(150,000 × scale), the rest follow their shares.
 */
export function scalePopulation(
  scale: number,
  townships: readonly ScalableRegion[],
  villages: readonly ScalableRegion[],
  grids: readonly ScalableRegion[],
): Map<string, number> {
  const result = new Map<string, number>();
  const countyTotal = Math.round(COUNTY_POPULATION * scale);
  const chicheng = Math.round(CHICHENG_POPULATION * scale);
  const others = townships.filter((t) => t.code !== CHICHENG_CODE);
  allocate(
    countyTotal - chicheng,
    others.map((t) => t.planned),
  ).forEach((n, i) => result.set((others[i] as ScalableRegion).code, n));
  if (townships.some((t) => t.code === CHICHENG_CODE)) result.set(CHICHENG_CODE, chicheng);
  const splitChildren = (parents: readonly ScalableRegion[], children: readonly ScalableRegion[]): void => {
    const byParent = new Map<string, ScalableRegion[]>();
    for (const child of children) {
      const list = byParent.get(child.parentCode);
      if (list) list.push(child);
      else byParent.set(child.parentCode, [child]);
    }
    for (const parent of parents) {
      const members = byParent.get(parent.code) ?? [];
      allocate(
        result.get(parent.code) ?? 0,
        members.map((m) => m.planned),
      ).forEach((n, i) => result.set((members[i] as ScalableRegion).code, n));
    }
  };
  splitChildren(townships, villages);
  splitChildren(villages, grids);
  return result;
}
