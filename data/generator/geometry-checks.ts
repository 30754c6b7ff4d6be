// Independent validity and topology checks used by the tests (and handy when debugging a dataset):
// OGC-style ring validity, and exact shared-edge matching across a tiling.
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';

const key = (p: Position): string => `${p[0]},${p[1]}`;

function orientation(a: Position, b: Position, c: Position): number {
  const v =
    ((b[0] as number) - (a[0] as number)) * ((c[1] as number) - (a[1] as number)) -
    ((b[1] as number) - (a[1] as number)) * ((c[0] as number) - (a[0] as number));
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0] as number, b[0] as number) <= (p[0] as number) &&
    (p[0] as number) <= Math.max(a[0] as number, b[0] as number) &&
    Math.min(a[1] as number, b[1] as number) <= (p[1] as number) &&
    (p[1] as number) <= Math.max(a[1] as number, b[1] as number)
  );
}

/** Whether closed segments ab and cd share any point. */
export function segmentsTouch(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4 && o1 * o2 <= 0 && o3 * o4 <= 0) {
    if (o1 !== 0 || o2 !== 0) return true;
  }
  return (
    (o1 === 0 && onSegment(a, b, c)) ||
    (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) ||
    (o4 === 0 && onSegment(c, d, b))
  );
}

function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return sum / 2;
}

/**
 * Problems of one closed GeoJSON ring: not closed, too short, consecutive duplicates, a vertex
 * visited twice, wrong orientation, or two non-adjacent edges touching (self-intersection).
 */
export function ringProblems(ring: Position[], outer: boolean): string[] {
  const problems: string[] = [];
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (!first || !last || key(first) !== key(last)) problems.push('not closed');
  if (ring.length < 4) problems.push('fewer than 3 distinct vertices');
  const seen = new Set<string>();
  for (let i = 0; i + 1 < ring.length; i++) {
    const k = key(ring[i] as Position);
    if (k === key(ring[i + 1] as Position)) problems.push(`consecutive duplicate at ${i}`);
    if (seen.has(k)) problems.push(`vertex repeated at ${i}`);
    seen.add(k);
  }
  const area = signedArea(ring);
  if (outer ? area <= 0 : area >= 0)
    problems.push(outer ? 'outer ring not counterclockwise' : 'hole not clockwise');

  const n = ring.length - 1;
  if (n >= 3) {
    const tree = new Flatbush(n);
    for (let i = 0; i < n; i++) {
      const a = ring[i] as Position;
      const b = ring[i + 1] as Position;
      tree.add(
        Math.min(a[0] as number, b[0] as number),
        Math.min(a[1] as number, b[1] as number),
        Math.max(a[0] as number, b[0] as number),
        Math.max(a[1] as number, b[1] as number),
      );
    }
    tree.finish();
    for (let i = 0; i < n; i++) {
      const a = ring[i] as Position;
      const b = ring[i + 1] as Position;
      const hits = tree.search(
        Math.min(a[0] as number, b[0] as number),
        Math.min(a[1] as number, b[1] as number),
        Math.max(a[0] as number, b[0] as number),
        Math.max(a[1] as number, b[1] as number),
      );
      for (const j of hits) {
        if (j <= i) continue;
        const adjacent = j === i + 1 || (i === 0 && j === n - 1);
        const c = ring[j] as Position;
        const d = ring[j + 1] as Position;
        if (adjacent) {
          // Adjacent edges share one vertex; they must not fold back onto each other.
          const shared = j === i + 1 ? b : a;
          const other = j === i + 1 ? d : c;
          const mine = j === i + 1 ? a : b;
          if (orientation(mine, shared, other) === 0 && onSegment(mine, other, shared) === false) {
            problems.push(`spike at ${j === i + 1 ? i + 1 : 0}`);
          }
          continue;
        }
        if (segmentsTouch(a, b, c, d)) problems.push(`edges ${i} and ${j} intersect`);
      }
    }
  }
  return problems;
}

export function geometryProblems(geometry: Polygon | MultiPolygon): string[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((polygon, p) =>
    polygon.flatMap((ring, r) =>
      ringProblems(ring, r === 0).map((problem) => `polygon ${p} ring ${r}: ${problem}`),
    ),
  );
}

export interface EdgeMatchReport {
  /** Directed edges whose reverse belongs to exactly one other polygon. */
  matched: number;
  /** Directed edges whose reverse appears nowhere (they should all be on the outer boundary). */
  unmatched: { polygon: number; from: Position; to: Position }[];
  /** Directed edges that occur twice, or whose reverse is in the same polygon or several others. */
  conflicts: string[];
}

/** Checks that neighbouring polygons carry exactly the same vertices along their common edges. */
export function matchEdges(geometries: readonly (Polygon | MultiPolygon)[]): EdgeMatchReport {
  const owner = new Map<string, number>();
  const report: EdgeMatchReport = { matched: 0, unmatched: [], conflicts: [] };
  const edges: { polygon: number; from: Position; to: Position; k: string; reverse: string }[] = [];
  geometries.forEach((geometry, polygon) => {
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const rings of polygons) {
      for (const ring of rings) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const from = ring[i] as Position;
          const to = ring[i + 1] as Position;
          const k = `${key(from)}|${key(to)}`;
          if (owner.has(k)) report.conflicts.push(`edge ${k} occurs twice`);
          owner.set(k, polygon);
          edges.push({ polygon, from, to, k, reverse: `${key(to)}|${key(from)}` });
        }
      }
    }
  });
  for (const edge of edges) {
    const other = owner.get(edge.reverse);
    if (other === undefined) report.unmatched.push({ polygon: edge.polygon, from: edge.from, to: edge.to });
    else if (other === edge.polygon) report.conflicts.push(`edge ${edge.k} doubles back in polygon ${other}`);
    else report.matched++;
  }
  return report;
}

/** Distance in degrees from p to segment ab. */
export function distanceToSegment(p: Position, a: Position, b: Position): number {
  const [px, py] = p as [number, number];
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
