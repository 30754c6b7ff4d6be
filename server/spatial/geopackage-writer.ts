// Writes one layer of features to an OGC GeoPackage 1.3 file (a SQLite database, built in memory with
// sql.js: SQLite compiled to WebAssembly, no native build): the required metadata tables
// (gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns), one features table, and geometries as
// GeoPackageBinary (a small header with the envelope, then standard WKB).
import initSqlJs, { type SqlJsStatic } from 'sql.js';

/** GeoPackage 1.3: application_id 'GPKG' and user_version 10300 (spec §1.1.1.1.1, requirements 2 and 3). */
export const geoPackageApplicationId = 0x47504b47;
export const geoPackageUserVersion = 10300;
export const geoPackageMediaType = 'application/geopackage+sqlite3';

/** EPSG:4326 as the spec's own example row (Annex: gpkg_spatial_ref_sys). */
const wgs84Wkt =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
  'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],' +
  'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

export type ColumnValue = string | number | null;

export interface GeoPackageColumn {
  name: string;
  type: 'TEXT' | 'INTEGER';
  notNull: boolean;
}

export interface GeoPackageFeature {
  /** The row id (the features table's INTEGER PRIMARY KEY). */
  id: number;
  /** ISO WKB of a geometry of the layer's type, in EPSG:4326 (lon, lat). */
  wkb: Uint8Array;
  /** [minX, minY, maxX, maxY]. */
  envelope: readonly [number, number, number, number];
  /** One value per column, in the layer's column order. */
  values: readonly ColumnValue[];
}

export interface GeoPackageLayer {
  table: string;
  identifier: string;
  description: string;
  geometryType: 'MULTIPOLYGON';
  columns: readonly GeoPackageColumn[];
  features: readonly GeoPackageFeature[];
}

const srsId = 4326;
const identifierPattern = /^[a-z_][a-z0-9_]*$/;

let sqlJs: Promise<SqlJsStatic> | null = null;

/**
 * GeoPackageBinary (spec §2.1.3): 'GP', version 0, flags (little-endian header, envelope type 1 =
 * [minx, maxx, miny, maxy], not empty, standard), srs_id, the envelope, then the WKB unchanged.
 */
export function geoPackageBinary(
  wkb: Uint8Array,
  envelope: readonly [number, number, number, number],
): Uint8Array {
  const header = new DataView(new ArrayBuffer(8 + 32));
  header.setUint8(0, 0x47);
  header.setUint8(1, 0x50);
  header.setUint8(2, 0);
  header.setUint8(3, (1 << 1) | 1);
  header.setInt32(4, srsId, true);
  const [minX, minY, maxX, maxY] = envelope;
  [minX, maxX, minY, maxY].forEach((value, i) => header.setFloat64(8 + i * 8, value, true));
  const blob = new Uint8Array(header.byteLength + wkb.byteLength);
  blob.set(new Uint8Array(header.buffer), 0);
  blob.set(wkb, header.byteLength);
  return blob;
}

export async function writeGeoPackage(layer: GeoPackageLayer): Promise<Uint8Array> {
  for (const name of [layer.table, ...layer.columns.map((c) => c.name)])
    if (!identifierPattern.test(name) || name === 'geom' || name === 'id')
      throw new Error(`not a usable column or table name: ${name}`);
  const SQL = await (sqlJs ??= initSqlJs());
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA application_id = ${geoPackageApplicationId}`);
    db.run(`PRAGMA user_version = ${geoPackageUserVersion}`);
    db.run(`
      CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));`);
    const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
    for (const row of [
      [
        'WGS 84 geodetic',
        srsId,
        'EPSG',
        srsId,
        wgs84Wkt,
        'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid',
      ],
      [
        'Undefined cartesian SRS',
        -1,
        'NONE',
        -1,
        'undefined',
        'undefined cartesian coordinate reference system',
      ],
      [
        'Undefined geographic SRS',
        0,
        'NONE',
        0,
        'undefined',
        'undefined geographic coordinate reference system',
      ],
    ])
      srs.run(row);
    srs.free();

    const columns = layer.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
    db.run(
      `CREATE TABLE ${layer.table} (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${layer.geometryType}, ${columns.join(', ')})`,
    );
    const insert = db.prepare(
      `INSERT INTO ${layer.table} (id, geom, ${layer.columns.map((c) => c.name).join(', ')})
       VALUES (${['?', '?', ...layer.columns.map(() => '?')].join(', ')})`,
    );
    let bounds: [number, number, number, number] | null = null;
    db.run('BEGIN');
    for (const feature of layer.features) {
      if (feature.values.length !== layer.columns.length)
        throw new Error(
          `feature ${feature.id}: ${feature.values.length} values for ${layer.columns.length} columns`,
        );
      insert.run([feature.id, geoPackageBinary(feature.wkb, feature.envelope), ...feature.values]);
      const [minX, minY, maxX, maxY] = feature.envelope;
      bounds = bounds
        ? [
            Math.min(bounds[0], minX),
            Math.min(bounds[1], minY),
            Math.max(bounds[2], maxX),
            Math.max(bounds[3], maxY),
          ]
        : [minX, minY, maxX, maxY];
    }
    db.run('COMMIT');
    insert.free();
    db.run(
      `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
       VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?)`,
      [layer.table, layer.identifier, layer.description, ...(bounds ?? [null, null, null, null]), srsId],
    );
    db.run(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, [
      layer.table,
      layer.geometryType,
      srsId,
    ]);
    return db.export();
  } finally {
    db.close();
  }
}
