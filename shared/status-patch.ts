// Status deltas carry only the fields that changed (a grid whose open reports went up by one is
// `{gridId, openReports}` on the wire, not its 16 fields): how the server makes such a patch and how a
// console applies it. Pure and shared, so both ends agree on what a patch means.
import { GridStatus, RegionStatus, type GridStatusPatch, type RegionStatusPatch } from './realtime.ts';

type Status = GridStatus | RegionStatus;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k])
  );
}

/** The fields of `after` that differ from `before`, with the id; all of `after` when there is no before. */
export function statusPatch(before: GridStatus | undefined, after: GridStatus): GridStatusPatch;
export function statusPatch(before: RegionStatus | undefined, after: RegionStatus): RegionStatusPatch;
export function statusPatch(before: Status | undefined, after: Status): GridStatusPatch | RegionStatusPatch {
  if (!before) return after;
  const patch: Record<string, unknown> = 'gridId' in after ? { gridId: after.gridId } : { code: after.code };
  const was = before as unknown as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  // for…in: no [key, value] array per field (this runs for every changed grid and region per window).
  for (const key in now) {
    if (!sameValue(now[key], was[key])) patch[key] = now[key];
  }
  return patch as GridStatusPatch | RegionStatusPatch;
}

/**
 * The status after a patch: `before` with the patch's fields, or the patch itself when it is whole.
 * Null when there is no `before` and the patch is partial: the receiver is missing state and must
 * resynchronise.
 */
export function applyStatusPatch(before: GridStatus | undefined, patch: GridStatusPatch): GridStatus | null;
export function applyStatusPatch(
  before: RegionStatus | undefined,
  patch: RegionStatusPatch,
): RegionStatus | null;
export function applyStatusPatch(
  before: Status | undefined,
  patch: GridStatusPatch | RegionStatusPatch,
): Status | null {
  if (before) return { ...before, ...patch } as Status;
  const whole = ('gridId' in patch ? GridStatus : RegionStatus).safeParse(patch);
  return whole.success ? whole.data : null;
}
