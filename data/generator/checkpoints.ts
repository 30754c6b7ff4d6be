// Checkpoints (卡口): traffic checkpoints in 赤城 and at the county's entrances, and one temporary
// checkpoint at the entrance of every village and community.
import { AreaIndex } from './area-index.ts';
import type { CheckpointRecord } from './dataset.ts';
import type { GridLocator } from './grid-locator.ts';
import { pullInside, walkToEdge } from './placement.ts';
import { Rng } from './prng.ts';
import type { LonLat } from './ring-math.ts';
import { metersBetween, offsetMeters } from './ring-math.ts';
import type { TiantaiLayout, TownshipPlace } from './tiantai-layout.ts';
import { shortVillageName } from './place-names.ts';

interface TrafficCheckpoint {
  name: string;
  township: string;
  /** Either an offset from the township core, or the county border in this compass bearing (degrees). */
  place: { east: number; north: number } | { borderBearing: number };
}

const trafficCheckpoints: readonly TrafficCheckpoint[] = [
  // 赤城街道: National Road 104 at the 波楞 petrol station west of town, and the expressway exit.
  { name: '国道104线波楞加油站交通卡口', township: '331023001', place: { east: -2600, north: -400 } },
  { name: '上三高速天台出口交通卡口', township: '331023001', place: { east: 1700, north: -2100 } },
  { name: '平桥镇天台新昌交界交通卡口', township: '331023105', place: { borderBearing: 290 } },
  { name: '石梁镇天台宁海交界交通卡口', township: '331023102', place: { borderBearing: 20 } },
  { name: '街头镇天台临海交界交通卡口', township: '331023104', place: { borderBearing: 100 } },
  { name: '三合镇天台三门交界交通卡口', township: '331023107', place: { borderBearing: 150 } },
  { name: '南屏乡天台仙居交界交通卡口', township: '331023207', place: { borderBearing: 220 } },
];

/** The township's border vertex furthest along `bearing`, then 400 m back towards its core. */
function borderEntrance(township: TownshipPlace, bearingDegrees: number): LonLat {
  const b = (bearingDegrees * Math.PI) / 180;
  const east = Math.sin(b);
  const north = Math.cos(b);
  let best = township.core;
  let bestScore = -Infinity;
  for (const polygon of township.area) {
    for (const p of polygon[0] ?? []) {
      const score =
        (p[0] - township.core[0]) * Math.cos((p[1] * Math.PI) / 180) * east +
        (p[1] - township.core[1]) * north;
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
  }
  const distance = metersBetween(best, township.core);
  const t = Math.min(1, 400 / Math.max(distance, 1));
  return [best[0] + (township.core[0] - best[0]) * t, best[1] + (township.core[1] - best[1]) * t];
}

export function buildCheckpoints(
  layout: TiantaiLayout,
  locator: GridLocator,
  seed: number,
): CheckpointRecord[] {
  const rng = new Rng(seed, 'checkpoints');
  const result: CheckpointRecord[] = [];
  // Keep clear of grid edges so every checkpoint has one unambiguous grid.
  const locate = (p: LonLat, within: AreaIndex, what: string): { point: LonLat; gridCode: string } => {
    const settled = locator.settle(p, 5, within);
    if (!settled) throw new Error(`${what} is not well inside a grid`);
    return settled;
  };

  trafficCheckpoints.forEach((checkpoint, i) => {
    const township = layout.townships.find((t) => t.code === checkpoint.township);
    if (!township) throw new Error(`unknown township ${checkpoint.township}`);
    const index = new AreaIndex(township.area);
    const wanted =
      'borderBearing' in checkpoint.place
        ? borderEntrance(township, checkpoint.place.borderBearing)
        : offsetMeters(township.core, checkpoint.place.east, checkpoint.place.north);
    const inside = pullInside(index, wanted, township.core, 30);
    const { point, gridCode } = locate(inside, index, checkpoint.name);
    result.push({
      code: `331023-T${String(i + 1).padStart(2, '0')}`,
      name: checkpoint.name,
      kind: 'traffic',
      lon: point[0],
      lat: point[1],
      gridCode,
      staffing: rng.int(4, 8),
    });
  });

  const countySeat = layout.townships.find((t) => t.code === '331023001')?.core;
  for (const village of layout.villages) {
    const township = layout.townships.find((t) => t.code === village.townshipCode);
    if (!township || !countySeat) throw new Error(`unknown township ${village.townshipCode}`);
    const index = new AreaIndex(village.area);
    const start = pullInside(index, village.seed, index.interiorPoint(), 30);
    // The entrance faces the township core, or the county seat for villages at the core.
    let target = township.core;
    if (metersBetween(start, target) < 300) target = countySeat;
    if (metersBetween(start, target) < 300) target = offsetMeters(start, 0, -5000);
    const entrance = walkToEdge(index, start, target, 40);
    const { point, gridCode } = locate(entrance, index, `${village.name} checkpoint`);
    result.push({
      code: `${village.code}-K01`,
      name: `${shortVillageName(village.name)}临时卡口`,
      kind: 'village',
      lon: point[0],
      lat: point[1],
      gridCode,
      staffing: rng.int(2, 4),
    });
  }
  return result;
}
