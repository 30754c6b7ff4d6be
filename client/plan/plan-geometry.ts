// Geometry of boundary editing in the browser: a vertex → grids index (neighbouring grids share exact
// coordinates, so a shared vertex is the same pair of numbers in every ring that uses it), moving a
// shared vertex in every grid that has it, snapping to neighbours within a tolerance in metres,
// splitting a polygon by a drawn line, merging two grids, and cheap live checks (self-intersection,
// overlap with a sibling). Pure functions, no DOM.
import { featureCollection, feature as turfFeature, intersect, kinks, union, area } from '@turf/turf';
import type { AreaGeometry, Position } from '../../shared/geojson.ts';
import { bboxOf, polygonsOf, type Bbox, type LonLat } from '../map/grid-geometry.ts';

export const vertexKey = (p: Position | LonLat): string => `${p[0]},${p[1]}`;

/** Where each vertex is used: key → ids of the grids whose rings contain it. */
export function buildVertexIndex(grids: Map<number, AreaGeometry>): Map<string, Set<number>> {
  const index = new Map<string, Set<number>>();
  for (const [id, geometry] of grids)
    for (const polygon of polygonsOf(geometry))
      for (const ring of polygon)
        for (const p of ring) {
          const key = vertexKey(p);
          let set = index.get(key);
          if (!set) index.set(key, (set = new Set()));
          set.add(id);
        }
  return index;
}

const mapPositions = (geometry: AreaGeometry, fn: (p: Position) => Position): AreaGeometry =>
  geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map(fn)) }
    : {
        type: 'MultiPolygon',
        coordinates: geometry.coordinates.map((poly) => poly.map((ring) => ring.map(fn))),
      };

/** Replaces every occurrence of vertex `from` by `to` (first and last of a ring included). */
export function replaceVertex(geometry: AreaGeometry, from: Position, to: Position): AreaGeometry {
  return mapPositions(geometry, (p) => (p[0] === from[0] && p[1] === from[1] ? [to[0], to[1]] : p));
}

/**
 * Moves a vertex in `gridId` and in every other grid that shares it; returns the new geometries of
 * all the grids that changed.
 */
export function moveSharedVertex(
  grids: Map<number, AreaGeometry>,
  index: Map<string, Set<number>>,
  gridId: number,
  from: Position,
  to: Position,
): Map<number, AreaGeometry> {
  const ids = new Set(index.get(vertexKey(from)) ?? []);
  ids.add(gridId);
  const changed = new Map<number, AreaGeometry>();
  for (const id of ids) {
    const geometry = grids.get(id);
    if (geometry) changed.set(id, replaceVertex(geometry, from, to));
  }
  return changed;
}

/** Inserts `p` between the consecutive vertices a and b (either order) of every ring that has that edge. */
export function insertOnEdge(geometry: AreaGeometry, a: Position, b: Position, p: Position): AreaGeometry {
  const same = (x: Position, y: Position): boolean => x[0] === y[0] && x[1] === y[1];
  const fixRing = (ring: Position[]): Position[] => {
    const out: Position[] = [];
    for (let i = 0; i < ring.length; i++) {
      out.push(ring[i]!);
      const next = ring[i + 1];
      if (next && ((same(ring[i]!, a) && same(next, b)) || (same(ring[i]!, b) && same(next, a))))
        out.push([p[0], p[1]]);
    }
    return out;
  };
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(fixRing) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(fixRing)) };
}

// ---- snapping ----

const metresPerDegree = 111_320;

/** Planar metres between two lon/lat points (fine at grid scale). */
export function distanceM(a: Position, b: Position): number {
  const k = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * metresPerDegree;
}

function closestOnSegment(p: Position, a: Position, b: Position): Position {
  const k = Math.cos((p[1] * Math.PI) / 180);
  const dx = (b[0] - a[0]) * k;
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  if (len === 0) return a;
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * k * dx + (p[1] - a[1]) * dy) / len));
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

const bboxNear = (box: Bbox, p: Position, pad: number): boolean =>
  p[0] >= box[0] - pad && p[0] <= box[2] + pad && p[1] >= box[1] - pad && p[1] <= box[3] + pad;

/**
 * Snaps `p` to the nearest vertex of the other grids within `toleranceM`, else to the nearest point of
 * their edges within it; returns `p` unchanged when nothing is that close.
 */
export function snapPosition(
  p: Position,
  grids: Map<number, AreaGeometry>,
  exclude: ReadonlySet<number>,
  toleranceM: number,
): Position {
  if (toleranceM <= 0) return p;
  const pad = (toleranceM / metresPerDegree) * 2;
  let bestVertex: Position | null = null;
  let bestVertexD = toleranceM;
  let bestEdge: Position | null = null;
  let bestEdgeD = toleranceM;
  for (const [id, geometry] of grids) {
    if (exclude.has(id) || !bboxNear(bboxOf(geometry), p, pad)) continue;
    for (const polygon of polygonsOf(geometry))
      for (const ring of polygon)
        for (let i = 0; i < ring.length; i++) {
          const v = ring[i]!;
          const d = distanceM(p, v);
          if (d <= bestVertexD) {
            bestVertexD = d;
            bestVertex = v;
          }
          const next = ring[i + 1];
          if (!next) continue;
          const q = closestOnSegment(p, v, next);
          const e = distanceM(p, q);
          if (e <= bestEdgeD) {
            bestEdgeD = e;
            bestEdge = q;
          }
        }
  }
  if (bestVertex) return [bestVertex[0], bestVertex[1]];
  return bestEdge ? [bestEdge[0], bestEdge[1]] : p;
}

// ---- split ----

interface Crossing {
  /** Position along the line: segment index + fraction. */
  along: number;
  /** Ring edge index (edge i runs from ring[i] to ring[i+1]). */
  edge: number;
  /** Fraction along that edge. */
  u: number;
  at: Position;
}

function segmentCrossing(
  p: Position,
  p2: Position,
  q: Position,
  q2: Position,
): { t: number; u: number } | null {
  const rx = p2[0] - p[0];
  const ry = p2[1] - p[1];
  const sx = q2[0] - q[0];
  const sy = q2[1] - q[1];
  const denom = rx * sy - ry * sx;
  if (denom === 0) return null;
  const t = ((q[0] - p[0]) * sy - (q[1] - p[1]) * sx) / denom;
  const u = ((q[0] - p[0]) * ry - (q[1] - p[1]) * rx) / denom;
  return t >= 0 && t <= 1 && u >= 0 && u < 1 ? { t, u } : null;
}

export type SplitResult = { parts: [AreaGeometry, AreaGeometry] } | { error: 'noCrossing' | 'holes' };

/**
 * Splits a grid by a line drawn across it: the first two crossings of the line with the outer ring of
 * the polygon it crosses cut that polygon in two (other parts of a multipolygon stay with part 1).
 * Existing vertices keep their exact coordinates, so shared borders stay shared.
 */
export function splitByLine(geometry: AreaGeometry, line: Position[]): SplitResult {
  const polygons = polygonsOf(geometry);
  for (let k = 0; k < polygons.length; k++) {
    const polygon = polygons[k]!;
    const ring = polygon[0]!;
    const crossings: Crossing[] = [];
    for (let s = 0; s + 1 < line.length; s++)
      for (let e = 0; e + 1 < ring.length; e++) {
        const hit = segmentCrossing(line[s]!, line[s + 1]!, ring[e]!, ring[e + 1]!);
        if (!hit) continue;
        const a = ring[e]!;
        const b = ring[e + 1]!;
        const at: Position = hit.u === 0 ? a : [a[0] + (b[0] - a[0]) * hit.u, a[1] + (b[1] - a[1]) * hit.u];
        crossings.push({ along: s + hit.t, edge: e, u: hit.u, at });
      }
    if (crossings.length < 2) continue;
    if (polygon.length > 1) return { error: 'holes' };
    crossings.sort((x, y) => x.along - y.along);
    let [first, second] = [crossings[0]!, crossings[1]!];
    // The cut path: first crossing, the line's vertices between, second crossing.
    let cut: Position[] = [first.at];
    for (let s = Math.floor(first.along) + 1; s <= Math.floor(second.along); s++) cut.push(line[s]!);
    cut.push(second.at);
    if (first.edge > second.edge || (first.edge === second.edge && first.u > second.u)) {
      [first, second] = [second, first];
      cut = cut.reverse();
    }
    const n = ring.length - 1; // closed ring: last = first
    const walk = (from: number, to: number): Position[] => {
      const out: Position[] = [];
      for (let i = from; i !== to; i = (i + 1) % n) out.push(ring[i]!);
      out.push(ring[to]!);
      return out;
    };
    const same = (x: Position, y: Position): boolean => x[0] === y[0] && x[1] === y[1];
    // Part 1: first → ring vertices after it up to the second's edge → second → cut back to first.
    const ringA = first.edge === second.edge ? [] : walk((first.edge + 1) % n, second.edge);
    const part1 = dedupe([first.at, ...ringA, second.at, ...cut.slice(1, -1).reverse(), first.at], same);
    // Part 2: second → ring vertices after it round to the first's edge → first → cut to second.
    const ringB = walk((second.edge + 1) % n, first.edge);
    const part2 = dedupe([second.at, ...ringB, first.at, ...cut.slice(1, -1), second.at], same);
    if (part1.length < 4 || part2.length < 4) continue;
    const others = polygons.filter((_, i) => i !== k);
    const p1: AreaGeometry =
      others.length === 0
        ? { type: 'Polygon', coordinates: [part1] }
        : { type: 'MultiPolygon', coordinates: [[part1], ...others] };
    return { parts: [p1, { type: 'Polygon', coordinates: [part2] }] };
  }
  return { error: 'noCrossing' };
}

function dedupe(ring: Position[], same: (a: Position, b: Position) => boolean): Position[] {
  const out: Position[] = [];
  for (const p of ring) if (!out.length || !same(out[out.length - 1]!, p)) out.push(p);
  return out;
}

// ---- merge ----

/** The union of two grids (adjacent grids share a border, so it dissolves). */
export function mergeGeometries(a: AreaGeometry, b: AreaGeometry): AreaGeometry | null {
  const merged = union(featureCollection([turfFeature(a), turfFeature(b)]));
  const g = merged?.geometry;
  return g && (g.type === 'Polygon' || g.type === 'MultiPolygon') ? (g as AreaGeometry) : null;
}

// ---- live checks ----

export interface LocalProblem {
  code: 'self_intersection' | 'overlap';
  gridIds: number[];
  /** Where: the crossing points or the overlap area. */
  geometry: GeoJSON.Geometry;
  areaM2: number | null;
}

/** Self-intersections of each edited grid and overlaps with its territorial siblings (> 1 m²). */
export function localProblems(
  edited: Map<number, AreaGeometry>,
  all: Map<number, AreaGeometry>,
  territorial: ReadonlySet<number>,
): LocalProblem[] {
  const problems: LocalProblem[] = [];
  for (const [id, geometry] of edited) {
    const crossings = kinks(turfFeature(geometry));
    if (crossings.features.length > 0)
      problems.push({
        code: 'self_intersection',
        gridIds: [id],
        geometry: { type: 'MultiPoint', coordinates: crossings.features.map((f) => f.geometry.coordinates) },
        areaM2: null,
      });
    if (!territorial.has(id) || crossings.features.length > 0) continue;
    const box = bboxOf(geometry);
    for (const [other, otherGeometry] of all) {
      if (other === id || !territorial.has(other)) continue;
      if (edited.has(other) && other < id) continue; // each pair once
      const ob = bboxOf(otherGeometry);
      if (ob[0] > box[2] || ob[2] < box[0] || ob[1] > box[3] || ob[3] < box[1]) continue;
      let overlap: ReturnType<typeof intersect>;
      try {
        overlap = intersect(featureCollection([turfFeature(geometry), turfFeature(otherGeometry)]));
      } catch {
        continue;
      }
      if (!overlap) continue;
      const m2 = area(overlap);
      if (m2 > 1)
        problems.push({ code: 'overlap', gridIds: [id, other], geometry: overlap.geometry, areaM2: m2 });
    }
  }
  return problems;
}

/** `<village>-NN`: the next number no grid of the village uses. */
export function nextGridCode(villageCode: string, codes: Iterable<string>): { code: string; number: number } {
  const used = new Set<number>();
  for (const code of codes) {
    const m = /^(\d{12})-(\d+)$/.exec(code);
    if (m && m[1] === villageCode) used.add(Number(m[2]));
  }
  let n = 1;
  while (used.has(n)) n++;
  return { code: `${villageCode}-${String(n).padStart(2, '0')}`, number: n };
}
