// Uniform-grid raster over the territorial grids, and the point locator that walks it.
//
// Every raster cell is one of: interior (no edge within EDGE_MARGIN of the closed cell: the whole cell
// belongs to one territorial grid, stored directly), empty (same, but outside every grid), or boundary
// (a list of the edges that pass within EDGE_MARGIN). A point in an interior/empty cell is answered
// with one array read. A point in a boundary cell casts the half-open +x ray of point-in-ring.ts, but only
// through the cells of its row up to the first interior/empty cell: the state there is known, and each
// canonical edge crossed on the way toggles the grids on both of its sides. This evaluates exactly the
// per-grid half-open parity (same edges, same exact predicate), without visiting whole rings.
//
// Each crossing is counted in exactly one cell, chosen by its float crossing x: the first cell of the walk
// takes xi <= x1, later cells take x0 < xi <= x1, with x0 = minX + c * cellW computed by the same
// expression everywhere, so the windows tile the row. Whether a crossing is east of the point is the exact
// predicate; the float xi only short-cuts it when it is more than NEAR_POINT away from the point.
import { crossesEast, isOnEdge } from './point-in-ring.ts';
import type { EdgeTable } from './edge-table.ts';
import { heapArrays } from './typed-memory.ts';
import type { ArrayAllocator } from './typed-memory.ts';

/**
 * Edges are listed in every cell they pass within this distance (degrees, ~0.1 mm) of. It dwarfs
 * floating-point noise in cell lookups and crossings (~1e-13 deg at lon 121) and is far below any cell
 * size, so "no edge listed" reliably means "no edge anywhere near".
 */
export const EDGE_MARGIN = 1e-9;

/**
 * A float crossing x farther than this (degrees) from the point is on the same side as the exact one:
 * the float error of lx + (py - ly) * slope is ~1e-13 deg here.
 */
const NEAR_POINT = 1e-10;

export interface CellRasterOptions {
  /** Upper bound on raster cells (4 bytes each). Default 2^24 (64 MiB), reached at ~10,000+ grids. */
  maxCells?: number;
  /** Aim for this share of the raster's area in boundary cells, before the maxCells cap. Default 0.1. */
  boundaryFraction?: number;
  /**
   * Upper bound on the side of the second level: each boundary cell is split into k x k sub-cells, k a
   * power of two <= this. Default 8; 1 turns the second level off.
   */
  maxSubdivision?: number;
  /** Upper bound on sub-cells (2 bytes each) over all boundary cells; k shrinks to fit. Default 2^22. */
  maxSubCells?: number;
}

/** Plain data (numbers + typed arrays) so it can be posted to a worker as-is. */
export interface CellRaster {
  minX: number;
  minY: number;
  cellW: number;
  cellH: number;
  cols: number;
  rows: number;
  /** >= 0: interior cell of territorial grid index v; -1: empty; <= -2: boundary cell with list -v - 2. */
  cells: Int32Array;
  /** Edge list of boundary list l: listEdges[listStart[l] .. listStart[l + 1]). */
  listStart: Int32Array;
  listEdges: Int32Array;
  /**
   * The same cells as compact codes, for the bulk loop (a 2-byte table stays in cache where `cells`
   * would not): 0 empty, 1 + t interior of grid index t, 1 + grids + l boundary list l. Empty when
   * those codes do not fit 16 bits (then the bulk loop reads `cells`).
   */
  cellCodes: Uint16Array;
  /** Second level: boundary cell l is split into subdivision x subdivision sub-cells (1: no split). */
  subdivision: number;
  /**
   * Sub-cell (i, j) (row i, column j, from the cell's south-west corner) of boundary list l is
   * subCells[(l * subdivision + i) * subdivision + j]: 0 empty, 1 + t interior of grid index t,
   * SUB_WALK when an edge passes within EDGE_MARGIN (the point walks). Empty when subdivision is 1.
   */
  subCells: Uint16Array;
}

/** Sub-cell code: an edge is near, the point walks. */
const SUB_WALK = 0xffff;
/** What subCellValue answers for a SUB_WALK sub-cell (grid indices are >= 0, empty is -1). */
const SUB_BOUNDARY = -2;
/** Largest code a Uint16 table can hold besides SUB_WALK. */
const MAX_CODE = 0xfffe;

/** The parts of the edge table the locator reads. */
export type EdgeView = Pick<EdgeTable, 'geom' | 'hx' | 'owners'>;

export function buildCellRaster(
  edges: EdgeTable,
  ids: Int32Array,
  options: CellRasterOptions = {},
  alloc: ArrayAllocator = heapArrays,
): CellRaster {
  const layout = rasterLayout(edges, options);
  const cells = alloc.int32(layout.cols * layout.rows);
  const rows = rasterRows(layout, edges, ids, cells, 0, layout.rows, alloc);
  return finishCellRaster(layout, cells, [rows], edges, ids, options, alloc);
}

/** Where the raster lies and how it is cut: the fields of a CellRaster known before any cell is. */
export type RasterLayout = Pick<CellRaster, 'minX' | 'minY' | 'cellW' | 'cellH' | 'cols' | 'rows'>;

export function rasterLayout(edges: EdgeTable, options: CellRasterOptions = {}): RasterLayout {
  const maxCells = options.maxCells ?? 1 << 24;
  const boundaryFraction = options.boundaryFraction ?? 0.1;
  if (edges.count === 0) return { minX: 0, minY: 0, cellW: 1, cellH: 1, cols: 1, rows: 1 };
  const [bx0, by0, bx1, by1] = edges.bbox as unknown as [number, number, number, number];
  // Padding keeps every edge strictly inside, so the walk may treat "past the last column" as outside.
  const pad = 1e-6 + 1e-4 * Math.max(bx1 - bx0, by1 - by0);
  const minX = bx0 - pad;
  const minY = by0 - pad;
  const width = bx1 + pad - minX;
  const height = by1 + pad - minY;
  const area = width * height;
  // A boundary of total length L covers about (4/pi) * L * s / area of the raster with cells of side s.
  let size = (boundaryFraction * area) / ((4 / Math.PI) * Math.max(edges.totalLength, 1e-12));
  if (area / (size * size) > maxCells) size = Math.sqrt(area / maxCells);
  const cols = Math.max(1, Math.min(Math.ceil(width / size), maxCells));
  const rows = Math.max(1, Math.min(Math.ceil(height / size), Math.floor(maxCells / cols)));
  return { minX, minY, cellW: width / cols, cellH: height / rows, cols, rows };
}

/** The boundary lists of a band of raster rows, numbered from 0 within the band (see rasterRows). */
export interface RasterRows {
  fromRow: number;
  toRow: number;
  /** Edge list of the band's list l: listEdges[listStart[l] .. listStart[l + 1]). */
  listStart: Int32Array;
  listEdges: Int32Array;
}

/**
 * Fills the cells of rows [fromRow, toRow): boundary cells get band-local list numbers (-(l + 2)), the
 * others their grid index or -1. Rows are independent of each other, so bands can be filled by
 * different threads into one shared `cells`; finishCellRaster joins the bands' lists.
 */
export function rasterRows(
  layout: RasterLayout,
  edges: EdgeTable,
  ids: Int32Array,
  cells: Int32Array,
  fromRow: number,
  toRow: number,
  alloc: ArrayAllocator = heapArrays,
): RasterRows {
  const { minX, minY, cellW, cellH, cols, rows } = layout;
  const { geom, hx: hxs, owners, count } = edges;
  const invW = 1 / cellW;
  const invH = 1 / cellH;
  const lastCol = cols - 1;
  const lastRow = rows - 1;
  // Floor of the scaled offset, clamped. Multiplying by the inverse may land one ulp off the exact cell
  // boundary minX + c * cellW; EDGE_MARGIN is many orders of magnitude larger, so listings stay complete.
  const colOf = (x: number): number => {
    const c = Math.floor((x - minX) * invW);
    return c < 0 ? 0 : c > lastCol ? lastCol : c;
  };
  const rowOf = (y: number): number => {
    const r = Math.floor((y - minY) * invH);
    return r < 0 ? 0 : r > lastRow ? lastRow : r;
  };
  const bandStart = fromRow * cols;
  const bandEnd = toRow * cols;
  cells.fill(0, bandStart, bandEnd);

  // Pass 1 finds the cells of every edge, counting per cell (in `cells`) and remembering them in
  // `touched` (edge e's cells are touched[touchedStart[e] .. touchedStart[e + 1])); pass 2 only copies.
  // Each edge is cut into the row bands it crosses, so a long diagonal edge touches O(length / cell)
  // cells, not its bounding box.
  const touchedStart = new Int32Array(count + 1);
  let touched = new Int32Array(Math.max(1024, Math.ceil((2 * count * (toRow - fromRow)) / rows)));
  let listings = 0;
  for (let e = 0; e < count; e++) {
    touchedStart[e] = listings;
    const ly = geom[4 * e]!;
    const hy = geom[4 * e + 1]!;
    const r0 = rowOf(ly - EDGE_MARGIN);
    const r1 = rowOf(hy + EDGE_MARGIN);
    if (r1 < fromRow || r0 >= toRow) continue;
    const lx = geom[4 * e + 2]!;
    const slope = geom[4 * e + 3]!;
    const hx = hxs[e]!;
    const xLow = lx < hx ? lx : hx;
    const xHigh = lx < hx ? hx : lx;
    const rEnd = r1 < toRow ? r1 : toRow - 1;
    for (let r = r0 > fromRow ? r0 : fromRow; r <= rEnd; r++) {
      let xa = xLow;
      let xb = xHigh;
      if (r0 !== r1 && ly !== hy) {
        // The part of the edge inside this row band (widened by the margin).
        const ya = Math.max(ly, minY + r * cellH - EDGE_MARGIN);
        const yb = Math.min(hy, minY + (r + 1) * cellH + EDGE_MARGIN);
        const x1 = Math.min(xHigh, Math.max(xLow, lx + (ya - ly) * slope));
        const x2 = Math.min(xHigh, Math.max(xLow, lx + (yb - ly) * slope));
        xa = x1 < x2 ? x1 : x2;
        xb = x1 < x2 ? x2 : x1;
      }
      const base = r * cols;
      const c1 = colOf(xb + EDGE_MARGIN);
      for (let c = colOf(xa - EDGE_MARGIN); c <= c1; c++) {
        if (listings === touched.length) {
          const grown = new Int32Array(touched.length * 2);
          grown.set(touched);
          touched = grown;
        }
        touched[listings++] = base + c;
        cells[base + c]!++;
      }
    }
  }
  touchedStart[count] = listings;

  // Counts become list ids (<= -2) for boundary cells; edge-free cells are -1 until resolved below.
  let lists = 0;
  const listStartAll = new Int32Array(listings + 1);
  for (let i = bandStart, total = 0; i < bandEnd; i++) {
    const n = cells[i]!;
    if (n > 0) {
      listStartAll[lists] = total;
      total += n;
      cells[i] = -(lists++ + 2);
    } else {
      cells[i] = -1;
    }
  }
  listStartAll[lists] = listings;
  const listStart = alloc.int32(lists + 1);
  listStart.set(listStartAll.subarray(0, lists + 1));
  const cursor = listStartAll; // reused as fill cursors
  const listEdges = alloc.int32(listings);
  for (let e = 0; e < count; e++) {
    for (let k = touchedStart[e]!; k < touchedStart[e + 1]!; k++) {
      listEdges[cursor[-cells[touched[k]!]! - 2]!++] = e;
    }
  }

  // Resolve edge-free cells: sweep each row from the east at mid-height, keeping the set of grids whose
  // half-open parity is odd; every crossing is applied in the cell whose window (x0, x1] holds it, the
  // same windows the point walk uses. An edge-free cell takes the set's member (the set has one member
  // or none, except in degenerate input, where the smallest id wins as in RasterLocator). No point here
  // is near an edge, so the float crossing x decides sides reliably.
  const odd = new OddSet(ids);
  for (let r = fromRow; r < toRow; r++) {
    const base = r * cols;
    const y = minY + (r + 0.5) * cellH;
    odd.clear();
    let owner = -1;
    for (let c = lastCol; c >= 0; c--) {
      const v = cells[base + c]!;
      if (v === -1) {
        cells[base + c] = owner;
        continue;
      }
      const x0 = minX + c * cellW;
      const x1 = minX + (c + 1) * cellW;
      let toggled = false;
      for (let k = listStart[-v - 2]!; k < listStart[-v - 1]!; k++) {
        const e = listEdges[k]!;
        const ly = geom[4 * e]!;
        if (y < ly || y >= geom[4 * e + 1]!) continue;
        const xi = geom[4 * e + 2]! + (y - ly) * geom[4 * e + 3]!;
        if (xi > x0 && xi <= x1) {
          odd.toggle(owners[2 * e]!);
          if (owners[2 * e + 1]! >= 0) odd.toggle(owners[2 * e + 1]!);
          toggled = true;
        }
      }
      if (toggled) owner = odd.owner();
    }
  }
  return { fromRow, toRow, listStart, listEdges };
}

/**
 * The raster from its cells and the bands' lists (consecutive bands covering every row, in order):
 * lists are renumbered in row order across bands, then the compact codes and the second level are made.
 */
export function finishCellRaster(
  layout: RasterLayout,
  cells: Int32Array,
  bands: readonly RasterRows[],
  edges: EdgeTable,
  ids: Int32Array,
  options: CellRasterOptions = {},
  alloc: ArrayAllocator = heapArrays,
): CellRaster {
  let listStart = bands[0]!.listStart;
  let listEdges = bands[0]!.listEdges;
  if (bands.length > 1) {
    let lists = 0;
    let listings = 0;
    for (const band of bands) {
      lists += band.listStart.length - 1;
      listings += band.listEdges.length;
    }
    listStart = alloc.int32(lists + 1);
    listEdges = alloc.int32(listings);
    lists = 0;
    listings = 0;
    for (const band of bands) {
      const bandLists = band.listStart.length - 1;
      for (let l = 0; l < bandLists; l++) listStart[lists + l] = band.listStart[l]! + listings;
      listEdges.set(band.listEdges, listings);
      if (lists > 0) {
        for (let i = band.fromRow * layout.cols; i < band.toRow * layout.cols; i++) {
          if (cells[i]! <= -2) cells[i] = cells[i]! - lists;
        }
      }
      lists += bandLists;
      listings += band.listEdges.length;
    }
    listStart[lists] = listings;
  }
  const raster: CellRaster = {
    ...layout,
    cells,
    listStart,
    listEdges,
    cellCodes: alloc.uint16(0),
    subdivision: 1,
    subCells: alloc.uint16(0),
  };
  if (edges.count === 0) return raster;
  const grids = ids.length;
  const lists = listStart.length - 1;
  if (grids + lists <= MAX_CODE) {
    const codes = alloc.uint16(cells.length);
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i]!;
      codes[i] = v >= 0 ? v + 1 : v === -1 ? 0 : grids - v - 1;
    }
    raster.cellCodes = codes;
  }
  const subdivision = grids < MAX_CODE ? chooseSubdivision(lists, options) : 1;
  if (subdivision > 1) {
    raster.subCells = buildSubCells(raster, edges, ids, subdivision, alloc);
    raster.subdivision = subdivision;
  }
  return raster;
}

/** The largest power of two k <= maxSubdivision with boundaryCells * k^2 <= maxSubCells (1: none). */
function chooseSubdivision(boundaryCells: number, options: CellRasterOptions): number {
  const maxSubdivision = options.maxSubdivision ?? 8;
  const maxSubCells = options.maxSubCells ?? 1 << 22;
  let k = 1;
  while (2 * k <= maxSubdivision && boundaryCells * (2 * k) * (2 * k) <= maxSubCells) k *= 2;
  return k;
}

/**
 * The second level: each boundary cell split into k x k sub-cells. A sub-cell with no edge within
 * EDGE_MARGIN (of the closed sub-cell) lies in one grid or none, the same for all its points, so it
 * stores the walk's answer for its centre; the others are SUB_WALK and their points walk. Listing is
 * generous like the first level (row bands widened by the margin), so "not marked" reliably means "no
 * edge near", whatever ulp the point's sub-cell index is computed with.
 */
function buildSubCells(
  raster: CellRaster,
  edges: EdgeTable,
  ids: Int32Array,
  k: number,
  alloc: ArrayAllocator,
): Uint16Array {
  const { minX, minY, cellW, cellH, cols, cells, listStart, listEdges } = raster;
  const { geom, hx: hxs } = edges;
  const subCells = alloc.uint16((listStart.length - 1) * k * k);
  const locator = new RasterLocator(raster, edges, ids);
  const subW = cellW / k;
  const subH = cellH / k;
  const last = k - 1;
  for (let cell = 0; cell < cells.length; cell++) {
    const v = cells[cell]!;
    if (v >= -1) continue;
    const l = -v - 2;
    const row = (cell / cols) | 0;
    const col = cell - row * cols;
    const x0 = minX + col * cellW;
    const y0 = minY + row * cellH;
    const base = l * k * k;
    for (let n = listStart[l]!; n < listStart[l + 1]!; n++) {
      const e = listEdges[n]!;
      const ly = geom[4 * e]!;
      const hy = geom[4 * e + 1]!;
      const lx = geom[4 * e + 2]!;
      const slope = geom[4 * e + 3]!;
      const hx = hxs[e]!;
      const xLow = lx < hx ? lx : hx;
      const xHigh = lx < hx ? hx : lx;
      const i0 = Math.max(0, Math.floor((ly - EDGE_MARGIN - y0) / subH));
      const i1 = Math.min(last, Math.floor((hy + EDGE_MARGIN - y0) / subH));
      for (let i = i0; i <= i1; i++) {
        let xa = xLow;
        let xb = xHigh;
        if (ly !== hy) {
          const ya = Math.max(ly, y0 + i * subH - EDGE_MARGIN);
          const yb = Math.min(hy, y0 + (i + 1) * subH + EDGE_MARGIN);
          const x1 = Math.min(xHigh, Math.max(xLow, lx + (ya - ly) * slope));
          const x2 = Math.min(xHigh, Math.max(xLow, lx + (yb - ly) * slope));
          xa = x1 < x2 ? x1 : x2;
          xb = x1 < x2 ? x2 : x1;
        }
        const j0 = Math.max(0, Math.floor((xa - EDGE_MARGIN - x0) / subW));
        const j1 = Math.min(last, Math.floor((xb + EDGE_MARGIN - x0) / subW));
        for (let j = j0; j <= j1; j++) subCells[base + i * k + j] = SUB_WALK;
      }
    }
    // Unmarked sub-cells next to each other in a sub-row have no edge between them: one walk per run.
    for (let i = 0; i < k; i++) {
      const cy = y0 + (i + 0.5) * subH;
      let owner = 0;
      let known = false;
      for (let j = 0; j < k; j++) {
        const at = base + i * k + j;
        if (subCells[at] === SUB_WALK) {
          known = false;
          continue;
        }
        if (!known) {
          owner = locator.walk(row, col, x0 + (j + 0.5) * subW, cy) + 1;
          known = true;
        }
        subCells[at] = owner;
      }
    }
  }
  return subCells;
}

/** A small set of grid indices with toggle semantics (parity); one or no member in a valid tiling. */
class OddSet {
  private members: number[] = [];
  constructor(private readonly ids: Int32Array) {}

  clear(): void {
    this.members.length = 0;
  }

  toggle(t: number): void {
    const i = this.members.indexOf(t);
    if (i < 0) this.members.push(t);
    else {
      this.members[i] = this.members[this.members.length - 1]!;
      this.members.pop();
    }
  }

  owner(): number {
    const m = this.members;
    if (m.length <= 1) return m.length === 1 ? m[0]! : -1;
    let best = m[0]!;
    for (const t of m) if (this.ids[t]! < this.ids[best]!) best = t;
    return best;
  }
}

/** Points per block of the bulk loop (see assignIds). */
const BLOCK = 256;
/** Code tables up to this many cells (2 bytes each: 2 MiB) take the one-pass bulk loop. */
const IN_CACHE_CODES = 1 << 20;

/** The bulk loops: one pass over a cached code table, blocked passes over a large one, or Int32 cells. */
export type BulkLoop = 'in-cache' | 'blocked' | 'cells';

/** Reads a CellRaster: the territorial half-open owner of a point, and the bulk loop. */
export class RasterLocator {
  private scratch: Int32Array = new Int32Array(64);
  private readonly parity: Uint8Array;
  private readonly blockCodes = new Int32Array(BLOCK);
  /** Grid id by code (0 empty: -1; 1 + t: ids[t]), the answer for non-boundary cell and sub-cell codes. */
  private readonly idOfCode: Int32Array;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly invW: number;
  private readonly invH: number;

  constructor(
    readonly raster: CellRaster,
    readonly edges: EdgeView,
    /** Territorial grid ids by index; the tie-break for degenerate input is the smallest id. */
    readonly ids: Int32Array,
  ) {
    this.maxX = raster.minX + raster.cols * raster.cellW;
    this.maxY = raster.minY + raster.rows * raster.cellH;
    this.invW = 1 / raster.cellW;
    this.invH = 1 / raster.cellH;
    this.parity = new Uint8Array(ids.length);
    this.idOfCode = new Int32Array(ids.length + 1);
    this.idOfCode[0] = -1;
    this.idOfCode.set(ids, 1);
  }

  /** Cell index of a point inside the raster, or -1. */
  cellOf(px: number, py: number): number {
    const { minX, minY, cols, rows } = this.raster;
    if (!(px >= minX && px < this.maxX && py >= minY && py < this.maxY)) return -1;
    const col = Math.min(cols - 1, ((px - minX) * this.invW) | 0);
    const row = Math.min(rows - 1, ((py - minY) * this.invH) | 0);
    return row * cols + col;
  }

  /** Edge indices listed in a cell (empty for interior/empty cells). */
  edgesOfCell(cell: number): Int32Array {
    const v = this.raster.cells[cell]!;
    if (v >= -1) return new Int32Array(0);
    const { listStart, listEdges } = this.raster;
    return listEdges.subarray(listStart[-v - 2]!, listStart[-v - 1]!);
  }

  /**
   * Territorial grid index owning the point: the half-open owner, else (a point on the outer border of
   * the union, or of an empty hole, which the half-open rule leaves outside) the smallest-id grid whose
   * boundary holds it by turf's test. -1 when none.
   */
  ownerOf(px: number, py: number): number {
    const cell = this.cellOf(px, py);
    if (cell < 0) return -1;
    const v = this.raster.cells[cell]!;
    if (v >= -1) return v;
    return this.boundaryCellOwner(cell, -v - 2, px, py);
  }

  /** Half-open owner only, without the outer-border fallback (exposed for tests and reports). */
  halfOpenOwnerOf(px: number, py: number): number {
    const cell = this.cellOf(px, py);
    if (cell < 0) return -1;
    const v = this.raster.cells[cell]!;
    if (v >= -1) return v;
    const sub = this.subCellValue(-v - 2, px, py);
    if (sub !== SUB_BOUNDARY) return sub;
    const cols = this.raster.cols;
    return this.walk((cell / cols) | 0, cell % cols, px, py);
  }

  /** Territorial grid indices whose boundary holds the point (turf's on-boundary test). */
  boundaryGridsAt(px: number, py: number): number[] {
    const cell = this.cellOf(px, py);
    if (cell < 0) return [];
    const { geom, hx, owners } = this.edges;
    const found = new Set<number>();
    for (const e of this.edgesOfCell(cell)) {
      if (isOnEdge(geom[4 * e + 2]!, geom[4 * e]!, hx[e]!, geom[4 * e + 1]!, px, py)) {
        found.add(owners[2 * e]!);
        if (owners[2 * e + 1]! >= 0) found.add(owners[2 * e + 1]!);
      }
    }
    return [...found].sort((a, b) => this.ids[a]! - this.ids[b]!);
  }

  /**
   * The second-level value for a point in boundary cell `list`: a grid index or -1 (EMPTY) when its
   * sub-cell is clear of edges, else SUB_BOUNDARY. The sub-cell index comes from the same scaled offset
   * as the cell index, so a point an ulp off a sub-cell side is still within EDGE_MARGIN of the sub-cell.
   */
  private subCellValue(list: number, px: number, py: number): number {
    const { subdivision: k, subCells, minX, minY, cols, rows } = this.raster;
    if (k === 1) return SUB_BOUNDARY;
    const fx = (px - minX) * this.invW;
    const fy = (py - minY) * this.invH;
    const col = Math.min(cols - 1, fx | 0);
    const row = Math.min(rows - 1, fy | 0);
    const j = Math.min(k - 1, ((fx - col) * k) | 0);
    const i = Math.min(k - 1, ((fy - row) * k) | 0);
    const code = subCells[(list * k + i) * k + j]!;
    return code === SUB_WALK ? SUB_BOUNDARY : code - 1;
  }

  /** Owner of a point in boundary cell `cell` (list `list`): second level, walk, outer-border fallback. */
  private boundaryCellOwner(cell: number, list: number, px: number, py: number): number {
    const sub = this.subCellValue(list, px, py);
    if (sub !== SUB_BOUNDARY) return sub;
    const cols = this.raster.cols;
    return this.walkedOwner((cell / cols) | 0, cell % cols, list, px, py);
  }

  /** The walk's owner, else the outer-border fallback, for a point of cell (row, col) with list `list`. */
  private walkedOwner(row: number, col: number, list: number, px: number, py: number): number {
    const owner = this.walk(row, col, px, py);
    if (owner >= 0) return owner;
    return this.smallestOnBoundary(list, px, py);
  }

  /** boundaryGridsAt(px, py)[0] ?? -1 for a point in boundary list `list`, without allocating. */
  private smallestOnBoundary(list: number, px: number, py: number): number {
    const { listStart, listEdges } = this.raster;
    const { geom, hx, owners } = this.edges;
    const ids = this.ids;
    let best = -1;
    for (let n = listStart[list]!; n < listStart[list + 1]!; n++) {
      const e = listEdges[n]!;
      if (!isOnEdge(geom[4 * e + 2]!, geom[4 * e]!, hx[e]!, geom[4 * e + 1]!, px, py)) continue;
      for (let side = 0; side < 2; side++) {
        const t = owners[2 * e + side]!;
        if (t >= 0 && (best < 0 || ids[t]! < ids[best]!)) best = t;
      }
    }
    return best;
  }

  /**
   * Half-open owner of (px, py) by walking row `row` east from column `col` to the first interior or
   * empty cell, toggling the owners of every edge that crosses the ray east of the point.
   */
  walk(row: number, col: number, px: number, py: number): number {
    const { cells, listStart, listEdges, cols, minX, cellW } = this.raster;
    const { geom, hx, owners } = this.edges;
    let scratch = this.scratch;
    let n = 0;
    let stop = -1;
    // The first cell takes every crossing up to its east side: the point may sit an ulp west of the
    // column the floor() picked, and crossings just west of that column must not be lost.
    let x0 = -Infinity;
    const base = row * cols;
    for (let c = col; c < cols; c++) {
      const v = cells[base + c]!;
      if (v >= -1) {
        stop = v;
        break;
      }
      const x1 = minX + (c + 1) * cellW;
      const end = listStart[-v - 1]!;
      for (let k = listStart[-v - 2]!; k < end; k++) {
        const e = listEdges[k]!;
        const b = e << 2;
        const ly = geom[b]!;
        if (py < ly || py >= geom[b + 1]!) continue;
        const lx = geom[b + 2]!;
        const xi = lx + (py - ly) * geom[b + 3]!;
        if (xi > x1 || xi <= x0) continue;
        if (
          xi > px + NEAR_POINT ||
          (xi >= px - NEAR_POINT && crossesEast(lx, ly, hx[e]!, geom[b + 1]!, px, py))
        ) {
          if (n + 2 > scratch.length) scratch = this.grow();
          scratch[n++] = owners[2 * e]!;
          const other = owners[2 * e + 1]!;
          if (other >= 0) scratch[n++] = other;
        }
      }
      x0 = x1;
    }
    if (n === 0) return stop;
    if (stop >= 0) {
      if (n + 1 > scratch.length) scratch = this.grow();
      scratch[n++] = stop;
    }
    return this.oddOwner(scratch, n);
  }

  /**
   * The grid toggled an odd number of times; several only for degenerate input (smallest id wins).
   * Linear in n via a parity byte per grid, since a walk along a horizontal border can collect hundreds.
   */
  private oddOwner(scratch: Int32Array, n: number): number {
    const { ids, parity } = this;
    for (let i = 0; i < n; i++) parity[scratch[i]!]! ^= 1;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const t = scratch[i]!;
      if (parity[t] === 1) {
        parity[t] = 0; // count each grid once, and leave the bytes zeroed for the next call
        if (best < 0 || ids[t]! < ids[best]!) best = t;
      }
    }
    return best;
  }

  private grow(): Int32Array {
    const next = new Int32Array(this.scratch.length * 2);
    next.set(this.scratch);
    this.scratch = next;
    return next;
  }

  /** The bulk loop assignIds uses for this raster. */
  get bulkLoop(): BulkLoop {
    const codes = this.raster.cellCodes.length;
    return codes === 0 ? 'cells' : codes <= IN_CACHE_CODES ? 'in-cache' : 'blocked';
  }

  /**
   * Bulk: out[i] = territorial grid id of (xs[i], ys[i]) or -1, for i in [from, to). `loop` overrides
   * the choice for tests ('in-cache' and 'blocked' need cellCodes); every loop gives the same answers.
   */
  assignIds(
    xs: Float64Array,
    ys: Float64Array,
    out: Int32Array,
    from = 0,
    to = xs.length,
    loop: BulkLoop = this.bulkLoop,
  ): void {
    if (loop !== 'cells' && this.raster.cellCodes.length === 0) throw new Error(`no cell codes for ${loop}`);
    if (loop === 'in-cache') this.assignByCodesInCache(xs, ys, out, from, to);
    else if (loop === 'blocked') this.assignByCodes(xs, ys, out, from, to);
    else this.assignByCells(xs, ys, out, from, to);
  }

  /**
   * The bulk loop over cellCodes, in blocks of points. Pass 1 only reads each point's cell code: no
   * branch depends on the value read, so the cache misses of many points overlap. Pass 2 replaces the
   * codes of boundary cells by their sub-cell code where the sub-cell is clear (same idea, the branch is
   * on a value already in L1). Pass 3 answers by table, and walks for what is left.
   */
  private assignByCodes(xs: Float64Array, ys: Float64Array, out: Int32Array, from: number, to: number): void {
    const { minX, minY, cols, rows, cellCodes, subdivision: k, subCells } = this.raster;
    const { maxX, maxY, invW, invH, idOfCode, blockCodes } = this;
    const grids = this.ids.length;
    const lastCol = cols - 1;
    const lastRow = rows - 1;
    const lastSub = k - 1;
    for (let start = from; start < to; start += BLOCK) {
      const end = Math.min(to, start + BLOCK);
      for (let i = start; i < end; i++) {
        const px = xs[i]!;
        const py = ys[i]!;
        let code = 0;
        if (px >= minX && px < maxX && py >= minY && py < maxY) {
          const col = Math.min(lastCol, ((px - minX) * invW) | 0);
          const row = Math.min(lastRow, ((py - minY) * invH) | 0);
          code = cellCodes[row * cols + col]!;
        }
        blockCodes[i - start] = code;
      }
      if (k > 1) {
        for (let i = start; i < end; i++) {
          const code = blockCodes[i - start]!;
          if (code <= grids) continue;
          const fx = (xs[i]! - minX) * invW;
          const fy = (ys[i]! - minY) * invH;
          const col = Math.min(lastCol, fx | 0);
          const row = Math.min(lastRow, fy | 0);
          const j = Math.min(lastSub, ((fx - col) * k) | 0);
          const r = Math.min(lastSub, ((fy - row) * k) | 0);
          const sub = subCells[((code - grids - 1) * k + r) * k + j]!;
          if (sub !== SUB_WALK) blockCodes[i - start] = sub;
        }
      }
      for (let i = start; i < end; i++) {
        const code = blockCodes[i - start]!;
        if (code <= grids) {
          out[i] = idOfCode[code]!;
          continue;
        }
        const px = xs[i]!;
        const py = ys[i]!;
        const col = Math.min(lastCol, ((px - minX) * invW) | 0);
        const row = Math.min(lastRow, ((py - minY) * invH) | 0);
        out[i] = idOfCode[this.walkedOwner(row, col, code - grids - 1, px, py) + 1]!;
      }
    }
  }

  /**
   * The bulk loop for a code table small enough to stay in cache (a county): one pass, because with no
   * cache misses to overlap the blocked loop's three passes only add work (~15 % slower at Tiantai, in
   * thread CPU time, same answers).
   */
  private assignByCodesInCache(
    xs: Float64Array,
    ys: Float64Array,
    out: Int32Array,
    from: number,
    to: number,
  ): void {
    const { minX, minY, cols, rows, cellCodes, subdivision: k, subCells } = this.raster;
    const { maxX, maxY, invW, invH, idOfCode } = this;
    const grids = this.ids.length;
    const lastCol = cols - 1;
    const lastRow = rows - 1;
    const lastSub = k - 1;
    for (let i = from; i < to; i++) {
      const px = xs[i]!;
      const py = ys[i]!;
      if (!(px >= minX && px < maxX && py >= minY && py < maxY)) {
        out[i] = -1;
        continue;
      }
      const fx = (px - minX) * invW;
      const fy = (py - minY) * invH;
      const col = Math.min(lastCol, fx | 0);
      const row = Math.min(lastRow, fy | 0);
      let code = cellCodes[row * cols + col]!;
      if (code > grids && k > 1) {
        const j = Math.min(lastSub, ((fx - col) * k) | 0);
        const r = Math.min(lastSub, ((fy - row) * k) | 0);
        const sub = subCells[((code - grids - 1) * k + r) * k + j]!;
        if (sub !== SUB_WALK) code = sub;
      }
      out[i] =
        code <= grids ? idOfCode[code]! : idOfCode[this.walkedOwner(row, col, code - grids - 1, px, py) + 1]!;
    }
  }

  /** The same over the Int32 cells, when codes do not fit 16 bits (e.g. 60,000 grids). */
  private assignByCells(xs: Float64Array, ys: Float64Array, out: Int32Array, from: number, to: number): void {
    const { minX, minY, cols, rows, cells } = this.raster;
    const { maxX, maxY, invW, invH, ids, blockCodes } = this;
    const lastCol = cols - 1;
    const lastRow = rows - 1;
    for (let start = from; start < to; start += BLOCK) {
      const end = Math.min(to, start + BLOCK);
      for (let i = start; i < end; i++) {
        const px = xs[i]!;
        const py = ys[i]!;
        let code = -1;
        if (px >= minX && px < maxX && py >= minY && py < maxY) {
          const col = Math.min(lastCol, ((px - minX) * invW) | 0);
          const row = Math.min(lastRow, ((py - minY) * invH) | 0);
          code = cells[row * cols + col]!;
        }
        blockCodes[i - start] = code;
      }
      for (let i = start; i < end; i++) {
        const v = blockCodes[i - start]!;
        if (v >= 0) out[i] = ids[v]!;
        else if (v === -1) out[i] = -1;
        else {
          const px = xs[i]!;
          const py = ys[i]!;
          const col = Math.min(lastCol, ((px - minX) * invW) | 0);
          const row = Math.min(lastRow, ((py - minY) * invH) | 0);
          const t = this.boundaryCellOwner(row * cols + col, -v - 2, px, py);
          out[i] = t >= 0 ? ids[t]! : -1;
        }
      }
    }
  }
}
