/**
 * GeoPackage (.gpkg): a SQLite database read with sql.js (SQLite compiled to WebAssembly, no native
 * build). The layer is the one feature table of gpkg_contents, or the one named; its CRS comes
 * from gpkg_spatial_ref_sys (an EPSG organisation code, else the WKT definition); its geometry
 * blobs are the GeoPackage header (magic, flags, srs id, envelope) followed by standard WKB, read
 * by wkx. Booleans (declared BOOLEAN, stored 0/1) become true/false; NULLs are left out.
 */
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import wkx from 'wkx';
import { explainCrs, explainWktCrs } from './crs.js';
import type { CrsReader } from './crs.js';
import { cleanProperties, fatalProblem } from './read-source.js';
import type { DecodedSource } from './read-source.js';

let sqlJs: Promise<SqlJsStatic> | undefined;

/** sql.js, loaded once on first use (compiling its WebAssembly takes a few hundred milliseconds). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

export interface ReadGeoPackageOptions {
  /** The feature table to read when there are several. */
  layer?: string;
  /** Name used in messages. ['the GeoPackage'] */
  label?: string;
}

const quoteId = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function rows(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: Record<string, SqlValue>[] = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    return out;
  } finally {
    stmt.free();
  }
}

/** The WKB inside a GeoPackage geometry blob, or a reason why there is none. */
export function gpkgBlobToWkb(blob: Uint8Array): Uint8Array | null | string {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) return 'not a GeoPackage geometry (no "GP" magic)';
  const flags = blob[3]!;
  if (flags & 0x10) return null; // empty geometry
  const envelope = (flags >> 1) & 0x07;
  const envelopeBytes = [0, 32, 48, 48, 64][envelope];
  if (envelopeBytes === undefined) return `unknown envelope indicator ${envelope}`;
  const start = 8 + envelopeBytes;
  if (start >= blob.length) return 'the geometry blob ends inside its header';
  return blob.subarray(start);
}

/** Reads the committees layer of a GeoPackage into a FeatureCollection (source coordinates). Never throws. */
export async function readGeoPackage(bytes: Uint8Array, options: ReadGeoPackageOptions = {}): Promise<DecodedSource> {
  const label = options.label ?? 'the GeoPackage';
  const problems = [] as DecodedSource['problems'];
  const out: DecodedSource = { format: 'geopackage', problems };
  const SQL = await loadSqlJs();
  let db: Database;
  try {
    db = new SQL.Database(bytes);
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (e) {
    problems.push(fatalProblem('format-unreadable', `${label} is not a SQLite database (${(e as Error).message})`));
    return out;
  }
  try {
    const hasContents = rows(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name IN ('gpkg_contents','gpkg_geometry_columns','gpkg_spatial_ref_sys')");
    if (hasContents.length < 3) {
      problems.push(fatalProblem('format-unreadable', `${label} is a SQLite database but not a GeoPackage (no gpkg_contents, gpkg_geometry_columns or gpkg_spatial_ref_sys table)`));
      return out;
    }
    const layers = rows(db, "SELECT c.table_name AS name, g.column_name AS geom, g.srs_id AS srs FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' ORDER BY c.table_name");
    const names = layers.map((l) => String(l.name));
    let layer: Record<string, SqlValue> | undefined;
    if (options.layer !== undefined) {
      layer = layers.find((l) => l.name === options.layer);
      if (!layer) {
        problems.push(fatalProblem('layer-missing', `${label} has no feature layer "${options.layer}"; its layers: ${names.join(', ') || 'none'}`));
        return out;
      }
    } else if (layers.length === 0) {
      problems.push(fatalProblem('no-features', `${label} has no feature layer`));
      return out;
    } else if (layers.length > 1) {
      problems.push(fatalProblem('layer-ambiguous', `${label} has ${layers.length} feature layers (${names.join(', ')}); name one with the layer option`));
      return out;
    } else layer = layers[0]!;
    const table = String(layer.name);
    const geomColumn = String(layer.geom);
    out.layer = table;

    // CRS: srs_id 0 and -1 are the GeoPackage's "undefined geographic/cartesian"
    const srsId = Number(layer.srs);
    const srs = rows(db, 'SELECT srs_name, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId])[0];
    if (srs && srsId > 0) {
      const org = String(srs.organization ?? '').toUpperCase();
      let reader: CrsReader | string;
      if (org === 'EPSG' && Number(srs.organization_coordsys_id) > 0) reader = explainCrs(`EPSG:${Number(srs.organization_coordsys_id)}`);
      else reader = explainWktCrs(String(srs.definition ?? ''));
      out.sourceCrs = { label: `the srs table of ${label} (srs_id ${srsId}, ${String(srs.srs_name ?? '')})`, reader };
    } else if (srsId > 0) {
      out.sourceCrs = { label: `${label} srs_id ${srsId}`, reader: `srs_id ${srsId} of layer "${table}" is not in gpkg_spatial_ref_sys` };
    }

    const columns = rows(db, `PRAGMA table_info(${quoteId(table)})`);
    const booleans = new Set(columns.filter((c) => /^BOOL/i.test(String(c.type))).map((c) => String(c.name)));
    const pk = columns.find((c) => Number(c.pk) === 1)?.name;
    const features: unknown[] = [];
    const stmt = db.prepare(`SELECT * FROM ${quoteId(table)}${pk !== undefined ? ` ORDER BY ${quoteId(String(pk))}` : ''}`);
    try {
      let i = 0;
      while (stmt.step()) {
        const row = stmt.getAsObject();
        const props: Record<string, unknown> = {};
        let geometry: unknown = null;
        for (const [k, v] of Object.entries(row)) {
          if (k === geomColumn) {
            if (v instanceof Uint8Array) {
              const wkb = gpkgBlobToWkb(v);
              if (typeof wkb === 'string') {
                problems.push(fatalProblem('geometry-malformed', `feature ${i}: ${wkb}`, { feature: i, field: 'geometry' }));
              } else if (wkb) {
                try {
                  geometry = wkx.Geometry.parse(Buffer.from(wkb.buffer, wkb.byteOffset, wkb.byteLength)).toGeoJSON();
                } catch (e) {
                  problems.push(fatalProblem('geometry-malformed', `feature ${i}: the WKB geometry cannot be read (${(e as Error).message})`, { feature: i, field: 'geometry' }));
                }
              }
            }
          } else if (k !== pk) props[k] = booleans.has(k) && (v === 0 || v === 1) ? v === 1 : v;
        }
        features.push({ type: 'Feature', properties: cleanProperties(props), geometry });
        i++;
      }
    } finally {
      stmt.free();
    }
    out.value = { type: 'FeatureCollection', features, name: table };
    return out;
  } catch (e) {
    problems.push(fatalProblem('format-unreadable', `${label} cannot be read (${(e as Error).message})`));
    return out;
  } finally {
    db.close();
  }
}
