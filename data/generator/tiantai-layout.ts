// The synthetic administrative map of Tiantai for one seed: townships, villages and territorial grids
// with exactly shared boundaries, plus the full-scale population plan they were sized by.
// Villages and townships are rebuilt as unions of their snapped grids, so all levels agree exactly.
import { Rng } from './prng.ts';
import type { GridLayout } from './grid-layout.ts';
import { layoutGrids } from './grid-layout.ts';
import { planGrids, planVillages } from './population-plan.ts';
import { readReference } from './reference.ts';
import type { AreaRings, Ring } from './ring-math.ts';
import { fromGeometry } from './ring-math.ts';
import { cleanOutline, mergePolygons, shareBoundaries } from './topology.ts';
import type { TownshipLayout } from './township-layout.ts';
import { layoutTownships } from './township-layout.ts';
import type { VillageLayout } from './village-layout.ts';
import { layoutVillages } from './village-layout.ts';

export interface TownshipPlace extends TownshipLayout {
  name: string;
  /** Planned residents at scale 1. */
  planned: number;
}

export interface VillagePlace extends VillageLayout {
  planned: number;
}

export interface GridPlace extends GridLayout {
  planned: number;
}

export interface TiantaiLayout {
  seed: number;
  county: AreaRings;
  townships: TownshipPlace[];
  villages: VillagePlace[];
  grids: GridPlace[];
}

const cache = new Map<number, TiantaiLayout>();
const CACHE_SIZE = 4;

/** Cached per seed (the last few seeds used); callers must not mutate the result. */
export function tiantaiLayout(seed: number): TiantaiLayout {
  let layout = cache.get(seed);
  if (layout) {
    cache.delete(seed);
  } else {
    layout = buildTiantaiLayout(seed);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as number);
  }
  cache.set(seed, layout);
  return layout;
}

export function clearLayoutCache(): void {
  cache.clear();
}

export function buildTiantaiLayout(seed: number): TiantaiLayout {
  const reference = readReference();
  const county = cleanOutline(fromGeometry(reference.county.geometry)[0]?.[0] as Ring);
  const townshipLayouts = layoutTownships(
    county,
    reference.townships.map((t) => t.code),
    new Rng(seed, 'townships'),
  );
  const villageLayouts = layoutVillages(townshipLayouts, reference.villages, seed);
  const plan = planVillages(villageLayouts, seed);
  const gridLayouts = layoutGrids(villageLayouts, plan.gridCount, seed);

  const snapped = shareBoundaries(gridLayouts.map((g) => g.area));
  const snappedArea = new Map(gridLayouts.map((g, i) => [g.code, snapped[i] as AreaRings]));
  const grids: GridPlace[] = [];
  const byVillage = new Map<string, GridPlace[]>();
  for (const village of villageLayouts) {
    const members = gridLayouts.filter((g) => g.villageCode === village.code);
    const planned = planGrids(village.code, plan.population.get(village.code) ?? 0, members.length, seed);
    const places = members.map((g, i): GridPlace => ({
      ...g,
      area: snappedArea.get(g.code) as AreaRings,
      planned: planned[i] as number,
    }));
    byVillage.set(village.code, places);
    grids.push(...places);
  }

  const villages: VillagePlace[] = villageLayouts.map((v) => ({
    ...v,
    area: mergePolygons((byVillage.get(v.code) ?? []).flatMap((g) => g.area)),
    planned: plan.population.get(v.code) ?? 0,
  }));
  const townships: TownshipPlace[] = townshipLayouts.map((t) => {
    const members = villages.filter((v) => v.townshipCode === t.code);
    return {
      ...t,
      name: reference.townships.find((r) => r.code === t.code)?.name ?? t.code,
      area: mergePolygons(members.flatMap((v) => v.area)),
      planned: members.reduce((sum, v) => sum + v.planned, 0),
    };
  });
  return { seed, county, townships, villages, grids };
}
