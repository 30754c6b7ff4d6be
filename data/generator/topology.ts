// Exact shared boundaries between polygons that tile an area, and unions built from them.
// A point-in-polygon engine that gives every point exactly one owner needs neighbours to carry the
// very same vertices along their common edges; this module makes that true and relies on it.
import Flatbush from 'flatbush';
import type { AreaRings, LonLat, PolygonRings, Ring } from './ring-math.ts';
import { pointInRing, signedArea } from './ring-math.ts';

/** Vertices closer than this (degrees, ~0.1 mm) are one vertex; so are vertices this close to an edge. */
export const SNAP_TOLERANCE_DEG = 1e-9;

const keyOf = (p: LonLat): string => `${p[0]},${p[1]}`;

/**
 * Makes neighbouring polygons share identical boundaries: (a) snaps vertices within `tolerance` of
 * each other to one canonical coordinate, (b) inserts every vertex that lies on another polygon's edge
 * into that edge (no T-junctions), (c) drops consecutive duplicates. Input order decides which
 * coordinate is canonical, so the result is deterministic.
 */
export function shareBoundaries(areas: readonly AreaRings[], tolerance = SNAP_TOLERANCE_DEG): AreaRings[] {
  // Unique coordinates first: most vertices are already exactly shared.
  const idOf = new Map<string, number>();
  const xs: number[] = [];
  const ys: number[] = [];
  const ringIds: number[][][][] = areas.map((area) =>
    area.map((polygon) =>
      polygon.map((ring) =>
        ring.map((p) => {
          const key = keyOf(p);
          let id = idOf.get(key);
          if (id === undefined) {
            id = xs.length;
            idOf.set(key, id);
            xs.push(p[0]);
            ys.push(p[1]);
          }
          return id;
        }),
      ),
    ),
  );

  // (a) Snap clusters of nearby vertices to the first of them.
  const count = xs.length;
  const points = new Flatbush(Math.max(count, 1));
  for (let i = 0; i < count; i++) points.add(xs[i] as number, ys[i] as number);
  if (count === 0) points.add(0, 0);
  points.finish();
  const canonical = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    if (canonical[i] !== -1) continue;
    canonical[i] = i;
    const x = xs[i] as number;
    const y = ys[i] as number;
    for (const j of points.search(x - tolerance, y - tolerance, x + tolerance, y + tolerance)) {
      if (canonical[j] === -1) canonical[j] = i;
    }
  }
  const snapped = ringIds.map((area) =>
    area.map((polygon) => polygon.map((ring) => dropRepeats(ring.map((id) => canonical[id] as number)))),
  );

  // (b) Insert vertices that lie on other edges. The vertex set does not grow, so one pass suffices.
  const vertex: LonLat[] = xs.map((x, i) => [x, ys[i] as number]);
  const withJunctions = snapped.map((area) =>
    area.map((polygon) =>
      polygon.map((ring) => {
        const out: number[] = [];
        for (let k = 0; k < ring.length; k++) {
          const a = ring[k] as number;
          const b = ring[(k + 1) % ring.length] as number;
          out.push(a);
          const [ax, ay] = vertex[a] as LonLat;
          const [bx, by] = vertex[b] as LonLat;
          const dx = bx - ax;
          const dy = by - ay;
          const len2 = dx * dx + dy * dy;
          if (len2 === 0) continue;
          const inserts: { t: number; id: number }[] = [];
          const hits = points.search(
            Math.min(ax, bx) - tolerance,
            Math.min(ay, by) - tolerance,
            Math.max(ax, bx) + tolerance,
            Math.max(ay, by) + tolerance,
          );
          for (const hit of hits) {
            const id = canonical[hit] as number;
            if (id !== hit || id === a || id === b) continue;
            const [px, py] = vertex[id] as LonLat;
            const t = ((px - ax) * dx + (py - ay) * dy) / len2;
            if (t <= 0 || t >= 1) continue;
            const cross = (px - ax) * dy - (py - ay) * dx;
            if ((cross * cross) / len2 <= tolerance * tolerance) inserts.push({ t, id });
          }
          inserts.sort((u, v) => u.t - v.t || u.id - v.id);
          for (const { id } of inserts) out.push(id);
        }
        return dropRepeats(out);
      }),
    ),
  );

  return withJunctions.map((area) =>
    area
      .map((polygon) =>
        polygon.filter((ring) => ring.length >= 3).map((ring) => ring.map((id) => vertex[id] as LonLat)),
      )
      .filter((polygon) => polygon.length > 0),
  );
}

function dropRepeats(ids: number[]): number[] {
  const out = ids.filter((id, i) => i === 0 || id !== ids[i - 1]);
  while (out.length > 1 && out[0] === out[out.length - 1]) out.pop();
  return out;
}

interface DirectedEdge {
  from: LonLat;
  to: LonLat;
  fromKey: string;
  toKey: string;
  used: boolean;
}

/**
 * Union of polygons whose common boundaries are exactly shared: every edge that appears in both
 * directions is interior and cancels; the rest is traced into rings. Outer rings stay counterclockwise
 * and holes clockwise.
 */
export function mergePolygons(polygons: readonly PolygonRings[]): AreaRings {
  const edges = new Map<string, DirectedEdge>();
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const from = ring[i] as LonLat;
        const to = ring[(i + 1) % ring.length] as LonLat;
        const fromKey = keyOf(from);
        const toKey = keyOf(to);
        const reverse = `${toKey}|${fromKey}`;
        if (edges.has(reverse)) edges.delete(reverse);
        else edges.set(`${fromKey}|${toKey}`, { from, to, fromKey, toKey, used: false });
      }
    }
  }
  const outgoing = new Map<string, DirectedEdge[]>();
  for (const edge of edges.values()) {
    const list = outgoing.get(edge.fromKey);
    if (list) list.push(edge);
    else outgoing.set(edge.fromKey, [edge]);
  }

  const rings: Ring[] = [];
  for (const first of edges.values()) {
    if (first.used) continue;
    const ring: Ring = [];
    let edge = first;
    for (let guard = 0; guard <= edges.size; guard++) {
      edge.used = true;
      ring.push(edge.from);
      if (edge.toKey === first.fromKey) break;
      const candidates = (outgoing.get(edge.toKey) ?? []).filter((e) => !e.used);
      const next = candidates.length <= 1 ? candidates[0] : sharpestRightTurn(edge, candidates);
      if (!next) throw new Error('mergePolygons: boundary does not close');
      edge = next;
    }
    rings.push(ring);
  }

  const outers = rings.filter((ring) => signedArea(ring) > 0);
  const holes = rings.filter((ring) => signedArea(ring) < 0);
  const result: AreaRings = outers
    .map((ring) => ({ ring, area: signedArea(ring) }))
    .sort((a, b) => b.area - a.area)
    .map(({ ring }) => [ring]);
  for (const hole of holes) {
    const owner = result
      .filter(([outer]) => {
        const inside = hole.filter((p) => pointInRing(p[0], p[1], outer as Ring)).length;
        return inside * 2 >= hole.length;
      })
      .sort((a, b) => signedArea(a[0] as Ring) - signedArea(b[0] as Ring))[0];
    if (!owner) throw new Error('mergePolygons: hole outside every outer ring');
    owner.push(hole);
  }
  return result;
}

/**
 * At a vertex where the boundary touches itself, keep to the face on the left: take the outgoing
 * edge reached first when turning clockwise from the way we came in. Lobes touching at a point then
 * become separate simple rings.
 */
function sharpestRightTurn(incoming: DirectedEdge, candidates: DirectedEdge[]): DirectedEdge {
  const back = Math.atan2(incoming.from[1] - incoming.to[1], incoming.from[0] - incoming.to[0]);
  let best = candidates[0] as DirectedEdge;
  let bestTurn = Infinity;
  for (const candidate of candidates) {
    const angle = Math.atan2(candidate.to[1] - candidate.from[1], candidate.to[0] - candidate.from[0]);
    let turn = back - angle;
    while (turn <= 0) turn += 2 * Math.PI;
    while (turn > 2 * Math.PI) turn -= 2 * Math.PI;
    if (turn < bestTurn) {
      bestTurn = turn;
      best = candidate;
    }
  }
  return best;
}

/**
 * A simple outline from a ring that doubles back on itself: edges walked there and back (zero-width
 * spikes, slits and collinear back-tracks) cancel, and of what remains the largest outer ring is kept. Tiny pinched-off
 * lobes and notches of a lattice-traced boundary are dropped with it.
 */
export function cleanOutline(ring: Ring): AreaRings {
  // Splitting edges at the ring's own vertices first turns collinear back-tracks into exact pairs.
  const split = shareBoundaries([[[ring]]])[0] ?? [];
  const merged = mergePolygons(split);
  const largest = merged[0]?.[0];
  if (!largest) throw new Error('cleanOutline: empty outline');
  return [[largest]];
}
