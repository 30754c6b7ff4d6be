// Grid workers (网格员): a leader for every territorial grid, a second member for the two grids with
// the most planned residents (643 + 2 = 645), and every sector grid assigned to the leader of the
// territorial grid at its centre.
import type { GridWorkerRecord } from './dataset.ts';
import type { GridLocator } from './grid-locator.ts';
import { personName } from './person-names.ts';
import type { PhoneBook } from './phone-numbers.ts';
import { Rng } from './prng.ts';
import type { SectorGridPlace } from './sector-grids.ts';
import type { GridPlace } from './tiantai-layout.ts';

export function buildGridWorkers(
  grids: readonly GridPlace[],
  sectors: readonly SectorGridPlace[],
  locator: GridLocator,
  phones: PhoneBook,
  seed: number,
): GridWorkerRecord[] {
  const rng = new Rng(seed, 'grid-workers');
  // Ranked on the full-scale plan so the same grids get two workers at every scale.
  const busiest = new Set(
    grids
      .slice()
      .sort((a, b) => b.planned - a.planned || a.code.localeCompare(b.code))
      .slice(0, 2)
      .map((g) => g.code),
  );
  const workers: GridWorkerRecord[] = [];
  const leaders = new Map<string, GridWorkerRecord>();
  for (const grid of grids) {
    const count = busiest.has(grid.code) ? 2 : 1;
    for (let n = 1; n <= count; n++) {
      const worker: GridWorkerRecord = {
        code: `${grid.code}-W${n}`,
        name: personName(rng, rng.chance(0.55) ? 'female' : 'male'),
        phone: phones.next(rng),
        gridCode: grid.code,
        role: n === 1 ? 'leader' : 'member',
        sectorGridCodes: [],
      };
      if (n === 1) leaders.set(grid.code, worker);
      workers.push(worker);
    }
  }
  for (const sector of sectors) {
    const gridCode = locator.locate(sector.centre);
    const leader = gridCode ? leaders.get(gridCode) : undefined;
    if (!leader) throw new Error(`sector grid ${sector.record.code} lies outside every territorial grid`);
    leader.sectorGridCodes.push(sector.record.code);
  }
  return workers;
}
