// Lloyd relaxation on a lattice of sample points: each seed moves to the (density-weighted) centroid
// of the samples nearest to it. Sampling replaces exact cell clipping, which is much slower and not
// needed for seeds that only have to look natural.
import { Delaunay } from 'd3-delaunay';
import type { AreaIndex } from './area-index.ts';
import type { Rng } from './prng.ts';
import type { LonLat } from './ring-math.ts';
import { signedArea } from './ring-math.ts';

/** A staggered lattice of about `count` points inside the area (denser if the shape is awkward). */
export function latticeSamples(index: AreaIndex, count: number, kx: number): LonLat[] {
  let projectedArea = 0;
  for (const polygon of index.area) {
    polygon.forEach((ring, i) => (projectedArea += (i === 0 ? 1 : -1) * Math.abs(signedArea(ring)) * kx));
  }
  const { minX, minY, maxX, maxY } = index.bbox;
  let spacing = Math.sqrt(projectedArea / Math.max(count, 1));
  for (let attempt = 0; ; attempt++) {
    const samples: LonLat[] = [];
    const rowHeight = spacing * 0.8660254;
    let row = 0;
    for (let y = minY + rowHeight / 2; y < maxY; y += rowHeight, row++) {
      const shift = row % 2 === 0 ? 0.25 : 0.75;
      for (let x = minX + (spacing * shift) / kx; x < maxX; x += spacing / kx) {
        if (index.contains(x, y)) samples.push([x, y]);
      }
    }
    if (samples.length >= count * 0.5 || attempt >= 6) {
      if (samples.length === 0) throw new Error('latticeSamples: area too small to sample');
      return samples;
    }
    spacing *= 0.6;
  }
}

/** `count` distinct samples drawn with probability proportional to their weight. */
export function pickSeeds(
  rng: Rng,
  samples: readonly LonLat[],
  weights: readonly number[],
  count: number,
): LonLat[] {
  if (samples.length < count) throw new Error(`pickSeeds: ${samples.length} samples for ${count} seeds`);
  // Efraimidis–Spirakis keys: the top `count` of u^(1/w) are a weighted sample without replacement.
  const keyed = samples.map((p, i) => ({
    p,
    key: Math.log(1 - rng.next()) / Math.max(weights[i] ?? 1, 1e-12),
  }));
  keyed.sort((a, b) => b.key - a.key);
  return keyed.slice(0, count).map(({ p }) => p);
}

export interface RelaxOptions {
  kx: number;
  iterations: number;
  /** Relative weight of each sample; higher density draws seeds closer together. */
  weights?: readonly number[];
}

export function relaxSeeds(
  index: AreaIndex,
  seeds: readonly LonLat[],
  samples: readonly LonLat[],
  { kx, iterations, weights }: RelaxOptions,
): LonLat[] {
  let current = seeds.map((p): LonLat => [p[0], p[1]]);
  if (current.length < 2) return current;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const delaunay = Delaunay.from(current.map(([x, y]) => [x * kx, y]));
    const sx = new Float64Array(current.length);
    const sy = new Float64Array(current.length);
    const sw = new Float64Array(current.length);
    let hint = 0;
    samples.forEach(([x, y], s) => {
      const i = delaunay.find(x * kx, y, hint);
      hint = i;
      const w = weights?.[s] ?? 1;
      sx[i] = (sx[i] as number) + x * w;
      sy[i] = (sy[i] as number) + y * w;
      sw[i] = (sw[i] as number) + w;
    });
    current = current.map((p, i) => {
      const w = sw[i] as number;
      if (w <= 0) return p;
      const next: LonLat = [(sx[i] as number) / w, (sy[i] as number) / w];
      // The centroid of a cell of a non-convex area can fall outside it: then stay put.
      return index.contains(next[0], next[1]) ? next : p;
    });
  }
  return current;
}
