/**
 * POST /api/datasets with the binary formats: a zipped Shapefile (application/zip), a GeoPackage
 * (application/geopackage+sqlite3) and FlatGeobuf (application/flatgeobuf) are read and validated
 * like GeoJSON; a broken file is a 422 dataset-invalid naming the problem, and nothing is stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api.js';

const FORMATS = join(import.meta.dirname, 'fixtures', 'formats');
const INVALID = join(import.meta.dirname, 'fixtures', 'invalid', 'formats');

describe('POST /api/datasets in the GIS formats', () => {
  let api: TestApi;
  let app: FastifyInstance;
  let token: string;
  beforeAll(async () => {
    api = await startTestApi({ app: { solveWorkers: 1 }, tokens: { planner: 'district-planner' } });
    ({ app } = api);
    token = api.tokens.planner!;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  }, 60_000);

  const upload = (bytes: Buffer, type: string, query = '') =>
    app.inject({ method: 'POST', url: `/api/datasets${query}`, headers: { authorization: `Bearer ${token}`, 'content-type': type }, payload: bytes });

  it('stores the committees of a zipped Shapefile (GBK, EPSG:4547), a GeoPackage and a FlatGeobuf file', async () => {
    const cases: [string, string, string][] = [
      ['huangbei-4547-gbk.zip', 'application/zip', '?name=黄贝-shp'],
      ['huangbei-4490.gpkg', 'application/geopackage+sqlite3', '?layer=committees'],
      ['huangbei.fgb', 'application/flatgeobuf', ''],
      ['huangbei-4490.gpkg', 'application/octet-stream', ''],
    ];
    for (const [file, type, query] of cases) {
      const r = await upload(readFileSync(join(FORMATS, file)), type, query);
      expect(r.statusCode, `${file}: ${r.body.slice(0, 300)}`).toBe(201);
      const body = r.json() as { id: string; report: { ok: boolean; problems: { code: string }[] } };
      expect(body.report.ok).toBe(true);
      const committees = await app.inject({ method: 'GET', url: `/api/datasets/${body.id}/committees.geojson`, headers: { authorization: `Bearer ${token}` } });
      const fc = committees.json() as { features: { properties: { name: string } }[] };
      expect(fc.features).toHaveLength(13);
      expect(fc.features.map((f) => f.properties.name)).toContain('碧波');
    }
  });

  it('answers 422 dataset-invalid naming the problem of a broken file, and stores nothing', async () => {
    const before = ((await app.inject({ method: 'GET', url: '/api/datasets', headers: { authorization: `Bearer ${token}` } })).json() as { datasets: unknown[] }).datasets.length;
    const cases: [string, string, string][] = [
      ['shp-gbk-without-cpg.zip', 'application/zip', 'encoding-mismatch'],
      ['gpkg-two-layers.gpkg', 'application/geopackage+sqlite3', 'layer-ambiguous'],
      ['fgb-truncated.fgb', 'application/flatgeobuf', 'format-unreadable'],
    ];
    for (const [file, type, code] of cases) {
      const r = await upload(readFileSync(join(INVALID, file)), type);
      expect(r.statusCode, file).toBe(422);
      expect(r.body, file).toContain(code);
    }
    const after = ((await app.inject({ method: 'GET', url: '/api/datasets', headers: { authorization: `Bearer ${token}` } })).json() as { datasets: unknown[] }).datasets.length;
    expect(after).toBe(before);
  });
});
