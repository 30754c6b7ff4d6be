// Territorial grids (网格) inside each village: evenly relaxed Voronoi cells, numbered from the north
// clockwise. The polygons here are not yet snapped; tiantai-geometry.ts makes the edges exact.
import { AreaIndex } from './area-index.ts';
import { latticeSamples, pickSeeds, relaxSeeds } from './lloyd-relaxation.ts';
import { Rng } from './prng.ts';
import type { AreaRings, LonLat } from './ring-math.ts';
import { TIANTAI_KX } from './township-layout.ts';
import type { VillageLayout } from './village-layout.ts';
import { voronoiPartition } from './voronoi-partition.ts';

export interface GridLayout {
  code: string;
  villageCode: string;
  /** 1-based number within the village. */
  number: number;
  area: AreaRings;
  seed: LonLat;
}

export function gridCode(villageCode: string, number: number): string {
  return `${villageCode}-${String(number).padStart(2, '0')}`;
}

export function layoutGrids(
  villages: readonly VillageLayout[],
  gridCount: ReadonlyMap<string, number>,
  seed: number,
): GridLayout[] {
  const grids: GridLayout[] = [];
  for (const village of villages) {
    const count = gridCount.get(village.code) ?? 1;
    if (count <= 1) {
      grids.push({
        code: gridCode(village.code, 1),
        villageCode: village.code,
        number: 1,
        area: village.area,
        seed: village.seed,
      });
      continue;
    }
    const rng = new Rng(seed, `grids:${village.code}`);
    const index = new AreaIndex(village.area);
    const samples = latticeSamples(index, count * 120, TIANTAI_KX);
    const initial = pickSeeds(
      rng,
      samples,
      samples.map(() => 1),
      count,
    );
    const relaxed = relaxSeeds(index, initial, samples, { kx: TIANTAI_KX, iterations: 15 });
    const centre = village.seed;
    // Clockwise from north, as grid maps in a 网格 office are usually read.
    const bearing = (p: LonLat): number => {
      const b = Math.atan2((p[0] - centre[0]) * TIANTAI_KX, p[1] - centre[1]);
      return b < 0 ? b + 2 * Math.PI : b;
    };
    const ordered = relaxed.slice().sort((a, b) => bearing(a) - bearing(b));
    const areas = voronoiPartition(village.area, ordered, { kx: TIANTAI_KX });
    ordered.forEach((p, i) => {
      grids.push({
        code: gridCode(village.code, i + 1),
        villageCode: village.code,
        number: i + 1,
        area: areas[i] as AreaRings,
        seed: p,
      });
    });
  }
  return grids;
}
