// Putting hand-described places (an anchor plus an offset in metres) safely inside a region.
import type { AreaIndex } from './area-index.ts';
import type { LonLat } from './ring-math.ts';
import { metersBetween } from './ring-math.ts';

/**
 * `p` if it lies at least `marginMeters` inside; otherwise the first point that does on the way from
 * `p` towards `toward` (which should itself be well inside), walked in steps of `stepMeters`.
 */
export function pullInside(
  index: AreaIndex,
  p: LonLat,
  toward: LonLat,
  marginMeters: number,
  stepMeters = 50,
): LonLat {
  const distance = metersBetween(p, toward);
  const steps = Math.max(1, Math.ceil(distance / stepMeters));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const q: LonLat = [p[0] + (toward[0] - p[0]) * t, p[1] + (toward[1] - p[1]) * t];
    if (index.containsWithMargin(q[0], q[1], marginMeters)) return q;
  }
  const fallback = index.interiorPoint();
  if (!index.containsWithMargin(fallback[0], fallback[1], Math.min(marginMeters, 1))) {
    throw new Error('pullInside: region too small for the margin');
  }
  return fallback;
}

/**
 * The last point that stays `marginMeters` inside when walking from `from` (inside) towards `to`,
 * e.g. a village's entrance on the road to town.
 */
export function walkToEdge(
  index: AreaIndex,
  from: LonLat,
  to: LonLat,
  marginMeters: number,
  stepMeters = 25,
): LonLat {
  const distance = metersBetween(from, to);
  const steps = Math.max(1, Math.ceil(distance / stepMeters));
  let last = from;
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    const q: LonLat = [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t];
    if (!index.containsWithMargin(q[0], q[1], marginMeters)) break;
    last = q;
  }
  return last;
}

/** Rounds to 1e-7° (about 1 cm) for compact output; callers re-check containment afterwards. */
export function roundLonLat(p: LonLat): LonLat {
  return [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];
}
