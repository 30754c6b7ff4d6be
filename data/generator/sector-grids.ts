// The 31 sector grids (行业网格): industrial parks, markets, schools, hospitals, building sites,
// logistics hubs, scenic areas and transport hubs, as small compact polygons laid over the
// territorial grids. Urban ones hang off the synthetic township cores; scenic areas sit near their
// real coordinates.
import { AreaIndex } from './area-index.ts';
import type { SectorKind } from '../../shared/domain.ts';
import type { SectorGridRecord } from './dataset.ts';
import { pullInside } from './placement.ts';
import { Rng } from './prng.ts';
import type { AreaRings, LonLat, Ring } from './ring-math.ts';
import { areaM2, metersBetween, offsetMeters, toGeometry } from './ring-math.ts';
import type { TiantaiLayout } from './tiantai-layout.ts';

export const COUNTY_CODE = '331023';

type Anchor = { township: string; east: number; north: number } | { at: LonLat };

interface SectorDefinition {
  name: string;
  kind: SectorKind;
  anchor: Anchor;
  /** Target area in km². */
  km2: number;
}

const 赤城 = '331023001';
const 始丰 = '331023002';
const 福溪 = '331023003';
const 白鹤 = '331023101';
const 平桥 = '331023105';
const 坦头 = '331023106';

export const sectorDefinitions: readonly SectorDefinition[] = [
  {
    name: '天台县经济开发区',
    kind: 'industrial_park',
    anchor: { township: 始丰, east: -2600, north: -1600 },
    km2: 2.8,
  },
  {
    name: '福溪工业园区',
    kind: 'industrial_park',
    anchor: { township: 福溪, east: 2300, north: -1300 },
    km2: 2.2,
  },
  {
    name: '坦头工业园区',
    kind: 'industrial_park',
    anchor: { township: 坦头, east: 1000, north: 600 },
    km2: 1.5,
  },
  {
    name: '平桥工业园区',
    kind: 'industrial_park',
    anchor: { township: 平桥, east: 1300, north: -900 },
    km2: 1.2,
  },
  {
    name: '白鹤工业园区',
    kind: 'industrial_park',
    anchor: { township: 白鹤, east: -900, north: -800 },
    km2: 0.9,
  },
  { name: '赤城农贸市场', kind: 'market', anchor: { township: 赤城, east: 300, north: -200 }, km2: 0.06 },
  { name: '天台县小商品市场', kind: 'market', anchor: { township: 赤城, east: -800, north: 600 }, km2: 0.08 },
  { name: '始丰农贸市场', kind: 'market', anchor: { township: 始丰, east: 400, north: 300 }, km2: 0.05 },
  { name: '平桥农贸市场', kind: 'market', anchor: { township: 平桥, east: -300, north: 300 }, km2: 0.05 },
  { name: '浙江省天台中学', kind: 'school', anchor: { township: 赤城, east: 900, north: 1000 }, km2: 0.15 },
  { name: '天台县育青中学', kind: 'school', anchor: { township: 福溪, east: -500, north: 600 }, km2: 0.12 },
  {
    name: '天台县职业中等专业学校',
    kind: 'school',
    anchor: { township: 始丰, east: -1200, north: 800 },
    km2: 0.18,
  },
  { name: '天台县实验中学', kind: 'school', anchor: { township: 赤城, east: -600, north: -900 }, km2: 0.1 },
  { name: '天台县平桥中学', kind: 'school', anchor: { township: 平桥, east: 500, north: 600 }, km2: 0.08 },
  { name: '天台县人民医院', kind: 'hospital', anchor: { township: 赤城, east: 200, north: 800 }, km2: 0.1 },
  { name: '天台县中医院', kind: 'hospital', anchor: { township: 赤城, east: -1100, north: 100 }, km2: 0.07 },
  {
    name: '天台县妇幼保健院',
    kind: 'hospital',
    anchor: { township: 福溪, east: 600, north: 200 },
    km2: 0.05,
  },
  {
    name: '城南新区建设工地',
    kind: 'construction_site',
    anchor: { township: 赤城, east: 500, north: -2200 },
    km2: 0.45,
  },
  {
    name: '杭绍台高速天台段工地',
    kind: 'construction_site',
    anchor: { township: 白鹤, east: 1500, north: 1200 },
    km2: 0.3,
  },
  {
    name: '始丰溪综合治理工程工地',
    kind: 'construction_site',
    anchor: { township: 始丰, east: 800, north: -1800 },
    km2: 0.25,
  },
  {
    name: '天台县物流园区',
    kind: 'logistics_hub',
    anchor: { township: 福溪, east: 2500, north: -2600 },
    km2: 0.7,
  },
  {
    name: '天台快递分拨中心',
    kind: 'logistics_hub',
    anchor: { township: 始丰, east: -2000, north: -300 },
    km2: 0.25,
  },
  {
    name: '平桥物流中心',
    kind: 'logistics_hub',
    anchor: { township: 平桥, east: -1000, north: -1200 },
    km2: 0.3,
  },
  { name: '天台山华顶景区', kind: 'scenic_area', anchor: { at: [121.1, 29.255] }, km2: 2.8 },
  { name: '国清寺景区', kind: 'scenic_area', anchor: { at: [121.045, 29.175] }, km2: 1.2 },
  { name: '琼台仙谷景区', kind: 'scenic_area', anchor: { at: [121.012, 29.2] }, km2: 2.2 },
  { name: '石梁飞瀑景区', kind: 'scenic_area', anchor: { at: [121.085, 29.228] }, km2: 1.5 },
  { name: '寒山湖景区', kind: 'scenic_area', anchor: { at: [121.19, 29.1] }, km2: 2.5 },
  { name: '赤城山景区', kind: 'scenic_area', anchor: { at: [121.024, 29.16] }, km2: 0.6 },
  {
    name: '天台汽车客运中心',
    kind: 'transport_hub',
    anchor: { township: 赤城, east: -300, north: -1300 },
    km2: 0.08,
  },
  {
    name: '天台山站综合交通枢纽',
    kind: 'transport_hub',
    anchor: { township: 始丰, east: 200, north: -2600 },
    km2: 0.2,
  },
];

export function sectorGridCode(index: number): string {
  return `${COUNTY_CODE}-S${String(index + 1).padStart(2, '0')}`;
}

/** A star-shaped (hence simple) blob of `vertices` points, counterclockwise, scaled to `km2`. */
function blob(rng: Rng, centre: LonLat, km2: number): Ring {
  const vertices = rng.int(12, 20);
  const phase = rng.float(0, 2 * Math.PI);
  const stretch = rng.float(1, 1.5);
  const tilt = rng.float(0, Math.PI);
  const radii = Array.from({ length: vertices }, () => rng.float(0.9, 1.1));
  const shape = (scale: number): Ring =>
    radii.map((r, i) => {
      const angle = phase + (2 * Math.PI * i) / vertices;
      // An ellipse (stretched along `tilt`) with a little noise on the radius.
      const ex = Math.cos(angle) * stretch;
      const ey = Math.sin(angle) / stretch;
      const east = (ex * Math.cos(tilt) - ey * Math.sin(tilt)) * r * scale;
      const north = (ex * Math.sin(tilt) + ey * Math.cos(tilt)) * r * scale;
      return offsetMeters(centre, east, north);
    });
  const unit = shape(1000);
  const factor = Math.sqrt((km2 * 1e6) / areaM2([[unit]]));
  return shape(1000 * factor);
}

export interface SectorGridPlace {
  record: SectorGridRecord;
  area: AreaRings;
  /** A point inside the sector grid, used to find the territorial grid whose worker looks after it. */
  centre: LonLat;
}

export function buildSectorGrids(layout: TiantaiLayout, seed: number): SectorGridPlace[] {
  const rng = new Rng(seed, 'sector-grids');
  const county = new AreaIndex(layout.county);
  const chicheng = layout.townships.find((t) => t.code === 赤城);
  if (!chicheng) throw new Error('赤城街道 missing');
  const placed: { centre: LonLat; radius: number }[] = [];
  return sectorDefinitions.map((definition, i) => {
    let anchor: LonLat;
    if ('at' in definition.anchor) {
      anchor = definition.anchor.at;
    } else {
      const { township, east, north } = definition.anchor;
      const core = layout.townships.find((t) => t.code === township)?.core;
      if (!core) throw new Error(`unknown township ${township}`);
      anchor = offsetMeters(core, east, north);
    }
    // Stretched by up to 1.5 and noisy by 10%: stay this far from the county border and from others.
    const radius = Math.sqrt((definition.km2 * 1e6) / Math.PI) * 1.7;
    let centre = pullInside(county, anchor, chicheng.core, radius);
    for (let attempt = 0; ; attempt++) {
      const clash = placed.find((p) => metersBetween(p.centre, centre) < p.radius + radius);
      if (!clash) break;
      if (attempt > 200) throw new Error(`cannot place ${definition.name}`);
      // Step straight away from the clashing site, with growing randomness if that keeps failing.
      const gap = clash.radius + radius - metersBetween(clash.centre, centre) + 50;
      const kx = Math.cos((centre[1] * Math.PI) / 180);
      let east = (centre[0] - clash.centre[0]) * kx;
      let north = centre[1] - clash.centre[1];
      const length = Math.hypot(east, north) || 1;
      east = (east / length) * gap + rng.float(-1, 1) * attempt * 20;
      north = (north / length) * gap + rng.float(-1, 1) * attempt * 20;
      centre = pullInside(county, offsetMeters(centre, east, north), chicheng.core, radius);
    }
    placed.push({ centre, radius });
    const ring = blob(rng, centre, definition.km2);
    const area: AreaRings = [[ring]];
    return {
      record: {
        code: sectorGridCode(i),
        name: definition.name,
        sectorKind: definition.kind,
        geometry: toGeometry(area),
      },
      area,
      centre,
    };
  });
}
