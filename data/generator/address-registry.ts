// The standard address registry (标准地址): one address per household. Communities get flats
// (road + number + building/unit/room, many flats per building point); villages get houses with plain
// numbers scattered around a few hamlet centres. Every point lies strictly inside its grid.
import { AreaIndex } from './area-index.ts';
import type { AddressRecord } from './dataset.ts';
import { latticeSamples } from './lloyd-relaxation.ts';
import { roundLonLat } from './placement.ts';
import { roadsFor, shortVillageName } from './place-names.ts';
import { Rng } from './prng.ts';
import type { LonLat } from './ring-math.ts';
import { offsetMeters } from './ring-math.ts';
import type { GridPlace, VillagePlace } from './tiantai-layout.ts';
import { TIANTAI_KX } from './township-layout.ts';

/** Addresses keep at least this far from their grid's boundary (metres). */
export const ADDRESS_MARGIN_M = 3;

/**
 * House numbers along each road within a scope: a township for town streets (one street runs through
 * several communities), a village for village roads. Numbers never repeat within a scope.
 */
export class StreetNumbers {
  private readonly next = new Map<string, number>();

  take(scope: string, road: string, step: number): string {
    const key = `${scope}|${road}`;
    const number = this.next.get(key) ?? 1;
    this.next.set(key, number + Math.max(1, step));
    return String(number);
  }
}

export interface GridAddressInput {
  grid: GridPlace;
  village: VillagePlace;
  townshipName: string;
  households: number;
  seed: number;
  numbers: StreetNumbers;
}

function addressText(parts: Omit<AddressRecord, 'code' | 'text' | 'lon' | 'lat' | 'gridCode'>): string {
  const flat = parts.building ? `${parts.building}幢${parts.unit}单元${parts.room}室` : '';
  return `天台县${parts.township}${parts.village}${parts.road}${parts.number}号${flat}`;
}

/** A point near `centre` (Gaussian, sigma in metres) strictly inside the grid, or the centre itself. */
function scatter(rng: Rng, index: AreaIndex, centre: LonLat, sigma: number): LonLat {
  for (let attempt = 0; attempt < 30; attempt++) {
    const p = roundLonLat(offsetMeters(centre, rng.normal() * sigma, rng.normal() * sigma));
    if (index.containsWithMargin(p[0], p[1], ADDRESS_MARGIN_M)) return p;
  }
  return centre;
}

export function buildGridAddresses({
  grid,
  village,
  townshipName,
  households,
  seed,
  numbers,
}: GridAddressInput): AddressRecord[] {
  if (households <= 0) return [];
  const rng = new Rng(seed, `addresses:${grid.code}`);
  const roads = roadsFor(
    new Rng(seed, `roads:${village.code}`),
    village.name,
    village.townshipCode,
    village.kind === 'community',
  );
  const index = new AreaIndex(grid.area);
  // Candidate centres for estates and hamlets: well inside the grid.
  let centres = latticeSamples(index, 80, TIANTAI_KX)
    .map(roundLonLat)
    .filter((p) => index.containsWithMargin(p[0], p[1], 25));
  if (centres.length === 0) centres = [roundLonLat(index.interiorPoint())];
  const villageName = shortVillageName(village.name);
  const result: AddressRecord[] = [];
  const add = (p: LonLat, road: string, number: string, flat: [string, string, string] | null): void => {
    const parts = {
      township: townshipName,
      village: villageName,
      road,
      number,
      building: flat ? flat[0] : null,
      unit: flat ? flat[1] : null,
      room: flat ? flat[2] : null,
    };
    result.push({
      code: `${grid.code}-A${String(result.length + 1).padStart(4, '0')}`,
      ...parts,
      text: addressText(parts),
      lon: p[0],
      lat: p[1],
      gridCode: grid.code,
    });
  };

  if (village.kind === 'community') {
    // Estates along town streets: a few buildings each, flats filled floor by floor, some vacant.
    while (result.length < households) {
      const road = rng.pick(roads);
      const number = numbers.take(village.townshipCode, road, rng.int(2, 12));
      const estate = rng.pick(centres);
      const buildings = rng.int(2, 8);
      for (let b = 1; b <= buildings && result.length < households; b++) {
        const point = scatter(rng, index, estate, 40);
        const units = rng.int(1, 3);
        const floors = rng.chance(0.4) ? rng.int(11, 18) : rng.int(4, 7);
        for (let u = 1; u <= units; u++) {
          for (let f = 1; f <= floors; f++) {
            for (let r = 1; r <= 2; r++) {
              if (result.length >= households) break;
              if (rng.chance(0.12)) continue;
              add(point, road, number, [String(b), String(u), `${f}0${r}`]);
            }
          }
        }
      }
    }
  } else {
    // Hamlets: houses scattered around one to three centres, each centre on its own road.
    const hamlets = Array.from({ length: rng.int(1, 3) }, (_, i) => ({
      centre: rng.pick(centres),
      sigma: rng.float(60, 160),
      road: roads[i % roads.length] as string,
      weight: rng.float(0.5, 1.5),
    }));
    const weights = hamlets.map((h) => h.weight);
    while (result.length < households) {
      const hamlet = hamlets[rng.weightedIndex(weights)] as (typeof hamlets)[number];
      const road = rng.chance(0.8) ? hamlet.road : rng.pick(roads);
      add(
        scatter(rng, index, hamlet.centre, hamlet.sigma),
        road,
        numbers.take(village.code, road, rng.int(1, 3)),
        null,
      );
    }
  }
  return result;
}
