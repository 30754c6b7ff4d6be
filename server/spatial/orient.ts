// Exact sign of a 2x2 determinant of doubles, the predicate behind turf's on-boundary test.
// turf's booleanPointInPolygon (point-in-polygon-hao) calls robust-predicates' orient2d with
// c = (0, 0), which reduces to sign(a*b - c*d); we re-implement that case so our boundary-inclusive
// tests say "on the boundary" for exactly the points turf does, without importing a transitive dependency.

const EPSILON = 1.1102230246251565e-16; // 2^-53
const ERR_BOUND = (3 + 16 * EPSILON) * EPSILON; // Shewchuk's ccwerrboundA
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp split for two-product

/**
 * Sign of `a*b - c*d`, computed exactly: 1, -1 or 0.
 * Fast path with a forward error bound; otherwise an exact 4-term expansion (Dekker two-product +
 * Shewchuk Two_Two_Diff), whose most significant non-zero component carries the sign.
 */
export function orientSign(a: number, b: number, c: number, d: number): number {
  const left = a * b;
  const right = c * d;
  const det = left - right;
  // Same sign shortcuts as robust-predicates: a zero or opposite-signed product cannot cancel.
  if (left === 0 || right === 0 || left > 0 !== right > 0) return det > 0 ? 1 : det < 0 ? -1 : 0;
  if (Math.abs(det) >= ERR_BOUND * Math.abs(left + right)) return det > 0 ? 1 : -1;
  return exactSign(a, b, c, d);
}

function exactSign(a: number, b: number, c: number, d: number): number {
  // two-product a*b = s1 + s0 exactly
  const s1 = a * b;
  let t = SPLITTER * a;
  let ahi = t - (t - a);
  let alo = a - ahi;
  t = SPLITTER * b;
  let bhi = t - (t - b);
  let blo = b - bhi;
  const s0 = alo * blo - (s1 - ahi * bhi - alo * bhi - ahi * blo);
  // two-product c*d = t1 + t0 exactly
  const t1 = c * d;
  t = SPLITTER * c;
  ahi = t - (t - c);
  alo = c - ahi;
  t = SPLITTER * d;
  bhi = t - (t - d);
  blo = d - bhi;
  const t0 = alo * blo - (t1 - ahi * bhi - alo * bhi - ahi * blo);
  // Two_Two_Diff(s1, s0, t1, t0) -> x3 + x2 + x1 + x0, non-overlapping, increasing magnitude.
  let i = s0 - t0;
  let bvirt = s0 - i;
  const x0 = s0 - (i + bvirt) + (bvirt - t0);
  const j = s1 + i;
  bvirt = j - s1;
  const z = s1 - (j - bvirt) + (i - bvirt);
  i = z - t1;
  bvirt = z - i;
  const x1 = z - (i + bvirt) + (bvirt - t1);
  const x3 = j + i;
  bvirt = x3 - j;
  const x2 = j - (x3 - bvirt) + (i - bvirt);
  const top = x3 !== 0 ? x3 : x2 !== 0 ? x2 : x1 !== 0 ? x1 : x0;
  return top > 0 ? 1 : top < 0 ? -1 : 0;
}
