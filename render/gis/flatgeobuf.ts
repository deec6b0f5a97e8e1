/** FlatGeobuf by the flatgeobuf package: the collection in the output CRS, its EPSG code in the header. */
import { serialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { CrsWriter } from '../../geo/crs.js';
import type { GeoJsonFeatureCollection } from '../export.js';
import { flattenCollection } from './fields.js';
import { reprojectCollection } from './reproject.js';

export function makeFlatGeobuf(fc: GeoJsonFeatureCollection, crs: CrsWriter): Uint8Array {
  const { rows } = flattenCollection(fc);
  const geometries = reprojectCollection(fc, crs);
  const features = fc.features.map((_, i) => ({
    type: 'Feature' as const,
    properties: Object.fromEntries(Object.entries(rows[i]!).filter(([, v]) => v !== null && v !== undefined)),
    geometry: { type: 'MultiPolygon' as const, coordinates: geometries[i]! },
  }));
  return serialize({ type: 'FeatureCollection', features } as Parameters<typeof serialize>[0], crs.epsg);
}
