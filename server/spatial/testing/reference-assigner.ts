// Slow, obviously-correct answers to check the engine against: turf's booleanPointInPolygon per grid
// (the geometry reference), and the half-open rule evaluated grid by grid straight from the GeoJSON
// (no raster, no shared-edge table). Flatbush only narrows the candidates by bounding box.
import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import type { GridInput } from '../packed-grids.ts';
import { ringCrossingParity } from '../point-in-ring.ts';

interface Prepared {
  grid: GridInput;
  rings: Float64Array[];
}

export class ReferenceAssigner {
  private readonly territorial: Prepared[];
  private readonly tree: Flatbush;

  constructor(grids: readonly GridInput[]) {
    this.territorial = grids
      .filter((g) => g.kind === 'territorial')
      .map((grid) => {
        const parts =
          grid.geometry.type === 'Polygon' ? [grid.geometry.coordinates] : grid.geometry.coordinates;
        return { grid, rings: parts.flat().map(openRing) };
      });
    this.tree = new Flatbush(Math.max(1, this.territorial.length));
    for (const { rings } of this.territorial) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const ring of rings) {
        for (let k = 0; k < ring.length; k += 2) {
          x0 = Math.min(x0, ring[k]!);
          x1 = Math.max(x1, ring[k]!);
          y0 = Math.min(y0, ring[k + 1]!);
          y1 = Math.max(y1, ring[k + 1]!);
        }
      }
      this.tree.add(x0, y0, x1, y1);
    }
    if (this.territorial.length === 0) this.tree.add(0, 0, 0, 0);
    this.tree.finish();
  }

  private candidates(x: number, y: number): Prepared[] {
    return this.tree
      .search(x, y, x, y)
      .map((i) => this.territorial[i])
      .filter((p): p is Prepared => p !== undefined);
  }

  /** Ids of the territorial grids turf says contain the point (boundary inclusive by default). */
  turfContaining(x: number, y: number, ignoreBoundary = false): number[] {
    return this.candidates(x, y)
      .filter((p) => booleanPointInPolygon([x, y], p.grid.geometry, { ignoreBoundary }))
      .map((p) => p.grid.id)
      .sort((a, b) => a - b);
  }

  /** Ids of the territorial grids whose half-open parity (all rings) is odd. */
  halfOpenOwners(x: number, y: number): number[] {
    return this.candidates(x, y)
      .filter((p) =>
        p.rings.reduce(
          (inside, ring) => inside !== ringCrossingParity(ring, 0, ring.length / 2, x, y),
          false,
        ),
      )
      .map((p) => p.grid.id)
      .sort((a, b) => a - b);
  }

  /** The documented territorial answer: half-open owner, else smallest-id grid touching it, else -1. */
  expectedTerritorialId(x: number, y: number): number {
    const owners = this.halfOpenOwners(x, y);
    if (owners.length > 0) return owners[0]!;
    const touching = this.turfContaining(x, y);
    return touching.length > 0 ? touching[0]! : -1;
  }
}

function openRing(ring: Position[]): Float64Array {
  const n =
    ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1]
      ? ring.length - 1
      : ring.length;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = ring[k]![0]!;
    out[2 * k + 1] = ring[k]![1]!;
  }
  return out;
}
