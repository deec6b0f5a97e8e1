/**
 * Datasets: upload a committees FeatureCollection (validated by geo/ingest; nothing stored when a
 * problem is fatal), list, fetch, committees as GeoJSON from the stored PostGIS geometry.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { FieldMapping } from '../../geo/types.js';
import { requireActor, requireRole } from '../plugins/auth.js';
import {
  DatasetCreatedSchema, DatasetListSchema, DatasetSchema, DatasetUploadQuery, GeoJsonSchema, IdParams,
  LIMITS, PageQuery, StreetOfficeQuery, withErrors,
} from '../schemas.js';
import { readPageQuery } from '../paging.js';
import { StoreError } from '../store/types.js';

export interface DatasetRoutesOptions {
  /** Largest upload, bytes. [52428800 (50 MiB)] */
  datasetBodyLimit?: number;
  /** The per-token rate limit of uploads (an onRequest hook). */
  uploadLimit?: onRequestAsyncHookHandler;
}

function parseMapping(text: string | undefined): FieldMapping | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as FieldMapping;
  } catch (e) {
    throw new StoreError('invalid-request', 422, `mapping: not valid JSON (${(e as Error).message})`, 'mapping');
  }
}

const FEATURE_COLLECTION_DOC = `a GeoJSON FeatureCollection of committees (its optional \`name\`: 1 to ${LIMITS.name} characters)`;

/** Binary uploads (Shapefile zip, GeoPackage, FlatGeobuf) by content type, and the file name that tells the format. */
const BINARY_UPLOADS: Record<string, string> = {
  'application/zip': 'upload.zip',
  'application/x-zip-compressed': 'upload.zip',
  'application/geopackage+sqlite3': 'upload.gpkg',
  'application/flatgeobuf': 'upload.fgb',
  'application/octet-stream': 'upload',
};
const UploadQuery = Type.Object({
  ...DatasetUploadQuery.properties,
  layer: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.layer, description: 'GeoPackage table or Shapefile in the zip [the only one]' })),
  encoding: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.encoding, description: 'DBF text encoding of a Shapefile, e.g. GBK [its .cpg, else UTF-8]' })),
}, { additionalProperties: false });

/** Uploads as JSON text: parsed, walked and validated in a worker (server/tasks.ts readUpload). */
const JSON_UPLOADS = ['application/json', 'application/geo+json'];

export const datasetRoutes: FastifyPluginAsyncTypebox<DatasetRoutesOptions> = async (app, options) => {
  // Every upload arrives as bytes: parsing 49 MiB of JSON (and walking and validating it) is work
  // for the task pool, not for the event loop. (Fastify's JSON parser is replaced in this plugin only.)
  app.removeContentTypeParser(JSON_UPLOADS);
  app.addContentTypeParser([...JSON_UPLOADS, ...Object.keys(BINARY_UPLOADS)], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/datasets', {
    bodyLimit: options.datasetBodyLimit ?? 50 * 1024 * 1024,
    ...(options.uploadLimit ? { onRequest: options.uploadLimit } : {}),
    schema: {
      tags: ['datasets'],
      summary: 'Upload committees (GeoJSON FeatureCollection, or as application/zip a zipped Shapefile, application/geopackage+sqlite3, application/flatgeobuf); 201 with the id and the validation report, 422 dataset-invalid with every problem',
      querystring: UploadQuery,
      body: {
        content: {
          ...Object.fromEntries(JSON_UPLOADS.map((t) => [t, { schema: { description: FEATURE_COLLECTION_DOC } }])),
          ...Object.fromEntries(Object.keys(BINARY_UPLOADS).map((t) => [t, { schema: {} }])),
        },
      },
      response: withErrors({ 201: DatasetCreatedSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, ['district-planner', 'admin'], 'upload datasets');
    const mapping = parseMapping(request.query.mapping);
    const reading = {
      ...(mapping !== undefined ? { mapping } : {}),
      ...(request.query.crs !== undefined ? { crs: request.query.crs } : {}),
      ...(request.query.name !== undefined ? { name: request.query.name } : {}),
    };
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const body = request.body as Buffer;
    const report = await app.tasks.run('readUpload', {
      bytes: body,
      kind: JSON_UPLOADS.includes(type) ? { json: true } : { json: false, fileName: BINARY_UPLOADS[type] ?? 'upload' },
      reading: JSON_UPLOADS.includes(type) ? reading : {
        ...reading,
        ...(request.query.name === undefined ? { name: 'dataset' } : {}),
        ...(request.query.layer !== undefined ? { layer: request.query.layer } : {}),
        ...(request.query.encoding !== undefined ? { encoding: request.query.encoding } : {}),
      },
    });
    const summary = { ok: report.ok, fatal: report.fatal, warnings: report.warnings, problems: report.problems };
    if (!report.ok || !report.dataset) {
      throw new StoreError('dataset-invalid', 422, `the dataset has ${report.fatal} fatal problem(s) and ${report.warnings} warning(s); nothing was stored`,
        undefined, summary);
    }
    const record = await app.store.createDataset({
      name: report.dataset.name,
      committees: report.dataset.committees,
      meta: { source: 'upload', warnings: report.warnings, ...(request.query.crs ? { crs: request.query.crs } : {}) },
    });
    return reply.code(201).header('location', `/api/datasets/${record.id}`).send({ ...record, report: summary });
  });

  app.get('/datasets', {
    schema: {
      tags: ['datasets'], summary: 'List datasets, oldest first, a page at a time (?limit=&cursor=; nextCursor, total)',
      querystring: PageQuery, response: withErrors({ 200: DatasetListSchema }),
    },
  }, async (request) => {
    const page = await app.store.pageDatasets(readPageQuery(request.query));
    return { datasets: page.items, nextCursor: page.nextCursor, total: page.total };
  });

  app.get('/datasets/:id', {
    schema: { tags: ['datasets'], summary: 'One dataset', params: IdParams, response: withErrors({ 200: DatasetSchema }) },
  }, async (request) => {
    const record = await app.store.getDataset(request.params.id);
    if (!record) throw new StoreError('dataset-not-found', 404, `no dataset "${request.params.id}"`, 'id');
    return record;
  });

  app.get('/datasets/:id/committees.geojson', {
    schema: {
      tags: ['datasets'],
      summary: 'The committees as GeoJSON (application/geo+json), geometry from PostGIS; ?streetOffice= for one',
      params: IdParams, querystring: StreetOfficeQuery,
      response: withErrors({ 200: GeoJsonSchema }),
    },
  }, async (request, reply) => {
    const fc = await app.store.getCommitteesGeoJSON(request.params.id,
      request.query.streetOffice !== undefined ? { streetOffice: request.query.streetOffice } : {});
    if (!fc) throw new StoreError('dataset-not-found', 404, `no dataset "${request.params.id}"`, 'id');
    return reply.type('application/geo+json; charset=utf-8').send(fc);
  });
};
