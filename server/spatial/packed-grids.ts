// Grid input as the spatial engine accepts it, and its packed form: flat typed arrays that can be
// transferred to a worker thread without structured-cloning millions of nested coordinate arrays.
import { moveTo, sharedArrays } from './typed-memory.ts';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { GridKind } from '../../shared/domain.ts';

export interface GridInput {
  /** Stable grid id; a non-negative 32-bit integer because bulk answers are Int32Array ids (-1 = none). */
  id: number;
  code: string;
  kind: GridKind;
  /** WGS84 lon/lat. Holes and multipolygons (islands) are allowed; rings may be open or closed. */
  geometry: Polygon | MultiPolygon;
}

export interface GridRef {
  id: number;
  code: string;
}

export const TERRITORIAL = 0;
export const SECTOR = 1;

/**
 * Three-level offsets, like a flattened GeoJSON MultiPolygon per grid:
 * grid g has parts [gridPartStart[g], gridPartStart[g+1]), part p has rings [partRingStart[p], ...),
 * ring r has vertices [ringVertexStart[r], ...) in coords (x, y interleaved, closing vertex dropped).
 */
export interface PackedGrids {
  ids: Int32Array;
  /** TERRITORIAL or SECTOR per grid. */
  kinds: Uint8Array;
  codes: string[];
  gridPartStart: Int32Array;
  partRingStart: Int32Array;
  ringVertexStart: Int32Array;
  coords: Float64Array;
}

export const SpatialInputErrorCode = {
  InvalidId: 'SPATIAL_INVALID_ID',
  DuplicateId: 'SPATIAL_DUPLICATE_ID',
  InvalidKind: 'SPATIAL_INVALID_KIND',
  InvalidGeometry: 'SPATIAL_INVALID_GEOMETRY',
  InvalidCoordinate: 'SPATIAL_INVALID_COORDINATE',
  DegenerateRing: 'SPATIAL_DEGENERATE_RING',
  InvalidRevision: 'SPATIAL_INVALID_REVISION',
} as const;
export type SpatialInputErrorCode = (typeof SpatialInputErrorCode)[keyof typeof SpatialInputErrorCode];

export class SpatialInputError extends Error {
  readonly code: SpatialInputErrorCode;
  constructor(code: SpatialInputErrorCode, message: string) {
    super(message);
    this.name = 'SpatialInputError';
    this.code = code;
  }
}

const MAX_ID = 0x7fffffff;

function partsOf(grid: GridInput): Position[][][] {
  const g = grid.geometry as Polygon | MultiPolygon | null | undefined;
  if (g && g.type === 'Polygon' && Array.isArray(g.coordinates)) return [g.coordinates];
  if (g && g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) return g.coordinates;
  throw new SpatialInputError(
    SpatialInputErrorCode.InvalidGeometry,
    `grid ${grid.id}: geometry must be a Polygon or MultiPolygon`,
  );
}

/**
 * Validate and flatten grids. Consecutive duplicate vertices and the closing vertex are dropped, and -0
 * is normalised to 0, so two grids that share an edge produce bit-identical edge keys.
 */
export function packGrids(grids: readonly GridInput[]): PackedGrids {
  const packer = new GridPacker(grids);
  while (!packer.done) packer.fill(Infinity);
  return packer.result();
}

/**
 * packGrids in slices of at most ~`sliceMs` of work, yielding to the event loop in between: packing
 * 6 M vertices takes ~0.5 s, which must not stall the main thread in one piece.
 */
export async function packGridsInSlices(
  grids: readonly GridInput[],
  sliceMs = 8,
  options: { shared?: boolean } = {},
): Promise<PackedGrids> {
  const packer = new GridPacker(grids, options.shared === true);
  while (!packer.done) {
    packer.fill(performance.now() + sliceMs);
    if (!packer.done) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return packer.result();
}

/** Validates and sizes in the constructor (cheap: ring lengths only), then fills grid by grid. */
class GridPacker {
  private readonly packed: PackedGrids;
  private g = 0;
  private p = 0;
  private r = 0;
  private v = 0;

  constructor(
    private readonly grids: readonly GridInput[],
    shared = false,
  ) {
    let partCount = 0;
    let ringCount = 0;
    let vertexCount = 0;
    const seen = [new Set<number>(), new Set<number>()];
    for (const grid of grids) {
      if (!Number.isInteger(grid.id) || grid.id < 0 || grid.id > MAX_ID) {
        throw new SpatialInputError(
          SpatialInputErrorCode.InvalidId,
          `grid id ${String(grid.id)} is not an int32 >= 0`,
        );
      }
      const kind = grid.kind === 'territorial' ? TERRITORIAL : grid.kind === 'sector' ? SECTOR : -1;
      if (kind < 0) {
        throw new SpatialInputError(SpatialInputErrorCode.InvalidKind, `grid ${grid.id}: unknown kind`);
      }
      const ids = seen[kind]!;
      if (ids.has(grid.id)) {
        throw new SpatialInputError(
          SpatialInputErrorCode.DuplicateId,
          `duplicate ${grid.kind} grid id ${grid.id}`,
        );
      }
      ids.add(grid.id);
      for (const part of partsOf(grid)) {
        if (!Array.isArray(part) || part.length === 0) {
          throw new SpatialInputError(
            SpatialInputErrorCode.InvalidGeometry,
            `grid ${grid.id}: empty polygon`,
          );
        }
        partCount++;
        for (const ring of part) {
          ringCount++;
          vertexCount += ring.length;
        }
      }
    }
    // In SharedArrayBuffers, a worker build and its helper read the packed grids where they are.
    const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.packed = {
      ids: new Int32Array(buffer(4 * grids.length)),
      kinds: new Uint8Array(buffer(grids.length)),
      codes: new Array<string>(grids.length),
      gridPartStart: new Int32Array(buffer(4 * (grids.length + 1))),
      partRingStart: new Int32Array(buffer(4 * (partCount + 1))),
      ringVertexStart: new Int32Array(buffer(4 * (ringCount + 1))),
      coords: new Float64Array(buffer(16 * vertexCount)),
    };
  }

  get done(): boolean {
    return this.g === this.grids.length;
  }

  /** Pack grids until all are done or performance.now() passes `deadline` (at least one grid). */
  fill(deadline: number): void {
    const { ids, kinds, codes, gridPartStart, partRingStart, ringVertexStart, coords } = this.packed;
    let { g, p, r, v } = this;
    // At least one grid per call, so a tiny budget still makes progress.
    const first = g;
    for (
      ;
      g < this.grids.length && (g === first || deadline === Infinity || performance.now() < deadline);
      g++
    ) {
      const grid = this.grids[g]!;
      ids[g] = grid.id;
      kinds[g] = grid.kind === 'territorial' ? TERRITORIAL : SECTOR;
      codes[g] = String(grid.code);
      gridPartStart[g] = p;
      for (const part of partsOf(grid)) {
        partRingStart[p++] = r;
        for (const ring of part) {
          ringVertexStart[r++] = v;
          const first = v;
          for (const position of ring) {
            const x = (position[0] as number) + 0;
            const y = (position[1] as number) + 0;
            if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
              throw new SpatialInputError(
                SpatialInputErrorCode.InvalidCoordinate,
                `grid ${grid.id}: coordinate ${JSON.stringify(position)} is not a WGS84 lon/lat`,
              );
            }
            if (v > first && coords[2 * v - 2] === x && coords[2 * v - 1] === y) continue;
            coords[2 * v] = x;
            coords[2 * v + 1] = y;
            v++;
          }
          if (
            v - first > 1 &&
            coords[2 * first] === coords[2 * v - 2] &&
            coords[2 * first + 1] === coords[2 * v - 1]
          ) {
            v--;
          }
          if (v - first < 3) {
            throw new SpatialInputError(
              SpatialInputErrorCode.DegenerateRing,
              `grid ${grid.id}: a ring has fewer than 3 distinct vertices`,
            );
          }
        }
      }
    }
    this.g = g;
    this.p = p;
    this.r = r;
    this.v = v;
  }

  result(): PackedGrids {
    const { packed, p, r, v } = this;
    packed.gridPartStart[this.grids.length] = p;
    packed.partRingStart[p] = r;
    packed.ringVertexStart[r] = v;
    // A view, not a copy, when duplicates were dropped: copying ~100 MB would stall the caller.
    return v * 2 === packed.coords.length ? packed : { ...packed, coords: packed.coords.subarray(0, 2 * v) };
  }
}

/** Buffers to list in postMessage's transfer list (the sender loses them). */
export function packedTransferables(packed: PackedGrids): ArrayBuffer[] {
  const buffers = [
    packed.ids,
    packed.kinds,
    packed.gridPartStart,
    packed.partRingStart,
    packed.ringVertexStart,
    packed.coords,
  ].map((a) => a.buffer);
  return [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** The same grids with every array in SharedArrayBuffers (the input itself when it already is). */
export function sharePacked(packed: PackedGrids): PackedGrids {
  const share = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => moveTo(sharedArrays, a);
  return {
    ids: share(packed.ids),
    kinds: share(packed.kinds),
    codes: packed.codes,
    gridPartStart: share(packed.gridPartStart),
    partRingStart: share(packed.partRingStart),
    ringVertexStart: share(packed.ringVertexStart),
    coords: share(packed.coords),
  };
}

/** Whether a value is already packed (worker messages and callers may pass either form). */
export function isPackedGrids(value: readonly GridInput[] | PackedGrids): value is PackedGrids {
  return !Array.isArray(value);
}
