// Finds the territorial grid containing a point (bounding boxes in a flatbush, then exact tests).
import Flatbush from 'flatbush';
import { AreaIndex } from './area-index.ts';
import { roundLonLat } from './placement.ts';
import type { AreaRings, LonLat } from './ring-math.ts';
import { offsetMeters } from './ring-math.ts';

export class GridLocator {
  private readonly tree: Flatbush;
  private readonly codes: string[];
  private readonly indexes: AreaIndex[];
  private readonly byCode = new Map<string, AreaIndex>();

  constructor(grids: readonly { code: string; area: AreaRings }[]) {
    this.tree = new Flatbush(Math.max(grids.length, 1));
    this.codes = grids.map((g) => g.code);
    this.indexes = grids.map((g) => new AreaIndex(g.area));
    for (const index of this.indexes) {
      const { minX, minY, maxX, maxY } = index.bbox;
      this.tree.add(minX, minY, maxX, maxY);
    }
    if (grids.length === 0) this.tree.add(0, 0, 0, 0);
    this.tree.finish();
    this.codes.forEach((code, i) => this.byCode.set(code, this.indexes[i] as AreaIndex));
  }

  /** The code of the grid containing the point, or null outside every grid. */
  locate(p: LonLat): string | null {
    for (const i of this.tree.search(p[0], p[1], p[0], p[1])) {
      if (this.indexes[i]?.contains(p[0], p[1])) return this.codes[i] as string;
    }
    return null;
  }

  /** Like locate, but only if the point is at least `marginMeters` inside that grid. */
  locateWithMargin(p: LonLat, marginMeters: number): string | null {
    const code = this.locate(p);
    return code && this.byCode.get(code)?.containsWithMargin(p[0], p[1], marginMeters) ? code : null;
  }

  /**
   * A point within `radiusMeters` of `p` that lies at least `marginMeters` inside one grid (and inside
   * `within`, if given), searched on rings of growing radius; null if there is none.
   */
  settle(
    p: LonLat,
    marginMeters: number,
    within?: AreaIndex,
    radiusMeters = 60,
  ): { point: LonLat; gridCode: string } | null {
    for (let r = 0; r <= radiusMeters; r += 5) {
      const steps = r === 0 ? 1 : 12;
      for (let k = 0; k < steps; k++) {
        const angle = (2 * Math.PI * k) / steps;
        const q = roundLonLat(offsetMeters(p, r * Math.cos(angle), r * Math.sin(angle)));
        if (within && !within.containsWithMargin(q[0], q[1], marginMeters)) continue;
        const gridCode = this.locateWithMargin(q, marginMeters);
        if (gridCode) return { point: q, gridCode };
      }
    }
    return null;
  }

  indexOf(code: string): AreaIndex {
    const index = this.byCode.get(code);
    if (!index) throw new Error(`unknown grid ${code}`);
    return index;
  }
}
