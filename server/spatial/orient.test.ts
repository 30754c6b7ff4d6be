import { describe, expect, it } from 'vitest';
import { orientSign } from './orient.ts';
import { seededRandom } from './testing/synthetic-partition.ts';

/** x as m * 2^e with integer m, exactly. */
function parts(x: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const exponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exponent === 0) return [sign * fraction, -1074n];
  return [sign * (fraction | (1n << 52n)), BigInt(exponent) - 1075n];
}

function exactSign(a: number, b: number, c: number, d: number): number {
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  const [mc, ec] = parts(c);
  const [md, ed] = parts(d);
  const e1 = ea + eb;
  const e2 = ec + ed;
  const low = e1 < e2 ? e1 : e2;
  const value = ((ma * mb) << (e1 - low)) - ((mc * md) << (e2 - low));
  return value > 0n ? 1 : value < 0n ? -1 : 0;
}

describe('orientSign', () => {
  it('matches exact rational arithmetic on near-degenerate products', () => {
    const random = seededRandom(42);
    let nearZero = 0;
    for (let i = 0; i < 20_000; i++) {
      // Differences of coordinates near lon 121 / lat 29, as turf's ring test produces them.
      const a = (random() - 0.5) * 0.01;
      const b = (random() - 0.5) * 0.01;
      const k = random() < 0.5 ? 1 : 1 + (random() - 0.5) * 1e-15;
      const c = a * k;
      const d = i % 3 === 0 ? b : b * (1 + (random() - 0.5) * 1e-15);
      const expected = exactSign(a, b, c, d);
      if (expected === 0 || Math.abs(a * b - c * d) < 1e-20) nearZero++;
      expect(orientSign(a, b, c, d)).toBe(expected);
    }
    expect(nearZero).toBeGreaterThan(1000);
  });

  it('handles zeros and opposite signs', () => {
    expect(orientSign(0, 5, 1, 0)).toBe(0);
    expect(orientSign(1, 2, -1, 2)).toBe(1);
    expect(orientSign(-1, 2, 1, 2)).toBe(-1);
    expect(orientSign(0.1, 0.3, 0.3, 0.1)).toBe(0);
  });
});
