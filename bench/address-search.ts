// npm run bench:address [-- --quick] [-- --no-http]: address registry search (server/domain/address-index.ts)
// on the FULL-scale registry, 2,000 realistic queries: latency percentiles, build time and memory, result
// quality per kind of query, against a naive linear String.includes scan in the same run; then the same
// queries through GET /api/addresses/search when a PostgreSQL server is reachable (it holds the sessions).
//
// Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gc_dev) for the HTTP part.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import type { AddressRecord } from '../data/generator/dataset.ts';
import { generateDataset } from '../data/generator/generate.ts';
import { AddressIndex, type AddressCandidate, type IndexedAddress } from '../server/domain/address-index.ts';
import { normalizeAddress } from '../server/domain/address-normalize.ts';
import { seededRandom } from '../server/spatial/testing/synthetic-partition.ts';

const quick = process.argv.includes('--quick');
const withHttp = !process.argv.includes('--no-http');
const QUERIES = quick ? 500 : 2000;
const LIMIT = 10;
const TARGET_P95_MS = 20;
const EPOCH = '2026-01-01T08:00:00+08:00';
const COUNTY = '天台县';

const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

type QueryKind = 'exact' | 'variant' | 'prefix' | 'misspelt';

interface Query {
  kind: QueryKind;
  text: string;
  /** Registry row the query was made from. */
  row: number;
  /** What was done to it (for the sample printout). */
  how: string;
}

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';
const toFullWidthDigits = (s: string): string => s.replace(/[0-9]/g, (d) => FULL_WIDTH_DIGITS[Number(d)]!);

/** The registry text without the county, without county + township, or without all three prefixes. */
function withoutPrefixes(a: AddressRecord, depth: 1 | 2 | 3): string {
  let text = a.text.startsWith(COUNTY) ? a.text.slice(COUNTY.length) : a.text;
  if (depth >= 2 && text.startsWith(a.township)) text = text.slice(a.township.length);
  if (depth >= 3 && text.startsWith(a.village)) text = text.slice(a.village.length);
  return text;
}

/** 2,000 queries a clerk or a form would send, drawn from the registry with a fixed seed. */
function makeQueries(addresses: readonly AddressRecord[], count: number, chars: string[]): Query[] {
  const random = seededRandom(20260101);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const kinds: [QueryKind, number][] = [
    ['exact', 0.2],
    ['variant', 0.25],
    ['prefix', 0.3],
    ['misspelt', 0.25],
  ];
  const queries: Query[] = [];
  for (const [kind, share] of kinds) {
    for (let k = 0; k < Math.round(count * share); k++) {
      const row = Math.floor(random() * addresses.length);
      const a = addresses[row]!;
      if (kind === 'exact') {
        queries.push({ kind, row, text: a.text, how: 'registry text' });
      } else if (kind === 'variant') {
        const steps: string[] = [];
        let text = a.text;
        const depth = pick([0, 1, 2, 3] as const);
        if (depth !== 0) {
          text = withoutPrefixes(a, depth);
          steps.push(['', 'no county', 'no county/township', 'no county/township/village'][depth]!);
        } else if (random() < 0.5) {
          text = `浙江省台州市${text}`;
          steps.push('province + city prefix');
        }
        if (random() < 0.6) {
          text = toFullWidthDigits(text);
          steps.push('full-width digits');
        }
        if (a.building && random() < 0.6) {
          text = text.replace('幢', random() < 0.5 ? '栋' : '号楼');
          steps.push('栋/号楼 for 幢');
        }
        if (random() < 0.3) {
          text = text.replace('号', '号 ').replace(a.road, ` ${a.road}`);
          steps.push('spaces');
        }
        if (steps.length === 0) {
          text = toFullWidthDigits(text);
          steps.push('full-width digits');
        }
        queries.push({ kind, row, text, how: steps.join(', ') });
      } else if (kind === 'prefix') {
        // Typing into the autocomplete: from the county, the township, the village or the road on.
        const base = random() < 0.25 ? a.text : withoutPrefixes(a, pick([1, 2, 3] as const));
        const length = 2 + Math.floor(random() * (base.length - 2));
        queries.push({
          kind,
          row,
          text: base.slice(0, length),
          how: `first ${length} of ${base.length} chars`,
        });
      } else {
        const base = random() < 0.5 ? a.text : withoutPrefixes(a, pick([1, 2] as const));
        // One edit in the words (not the numbers): a wrong character, one left out, or two swapped.
        const positions = [...base].map((c, i) => (/[0-9号幢单元室]/.test(c) ? -1 : i)).filter((i) => i >= 0);
        const at = pick(positions);
        const edit = pick(['substitute', 'delete', 'transpose'] as const);
        let text: string;
        if (edit === 'substitute') text = base.slice(0, at) + pick(chars) + base.slice(at + 1);
        else if (edit === 'delete') text = base.slice(0, at) + base.slice(at + 1);
        else if (at + 1 < base.length)
          text = base.slice(0, at) + base[at + 1] + base[at] + base.slice(at + 2);
        else text = base.slice(0, at);
        queries.push({ kind, row, text, how: `${edit} at ${at}` });
      }
    }
  }
  // Interleave the kinds as real traffic would.
  for (let i = queries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [queries[i], queries[j]] = [queries[j]!, queries[i]!];
  }
  return queries;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function latencyLine(label: string, samples: number[]): string {
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return (
    `${label.padEnd(34)} n=${String(samples.length).padStart(4)}  p50 ${percentile(sorted, 50).toFixed(3).padStart(8)}  ` +
    `p95 ${percentile(sorted, 95).toFixed(3).padStart(8)}  p99 ${percentile(sorted, 99).toFixed(3).padStart(8)}  ` +
    `max ${sorted[sorted.length - 1]!.toFixed(3).padStart(8)}  mean ${mean.toFixed(3).padStart(8)} ms`
  );
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The naive baseline: one pass over the pre-normalised registry with String.includes, shortest first. */
function naiveSearch(
  normalized: readonly string[],
  rows: readonly IndexedAddress[],
  query: string,
): number[] {
  const q = normalizeAddress(query);
  if (!q) return [];
  const hits: number[] = [];
  for (let i = 0; i < normalized.length; i++) if (normalized[i]!.includes(q)) hits.push(i);
  hits.sort((a, b) => normalized[a]!.length - normalized[b]!.length || a - b);
  return hits.slice(0, LIMIT).map((i) => rows[i]!.id);
}

interface Quality {
  kind: QueryKind;
  queries: number;
  answered: number;
  top1: number;
  top10: number;
  /** The first result's normalised text contains the normalised query (autocomplete precision). */
  firstContains: number;
}

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `bench:address${quick ? ' --quick' : ''}: Node ${process.version}, ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  let started = performance.now();
  const dataset = generateDataset({ seed: 20200128, scale: 1, epoch: EPOCH });
  const gridIds = new Map(dataset.territorialGrids.map((g, i) => [g.code, i + 1]));
  const rows: IndexedAddress[] = dataset.addresses.map((a, i) => ({
    id: i + 1,
    text: a.text,
    township: a.township,
    village: a.village,
    gridId: gridIds.get(a.gridCode)!,
    lon: a.lon,
    lat: a.lat,
  }));
  console.log(
    `registry: ${rows.length.toLocaleString('en')} addresses (generateDataset scale 1, ${((performance.now() - started) / 1000).toFixed(1)} s, not timed)`,
  );

  // Build, with the heap measured around it.
  gc();
  const before = process.memoryUsage();
  started = performance.now();
  const index = new AddressIndex(rows);
  const buildMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  console.log(
    `AddressIndex build: ${buildMs.toFixed(0)} ms; memory: heapUsed +${mb(after.heapUsed - before.heapUsed)}, ` +
      `arrayBuffers +${mb(after.arrayBuffers - before.arrayBuffers)}, rss +${mb(after.rss - before.rss)}`,
  );

  const chars = [
    ...new Set(rows.slice(0, 20_000).flatMap((r) => [...r.text].filter((c) => /\p{Script=Han}/u.test(c)))),
  ];
  const queries = makeQueries(dataset.addresses, QUERIES, chars);
  console.log(`queries: ${queries.length}; examples:`);
  for (const kind of ['exact', 'variant', 'prefix', 'misspelt'] as const) {
    for (const q of queries.filter((x) => x.kind === kind).slice(0, 2)) {
      console.log(`  ${kind.padEnd(9)} ${q.text}   (${q.how}; target ${dataset.addresses[q.row]!.text})`);
    }
  }

  // Warm-up on other queries (JIT), then every query once, timed one by one.
  for (const q of makeQueries(dataset.addresses, 200, chars)) index.search(q.text, LIMIT);
  const latency: Record<QueryKind | 'all', number[]> = {
    exact: [],
    variant: [],
    prefix: [],
    misspelt: [],
    all: [],
  };
  const answers: AddressCandidate[][] = [];
  for (const q of queries) {
    const t = performance.now();
    const result = index.search(q.text, LIMIT);
    const ms = performance.now() - t;
    answers.push(result);
    latency[q.kind].push(ms);
    latency.all.push(ms);
  }

  // Naive baseline on the same queries, in the same process (time-boxed).
  const normalized = rows.map((r) => normalizeAddress(r.text));
  for (const q of queries.slice(0, 20)) naiveSearch(normalized, rows, q.text);
  const naive: number[] = [];
  const naiveStarted = performance.now();
  let naiveTop10 = 0;
  for (const q of queries) {
    if (performance.now() - naiveStarted > 60_000) break;
    const t = performance.now();
    const ids = naiveSearch(normalized, rows, q.text);
    naive.push(performance.now() - t);
    if (ids.includes(q.row + 1)) naiveTop10++;
  }

  // Result quality: is the address the query was made from first, or in the top 10?
  const quality: Quality[] = (['exact', 'variant', 'prefix', 'misspelt'] as const).map((kind) => ({
    kind,
    queries: 0,
    answered: 0,
    top1: 0,
    top10: 0,
    firstContains: 0,
  }));
  queries.forEach((q, i) => {
    const qq = quality.find((x) => x.kind === q.kind)!;
    const result = answers[i]!;
    qq.queries++;
    if (result.length > 0) qq.answered++;
    // Several registry rows can share one text (after dropping prefixes): any of them counts as first.
    const targetText = normalizeAddress(dataset.addresses[q.row]!.text);
    if (result[0] && (result[0].id === q.row + 1 || normalizeAddress(result[0].text) === targetText))
      qq.top1++;
    if (result.some((c) => c.id === q.row + 1)) qq.top10++;
    if (result[0] && normalizeAddress(result[0].text).includes(normalizeAddress(q.text))) qq.firstContains++;
  });

  console.log(`\nlatency of AddressIndex.search(q, ${LIMIT}), one query at a time:`);
  for (const kind of ['exact', 'variant', 'prefix', 'misspelt'] as const)
    console.log(`  ${latencyLine(kind, latency[kind])}`);
  console.log(`  ${latencyLine('all (engine)', latency.all)}`);
  console.log(`  ${latencyLine('naive includes scan (baseline)', naive)}`);
  const p95 = percentile(Float64Array.from(latency.all).sort(), 95);
  const naiveP95 = percentile(Float64Array.from(naive).sort(), 95);
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `  speed-up of the index over the naive scan (naive / index): p95 ${(naiveP95 / p95).toFixed(2)}x, ` +
      `mean ${(mean(naive) / mean(latency.all)).toFixed(2)}x${naiveP95 < p95 ? ' (below 1: the naive scan is faster)' : ''}` +
      `${naive.length < queries.length ? ` (naive time-boxed: ${naive.length} queries)` : ''}`,
  );

  console.log('\nresult quality (target = the registry address the query was made from):');
  console.log(
    '  kind       queries  answered  target first  target in top 10  first result contains the query',
  );
  for (const q of quality) {
    const pct = (x: number): string => `${((100 * x) / q.queries).toFixed(1)} %`;
    console.log(
      `  ${q.kind.padEnd(9)} ${String(q.queries).padStart(8)} ${pct(q.answered).padStart(9)} ${pct(q.top1).padStart(13)} ${pct(q.top10).padStart(17)} ${pct(q.firstContains).padStart(32)}`,
    );
  }
  console.log(
    `  naive baseline: target in top 10 for ${((100 * naiveTop10) / naive.length).toFixed(1)} % of its ${naive.length} queries (no variants beyond normalisation, no fuzzy)`,
  );

  let httpLine = 'n/a';
  if (withHttp) httpLine = await viaHttp(rows, queries);

  console.log('\ntargets (issue 3), this run:');
  console.log(
    `  ${p95 < TARGET_P95_MS ? 'PASS' : 'MISS'}  search p95 < ${TARGET_P95_MS} ms on the full registry (${rows.length} addresses)   ${p95.toFixed(3)} ms in process` +
      (httpLine === 'n/a' ? '' : `; ${httpLine}`),
  );
  console.log(`\ntotal ${((performance.now() - began) / 1000).toFixed(0)} s`);
}

/** The same queries through GET /api/addresses/search on the real app, with the full registry in memory.
 *  The database (a scratch schema with the 1% dataset) only serves the login and the session lookups. */
async function viaHttp(rows: IndexedAddress[], queries: Query[]): Promise<string> {
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gc_dev';
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch (error) {
    console.log(`\nHTTP route: skipped: no PostgreSQL server at that URL (${(error as Error).message})`);
    return 'n/a';
  } finally {
    await probe.end().catch(() => undefined);
  }
  const { createPool, ensureSchema } = await import('../server/db/database.ts');
  const { migrate } = await import('../server/db/migrate.ts');
  const { loadDataset } = await import('../server/db/dataset-loader.ts');
  const { createApp } = await import('../server/app.ts');
  const { loadConfig } = await import('../server/config.ts');
  const { Assigner } = await import('../server/domain/assigner.ts');
  const { GridIndexHolder } = await import('../server/spatial/grid-index-holder.ts');

  const schema = `bench_address_${randomBytes(4).toString('hex')}`;
  const pool = createPool({ connectionString: url, max: 4 }, schema);
  const password = 'bench-password-1';
  let server: http.Server | undefined;
  try {
    await ensureSchema(pool, schema);
    await migrate(pool);
    await loadDataset(pool, generateDataset({ seed: 20200128, scale: 0.01, epoch: EPOCH }), {
      demoPassword: password,
    });
    const assigner = new Assigner(new GridIndexHolder(), new AddressIndex(rows), new Map());
    const { app } = createApp({
      pool,
      engine: 'postgres',
      config: loadConfig({ NODE_ENV: 'test', DEMO_PASSWORD: password }),
      assigner,
      presence: async () => 0,
      logError: () => undefined,
    });
    const listening = http.createServer(app);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'commander', password }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const get = async (q: string): Promise<{ ms: number; took: number }> => {
      const t = performance.now();
      const res = await fetch(`${base}/api/addresses/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`, {
        headers: { cookie },
      });
      const body = (await res.json()) as { tookMs: number };
      if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, took: body.tookMs };
    };
    for (const q of queries.slice(0, 50)) await get(q.text);
    const total: number[] = [];
    const inRoute: number[] = [];
    for (const q of queries) {
      const { ms, took } = await get(q.text);
      total.push(ms);
      inRoute.push(took);
    }
    console.log(
      `\nthrough GET /api/addresses/search (createApp, session in PostgreSQL, one request at a time):`,
    );
    console.log(`  ${latencyLine('request, client side', total)}`);
    console.log(`  ${latencyLine('tookMs reported by the route', inRoute)}`);
    const p95 = percentile(Float64Array.from(total).sort(), 95);
    return `${p95.toFixed(2)} ms through HTTP`;
  } catch (error) {
    console.log(`\nHTTP route: skipped: ${error instanceof Error ? error.message : String(error)}`);
    return 'n/a';
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await pool.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

await main();
