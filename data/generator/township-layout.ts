// Township polygons: Voronoi cells of hand-placed seats (rough real positions) clipped to the county.
// 赤城街道's area is fitted to the published 83.75 km² by scaling the other seats about 赤城's seat.
import { AreaIndex } from './area-index.ts';
import { clipToCell } from './convex-clip.ts';
import type { Rng } from './prng.ts';
import type { AreaRings, LonLat } from './ring-math.ts';
import { areaM2, metersBetween, offsetMeters } from './ring-math.ts';
import { voronoiCells, voronoiPartition } from './voronoi-partition.ts';

export const CHICHENG_CODE = '331023001';
export const CHICHENG_AREA_KM2 = 83.75;
/** cos(29.15°): metres per degree of longitude relative to latitude across Tiantai. */
export const TIANTAI_KX = Math.cos((29.15 * Math.PI) / 180);

/**
 * Approximate seats (lon, lat). The county seat 赤城 sits in the central basin; 始丰 west and 福溪 east
 * of it share the urban area; the rest follow their rough real directions from the seat.
 */
export const townshipSeats: Readonly<Record<string, LonLat>> = {
  '331023001': [121.03, 29.145], // 赤城街道 (county seat)
  '331023002': [120.968, 29.122], // 始丰街道
  '331023003': [121.088, 29.158], // 福溪街道
  '331023101': [120.888, 29.152], // 白鹤镇
  '331023102': [121.05, 29.255], // 石梁镇
  '331023104': [121.198, 29.14], // 街头镇
  '331023105': [120.785, 29.135], // 平桥镇
  '331023106': [120.96, 29.058], // 坦头镇
  '331023107': [121.172, 29.068], // 三合镇
  '331023108': [121.122, 29.105], // 洪畴镇
  '331023200': [120.868, 29.04], // 三州乡
  '331023203': [121.145, 29.255], // 龙溪乡
  '331023204': [120.905, 29.245], // 雷峰乡
  '331023207': [120.8, 29.015], // 南屏乡
  '331023209': [121.055, 29.078], // 泳溪乡
};

export interface TownshipLayout {
  code: string;
  area: AreaRings;
  /** The seat the cell was grown from (after the area fit). */
  seat: LonLat;
  /** Where settlement is densest: the seat, or for 始丰/福溪 the side facing the county seat. */
  core: LonLat;
}

function chichengArea(county: AreaRings, seats: LonLat[], index: number): number {
  const cell = voronoiCells(seats, county, { kx: TIANTAI_KX })[index];
  if (!cell) throw new Error('missing 赤城 cell');
  return clipToCell(county, cell).reduce((sum, ring) => sum + areaM2([[ring]]), 0) / 1e6;
}

export function layoutTownships(county: AreaRings, codes: readonly string[], rng: Rng): TownshipLayout[] {
  const countyIndex = new AreaIndex(county);
  const base = codes.map((code) => {
    const seat = townshipSeats[code];
    if (!seat) throw new Error(`no seat for township ${code}`);
    // A little jitter so different seeds give different (but recognisable) maps.
    const moved = offsetMeters(seat, rng.float(-500, 500), rng.float(-500, 500));
    return countyIndex.containsWithMargin(moved[0], moved[1], 1000) ? moved : seat;
  });
  const centre = codes.indexOf(CHICHENG_CODE);
  if (centre < 0) throw new Error('赤城街道 missing from the township list');
  const c = base[centre] as LonLat;
  // Only the ring of seats around 赤城 moves; the outer ones keep their places near the border.
  const movable = base.map((p) => metersBetween(p, c) < 14_000);
  const at = (p: LonLat, s: number): LonLat => [c[0] + (p[0] - c[0]) * s, c[1] + (p[1] - c[1]) * s];
  // How far each seat may move out before it gets within 500 m of the county border.
  const limit = base.map((p) => {
    let s = 1;
    while (s < 2 && countyIndex.containsWithMargin(...at(p, s + 0.01), 500)) s += 0.01;
    return s;
  });
  const scaled = (s: number): LonLat[] =>
    base.map((p, i) => (movable[i] && i !== centre ? at(p, Math.min(s, limit[i] as number)) : p));

  // Bisection on the spread of the neighbouring seats: the wider they sit, the larger 赤城's cell.
  let lo = 0.5;
  let hi = 2;
  let s = 1;
  for (let iteration = 0; iteration < 50; iteration++) {
    s = (lo + hi) / 2;
    const area = chichengArea(county, scaled(s), centre);
    if (Math.abs(area - CHICHENG_AREA_KM2) < CHICHENG_AREA_KM2 * 1e-5) break;
    if (area < CHICHENG_AREA_KM2) lo = s;
    else hi = s;
  }
  const seats = scaled(s);
  for (const seat of seats) {
    if (!countyIndex.contains(seat[0], seat[1])) throw new Error('a township seat left the county');
  }
  const areas = voronoiPartition(county, seats, { kx: TIANTAI_KX });
  return codes.map((code, i) => {
    const seat = seats[i] as LonLat;
    const area = areas[i] as AreaRings;
    let core = seat;
    if (code === '331023002' || code === '331023003') {
      const towardSeat: LonLat = [seat[0] + (c[0] - seat[0]) * 0.35, seat[1] + (c[1] - seat[1]) * 0.35];
      if (new AreaIndex(area).containsWithMargin(towardSeat[0], towardSeat[1], 400)) core = towardSeat;
    }
    return { code, area, seat, core };
  });
}
