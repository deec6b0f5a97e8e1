/**
 * What the binary format readers (read-shapefile, read-geopackage, read-flatgeobuf) hand to
 * ingest: a GeoJSON-shaped FeatureCollection in the source's own coordinates, the CRS that the
 * file itself names, and the problems of reading it (fatal when the file cannot be read at all).
 */
import type { CrsReader } from './crs.js';
import type { Problem } from './types.js';

export type DatasetFormat = 'geojson' | 'shapefile' | 'geopackage' | 'flatgeobuf';

export interface DecodedSource {
  format: DatasetFormat;
  /** A GeoJSON FeatureCollection (source coordinates); absent when the file cannot be read. */
  value?: { type: 'FeatureCollection'; features: unknown[]; name?: string };
  /** The CRS named by the file (.prj, srs table, FlatGeobuf header), or why it could not be read. */
  sourceCrs?: { label: string; reader: CrsReader | string };
  /** The layer read (GeoPackage table, Shapefile base name). */
  layer?: string;
  problems: Problem[];
}

export const fatalProblem = (code: string, message: string, extra: Partial<Problem> = {}): Problem => ({ code, severity: 'fatal', message, ...extra });

/** Drops null and NaN attribute values (an empty DBF number, a NULL column): absent, as in GeoJSON. */
export function cleanProperties(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    out[k] = v instanceof Date ? (Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10)) : v;
    if (out[k] === undefined) delete out[k];
  }
  return out;
}
