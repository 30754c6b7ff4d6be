// generateDataset: the whole synthetic Tiantai reference dataset from (seed, scale, epoch).
// Pure and deterministic: the same options give deep-equal output. Geometry depends on the seed only
// and is cached per seed; people, addresses and timestamps follow scale and epoch.
import { z } from 'zod';
import type { RegionKind } from '../../shared/domain.ts';
import { buildGridAddresses, StreetNumbers } from './address-registry.ts';
import { buildCheckpoints } from './checkpoints.ts';
import type {
  AddressRecord,
  Dataset,
  GenerateOptions,
  PersonRecord,
  RegionRecord,
  TerritorialGridRecord,
} from './dataset.ts';
import { epochMs } from './epoch.ts';
import { GridLocator } from './grid-locator.ts';
import { buildGridWorkers } from './grid-workers.ts';
import { buildIsolationSites } from './isolation-sites.ts';
import { assignIsolation, buildHousehold, drawArrival, householdSizes } from './persons.ts';
import type { PersonContext } from './persons.ts';
import { PhoneBook } from './phone-numbers.ts';
import { territorialGridName } from './place-names.ts';
import { scalePopulation } from './population-plan.ts';
import { Rng } from './prng.ts';
import { readReference } from './reference.ts';
import type { AreaRings } from './ring-math.ts';
import { toGeometry } from './ring-math.ts';
import { buildSectorGrids } from './sector-grids.ts';
import { tiantaiLayout } from './tiantai-layout.ts';

export const DEFAULT_SEED = 20200128;
/** 08:00 China time on 1 January 2026. */
export const DEFAULT_EPOCH = '2026-01-01T08:00:00+08:00';
export const defaultGenerateOptions: GenerateOptions = { seed: DEFAULT_SEED, scale: 1, epoch: DEFAULT_EPOCH };

export const generateOptionsSchema = z.object({
  seed: z.number().int().min(0).max(0xffffffff),
  scale: z.number().positive().max(4),
  epoch: z.iso.datetime({ offset: true }),
});

/** 街道 for codes 001-003, 镇 for 1xx, 乡 for 2xx. */
export function townshipKind(code: string): RegionKind {
  const suffix = code.slice(6);
  if (suffix.startsWith('0')) return 'subdistrict';
  if (suffix.startsWith('1')) return 'town';
  return 'township';
}

const geometry = (area: AreaRings): RegionRecord['geometry'] => toGeometry(area);

export function generateDataset(options: GenerateOptions): Dataset {
  const { seed, scale, epoch } = generateOptionsSchema.parse(options);
  const now = epochMs(epoch);
  const reference = readReference();
  const layout = tiantaiLayout(seed);

  const population = scalePopulation(
    scale,
    layout.townships.map((t) => ({ code: t.code, parentCode: reference.county.code, planned: t.planned })),
    layout.villages.map((v) => ({ code: v.code, parentCode: v.townshipCode, planned: v.planned })),
    layout.grids.map((g) => ({ code: g.code, parentCode: g.villageCode, planned: g.planned })),
  );
  const populationOf = (code: string): number => population.get(code) ?? 0;

  const county: RegionRecord = {
    code: reference.county.code,
    name: reference.county.name,
    kind: 'county',
    parentCode: null,
    geometry: geometry(layout.county),
    population: layout.townships.reduce((sum, t) => sum + populationOf(t.code), 0),
  };
  const townships: RegionRecord[] = layout.townships.map((t) => ({
    code: t.code,
    name: t.name,
    kind: townshipKind(t.code),
    parentCode: county.code,
    geometry: geometry(t.area),
    population: populationOf(t.code),
  }));
  const villages: RegionRecord[] = layout.villages.map((v) => ({
    code: v.code,
    name: v.name,
    kind: v.kind,
    parentCode: v.townshipCode,
    geometry: geometry(v.area),
    population: populationOf(v.code),
  }));
  const villageByCode = new Map(layout.villages.map((v) => [v.code, v]));
  const territorialGrids: TerritorialGridRecord[] = layout.grids.map((g) => ({
    code: g.code,
    name: territorialGridName(villageByCode.get(g.villageCode)?.name ?? g.villageCode, g.number),
    villageCode: g.villageCode,
    geometry: geometry(g.area),
    population: populationOf(g.code),
  }));

  const locator = new GridLocator(layout.grids);
  const sectors = buildSectorGrids(layout, seed);
  const phones = new PhoneBook();
  const gridWorkers = buildGridWorkers(layout.grids, sectors, locator, phones, seed);
  const checkpoints = buildCheckpoints(layout, locator, seed);
  const isolationSites = buildIsolationSites(layout, locator, seed, epoch);

  const townshipName = new Map(layout.townships.map((t) => [t.code, t.name]));
  const numbers = new StreetNumbers();
  const context: PersonContext = { epochMs: now, phones, ids: new Set() };
  const addresses: AddressRecord[] = [];
  const persons: PersonRecord[] = [];
  for (const grid of layout.grids) {
    const village = villageByCode.get(grid.villageCode);
    if (!village) throw new Error(`grid ${grid.code} has no village`);
    const rng = new Rng(seed, `persons:${grid.code}`);
    const sizes = householdSizes(rng, populationOf(grid.code));
    const gridAddresses = buildGridAddresses({
      grid,
      village,
      townshipName: townshipName.get(village.townshipCode) ?? '',
      households: sizes.length,
      seed,
      numbers,
    });
    gridAddresses.forEach((address, i) => {
      const householdCode = address.code.replace(/-A(\d+)$/, '-H$1');
      const arrival = drawArrival(rng, now);
      persons.push(...buildHousehold(rng, context, address, householdCode, sizes[i] as number, arrival));
    });
    addresses.push(...gridAddresses);
  }
  assignIsolation(
    new Rng(seed, 'isolation'),
    persons,
    new Map(addresses.map((a) => [a.code, a])),
    isolationSites,
  );

  return {
    options: { seed, scale, epoch },
    county,
    townships,
    villages,
    territorialGrids,
    sectorGrids: sectors.map((s) => s.record),
    gridWorkers,
    addresses,
    persons,
    checkpoints,
    isolationSites,
  };
}
