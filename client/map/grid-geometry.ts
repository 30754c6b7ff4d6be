// Geometry the console derives from grid polygons in the browser: bounding boxes, a label/click point
// inside each grid, and township/village borders found as the edges where neighbouring grids belong to
// different regions (grids share exact vertices, so an edge is the same pair of coordinates on both
// sides). Pure functions, no DOM.
import type { AreaGeometry, Position } from '../../shared/geojson.ts';

export type LonLat = [number, number];
export type Bbox = [number, number, number, number];
type Ring = Position[];

export function polygonsOf(geometry: AreaGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: AreaGeometry): Bbox {
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygonsOf(geometry))
    for (const [x, y] of polygon[0] ?? []) {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  return box;
}

export function mergeBbox(a: Bbox | null, b: Bbox): Bbox {
  if (!a) return [...b];
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** Planar area of a ring in degrees², scaled by cos(latitude) so that it is proportional to m². */
export function ringArea(ring: Ring): number {
  let sum = 0;
  let lat = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    sum += (xj - xi) * (yj + yi);
    lat += yi;
  }
  const cos = Math.cos(((lat / Math.max(1, ring.length)) * Math.PI) / 180);
  return (Math.abs(sum) / 2) * cos;
}

export function areaOf(geometry: AreaGeometry): number {
  let area = 0;
  for (const polygon of polygonsOf(geometry)) {
    area += ringArea(polygon[0] ?? []);
    for (const hole of polygon.slice(1)) area -= ringArea(hole);
  }
  return area;
}

/** Even-odd ray cast over all rings of a polygon (holes excluded). */
export function pointInPolygon([px, py]: LonLat, rings: Ring[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function ringCentroid(ring: Ring): LonLat {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    const f = xj * yi - xi * yj;
    a += f;
    cx += (xj + xi) * f;
    cy += (yj + yi) * f;
  }
  if (a === 0) return [ring[0]?.[0] ?? 0, ring[0]?.[1] ?? 0];
  return [cx / (3 * a), cy / (3 * a)];
}

/** Midpoint of the widest run inside the polygon along the horizontal line at `y`. */
function widestRunAt(rings: Ring[], y: number): { x: number; width: number } | null {
  const xs: number[] = [];
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  xs.sort((a, b) => a - b);
  let best: { x: number; width: number } | null = null;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    const width = xs[k + 1]! - xs[k]!;
    if (!best || width > best.width) best = { x: (xs[k]! + xs[k + 1]!) / 2, width };
  }
  return best;
}

/**
 * A point inside the grid to hang its label on and to click in tests: of the centroid of its largest
 * part (when inside) and the middles of horizontal runs through it, the one farthest from the edges.
 */
export function interiorPoint(geometry: AreaGeometry): LonLat {
  let largest: Ring[] = [];
  let largestArea = -1;
  for (const polygon of polygonsOf(geometry)) {
    const area = ringArea(polygon[0] ?? []);
    if (area > largestArea) {
      largestArea = area;
      largest = polygon;
    }
  }
  const centroid = ringCentroid(largest[0] ?? []);
  const candidates: LonLat[] = pointInPolygon(centroid, largest) ? [centroid] : [];
  const [, minY, , maxY] = bboxOf({ type: 'Polygon', coordinates: largest });
  for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) {
    const y = minY + (maxY - minY) * f;
    const run = widestRunAt(largest, y);
    if (run) candidates.push([run.x, y]);
  }
  let best = centroid;
  let bestDistance = -1;
  for (const candidate of candidates) {
    const d = distanceToEdges(candidate, largest);
    if (d > bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function distanceToEdges([px, py]: LonLat, rings: Ring[]): number {
  let min = Infinity;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j]!;
      const [x2, y2] = ring[i]!;
      const dx = x2 - x1;
      const dy = y2 - y1;
      const len = dx * dx + dy * dy;
      const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len));
      const d = Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
      if (d < min) min = d;
    }
  return min;
}

/** Area-weighted mean of points (e.g. grid anchors → a village's label point). */
export function weightedCenter(points: { at: LonLat; weight: number }[]): LonLat | null {
  let w = 0;
  let x = 0;
  let y = 0;
  for (const p of points) {
    w += p.weight;
    x += p.at[0] * p.weight;
    y += p.at[1] * p.weight;
  }
  return w > 0 ? [x / w, y / w] : null;
}

/**
 * Borders between regions as line strings: every polygon edge whose two sides belong to different
 * `key`s, or that only one polygon uses (the outer border). Edges are chained into lines at vertices
 * where exactly two border edges meet.
 */
export function regionBorders(items: { geometry: AreaGeometry; key: string }[]): LonLat[][] {
  const pointKey = (p: Position): string => `${p[0]},${p[1]}`;
  const edges = new Map<string, { a: Position; b: Position; keys: Set<string>; uses: number }>();
  for (const item of items)
    for (const polygon of polygonsOf(item.geometry))
      for (const ring of polygon)
        for (let i = 1; i < ring.length; i++) {
          const a = ring[i - 1]!;
          const b = ring[i]!;
          const ka = pointKey(a);
          const kb = pointKey(b);
          if (ka === kb) continue;
          const id = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
          let edge = edges.get(id);
          if (!edge) {
            edge = { a, b, keys: new Set(), uses: 0 };
            edges.set(id, edge);
          }
          edge.keys.add(item.key);
          edge.uses++;
        }

  const border: { a: Position; b: Position; ka: string; kb: string }[] = [];
  for (const edge of edges.values())
    if (edge.uses === 1 || edge.keys.size > 1)
      border.push({ a: edge.a, b: edge.b, ka: pointKey(edge.a), kb: pointKey(edge.b) });

  const byPoint = new Map<string, number[]>();
  border.forEach((e, i) => {
    for (const k of [e.ka, e.kb]) {
      const list = byPoint.get(k);
      if (list) list.push(i);
      else byPoint.set(k, [i]);
    }
  });
  const used = new Uint8Array(border.length);
  const lines: LonLat[][] = [];
  const extend = (line: Position[], endKey: string): void => {
    let key = endKey;
    for (;;) {
      const next = byPoint.get(key);
      if (!next || next.length !== 2) return;
      const i = next.find((n) => !used[n]);
      if (i === undefined) return;
      used[i] = 1;
      const e = border[i]!;
      const forward = e.ka === key;
      line.push(forward ? e.b : e.a);
      key = forward ? e.kb : e.ka;
    }
  };
  for (let i = 0; i < border.length; i++) {
    if (used[i]) continue;
    used[i] = 1;
    const e = border[i]!;
    const tail: Position[] = [e.a, e.b];
    extend(tail, e.kb);
    const head: Position[] = [];
    extend(head, e.ka);
    lines.push([...head.reverse(), ...tail].map((p) => [p[0], p[1]] as LonLat));
  }
  return lines;
}
