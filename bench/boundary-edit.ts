// npm run bench:boundary [-- --engine server|embedded|both] [-- --scale 1] [-- --residents 5000] [-- --rounds 3]
// How long a planner waits to validate and to commit a boundary change of a grid holding 5,000 residents,
// through the real HTTP API on each database engine.
//
// Per engine: a fresh schema with the Tiantai dataset (scale 1 by default: 233,603 addresses, 600,000
// people), the territorial grid with the most residents that a west–east line through the median
// latitude of its addresses cuts in two, topped up to --residents residents at its own addresses (counters recomputed). Then, as
// the planner: previews of the split (PostGIS validation + impact, server-side validationMs/previewMs and
// the wall time seen by the client), and --rounds split commits each followed by the merge commit that
// undoes it (new revisions, reassignment of addresses and people, counters, event, index rebuild).
//
// Database: server = DATABASE_URL, else postgres://postgres@127.0.0.1:5432/gc_dev; embedded = a fresh
// embedded engine (cold start 20–35 s). Schemas are dropped at the end. Prints figures; exits 0.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateDataset } from '../data/generator/generate.ts';
import { loadConfig } from '../server/config.ts';
import { startConsoleServer } from '../server/console-server.ts';
import { loadAssigner } from '../server/db/assigner.repo.ts';
import { createPool, ensureSchema, type Engine } from '../server/db/database.ts';
import { loadDataset } from '../server/db/dataset-loader.ts';
import { startEmbeddedPostgis } from '../server/db/embedded/embedded-postgis.ts';
import { recomputeGridStatus } from '../server/db/grid-status.repo.ts';
import { migrate } from '../server/db/migrate.ts';
import { BoundaryCommitResult, BoundaryPreview } from '../shared/boundaries.ts';
import type { AreaGeometry } from '../shared/geojson.ts';
import { idNumberCheckChar } from '../shared/id-number.ts';

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const engineArg = argValue('engine') ?? 'both';
const scale = Number(argValue('scale') ?? 1);
const targetResidents = Number(argValue('residents') ?? 5000);
const rounds = Math.max(1, Number(argValue('rounds') ?? 3));
const previews = 5;
const demoPassword = 'bench-boundary-1';
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gc_dev';

const log = (line: string): void => console.log(line);
const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const list = (values: number[]): string => values.map((v) => Math.round(v)).join(', ');

interface Subject {
  id: number;
  code: string;
  villageCode: string;
  revision: number;
  residents: number;
  addresses: number;
  north: AreaGeometry;
  south: AreaGeometry;
  original: AreaGeometry;
}

/** The most populated territorial grid that a west–east line through its addresses' median latitude cuts in two. */
async function pickSubject(pool: pg.Pool): Promise<Subject> {
  const { rows } = await pool.query<Subject>(
    `WITH g AS (
       SELECT g.id, g.code, g.village_code, g.revision, g.geom AS poly,
              (SELECT ST_MakePoint(0, percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Y(a.geom)))
               FROM addresses a WHERE a.grid_id = g.id) AS c,
              (SELECT count(*) FROM occupants o WHERE o.grid_id = g.id AND o.kind = 'resident')::int AS residents,
              (SELECT count(*) FROM addresses a WHERE a.grid_id = g.id)::int AS addresses
       FROM grids g WHERE g.kind = 'territorial' AND g.retired_at IS NULL),
     cut AS (
       SELECT g.*, ST_Split(g.poly, ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_XMin(poly) - 1, ST_Y(c)),
                                                         ST_MakePoint(ST_XMax(poly) + 1, ST_Y(c))), 4326)) AS parts
       FROM g)
     SELECT id, code, village_code AS "villageCode", revision, residents, addresses,
            ST_AsGeoJSON(ST_GeometryN(parts, 1), 15)::json AS north,
            ST_AsGeoJSON(ST_GeometryN(parts, 2), 15)::json AS south,
            ST_AsGeoJSON(poly, 15)::json AS original
     FROM cut WHERE c IS NOT NULL AND ST_NumGeometries(parts) = 2
     ORDER BY residents DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no territorial grid can be split by a line through its addresses');
  return rows[0];
}

/** Adds residents at the grid's own addresses until it holds `target`; returns how many were added. */
async function topUp(pool: pg.Pool, subject: Subject, target: number): Promise<number> {
  const missing = target - subject.residents;
  if (missing <= 0) return 0;
  const ids: string[] = [];
  const phones: string[] = [];
  const birth = Date.UTC(1960, 0, 1);
  for (let i = 0; i < missing; i++) {
    // Unique per row: 999 sequence numbers per birth date.
    const date = new Date(birth + Math.floor(i / 999) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const body = `331199${date}${String(1 + (i % 999)).padStart(3, '0')}`;
    ids.push(body + idNumberCheckChar(body));
    phones.push(`139${String(10_000_000 + i).slice(-8)}`);
  }
  await pool.query('BEGIN');
  try {
    await pool.query(
      `INSERT INTO occupants (id_number, name, phone, address_id, grid_id, kind, health_code, status, registered_at)
       SELECT t.id_number, '压测居民' || t.n, t.phone, a.id, $1, 'resident', 'green', 'at_home', now()
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(id_number, phone, n)
       JOIN LATERAL (
         SELECT id FROM addresses WHERE grid_id = $1 ORDER BY id
         OFFSET (t.n - 1) % GREATEST((SELECT count(*) FROM addresses WHERE grid_id = $1), 1) LIMIT 1
       ) a ON true
       ON CONFLICT (id_number) DO NOTHING`,
      [subject.id, ids, phones],
    );
    await recomputeGridStatus(pool, [subject.id]);
    await pool.query('COMMIT');
  } catch (error) {
    await pool.query('ROLLBACK');
    throw error;
  }
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM occupants WHERE grid_id = $1 AND kind = 'resident'`,
    [subject.id],
  );
  const added = rows[0]!.n - subject.residents;
  subject.residents = rows[0]!.n;
  return added;
}

async function login(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'planner', password: demoPassword }),
  });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function post(
  baseUrl: string,
  cookie: string,
  path: string,
  body: unknown,
): Promise<{ ms: number; json: unknown }> {
  const started = performance.now();
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  const ms = performance.now() - started;
  if (res.status !== 200)
    throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 400)}`);
  return { ms, json };
}

async function openEngine(engine: Engine): Promise<{ connection: pg.PoolConfig; stop: () => Promise<void> }> {
  if (engine === 'postgres')
    return { connection: { connectionString: serverUrl, max: 4 }, stop: async () => {} };
  log('  starting the embedded engine …');
  const embedded = await startEmbeddedPostgis({});
  return {
    // The embedded engine has one session: one connection.
    connection: { host: '127.0.0.1', port: embedded.port, user: 'postgres', database: 'postgres', max: 1 },
    stop: () => embedded.stop(),
  };
}

async function runEngine(engine: Engine): Promise<void> {
  log(
    `\n== ${engine === 'postgres' ? `PostgreSQL server (${serverUrl.replace(/\/\/[^@]*@/, '//…@')})` : 'embedded engine'}`,
  );
  const { connection, stop } = await openEngine(engine);
  const schema = `bench_boundary_${randomBytes(4).toString('hex')}`;
  const pool = createPool(connection, schema);
  let server: Awaited<ReturnType<typeof startConsoleServer>> | undefined;
  try {
    await ensureSchema(pool, schema);
    await migrate(pool);
    let t = performance.now();
    const dataset = generateDataset({ seed: 20200128, scale, epoch: new Date().toISOString() });
    await loadDataset(pool, dataset, { demoPassword });
    log(
      `  dataset scale ${scale}: ${dataset.addresses.length.toLocaleString('en')} addresses, ${dataset.persons.length.toLocaleString('en')} people, loaded in ${seconds(performance.now() - t)} s`,
    );
    const subject = await pickSubject(pool);
    const before = subject.residents;
    const added = await topUp(pool, subject, targetResidents);
    log(
      `  grid ${subject.code} (${subject.addresses} addresses): ${before} residents` +
        (added > 0 ? ` + ${added} added at its addresses = ${subject.residents}` : ''),
    );

    server = await startConsoleServer({
      pool,
      engine,
      config: loadConfig({ NODE_ENV: 'test', DEMO_PASSWORD: demoPassword }),
      assigner: await loadAssigner(pool),
      port: 0,
      host: '127.0.0.1',
      logError: (error) => log(`  server error: ${(error as Error).message}`),
    });
    const cookie = await login(server.url);
    const baseUrl = server.url;

    let revision = subject.revision;
    const splitBody = (round: number) => ({
      changes: [
        { op: 'update' as const, gridId: subject.id, geometry: subject.north },
        {
          op: 'create' as const,
          code: `${subject.code.slice(0, 12)}-${90 + round}`,
          name: `拆分网格${round + 1}`,
          villageCode: subject.villageCode,
          geometry: subject.south,
        },
      ],
      baseRevisions: { [String(subject.id)]: revision },
      kind: 'split' as const,
    });

    const wall: number[] = [];
    const validation: number[] = [];
    const impact: number[] = [];
    let moving = 0;
    for (let i = 0; i < previews; i++) {
      const { ms, json } = await post(baseUrl, cookie, '/api/boundaries/preview', splitBody(0));
      const preview = BoundaryPreview.parse(json);
      wall.push(ms);
      validation.push(preview.validationMs);
      impact.push(preview.previewMs);
      moving = preview.totals.residents;
    }
    log(
      `  preview of the split (${moving} residents would move), ${previews} runs: wall median ${Math.round(median(wall))} ms [${list(wall)}]; ` +
        `server validation ${Math.round(median(validation))} ms [${list(validation)}], impact ${Math.round(median(impact))} ms [${list(impact)}]`,
    );

    const splits: number[] = [];
    const splitServer: number[] = [];
    const merges: number[] = [];
    const mergeServer: number[] = [];
    for (let round = 0; round < rounds; round++) {
      t = performance.now();
      const split = BoundaryCommitResult.parse(
        (await post(baseUrl, cookie, '/api/boundaries/commit', { ...splitBody(round), reason: '压测：拆分' }))
          .json,
      );
      splits.push(performance.now() - t);
      splitServer.push(split.commitMs);
      revision += 1;
      const { rows } = await pool.query<{ id: number; revision: number }>(
        'SELECT id, revision FROM grids WHERE code = $1',
        [`${subject.code.slice(0, 12)}-${90 + round}`],
      );
      const added = rows[0]!;
      t = performance.now();
      const merge = BoundaryCommitResult.parse(
        (
          await post(baseUrl, cookie, '/api/boundaries/commit', {
            changes: [
              { op: 'retire', gridId: added.id },
              { op: 'update', gridId: subject.id, geometry: subject.original },
            ],
            baseRevisions: { [String(subject.id)]: revision, [String(added.id)]: added.revision },
            kind: 'merge',
            reason: '压测：合并',
          })
        ).json,
      );
      merges.push(performance.now() - t);
      mergeServer.push(merge.commitMs);
      revision += 1;
    }
    log(
      `  commit of the split, ${rounds} runs: wall median ${Math.round(median(splits))} ms [${list(splits)}], in the transaction ${Math.round(median(splitServer))} ms [${list(splitServer)}]`,
    );
    log(
      `  commit of the merge back, ${rounds} runs: wall median ${Math.round(median(merges))} ms [${list(merges)}], in the transaction ${Math.round(median(mergeServer))} ms [${list(mergeServer)}]`,
    );
  } finally {
    await server?.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`).catch(() => undefined);
    await pool.end().catch(() => undefined);
    await stop();
  }
}

async function main(): Promise<void> {
  const engines: Engine[] =
    engineArg === 'server'
      ? ['postgres']
      : engineArg === 'embedded'
        ? ['embedded']
        : ['postgres', 'embedded'];
  log(`bench:boundary — validation and commit of a split for a grid with ${targetResidents} residents`);
  for (const engine of engines) {
    try {
      await runEngine(engine);
    } catch (error) {
      log(`MISS: ${engine}: ${(error as Error).message}`);
    }
  }
}

await main();
process.exit(0);
