// PostGIS spatial joins for bench/assign.ts: the same grids and points the engine is measured on, loaded
// into a scratch schema on the embedded engine (PGlite) or a real server with GiST indexes, joined three
// ways: the plain `JOIN ... ON ST_Covers` as the planner runs it; the fastest formulation we found
// (points clustered on their GiST index, grids as the outer loop, ST_Intersects: which for a point and a
// polygon is ST_Covers); and end to end from Node arrays. Time-boxed and extrapolated where needed.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { createPool, ensureSchema } from '../server/db/database.ts';
import { startEmbeddedPostgis } from '../server/db/embedded/embedded-postgis.ts';
import type { GridInput } from '../server/spatial/packed-grids.ts';
import type {
  PostgisJoin,
  PostgisJoinInput,
  PostgisJoinMeasurement,
  PostgisJoinVariant,
} from './assign-engine.ts';

export interface PostgisJoinOptions {
  /** Time box of the as-written join, seconds: over it, a tenth of the points is measured and extrapolated. */
  joinSeconds: number;
  /** Time box of the tuned join, seconds: grid slices until used up, the rest extrapolated. */
  tunedSeconds: number;
  /** Time box for the end-to-end variant (points sent from Node, ids back), seconds; 0 = skip it. */
  roundTripSeconds: number;
  /** Points per insert and per end-to-end query. */
  batch: number;
}

export interface PostgisTarget extends PostgisJoin {
  close(): Promise<void>;
}

const GRIDS_PER_INSERT = 1000;

/** OGC WKB (little endian) of a polygon or multipolygon: binary, exact, and ~2x smaller than GeoJSON text. */
function wkb(geometry: Polygon | MultiPolygon): Buffer {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const polygonBytes = (rings: Position[][]): number => 9 + rings.reduce((n, r) => n + 4 + 16 * r.length, 0);
  const size = 9 + polygons.reduce((n, rings) => n + polygonBytes(rings), 0);
  const buf = Buffer.alloc(size);
  let at = 0;
  const header = (type: number, count: number): void => {
    buf.writeUInt8(1, at);
    buf.writeUInt32LE(type, at + 1);
    buf.writeUInt32LE(count, at + 5);
    at += 9;
  };
  header(6, polygons.length);
  for (const rings of polygons) {
    header(3, rings.length);
    for (const ring of rings) {
      buf.writeUInt32LE(ring.length, at);
      at += 4;
      for (const [x, y] of ring) {
        buf.writeDoubleLE(x!, at);
        buf.writeDoubleLE(y!, at + 8);
        at += 16;
      }
    }
  }
  return buf;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

class PostgisJoinTarget implements PostgisTarget {
  private constructor(
    readonly name: string,
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly options: PostgisJoinOptions,
    private readonly stop: () => Promise<void>,
  ) {}

  /** Connects, makes a scratch schema (dropped on close) and checks PostGIS is there. */
  static async open(
    name: string,
    connection: pg.PoolConfig,
    options: PostgisJoinOptions,
    stop: () => Promise<void> = async () => undefined,
  ): Promise<PostgisJoinTarget> {
    const schema = `bench_assign_${randomBytes(4).toString('hex')}`;
    // One connection: the embedded engine has one session for all of them, and a join is one query.
    const pool = createPool({ ...connection, max: 1, connectionTimeoutMillis: 5000 }, schema);
    try {
      await ensureSchema(pool, schema);
      const { rows } = await pool.query<{ pg: string; postgis: string }>(
        `SELECT current_setting('server_version') AS pg, postgis_lib_version() AS postgis`,
      );
      const version = `PostgreSQL ${rows[0]!.pg.split(' ')[0]}, PostGIS ${rows[0]!.postgis}`;
      return new PostgisJoinTarget(`${name} (${version})`, pool, schema, options, stop);
    } catch (error) {
      await pool.end().catch(() => undefined);
      await stop();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool
      .query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(this.schema)} CASCADE`)
      .catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await this.stop();
  }

  private async loadGrids(grids: readonly GridInput[]): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS bench_points, bench_grids`);
    await this.pool.query(
      `CREATE TABLE bench_grids (id integer PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`,
    );
    for (let from = 0; from < grids.length; from += GRIDS_PER_INSERT) {
      const part = grids.slice(from, from + GRIDS_PER_INSERT);
      const params: (number | Buffer)[] = [];
      const rows = part.map((g, k) => {
        params.push(g.id, wkb(g.geometry));
        return `($${2 * k + 1}::integer, ST_GeomFromWKB($${2 * k + 2}::bytea, 4326))`;
      });
      await this.pool.query(`INSERT INTO bench_grids (id, geom) VALUES ${rows.join(', ')}`, params);
    }
    await this.pool.query(`CREATE INDEX bench_grids_geom_idx ON bench_grids USING gist (geom)`);
    await this.pool.query(`ANALYZE bench_grids`);
    await this.pool.query(
      `CREATE TABLE bench_points (i integer PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)`,
    );
  }

  private async loadPoints(xs: Float64Array, ys: Float64Array): Promise<void> {
    for (let from = 0; from < xs.length; from += this.options.batch) {
      const to = Math.min(xs.length, from + this.options.batch);
      await this.pool.query(
        `INSERT INTO bench_points (i, geom)
         SELECT $3::integer + u.k::integer - 1, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326)
         FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, k)`,
        [Array.from(xs.subarray(from, to)), Array.from(ys.subarray(from, to)), from],
      );
    }
  }

  /** A one-line summary of the plan, and whether the points are the outer side of its nested loop. */
  private async plan(sql: string, params: unknown[]): Promise<string> {
    return (await this.explain(sql, params)).summary;
  }

  private async explain(sql: string, params: unknown[]): Promise<{ summary: string; pointsOuter: boolean }> {
    const { rows } = await this.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
    const text = rows.map((r) => r['QUERY PLAN']).join('\n');
    const outer = /Nested Loop[\s\S]*?(?:Scan on|Scan using) (\w+)/.exec(text)?.[1] ?? '';
    const nodes = [
      ...text.matchAll(
        /(Gather|Nested Loop|Hash Join|Index Scan using \w+|Seq Scan on \w+|Bitmap Heap Scan on \w+)/g,
      ),
    ].map((m) => m[1]);
    if (!/bench_(grids|points)_geom_idx/.test(text))
      throw new Error(`join plan uses no GiST index:\n${text}`);
    return {
      summary: `plan: ${nodes.join(' > ')}${text.includes('Workers Planned') ? ' (parallel workers)' : ''}`,
      pointsOuter: outer.startsWith('bench_points'),
    };
  }

  /** Count and id sum of covered points, over points with engine id in [fromId, toId). */
  private static engineChecksum(engineIds: Int32Array, fromId = -Infinity, toId = Infinity) {
    let hits = 0;
    let checksum = 0;
    for (const id of engineIds) {
      if (id >= 0 && id >= fromId && id < toId) {
        hits++;
        checksum += id;
      }
    }
    return { hits, checksum };
  }

  private static agreement(
    got: { hits: number; checksum: number },
    engine: { hits: number; checksum: number },
  ): string {
    return got.hits === engine.hits && got.checksum === engine.checksum
      ? `${got.hits} points covered, count and id checksum equal the engine's`
      : `${got.hits} points covered, checksum ${got.checksum}: DIFFERS from the engine (${engine.hits}, ${engine.checksum})`;
  }

  async measure(input: PostgisJoinInput): Promise<PostgisJoinMeasurement> {
    const { grids, xs, ys, engineIds } = input;
    const n = xs.length;
    const details: string[] = [];
    const variants: PostgisJoinVariant[] = [];

    let started = performance.now();
    await this.loadGrids(grids);
    const gridsMs = performance.now() - started;
    started = performance.now();
    await this.loadPoints(xs, ys);
    const pointsMs = performance.now() - started;
    started = performance.now();
    await this.pool.query(`CREATE INDEX bench_points_geom_idx ON bench_points USING gist (geom)`);
    await this.pool.query(`ANALYZE bench_points`);
    const pointsIndexMs = performance.now() - started;
    details.push(
      `not timed: grids loaded + GiST in ${seconds(gridsMs)}; ${n} points inserted in ${seconds(pointsMs)}, ` +
        `their GiST index + ANALYZE ${seconds(pointsIndexMs)}`,
    );

    // 1. The join as anyone would write it; the planner chooses the plan. When that plan loops over the
    // points (per-point cost, which can take minutes on the embedded engine) it is first timed on a tenth
    // of them, with the same plan; if all of them would not fit the time box, that tenth is the figure,
    // extrapolated. (statement_timeout cannot bound it: it does not interrupt the embedded engine.) A plan
    // that loops over the grids probes every point anyway, so it is always run in full.
    const joinSql = `SELECT count(*)::float8 AS hits, coalesce(sum(g.id), 0)::float8 AS checksum
      FROM bench_points p JOIN bench_grids g ON ST_Covers(g.geom, p.geom)`;
    const probeSql = `${joinSql} WHERE p.i < $1`;
    const probePoints = Math.ceil(n / 10);
    const label = 'join as written (JOIN ON ST_Covers)';
    const fullPlan = await this.explain(joinSql, []);
    const probePlan = await this.explain(probeSql, [probePoints]);
    let probed: { got: { hits: number; checksum: number }; ms: number } | null = null;
    if (fullPlan.pointsOuter && probePlan.pointsOuter) {
      started = performance.now();
      const got = (await this.pool.query<{ hits: number; checksum: number }>(probeSql, [probePoints]))
        .rows[0]!;
      probed = { got, ms: performance.now() - started };
    }
    if (probed && (probed.ms * n) / probePoints > this.options.joinSeconds * 1000) {
      variants.push({
        kind: 'join',
        label,
        pointsPerSecond: probePoints / (probed.ms / 1000),
        measuredPoints: probePoints,
        seconds: probed.ms / 1000,
        extrapolated: true,
        notes: [
          `${probePlan.summary}; time-boxed: measured on the first ${probePoints} points (all ${n} would take ~${seconds((probed.ms * n) / probePoints)})`,
          PostgisJoinTarget.agreement(
            probed.got,
            PostgisJoinTarget.engineChecksum(engineIds.subarray(0, probePoints)),
          ),
        ],
      });
    } else {
      started = performance.now();
      const { rows } = await this.pool.query<{ hits: number; checksum: number }>(joinSql);
      const ms = performance.now() - started;
      variants.push({
        kind: 'join',
        label,
        pointsPerSecond: n / (ms / 1000),
        measuredPoints: n,
        seconds: ms / 1000,
        extrapolated: false,
        notes: [
          fullPlan.summary,
          PostgisJoinTarget.agreement(rows[0]!, PostgisJoinTarget.engineChecksum(engineIds)),
        ],
      });
    }

    // 2. Tuned: points stored in spatial order, each grid probes the points' GiST index once (LATERAL +
    // OFFSET 0 keep that plan whatever the estimates say; a plain index scan, not a bitmap: the heap is
    // already in index order), ST_Intersects (= ST_Covers for a point in a polygon, with the cheaper &&
    // index condition). Timed on slices of grids until the time box is used.
    started = performance.now();
    await this.pool.query(`CLUSTER bench_points USING bench_points_geom_idx`);
    await this.pool.query(`ANALYZE bench_points`);
    details.push(`not timed: CLUSTER bench_points on its GiST index ${seconds(performance.now() - started)}`);
    const tunedSql = `SELECT count(*)::float8 AS hits, coalesce(sum(g.id), 0)::float8 AS checksum
      FROM bench_grids g
      CROSS JOIN LATERAL (SELECT 1 FROM bench_points p WHERE ST_Intersects(g.geom, p.geom) OFFSET 0) x
      WHERE g.id >= $1 AND g.id < $2`;
    const ids = grids.map((g) => g.id).sort((a, b) => a - b);
    const slices = 20;
    const step = Math.ceil(ids.length / slices);
    await this.pool.query(`SET enable_bitmapscan = off`);
    const tunedPlan = await this.plan(tunedSql, [ids[0]!, ids[Math.min(ids.length - 1, step)]!]);
    await this.pool.query(tunedSql, [ids[0]!, ids[Math.min(ids.length - 1, 20)]!]); // warm-up
    let done = 0;
    let tunedMs = 0;
    const tunedGot = { hits: 0, checksum: 0 };
    while (done < ids.length && tunedMs < this.options.tunedSeconds * 1000) {
      const end = Math.min(ids.length, done + step);
      const fromId = ids[done]!;
      const toId = end < ids.length ? ids[end]! : ids[ids.length - 1]! + 1;
      started = performance.now();
      const { rows } = await this.pool.query<{ hits: number; checksum: number }>(tunedSql, [fromId, toId]);
      tunedMs += performance.now() - started;
      tunedGot.hits += rows[0]!.hits;
      tunedGot.checksum += rows[0]!.checksum;
      done = end;
    }
    await this.pool.query(`RESET enable_bitmapscan`);
    const lastId = done < ids.length ? ids[done]! : Infinity;
    const fraction = done / ids.length;
    variants.push({
      kind: 'tuned',
      label: 'tuned join (clustered, grids outer, Intersects)',
      // All points are processed when every grid has probed them; a part of the grids, a part of the time.
      pointsPerSecond: n / (tunedMs / 1000 / fraction),
      measuredPoints: Math.round(n * fraction),
      seconds: tunedMs / 1000,
      extrapolated: fraction < 1,
      notes: [
        tunedPlan +
          (fraction < 1 ? `; ${done} of ${ids.length} grids joined, time extrapolated by grid count` : ''),
        PostgisJoinTarget.agreement(tunedGot, PostgisJoinTarget.engineChecksum(engineIds, ids[0]!, lastId)),
      ],
    });

    if (this.options.roundTripSeconds > 0) variants.push(await this.roundTrip(input));
    await this.pool.query(`DROP TABLE IF EXISTS bench_points, bench_grids`);
    return { variants, details };
  }

  /** End to end as an application would run it: points sent as arrays, one grid id per point back. */
  private async roundTrip(input: PostgisJoinInput): Promise<PostgisJoinVariant> {
    const { xs, ys, engineIds } = input;
    const n = xs.length;
    const batch = this.options.batch;
    const sql = `SELECT u.k::integer AS k, g.id
      FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, k)
      JOIN bench_grids g ON ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326))`;
    const ids = new Int32Array(n).fill(-1);
    const plan = await this.plan(sql, [Array.from(xs.subarray(0, 1000)), Array.from(ys.subarray(0, 1000))]);
    let measured = 0;
    let ms = 0;
    while (measured < n && ms < this.options.roundTripSeconds * 1000) {
      const to = Math.min(n, measured + batch);
      const started = performance.now();
      const { rows } = await this.pool.query<{ k: number; id: number }>(sql, [
        Array.from(xs.subarray(measured, to)),
        Array.from(ys.subarray(measured, to)),
      ]);
      for (const { k, id } of rows) {
        const at = measured + k - 1;
        if (ids[at] === -1 || id < ids[at]!) ids[at] = id;
      }
      ms += performance.now() - started;
      measured = to;
    }
    let agree = 0;
    for (let i = 0; i < measured; i++) if (ids[i] === engineIds[i]) agree++;
    return {
      kind: 'end-to-end',
      label: 'end to end (arrays from Node, ids back)',
      pointsPerSecond: measured / (ms / 1000),
      measuredPoints: measured,
      seconds: ms / 1000,
      extrapolated: measured < n,
      notes: [`${plan}; ${agree}/${measured} ids equal the engine's`],
    };
  }
}

/** The embedded engine (PGlite in a child process) on a new in-memory database. */
export async function openEmbeddedJoin(
  options: PostgisJoinOptions,
): Promise<{ target: PostgisTarget; startMs: number } | { skipped: string }> {
  const started = performance.now();
  try {
    const embedded = await startEmbeddedPostgis({});
    const target = await PostgisJoinTarget.open(
      'embedded',
      { host: '127.0.0.1', port: embedded.port, user: 'postgres', database: 'postgres' },
      options,
      () => embedded.stop(),
    );
    return { target, startMs: performance.now() - started };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}

/** A real PostgreSQL + PostGIS server, if it can be reached. */
export async function openServerJoin(
  url: string,
  options: PostgisJoinOptions,
): Promise<{ target: PostgisTarget } | { skipped: string }> {
  try {
    return { target: await PostgisJoinTarget.open('server', { connectionString: url }, options) };
  } catch (error) {
    return {
      skipped: `${url.replace(/\/\/[^@/]*@/, '//…@')} not usable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
