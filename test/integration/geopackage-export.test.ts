// The GeoPackage export read back with sql.js: the OGC GeoPackage 1.3 tables and pragmas, the
// GeoPackageBinary header of every geometry, and geometries equal to the stored grids (PostGIS
// ST_Equals on the WKB) and to the GeoJSON export (WKB decoded here).
import initSqlJs, { type Database } from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridFeatureCollection } from '../../shared/grids.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let planner: TestClient;

beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db);
  planner = await server.as('planner');
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

async function download(
  query: string,
): Promise<{ status: number; type: string | null; bytes: Uint8Array; disposition: string | null }> {
  const res = await fetch(`${server.baseUrl}/api/boundaries/export?${query}`, {
    headers: { cookie: planner.cookie ?? '' },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

async function open(bytes: Uint8Array): Promise<Database> {
  const SQL = await initSqlJs();
  return new SQL.Database(bytes);
}

const rowsOf = (gpkg: Database, sql: string): Record<string, unknown>[] => {
  const [result] = gpkg.exec(sql);
  if (!result) return [];
  return result.values.map((values) => Object.fromEntries(result.columns.map((c, i) => [c, values[i]])));
};

type Ring = number[][];

/** ISO WKB MultiPolygon (type 6) of Polygons (type 3), 2D, either byte order: polygons → rings → points. */
function decodeMultiPolygon(wkb: Uint8Array): Ring[][] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  let at = 0;
  const header = (expected: number): boolean => {
    const little = view.getUint8(at) === 1;
    const type = view.getUint32(at + 1, little);
    at += 5;
    if (type !== expected) throw new Error(`WKB type ${type}, expected ${expected}`);
    return little;
  };
  const little = header(6);
  const polygons: Ring[][] = [];
  const count = view.getUint32(at, little);
  at += 4;
  for (let p = 0; p < count; p++) {
    const le = header(3);
    const rings: Ring[] = [];
    const ringCount = view.getUint32(at, le);
    at += 4;
    for (let r = 0; r < ringCount; r++) {
      const points = view.getUint32(at, le);
      at += 4;
      const ring: Ring = [];
      for (let i = 0; i < points; i++, at += 16)
        ring.push([view.getFloat64(at, le), view.getFloat64(at + 8, le)]);
      rings.push(ring);
    }
    polygons.push(rings);
  }
  if (at !== wkb.byteLength) throw new Error(`${wkb.byteLength - at} bytes after the geometry`);
  return polygons;
}

describe('GeoPackage export', () => {
  it('writes a GeoPackage 1.3 file whose grids equal the stored ones and the GeoJSON export', async () => {
    const file = await download('format=gpkg');
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/geopackage+sqlite3');
    expect(file.disposition).toMatch(/filename="tiantai-grids-\d{4}-\d{2}-\d{2}\.gpkg"/);
    expect(new TextDecoder().decode(file.bytes.subarray(0, 16))).toBe('SQLite format 3\0');
    const gpkg = await open(file.bytes);

    expect(rowsOf(gpkg, 'PRAGMA application_id')[0]!.application_id).toBe(0x47504b47);
    expect(rowsOf(gpkg, 'PRAGMA user_version')[0]!.user_version).toBe(10300);
    expect(rowsOf(gpkg, 'PRAGMA integrity_check')[0]!.integrity_check).toBe('ok');
    expect(rowsOf(gpkg, 'PRAGMA foreign_key_check')).toEqual([]);

    const srs = rowsOf(
      gpkg,
      'SELECT srs_id, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys ORDER BY srs_id',
    );
    expect(srs.map((r) => [r.srs_id, r.organization, r.organization_coordsys_id])).toEqual([
      [-1, 'NONE', -1],
      [0, 'NONE', 0],
      [4326, 'EPSG', 4326],
    ]);
    expect(srs[2]!.definition).toMatch(/^GEOGCS\["WGS 84"/);
    expect(
      rowsOf(
        gpkg,
        'SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns',
      ),
    ).toEqual([
      {
        table_name: 'grids',
        column_name: 'geom',
        geometry_type_name: 'MULTIPOLYGON',
        srs_id: 4326,
        z: 0,
        m: 0,
      },
    ]);
    const contents = rowsOf(gpkg, 'SELECT * FROM gpkg_contents');
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({
      table_name: 'grids',
      data_type: 'features',
      identifier: 'grids',
      srs_id: 4326,
    });
    expect(String(contents[0]!.last_change)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const geojson = GridFeatureCollection.parse((await planner.get('/api/boundaries/export')).body);
    const rows = rowsOf(gpkg, 'SELECT id, geom, code, name, kind, village, township, revision FROM grids');
    expect(rows).toHaveLength(geojson.features.length);
    const byId = new Map(geojson.features.map((f) => [f.properties.id, f]));
    let bounds = [Infinity, Infinity, -Infinity, -Infinity];
    const wkbs: Buffer[] = [];
    for (const row of rows) {
      const feature = byId.get(row.id as number)!;
      expect(feature, `grid ${String(row.id)}`).toBeDefined();
      expect([row.code, row.name, row.kind, row.revision]).toEqual([
        feature.properties.code,
        feature.properties.name,
        feature.properties.kind,
        feature.properties.revision,
      ]);
      if (feature.properties.kind === 'territorial') {
        expect(row.village).toMatch(/[\u4e00-\u9fff]/);
        expect(row.township).toMatch(/[\u4e00-\u9fff]/);
      }
      // GeoPackageBinary: 'GP', version 0, flags 0b011 (envelope [minx, maxx, miny, maxy], little-endian), srs 4326.
      const blob = row.geom as Uint8Array;
      const header = new DataView(blob.buffer, blob.byteOffset, 40);
      expect([blob[0], blob[1], blob[2], blob[3]]).toEqual([0x47, 0x50, 0, 0b011]);
      expect(header.getInt32(4, true)).toBe(4326);
      const [minX, maxX, minY, maxY] = [0, 1, 2, 3].map((i) => header.getFloat64(8 + i * 8, true)) as [
        number,
        number,
        number,
        number,
      ];
      const wkb = blob.subarray(40);
      wkbs.push(Buffer.from(wkb));
      const polygons = decodeMultiPolygon(wkb);
      const xs = polygons.flat(2).map((p) => p[0]!);
      const ys = polygons.flat(2).map((p) => p[1]!);
      expect([minX, maxX, minY, maxY]).toEqual([
        Math.min(...xs),
        Math.max(...xs),
        Math.min(...ys),
        Math.max(...ys),
      ]);
      bounds = [
        Math.min(bounds[0]!, minX),
        Math.min(bounds[1]!, minY),
        Math.max(bounds[2]!, maxX),
        Math.max(bounds[3]!, maxY),
      ];
      // The GeoJSON export writes 7 decimals and a one-part grid as a Polygon.
      const expected =
        feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      expect(polygons.map((rings) => rings.map((ring) => ring.length))).toEqual(
        expected.map((rings) => rings.map((ring) => ring.length)),
      );
      const worst = Math.max(
        ...polygons.flatMap((rings, p) =>
          rings.flatMap((ring, r) =>
            ring.flatMap((point, i) => point.map((v, k) => Math.abs(v - expected[p]![r]![i]![k]!))),
          ),
        ),
      );
      expect(worst, `grid ${String(row.id)}`).toBeLessThanOrEqual(0.51e-7);
    }
    expect([contents[0]!.min_x, contents[0]!.min_y, contents[0]!.max_x, contents[0]!.max_y]).toEqual(bounds);

    // Every geometry is the stored one exactly (not only to 7 decimals).
    const { rows: equal } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unnest($1::bytea[], $2::int[]) AS u(wkb, id)
       JOIN grids g ON g.id = u.id WHERE ST_Equals(ST_GeomFromWKB(u.wkb, 4326), g.geom)`,
      [wkbs, rows.map((r) => r.id as number)],
    );
    expect(equal[0]!.n).toBe(rows.length);
    gpkg.close();
  });

  it('exports the grids as of a date: the name in force then', async () => {
    const { rows } = await db.pool.query<{ id: number; name: string; revision: number }>(
      `SELECT id, name, revision FROM grids WHERE kind = 'territorial' AND retired_at IS NULL ORDER BY id LIMIT 1`,
    );
    const target = rows[0]!;
    const before = new Date().toISOString();
    const renamed = await planner.post('/api/boundaries/commit', {
      changes: [{ op: 'rename', gridId: target.id, name: '导出测试网格' }],
      baseRevisions: { [String(target.id)]: target.revision },
      kind: 'rename',
      reason: '导出测试',
    });
    expect(renamed.status).toBe(200);
    const nameIn = async (query: string): Promise<unknown> => {
      const gpkg = await open((await download(query)).bytes);
      const name = rowsOf(gpkg, `SELECT name FROM grids WHERE id = ${target.id}`)[0]?.name;
      gpkg.close();
      return name;
    };
    expect(await nameIn(`format=gpkg&asOf=${encodeURIComponent(before)}`)).toBe(target.name);
    expect(await nameIn('format=gpkg')).toBe('导出测试网格');
  });

  it('refuses an unknown format with 400 and its reason', async () => {
    const res = await planner.get<{ error: { code: string; issues: { path: string[] }[] } }>(
      '/api/boundaries/export?format=shp',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]!.path).toEqual(['query', 'format']);
  });
});
