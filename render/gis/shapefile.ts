/**
 * A zipped Shapefile (`<layer>.shp/.shx/.dbf/.prj/.cpg`): geometry by @mapbox/shp-write, the table by
 * dbf.ts (UTF-8, .cpg says so), the .prj the EPSG WKT of the output CRS, zipped by render/zip-write.ts.
 * Attribute names by the documented 10-character mapping of fields.ts.
 */
import shpWrite from '@mapbox/shp-write';
import type { CrsWriter } from '../../geo/crs.js';
import type { MultiPolygonCoords } from '../../geo/types.js';
import type { GeoJsonFeatureCollection } from '../export.js';
import { makeDbf } from './dbf.js';
import { dbfFieldName, flattenCollection } from './fields.js';
import { reprojectCollection } from './reproject.js';
import { makeZip } from '../zip-write.js';

const enc = new TextEncoder();

/** Shapefile rings: outer clockwise, holes counter-clockwise (the reverse of RFC 7946). */
const toShapefileRings = (mp: MultiPolygonCoords): MultiPolygonCoords => mp.map((poly) => poly.map((ring) => [...ring].reverse()));

const bytesOf = (view: DataView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/** The .shp/.shx/.dbf/.prj/.cpg of one layer, and the DBF name of each property. */
export function makeShapefileParts(fc: GeoJsonFeatureCollection, layer: string, crs: CrsWriter): { files: Record<string, Uint8Array>; fieldNames: Record<string, string> } {
  const { columns, rows } = flattenCollection(fc);
  const taken = new Set<string>();
  const names = columns.map((c) => dbfFieldName(c.name, taken));
  const geometries = reprojectCollection(fc, crs).map(toShapefileRings);
  let shp: Uint8Array | undefined, shx: Uint8Array | undefined;
  if (geometries.length > 0) {
    shpWrite.write(geometries.map((_, i) => ({ fid: i })), 'POLYGON', geometries, (err, out) => {
      if (err) throw err instanceof Error ? err : new Error(String(err));
      shp = bytesOf(out.shp as DataView);
      shx = bytesOf(out.shx as DataView);
    });
  } else {
    // an empty layer: a 100-byte header of a polygon shapefile
    const header = (): Uint8Array => {
      const b = new Uint8Array(100);
      const v = new DataView(b.buffer);
      v.setInt32(0, 9994);
      v.setInt32(24, 50);
      v.setInt32(28, 1000, true);
      v.setInt32(32, 5, true);
      return b;
    };
    shp = header();
    shx = header();
  }
  const fieldNames = Object.fromEntries(columns.map((c, i) => [c.name, names[i]!]));
  return {
    files: {
      [`${layer}.shp`]: shp!,
      [`${layer}.shx`]: shx!,
      [`${layer}.dbf`]: makeDbf(columns, names, rows),
      [`${layer}.prj`]: enc.encode(crs.wkt),
      [`${layer}.cpg`]: enc.encode('UTF-8'),
    },
    fieldNames,
  };
}

/** `<layer>.shp.zip` content: the five files at the root of the archive. */
export function makeShapefileZip(fc: GeoJsonFeatureCollection, layer: string, crs: CrsWriter): Uint8Array {
  const files = makeShapefileParts(fc, layer, crs).files;
  // a fixed time: the same layer gives the same bytes
  return makeZip(Object.entries(files).map(([name, data]) => ({ name, data })), { date: new Date(2000, 0, 1) });
}
