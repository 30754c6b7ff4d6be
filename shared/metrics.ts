// The metrics the territorial fill can show: each metric's value per grid (kept in maplibre
// feature-state), its class breaks, colour ramps and legend; the order of risk levels and the township
// ranking. Pure and defined once: the console's map and legend, the big screen and the server (the
// township ranking it serves first) all use these, so that they agree.
import { healthCodeColors, type GridStatus, type RegionStatus, type RiskLevel } from './realtime.ts';

export const metrics = ['risk', 'health', 'arrivals24h', 'overdue', 'openTasks'] as const;
export type Metric = (typeof metrics)[number];
export const isMetric = (value: string): value is Metric => (metrics as readonly string[]).includes(value);

/** Metrics drawn as categories (fixed classes) rather than counts (data-driven breaks). */
export const categoricalMetrics = ['risk', 'health'] as const satisfies readonly Metric[];
export type CountMetric = Exclude<Metric, (typeof categoricalMetrics)[number]>;
export const countMetrics: readonly CountMetric[] = ['arrivals24h', 'overdue', 'openTasks'];
export const isCountMetric = (metric: Metric): metric is CountMetric =>
  (countMetrics as readonly string[]).includes(metric);

/** The feature-state of one grid: one number per metric, so switching metric only swaps the paint. */
export type GridFeatureState = Record<Metric, number>;

/** Risk levels in order of severity (the feature-state value and the ranking key). */
export const riskIndex: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/**
 * Township (or any region) ranking, most urgent first: overall risk, high-risk grids, red codes not
 * isolated, red codes, overdue registrations, arrivals in 24 h, then code for a stable order.
 */
export function compareRegionsByRisk(
  a: Pick<
    RegionStatus,
    'code' | 'risk' | 'gridsByRisk' | 'redNotIsolated' | 'red' | 'overdue' | 'arrivals24h'
  >,
  b: Pick<
    RegionStatus,
    'code' | 'risk' | 'gridsByRisk' | 'redNotIsolated' | 'red' | 'overdue' | 'arrivals24h'
  >,
): number {
  return (
    riskIndex[b.risk] - riskIndex[a.risk] ||
    b.gridsByRisk.high - a.gridsByRisk.high ||
    b.redNotIsolated - a.redNotIsolated ||
    b.red - a.red ||
    b.overdue - a.overdue ||
    b.arrivals24h - a.arrivals24h ||
    a.code.localeCompare(b.code)
  );
}

export function featureStateOf(status: GridStatus): GridFeatureState {
  return {
    risk: riskIndex[status.risk],
    health: status.red > 0 ? 2 : status.yellow > 0 ? 1 : 0,
    arrivals24h: status.arrivals24h,
    overdue: status.overdue,
    openTasks: status.tasksSent + status.tasksAcked,
  };
}

export const metricValue = (metric: Metric, status: GridStatus): number => featureStateOf(status)[metric];

export const noDataColor = '#223442';
export const riskColors = ['#1f7a5c', '#d08a12', '#d62f2f'] as const;
export const healthColors = [healthCodeColors.green, healthCodeColors.yellow, healthCodeColors.red] as const;
/** Zero first, then one colour per class above zero. */
export const countRamp = [
  '#1a3a4c',
  '#1f6f8b',
  '#2a9d8f',
  '#e9c46a',
  '#f4a261',
  '#e76f51',
  '#c1121f',
] as const;

const niceSteps = [1, 2, 3, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000];
const nice = (value: number): number => niceSteps.find((step) => step >= value) ?? Math.ceil(value);

/**
 * Lower bounds of the classes above zero (ascending, first is 1), from the distribution of non-zero
 * values: quantiles rounded to readable numbers. Recomputed on a snapshot, not on every delta, so that
 * a delta repaints only the grids that changed.
 */
export function countBreaks(values: Iterable<number>, maxClasses = countRamp.length - 1): number[] {
  const positive = [...values].filter((v) => v > 0).sort((a, b) => a - b);
  if (positive.length === 0) return [1, 2, 5, 10];
  const breaks = [1];
  for (const q of [0.3, 0.55, 0.75, 0.9, 0.97]) {
    const value = positive[Math.min(positive.length - 1, Math.floor(q * positive.length))]!;
    const candidate = nice(value + 1);
    if (candidate > breaks[breaks.length - 1]! && candidate <= positive[positive.length - 1]!)
      breaks.push(candidate);
    if (breaks.length >= maxClasses) break;
  }
  return breaks;
}

export type Breaks = Record<CountMetric, number[]>;
export const defaultBreaks: Breaks = {
  arrivals24h: [1, 2, 5, 10],
  overdue: [1, 2, 3, 5],
  openTasks: [1, 2, 5, 10],
};

export function breaksFor(statuses: Iterable<GridStatus>): Breaks {
  const values: Record<CountMetric, number[]> = { arrivals24h: [], overdue: [], openTasks: [] };
  for (const status of statuses) {
    const state = featureStateOf(status);
    for (const metric of countMetrics) values[metric].push(state[metric]);
  }
  return {
    arrivals24h: countBreaks(values.arrivals24h),
    overdue: countBreaks(values.overdue),
    openTasks: countBreaks(values.openTasks),
  };
}

/** Thresholds and colours of a metric: a value below the first threshold (no data: -1) is `noDataColor`. */
export function classesOf(metric: Metric, breaks: Breaks): { thresholds: number[]; colors: string[] } {
  if (metric === 'risk') return { thresholds: [0, 1, 2], colors: [...riskColors] };
  if (metric === 'health') return { thresholds: [0, 1, 2], colors: [...healthColors] };
  const b = breaks[metric];
  return { thresholds: [0, ...b], colors: countRamp.slice(0, b.length + 1) };
}

export function colorOf(metric: Metric, breaks: Breaks, value: number | null | undefined): string {
  if (value === null || value === undefined || value < 0) return noDataColor;
  const { thresholds, colors } = classesOf(metric, breaks);
  let color = noDataColor;
  thresholds.forEach((t, i) => {
    if (value >= t) color = colors[i]!;
  });
  return color;
}

export interface LegendEntry {
  color: string;
  /** i18n key and its parameters. */
  key: string;
  params?: Record<string, string | number>;
}

export function legendEntries(metric: Metric, breaks: Breaks): LegendEntry[] {
  if (metric === 'risk')
    return (['low', 'medium', 'high'] as const).map((level, i) => ({
      color: riskColors[i]!,
      key: `risk.${level}`,
    }));
  if (metric === 'health')
    return (['green', 'yellow', 'red'] as const).map((code, i) => ({
      color: healthColors[i]!,
      key: `healthWorst.${code}`,
    }));
  const { thresholds, colors } = classesOf(metric, breaks);
  return thresholds.map((from, i): LegendEntry => {
    const next = thresholds[i + 1];
    const color = colors[i]!;
    if (next === undefined) return { color, key: 'legend.atLeast', params: { from } };
    if (next - 1 === from) return { color, key: 'legend.exact', params: { from } };
    return { color, key: 'legend.range', params: { from, to: next - 1 } };
  });
}

/** Isolation-site colour by occupancy share: room → filling → full. */
export const occupancyColors: [number, [number, number, number]][] = [
  [0, [47, 158, 68]],
  [0.7, [241, 196, 15]],
  [0.9, [224, 49, 49]],
];
export function occupancyColor(occupancy: number, capacity: number): [number, number, number] {
  const share = capacity > 0 ? occupancy / capacity : 1;
  let color = occupancyColors[0]![1];
  for (const [from, c] of occupancyColors) if (share >= from) color = c;
  return color;
}
