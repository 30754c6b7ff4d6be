// Point-in-ring predicates on flat rings (Float64Array of x0, y0, x1, y1, ...; a ring is a vertex range
// [start, end) closed implicitly). Two semantics live here, and only here:
//
// 1. The territorial half-open rule (`crossesEast`, `ringCrossingParity`). Every edge is put in a
//    canonical orientation, lower endpoint first (lower y; for equal y, lower x), so the grids on both
//    sides of a shared edge evaluate the identical predicate for it. A ray is cast from the point to +x;
//    an edge counts when `ly <= py < hy` (half-open in y: horizontal edges never count, and a vertex is
//    counted by exactly one of the two edges meeting there) and the edge passes strictly east of the
//    point. "Strictly east" is decided exactly: the sign of the same 2x2 determinant turf's ring test
//    uses (orient.ts), so off the boundary the rule agrees with turf bit for bit, and a point exactly on
//    an edge (determinant 0) treats that edge as lying west of it. The point is inside a grid when the
//    count over all its rings (outer, holes, islands) is odd. Consequences, for a tiling whose neighbours
//    share vertices: every point of the union's interior has exactly one owner; a point on a shared edge
//    belongs to the grid east of it (north of it for a horizontal edge); a vertex belongs to the grid that
//    holds the points just east of it (just east and a hair north, if an edge leaves the vertex due east).
//    cell-raster.ts evaluates the same predicate, using a float crossing x only to skip the exact test
//    for edges clearly away from the point and to decide in which raster cell a crossing is counted.
//
// 2. turf's booleanPointInPolygon semantics (`locateInPart`, `isOnEdge`): a line-for-line port of
//    point-in-polygon-hao, whose on-boundary result (0) turf counts as inside. Used for sector grids and to
//    report whether a point lies on a territorial boundary.
import { orientSign } from './orient.ts';

/** Slope dx/dy of an edge in canonical orientation (ly < hy); stored per edge by the index. */
export function edgeSlope(lx: number, ly: number, hx: number, hy: number): number {
  return (hx - lx) / (hy - ly);
}

/**
 * Whether the canonical edge (lx, ly)-(hx, hy), ly < hy, passes strictly east of (px, py) at height py.
 * Exact: the sign of (hx - px)(ly - py) - (lx - px)(hy - py), evaluated like turf does. The caller has
 * checked ly <= py < hy.
 */
export function crossesEast(lx: number, ly: number, hx: number, hy: number, px: number, py: number): boolean {
  return orientSign(hx - px, ly - py, lx - px, hy - py) < 0;
}

/**
 * Half-open crossing parity of one ring: true when the ray from (px, py) to +x crosses the ring's
 * canonical edges an odd number of times. The reference form of the territorial rule (the raster walk
 * must agree with it); even-odd over all rings of a grid gives its territorial membership.
 */
export function ringCrossingParity(
  coords: Float64Array,
  start: number,
  end: number,
  px: number,
  py: number,
): boolean {
  let inside = false;
  let ax = coords[2 * (end - 1)]!;
  let ay = coords[2 * (end - 1) + 1]!;
  for (let v = start; v < end; v++) {
    const bx = coords[2 * v]!;
    const by = coords[2 * v + 1]!;
    if (ay !== by) {
      const lower = ay < by;
      const lx = lower ? ax : bx;
      const ly = lower ? ay : by;
      const hx = lower ? bx : ax;
      const hy = lower ? by : ay;
      if (ly <= py && py < hy && crossesEast(lx, ly, hx, hy, px, py)) inside = !inside;
    }
    ax = bx;
    ay = by;
  }
  return inside;
}

export const OUTSIDE = -1;
export const ON_BOUNDARY = 0;
export const INSIDE = 1;
export type Location = typeof OUTSIDE | typeof ON_BOUNDARY | typeof INSIDE;

/**
 * turf semantics for one polygon part (outer ring + holes): ON_BOUNDARY if the point is on any of its
 * rings, else INSIDE/OUTSIDE by crossing parity. Mirrors point-in-polygon-hao 1.2, including its
 * exact orientation test on the rounded differences (vertex - point).
 */
export function locateInPart(
  coords: Float64Array,
  ringStart: Int32Array,
  firstRing: number,
  endRing: number,
  px: number,
  py: number,
): Location {
  let crossings = 0;
  for (let r = firstRing; r < endRing; r++) {
    const start = ringStart[r]!;
    const end = ringStart[r + 1]!;
    let u1 = coords[2 * (end - 1)]! - px;
    let v1 = coords[2 * (end - 1) + 1]! - py;
    for (let v = start; v < end; v++) {
      const u2 = coords[2 * v]! - px;
      const v2 = coords[2 * v + 1]! - py;
      if (v1 === 0 && v2 === 0) {
        if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return ON_BOUNDARY;
      } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
        const f = orientSign(u2, v1, u1, v2);
        if (f === 0) return ON_BOUNDARY;
        if ((f > 0 && v2 > 0 && v1 <= 0) || (f < 0 && v2 <= 0 && v1 > 0)) crossings++;
      }
      u1 = u2;
      v1 = v2;
    }
  }
  return crossings % 2 === 1 ? INSIDE : OUTSIDE;
}

/** turf's notion of "the point lies on segment a-b" (hao's return-0 cases), symmetric in a and b. */
export function isOnEdge(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  const u1 = ax - px;
  const v1 = ay - py;
  const u2 = bx - px;
  const v2 = by - py;
  if (v1 === 0 && v2 === 0) return (u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0);
  if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) return orientSign(u2, v1, u1, v2) === 0;
  return false;
}
