// The compact wire form of `status:delta` (protocol 3): a push is written to every socket of its room,
// so its bytes are paid once per console. Status patches travel as numeric arrays whose field numbers
// follow the fixed order declared here from the schemas; entity events as tuples. Both ends use these
// functions: the server encodes, consoles decode into the object forms of shared/realtime.ts.
import { z } from 'zod';
import {
  EntityEvent,
  GridFeature,
  riskLevels,
  StatusCounts,
  type EnvelopeOf,
  type GridStatusPatch,
  type RegionStatusPatch,
  type StatusDelta,
} from './realtime.ts';

const countFields = Object.keys(StatusCounts.shape) as (keyof StatusCounts)[];

/** Field numbers of a grid status patch: the counts in schema order, then `risk` (its riskLevels index). */
export const gridWireFields = [...countFields, 'risk'] as const;
/** Field numbers of a region status patch: a grid's, then `gridsByRisk` low, medium, high. */
export const regionWireFields = [...gridWireFields, 'gridsLow', 'gridsMedium', 'gridsHigh'] as const;
const riskField = countFields.length;
const gridsLowField = riskField + 1;

/** `[gridId, field, value, field, value, …]`: the fields of a grid's status that changed. */
export const WireGridPatch = z.array(z.number().int());
export type WireGridPatch = z.infer<typeof WireGridPatch>;
/** `[code, field, value, …]`: the same for a region roll-up. */
export const WireRegionPatch = z.tuple([z.string()]).rest(z.number().int());
export type WireRegionPatch = z.infer<typeof WireRegionPatch>;

export const entityTypes = EntityEvent.shape.type.options;
/** `[seq, at (ms since the epoch), type (index in entityTypes), gridId, data]`. */
export const WireEntityEvent = z.tuple([
  z.number().int(),
  z.number().int(),
  z
    .number()
    .int()
    .min(0)
    .max(entityTypes.length - 1),
  z.number().int().nullable(),
  EntityEvent.shape.data,
]);
export type WireEntityEvent = z.infer<typeof WireEntityEvent>;

export const WireStatusDelta = z.object({
  grids: z.array(WireGridPatch),
  regions: z.array(WireRegionPatch),
  fromSeq: z.number().int(),
  events: z.array(WireEntityEvent),
  gridShapes: z.array(GridFeature).optional(),
});
export type WireStatusDelta = z.infer<typeof WireStatusDelta>;

type Values = Record<string, unknown>;

function encodeFields(out: (number | string)[], patch: Values, withGridsByRisk: boolean): void {
  for (let i = 0; i < countFields.length; i++) {
    const value = patch[countFields[i]!];
    if (value !== undefined) out.push(i, value as number);
  }
  if (patch.risk !== undefined) out.push(riskField, riskLevels.indexOf(patch.risk as never));
  const byRisk = patch.gridsByRisk as { low: number; medium: number; high: number } | undefined;
  if (withGridsByRisk && byRisk)
    out.push(gridsLowField, byRisk.low, gridsLowField + 1, byRisk.medium, gridsLowField + 2, byRisk.high);
}

export function encodeGridPatch(patch: GridStatusPatch): WireGridPatch {
  const out: number[] = [patch.gridId];
  encodeFields(out, patch, false);
  return out;
}

export function encodeRegionPatch(patch: RegionStatusPatch): WireRegionPatch {
  const out: [string, ...number[]] = [patch.code];
  encodeFields(out, patch, true);
  return out;
}

export const encodeEntityEvent = (e: EntityEvent): WireEntityEvent => [
  e.seq,
  Date.parse(e.at),
  entityTypes.indexOf(e.type),
  e.gridId,
  e.data,
];

/** Null when a field number or value is out of range (another protocol's push): resynchronise. */
function decodeFields(wire: readonly (number | string)[], into: Values, regionFields: boolean): boolean {
  const last = regionFields ? gridsLowField + 2 : riskField;
  if (wire.length % 2 !== 1) return false;
  let byRisk: { low: number; medium: number; high: number } | null = null;
  for (let i = 1; i < wire.length; i += 2) {
    const field = wire[i] as number;
    const value = wire[i + 1] as number;
    if (!(field >= 0 && field <= last)) return false;
    if (field < riskField) into[countFields[field]!] = value;
    else if (field === riskField) {
      const risk = riskLevels[value];
      if (risk === undefined) return false;
      into.risk = risk;
    } else {
      byRisk ??= { low: NaN, medium: NaN, high: NaN };
      byRisk[(['low', 'medium', 'high'] as const)[field - gridsLowField]!] = value;
    }
  }
  if (byRisk) {
    // gridsByRisk is sent whole (all three) or not at all.
    if (Number.isNaN(byRisk.low) || Number.isNaN(byRisk.medium) || Number.isNaN(byRisk.high)) return false;
    into.gridsByRisk = byRisk;
  }
  return true;
}

export function decodeGridPatch(wire: WireGridPatch): GridStatusPatch | null {
  const patch: Values = { gridId: wire[0] };
  return decodeFields(wire, patch, false) ? (patch as GridStatusPatch) : null;
}

export function decodeRegionPatch(wire: WireRegionPatch): RegionStatusPatch | null {
  const patch: Values = { code: wire[0] };
  return decodeFields(wire, patch, true) ? (patch as RegionStatusPatch) : null;
}

export const decodeEntityEvent = (w: WireEntityEvent): EntityEvent => ({
  seq: w[0],
  at: new Date(w[1]).toISOString(),
  type: entityTypes[w[2]]!,
  gridId: w[3],
  data: w[4],
});

export function encodeStatusDelta(delta: StatusDelta): WireStatusDelta {
  return {
    grids: delta.grids.map(encodeGridPatch),
    regions: delta.regions.map(encodeRegionPatch),
    fromSeq: delta.fromSeq,
    events: delta.events.map(encodeEntityEvent),
    ...(delta.gridShapes ? { gridShapes: delta.gridShapes } : {}),
  };
}

/** The object form of a (schema-checked) wire delta; null when a patch does not decode. */
export function decodeStatusDelta(wire: WireStatusDelta): StatusDelta | null {
  const grids: GridStatusPatch[] = [];
  for (const g of wire.grids) {
    const patch = decodeGridPatch(g);
    if (!patch) return null;
    grids.push(patch);
  }
  const regions: RegionStatusPatch[] = [];
  for (const r of wire.regions) {
    const patch = decodeRegionPatch(r);
    if (!patch) return null;
    regions.push(patch);
  }
  return {
    grids,
    regions,
    fromSeq: wire.fromSeq,
    events: wire.events.map(decodeEntityEvent),
    ...(wire.gridShapes ? { gridShapes: wire.gridShapes } : {}),
  };
}

// ---- reading a push as it arrives -----------------------------------------------------------------------
// What `Envelope(WireStatusDelta).safeParse` + `decodeStatusDelta` do, in one pass over the push and
// without zod's per-element machinery: a console reads every push (zod took ~4 ms for a push of 60 events
// and 140 patches; this takes a small fraction of it). The unit test holds it to the zod schema: it
// accepts what the schema accepts and refuses what it refuses. Grid shapes (rare) are checked by zod.

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function readPatch(raw: unknown, regionFields: boolean): Values | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const id = raw[0];
  if (regionFields ? typeof id !== 'string' : !isInt(id)) return null;
  for (let i = 1; i < raw.length; i++) if (!isInt(raw[i])) return null;
  const patch: Values = regionFields ? { code: id } : { gridId: id };
  return decodeFields(raw as (number | string)[], patch, regionFields) ? patch : null;
}

function readData(raw: unknown): EntityEvent['data'] | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  for (const key in raw) {
    const v = (raw as Record<string, unknown>)[key];
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return null;
  }
  return raw as EntityEvent['data'];
}

function readEvent(raw: unknown): EntityEvent | null {
  if (!Array.isArray(raw) || raw.length !== 5) return null;
  const [seq, atMs, type, gridId, data] = raw as unknown[];
  if (!isInt(seq) || !isInt(atMs) || !isInt(type) || !(gridId === null || isInt(gridId))) return null;
  const typeName = entityTypes[type];
  const at = new Date(atMs);
  const checked = readData(data);
  if (typeName === undefined || Number.isNaN(at.getTime()) || !checked) return null;
  return { seq, at: at.toISOString(), type: typeName, gridId, data: checked };
}

/** A `status:delta` payload as received: its object form, or null when it is not a valid wire delta. */
export function readStatusDelta(raw: unknown): StatusDelta | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { grids, regions, fromSeq, events, gridShapes } = raw as Record<string, unknown>;
  if (!isInt(fromSeq) || !Array.isArray(grids) || !Array.isArray(regions) || !Array.isArray(events))
    return null;
  const out: StatusDelta = { grids: [], regions: [], fromSeq, events: [] };
  for (const g of grids) {
    const patch = readPatch(g, false);
    if (!patch) return null;
    out.grids.push(patch as GridStatusPatch);
  }
  for (const r of regions) {
    const patch = readPatch(r, true);
    if (!patch) return null;
    out.regions.push(patch as RegionStatusPatch);
  }
  for (const e of events) {
    const event = readEvent(e);
    if (!event) return null;
    out.events.push(event);
  }
  if (gridShapes !== undefined) {
    const shapes = z.array(GridFeature).safeParse(gridShapes);
    if (!shapes.success) return null;
    out.gridShapes = shapes.data;
  }
  return out;
}

/** A whole `status:delta` envelope as received (see `readStatusDelta`). */
export function readDeltaEnvelope(raw: unknown): EnvelopeOf<StatusDelta> | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { v, seq, at, type, payload } = raw as Record<string, unknown>;
  if (!isInt(v) || !isInt(seq) || typeof at !== 'string' || typeof type !== 'string') return null;
  const delta = readStatusDelta(payload);
  return delta ? { v, seq, at, type, payload: delta } : null;
}
