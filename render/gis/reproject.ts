/** Reprojecting a collection's MultiPolygons from WGS84 lon/lat into an output CRS, and their extent. */
import type { CrsWriter } from '../../geo/crs.js';
import type { MultiPolygonCoords, Position } from '../../geo/types.js';
import type { GeoJsonFeatureCollection } from '../export.js';

export type Extent = [minX: number, minY: number, maxX: number, maxY: number];

export function reprojectMultiPolygon(mp: MultiPolygonCoords, crs: CrsWriter): MultiPolygonCoords {
  if (crs.epsg === 4326) return mp;
  return mp.map((poly) => poly.map((ring) => ring.map((p): Position => crs.forward(p))));
}

export function extentOf(mp: MultiPolygonCoords, into: Extent = [Infinity, Infinity, -Infinity, -Infinity]): Extent {
  for (const poly of mp) for (const ring of poly) for (const p of ring) {
    if (p[0] < into[0]) into[0] = p[0];
    if (p[1] < into[1]) into[1] = p[1];
    if (p[0] > into[2]) into[2] = p[0];
    if (p[1] > into[3]) into[3] = p[1];
  }
  return into;
}

/** The collection's geometries in the output CRS. */
export function reprojectCollection(fc: GeoJsonFeatureCollection, crs: CrsWriter): MultiPolygonCoords[] {
  return fc.features.map((f) => reprojectMultiPolygon(f.geometry.coordinates as MultiPolygonCoords, crs));
}
