// Isolation observation sites (隔离观察点). 丰泽 (in 丰泽社区, 赤城) opened first, 20 days before the
// epoch (the reference case opened it on 28 January); the others opened 15-19 days before it, so
// every arrival of the last 14 days arrived after its site had opened.
import { AreaIndex } from './area-index.ts';
import type { IsolationSiteRecord } from './dataset.ts';
import { chinaDate, DAY_MS, epochMs } from './epoch.ts';
import type { GridLocator } from './grid-locator.ts';
import { pullInside } from './placement.ts';
import { Rng } from './prng.ts';
import { offsetMeters } from './ring-math.ts';
import type { TiantaiLayout } from './tiantai-layout.ts';

interface SiteDefinition {
  name: string;
  /** A village code (the site sits at its centre) or a township code (near its core). */
  region: string;
  east: number;
  north: number;
}

const siteDefinitions: readonly SiteDefinition[] = [
  { name: '丰泽隔离观察点', region: '331023001046', east: 0, north: 0 },
  { name: '始丰隔离观察点', region: '331023002', east: -700, north: 400 },
  { name: '福溪隔离观察点', region: '331023003', east: 800, north: 300 },
  { name: '平桥隔离观察点', region: '331023105', east: 600, north: -500 },
  { name: '白鹤隔离观察点', region: '331023101', east: -500, north: 500 },
  { name: '坦头隔离观察点', region: '331023106', east: 400, north: -300 },
  { name: '街头隔离观察点', region: '331023104', east: -600, north: 200 },
  { name: '三合隔离观察点', region: '331023107', east: 300, north: 500 },
];

export function buildIsolationSites(
  layout: TiantaiLayout,
  locator: GridLocator,
  seed: number,
  epoch: string,
): IsolationSiteRecord[] {
  const rng = new Rng(seed, 'isolation-sites');
  const now = epochMs(epoch);
  return siteDefinitions.map((site, i) => {
    const village = layout.villages.find((v) => v.code === site.region);
    const township = layout.townships.find((t) => t.code === site.region);
    const region = village ?? township;
    if (!region) throw new Error(`unknown region ${site.region}`);
    const index = new AreaIndex(region.area);
    const centre = village
      ? index.interiorPoint(village.seed, 60)
      : (township?.core ?? index.interiorPoint());
    const wanted = pullInside(index, offsetMeters(centre, site.east, site.north), centre, 40);
    const settled = locator.settle(wanted, 5, index);
    if (!settled) throw new Error(`${site.name} is not well inside a grid`);
    const { point, gridCode } = settled;
    const daysBefore = i === 0 ? 20 : rng.int(15, 19);
    return {
      code: `331023-I${String(i + 1).padStart(2, '0')}`,
      name: site.name,
      lon: point[0],
      lat: point[1],
      gridCode,
      capacity: i === 0 ? 120 : rng.int(3, 20) * 10,
      openedOn: chinaDate(now - daysBefore * DAY_MS),
    };
  });
}
