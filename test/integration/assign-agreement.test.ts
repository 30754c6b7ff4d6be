// The in-memory grid engine (server/spatial) against PostGIS ST_Covers on the engine under test: random
// points in and around the county, every registry address, and points exactly on shared grid edges.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { readGridInputs } from '../../server/db/assigner.repo.ts';
import { GridIndex } from '../../server/spatial/grid-index.ts';
import { seededRandom } from '../../server/spatial/testing/synthetic-partition.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

/** Degrees: a point at most this far from a grid's boundary is "near" it (PostGIS and the engine may
 *  then legitimately differ: the boundary itself is decided by a tie rule, and readGridInputs reads
 *  coordinates through ST_AsGeoJSON). */
const NEAR = 1e-9;
const RANDOM_POINTS = 100_000;
const BOUNDARY_VERTICES = 400;
const BOUNDARY_MIDPOINTS = 400;
/** Points on the county's outer border (covered by one grid, distance 0 to its boundary). */
const OUTER_POINTS = 100;
const BATCH = 25_000;

type Source = 'random' | 'address' | 'vertex' | 'midpoint' | 'outer-vertex' | 'outer-midpoint';

interface PointSet {
  xs: Float64Array;
  ys: Float64Array;
  source: Source[];
  /** The grid_id stored for registry addresses, else -1. */
  storedGrid: Int32Array;
}

/** What PostGIS says about one point. */
interface PostgisAnswer {
  /** Territorial grids whose ST_Covers holds, ascending. */
  territorial: number[];
  sectors: number[];
  /** Territorial grids within NEAR (covering or not), ascending. */
  nearTerritorial: number[];
  /** Distance to the boundary of the covering territorial grid when exactly one covers. */
  boundaryDistance: number | null;
}

let db: TestDb;
let index: GridIndex;
let points: PointSet;
let postgis: PostgisAnswer[];
let postgisMs = 0;

/** Deterministic sample of k items (Fisher-Yates prefix with a seeded PRNG). */
function sample<T>(items: T[], k: number, seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** a + b without rounding? (TwoSum error term is zero.) Then (a + b) / 2 is the exact midpoint. */
const exactSum = (a: number, b: number): boolean => {
  const s = a + b;
  const bb = s - a;
  return s - bb === a && bb === b;
};

type XY = [number, number];

interface Edge {
  a: XY;
  b: XY;
  grids: Set<number>;
}

/** Every vertex of every territorial grid, from the stored geometry as float8 (full precision). */
async function storedVertices(): Promise<{ id: number; ring: string; x: number; y: number }[]> {
  const { rows } = await db.pool.query<{ id: number; ring: string; x: number; y: number }>(
    `SELECT g.id, (d.path[1] || '/' || d.path[2]) AS ring, ST_X(d.geom) AS x, ST_Y(d.geom) AS y
     FROM grids g, ST_DumpPoints(g.geom) AS d
     WHERE g.kind = 'territorial'
     ORDER BY g.id, d.path[1], d.path[2], d.path[3]`,
  );
  return rows;
}

/**
 * Vertices and exact midpoints of edges shared by two territorial grids, and of edges on the county's
 * outer border (one grid). A midpoint is used only when both coordinate sums are exact, so it lies
 * exactly on its edge.
 */
async function boundaryPoints(): Promise<
  Record<'vertex' | 'midpoint' | 'outer-vertex' | 'outer-midpoint', XY[]>
> {
  const rows = await storedVertices();
  const edges = new Map<string, Edge>();
  for (let i = 1; i < rows.length; i++) {
    const [p, q] = [rows[i - 1]!, rows[i]!];
    if (p.id !== q.id || p.ring !== q.ring) continue;
    const a: XY = [p.x, p.y];
    const b: XY = [q.x, q.y];
    const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const [lo, hi] = forward ? [a, b] : [b, a];
    const key = `${lo[0]},${lo[1]},${hi[0]},${hi[1]}`;
    const edge = edges.get(key) ?? { a: lo, b: hi, grids: new Set<number>() };
    edge.grids.add(p.id);
    edges.set(key, edge);
  }
  const verticesOf = (list: Edge[]): XY[] => {
    const byKey = new Map<string, XY>();
    for (const e of list) for (const v of [e.a, e.b]) byKey.set(`${v[0]},${v[1]}`, v);
    return [...byKey.values()];
  };
  const midpointsOf = (list: Edge[]): XY[] =>
    list
      .filter((e) => exactSum(e.a[0], e.b[0]) && exactSum(e.a[1], e.b[1]))
      .map((e): XY => [(e.a[0] + e.b[0]) / 2, (e.a[1] + e.b[1]) / 2]);
  const shared = [...edges.values()].filter((e) => e.grids.size >= 2);
  const outer = [...edges.values()].filter((e) => e.grids.size === 1);
  return {
    vertex: sample(verticesOf(shared), BOUNDARY_VERTICES, 11),
    midpoint: sample(midpointsOf(shared), BOUNDARY_MIDPOINTS, 12),
    'outer-vertex': sample(verticesOf(outer), OUTER_POINTS, 13),
    'outer-midpoint': sample(midpointsOf(outer), OUTER_POINTS, 14),
  };
}

async function buildPoints(): Promise<PointSet> {
  const { rows: boxRows } = await db.pool.query<{ x0: number; y0: number; x1: number; y1: number }>(
    `SELECT ST_XMin(b) AS x0, ST_YMin(b) AS y0, ST_XMax(b) AS x1, ST_YMax(b) AS y1
     FROM (SELECT ST_Extent(geom)::box2d AS b FROM regions WHERE level = 'county') e`,
  );
  const { x0, y0, x1, y1 } = boxRows[0]!;
  // The county's bounding box grown by 5 % of its size on every side: some points fall outside.
  const [dx, dy] = [0.05 * (x1 - x0), 0.05 * (y1 - y0)];
  const { rows: addresses } = await db.pool.query<{ grid_id: number; x: number; y: number }>(
    `SELECT grid_id, ST_X(geom) AS x, ST_Y(geom) AS y FROM addresses ORDER BY id`,
  );
  const onBoundary = await boundaryPoints();

  const n =
    RANDOM_POINTS + addresses.length + Object.values(onBoundary).reduce((k, list) => k + list.length, 0);
  const set: PointSet = {
    xs: new Float64Array(n),
    ys: new Float64Array(n),
    source: [],
    storedGrid: new Int32Array(n).fill(-1),
  };
  let at = 0;
  const push = (x: number, y: number, source: Source, stored = -1): void => {
    set.xs[at] = x;
    set.ys[at] = y;
    set.source.push(source);
    set.storedGrid[at] = stored;
    at++;
  };
  const random = seededRandom(20200128);
  for (let i = 0; i < RANDOM_POINTS; i++) {
    push(x0 - dx + random() * (x1 - x0 + 2 * dx), y0 - dy + random() * (y1 - y0 + 2 * dy), 'random');
  }
  for (const a of addresses) push(a.x, a.y, 'address', a.grid_id);
  for (const [source, list] of Object.entries(onBoundary) as [Source, XY[]][]) {
    for (const [x, y] of list) push(x, y, source);
  }
  return set;
}

/**
 * PostGIS's answer for every point, one set-based query per batch: the points are unnested, joined to the
 * grids through the GiST index (`&&` with the point grown by NEAR), then ST_Covers per pair. The NEAR
 * margin also yields the territorial grids that merely touch a point, and the distance to the covering
 * grid's boundary comes from a boundary table made once (not one ST_Boundary per row).
 */
async function askPostgis(set: PointSet): Promise<PostgisAnswer[]> {
  await db.pool.query(
    `CREATE TABLE agreement_boundaries AS
       SELECT id, ST_Boundary(geom) AS boundary FROM grids WHERE kind = 'territorial'`,
  );
  await db.pool.query(`CREATE UNIQUE INDEX ON agreement_boundaries (id)`);
  await db.pool.query(`ANALYZE agreement_boundaries`);
  const answers: PostgisAnswer[] = Array.from({ length: set.xs.length }, () => ({
    territorial: [],
    sectors: [],
    nearTerritorial: [],
    boundaryDistance: null,
  }));
  const sql = `
    SELECT p.i::int AS i, g.id, g.kind = 'territorial' AS territorial, ST_Covers(g.geom, p.pt) AS covers,
           ST_Distance(b.boundary, p.pt) AS distance
    FROM (SELECT u.i, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326) AS pt
          FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) p
    JOIN grids g ON g.geom && ST_Expand(p.pt, ${NEAR}) AND ST_DWithin(g.geom, p.pt, ${NEAR})
    LEFT JOIN agreement_boundaries b ON b.id = g.id
    ORDER BY p.i, g.id`;
  for (let from = 0; from < set.xs.length; from += BATCH) {
    const to = Math.min(set.xs.length, from + BATCH);
    const { rows } = await db.pool.query<{
      i: number;
      id: number;
      territorial: boolean;
      covers: boolean;
      distance: number | null;
    }>(sql, [Array.from(set.xs.subarray(from, to)), Array.from(set.ys.subarray(from, to))]);
    for (const row of rows) {
      const answer = answers[from + row.i - 1]!;
      if (!row.territorial) {
        if (row.covers) answer.sectors.push(row.id);
        continue;
      }
      answer.nearTerritorial.push(row.id);
      if (row.covers) {
        answer.territorial.push(row.id);
        answer.boundaryDistance = row.distance;
      }
    }
  }
  for (const answer of answers) if (answer.territorial.length !== 1) answer.boundaryDistance = null;
  return answers;
}

beforeAll(async () => {
  db = await createTestDb();
  const { grids } = await readGridInputs(db.pool);
  index = GridIndex.build(grids, 1);
  points = await buildPoints();
  const started = performance.now();
  postgis = await askPostgis(points);
  postgisMs = performance.now() - started;
});
afterAll(async () => {
  await db?.drop();
});

type Category = 'away' | 'on-boundary' | 'near-boundary';

/** The brief's classes: away (one cover, farther than NEAR from its boundary; or no cover), on a
 *  boundary (covered by two or more territorial grids), and the rest: one cover, within NEAR of its edge. */
function categoryOf(answer: PostgisAnswer): Category {
  if (answer.territorial.length === 0) return 'away';
  if (answer.territorial.length >= 2) return 'on-boundary';
  return answer.boundaryDistance !== null && answer.boundaryDistance > NEAR ? 'away' : 'near-boundary';
}

describe('grid engine vs PostGIS ST_Covers', () => {
  it('builds from the stored coordinates bit for bit (readGridInputs does not round)', async () => {
    const stored = await storedVertices();
    const { grids } = await readGridInputs(db.pool);
    const read = grids
      .filter((g) => g.kind === 'territorial')
      .flatMap((g) => (g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates))
      .flat(2);
    expect(read).toHaveLength(stored.length);
    let rounded = 0;
    let worst = 0;
    stored.forEach((v, i) => {
      const [x, y] = read[i]!;
      const error = Math.max(Math.abs(x! - v.x), Math.abs(y! - v.y));
      if (error > 0) rounded++;
      worst = Math.max(worst, error);
    });
    // ST_AsGeoJSON(geom) keeps 9 decimals by default; 15 or more print the shortest exact form.
    expect({ rounded, worst }).toEqual({ rounded: 0, worst: 0 });
  });

  it('uses the GiST index for the join', async () => {
    const { rows } = await db.pool.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON)
       SELECT g.id FROM unnest($1::float8[], $2::float8[]) AS u(x, y)
       JOIN grids g ON g.geom && ST_Expand(ST_SetSRID(ST_MakePoint(u.x, u.y), 4326), ${NEAR})
        AND ST_DWithin(g.geom, ST_SetSRID(ST_MakePoint(u.x, u.y), 4326), ${NEAR})`,
      [Array.from(points.xs.subarray(0, BATCH)), Array.from(points.ys.subarray(0, BATCH))],
    );
    expect(JSON.stringify(rows[0]!['QUERY PLAN'])).toContain('grids_geom_idx');
  });

  it('agrees on every point away from boundaries, and gives every boundary point exactly one of its grids', () => {
    const engine = index.assignPoints(points.xs, points.ys);
    const counts: Record<string, number> = {};
    const failed: Record<string, number> = {};
    const first: string[] = [];
    for (let i = 0; i < engine.length; i++) {
      const answer = postgis[i]!;
      const category = categoryOf(answer);
      const key = `${points.source[i]}/${category}`;
      counts[key] = (counts[key] ?? 0) + 1;
      const got = engine[i]!;
      const full = index.query(points.xs[i]!, points.ys[i]!);
      let problem: string | null = null;
      if ((full.territorial?.id ?? -1) !== got) {
        problem = `query() ${full.territorial?.id ?? 'none'} vs assignPoints ${got}`;
      } else if (category === 'away') {
        const expected = answer.territorial[0] ?? -1;
        if (got !== expected) problem = `engine ${got} (${full.rule}), PostGIS ${expected}`;
      } else if (category === 'on-boundary') {
        if (!answer.territorial.includes(got))
          problem = `engine ${got} (${full.rule}) is not a covering grid`;
      } else if (!answer.nearTerritorial.includes(got)) {
        // One cover within NEAR of its boundary: the engine must still name a grid touching the point.
        problem = `engine ${got} (${full.rule}) is not within ${NEAR} deg`;
      }
      if (problem === null) continue;
      failed[key] = (failed[key] ?? 0) + 1;
      if (first.length < 20) {
        first.push(
          `${key} #${i} (${points.xs[i]}, ${points.ys[i]}): ${problem}; PostGIS ${JSON.stringify(answer)}`,
        );
      }
    }
    console.log(
      `assign-agreement: ${engine.length} points, PostGIS in ${(postgisMs / 1000).toFixed(1)} s; ` +
        `points by source/class ${JSON.stringify(counts)}; failed ${JSON.stringify(failed)}`,
    );
    expect({ failed, first }).toEqual({ failed: {}, first: [] });

    // The sample really exercises each class.
    expect(counts['random/away']).toBeGreaterThan(RANDOM_POINTS * 0.99);
    const outside = postgis.filter((a, i) => points.source[i] === 'random' && a.nearTerritorial.length === 0);
    expect(outside.length).toBeGreaterThan(1000);
    const onBoundary = (counts['vertex/on-boundary'] ?? 0) + (counts['midpoint/on-boundary'] ?? 0);
    expect(onBoundary).toBeGreaterThanOrEqual(BOUNDARY_VERTICES);
    expect(counts['outer-vertex/near-boundary'] ?? 0).toBeGreaterThanOrEqual(OUTER_POINTS / 2);
  });

  it('gives the same sector grids as PostGIS for every point', () => {
    const failures: string[] = [];
    for (let i = 0; i < points.xs.length; i++) {
      const got = index.sectorsAt(points.xs[i]!, points.ys[i]!).map((s) => s.id);
      const expected = postgis[i]!.sectors;
      if (got.join() !== expected.join()) {
        failures.push(
          `${points.source[i]} #${i} (${points.xs[i]}, ${points.ys[i]}): engine [${got}] PostGIS [${expected}]`,
        );
      }
    }
    expect({ failed: failures.length, first: failures.slice(0, 20) }).toEqual({ failed: 0, first: [] });
    expect(postgis.filter((a) => a.sectors.length > 0).length).toBeGreaterThan(100);
  });

  it("stores every address in the engine's grid", () => {
    const failures: string[] = [];
    let addresses = 0;
    const engine = index.assignPoints(points.xs, points.ys);
    for (let i = 0; i < points.xs.length; i++) {
      if (points.source[i] !== 'address') continue;
      addresses++;
      if (engine[i] !== points.storedGrid[i]) {
        failures.push(`address #${i}: stored grid ${points.storedGrid[i]}, engine ${engine[i]}`);
      }
    }
    expect(addresses).toBe(db.dataset.addresses.length);
    expect({ failed: failures.length, first: failures.slice(0, 20) }).toEqual({ failed: 0, first: [] });
  });
});
