// Intersection of a polygonal area with one convex Voronoi cell, giving a possibly multi-part result.
// Every cell edge carries the half-plane of its bisector; two neighbouring cells evaluate the same
// bisector expression with opposite signs, so the points where a parent edge crosses their shared
// edge come out bit-identical in both cells and the pieces fit together without snapping.
import type { AreaRings, LonLat, Ring } from './ring-math.ts';
import { dedupeRing, pointInArea, signedArea } from './ring-math.ts';

/** Inside iff sign * (a*lon + b*lat + c) >= 0; neighbours share a, b, c and differ in sign. */
export interface HalfPlane {
  a: number;
  b: number;
  c: number;
  sign: 1 | -1;
}

export interface ConvexCell {
  /** Counterclockwise, open. */
  vertices: Ring;
  /** planes[k] bounds the edge vertices[k] -> vertices[k + 1]. */
  planes: HalfPlane[];
}

function planeValue(h: HalfPlane, p: LonLat): number {
  return h.sign * (h.a * p[0] + h.b * p[1] + h.c);
}

/** The half-plane left of the directed edge u -> v (for edges that are not bisectors). */
export function leftOf(u: LonLat, v: LonLat): HalfPlane {
  const dx = v[0] - u[0];
  const dy = v[1] - u[1];
  return { a: -dy, b: dx, c: dy * u[0] - dx * u[1], sign: 1 };
}

interface Chain {
  points: Ring;
  entry: number;
  exit: number;
}

function lerp(a: LonLat, b: LonLat, t: number): LonLat {
  if (t === 0) return a;
  if (t === 1) return b;
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

function dedupeConsecutive(points: Ring): Ring {
  return points.filter((p, i) => {
    const q = points[i - 1];
    return !q || q[0] !== p[0] || q[1] !== p[1];
  });
}

/** Position along the cell boundary: edge index plus the fraction along that edge. */
function boundaryPosition(cell: ConvexCell, edge: number, p: LonLat): number {
  const u = cell.vertices[edge] as LonLat;
  const v = cell.vertices[(edge + 1) % cell.vertices.length] as LonLat;
  const dx = v[0] - u[0];
  const dy = v[1] - u[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? ((p[0] - u[0]) * dx + (p[1] - u[1]) * dy) / len2 : 0;
  // Keep the fraction within its edge so positions sort by edge first.
  return edge + Math.min(Math.max(t, 0), 1 - 1e-12);
}

/** Splits one parent ring into the chains that run inside the cell. */
function chainsOfRing(ring: Ring, cell: ConvexCell, out: Chain[]): 'inside' | 'outside' | 'crossing' {
  const n = ring.length;
  const m = cell.planes.length;
  const values = new Float64Array(n * m);
  let firstOutside = -1;
  for (let i = 0; i < n; i++) {
    const p = ring[i] as LonLat;
    let outside = false;
    for (let k = 0; k < m; k++) {
      const f = planeValue(cell.planes[k] as HalfPlane, p);
      values[i * m + k] = f;
      if (f < 0) outside = true;
    }
    if (outside && firstOutside < 0) firstOutside = i;
  }
  if (firstOutside < 0) return 'inside';

  let crossed = false;
  let chain: Chain | null = null;
  for (let step = 0; step < n; step++) {
    const i = (firstOutside + step) % n;
    const j = (i + 1) % n;
    const a = ring[i] as LonLat;
    const b = ring[j] as LonLat;
    let t0 = 0;
    let t1 = 1;
    let k0 = -1;
    let k1 = -1;
    let empty = false;
    for (let k = 0; k < m; k++) {
      const fa = values[i * m + k] as number;
      const fb = values[j * m + k] as number;
      if (fa < 0 && fb < 0) {
        empty = true;
        break;
      }
      if (fa < 0) {
        const t = fa / (fa - fb);
        if (t > t0) {
          t0 = t;
          k0 = k;
        }
      } else if (fb < 0) {
        const t = fa / (fa - fb);
        if (t < t1) {
          t1 = t;
          k1 = k;
        }
      }
    }
    if (empty || t0 > t1) continue;
    if (k0 >= 0) {
      // The edge enters the cell here (its start vertex is outside).
      const p = lerp(a, b, t0);
      chain = { points: [p], entry: boundaryPosition(cell, k0, p), exit: -1 };
    }
    if (!chain) continue; // unreachable for a consistent ring; be defensive
    if (k1 >= 0) {
      const p = lerp(a, b, t1);
      chain.points.push(p);
      chain.exit = boundaryPosition(cell, k1, p);
      const pts = dedupeConsecutive(chain.points);
      // A chain that only touches the cell boundary at a point carries no area.
      if (pts.length >= 2) {
        chain.points = pts;
        out.push(chain);
        crossed = true;
      }
      chain = null;
    } else {
      chain.points.push(b);
    }
  }
  return crossed ? 'crossing' : 'outside';
}

/**
 * The parts of `parent` inside `cell`, as counterclockwise outer rings. The parent must have no holes
 * (partitions of a simple county outline never create any).
 */
export function clipToCell(parent: AreaRings, cell: ConvexCell): Ring[] {
  const chains: Chain[] = [];
  const result: Ring[] = [];
  for (const polygon of parent) {
    if (polygon.length !== 1) throw new Error('clipToCell: parent polygons must not have holes');
    const ring = polygon[0] as Ring;
    if (chainsOfRing(ring, cell, chains) === 'inside') result.push(ring.slice());
  }

  if (chains.length === 0) {
    if (result.length === 0) {
      const v = cell.vertices[0] as LonLat;
      if (pointInArea(v[0], v[1], parent)) result.push(cell.vertices.slice());
    }
    return result;
  }

  // Walk: a chain's exit continues counterclockwise along the cell boundary to the next entry.
  const m = cell.vertices.length;
  const byEntry = chains
    .map((_, i) => i)
    .sort((x, y) => (chains[x] as Chain).entry - (chains[y] as Chain).entry);
  const used = new Uint8Array(chains.length);
  for (const start of byEntry) {
    if (used[start]) continue;
    const ring: Ring = [];
    let current = start;
    for (let guard = 0; guard <= chains.length; guard++) {
      used[current] = 1;
      const chain = chains[current] as Chain;
      for (const p of chain.points) ring.push(p);
      let next = byEntry.find((c) => (chains[c] as Chain).entry > chain.exit);
      if (next === undefined) next = byEntry[0] as number;
      const nextEntry = (chains[next] as Chain).entry;
      const fromEdge = Math.floor(chain.exit);
      const toEdge = Math.floor(nextEntry);
      if (!(fromEdge === toEdge && nextEntry > chain.exit)) {
        let k = fromEdge;
        do {
          k = (k + 1) % m;
          ring.push(cell.vertices[k] as LonLat);
        } while (k !== toEdge);
      }
      if (next === start) break;
      if (used[next]) throw new Error('clipToCell: inconsistent crossings');
      current = next;
    }
    const clean = dedupeRing(ring);
    if (clean.length >= 3 && signedArea(clean) > 0) result.push(clean);
  }
  return result;
}
