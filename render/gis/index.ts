/**
 * GIS exports of a plan: stations and committees as GeoPackage (`stations.gpkg`, layer `stations`;
 * `committees.gpkg`, layer `committees`), zipped Shapefile (`stations.shp.zip`, `committees.shp.zip`)
 * and FlatGeobuf (`stations.fgb`, `committees.fgb`), in an output CRS (EPSG code; WGS84 by
 * default), each feature with the `fill` of its station on map.svg, and QGIS styles
 * (`stations.qml`, `committees.qml`; also inside each GeoPackage) that use it.
 */
import { explainCrsWriter } from '../../geo/crs.js';
import type { Committee, MultiPolygonCoords } from '../../geo/types.js';
import type { PlanOutcome } from '../../solver/outcome.js';
import { makeCommitteesGeoJson, makeStationsGeoJson } from '../export.js';
import type { GeoJsonFeatureCollection } from '../export.js';
import { makeStationFills } from '../map-svg.js';
import { makeFlatGeobuf } from './flatgeobuf.js';
import { makeGeoPackage } from './geopackage.js';
import { makeQgisStyle } from './qml.js';
import { makeShapefileZip } from './shapefile.js';

export type GisFormat = 'gpkg' | 'shp' | 'fgb';

export interface GisFilesOptions {
  /** Output CRS, an EPSG code. ['EPSG:4326'] */
  outCrs?: string;
  /** Station outlines dissolved beforehand (see makeStationsGeoJson). */
  outlines?: ReadonlyMap<string, MultiPolygonCoords>;
  /** The stations collection already made (stations.geojson), to reuse its outlines. */
  stations?: GeoJsonFeatureCollection;
  /** The layers to write. [both] */
  layers?: readonly GisLayer[];
}

export type GisLayer = 'stations' | 'committees';

/** Adds each feature's station fill (and colour index) to its properties. */
function withFills(fc: GeoJsonFeatureCollection, fills: Map<string, { colour: number; fill: string }>, stationOf: (p: Record<string, unknown>) => string): GeoJsonFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => {
      const fill = fills.get(stationOf(f.properties));
      return { ...f, properties: { ...f.properties, colour: fill?.colour ?? null, fill: fill?.fill ?? null } };
    }),
  };
}

/**
 * The GIS files of a plan in the given formats, by file name. Throws a RangeError naming the
 * problem when the output CRS cannot be written.
 */
export async function makeGisFiles(outcome: PlanOutcome, committees: readonly Committee[], formats: readonly GisFormat[], options: GisFilesOptions = {}): Promise<Record<string, Uint8Array | string>> {
  const crs = explainCrsWriter(options.outCrs ?? 'EPSG:4326');
  if (typeof crs === 'string') throw new RangeError(`--out-crs: ${crs}`);
  const fills = makeStationFills(outcome, committees);
  const wanted = options.layers ?? ['stations', 'committees'];
  // made only when asked for: the stations layer dissolves every merged station
  const layers: Record<GisLayer, () => GeoJsonFeatureCollection> = {
    stations: () => withFills(options.stations ?? makeStationsGeoJson(outcome, committees, options.outlines ? { outlines: options.outlines } : {}), fills, (p) => String(p.id)),
    committees: () => withFills(makeCommitteesGeoJson(outcome, committees), fills, (p) => String(p.station)),
  };
  const files: Record<string, Uint8Array | string> = {};
  for (const layer of (['stations', 'committees'] as const).filter((l) => wanted.includes(l))) {
    const fc = layers[layer]();
    const qml = makeQgisStyle(layer);
    for (const format of formats) {
      if (format === 'gpkg') files[`${layer}.gpkg`] = await makeGeoPackage(fc, layer, crs, qml);
      else if (format === 'shp') files[`${layer}.shp.zip`] = makeShapefileZip(fc, layer, crs);
      else files[`${layer}.fgb`] = makeFlatGeobuf(fc, crs);
    }
    files[`${layer}.qml`] = qml;
  }
  return files;
}
