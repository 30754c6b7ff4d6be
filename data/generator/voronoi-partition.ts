// Splits an area into one region per seed: Voronoi cells clipped to the area. Pieces of a cell cut
// off by a bend of the outline are handed to the neighbour they share the longest edge with, so
// each seed ends up with one connected region and the regions still tile the area exactly.
import { Delaunay } from 'd3-delaunay';
import type { ConvexCell, HalfPlane } from './convex-clip.ts';
import { clipToCell, leftOf } from './convex-clip.ts';
import type { AreaRings, LonLat, PolygonRings, Ring } from './ring-math.ts';
import { areaM2, bboxOf, metersBetween } from './ring-math.ts';
import { mergePolygons } from './topology.ts';

export interface PartitionOptions {
  /**
   * Longitude is multiplied by this before the Voronoi diagram is built so cells are isotropic on the
   * ground (cos of the mid latitude); the map back to lon/lat is linear, so edges stay straight.
   */
  kx: number;
}

/** Voronoi cells of the seeds, each with the bisector half-plane of every edge. */
export function voronoiCells(
  seeds: readonly LonLat[],
  parent: AreaRings,
  { kx }: PartitionOptions,
): ConvexCell[] {
  const n = seeds.length;
  const projected = seeds.map(([lon, lat]): [number, number] => [lon * kx, lat]);
  const box = bboxOf(parent);
  const span = Math.max((box.maxX - box.minX) * kx, box.maxY - box.minY);
  const delaunay = Delaunay.from(projected);
  const voronoi = delaunay.voronoi([
    box.minX * kx - span,
    box.minY - span,
    box.maxX * kx + span,
    box.maxY + span,
  ]);

  // One plane per unordered pair, evaluated with opposite signs by the two cells.
  const pairPlanes = new Map<number, { a: number; b: number; c: number; norm: number }>();
  const pairPlane = (i: number, j: number): { a: number; b: number; c: number; norm: number } => {
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    const key = lo * n + hi;
    let plane = pairPlanes.get(key);
    if (!plane) {
      const [ax, ay] = projected[lo] as [number, number];
      const [bx, by] = projected[hi] as [number, number];
      const dx = bx - ax;
      const dy = by - ay;
      const mx = (ax + bx) / 2;
      const my = (ay + by) / 2;
      // Negative on lo's side: D(lon, lat) = (lon*kx - mx)*dx + (lat - my)*dy.
      plane = { a: kx * dx, b: dy, c: -(mx * dx + my * dy), norm: Math.hypot(dx, dy) };
      pairPlanes.set(key, plane);
    }
    return plane;
  };

  const cells: ConvexCell[] = [];
  for (let i = 0; i < n; i++) {
    const polygon = voronoi.cellPolygon(i);
    if (!polygon) throw new Error(`voronoiCells: seed ${i} has no cell (duplicate seed?)`);
    const vertices: Ring = polygon.slice(0, -1).map(([x, y]): LonLat => [(x as number) / kx, y as number]);
    const neighbours = [...delaunay.neighbors(i)];
    // d3 computes rays of hull cells (and jitters collinear input) with errors near 1e-9 of the
    // extent; the right bisector still fits far better than any other, so a loose bound is safe.
    const tolerance = 1e-6 * span;
    const bisectorOf = (u: LonLat, v: LonLat, candidates: readonly number[]): HalfPlane | undefined => {
      let best: HalfPlane | undefined;
      let bestError = tolerance;
      for (const j of candidates) {
        if (j === i) continue;
        const plane = pairPlane(i, j);
        const error =
          (Math.abs(plane.a * u[0] + plane.b * u[1] + plane.c) +
            Math.abs(plane.a * v[0] + plane.b * v[1] + plane.c)) /
          plane.norm;
        if (error < bestError) {
          bestError = error;
          best = { a: plane.a, b: plane.b, c: plane.c, sign: i < j ? -1 : 1 };
        }
      }
      return best;
    };
    const planes: HalfPlane[] = vertices.map((u, k) => {
      const v = vertices[(k + 1) % vertices.length] as LonLat;
      // Edges of the outer clipping box are not bisectors; they lie far outside the parent anyway.
      return bisectorOf(u, v, neighbours) ?? leftOf(u, v);
    });
    // d3 splits the bisector of a two-point (or collinear) input at its midpoint; one edge per plane
    // keeps positions along the cell boundary unambiguous.
    const same = (p: HalfPlane, q: HalfPlane): boolean =>
      p.a === q.a && p.b === q.b && p.c === q.c && p.sign === q.sign;
    const keep = vertices.map(
      (_, k) => !same(planes[(k + planes.length - 1) % planes.length] as HalfPlane, planes[k] as HalfPlane),
    );
    cells.push({ vertices: vertices.filter((_, k) => keep[k]), planes: planes.filter((_, k) => keep[k]) });
  }
  return cells;
}

interface Part {
  owner: number;
  rings: PolygonRings;
  area: number;
}

const edgeKey = (a: LonLat, b: LonLat): string => `${a[0]},${a[1]}|${b[0]},${b[1]}`;

/** One region per seed, tiling `parent`; each seed's region is connected where the outline allows. */
export function voronoiPartition(
  parent: AreaRings,
  seeds: readonly LonLat[],
  options: PartitionOptions,
): AreaRings[] {
  const cells = voronoiCells(seeds, parent, options);
  const parts: Part[] = [];
  cells.forEach((cell, owner) => {
    for (const ring of clipToCell(parent, cell)) parts.push({ owner, rings: [ring], area: areaM2([[ring]]) });
  });
  for (let owner = 0; owner < seeds.length; owner++) {
    if (!parts.some((p) => p.owner === owner)) {
      throw new Error(`voronoiPartition: seed ${owner} lies outside the parent`);
    }
  }
  absorbFragments(parts);
  return seeds.map((_, owner) => parts.filter((p) => p.owner === owner).map((p) => p.rings));
}

/** Hands every fragment (a part that is not its owner's largest) to its longest-bordering neighbour. */
function absorbFragments(parts: Part[]): void {
  const stuck = new Set<Part>();
  for (let guard = 0; guard < 10_000; guard++) {
    const largest = new Map<number, Part>();
    for (const part of parts) {
      const current = largest.get(part.owner);
      if (!current || part.area > current.area) largest.set(part.owner, part);
    }
    const fragments = parts
      .filter((p) => largest.get(p.owner) !== p && !stuck.has(p))
      .sort((a, b) => a.area - b.area || a.owner - b.owner);
    const fragment = fragments[0];
    if (!fragment) return;

    const edgeOwner = new Map<string, Part>();
    for (const part of parts) {
      if (part === fragment) continue;
      for (const ring of part.rings) {
        ring.forEach((a, i) => edgeOwner.set(edgeKey(a, ring[(i + 1) % ring.length] as LonLat), part));
      }
    }
    const shared = new Map<Part, number>();
    for (const ring of fragment.rings) {
      ring.forEach((a, i) => {
        const b = ring[(i + 1) % ring.length] as LonLat;
        const other = edgeOwner.get(edgeKey(b, a));
        if (other && other.owner !== fragment.owner) {
          shared.set(other, (shared.get(other) ?? 0) + metersBetween(a, b));
        }
      });
    }
    let partner: Part | undefined;
    let longest = 0;
    for (const [candidate, length] of shared) {
      if (length > longest || (length === longest && partner && candidate.owner < partner.owner)) {
        partner = candidate;
        longest = length;
      }
    }
    if (!partner) {
      // Nothing to merge with (a detached piece of a multi-part parent): keep it where it is.
      stuck.add(fragment);
      continue;
    }
    const merged = mergePolygons([partner.rings, fragment.rings]);
    parts.splice(parts.indexOf(fragment), 1);
    parts.splice(parts.indexOf(partner), 1);
    for (const rings of merged) parts.push({ owner: partner.owner, rings, area: areaM2([rings]) });
  }
  throw new Error('absorbFragments: did not converge');
}
