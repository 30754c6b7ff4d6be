// The territorial boundary as a table of unique edges in canonical orientation, each with the (up to
// two) territorial grids it separates. Neighbours share identical vertex coordinates, so a shared edge
// is stored once; crossing it toggles both owners, which halves the work of the raster walk.
import { edgeSlope } from './point-in-ring.ts';
import type { PackedGrids } from './packed-grids.ts';
import { heapArrays } from './typed-memory.ts';
import type { ArrayAllocator } from './typed-memory.ts';

export interface EdgeTable {
  count: number;
  /** Stride 4 per edge: ly, hy, lx, slope (the hot fields of the half-open test, adjacent in memory). */
  geom: Float64Array;
  /** x of the upper endpoint; only needed for boundary reports and the raster's cell listing. */
  hx: Float64Array;
  /** Stride 2 per edge: territorial grid indices on either side; the second is -1 on the outer border. */
  owners: Int32Array;
  /** Edges of territorial grid t: gridEdges[gridEdgeStart[t] .. gridEdgeStart[t + 1]). */
  gridEdgeStart: Int32Array;
  gridEdges: Int32Array;
  /** minX, minY, maxX, maxY over all edges; NaN when there are none. */
  bbox: Float64Array;
  /** Sum of unique edge lengths in degrees, used to size the raster. */
  totalLength: number;
}

const bits64 = new Float64Array(1);
const bits32 = new Uint32Array(bits64.buffer);

function mix(h: number, x: number): number {
  bits64[0] = x;
  h = Math.imul(h ^ bits32[0]!, 0x9e3779b1);
  h = Math.imul(h ^ bits32[1]!, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** Where each territorial grid's directed edges go in gridEdges: one slot per vertex (rings are closed). */
export function edgeSlots(packed: PackedGrids, territorial: Int32Array, alloc: ArrayAllocator): Int32Array {
  const { gridPartStart, partRingStart, ringVertexStart } = packed;
  const n = territorial.length;
  const gridEdgeStart = alloc.int32(n + 1);
  for (let t = 0; t < n; t++) {
    const g = territorial[t]!;
    const first = ringVertexStart[partRingStart[gridPartStart[g]!]!]!;
    const end = ringVertexStart[partRingStart[gridPartStart[g + 1]!]!]!;
    gridEdgeStart[t + 1] = gridEdgeStart[t]! + (end - first);
  }
  return gridEdgeStart;
}

/**
 * Build the edge table for the territorial grids `territorial` (indices into `packed`).
 *
 * Grids are visited in a spatial sweep (row bands, west to east), and the hash table only holds "open"
 * edges, seen once and waiting for their neighbour; a matched edge is deleted. The open set is a thin
 * frontier (a few bands of grids plus the outer border), so the table stays cache-sized even for millions
 * of edges; a table of all edges made the build 3x slower on cache misses alone.
 */
export function buildEdgeTable(
  packed: PackedGrids,
  territorial: Int32Array,
  alloc: ArrayAllocator = heapArrays,
): EdgeTable {
  const gridEdgeStart = edgeSlots(packed, territorial, alloc);
  const gridEdges = alloc.int32(gridEdgeStart[territorial.length]!);
  const order = sweepOrder(packed, territorial);
  const part = buildEdgePart(packed, territorial, order, 0, order.length, gridEdgeStart, gridEdges, alloc);
  return finishEdgeTable(part, gridEdgeStart, gridEdges);
}

/**
 * The edges of the grids order[from .. to) of a sweep, as if the sweep began there: new edges are
 * numbered from 0 in the order they are first seen, and each grid's slots in gridEdges receive these
 * part-local numbers. Edges still open at the end (the outer border, and the seams with grids of other
 * parts) are listed in `open` for mergeEdgeParts. Parts of one sweep can be built on different threads.
 */
export interface EdgePart {
  count: number;
  geom: Float64Array;
  hx: Float64Array;
  owners: Int32Array;
  /** Edges left open at the end of the part, ascending. */
  open: Int32Array;
  /** minX, minY, maxX, maxY over the part's edges. */
  bbox: Float64Array;
}

/**
 * Room for the unique edges of `directed` directed edges: in a tiling almost every edge is shared, so
 * about half are unique; a part that needs more grows (fresh memory costs page faults, so don't
 * over-allocate).
 */
export function tableCapacity(directed: number): number {
  return Math.min(directed, Math.ceil(directed * 0.55) + 1024);
}

export function buildEdgePart(
  packed: PackedGrids,
  territorial: Int32Array,
  order: Int32Array,
  from: number,
  to: number,
  gridEdgeStart: Int32Array,
  gridEdges: Int32Array,
  alloc: ArrayAllocator,
  /** Room to reserve for edges (default: about half of the part's directed edges, as in a tiling). */
  capacityHint?: number,
): EdgePart {
  const { gridPartStart, partRingStart, ringVertexStart, coords } = packed;
  let directed = 0;
  for (let i = from; i < to; i++) directed += gridEdgeStart[order[i]! + 1]! - gridEdgeStart[order[i]!]!;
  let capacity = Math.max(1, capacityHint ?? tableCapacity(directed));
  let geom = alloc.float64(4 * capacity);
  let hxs = alloc.float64(capacity);
  let owners = alloc.int32(2 * capacity);
  const open = new OpenEdgeTable(geom, hxs);
  let count = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;

  for (let i = from; i < to; i++) {
    const t = order[i]!;
    const g = territorial[t]!;
    let listed = gridEdgeStart[t]!;
    const firstRing = partRingStart[gridPartStart[g]!]!;
    const endRing = partRingStart[gridPartStart[g + 1]!]!;
    for (let r = firstRing; r < endRing; r++) {
      const start = ringVertexStart[r]!;
      const end = ringVertexStart[r + 1]!;
      let ax = coords[2 * (end - 1)]!;
      let ay = coords[2 * (end - 1) + 1]!;
      for (let v = start; v < end; v++) {
        const bx = coords[2 * v]!;
        const by = coords[2 * v + 1]!;
        const aFirst = ay < by || (ay === by && ax < bx);
        const lx = aFirst ? ax : bx;
        const ly = aFirst ? ay : by;
        const hx = aFirst ? bx : ax;
        const hy = aFirst ? by : ay;
        ax = bx;
        ay = by;
        const hash = edgeHash(lx, ly, hx, hy);
        let edge = open.take(hash, lx, ly, hx, hy);
        if (edge >= 0) {
          owners[2 * edge + 1] = t;
        } else {
          if (count === capacity) {
            capacity = Math.ceil(capacity * 1.5) + 1;
            geom = grow(geom, alloc.float64(4 * capacity));
            hxs = grow(hxs, alloc.float64(capacity));
            owners = grow(owners, alloc.int32(2 * capacity));
            open.rebind(geom, hxs);
          }
          edge = count++;
          open.put(hash, edge);
          geom[4 * edge] = ly;
          geom[4 * edge + 1] = hy;
          geom[4 * edge + 2] = lx;
          geom[4 * edge + 3] = ly === hy ? 0 : edgeSlope(lx, ly, hx, hy);
          hxs[edge] = hx;
          owners[2 * edge] = t;
          owners[2 * edge + 1] = -1;
          if (lx < minX) minX = lx;
          if (hx < minX) minX = hx;
          if (lx > maxX) maxX = lx;
          if (hx > maxX) maxX = hx;
          if (ly < minY) minY = ly;
          if (hy > maxY) maxY = hy;
        }
        gridEdges[listed++] = edge;
      }
    }
  }
  return {
    count,
    geom,
    hx: hxs,
    owners,
    open: open.members(),
    bbox: Float64Array.of(minX, minY, maxX, maxY),
  };
}

/**
 * Appends part `b` (the grids after part `a` in the same sweep) to part `a`, in place where a's arrays
 * have room: b's edges still open that a left open too are the same edges (shared across the seam) and
 * are dropped, their grids pointing at a's copy, which gets b's grid as its second owner; b's other
 * edges are renumbered after a's, in b's order. For a tiling the result equals one sweep over both
 * parts, edge numbers included.
 */
export function mergeEdgeParts(
  a: EdgePart,
  b: EdgePart,
  order: Int32Array,
  bFrom: number,
  bTo: number,
  gridEdgeStart: Int32Array,
  gridEdges: Int32Array,
  alloc: ArrayAllocator,
): EdgePart {
  const seam = new OpenEdgeTable(a.geom, a.hx);
  const aOpen = new Set<number>();
  for (const e of a.open) {
    seam.put(edgeHash(a.geom[4 * e + 2]!, a.geom[4 * e]!, a.hx[e]!, a.geom[4 * e + 1]!), e);
    aOpen.add(e);
  }
  // New number of each of b's edges: a's copy for the seam, else the next number after a's.
  const renumber = new Int32Array(b.count);
  const bOpen = new Uint8Array(b.count);
  for (const e of b.open) bOpen[e] = 1;
  let count = a.count;
  for (let e = 0; e < b.count; e++) {
    if (bOpen[e]) {
      const lx = b.geom[4 * e + 2]!;
      const ly = b.geom[4 * e]!;
      const hx = b.hx[e]!;
      const hy = b.geom[4 * e + 1]!;
      const same = seam.take(edgeHash(lx, ly, hx, hy), lx, ly, hx, hy);
      if (same >= 0) {
        a.owners[2 * same + 1] = b.owners[2 * e]!;
        aOpen.delete(same);
        renumber[e] = same;
        continue;
      }
    }
    renumber[e] = count++;
  }
  let { geom, hx, owners } = a;
  if (4 * count > geom.length) {
    geom = grow(geom, alloc.float64(4 * count));
    hx = grow(hx, alloc.float64(count));
    owners = grow(owners, alloc.int32(2 * count));
  }
  const open: number[] = [...aOpen];
  const bGeom = b.geom;
  for (let e = 0; e < b.count; e++) {
    const to = renumber[e]!;
    if (to < a.count) continue;
    geom[4 * to] = bGeom[4 * e]!;
    geom[4 * to + 1] = bGeom[4 * e + 1]!;
    geom[4 * to + 2] = bGeom[4 * e + 2]!;
    geom[4 * to + 3] = bGeom[4 * e + 3]!;
    hx[to] = b.hx[e]!;
    owners[2 * to] = b.owners[2 * e]!;
    owners[2 * to + 1] = b.owners[2 * e + 1]!;
    if (bOpen[e]) open.push(to);
  }
  for (let i = bFrom; i < bTo; i++) {
    const t = order[i]!;
    for (let k = gridEdgeStart[t]!; k < gridEdgeStart[t + 1]!; k++) gridEdges[k] = renumber[gridEdges[k]!]!;
  }
  return {
    count,
    geom,
    hx,
    owners,
    open: Int32Array.from(open).sort(),
    bbox: Float64Array.of(
      Math.min(a.bbox[0]!, b.bbox[0]!),
      Math.min(a.bbox[1]!, b.bbox[1]!),
      Math.max(a.bbox[2]!, b.bbox[2]!),
      Math.max(a.bbox[3]!, b.bbox[3]!),
    ),
  };
}

/** The table of a whole sweep's (merged) part. */
export function finishEdgeTable(part: EdgePart, gridEdgeStart: Int32Array, gridEdges: Int32Array): EdgeTable {
  const { count, geom, hx, bbox } = part;
  // Summed in edge order, the same however the sweep was split.
  let totalLength = 0;
  for (let e = 0; e < count; e++) {
    const dx = hx[e]! - geom[4 * e + 2]!;
    const dy = geom[4 * e + 1]! - geom[4 * e]!;
    totalLength += Math.sqrt(dx * dx + dy * dy);
  }
  const none = count === 0;
  return {
    count,
    // Views, not copies: the slack (~10 %) is cheaper than copying hundreds of MB.
    geom: geom.subarray(0, 4 * count),
    hx: hx.subarray(0, count),
    owners: part.owners.subarray(0, 2 * count),
    gridEdgeStart,
    gridEdges,
    bbox: none ? Float64Array.of(NaN, NaN, NaN, NaN) : bbox,
    totalLength,
  };
}

const edgeHash = (lx: number, ly: number, hx: number, hy: number): number =>
  mix(mix(mix(mix(0x2545f491, lx), ly), hx), hy) >>> 0;

function grow<T extends Float64Array | Int32Array>(array: T, next: T): T {
  next.set(array as never);
  return next;
}

/** Grid visiting order: bands of about one grid height, west to east within a band. */
export function sweepOrder(packed: PackedGrids, territorial: Int32Array): Int32Array {
  const { gridPartStart, partRingStart, ringVertexStart, coords } = packed;
  const n = territorial.length;
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  let minY = Infinity;
  let maxY = -Infinity;
  for (let t = 0; t < n; t++) {
    const g = territorial[t]!;
    // The first vertex stands in for the grid: good enough to order a sweep.
    const v = ringVertexStart[partRingStart[gridPartStart[g]!]!]!;
    cx[t] = coords[2 * v]!;
    cy[t] = coords[2 * v + 1]!;
    minY = Math.min(minY, cy[t]!);
    maxY = Math.max(maxY, cy[t]!);
  }
  const bands = Math.max(1, Math.round(Math.sqrt(n)));
  const band = new Int32Array(n);
  for (let t = 0; t < n; t++)
    band[t] = Math.min(bands - 1, Math.floor(((cy[t]! - minY) / (maxY - minY || 1)) * bands));
  return Int32Array.from({ length: n }, (_, t) => t).sort((a, b) => band[a]! - band[b]! || cx[a]! - cx[b]!);
}

/**
 * Linear-probing hash set of open edges keyed by a 32-bit hash, with backward-shift deletion so it never
 * fills with tombstones. Stores hashes beside edge ids so most mismatches are rejected without touching
 * edge geometry.
 */
class OpenEdgeTable {
  private hashes = new Uint32Array(4096);
  private edges = new Int32Array(4096).fill(-1);
  private size = 0;

  constructor(
    private geom: Float64Array,
    private hx: Float64Array,
  ) {}

  /** The edge arrays were reallocated. */
  rebind(geom: Float64Array, hx: Float64Array): void {
    this.geom = geom;
    this.hx = hx;
  }

  /** Remove and return the open edge with exactly these canonical endpoints, or -1. */
  take(hash: number, lx: number, ly: number, hx: number, hy: number): number {
    const mask = this.edges.length - 1;
    const geom = this.geom;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = this.edges[i]!;
      if (e < 0) return -1;
      if (
        this.hashes[i] === hash &&
        geom[4 * e] === ly &&
        geom[4 * e + 1] === hy &&
        geom[4 * e + 2] === lx &&
        this.hx[e] === hx
      ) {
        this.remove(i);
        return e;
      }
    }
  }

  /** The edges in the table, ascending. */
  members(): Int32Array {
    const out = new Int32Array(this.size);
    let n = 0;
    for (const e of this.edges) if (e >= 0) out[n++] = e;
    return out.sort();
  }

  put(hash: number, edge: number): void {
    if (2 * (this.size + 1) > this.edges.length) this.grow();
    const mask = this.edges.length - 1;
    let i = hash & mask;
    while (this.edges[i]! >= 0) i = (i + 1) & mask;
    this.hashes[i] = hash;
    this.edges[i] = edge;
    this.size++;
  }

  private remove(slot: number): void {
    const mask = this.edges.length - 1;
    let hole = slot;
    for (let j = (slot + 1) & mask; this.edges[j]! >= 0; j = (j + 1) & mask) {
      const home = this.hashes[j]! & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        this.hashes[hole] = this.hashes[j]!;
        this.edges[hole] = this.edges[j]!;
        hole = j;
      }
    }
    this.edges[hole] = -1;
    this.size--;
  }

  private grow(): void {
    const { hashes, edges } = this;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.edges = new Int32Array(edges.length * 2).fill(-1);
    this.size = 0;
    for (let i = 0; i < edges.length; i++) if (edges[i]! >= 0) this.put(hashes[i]!, edges[i]!);
  }
}
