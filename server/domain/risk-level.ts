// The documented risk rule for a grid, and region roll-ups (sums over grids plus a count per risk level).
import type { GridStatus, RegionStatus, RiskLevel, StatusCounts } from '../../shared/realtime.ts';

/** Yellow codes above this share of a grid's people make it medium risk. */
export const yellowShareForMedium = 0.02;
/** This many overdue registrations make a grid high risk. */
export const overdueForHigh = 3;

/**
 * high   — any red-code person not isolated at a site, or ≥ 3 overdue registrations;
 * medium — any red code at all (isolated), any overdue or pending registration, or yellow codes above 2%
 *          of the grid's people;
 * low    — otherwise.
 */
export function riskOf(c: StatusCounts): RiskLevel {
  if (c.redNotIsolated > 0 || c.overdue >= overdueForHigh) return 'high';
  const people = c.green + c.yellow + c.red;
  if (
    c.red > 0 ||
    c.overdue > 0 ||
    c.pendingRegistration > 0 ||
    (people > 0 && c.yellow / people > yellowShareForMedium)
  ) {
    return 'medium';
  }
  return 'low';
}

export const zeroCounts = (): StatusCounts => ({
  residents: 0,
  arrivals24h: 0,
  pendingRegistration: 0,
  overdue: 0,
  green: 0,
  yellow: 0,
  red: 0,
  redNotIsolated: 0,
  isolated: 0,
  checkpoints: 0,
  openReports: 0,
  tasksSent: 0,
  tasksAcked: 0,
  tasksDone: 0,
});

export const countKeys = Object.keys(zeroCounts()) as (keyof StatusCounts)[];

export function sameCounts(a: StatusCounts, b: StatusCounts): boolean {
  return countKeys.every((key) => a[key] === b[key]);
}

/** A region's status: its grids' counts summed; its risk is its worst grid's (`riskOfRegion`). */
export function rollUp(code: string, grids: Iterable<GridStatus>): RegionStatus {
  const sum = zeroCounts();
  const gridsByRisk = { low: 0, medium: 0, high: 0 };
  for (const grid of grids) {
    for (const key of countKeys) sum[key] += grid[key];
    gridsByRisk[grid.risk]++;
  }
  return { ...sum, code, risk: riskOfRegion(gridsByRisk), gridsByRisk };
}

/** A region's risk is its worst grid's. */
export const riskOfRegion = (gridsByRisk: RegionStatus['gridsByRisk']): RiskLevel =>
  gridsByRisk.high > 0 ? 'high' : gridsByRisk.medium > 0 ? 'medium' : 'low';

export function sameStatus<T extends StatusCounts & { risk: RiskLevel }>(a: T, b: T): boolean {
  return a.risk === b.risk && sameCounts(a, b);
}
