// A synthetic province-size grid layer for point-in-polygon benchmarks: Voronoi cells of a jittered
// hexagonal lattice tiling a rectangle over Zhejiang, with optional densified, jittered edges whose
// polyline is computed once per edge and used (reversed) by both neighbours.
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import { clipToCell } from './convex-clip.ts';
import { allocate } from './population-plan.ts';
import { Rng } from './prng.ts';
import type { LonLat, Ring } from './ring-math.ts';
import { shareBoundaries } from './topology.ts';
import { voronoiCells } from './voronoi-partition.ts';

export const PROVINCE_BOUNDS = { minLon: 118, minLat: 27, maxLon: 123, maxLat: 31.2 } as const;
const KX = Math.cos((((PROVINCE_BOUNDS.minLat + PROVINCE_BOUNDS.maxLat) / 2) * Math.PI) / 180);

export interface ProvinceGridOptions {
  seed: number;
  /** Number of cells, e.g. 60,000. */
  grids: number;
  /** Densify edges so a ring has about this many vertices (e.g. 100); omit for plain Voronoi cells. */
  verticesPerRing?: number;
}

export interface ProvinceGridProperties {
  code: string;
  name: string;
}

/** Exactly `count` points in rows of a jittered hexagonal lattice (projected: x = lon * KX). */
function latticeSeeds(rng: Rng, count: number): LonLat[] {
  const { minLon, minLat, maxLon, maxLat } = PROVINCE_BOUNDS;
  const width = (maxLon - minLon) * KX;
  const height = maxLat - minLat;
  const spacing = Math.sqrt((width * height) / (0.8660254 * count));
  const rows = Math.max(1, Math.round(height / (0.8660254 * spacing)));
  const perRow = allocate(count, new Array<number>(rows).fill(1));
  const rowHeight = height / rows;
  const seeds: LonLat[] = [];
  perRow.forEach((n, r) => {
    const step = width / n;
    for (let i = 0; i < n; i++) {
      const shift = r % 2 === 0 ? 0.25 : 0.75;
      const x = (i + shift + rng.float(-0.2, 0.2)) * step;
      const y = (r + 0.5 + rng.float(-0.2, 0.2)) * rowHeight;
      seeds.push([minLon + x / KX, minLat + y]);
    }
  });
  return seeds;
}

const keyOf = (p: LonLat): string => `${p[0]},${p[1]}`;

function onRectangleSide(a: LonLat, b: LonLat): boolean {
  const { minLon, minLat, maxLon, maxLat } = PROVINCE_BOUNDS;
  return (
    (a[0] === b[0] && (a[0] === minLon || a[0] === maxLon)) ||
    (a[1] === b[1] && (a[1] === minLat || a[1] === maxLat))
  );
}

/**
 * Interior points of the polyline that replaces edge a -> b, in that direction. Offsets are a short
 * sine series (zero at both ends, gentle slopes), so neighbouring edges never cross.
 */
function edgePolyline(seed: number, a: LonLat, b: LonLat, segment: number): LonLat[] {
  const dx = (b[0] - a[0]) * KX;
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  const pieces = Math.round(length / segment);
  if (pieces < 2) return [];
  const straight = onRectangleSide(a, b);
  const rng = new Rng(seed, `${keyOf(a)}|${keyOf(b)}`);
  const amplitude = 0.04 * length;
  const coefficients = [1, 2, 3].map((k) => rng.float(-1, 1) / (k * k));
  const nx = -dy / length;
  const ny = dx / length;
  const points: LonLat[] = [];
  for (let i = 1; i < pieces; i++) {
    const t = i / pieces;
    let offset = 0;
    if (!straight) coefficients.forEach((c, k) => (offset += c * Math.sin((k + 1) * Math.PI * t)));
    offset *= amplitude;
    points.push([a[0] + t * (b[0] - a[0]) + (nx * offset) / KX, a[1] + t * (b[1] - a[1]) + ny * offset]);
  }
  return points;
}

export function generateProvinceGrids(
  options: ProvinceGridOptions,
): FeatureCollection<Polygon, ProvinceGridProperties> {
  const { seed, grids, verticesPerRing } = options;
  if (!Number.isInteger(grids) || grids < 2) throw new Error('grids must be an integer >= 2');
  const { minLon, minLat, maxLon, maxLat } = PROVINCE_BOUNDS;
  const rectangle: Ring = [
    [minLon, minLat],
    [maxLon, minLat],
    [maxLon, maxLat],
    [minLon, maxLat],
  ];
  const seeds = latticeSeeds(new Rng(seed, 'province-seeds'), grids);
  const cells = voronoiCells(seeds, [[rectangle]], { kx: KX });
  // Clipping to a convex rectangle yields one ring per cell; snapping only guards near-degenerate
  // vertices of almost cocircular seeds.
  const rings = shareBoundaries(
    cells.map((cell) => {
      const parts = clipToCell([[rectangle]], cell);
      if (parts.length !== 1) throw new Error('province cell is not a single ring');
      return [[parts[0] as Ring]];
    }),
  ).map((area) => area[0]?.[0] as Ring);

  let output = rings;
  if (verticesPerRing && verticesPerRing > 0) {
    let perimeter = 0;
    for (const ring of rings) {
      ring.forEach((a, i) => {
        const b = ring[(i + 1) % ring.length] as LonLat;
        perimeter += Math.hypot((b[0] - a[0]) * KX, b[1] - a[1]);
      });
    }
    const segment = perimeter / rings.length / verticesPerRing;
    const cache = new Map<string, LonLat[]>();
    output = rings.map((ring) => {
      const out: Ring = [];
      ring.forEach((a, i) => {
        const b = ring[(i + 1) % ring.length] as LonLat;
        out.push(a);
        // One polyline per undirected edge, built in a canonical direction and reversed as needed.
        const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
        const key = forward ? `${keyOf(a)}|${keyOf(b)}` : `${keyOf(b)}|${keyOf(a)}`;
        let points = cache.get(key);
        if (!points) {
          points = forward ? edgePolyline(seed, a, b, segment) : edgePolyline(seed, b, a, segment);
          cache.set(key, points);
        }
        if (forward) out.push(...points);
        else for (let k = points.length - 1; k >= 0; k--) out.push(points[k] as LonLat);
      });
      return out;
    });
  }

  const digits = String(grids).length;
  const features = output.map((ring, i): Feature<Polygon, ProvinceGridProperties> => {
    const number = String(i + 1).padStart(Math.max(6, digits), '0');
    // Neighbours share the very same position arrays along common edges: treat them as read-only.
    const coordinates: Position[] = [...ring, ring[0] as LonLat];
    return {
      type: 'Feature',
      properties: { code: `330000-P${number}`, name: `浙江模拟网格${number}` },
      geometry: { type: 'Polygon', coordinates: [coordinates] },
    };
  });
  return { type: 'FeatureCollection', features };
}
