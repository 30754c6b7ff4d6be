// The spatial assignment engine: an immutable index over one revision of the grid set that answers
// "which territorial grid, which sector grids" for a point, one at a time or in bulk.
// Territorial grids: half-open rule (point-in-ring.ts) through the raster (cell-raster.ts), plus the
// outer-border fallback; sector grids: turf semantics (boundary counts as inside) via flatbush + ring tests.
// The index is plain typed arrays, so it can be built in a worker and shared (SharedArrayBuffer) or
// transferred to other threads: see toData / GridIndex.fromData.
import Flatbush from 'flatbush';
import { buildCellRaster, RasterLocator } from './cell-raster.ts';
import type { CellRaster, CellRasterOptions } from './cell-raster.ts';
import { buildEdgeTable, type EdgeTable } from './edge-table.ts';
import { METERS_PER_DEGREE, segmentDistanceMeters } from './geo-distance.ts';
import {
  isPackedGrids,
  packGrids,
  SECTOR,
  SpatialInputError,
  SpatialInputErrorCode,
  TERRITORIAL,
} from './packed-grids.ts';
import type { GridInput, GridRef, PackedGrids } from './packed-grids.ts';
import { locateInPart, OUTSIDE } from './point-in-ring.ts';
import { heapArrays, moveTo, sharedArrays, type ArrayAllocator } from './typed-memory.ts';

/** What decided a territorial answer. */
export type AssignmentRule =
  /** Inside exactly one territorial grid, not on any boundary. */
  | 'interior'
  /** On a territorial edge or vertex; the half-open rule picked the one owner. */
  | 'boundary-half-open'
  /** On the outer border of the territorial union (or of an empty hole): the smallest-id grid touching it. */
  | 'boundary-outer'
  /** Outside every territorial grid: unassigned, with the nearest territorial grid. */
  | 'outside-nearest'
  /** Outside, and the index has no territorial grids. */
  | 'outside-no-grids'
  /** lon/lat not finite numbers. */
  | 'invalid-point';

export interface NearestGrid extends GridRef {
  /** Metres from the point to the grid's boundary (local equirectangular approximation, geo-distance.ts). */
  distanceMeters: number;
}

export interface Assignment {
  /** Revision of the grid set that produced this answer. */
  revision: number;
  territorial: GridRef | null;
  /** Every sector grid containing the point (boundary inclusive), by ascending id. */
  sectors: GridRef[];
  rule: AssignmentRule;
  nearest?: NearestGrid;
}

export interface GridIndexOptions extends CellRasterOptions {
  /** Allocate every array in SharedArrayBuffers, so posting the index to workers shares, not copies. */
  shared?: boolean;
}

/** Everything an index consists of: numbers, strings and typed arrays only (structured-clone safe). */
export interface GridIndexData {
  format: 1;
  revision: number;
  territorial: {
    ids: Int32Array;
    codes: string[];
    /** Edges of grid t: gridEdges[gridEdgeStart[t] .. gridEdgeStart[t + 1]). */
    gridEdgeStart: Int32Array;
    gridEdges: Int32Array;
    /** Flatbush over grid boxes with x scaled by nearestScale (= cos of the mid latitude). */
    nearestTree: ArrayBufferLike | null;
    nearestScale: number;
  };
  edges: { geom: Float64Array; hx: Float64Array; owners: Int32Array };
  raster: CellRaster;
  sectors: {
    ids: Int32Array;
    codes: string[];
    gridPartStart: Int32Array;
    partRingStart: Int32Array;
    ringVertexStart: Int32Array;
    coords: Float64Array;
    tree: ArrayBufferLike | null;
  };
}

export interface GridIndexStats {
  revision: number;
  territorialGrids: number;
  sectorGrids: number;
  edges: number;
  rasterCols: number;
  rasterRows: number;
  boundaryCells: number;
  /** Share of raster cells that need the walk; the rest answer with one array read. */
  boundaryCellShare: number;
  listedEdges: number;
  /** Bytes held in typed arrays and flatbush buffers. */
  byteLength: number;
}

export class GridIndex {
  readonly revision: number;
  private readonly locator: RasterLocator;
  private readonly nearestTree: Flatbush | null;
  private readonly sectorTree: Flatbush | null;

  private constructor(private readonly data: GridIndexData) {
    this.revision = data.revision;
    this.locator = new RasterLocator(data.raster, data.edges, data.territorial.ids);
    this.nearestTree = data.territorial.nearestTree ? Flatbush.from(data.territorial.nearestTree) : null;
    this.sectorTree = data.sectors.tree ? Flatbush.from(data.sectors.tree) : null;
  }

  /** Build an index. O(vertices + raster cells); ~1 s for 60,000 grids of 100 vertices (bench/). */
  static build(
    grids: readonly GridInput[] | PackedGrids,
    revision: number,
    options: GridIndexOptions = {},
  ): GridIndex {
    if (!Number.isFinite(revision)) {
      throw new SpatialInputError(SpatialInputErrorCode.InvalidRevision, 'revision must be a finite number');
    }
    const packed = isPackedGrids(grids) ? grids : packGrids(grids);
    return new GridIndex(buildData(packed, revision, options));
  }

  /** Wrap data produced by toData(), e.g. received from a worker. Does not copy. */
  static fromData(data: GridIndexData): GridIndex {
    if (data.format !== 1) throw new Error(`unsupported grid index format ${String(data.format)}`);
    return new GridIndex(data);
  }

  /** The index's arrays (not copies): post them to a worker, with gridIndexTransferables if not shared. */
  toData(): GridIndexData {
    return this.data;
  }

  get territorialCount(): number {
    return this.data.territorial.ids.length;
  }

  get sectorCount(): number {
    return this.data.sectors.ids.length;
  }

  /** Full answer for one point (lon, lat in WGS84 degrees). */
  query(lon: number, lat: number): Assignment {
    const revision = this.revision;
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      return { revision, territorial: null, sectors: [], rule: 'invalid-point' };
    }
    const sectors = this.sectorsAt(lon, lat);
    const halfOpen = this.locator.halfOpenOwnerOf(lon, lat);
    const onBoundary = this.locator.boundaryGridsAt(lon, lat);
    if (halfOpen >= 0) {
      const rule = onBoundary.length > 0 ? 'boundary-half-open' : 'interior';
      return { revision, territorial: this.territorialRef(halfOpen), sectors, rule };
    }
    if (onBoundary.length > 0) {
      return { revision, territorial: this.territorialRef(onBoundary[0]!), sectors, rule: 'boundary-outer' };
    }
    const nearest = this.nearestTerritorial(lon, lat);
    if (!nearest) return { revision, territorial: null, sectors, rule: 'outside-no-grids' };
    return { revision, territorial: null, sectors, rule: 'outside-nearest', nearest };
  }

  /** Territorial grid id for one point, or -1: the same answer as query(), without sectors or reasons. */
  territorialIdAt(lon: number, lat: number): number {
    const t = this.locator.ownerOf(lon, lat);
    return t >= 0 ? this.data.territorial.ids[t]! : -1;
  }

  /** Bulk territorial assignment: ids (or -1) for each (xs[i], ys[i]). NaN coordinates give -1. */
  assignPoints(xs: Float64Array, ys: Float64Array, out: Int32Array = new Int32Array(xs.length)): Int32Array {
    if (ys.length !== xs.length || out.length < xs.length) {
      throw new RangeError('assignPoints: xs, ys and out must have the same length');
    }
    this.locator.assignIds(xs, ys, out, 0, xs.length);
    return out;
  }

  /** Every sector grid containing the point, boundary inclusive (turf semantics), by ascending id. */
  sectorsAt(lon: number, lat: number): GridRef[] {
    if (!this.sectorTree) return [];
    const { ids, codes, gridPartStart, partRingStart, ringVertexStart, coords } = this.data.sectors;
    const found: GridRef[] = [];
    for (const s of this.sectorTree.search(lon, lat, lon, lat)) {
      for (let p = gridPartStart[s]!; p < gridPartStart[s + 1]!; p++) {
        if (
          locateInPart(coords, ringVertexStart, partRingStart[p]!, partRingStart[p + 1]!, lon, lat) !==
          OUTSIDE
        ) {
          found.push({ id: ids[s]!, code: codes[s]! });
          break;
        }
      }
    }
    return found.sort((a, b) => a.id - b.id);
  }

  /** Nearest territorial grid by boundary distance in metres; ties go to the smaller id. */
  nearestTerritorial(lon: number, lat: number): NearestGrid | null {
    const tree = this.nearestTree;
    if (!tree) return null;
    const scale = this.data.territorial.nearestScale;
    const cosLat = Math.cos((lat * Math.PI) / 180);
    const qx = lon * scale;
    const first = tree.neighbors(qx, lat, 1)[0]!;
    const bestFirst = this.distanceToGrid(first, lon, lat, cosLat);
    // The tree's metric (x scaled by cos of the mid latitude) under-estimates metres by at most this
    // factor, so every grid that could beat `first` has its box within `radius`.
    const radius = bestFirst / (METERS_PER_DEGREE * Math.min(1, cosLat / scale)) + 1e-9;
    const ids = this.data.territorial.ids;
    let best = first;
    let bestDistance = bestFirst;
    for (const t of tree.neighbors(qx, lat, Infinity, radius)) {
      const d = this.distanceToGrid(t, lon, lat, cosLat);
      if (d < bestDistance || (d === bestDistance && ids[t]! < ids[best]!)) {
        best = t;
        bestDistance = d;
      }
    }
    return { ...this.territorialRef(best), distanceMeters: bestDistance };
  }

  stats(): GridIndexStats {
    const { territorial, edges, raster, sectors } = this.data;
    const arrays = [
      territorial.ids,
      territorial.gridEdgeStart,
      territorial.gridEdges,
      edges.geom,
      edges.hx,
      edges.owners,
      raster.cells,
      raster.listStart,
      raster.listEdges,
      raster.cellCodes,
      raster.subCells,
      sectors.ids,
      sectors.gridPartStart,
      sectors.partRingStart,
      sectors.ringVertexStart,
      sectors.coords,
    ];
    const trees = [territorial.nearestTree, sectors.tree];
    return {
      revision: this.revision,
      territorialGrids: territorial.ids.length,
      sectorGrids: sectors.ids.length,
      edges: edges.hx.length,
      rasterCols: raster.cols,
      rasterRows: raster.rows,
      boundaryCells: raster.listStart.length - 1,
      boundaryCellShare: (raster.listStart.length - 1) / raster.cells.length,
      listedEdges: raster.listEdges.length,
      byteLength:
        arrays.reduce((sum, a) => sum + a.byteLength, 0) +
        trees.reduce((sum, t) => sum + (t ? t.byteLength : 0), 0),
    };
  }

  private territorialRef(t: number): GridRef {
    return { id: this.data.territorial.ids[t]!, code: this.data.territorial.codes[t]! };
  }

  private distanceToGrid(t: number, lon: number, lat: number, cosLat: number): number {
    const { gridEdgeStart, gridEdges } = this.data.territorial;
    const { geom, hx } = this.data.edges;
    let best = Infinity;
    for (let k = gridEdgeStart[t]!; k < gridEdgeStart[t + 1]!; k++) {
      const e = gridEdges[k]!;
      const d = segmentDistanceMeters(
        lon,
        lat,
        geom[4 * e + 2]!,
        geom[4 * e]!,
        hx[e]!,
        geom[4 * e + 1]!,
        cosLat,
      );
      if (d < best) best = d;
    }
    return best;
  }
}

/** Convenience alias of GridIndex.build. */
export function buildGridIndex(
  grids: readonly GridInput[] | PackedGrids,
  revision: number,
  options: GridIndexOptions = {},
): GridIndex {
  return GridIndex.build(grids, revision, options);
}

/** Non-shared buffers of an index's data, for postMessage's transfer list (the sender loses them). */
export function gridIndexTransferables(data: GridIndexData): ArrayBuffer[] {
  const { territorial, edges, raster, sectors } = data;
  const buffers: ArrayBufferLike[] = [
    territorial.ids.buffer,
    territorial.gridEdgeStart.buffer,
    territorial.gridEdges.buffer,
    edges.geom.buffer,
    edges.hx.buffer,
    edges.owners.buffer,
    raster.cells.buffer,
    raster.listStart.buffer,
    raster.listEdges.buffer,
    raster.cellCodes.buffer,
    raster.subCells.buffer,
    sectors.ids.buffer,
    sectors.gridPartStart.buffer,
    sectors.partRingStart.buffer,
    sectors.ringVertexStart.buffer,
    sectors.coords.buffer,
  ];
  if (territorial.nearestTree) buffers.push(territorial.nearestTree);
  if (sectors.tree) buffers.push(sectors.tree);
  return [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** What every build starts from: the territorial and sector grids of the input, and where arrays live. */
export interface BuildPlan {
  /** Input index (into packed) of each territorial grid. */
  tIndex: Int32Array;
  tIds: Int32Array;
  tCodes: string[];
  sectorIndex: number[];
  shared: boolean;
  alloc: ArrayAllocator;
}

export function planBuild(packed: PackedGrids, options: GridIndexOptions): BuildPlan {
  const territorialIndex: number[] = [];
  const sectorIndex: number[] = [];
  for (let g = 0; g < packed.ids.length; g++) {
    (packed.kinds[g] === TERRITORIAL ? territorialIndex : sectorIndex).push(g);
  }
  const shared = options.shared === true;
  const alloc = shared ? sharedArrays : heapArrays;
  return {
    tIndex: moveTo(alloc, Int32Array.from(territorialIndex)),
    tIds: moveTo(
      alloc,
      Int32Array.from(territorialIndex, (g) => packed.ids[g]!),
    ),
    tCodes: territorialIndex.map((g) => packed.codes[g]!),
    sectorIndex,
    shared,
    alloc,
  };
}

function buildData(packed: PackedGrids, revision: number, options: GridIndexOptions): GridIndexData {
  const plan = planBuild(packed, options);
  const edges = buildEdgeTable(packed, plan.tIndex, plan.alloc);
  const raster = buildCellRaster(edges, plan.tIds, options, plan.alloc);
  return assembleData(packed, revision, plan, edges, raster);
}

export interface NearestTree {
  tree: ArrayBufferLike | null;
  scale: number;
}

/**
 * Nearest-grid tree over territorial grid boxes. x is scaled by cos(mid latitude) of the territorial
 * bounding box (the edge table's) so box distances approximate metres up to a bounded factor (see
 * nearestTerritorial). Needs only the packed grids, so a parallel build makes it on its helper.
 */
export function nearestTreeOf(packed: PackedGrids, tIndex: Int32Array, shared: boolean): NearestTree {
  if (tIndex.length === 0) return { tree: null, scale: 1 };
  const boxes = new Float64Array(4 * tIndex.length);
  let minY = Infinity;
  let maxY = -Infinity;
  tIndex.forEach((g, t) => {
    boxes.set(gridBox(packed, g), 4 * t);
    minY = Math.min(minY, boxes[4 * t + 1]!);
    maxY = Math.max(maxY, boxes[4 * t + 3]!);
  });
  const scale = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const tree = new Flatbush(tIndex.length, 16, Float64Array, shared ? SharedArrayBuffer : ArrayBuffer);
  for (let t = 0; t < tIndex.length; t++)
    tree.add(boxes[4 * t]! * scale, boxes[4 * t + 1]!, boxes[4 * t + 2]! * scale, boxes[4 * t + 3]!);
  tree.finish();
  return { tree: tree.data, scale };
}

/** The index from its territorial edge table and raster: adds the nearest-grid tree and the sector grids. */
export function assembleData(
  packed: PackedGrids,
  revision: number,
  plan: BuildPlan,
  edges: EdgeTable,
  raster: CellRaster,
  nearest: NearestTree = nearestTreeOf(packed, plan.tIndex, plan.shared),
): GridIndexData {
  const { tIds, tCodes, sectorIndex, shared, alloc } = plan;
  const { tree: nearestTree, scale: nearestScale } = nearest;

  const sectors = extractGrids(packed, sectorIndex);
  let sectorTree: ArrayBufferLike | null = null;
  if (sectorIndex.length > 0) {
    const tree = new Flatbush(sectorIndex.length, 16, Float64Array, shared ? SharedArrayBuffer : ArrayBuffer);
    for (const g of sectorIndex) {
      const [x0, y0, x1, y1] = gridBox(packed, g);
      tree.add(x0, y0, x1, y1);
    }
    tree.finish();
    sectorTree = tree.data;
  }

  const share = <T extends Float64Array | Int32Array>(a: T): T => moveTo(alloc, a);
  return {
    format: 1,
    revision,
    territorial: {
      ids: share(tIds),
      codes: tCodes,
      gridEdgeStart: share(edges.gridEdgeStart),
      gridEdges: share(edges.gridEdges),
      nearestTree,
      nearestScale,
    },
    edges: { geom: share(edges.geom), hx: share(edges.hx), owners: share(edges.owners) },
    raster: {
      ...raster,
      cells: share(raster.cells),
      listStart: share(raster.listStart),
      listEdges: share(raster.listEdges),
    },
    sectors: {
      ids: share(sectors.ids),
      codes: sectors.codes,
      gridPartStart: share(sectors.gridPartStart),
      partRingStart: share(sectors.partRingStart),
      ringVertexStart: share(sectors.ringVertexStart),
      coords: share(sectors.coords),
      tree: sectorTree,
    },
  };
}

function gridBox(packed: PackedGrids, g: number): [number, number, number, number] {
  const { gridPartStart, partRingStart, ringVertexStart, coords } = packed;
  const from = ringVertexStart[partRingStart[gridPartStart[g]!]!]!;
  const to = ringVertexStart[partRingStart[gridPartStart[g + 1]!]!]!;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let v = from; v < to; v++) {
    const x = coords[2 * v]!;
    const y = coords[2 * v + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

/** The packed sub-set of grids `which`, with offsets rebased. */
function extractGrids(packed: PackedGrids, which: number[]): PackedGrids {
  const { gridPartStart, partRingStart, ringVertexStart, coords } = packed;
  let parts = 0;
  let rings = 0;
  let vertices = 0;
  for (const g of which) {
    const p0 = gridPartStart[g]!;
    const p1 = gridPartStart[g + 1]!;
    parts += p1 - p0;
    rings += partRingStart[p1]! - partRingStart[p0]!;
    vertices += ringVertexStart[partRingStart[p1]!]! - ringVertexStart[partRingStart[p0]!]!;
  }
  const out: PackedGrids = {
    ids: Int32Array.from(which, (g) => packed.ids[g]!),
    kinds: new Uint8Array(which.length).fill(SECTOR),
    codes: which.map((g) => packed.codes[g]!),
    gridPartStart: new Int32Array(which.length + 1),
    partRingStart: new Int32Array(parts + 1),
    ringVertexStart: new Int32Array(rings + 1),
    coords: new Float64Array(2 * vertices),
  };
  let p = 0;
  let r = 0;
  let v = 0;
  which.forEach((g, i) => {
    out.gridPartStart[i] = p;
    for (let sp = gridPartStart[g]!; sp < gridPartStart[g + 1]!; sp++) {
      out.partRingStart[p++] = r;
      for (let sr = partRingStart[sp]!; sr < partRingStart[sp + 1]!; sr++) {
        out.ringVertexStart[r++] = v;
        const from = ringVertexStart[sr]!;
        const to = ringVertexStart[sr + 1]!;
        out.coords.set(coords.subarray(2 * from, 2 * to), 2 * v);
        v += to - from;
      }
    }
  });
  out.gridPartStart[which.length] = p;
  out.partRingStart[p] = r;
  out.ringVertexStart[r] = v;
  return out;
}
