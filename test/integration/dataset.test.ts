// The Tiantai reference dataset's invariants, checked in PostGIS after loading (test scale: 1% of people).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatasetOptions } from '../support/test-dataset.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const one = async <T extends object>(sql: string, params: unknown[] = []): Promise<T> =>
  (await db.pool.query<T & object>(sql, params)).rows[0]!;

const chicheng = '331023001';

describe('Tiantai reference dataset', () => {
  it('has the real 15 townships and 395 villages, 643 + 31 grids and 645 grid workers', async () => {
    expect(
      await one(`SELECT
        (SELECT count(*) FROM regions WHERE level = 'township')::int AS townships,
        (SELECT count(*) FROM regions WHERE level = 'village')::int AS villages,
        (SELECT count(*) FROM grids WHERE kind = 'territorial')::int AS territorial,
        (SELECT count(*) FROM grids WHERE kind = 'sector')::int AS sector,
        (SELECT count(*) FROM grid_workers)::int AS workers`),
    ).toEqual({ townships: 15, villages: 395, territorial: 643, sector: 31, workers: 645 });
    const names = await db.pool.query<{ name: string }>(
      `SELECT name FROM regions WHERE code = '331023001040' OR code = $1`,
      [chicheng],
    );
    expect(names.rows.map((r) => r.name).sort()).toEqual(['妙山社区', '赤城街道'].sort());
  });

  it('gives 赤城街道 33 villages, ≈83.75 km² (±5%) and ≈150,000 residents', async () => {
    const row = await one<{ villages: number; km2: number; planned: number; people: number }>(
      `SELECT (SELECT count(*) FROM regions WHERE parent_code = $1)::int AS villages,
              (SELECT ST_Area(geom::geography) / 1e6 FROM regions WHERE code = $1) AS km2,
              (SELECT population_planned FROM regions WHERE code = $1) AS planned,
              (SELECT count(*) FROM occupants o JOIN grids g ON g.id = o.grid_id
                WHERE g.village_code LIKE $1 || '%' AND o.kind = 'resident')::int AS people`,
      [chicheng],
    );
    expect(row.villages).toBe(33);
    expect(row.km2).toBeGreaterThan(83.75 * 0.95);
    expect(row.km2).toBeLessThan(83.75 * 1.05);
    // the plan is scaled with the population: ≈150,000 at full scale
    expect(row.planned / testDatasetOptions.scale).toBeGreaterThan(150_000 * 0.95);
    expect(row.planned / testDatasetOptions.scale).toBeLessThan(150_000 * 1.05);
    // loaded people at the test scale: 1% of ~150,000
    expect(row.people).toBeGreaterThan(150_000 * testDatasetOptions.scale * 0.85);
    expect(row.people).toBeLessThan(150_000 * testDatasetOptions.scale * 1.15);
  });

  it('plans ~600,000 residents county-wide at full scale', async () => {
    const row = await one<{ planned: number }>(
      `SELECT population_planned AS planned FROM regions WHERE level = 'county'`,
    );
    expect(row.planned / testDatasetOptions.scale).toBeGreaterThan(570_000);
    expect(row.planned / testDatasetOptions.scale).toBeLessThan(630_000);
  });

  it('stores only valid polygons', async () => {
    const row = await one<{ invalid: number }>(
      `SELECT ((SELECT count(*) FROM regions WHERE NOT ST_IsValid(geom)) +
               (SELECT count(*) FROM grids WHERE NOT ST_IsValid(geom)))::int AS invalid`,
    );
    expect(row.invalid).toBe(0);
  });

  // Children tile their parent: the union equals the parent within 1 m² and no two children overlap by 1 m².
  const tilingCases = [
    {
      name: 'townships tile the county',
      children: `SELECT code, parent_code AS parent, geom FROM regions WHERE level = 'township'`,
      parents: `SELECT code, geom FROM regions WHERE level = 'county'`,
    },
    {
      name: 'villages tile their township',
      children: `SELECT code, parent_code AS parent, geom FROM regions WHERE level = 'village'`,
      parents: `SELECT code, geom FROM regions WHERE level = 'township'`,
    },
    {
      name: 'territorial grids tile their village',
      children: `SELECT code, village_code AS parent, geom FROM grids WHERE kind = 'territorial'`,
      parents: `SELECT code, geom FROM regions WHERE level = 'village'`,
    },
  ];
  for (const { name, children, parents } of tilingCases) {
    it(name, async () => {
      const gaps = await db.pool.query<{ code: string; diff_m2: number; children: number }>(
        `WITH c AS (${children}), p AS (${parents})
         SELECT p.code, count(c.code)::int AS children,
                coalesce(ST_Area(ST_SymDifference(p.geom, ST_Union(c.geom))::geography), ST_Area(p.geom::geography)) AS diff_m2
         FROM p LEFT JOIN c ON c.parent = p.code GROUP BY p.code, p.geom`,
      );
      expect(gaps.rows.length).toBeGreaterThan(0);
      expect(gaps.rows.filter((r) => r.children === 0)).toEqual([]);
      expect(gaps.rows.filter((r) => r.diff_m2 >= 1)).toEqual([]);

      const overlaps = await db.pool.query<{ a: string; b: string; m2: number }>(
        `WITH c AS (${children})
         SELECT a.code AS a, b.code AS b, ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS m2
         FROM c a JOIN c b ON a.code < b.code AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)`,
      );
      expect(overlaps.rows.filter((r) => r.m2 >= 1)).toEqual([]);
    });
  }

  it('puts sector grids inside the county, overlapping territorial grids', async () => {
    const rows = await db.pool.query<{ code: string; inside: boolean; overlapped: number }>(
      `SELECT s.code, ST_CoveredBy(s.geom, (SELECT geom FROM regions WHERE level = 'county')) AS inside,
              (SELECT count(*) FROM grids t WHERE t.kind = 'territorial' AND ST_Intersects(t.geom, s.geom))::int AS overlapped
       FROM grids s WHERE s.kind = 'sector'`,
    );
    expect(rows.rows.filter((r) => !r.inside)).toEqual([]);
    expect(rows.rows.every((r) => r.overlapped >= 1)).toBe(true);
  });

  it('gives every grid at least one grid worker, and a few large grids two', async () => {
    const row = await one<{ uncovered: number; doubled: number }>(
      `SELECT (SELECT count(*) FROM grids g WHERE NOT EXISTS (
                 SELECT 1 FROM grid_worker_assignments a WHERE a.grid_id = g.id))::int AS uncovered,
              (SELECT count(*) FROM (SELECT grid_id FROM grid_workers GROUP BY grid_id HAVING count(*) >= 2) x)::int AS doubled`,
    );
    expect(row.uncovered).toBe(0);
    expect(row.doubled).toBeGreaterThanOrEqual(1);
  });

  it('places every address inside its grid and every occupant at an address of their grid', async () => {
    const row = await one<{ outside: number; mismatched: number; addresses: number }>(
      `SELECT (SELECT count(*) FROM addresses a JOIN grids g ON g.id = a.grid_id WHERE NOT ST_Covers(g.geom, a.geom))::int AS outside,
              (SELECT count(*) FROM occupants o JOIN addresses a ON a.id = o.address_id WHERE a.grid_id <> o.grid_id)::int AS mismatched,
              (SELECT count(*) FROM addresses)::int AS addresses`,
    );
    expect(row.addresses).toBeGreaterThan(0);
    expect(row).toMatchObject({ outside: 0, mismatched: 0 });
  });

  it('has the 赤城 traffic checkpoints (one at 波楞 on National Road 104) and a checkpoint in every village', async () => {
    const traffic = await db.pool.query<{ name: string }>(
      `SELECT c.name FROM checkpoints c JOIN grids g ON g.id = c.grid_id
       WHERE c.kind = 'traffic' AND g.village_code LIKE $1 || '%'`,
      [chicheng],
    );
    expect(traffic.rows.length).toBe(2);
    expect(traffic.rows.some((r) => r.name.includes('波楞') && r.name.includes('104'))).toBe(true);
    const row = await one<{ without: number }>(
      `SELECT count(*)::int AS without FROM regions v WHERE v.level = 'village' AND NOT EXISTS (
         SELECT 1 FROM checkpoints c JOIN grids g ON g.id = c.grid_id WHERE c.kind = 'village' AND g.village_code = v.code)`,
    );
    expect(row.without).toBe(0);
  });

  it('has the 丰泽 isolation observation site, with occupancy equal to its isolated occupants and within capacity', async () => {
    const sites = await db.pool.query<{
      name: string;
      capacity: number;
      occupancy: number;
      isolated: number;
    }>(
      `SELECT s.name, s.capacity, s.occupancy,
              (SELECT count(*) FROM occupants o WHERE o.isolation_site_id = s.id AND o.status = 'isolated')::int AS isolated
       FROM isolation_sites s`,
    );
    expect(sites.rows.some((s) => s.name.includes('丰泽'))).toBe(true);
    for (const site of sites.rows) {
      expect(site.occupancy).toBe(site.isolated);
      expect(site.occupancy).toBeLessThanOrEqual(site.capacity);
    }
  });

  it('has arrivals with origins, mostly registered within an hour, and valid health codes', async () => {
    const row = await one<{ arrivals: number; within_hour: number }>(
      `SELECT count(*)::int AS arrivals,
              count(*) FILTER (WHERE registered_at - arrived_at <= interval '1 hour')::int AS within_hour
       FROM occupants WHERE kind = 'arrival'`,
    );
    expect(row.arrivals).toBeGreaterThan(0);
    expect(row.within_hour / row.arrivals).toBeGreaterThan(0.8);
  });
});
