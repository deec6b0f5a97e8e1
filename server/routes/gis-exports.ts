/**
 * A plan's GIS files over the API, by the writers of `yizhan plan --gis`: GET
 * /api/plans/:id/{stations,committees}.{gpkg,shp.zip,fgb} with ?crs=EPSG:xxxx (WGS84 by default).
 * A CRS that cannot be written is 422 naming `crs`. Written on each request by render/gis (loaded
 * on the first request); the dissolved stations, the dearest part, are kept for the last few plan
 * versions.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { explainCrsWriter } from '../../geo/crs.js';
import type { GeoJsonFeatureCollection } from '../../render/export.js';
import { makeOutcome } from '../../solver/outcome.js';
import type { PlanSummary } from '../../solver/types.js';
import { withErrors } from '../schemas.js';
import { StoreError } from '../store/types.js';
import { getPlanOr404, loadStoredDataset } from '../planning.js';

const GisParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const GisQuery = Type.Object({
  crs: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'output CRS, an EPSG code [EPSG:4326]' })),
}, { additionalProperties: false });

/** The files, their format and their media type. */
const GIS_FILES = [
  ['gpkg', 'GeoPackage', 'application/geopackage+sqlite3'],
  ['shp.zip', 'zipped Shapefile', 'application/zip'],
  ['fgb', 'FlatGeobuf', 'application/flatgeobuf'],
] as const;
const FORMAT_OF = { gpkg: 'gpkg', 'shp.zip': 'shp', fgb: 'fgb' } as const;
const STATIONS_CACHE_SIZE = 8;

export async function gisExportRoutes(app: FastifyInstance): Promise<void> {
  const store = app.store;
  // a plan's content changes only with its version
  const stationsCache = new Map<string, GeoJsonFeatureCollection>();
  for (const layer of ['stations', 'committees'] as const) {
    for (const [extension, formatName, mediaType] of GIS_FILES) {
      const file = `${layer}.${extension}`;
      app.get<{ Params: Static<typeof GisParams>; Querystring: Static<typeof GisQuery> }>(`/plans/:id/${file}`, {
        schema: {
          tags: ['exports'],
          summary: `${layer === 'stations' ? 'One dissolved feature per station' : 'Every committee with its station'} as ${formatName} (${mediaType}), in ?crs= (EPSG code, default EPSG:4326), with each station's map fill`,
          params: GisParams, querystring: GisQuery,
          response: withErrors({ 200: Type.String({ format: 'binary' }) }),
        },
      }, async (request, reply) => {
        const crs = explainCrsWriter(request.query.crs ?? 'EPSG:4326');
        if (typeof crs === 'string') throw new StoreError('invalid-request', 422, `crs: ${crs}`, 'crs');
        const plan = await getPlanOr404(store, request.params.id);
        const dataset = await loadStoredDataset(store, plan.datasetId);
        const outcome = makeOutcome(plan.summary as PlanSummary, dataset.committees);
        let stations: GeoJsonFeatureCollection | undefined;
        if (layer === 'stations') {
          const key = `${plan.id}:${plan.version}`;
          stations = stationsCache.get(key) ?? JSON.parse(await app.tasks.run('buildExport', { kind: 'stations.geojson', summary: outcome.summary, committees: dataset.committees })) as GeoJsonFeatureCollection;
          if (!stationsCache.has(key)) {
            if (stationsCache.size >= STATIONS_CACHE_SIZE) stationsCache.delete(stationsCache.keys().next().value!);
            stationsCache.set(key, stations);
          }
        }
        // encoded in a worker: a large plan's file takes seconds to build
        const files = await app.tasks.run('gisFiles', { summary: outcome.summary, committees: dataset.committees, formats: [FORMAT_OF[extension]], options: { outCrs: crs.code, layers: [layer], ...(stations ? { stations } : {}) } });
        return reply.type(mediaType).header('content-disposition', `attachment; filename="${file}"`).send(Buffer.from(files[file] as Uint8Array));
      });
    }
  }
}
