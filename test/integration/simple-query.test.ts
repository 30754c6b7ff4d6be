// Parameters written into the text as literals (simple protocol) reach the engine exactly as the same
// parameters sent separately (extended protocol) do, on the engine under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParameters, querySimple } from '../../server/db/simple-query.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ load: false });
});
afterAll(async () => {
  await db?.drop();
});

const awkwardText = [
  "O'Brien",
  'back\\slash \\n not a newline',
  '天台县赤城街道 “引号” ‘单引号’',
  '$1 is not a placeholder here',
  '',
  null,
  "'); DROP TABLE grids; --",
];

describe('querySimple', () => {
  it('round-trips text, numbers, nulls and JSON like the extended protocol', async () => {
    const sql = `SELECT $1::text[] AS texts, $2::int[] AS ints, 10-$3 AS difference, $4::float8 AS x,
                        $5::boolean AS flag, $6::text[] AS empty, ($7::json)->>'名' AS name`;
    const values = [awkwardText, [1, null, -3], -5, 0.1 + 0.2, true, [], { 名: '九峰村' }];
    const extended = await db.pool.query(sql, values);
    const simple = await querySimple(db.pool, sql, values);
    expect(simple.rows).toEqual(extended.rows);
    expect(simple.rows[0]).toMatchObject({
      texts: awkwardText,
      ints: [1, null, -3],
      difference: 15,
      name: '九峰村',
    });
  });

  it('runs PostGIS with GeoJSON parameters and gives the same geometry', async () => {
    const square = JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [121, 29],
          [121.01, 29],
          [121.01, 29.01],
          [121, 29.01],
          [121, 29],
        ],
      ],
    });
    const sql = `SELECT ST_AsText(ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326)) AS wkt, u.key
                 FROM unnest($1::text[], $2::text[]) AS u(key, gj)`;
    const values = [
      ['grid:1', 'new:X-90'],
      [square, square],
    ];
    expect((await querySimple(db.pool, sql, values)).rows).toEqual((await db.pool.query(sql, values)).rows);
  });

  it('refuses a placeholder without a value and a number that is not finite', () => {
    expect(() => inlineParameters('SELECT $2', [1])).toThrow(/no value for \$2/);
    expect(() => inlineParameters('SELECT $1', [Number.NaN])).toThrow(/not a finite number/);
  });
});
