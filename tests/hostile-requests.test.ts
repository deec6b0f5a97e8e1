/**
 * Issue 12, "every bad input gets a 4xx": the hostile requests of the report, each answered in
 * the documented `{ code, message, field }` shape, never 500; and the headers every answer carries.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHostileValue, makeExportFileName } from '../server/plugins/hardening.js';
import { describeEngines, startTestApi, type TestApi, type TestEngine, type TestReply } from './helpers/api.js';
import { rect } from './helpers/store.js';

type Reply = TestReply;

function feature(id: string, props: Record<string, unknown>, x: number) {
  return { type: 'Feature', properties: { id, name: id, streetOffice: '黄贝', households: 4000, ...props }, geometry: { type: 'Polygon', coordinates: rect(114 + x, 22.5, 114.01 + x, 22.51) } };
}

describe('findHostileValue', () => {
  it('names the first control character and the first value nested too deep, without recursion', () => {
    expect(findHostileValue({ name: 'ok', list: ['a', 'b\u0000c'] }, '')).toEqual({ field: 'list[1]', problem: 'control-character' });
    expect(findHostileValue({ opinion: 'line one\nline two\ttab' }, '')).toBeUndefined();
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(findHostileValue({ p: deep }, '', 64)?.problem).toBe('too-deep');
    expect(findHostileValue({ 'k\u0001': 1 }, '')?.problem).toBe('control-character');
  });

  it('names an unpaired surrogate, a C1 control and a bidirectional override as control characters (red team: a lone \\ud800 was a 500)', () => {
    expect(findHostileValue({ name: 'a\ud800b' }, '')).toEqual({ field: 'name', problem: 'control-character' });
    expect(findHostileValue({ name: 'a\udc00' }, '')?.problem).toBe('control-character');
    expect(findHostileValue({ name: 'abc\u202Edef' }, '')?.problem).toBe('control-character');
    expect(findHostileValue({ name: 'x\u2066y' }, '')?.problem).toBe('control-character');
    expect(findHostileValue({ name: 'x\u0085y' }, '')?.problem).toBe('control-character');
    // a well-formed pair (an emoji, a CJK extension B character) and marks that reorder nothing are text
    expect(findHostileValue({ name: '😀 𠀀 黄贝\u200F\u200E' }, '')).toBeUndefined();
  });

  it('gives exports a file name made of the resource, the id and the export', () => {
    expect(makeExportFileName('/api/plans/0e4744f0-aaaa/stations.geojson', 'application/geo+json')).toBe('plan-0e4744f0-stations.geojson');
    expect(makeExportFileName('/api/plans/0e4744f0-aaaa/text?lang=en', 'text/plain; charset=utf-8')).toBe('plan-0e4744f0-text.txt');
    expect(makeExportFileName('/api/plans/0e4744f0-aaaa/history', 'application/json')).toBeUndefined();
  });
});

function hostileSuite(engine: TestEngine): void {
  let api: TestApi;
  let planner: string;
  let admin: string;

  async function call(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    return api.call(method, path, { token: token ?? planner, ...(typeof body === 'string' ? { raw: body, contentType: 'application/json' } : body !== undefined ? { body } : {}) });
  }

  beforeAll(async () => {
    api = await startTestApi({ engine, tokens: { planner: 'district-planner', admin: 'admin' } });
    ({ planner, admin } = api.tokens as { planner: string; admin: string });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('refuses NUL in a path, a query, a name, a label and an opinion as 422 naming the field', async () => {
    const path = await call('GET', '/api/plans/abc%00def');
    expect([path.status, path.json.code, path.json.field]).toEqual([422, 'invalid-request', 'id']);
    const query = await call('GET', '/api/plans?streetOffice=%E9%BB%84%00');
    expect([query.status, query.json.code, query.json.field]).toEqual([422, 'invalid-request', 'streetOffice']);
    const label = await call('POST', '/api/tokens', { role: 'organisation', label: 'org\u0000' }, admin);
    expect([label.status, label.json.code, label.json.field]).toEqual([422, 'invalid-request', 'label']);
    const opinion = await call('POST', '/api/plans/00000000-0000-0000-0000-000000000000/actions', { action: 'opinion', version: 1, agree: true, opinion: 'fine\u0000' });
    expect([opinion.status, opinion.json.field]).toEqual([422, 'opinion']);
    const name = await call('POST', '/api/datasets?name=a%00b', { type: 'FeatureCollection', features: [feature('c1', {}, 0)] });
    expect([name.status, name.json.field]).toEqual([422, 'name']);
  });

  it('refuses an unpaired surrogate and a right-to-left override in a scenario name, an opinion and an upload as 422 naming the field (red team)', async () => {
    const up = await call('POST', '/api/datasets?name=surrogates', { type: 'FeatureCollection', features: [feature('c1', {}, 0)] });
    expect(up.status, up.text).toBe(201);
    // JSON text with the escape itself: JSON.stringify would write a lone surrogate the same way
    const scenario = await call('POST', '/api/scenarios', `{"datasetId":"${up.json.id}","name":"a\\ud800b"}`);
    expect([scenario.status, scenario.json.code, scenario.json.field], scenario.text).toEqual([422, 'invalid-request', 'name']);
    const rtl = await call('POST', '/api/scenarios', { datasetId: up.json.id, name: 'abc\u202Edef' });
    expect([rtl.status, rtl.json.field], rtl.text).toEqual([422, 'name']);
    const opinion = await call('POST', '/api/plans/00000000-0000-0000-0000-000000000000/actions', '{"action":"opinion","version":1,"agree":true,"opinion":"\\udfff"}');
    expect([opinion.status, opinion.json.field]).toEqual([422, 'opinion']);
    const upload = await call('POST', '/api/datasets?name=lone', `{"type":"FeatureCollection","features":[${JSON.stringify(feature('c1', {}, 0)).replace('"name":"c1"', '"name":"c\\ud83d"')}]}`);
    expect([upload.status, upload.json.field], upload.text).toEqual([422, 'features[0].properties.name']);
    expect(upload.json.message).toMatch(/control character.*unpaired surrogate/);
    const ok = await call('POST', '/api/scenarios', { datasetId: up.json.id, name: '黄贝 😀 𠀀' });
    expect(ok.status, ok.text).toBe(201);
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('refuses a GeoJSON property nested 10,000 deep as 422, and the server goes on', async () => {
    const raw = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"c1","name":"c1","streetOffice":"黄贝","households":4000,"notes":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}},"geometry":{"type":"Polygon","coordinates":${JSON.stringify(rect(114, 22.5, 114.01, 22.51))}}}]}`;
    const deep = await call('POST', '/api/datasets?name=deep', raw);
    expect(deep.status).toBe(422);
    expect(deep.json.code).toBe('invalid-request');
    expect(deep.json.field).toMatch(/^features\[0\]\.properties\.notes/);
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('writes committees named like spreadsheet formulas into plan.csv as inert text (finding 5)', async () => {
    const up = await call('POST', '/api/datasets?name=formulas', {
      type: 'FeatureCollection',
      features: [feature('f1', { name: '=HYPERLINK("http://x","y")' }, 0), feature('f2', { name: '@SUM(A1)' }, 0.02), feature('f3', { name: '+1' }, 0.04)],
    });
    expect(up.status, up.text).toBe(201);
    const plan = await call('POST', `/api/datasets/${up.json.id}/plans`, { name: 'formulas', streetOffices: ['黄贝'], stations: [['f1', 'f2'], ['f3']] });
    expect(plan.status, plan.text).toBe(201);
    const csv = await call('GET', `/api/plans/${plan.json.id}/plan.csv`);
    expect(csv.status).toBe(200);
    const cells = csv.text.replace(/^\uFEFF/, '').split('\r\n').flatMap((line) => line.split(',')).map((c) => c.replace(/^"/, ''));
    expect(cells.some((c) => c.includes('HYPERLINK')), csv.text).toBe(true);
    // no cell a spreadsheet would run: none starts with = + - @ TAB or CR (numbers aside)
    expect(cells.filter((c) => /^[=+@\t\r]|^-[^0-9]/.test(c)), csv.text).toEqual([]);
    expect(csv.text).toContain("'=HYPERLINK");
    // the headers follow ?lang= as the README says (lang was ignored: Chinese for en), and a
    // language it does not have is refused, not answered in Chinese (red team)
    expect(csv.text.replace(/^\uFEFF/, '')).toMatch(/^工作站编号,/);
    const en = await call('GET', `/api/plans/${plan.json.id}/plan.csv?lang=en`);
    expect([en.status, en.text.replace(/^\uFEFF/, '').split(',')[0]]).toEqual([200, 'station']);
    const fr = await call('GET', `/api/plans/${plan.json.id}/plan.csv?lang=fr`);
    expect([fr.status, fr.json?.code, fr.json?.field]).toEqual([422, 'invalid-request', 'querystring.lang']);
  });

  it('refuses a 9,000-character committee id and 2^31 households in validation, naming the feature and field', async () => {
    const longId = await call('POST', '/api/datasets?name=long', { type: 'FeatureCollection', features: [feature('c'.repeat(9000), {}, 0)] });
    expect(longId.status).toBe(422);
    expect(JSON.stringify(longId.json)).toContain('id-too-long');
    const big = await call('POST', '/api/datasets?name=big', { type: 'FeatureCollection', features: [feature('c1', { households: 2 ** 31 }, 0)] });
    expect(big.status).toBe(422);
    expect(JSON.stringify(big.json)).toContain('households-too-large');
    const datasets = await call('GET', '/api/datasets');
    expect(datasets.status).toBe(200);
    expect(JSON.stringify(datasets.json)).not.toContain('"long"');
  });

  it('answers an over-long id in the documented shape, not with the framework\'s own', async () => {
    const res = await call('GET', `/api/plans/${'x'.repeat(150)}`);
    expect(res.status).toBe(414);
    expect(res.json).toEqual({ code: 'uri-too-long', message: expect.stringContaining('100 characters') });
  });

  it('answers headers too large and a bad Content-Length in the documented shape', async () => {
    const raw = (headers: Record<string, string>): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
      const req = httpRequest(`${api.url}/api/datasets`, { method: 'GET', headers }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    const big = await raw({ authorization: `Bearer ${planner}`, 'x-filler': 'y'.repeat(20_000) });
    expect(big.status).toBe(431);
    expect(JSON.parse(big.body)).toMatchObject({ code: 'headers-too-large' });
    const badLength = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(api.url).port), '127.0.0.1', () => {
        socket.write('POST /api/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}');
      });
      let got = '';
      socket.on('data', (c) => { got += c; });
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
    expect(badLength).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(badLength.slice(badLength.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'invalid-content-length' });
  });

  it('sends nosniff on every answer, no-store on the token answer and a file name on exports', async () => {
    const health = await call('GET', '/health');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    const token = await call('POST', '/api/tokens', { role: 'organisation' }, admin);
    expect(token.status).toBe(201);
    expect(token.headers.get('cache-control')).toBe('no-store');
    const made = await call('POST', '/api/datasets?name=small', { type: 'FeatureCollection', features: [feature('c1', {}, 0), feature('c2', {}, 0.01)] });
    expect(made.status).toBe(201);
    const id = made.json.id as string;
    const exported = await call('GET', `/api/datasets/${id}/committees.geojson`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="dataset-${id.slice(0, 8)}-committees.geojson"`);
  });
}

describeEngines('hostile requests', hostileSuite);
