import { describe, expect, it } from 'vitest';
import {
  classesOf,
  colorOf,
  compareRegionsByRisk,
  countBreaks,
  defaultBreaks,
  legendEntries,
  noDataColor,
  riskColors,
} from './metrics.ts';

describe('metric classes', () => {
  it('makes ascending breaks from the data, starting at 1', () => {
    const breaks = countBreaks([0, 0, 1, 1, 2, 3, 4, 6, 9, 14, 30, 31]);
    expect(breaks[0]).toBe(1);
    for (let i = 1; i < breaks.length; i++) expect(breaks[i]!).toBeGreaterThan(breaks[i - 1]!);
    expect(countBreaks([])).toEqual([1, 2, 5, 10]);
  });

  it('colours values by class, no data apart', () => {
    expect(colorOf('risk', defaultBreaks, 2)).toBe(riskColors[2]);
    expect(colorOf('risk', defaultBreaks, null)).toBe(noDataColor);
    const { colors } = classesOf('arrivals24h', defaultBreaks);
    expect(colorOf('arrivals24h', defaultBreaks, 0)).toBe(colors[0]);
    expect(colorOf('arrivals24h', defaultBreaks, 100)).toBe(colors[colors.length - 1]);
  });

  it('labels every class of the legend', () => {
    const entries = legendEntries('overdue', { ...defaultBreaks, overdue: [1, 2, 5] });
    expect(entries.map((e) => [e.key, e.params])).toEqual([
      ['legend.exact', { from: 0 }],
      ['legend.exact', { from: 1 }],
      ['legend.range', { from: 2, to: 4 }],
      ['legend.atLeast', { from: 5 }],
    ]);
  });

  it('ranks regions most urgent first, with a stable order on ties', () => {
    const region = (code: string, over: Partial<Parameters<typeof compareRegionsByRisk>[0]> = {}) => ({
      code,
      risk: 'low' as const,
      gridsByRisk: { low: 1, medium: 0, high: 0 },
      redNotIsolated: 0,
      red: 0,
      overdue: 0,
      arrivals24h: 0,
      ...over,
    });
    const rows = [
      region('e'),
      region('d', { arrivals24h: 9 }),
      region('c', { risk: 'medium', red: 2 }),
      region('b', { risk: 'medium', red: 2, redNotIsolated: 1 }),
      region('a', { risk: 'high', gridsByRisk: { low: 0, medium: 0, high: 1 } }),
      region('f'),
    ];
    expect([...rows].sort(compareRegionsByRisk).map((r) => r.code)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
