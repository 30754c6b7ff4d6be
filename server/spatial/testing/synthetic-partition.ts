// Synthetic territorial partitions for tests and the benchmark: neighbours share bit-identical vertex
// coordinates along shared edges and there are no T-junctions, which is what the real generator promises.
// voronoiPartition: Voronoi cells (3 grids per vertex) clipped to a rectangle, optionally with edges
// subdivided by jittered shared points to reach ~N vertices per ring. latticePartition: a jittered quad
// lattice (4 grids per vertex) with ring-shaped grids around enclaves or empty holes and multipolygons.
import { Delaunay } from 'd3-delaunay';
import type { Position } from 'geojson';
import type { GridInput } from '../packed-grids.ts';

export type BBox = [minX: number, minY: number, maxX: number, maxY: number];

/** Small fast deterministic PRNG (mulberry32): same seed, same partition. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface VoronoiPartitionOptions {
  seed: number;
  cells: number;
  bbox: BBox;
  /** Aim for about this many vertices per ring by subdividing every edge with shared jittered points. */
  verticesPerRing?: number;
  /** First grid id (default 1); codes are `${codePrefix}${id}`. */
  firstId?: number;
  codePrefix?: string;
}

/** Voronoi cells around stratified random sites, clipped to `bbox`: an exact partition of the rectangle. */
export function voronoiPartition(options: VoronoiPartitionOptions): GridInput[] {
  const { seed, cells, bbox, verticesPerRing, firstId = 1, codePrefix = 'T' } = options;
  const [minX, minY, maxX, maxY] = bbox;
  const width = maxX - minX;
  const height = maxY - minY;
  const random = seededRandom(seed);

  // Stratified sites give cells of similar size, like real grids.
  const nx = Math.max(1, Math.round(Math.sqrt((cells * width) / height)));
  const ny = Math.ceil(cells / nx);
  const slots = Array.from({ length: nx * ny }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const sites = new Float64Array(2 * cells);
  for (let k = 0; k < cells; k++) {
    const slot = slots[k]!;
    sites[2 * k] = minX + ((slot % nx) + 0.1 + 0.8 * random()) * (width / nx);
    sites[2 * k + 1] = minY + (Math.floor(slot / nx) + 0.1 + 0.8 * random()) * (height / ny);
  }
  const voronoi = new Delaunay(sites).voronoi([minX, minY, maxX, maxY]);

  // Interior vertices are circumcentres shared bit-for-bit by d3; points where cells are clipped by the
  // rectangle are computed per cell and may differ by ulps, so snap those along each side.
  const tolerance = 1e-9 * Math.max(width, height);
  const snap = borderSnapper(bbox, tolerance);
  const rings: Position[][] = [];
  for (let i = 0; i < cells; i++) {
    const polygon = voronoi.cellPolygon(i) as Position[] | null;
    if (!polygon) throw new Error(`voronoiPartition: cell ${i} is empty`);
    const ring: Position[] = [];
    for (const [x, y] of polygon.slice(0, -1) as [number, number][]) {
      const p = snap(x, y);
      const last = ring[ring.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) ring.push(p);
    }
    while (ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1]) ring.pop();
    rings.push(ring);
  }

  const spacing = verticesPerRing ? (3.8 * Math.sqrt((width * height) / cells)) / verticesPerRing : 0;
  const subdivide = edgeSubdivider(random, spacing, bbox);
  return rings.map((ring, i) => {
    const closed: Position[] = [];
    for (let k = 0; k < ring.length; k++) {
      const a = ring[k]!;
      closed.push(a, ...subdivide(a, ring[(k + 1) % ring.length]!));
    }
    closed.push(closed[0]!);
    const id = firstId + i;
    return {
      id,
      code: `${codePrefix}${id}`,
      kind: 'territorial',
      geometry: { type: 'Polygon', coordinates: [closed] },
    };
  });
}

/** Snap points within `tolerance` of a bbox side onto it, merging near-equal points along each side. */
function borderSnapper(bbox: BBox, tolerance: number): (x: number, y: number) => Position {
  const [minX, minY, maxX, maxY] = bbox;
  const seen: number[][] = [[], [], [], []];
  const along = (side: number, value: number): number => {
    for (const v of seen[side]!) if (Math.abs(v - value) <= tolerance) return v;
    seen[side]!.push(value);
    return value;
  };
  return (x, y) => {
    if (Math.abs(x - minX) <= tolerance) x = minX;
    else if (Math.abs(x - maxX) <= tolerance) x = maxX;
    if (Math.abs(y - minY) <= tolerance) y = minY;
    else if (Math.abs(y - maxY) <= tolerance) y = maxY;
    if (x === minX) y = along(0, y);
    else if (x === maxX) y = along(1, y);
    if (y === minY) x = along(2, x);
    else if (y === maxY) x = along(3, x);
    return [x, y];
  };
}

/**
 * Points to insert between a and b (exclusive), the same for both grids sharing the edge (cached by the
 * edge, reversed for the opposite direction). Offsets are perpendicular and taper to zero at the ends
 * so rings stay simple; edges on the bbox stay straight.
 */
function edgeSubdivider(
  random: () => number,
  spacing: number,
  bbox: BBox,
): (a: Position, b: Position) => Position[] {
  const cache = new Map<string, Position[]>();
  const [minX, minY, maxX, maxY] = bbox;
  return (a, b) => {
    if (spacing <= 0) return [];
    const ka = `${a[0]},${a[1]}`;
    const kb = `${b[0]},${b[1]}`;
    const forward = ka < kb;
    const key = forward ? `${ka};${kb}` : `${kb};${ka}`;
    let points = cache.get(key);
    if (!points) {
      const [p, q] = forward ? [a, b] : [b, a];
      const [px, py] = p as [number, number];
      const [qx, qy] = q as [number, number];
      const length = Math.hypot(qx - px, qy - py);
      const n = Math.max(0, Math.round(length / spacing) - 1);
      const onBorder =
        (px === qx && (px === minX || px === maxX)) || (py === qy && (py === minY || py === maxY));
      points = [];
      for (let k = 1; k <= n; k++) {
        const t = k / (n + 1);
        const offset = onBorder ? 0 : 0.15 * (length / (n + 1)) * (2 * random() - 1) * Math.sin(Math.PI * t);
        points.push([
          px + t * (qx - px) - (offset * (qy - py)) / length,
          py + t * (qy - py) + (offset * (qx - px)) / length,
        ]);
      }
      cache.set(key, points);
    }
    return forward ? points : [...points].reverse();
  };
}

export interface LatticePartitionOptions {
  seed: number;
  nx: number;
  ny: number;
  bbox: BBox;
  /** Shared jittered points inserted in every lattice edge (default 2). */
  pointsPerEdge?: number;
  /** Ring-shaped grids around a 1-cell enclave grid (default 2). */
  donuts?: number;
  /** Ring-shaped grids around an empty hole, a hole in the union (default 1). */
  emptyHoles?: number;
  /** Grids made of two non-adjacent cells (MultiPolygon islands) (default 3). */
  islands?: number;
  firstId?: number;
}

/** A jittered quad lattice over bbox; vertices where 4 grids meet; holes and multipolygons. */
export function latticePartition(options: LatticePartitionOptions): GridInput[] {
  const {
    seed,
    nx,
    ny,
    bbox,
    pointsPerEdge = 2,
    donuts = 2,
    emptyHoles = 1,
    islands = 3,
    firstId = 1,
  } = options;
  const [minX, minY, maxX, maxY] = bbox;
  const dx = (maxX - minX) / nx;
  const dy = (maxY - minY) / ny;
  const random = seededRandom(seed);
  const vertex: Position[][] = [];
  for (let i = 0; i <= nx; i++) {
    vertex.push([]);
    for (let j = 0; j <= ny; j++) {
      const jx = i > 0 && i < nx ? (random() - 0.5) * 0.5 * dx : 0;
      const jy = j > 0 && j < ny ? (random() - 0.5) * 0.5 * dy : 0;
      vertex[i]!.push([i === nx ? maxX : minX + i * dx + jx, j === ny ? maxY : minY + j * dy + jy]);
    }
  }
  const bend = (p: Position, q: Position, straight: boolean): Position[] => {
    const out: Position[] = [];
    for (let k = 1; k <= pointsPerEdge; k++) {
      const t = k / (pointsPerEdge + 1);
      const wiggle = straight ? 0 : (random() - 0.5) * 0.2;
      const ex = q[0]! - p[0]!;
      const ey = q[1]! - p[1]!;
      out.push([
        p[0]! + t * ex - wiggle * ey * Math.sin(Math.PI * t),
        p[1]! + t * ey + wiggle * ex * Math.sin(Math.PI * t),
      ]);
    }
    return out;
  };
  // h[i][j]: points from vertex (i, j) to (i + 1, j); v[i][j]: from (i, j) to (i, j + 1).
  const h = Array.from({ length: nx }, (_, i) =>
    Array.from({ length: ny + 1 }, (_, j) => bend(vertex[i]![j]!, vertex[i + 1]![j]!, j === 0 || j === ny)),
  );
  const v = Array.from({ length: nx + 1 }, (_, i) =>
    Array.from({ length: ny }, (_, j) => bend(vertex[i]![j]!, vertex[i]![j + 1]!, i === 0 || i === nx)),
  );
  // Counter-clockwise boundary of the block of cells [i0, i0 + w) x [j0, j0 + hgt), closed.
  const blockRing = (i0: number, j0: number, w: number, hgt: number): Position[] => {
    const ring: Position[] = [];
    for (let i = i0; i < i0 + w; i++) ring.push(vertex[i]![j0]!, ...h[i]![j0]!);
    for (let j = j0; j < j0 + hgt; j++) ring.push(vertex[i0 + w]![j]!, ...v[i0 + w]![j]!);
    for (let i = i0 + w; i > i0; i--)
      ring.push(vertex[i]![j0 + hgt]!, ...[...h[i - 1]![j0 + hgt]!].reverse());
    for (let j = j0 + hgt; j > j0; j--) ring.push(vertex[i0]![j]!, ...[...v[i0]![j - 1]!].reverse());
    ring.push(ring[0]!);
    return ring;
  };

  const taken: boolean[][] = Array.from({ length: nx }, () => new Array<boolean>(ny).fill(false));
  const grids: GridInput[] = [];
  const add = (code: string, coordinates: Position[][][]): void => {
    const id = firstId + grids.length;
    grids.push({
      id,
      code: `${code}${id}`,
      kind: 'territorial',
      geometry:
        coordinates.length === 1
          ? { type: 'Polygon', coordinates: coordinates[0]! }
          : { type: 'MultiPolygon', coordinates },
    });
  };
  // Rings: 3x3 blocks (one cell of margin so they never touch each other) minus the centre cell.
  let rings = 0;
  for (let attempt = 0; attempt < 200 && rings < donuts + emptyHoles; attempt++) {
    const i0 = Math.floor(random() * (nx - 2));
    const j0 = Math.floor(random() * (ny - 2));
    let free = true;
    for (let i = Math.max(0, i0 - 1); i < Math.min(nx, i0 + 4); i++) {
      for (let j = Math.max(0, j0 - 1); j < Math.min(ny, j0 + 4); j++) if (taken[i]![j]) free = false;
    }
    if (!free) continue;
    for (let i = i0; i < i0 + 3; i++) for (let j = j0; j < j0 + 3; j++) taken[i]![j] = true;
    add('RING', [[blockRing(i0, j0, 3, 3), blockRing(i0 + 1, j0 + 1, 1, 1).reverse()]]);
    if (rings < donuts) add('ENCLAVE', [[blockRing(i0 + 1, j0 + 1, 1, 1)]]);
    rings++;
  }
  // Islands: pairs of free cells far apart.
  for (let k = 0, attempt = 0; k < islands && attempt < 200; attempt++) {
    const a = [Math.floor(random() * nx), Math.floor(random() * ny)] as const;
    const b = [Math.floor(random() * nx), Math.floor(random() * ny)] as const;
    if (taken[a[0]]![a[1]] || taken[b[0]]![b[1]] || Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) < 3)
      continue;
    taken[a[0]]![a[1]] = true;
    taken[b[0]]![b[1]] = true;
    add('ISLAND', [[blockRing(a[0], a[1], 1, 1)], [blockRing(b[0], b[1], 1, 1)]]);
    k++;
  }
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) if (!taken[i]![j]) add('CELL', [[blockRing(i, j, 1, 1)]]);
  }
  return grids;
}

/** Overlapping sector grids: jittered ellipses, every third with a hole, every fifth a multipolygon. */
export function randomSectors(options: {
  seed: number;
  count: number;
  bbox: BBox;
  firstId?: number;
}): GridInput[] {
  const { seed, count, bbox, firstId = 1 } = options;
  const [minX, minY, maxX, maxY] = bbox;
  const random = seededRandom(seed);
  const ellipse = (cx: number, cy: number, rx: number, ry: number, n: number): Position[] => {
    const ring: Position[] = [];
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * k) / n;
      const f = 0.8 + 0.4 * random();
      ring.push([cx + rx * f * Math.cos(a), cy + ry * f * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    return ring;
  };
  const sectors: GridInput[] = [];
  for (let k = 0; k < count; k++) {
    const rx = (0.05 + 0.15 * random()) * (maxX - minX);
    const ry = (0.05 + 0.15 * random()) * (maxY - minY);
    const cx = minX + rx + random() * (maxX - minX - 2 * rx);
    const cy = minY + ry + random() * (maxY - minY - 2 * ry);
    const outer = ellipse(cx, cy, rx, ry, 24);
    const part: Position[][] =
      k % 3 === 0 ? [outer, ellipse(cx, cy, rx * 0.3, ry * 0.3, 12).reverse()] : [outer];
    const id = firstId + k;
    sectors.push({
      id,
      code: `S${id}`,
      kind: 'sector',
      geometry:
        k % 5 === 4
          ? {
              type: 'MultiPolygon',
              coordinates: [part, [ellipse(minX + rx, minY + ry, rx * 0.5, ry * 0.5, 10)]],
            }
          : { type: 'Polygon', coordinates: part },
    });
  }
  return sectors;
}
