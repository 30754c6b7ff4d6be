// Village and community polygons inside each township. Seeds are relaxed under a density that peaks
// at the township's core, so urban communities and the seat village come out small and packed while
// mountain villages are large.
import { AreaIndex } from './area-index.ts';
import { latticeSamples, pickSeeds, relaxSeeds } from './lloyd-relaxation.ts';
import { Rng } from './prng.ts';
import type { ReferenceVillage } from './reference.ts';
import type { AreaRings, LonLat } from './ring-math.ts';
import { metersBetween } from './ring-math.ts';
import type { TownshipLayout } from './township-layout.ts';
import { CHICHENG_CODE, TIANTAI_KX } from './township-layout.ts';
import { voronoiPartition } from './voronoi-partition.ts';

export type VillageKind = 'village' | 'community';

export interface VillageLayout {
  code: string;
  name: string;
  townshipCode: string;
  kind: VillageKind;
  area: AreaRings;
  seed: LonLat;
  /** Metres from the township core; the nearest non-community village is the seat village. */
  coreDistance: number;
  /** The seat village of a town or township (the one nearest its core); communities are never. */
  isSeat: boolean;
}

export function villageKind(name: string): VillageKind {
  return name.endsWith('社区') ? 'community' : 'village';
}

/** How strongly settlement concentrates at the core: peak density over background, and its radius. */
function densityProfile(townshipCode: string): { peak: number; radius: number } {
  if (townshipCode === CHICHENG_CODE) return { peak: 40, radius: 1800 };
  const suffix = townshipCode.slice(6);
  if (suffix.startsWith('0')) return { peak: 25, radius: 1300 }; // 街道
  if (suffix.startsWith('1')) return { peak: 8, radius: 1000 }; // 镇
  return { peak: 4, radius: 800 }; // 乡
}

export function layoutVillages(
  townships: readonly TownshipLayout[],
  villages: readonly ReferenceVillage[],
  seed: number,
): VillageLayout[] {
  const result: VillageLayout[] = [];
  for (const township of townships) {
    const members = villages.filter((v) => v.townshipCode === township.code);
    if (members.length === 0) throw new Error(`township ${township.code} has no villages`);
    const rng = new Rng(seed, `villages:${township.code}`);
    const index = new AreaIndex(township.area);
    const { peak, radius } = densityProfile(township.code);
    const density = (p: LonLat): number => {
      const d = metersBetween(p, township.core);
      return 1 + peak * Math.exp(-(d * d) / (2 * radius * radius));
    };
    const samples = latticeSamples(index, members.length * 150, TIANTAI_KX);
    const weights = samples.map(density);
    const initial = pickSeeds(rng, samples, weights, members.length);
    const seeds = relaxSeeds(index, initial, samples, { kx: TIANTAI_KX, iterations: 20, weights });

    // Communities take the seeds nearest the core; villages go round the core in code order, the
    // first listed village (the seat village, by the usual numbering) nearest the core.
    const byDistance = seeds
      .map((p) => ({ p, d: metersBetween(p, township.core) }))
      .sort((a, b) => a.d - b.d || a.p[0] - b.p[0]);
    const communities = members.filter((v) => villageKind(v.name) === 'community');
    const plain = members.filter((v) => villageKind(v.name) === 'village');
    const assigned: { village: ReferenceVillage; p: LonLat; d: number; isSeat: boolean }[] = [];
    communities.forEach((village, i) => {
      const s = byDistance[i] as { p: LonLat; d: number };
      assigned.push({ village, ...s, isSeat: false });
    });
    let rest = byDistance.slice(communities.length);
    if (communities.length === 0 && plain.length > 0) {
      const s = rest[0] as { p: LonLat; d: number };
      assigned.push({ village: plain[0] as ReferenceVillage, ...s, isSeat: true });
      rest = rest.slice(1);
    }
    const angle = (p: LonLat): number => Math.atan2(p[1] - township.core[1], p[0] - township.core[0]);
    rest.sort((a, b) => angle(a.p) - angle(b.p));
    plain.slice(communities.length === 0 ? 1 : 0).forEach((village, i) => {
      const s = rest[i] as { p: LonLat; d: number };
      assigned.push({ village, ...s, isSeat: false });
    });

    const areas = voronoiPartition(
      township.area,
      assigned.map((a) => a.p),
      { kx: TIANTAI_KX },
    );
    assigned.forEach((a, i) => {
      result.push({
        code: a.village.code,
        name: a.village.name,
        townshipCode: township.code,
        kind: villageKind(a.village.name),
        area: areas[i] as AreaRings,
        seed: a.p,
        coreDistance: a.d,
        isSeat: a.isSeat,
      });
    });
  }
  const order = new Map(villages.map((v, i) => [v.code, i]));
  return result.sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0));
}
