// Planar and spherical helpers on lon/lat rings, and conversion to and from GeoJSON.
// Internally rings are open (the first vertex is not repeated); GeoJSON output closes them.
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type LonLat = [number, number];
/** Open ring: the first vertex is not repeated at the end. */
export type Ring = LonLat[];
/** Outer ring (counterclockwise) followed by holes (clockwise). */
export type PolygonRings = Ring[];
/** One entry per polygon part. */
export type AreaRings = PolygonRings[];

/** Mean Earth radius used by turf, so areas here match turf.area. */
export const EARTH_RADIUS_M = 6371008.8;
export const METERS_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;
const RAD = Math.PI / 180;

/** Shoelace area in square degrees; positive for counterclockwise rings. */
export function signedArea(ring: readonly LonLat[]): number {
  let sum = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = ring[j] as LonLat;
    const b = ring[i] as LonLat;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum / 2;
}

/** Spherical ring area in m², the formula turf.area uses. */
export function ringAreaM2(ring: readonly LonLat[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lower = ring[i] as LonLat;
    const middle = ring[(i + 1) % n] as LonLat;
    const upper = ring[(i + 2) % n] as LonLat;
    total += (upper[0] - lower[0]) * RAD * Math.sin(middle[1] * RAD);
  }
  return Math.abs((total * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

export function areaM2(area: AreaRings): number {
  let total = 0;
  for (const polygon of area) {
    polygon.forEach((ring, i) => {
      total += i === 0 ? ringAreaM2(ring) : -ringAreaM2(ring);
    });
  }
  return total;
}

/** Even-odd point in ring; points exactly on an edge may go either way. */
export function pointInRing(x: number, y: number, ring: readonly LonLat[]): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = ring[i] as LonLat;
    const [xj, yj] = ring[j] as LonLat;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInArea(x: number, y: number, area: AreaRings): boolean {
  let inside = false;
  for (const polygon of area) for (const ring of polygon) if (pointInRing(x, y, ring)) inside = !inside;
  return inside;
}

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function bboxOf(area: AreaRings): BBox {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const polygon of area) {
    for (const [x, y] of polygon[0] ?? []) {
      if (x < box.minX) box.minX = x;
      if (y < box.minY) box.minY = y;
      if (x > box.maxX) box.maxX = x;
      if (y > box.maxY) box.maxY = y;
    }
  }
  return box;
}

/** Area-weighted planar centroid of the outer rings. */
export function centroidOf(area: AreaRings): LonLat {
  let cx = 0;
  let cy = 0;
  let total = 0;
  for (const polygon of area) {
    const ring = polygon[0] ?? [];
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = ring[j] as LonLat;
      const b = ring[i] as LonLat;
      const cross = a[0] * b[1] - b[0] * a[1];
      cx += (a[0] + b[0]) * cross;
      cy += (a[1] + b[1]) * cross;
      total += cross;
    }
  }
  return [cx / (3 * total), cy / (3 * total)];
}

/** Drops consecutive duplicate vertices, including a duplicated closing vertex. */
export function dedupeRing(ring: readonly LonLat[]): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1) {
    const first = out[0] as LonLat;
    const last = out[out.length - 1] as LonLat;
    if (first[0] !== last[0] || first[1] !== last[1]) break;
    out.pop();
  }
  return out;
}

function closeRing(ring: readonly LonLat[]): Position[] {
  const first = ring[0];
  return first ? [...ring.map((p): Position => [p[0], p[1]]), [first[0], first[1]]] : [];
}

/** GeoJSON geometry: a Polygon for one part, else a MultiPolygon. Rings are closed. */
export function toGeometry(area: AreaRings): Polygon | MultiPolygon {
  const parts = area.map((polygon) => polygon.map(closeRing));
  if (parts.length === 1) return { type: 'Polygon', coordinates: parts[0] as Position[][] };
  return { type: 'MultiPolygon', coordinates: parts };
}

/** Open rings, outer rings counterclockwise and holes clockwise (RFC 7946). */
export function fromGeometry(geometry: Polygon | MultiPolygon): AreaRings {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.map((polygon) =>
    polygon.map((positions, i) => {
      const ring = dedupeRing(positions.map((p): LonLat => [p[0] as number, p[1] as number]));
      const ccw = signedArea(ring) > 0;
      return ccw === (i === 0) ? ring : ring.reverse();
    }),
  );
}

/** Local equirectangular distance in metres; accurate to well under 1% across a county. */
export function metersBetween(a: LonLat, b: LonLat): number {
  const kx = Math.cos(((a[1] + b[1]) / 2) * RAD);
  return Math.hypot((a[0] - b[0]) * kx, a[1] - b[1]) * METERS_PER_DEGREE;
}

/** Moves a point by metres east and north. */
export function offsetMeters(p: LonLat, east: number, north: number): LonLat {
  const kx = Math.cos(p[1] * RAD);
  return [p[0] + east / (METERS_PER_DEGREE * kx), p[1] + north / METERS_PER_DEGREE];
}
