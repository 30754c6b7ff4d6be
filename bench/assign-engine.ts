// Benchmark of the territorial assignment engine (server/spatial) against turf baselines, in one run on
// the same random points per dataset: engine bulk and single-point throughput, worker pool throughput,
// naive turf loop (time-boxed, extrapolated), flatbush candidates + turf, ratios, build times, memory.
// PostGIS spatial joins are measured on the same grids and points when `postgis` joins are passed
// (bench/assign.ts does, for both database engines); nothing in this module connects to a database.
//
//   node --import tsx bench/assign-engine.ts
//   BENCH_CONFIGS=tiantai-674,province-60k-100v BENCH_POINTS=1000000 node --import tsx bench/assign-engine.ts
import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { FeatureCollection, Polygon } from 'geojson';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GridIndex } from '../server/spatial/grid-index.ts';
import { packGrids } from '../server/spatial/packed-grids.ts';
import type { GridInput } from '../server/spatial/packed-grids.ts';
import { createSpatialWorker, createSpatialWorkerPool } from '../server/spatial/spatial-worker.ts';
import { seededRandom, voronoiPartition } from '../server/spatial/testing/synthetic-partition.ts';
import type { BBox } from '../server/spatial/testing/synthetic-partition.ts';

/** What a PostGIS join is given: the grids and points the engine was measured on, and its answers. */
export interface PostgisJoinInput {
  dataset: string;
  grids: readonly GridInput[];
  xs: Float64Array;
  ys: Float64Array;
  /** The engine's territorial grid id per point (-1 = none), to check agreement against. */
  engineIds: Int32Array;
}

/** One way of running the join, timed. */
export interface PostgisJoinVariant {
  /** 'join': the query as written, the planner's plan; 'tuned': the fastest formulation found;
   *  'end-to-end': points sent from Node and one id per point back, as an application would run it. */
  kind: 'join' | 'tuned' | 'end-to-end';
  label: string;
  pointsPerSecond: number;
  measuredPoints: number;
  seconds: number;
  /** Measured on part of the work and extrapolated (time box). */
  extrapolated: boolean;
  /** Agreement with the engine and plan notes. */
  notes: string[];
}

export type PostgisJoinMeasurement =
  { skipped: string } | { variants: PostgisJoinVariant[]; details: string[] };

/** A PostGIS engine that can time a spatial join of the same points against the same grids. */
export interface PostgisJoin {
  name: string;
  measure(input: PostgisJoinInput): Promise<PostgisJoinMeasurement>;
}

export interface AssignBenchOptions {
  /** Random points per dataset (default 1,000,000). */
  points?: number;
  /** Dataset names to run (default: all). */
  datasets?: string[];
  /** Time box for the naive turf loop, seconds (default 3). */
  naiveSeconds?: number;
  /** Time box for flatbush + turf, seconds (default 20; the full point set when it fits). */
  flatbushSeconds?: number;
  /** Worker threads for the pool measurement (default min(2, cores)). */
  workers?: number;
  /** PostGIS joins to measure on the same data (none: not measured). */
  postgis?: PostgisJoin[];
}

export interface AssignBenchResult {
  dataset: string;
  grids: number;
  verticesPerGrid: number;
  points: number;
  engine: number;
  engineSinglePoint: number;
  pool: number | null;
  poolThreads: number;
  naive: number;
  naiveMeasured: number;
  flatbushTurf: number;
  flatbushMeasured: number;
  flatbushDisagreements: number;
  postgis: { name: string; measurement: PostgisJoinMeasurement }[];
  buildMs: number;
  packMs: number;
  /** The pool's build (the production path), median of 3; `workerThreads` it used. */
  workerBuildMs: number;
  workerThreads: number;
  /** One worker with no helper, median of 3. */
  singleWorkerBuildMs: number;
  workerRoundTripMs: number;
  mainThreadStallMs: number;
  indexBytes: number;
  heapDelta: number;
  arrayBuffersDelta: number;
  boundaryCellShare: number;
}

interface Dataset {
  name: string;
  label: string;
  load: () => Promise<{ grids: GridInput[]; source: string }>;
}

const TIANTAI_BOX: BBox = [120.75, 29.0, 121.35, 29.4];
const PROVINCE_BOX: BBox = [118, 27, 123, 31.2];

/** The colleague's province generator if present (data/generator/province.ts), else our own Voronoi builder. */
async function provinceGrids(
  grids: number,
  verticesPerRing: number | undefined,
): Promise<{ grids: GridInput[]; source: string }> {
  try {
    const module = (await import('../data/generator/province.ts')) as {
      generateProvinceGrids: (o: {
        seed: number;
        grids: number;
        verticesPerRing?: number;
      }) => FeatureCollection<Polygon, { code: string }>;
    };
    const fc = module.generateProvinceGrids({ seed: 20200128, grids, verticesPerRing });
    return {
      grids: fc.features.map((f, i) => ({
        id: i + 1,
        code: f.properties.code,
        kind: 'territorial',
        geometry: f.geometry,
      })),
      source: 'data/generator/province.ts generateProvinceGrids',
    };
  } catch (error) {
    console.warn(`province generator unavailable (${String(error)}); using voronoiPartition`);
    return {
      grids: voronoiPartition({ seed: 20200128, cells: grids, bbox: PROVINCE_BOX, verticesPerRing }),
      source: 'server/spatial/testing voronoiPartition',
    };
  }
}

/** The generated Tiantai territorial grids (real county outline): generateDataset's geometry, which
 *  does not depend on the population scale. */
async function tiantaiGrids(): Promise<{ grids: GridInput[]; source: string }> {
  const { generateDataset } = await import('../data/generator/generate.ts');
  const dataset = generateDataset({ seed: 20200128, scale: 0.001, epoch: '2026-01-01T08:00:00+08:00' });
  const grids = dataset.territorialGrids.map((g, i): GridInput => ({
    id: i + 1,
    code: g.code,
    kind: 'territorial',
    geometry: g.geometry,
  }));
  return { grids, source: 'data/generator generateDataset (territorial grids)' };
}

const DATASETS: Dataset[] = [
  {
    name: 'tiantai-674',
    label: '674 Voronoi grids over 0.6 x 0.4 deg (~6-vertex rings)',
    load: async () => ({
      grids: voronoiPartition({ seed: 20200128, cells: 674, bbox: TIANTAI_BOX }),
      source: 'voronoiPartition',
    }),
  },
  {
    name: 'tiantai-674-100v',
    label: '674 Voronoi grids over 0.6 x 0.4 deg, ~100-vertex rings',
    load: async () => ({
      grids: voronoiPartition({ seed: 20200128, cells: 674, bbox: TIANTAI_BOX, verticesPerRing: 100 }),
      source: 'voronoiPartition',
    }),
  },
  {
    name: 'tiantai-layout',
    label: 'generated Tiantai layout: 643 territorial grids in the real county outline',
    load: tiantaiGrids,
  },
  {
    name: 'province-60k',
    label: '60,000 grids over 5 x 4.2 deg (~6-vertex rings)',
    load: () => provinceGrids(60_000, undefined),
  },
  {
    name: 'province-60k-100v',
    label: '60,000 grids over 5 x 4.2 deg, ~100-vertex rings',
    load: () => provinceGrids(60_000, 100),
  },
];

const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function bboxOf(grids: readonly GridInput[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of grids) {
    const polygons = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
    for (const ring of polygons.flat()) {
      for (const [x, y] of ring as [number, number][]) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
      }
    }
  }
  return box;
}

function randomPoints(n: number, box: BBox, shared: boolean): [Float64Array, Float64Array] {
  const random = seededRandom(7);
  const make = (): Float64Array =>
    shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  const xs = make();
  const ys = make();
  for (let i = 0; i < n; i++) {
    xs[i] = box[0] + random() * (box[2] - box[0]);
    ys[i] = box[1] + random() * (box[3] - box[1]);
  }
  return [xs, ys];
}

/** Runs fn on points [0, i) in blocks until the time box is used up; returns points done and seconds. */
function timeBoxed(seconds: number, total: number, block: number, fn: (from: number, to: number) => void) {
  const started = performance.now();
  let done = 0;
  while (done < total && performance.now() - started < seconds * 1000) {
    const to = Math.min(total, done + block);
    fn(done, to);
    done = to;
  }
  return { done, seconds: (performance.now() - started) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

type ResolvedOptions = AssignBenchOptions & {
  points: number;
  naiveSeconds: number;
  flatbushSeconds: number;
  workers: number;
};

async function benchDataset(dataset: Dataset, options: ResolvedOptions): Promise<AssignBenchResult> {
  const t0 = performance.now();
  const { grids, source } = await dataset.load();
  const generateMs = performance.now() - t0;
  const vertices = grids.reduce((n, g) => {
    const polygons = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
    return n + polygons.flat().reduce((m, ring) => m + ring.length - 1, 0);
  }, 0);
  console.log(`\n=== ${dataset.name}: ${dataset.label}`);
  console.log(
    `    ${grids.length} grids, ${(vertices / grids.length).toFixed(1)} vertices/grid, from ${source} (${(generateMs / 1000).toFixed(1)} s)`,
  );

  // Build in this thread, with memory measured around it.
  gc();
  const before = process.memoryUsage();
  let started = performance.now();
  const packed = packGrids(grids);
  const packMs = performance.now() - started;
  started = performance.now();
  const index = GridIndex.build(packed, 1);
  const buildMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  const stats = index.stats();

  // Build in workers. The production path is the pool: the main thread packs in slices into shared
  // memory, the builder worker builds with its helper (two threads for a large set); the longest
  // event-loop stall meanwhile is what a request arriving during a rebuild would wait. One worker alone
  // (no helper) is printed beside it. Median of 3 builds each, after a warm-up build.
  const { workerBuildMs, workerThreads, workerRoundTripMs, mainThreadStallMs, singleWorkerBuildMs } =
    await (async () => {
      const single = createSpatialWorker();
      const builders = createSpatialWorkerPool({ size: 2 });
      try {
        await single.build(grids.slice(0, 2), 0); // warm up (tsx, JIT)
        await builders.build(grids, 0);
        const singleMs: number[] = [];
        for (let r = 0; r < 3; r++) singleMs.push((await single.build(grids, 1)).buildMs);
        const poolMs: number[] = [];
        const roundTrips: number[] = [];
        let threads = 1;
        const delay = monitorEventLoopDelay({ resolution: 1 });
        delay.enable();
        for (let r = 0; r < 3; r++) {
          const begun = performance.now();
          const built = await builders.buildTimed(grids, 1);
          roundTrips.push(performance.now() - begun);
          poolMs.push(built.buildMs);
          threads = built.threads;
        }
        delay.disable();
        return {
          workerBuildMs: median(poolMs),
          workerThreads: threads,
          workerRoundTripMs: median(roundTrips),
          mainThreadStallMs: delay.max / 1e6,
          singleWorkerBuildMs: median(singleMs),
        };
      } finally {
        await Promise.all([single.terminate(), builders.terminate()]);
      }
    })();

  const n = options.points;
  const [xs, ys] = randomPoints(n, bboxOf(grids), true);

  // Engine, bulk.
  const ids = new Int32Array(n);
  index.assignPoints(xs.subarray(0, Math.min(n, 100_000)), ys.subarray(0, Math.min(n, 100_000)));
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    started = performance.now();
    index.assignPoints(xs, ys, ids);
    runs.push((performance.now() - started) / 1000);
  }
  const engine = n / median(runs);

  // Engine, one call per point (the per-request API).
  started = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += index.territorialIdAt(xs[i]!, ys[i]!);
  const engineSinglePoint = n / ((performance.now() - started) / 1000);
  if (sink === 0.5) console.log(sink); // keep the loop observable

  // Worker pool, shared input and output.
  const poolThreads = options.workers;
  let pool: number | null = null;
  if (poolThreads > 0) {
    const workers = createSpatialWorkerPool({ size: poolThreads });
    const shared = await workers.build(grids, 1);
    await workers.load(shared);
    await workers.assignPoints(xs.subarray(0, 1000), ys.subarray(0, 1000));
    const poolRuns: number[] = [];
    for (let r = 0; r < 3; r++) {
      started = performance.now();
      const answer = await workers.assignPoints(xs, ys);
      poolRuns.push((performance.now() - started) / 1000);
      if (answer.ids[0] !== ids[0]) throw new Error('pool and engine disagree');
    }
    pool = n / median(poolRuns);
    await workers.terminate();
  }

  // Naive turf loop: every point against every polygon (no early exit: that is also what finding
  // all containing grids, or detecting a double claim on a boundary, takes).
  const geometries = grids.map((g) => g.geometry);
  let naiveHits = 0;
  const naiveRun = timeBoxed(options.naiveSeconds, n, 10, (from, to) => {
    for (let i = from; i < to; i++) {
      const point = [xs[i]!, ys[i]!];
      for (let g = 0; g < geometries.length; g++)
        if (booleanPointInPolygon(point, geometries[g]!)) naiveHits++;
    }
  });
  if (naiveHits < 0) console.log(naiveHits);
  const naive = naiveRun.done / naiveRun.seconds;

  // flatbush candidates by bounding box, then turf on each candidate (first hit wins).
  const tree = new Flatbush(grids.length);
  for (const g of grids) {
    const [x0, y0, x1, y1] = bboxOf([g]);
    tree.add(x0, y0, x1, y1);
  }
  tree.finish();
  const turfIds = new Int32Array(n).fill(-1);
  const flatbushRun = timeBoxed(options.flatbushSeconds, n, 10_000, (from, to) => {
    for (let i = from; i < to; i++) {
      const point = [xs[i]!, ys[i]!];
      for (const c of tree.search(xs[i]!, ys[i]!, xs[i]!, ys[i]!)) {
        if (booleanPointInPolygon(point, geometries[c]!)) {
          turfIds[i] = grids[c]!.id;
          break;
        }
      }
    }
  });
  const flatbushTurf = flatbushRun.done / flatbushRun.seconds;
  let flatbushDisagreements = 0;
  for (let i = 0; i < flatbushRun.done; i++) if (turfIds[i] !== ids[i]) flatbushDisagreements++;

  // PostGIS joins on the same grids and points, one engine after the other.
  const postgis: AssignBenchResult['postgis'] = [];
  for (const join of options.postgis ?? []) {
    let measurement: PostgisJoinMeasurement;
    try {
      measurement = await join.measure({ dataset: dataset.name, grids, xs, ys, engineIds: ids });
    } catch (error) {
      measurement = { skipped: error instanceof Error ? error.message : String(error) };
    }
    postgis.push({ name: join.name, measurement });
  }

  const result: AssignBenchResult = {
    dataset: dataset.name,
    grids: grids.length,
    verticesPerGrid: vertices / grids.length,
    points: n,
    engine,
    engineSinglePoint,
    pool,
    poolThreads,
    naive,
    naiveMeasured: naiveRun.done,
    flatbushTurf,
    flatbushMeasured: flatbushRun.done,
    flatbushDisagreements,
    postgis,
    buildMs,
    packMs,
    workerBuildMs,
    workerThreads,
    singleWorkerBuildMs,
    workerRoundTripMs,
    mainThreadStallMs,
    indexBytes: stats.byteLength,
    heapDelta: after.heapUsed - before.heapUsed,
    arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
    boundaryCellShare: stats.boundaryCellShare,
  };
  console.log(
    [
      `    engine (bulk assignPoints, 1 thread)   ${fmt(engine)} points/s  (median of 3 x ${fmt(n)})`,
      `    engine (territorialIdAt per point)     ${fmt(engineSinglePoint)} points/s`,
      `    worker pool (${poolThreads} threads, shared memory) ${pool === null ? 'n/a' : `${fmt(pool)} points/s`}`,
      `    naive turf loop                        ${fmt(naive)} points/s  (${naiveRun.done} points in ${naiveRun.seconds.toFixed(1)} s, extrapolated)`,
      `    flatbush + turf                        ${fmt(flatbushTurf)} points/s  (${flatbushRun.done} points, ${flatbushDisagreements} disagree with the engine)`,
      ...(postgis.length === 0
        ? ['    PostGIS spatial join                   not measured (no joins passed)']
        : []),
      ...postgis.flatMap(({ name, measurement: m }) =>
        'skipped' in m
          ? [`    PostGIS ${name}: skipped: ${m.skipped}`]
          : [
              `    PostGIS ${name}:`,
              ...m.details.map((line) => `        ${line}`),
              ...m.variants.flatMap((v) => [
                `        ${v.label.padEnd(44)} ${fmt(v.pointsPerSecond)} points/s  (${v.measuredPoints} points in ${v.seconds.toFixed(2)} s${v.extrapolated ? ', time-boxed, extrapolated' : ''}); engine/this ${(engine / v.pointsPerSecond).toFixed(1)}x`,
                ...v.notes.map((note) => `            ${note}`),
              ]),
            ],
      ),
      `    ratios: engine/naive ${(engine / naive).toFixed(0)}x, engine/(flatbush+turf) ${(engine / flatbushTurf).toFixed(1)}x`,
      `    build: ${buildMs.toFixed(0)} ms in this thread (+ ${packMs.toFixed(0)} ms packGrids); in the worker pool ${workerBuildMs.toFixed(0)} ms on ${workerThreads} thread${workerThreads > 1 ? 's' : ''} (${workerRoundTripMs.toFixed(0)} ms round trip incl. packing; longest main-thread stall meanwhile ${mainThreadStallMs.toFixed(0)} ms); one worker alone ${singleWorkerBuildMs.toFixed(0)} ms (medians of 3)`,
      `    memory: index ${mb(stats.byteLength)} typed arrays; heapUsed ${mb(result.heapDelta)}, arrayBuffers ${mb(result.arrayBuffersDelta)} delta after build; raster ${stats.rasterCols} x ${stats.rasterRows}, ${(stats.boundaryCellShare * 100).toFixed(1)} % boundary cells, ${stats.edges} unique edges`,
    ].join('\n'),
  );
  return result;
}

export async function runAssignBench(options: AssignBenchOptions = {}): Promise<AssignBenchResult[]> {
  const resolved: ResolvedOptions = {
    ...options,
    points: options.points ?? 1_000_000,
    naiveSeconds: options.naiveSeconds ?? 3,
    flatbushSeconds: options.flatbushSeconds ?? 20,
    workers: options.workers ?? Math.min(2, os.availableParallelism()),
  };
  const selected = DATASETS.filter((d) => !options.datasets || options.datasets.includes(d.name));
  console.log(
    `assign-engine bench: Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const results: AssignBenchResult[] = [];
  for (const dataset of selected) {
    try {
      results.push(await benchDataset(dataset, resolved));
    } catch (error) {
      console.warn(`    skipped ${dataset.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    gc();
  }
  console.log('\nsummary (points/s)');
  console.log(
    'dataset              grids  v/grid   engine   pool   per-point   naive turf  flatbush+turf  eng/naive  eng/fb+turf  build ms  worker ms  stall ms  index',
  );
  for (const r of results) {
    console.log(
      [
        r.dataset.padEnd(18),
        String(r.grids).padStart(7),
        r.verticesPerGrid.toFixed(0).padStart(6),
        fmt(r.engine).padStart(8),
        (r.pool === null ? 'n/a' : fmt(r.pool)).padStart(7),
        fmt(r.engineSinglePoint).padStart(10),
        fmt(r.naive).padStart(11),
        fmt(r.flatbushTurf).padStart(13),
        `${(r.engine / r.naive).toFixed(0)}x`.padStart(10),
        `${(r.engine / r.flatbushTurf).toFixed(1)}x`.padStart(11),
        r.buildMs.toFixed(0).padStart(9),
        r.workerBuildMs.toFixed(0).padStart(10),
        r.mainThreadStallMs.toFixed(0).padStart(9),
        mb(r.indexBytes).padStart(11),
      ].join(' '),
    );
  }
  const joins = results.flatMap((r) => r.postgis.map((p) => ({ result: r, ...p })));
  if (joins.length > 0) {
    console.log('\nPostGIS spatial joins (points/s; GiST on grids and points; same points as above)');
    console.log(
      'dataset            PostGIS engine                                   join (as written)   tuned join   end to end   engine/join  engine/tuned  engine/e2e',
    );
    for (const { result: r, name, measurement: m } of joins) {
      if ('skipped' in m) {
        console.log(`${r.dataset.padEnd(18)} ${name.padEnd(48)} skipped: ${m.skipped}`);
        continue;
      }
      const variant = (kind: PostgisJoinVariant['kind']) => m.variants.find((v) => v.kind === kind);
      const figure = (v: PostgisJoinVariant | undefined): string =>
        v ? `${fmt(v.pointsPerSecond)}${v.extrapolated ? '*' : ''}` : 'n/a';
      const ratio = (v: PostgisJoinVariant | undefined): string =>
        v ? `${(r.engine / v.pointsPerSecond).toFixed(1)}x` : 'n/a';
      console.log(
        [
          r.dataset.padEnd(18),
          name.padEnd(48),
          figure(variant('join')).padStart(18),
          figure(variant('tuned')).padStart(12),
          figure(variant('end-to-end')).padStart(12),
          ratio(variant('join')).padStart(12),
          ratio(variant('tuned')).padStart(13),
          ratio(variant('end-to-end')).padStart(11),
        ].join(' '),
      );
    }
    console.log('* measured on part of the points or grids (time box) and extrapolated');
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const datasets = process.env.BENCH_CONFIGS?.split(',').filter(Boolean);
  await runAssignBench({
    points: process.env.BENCH_POINTS ? Number(process.env.BENCH_POINTS) : undefined,
    datasets,
  });
}
