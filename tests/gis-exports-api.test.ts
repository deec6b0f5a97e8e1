/**
 * GET /api/plans/:id/{stations,committees}.{gpkg,shp.zip,fgb}?crs=: a stored plan's GIS files read
 * back with GDAL's ogrinfo (feature count, SRS, Chinese names), and the plan text titled from the
 * scenario's document block. On embedded PGlite + PostGIS.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatasetSource } from '../geo/ingest.js';
import { startTestApi, type TestApi } from './helpers/api.js';

const LUOHU_GEOJSON = readFileSync(new URL('../scenarios/luohu-2006/committees.geojson', import.meta.url), 'utf8');
const hasGdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).status === 0;
const execFileAsync = promisify(execFile);

async function ogrinfo(args: string[]): Promise<string> {
  return (await execFileAsync('ogrinfo', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
}

interface Feature { properties: Record<string, unknown> }

describe('GIS exports and plan text of a stored plan (embedded PGlite + PostGIS)', () => {
  let api: TestApi;
  let app: FastifyInstance;
  let token: string;
  let titledPlan: string;
  let plainPlan: string;
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-gis-api-'));

  async function get(url: string) {
    const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    let json: any;
    try { json = r.json(); } catch { /* binary */ }
    return { status: r.statusCode, headers: r.headers, bytes: Buffer.from(r.rawPayload), json };
  }

  beforeAll(async () => {
    api = await startTestApi({ app: { solveWorkers: 0, solveSyncWaitMs: 120_000 }, tokens: { planner: 'district-planner' } });
    ({ app } = api);
    token = api.tokens.planner!;
    const post = async (url: string, body?: string, contentType?: string) => {
      const r = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { payload: body } : {}) });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    };
    const datasetId = (await post('/api/datasets?name=罗湖', LUOHU_GEOJSON, 'application/geo+json')).id;
    const solve = async (scenario: Record<string, unknown>) => {
      const made = await post('/api/scenarios', JSON.stringify({ datasetId, streetOffices: ['黄贝'], ...scenario }), 'application/json');
      return (await post(`/api/scenarios/${made.id}/plans`)).id as string;
    };
    titledPlan = await solve({ name: 'hb-titled', document: { title: '黄贝街道社区工作站整合方案' } });
    plainPlan = await solve({ name: 'hb-plain' });
  }, 240_000);

  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('writes committees whose properties clash in a GeoPackage\'s case-insensitive column names (FID, Name, GEOM, "") renamed, not a 500 (red team)', async () => {
    const square = (x: number) => [[[114 + x, 22.5], [114.01 + x, 22.5], [114.01 + x, 22.51], [114 + x, 22.51], [114 + x, 22.5]]];
    const extra = { FID: 2, Name: 'case', GEOM: 'g', '': 'empty', 'a"; DROP TABLE gpkg_contents; --': 1, fid: 'dropped' };
    const features = [
      { type: 'Feature', properties: { id: 'k1', name: 'k1', streetOffice: '黄贝', households: 4000, ...extra }, geometry: { type: 'Polygon', coordinates: square(0) } },
      { type: 'Feature', properties: { id: 'k2', name: 'k2', streetOffice: '黄贝', households: 4000 }, geometry: { type: 'Polygon', coordinates: square(0.01) } },
    ];
    const up = await app.inject({ method: 'POST', url: '/api/datasets?name=clash', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/geo+json' }, payload: JSON.stringify({ type: 'FeatureCollection', features }) });
    expect(up.statusCode, up.body).toBe(201);
    const plan = await app.inject({ method: 'POST', url: `/api/datasets/${up.json().id}/plans`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'clash', streetOffices: ['黄贝'], stations: [['k1', 'k2']] }) });
    expect(plan.statusCode, plan.body).toBe(201);
    const gpkg = await get(`/api/plans/${plan.json().id}/committees.gpkg`);
    expect(gpkg.status, JSON.stringify(gpkg.json)).toBe(200);
    const read = await readDatasetSource({ name: 'c.gpkg', bytes: gpkg.bytes });
    expect(read.ok, JSON.stringify(read.problems.slice(0, 2))).toBe(true);
    const k1 = read.dataset!.committees.find((c) => c.id === 'k1')!;
    expect(k1.name).toBe('k1');
    expect(k1.extra).toMatchObject({ FID_1: 2, Name_1: 'case', GEOM_1: 'g', field: 'empty', 'a"; DROP TABLE gpkg_contents; --': 1 });
  });

  it('titles the plan text from the scenario\'s document.title, else "<dataset name>社区工作站整合方案", never the scenario id', async () => {
    const titled = await get(`/api/plans/${titledPlan}/text`);
    expect(titled.bytes.toString('utf8').split('\n')[0]).toBe('# 黄贝街道社区工作站整合方案');
    const plain = (await get(`/api/plans/${plainPlan}/text`)).bytes.toString('utf8');
    expect(plain.split('\n')[0]).toBe('# 罗湖社区工作站整合方案');
    expect(plain).not.toContain('hb-plain');
  });

  it('refuses a CRS it cannot write (422 naming crs) and an unknown query field', async () => {
    const bad = await get(`/api/plans/${titledPlan}/stations.gpkg?crs=EPSG:99999999`);
    expect(bad.status).toBe(422);
    expect(bad.json.field).toBe('crs');
    expect(bad.json.message).toMatch(/crs/);
    const word = await get(`/api/plans/${titledPlan}/stations.fgb?crs=wgs84`);
    expect(word.status).toBe(422);
    expect(word.json.field).toBe('crs');
    expect((await get(`/api/plans/${titledPlan}/stations.fgb?srs=EPSG:4326`)).status).toBe(422);
    expect((await get('/api/plans/no-such-plan/committees.gpkg')).status).toBe(404);
    const unauthenticated = await app.inject({ method: 'GET', url: `/api/plans/${titledPlan}/stations.gpkg` });
    expect(unauthenticated.statusCode).toBe(401);
  });

  it('lists the six files in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/documentation/json' })).json() as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    for (const layer of ['stations', 'committees']) {
      for (const extension of ['gpkg', 'shp.zip', 'fgb']) {
        const path = doc.paths[`/api/plans/{id}/${layer}.${extension}`];
        expect(path?.get?.parameters?.map((p) => p.name), `${layer}.${extension}`).toContain('crs');
      }
    }
  });

  const FILES = [
    ['stations.gpkg', 'application/geopackage+sqlite3', 'stations'],
    ['committees.gpkg', 'application/geopackage+sqlite3', 'committees'],
    ['stations.shp.zip', 'application/zip', 'stations'],
    ['committees.shp.zip', 'application/zip', 'committees'],
    ['stations.fgb', 'application/flatgeobuf', 'stations'],
    ['committees.fgb', 'application/flatgeobuf', 'committees'],
  ] as const;

  describe.skipIf(!hasGdal)('read back by ogrinfo (needs Debian gdal-bin)', () => {
    for (const [file, mediaType, layer] of FILES) {
      for (const crs of ['EPSG:4547', undefined]) {
        it(`${file}${crs ? ` in ${crs}` : ' (default WGS84)'}: media type, feature count, SRS and a Chinese name`, async () => {
          const r = await get(`/api/plans/${titledPlan}/${file}${crs ? `?crs=${crs}` : ''}`);
          expect(r.status, r.bytes.toString('utf8', 0, 300)).toBe(200);
          expect(r.headers['content-type']).toBe(mediaType);
          expect(r.headers['content-disposition']).toBe(`attachment; filename="${file}"`);
          const geojson = (await get(`/api/plans/${titledPlan}/${layer}.geojson`)).json as { features: Feature[] };
          const path = join(dir, `${crs ? 'projected' : 'wgs84'}-${file}`);
          writeFileSync(path, r.bytes);
          // GDAL reads a zipped Shapefile through /vsizip/; a FlatGeobuf's one layer has no name
          const source = file.endsWith('.zip') ? `/vsizip/${path}` : path;
          const which = file.endsWith('.fgb') ? ['-al'] : [layer];
          const info = await ogrinfo(['-so', source, ...which]);
          expect(Number(/Feature Count: (\d+)/.exec(info)?.[1])).toBe(geojson.features.length);
          expect(info).toMatch(crs ? /CGCS2000 \/ 3-degree Gauss-Kruger CM 114E/ : /WGS 84/);
          const name = layer === 'stations' ? 'label' : 'name';
          const wanted = geojson.features.map((f) => String(f.properties[name])).find((n) => /\p{Script=Han}/u.test(n))!;
          const all = await ogrinfo(['-q', source, ...which]);
          expect(all).toContain(`${name} (String) = ${wanted}`);
        });
      }
    }
  });
});
