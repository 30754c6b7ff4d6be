// Time helpers: every generated timestamp is an offset from the dataset's epoch, so a fixed epoch
// gives identical output and a loader can pass "now" to get fresh-looking data.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** China Standard Time has no daylight saving: dates are always taken at UTC+8. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;

export function epochMs(epoch: string): number {
  const ms = Date.parse(epoch);
  if (!Number.isFinite(ms)) throw new Error(`invalid epoch: ${epoch}`);
  return ms;
}

/** ISO 8601 in UTC with milliseconds, e.g. 2025-12-20T03:14:15.926Z. */
export function isoAt(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** The calendar date (YYYY-MM-DD) in China at the instant `ms`. */
export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
