/**
 * A GeoPackage 1.3 with one feature layer, written with sql.js: the gpkg_spatial_ref_sys rows the
 * standard requires (-1, 0, 4326) and the output CRS (its EPSG WKT), gpkg_contents and
 * gpkg_geometry_columns, the features as GeoPackage geometry blobs (header with the srs id and
 * the xy envelope, then little-endian WKB from wkx), and the QGIS style in layer_styles so that
 * the layer opens looking like the map.
 */
import wkx from 'wkx';
import type { CrsWriter } from '../../geo/crs.js';
import { loadSqlJs } from '../../geo/read-geopackage.js';
import type { MultiPolygonCoords } from '../../geo/types.js';
import type { GeoJsonFeatureCollection } from '../export.js';
import { flattenCollection } from './fields.js';
import { extentOf, reprojectCollection } from './reproject.js';

const GPKG_APPLICATION_ID = 0x47504b47; // "GPKG"
const GPKG_USER_VERSION = 10300; // 1.3.0

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The GeoPackage geometry blob of a MultiPolygon: "GP", version 0, flags (little-endian, xy envelope), srs id, envelope, WKB. */
export function makeGpkgGeometry(mp: MultiPolygonCoords, srsId: number): Uint8Array {
  const wkb = new wkx.MultiPolygon(mp.map((poly) => new wkx.Polygon(
    poly[0]!.map((p) => new wkx.Point(p[0], p[1])),
    poly.slice(1).map((ring) => ring.map((p) => new wkx.Point(p[0], p[1]))),
  ))).toWkb();
  const [minX, minY, maxX, maxY] = extentOf(mp);
  const out = new Uint8Array(8 + 32 + wkb.length);
  const v = new DataView(out.buffer);
  out[0] = 0x47;
  out[1] = 0x50;
  out[2] = 0;
  out[3] = 0b0000_0011; // envelope [minx, maxx, miny, maxy], little-endian header
  v.setInt32(4, srsId, true);
  v.setFloat64(8, minX, true);
  v.setFloat64(16, maxX, true);
  v.setFloat64(24, minY, true);
  v.setFloat64(32, maxY, true);
  out.set(wkb, 40);
  return out;
}

/**
 * Column names for properties, unique as SQLite compares them (without case): a property that
 * clashes with fid, geom or another one gets a number (FID_1; of Name and name the one with fewer
 * capitals keeps its name, so yizhan's own camelCase fields win over a data's NAME), an empty name
 * is `field`. Uploaded data carries any property names; a clash was a 500.
 */
export function gpkgColumnNames(properties: readonly string[]): string[] {
  const taken = new Set(['fid', 'geom']);
  const capitals = (p: string): number => p.replace(/[^A-Z]/g, '').length;
  const order = properties.map((_, i) => i).sort((a, b) => capitals(properties[a]!) - capitals(properties[b]!) || a - b);
  const out: string[] = new Array<string>(properties.length);
  for (const i of order) {
    const base = properties[i] === '' ? 'field' : properties[i]!;
    let name = base;
    for (let k = 1; taken.has(name.toLowerCase()); k++) name = `${base}_${k}`;
    taken.add(name.toLowerCase());
    out[i] = name;
  }
  return out;
}

const WGS84_WKT = 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

/** A .gpkg holding `fc` as the layer `layer` in `crs`, with `qml` as its default style when given. */
export async function makeGeoPackage(fc: GeoJsonFeatureCollection, layer: string, crs: CrsWriter, qml?: string): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA application_id = ${GPKG_APPLICATION_ID}`);
    db.run(`PRAGMA user_version = ${GPKG_USER_VERSION}`);
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
      organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`);
    const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
    srs.run(['Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system']);
    srs.run(['Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system']);
    srs.run(['WGS 84 geodetic', 4326, 'EPSG', 4326, WGS84_WKT, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid']);
    if (crs.epsg !== 4326) srs.run([crs.name, crs.epsg, 'EPSG', crs.epsg, crs.wkt, null]);
    srs.free();
    db.run(`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
      description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
      CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`);
    db.run(`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
      srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))`);

    const { columns, rows } = flattenCollection(fc);
    const sqlType = { text: 'TEXT', integer: 'INTEGER', real: 'REAL', boolean: 'BOOLEAN' } as const;
    const kept = columns.filter((c) => c.name !== 'fid' && c.name !== 'geom');
    const names = gpkgColumnNames(kept.map((c) => c.name));
    const colDefs = kept.map((c, i) => `${q(names[i]!)} ${sqlType[c.type]}`);
    db.run(`CREATE TABLE ${q(layer)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON${colDefs.length ? `, ${colDefs.join(', ')}` : ''})`);
    const geometries = reprojectCollection(fc, crs);
    const extent = geometries.reduce((e, g) => extentOf(g, e), [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number]);
    const insert = db.prepare(`INSERT INTO ${q(layer)} (geom${names.map((n) => `, ${q(n)}`).join('')}) VALUES (?${', ?'.repeat(kept.length)})`);
    db.run('BEGIN');
    geometries.forEach((g, i) => {
      const r = rows[i]!;
      insert.run([makeGpkgGeometry(g, crs.epsg), ...kept.map((c) => {
        const v = r[c.name];
        if (v === null || v === undefined) return null;
        if (typeof v === 'boolean') return v ? 1 : 0;
        return v as string | number;
      })]);
    });
    db.run('COMMIT');
    insert.free();
    const finite = extent.every(Number.isFinite);
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [layer, 'features', layer, finite ? extent[0] : null, finite ? extent[1] : null, finite ? extent[2] : null, finite ? extent[3] : null, crs.epsg]);
    db.run('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)', [layer, 'geom', 'MULTIPOLYGON', crs.epsg]);
    if (qml !== undefined) {
      // QGIS's own table of styles: the default style loads with the layer
      db.run(`CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
        f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN,
        description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`);
      db.run("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description) VALUES ('', '', ?, 'geom', ?, ?, '', 1, 'yizhan: coloured as map.svg')",
        [layer, layer, qml]);
      db.run("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('layer_styles', 'attributes', 'layer_styles')");
    }
    return db.export();
  } finally {
    db.close();
  }
}
