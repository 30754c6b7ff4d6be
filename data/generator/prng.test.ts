import { describe, expect, it } from 'vitest';
import { hash32, Rng } from './prng.ts';

describe('Rng', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    const a = new Rng(42, 'persons');
    const b = new Rng(42, 'persons');
    const xs = Array.from({ length: 100 }, () => a.uint32());
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(xs);
  });

  it('gives independent sequences for other seeds and streams', () => {
    const base = Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.uint32()
      )(new Rng(42, 'persons')),
    );
    const otherStream = Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.uint32()
      )(new Rng(42, 'grids')),
    );
    const otherSeed = Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.uint32()
      )(new Rng(43, 'persons')),
    );
    expect(otherStream).not.toEqual(base);
    expect(otherSeed).not.toEqual(base);
  });

  it('keeps draws in range and roughly uniform', () => {
    const rng = new Rng(7, 'uniform');
    const buckets = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      buckets[Math.floor(x * 10)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(3, 5)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  it('draws weighted indices in proportion', () => {
    const rng = new Rng(1, 'weights');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weightedIndex([1, 2, 0])]!++;
    expect(counts[2]).toBe(0);
    expect(counts[1]! / counts[0]!).toBeGreaterThan(1.8);
    expect(counts[1]! / counts[0]!).toBeLessThan(2.2);
  });

  it('hashes stream names stably', () => {
    expect(hash32('persons')).toBe(hash32('persons'));
    expect(hash32('persons')).not.toBe(hash32('person'));
  });
});
