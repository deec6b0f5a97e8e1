/**
 * The HTTP API over real HTTP (listen on port 0 + fetch), on embedded PGlite+PostGIS always and on
 * a PostgreSQL server when DATABASE_URL is set (CI sets it). One app and store per engine.
 * Covers upload → scenario → solve → exports (equal to `yizhan plan` / `yizhan evaluate` output),
 * the approval path to filed, every refusal with its code, stale versions, history, jobs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runEvaluate, runPlan } from '../cli/plan-commands.js';
import { buildApp } from '../server/app.js';
import { issueToken } from '../server/auth.js';
import type { Role, Store } from '../server/store/types.js';
import { describeEngines, startTestApi, type CallOptions, type TestApi, type TestEngine, type TestReply } from './helpers/api.js';

const LUOHU = new URL('../scenarios/luohu-2006/', import.meta.url);
const LUOHU_GEOJSON = readFileSync(new URL('committees.geojson', LUOHU), 'utf8');
const PLAN_2006 = JSON.parse(readFileSync(new URL('plan-2006.json', LUOHU), 'utf8')) as { name: string; stations: string[][] };

/** `yizhan plan luohu-2006` and `yizhan evaluate luohu-2006 --plan plan-2006.json`, run once for every suite. */
let cliOutputs: Promise<{ plan: Record<string, string>; evaluate: Record<string, string> }> | undefined;
function runCli(): Promise<{ plan: Record<string, string>; evaluate: Record<string, string> }> {
  cliOutputs ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-api-cli-'));
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runPlan('luohu-2006', { out: join(dir, 'plan'), json: false, quiet: true });
      await runEvaluate('luohu-2006', new URL('plan-2006.json', LUOHU).pathname, { out: join(dir, 'evaluate'), json: false, quiet: true });
    } finally {
      quiet.mockRestore();
    }
    const read = (sub: string) => Object.fromEntries(['summary.json', 'stations.geojson', 'committees.geojson', 'plan.zh.md', 'plan.csv']
      .map((f) => [f, readFileSync(join(dir, sub, f), 'utf8')]));
    const out = { plan: read('plan'), evaluate: read('evaluate') };
    rmSync(dir, { recursive: true, force: true });
    return out;
  })();
  return cliOutputs;
}

/** A copy without wall-clock times (`ms`), which differ from run to run. */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'ms').map(([k, v]) => [k, withoutTimes(v)]));
  }
  return value;
}

type Reply = TestReply;

type Tokens = Record<'planner' | 'huangbei' | 'dongmen' | 'organisation' | 'civilAffairs' | 'establishment' | 'government' | 'city' | 'admin', string>;

function apiSuite(engine: TestEngine): void {
  let api: TestApi;
  let store: Store;
  let slowApp: FastifyInstance;
  let slowBase: string;
  let tokens: Tokens;
  let datasetId: string;
  let scenarioId: string;
  let huangbeiScenarioId: string;
  let solvedPlanId: string;

  const call = (method: string, path: string, options: CallOptions = {}): Promise<Reply> => api.call(method, path, options);

  beforeAll(async () => {
    api = await startTestApi({
      engine,
      app: { solveWorkers: 1, solveSyncWaitMs: 120_000 },
      tokens: {
        planner: 'district-planner', huangbei: ['street-office', '黄贝'], dongmen: ['street-office', '东门'], organisation: 'organisation',
        civilAffairs: 'civil-affairs', establishment: 'establishment', government: 'district-government', city: 'city-civil-affairs', admin: 'admin',
      },
      defaultToken: 'planner',
    });
    store = api.store;
    tokens = api.tokens as Tokens;
    // A second app on the same store answers 202 for every solve; it must not close the shared store.
    const borrowed = Object.assign(Object.create(store) as Store, { close: async () => {} });
    slowApp = await buildApp({ store: borrowed, solveWorkers: 1, solveSyncWaitMs: 1 });
    await slowApp.listen({ port: 0, host: '127.0.0.1' });
    slowBase = `http://127.0.0.1:${(slowApp.server.address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    await slowApp?.close();
    await api?.close();
  }, 60_000);

  it('serves /health and the OpenAPI document without a token', async () => {
    const health = await call('GET', '/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', engine: store.engine });
    const doc = await call('GET', '/documentation/json', { token: null });
    expect(doc.status).toBe(200);
    for (const path of ['/api/datasets', '/api/scenarios', '/api/scenarios/{id}/plans', '/api/plans/{id}', '/api/plans/{id}/actions', '/api/plans/{id}/history', '/api/jobs/{id}']) {
      expect(Object.keys(doc.json.paths)).toContain(path);
    }
    expect(doc.json.paths['/api/plans/{id}/actions'].post.requestBody).toBeDefined();
  });

  it('refuses /api without a valid token: 401 unauthenticated', async () => {
    for (const token of [null, 'not-a-real-token-at-all-xxxxxxxxxxxxxxxxxxx']) {
      const r = await call('GET', '/api/datasets', { token });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ code: 'unauthenticated', field: 'authorization' });
    }
    const malformed = await call('GET', '/api/datasets', { token: null, headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
  });

  it('uploads a dataset (application/geo+json) and answers with the id and the validation report', async () => {
    const r = await call('POST', '/api/datasets?name=luohu', { raw: LUOHU_GEOJSON, headers: { 'content-type': 'application/geo+json' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: 'luohu', committeeCount: 115, report: { ok: true, fatal: 0 } });
    expect(r.json.streetOffices).toHaveLength(10);
    datasetId = r.json.id;
    expect(r.headers.get('location')).toBe(`/api/datasets/${datasetId}`);
    const list = await call('GET', '/api/datasets', { token: tokens.organisation });
    expect(list.json.datasets.map((d: { id: string }) => d.id)).toContain(datasetId);
    const one = await call('GET', `/api/datasets/${datasetId}`);
    expect(one.json).toMatchObject({ id: datasetId, committeeCount: 115 });
  }, 60_000);

  it('exports the dataset committees as application/geo+json from the stored geometry', async () => {
    const r = await call('GET', `/api/datasets/${datasetId}/committees.geojson`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(r.json.type).toBe('FeatureCollection');
    expect(r.json.features).toHaveLength(115);
    const source = JSON.parse(LUOHU_GEOJSON) as { features: { properties: { id: string }; geometry: { coordinates: unknown } }[] };
    const first = r.json.features.find((f: { properties: { id: string } }) => f.properties.id === source.features[0]!.properties.id);
    expect(first.geometry.type).toBe('MultiPolygon');
    const one = await call('GET', `/api/datasets/${datasetId}/committees.geojson?streetOffice=${encodeURIComponent('黄贝')}`);
    expect(one.json.features).toHaveLength(13);
  });

  it('refuses a dataset with fatal problems: 422 dataset-invalid with every problem, nothing stored', async () => {
    const before = (await call('GET', '/api/datasets')).json.datasets.length;
    const fc = JSON.parse(LUOHU_GEOJSON) as { features: { properties: Record<string, unknown> }[] };
    fc.features[3]!.properties.households = -5;
    fc.features[7]!.properties.households = 'many';
    const r = await call('POST', '/api/datasets', { body: fc });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('dataset-invalid');
    const fatal = r.json.details.problems.filter((p: { severity: string }) => p.severity === 'fatal');
    expect(fatal.map((p: { feature: number }) => p.feature).sort()).toEqual([3, 7]);
    expect(fatal.every((p: { field: string }) => p.field === 'households')).toBe(true);
    expect((await call('GET', '/api/datasets')).json.datasets.length).toBe(before);
    const mapping = await call('POST', '/api/datasets?mapping=%7Bnope', { body: fc });
    expect(mapping.status).toBe(422);
    expect(mapping.json).toMatchObject({ code: 'invalid-request', field: 'mapping' });
    const notFc = await call('POST', '/api/datasets', { body: { type: 'Feature' } });
    expect(notFc.status).toBe(422);
    expect(notFc.json).toMatchObject({ code: 'invalid-request', field: 'features' });
  }, 60_000);

  it('lets only planners and admins upload datasets: 403 forbidden-role', async () => {
    const r = await call('POST', '/api/datasets', { token: tokens.huangbei, raw: LUOHU_GEOJSON });
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('forbidden-role');
  });

  it('creates scenarios validated against the schema and the dataset', async () => {
    // the document block of scenarios/luohu-2006/scenario.json: the plan text's title comes from it
    const document = (JSON.parse(readFileSync(new URL('scenario.json', LUOHU), 'utf8')) as { document: unknown }).document;
    const r = await call('POST', '/api/scenarios', { body: { datasetId, name: 'luohu-2006', document } });
    expect(r.status).toBe(201);
    scenarioId = r.json.id;
    expect(r.json).toMatchObject({ datasetId, name: 'luohu-2006', body: { name: 'luohu-2006' } });

    const own = await call('POST', '/api/scenarios', { token: tokens.huangbei, body: { datasetId, name: 'huangbei' } });
    expect(own.status).toBe(201);
    expect(own.json.body.streetOffices).toEqual(['黄贝']);
    huangbeiScenarioId = own.json.id;

    const other = await call('POST', '/api/scenarios', { token: tokens.huangbei, body: { datasetId, name: 'x', streetOffices: ['东门'] } });
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('out-of-scope');

    const lock = await call('POST', '/api/scenarios', { body: { datasetId, name: 'x', locks: { together: [['碧波', '无此社区']] } } });
    expect(lock.status).toBe(422);
    expect(lock.json).toMatchObject({ code: 'lock-unknown-committee', field: 'locks.together[0][1]' });

    const office = await call('POST', '/api/scenarios', { body: { datasetId, name: 'x', streetOffices: ['黄贝', '无此街道'] } });
    expect(office.status).toBe(422);
    expect(office.json).toMatchObject({ code: 'street-office-unknown', field: 'streetOffices[1]' });

    const misspelt = await call('POST', '/api/scenarios', { body: { datasetId, name: 'x', rules: { houseHolds: { min: 1 } } } });
    expect(misspelt.status).toBe(422);
    expect(misspelt.json).toMatchObject({ code: 'invalid-request', field: 'rules.houseHolds' });

    const typed = await call('POST', '/api/scenarios', { body: { datasetId, name: 'x', rules: { households: { min: '6000' } } } });
    expect(typed.status).toBe(422);
    expect(typed.json).toMatchObject({ code: 'invalid-request', field: 'rules.households.min' });

    const missing = await call('POST', '/api/scenarios', { body: { name: 'x' } });
    expect(missing.status).toBe(422);
    expect(missing.json).toMatchObject({ code: 'invalid-request', field: 'datasetId' });

    const inverted = await call('POST', '/api/scenarios', { body: { datasetId, name: 'x', rules: { households: { min: 9000, max: 8000 } } } });
    expect(inverted.status).toBe(422);
    expect(inverted.json).toMatchObject({ code: 'rules-band-inverted', field: 'rules.households' });

    const nowhere = await call('POST', '/api/scenarios', { body: { datasetId: 'no-such-dataset', name: 'x' } });
    expect(nowhere.status).toBe(422);
    expect(nowhere.json).toMatchObject({ code: 'dataset-not-found', field: 'datasetId' });

    const reader = await call('POST', '/api/scenarios', { token: tokens.organisation, body: { datasetId, name: 'x' } });
    expect(reader.status).toBe(403);
    expect(reader.json.code).toBe('forbidden-role');
    expect((await call('GET', `/api/scenarios/${scenarioId}`, { token: tokens.city })).json.id).toBe(scenarioId);
  });

  it('solves a scenario (201) with the summary `yizhan plan` writes, and exports it from stored data', async () => {
    const [r, cli] = await Promise.all([call('POST', `/api/scenarios/${scenarioId}/plans`), runCli()]);
    expect(r.status).toBe(201);
    solvedPlanId = r.json.id;
    expect(r.headers.get('location')).toBe(`/api/plans/${solvedPlanId}`);
    expect(r.json).toMatchObject({ state: 'draft', version: 1 });
    const expected = JSON.parse(cli.plan['summary.json']!) as { solver: { status: string } };
    expect(expected.solver.status).toBe('optimal');
    expect(withoutTimes(r.json.summary)).toEqual(withoutTimes(expected));

    const plan = await call('GET', `/api/plans/${solvedPlanId}`, { token: tokens.organisation });
    expect(plan.json).toMatchObject({ id: solvedPlanId, state: 'draft', version: 1, revision: 1, kind: 'solved', datasetId, scenarioId });
    expect(plan.json.scope).toHaveLength(10);
    expect(plan.headers.get('etag')).toBe('"1"');
    expect(withoutTimes(plan.json.summary)).toEqual(withoutTimes(expected));

    const stations = await call('GET', `/api/plans/${solvedPlanId}/stations.geojson`);
    expect(stations.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(stations.json).toEqual(JSON.parse(cli.plan['stations.geojson']!));
    const committees = await call('GET', `/api/plans/${solvedPlanId}/committees.geojson`);
    expect(committees.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(committees.json).toEqual(JSON.parse(cli.plan['committees.geojson']!));
    const zh = await call('GET', `/api/plans/${solvedPlanId}/text?lang=zh`);
    expect(zh.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(zh.text).toBe(cli.plan['plan.zh.md']);
    expect(zh.text).toContain('黄贝街道办事处从原来13个社区工作站整合为');
    const en = await call('GET', `/api/plans/${solvedPlanId}/text?lang=en`);
    expect(en.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(en.text).toMatch(/^\(1\) 黄贝 street office/);
    const csv = await call('GET', `/api/plans/${solvedPlanId}/plan.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.bytes.toString('utf8')).toBe(cli.plan['plan.csv']);
    expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const bad = await call('GET', `/api/plans/${solvedPlanId}/text?lang=fr`);
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ code: 'invalid-request', field: 'querystring.lang' });
  }, 120_000);

  it('evaluates a hand-made plan with the checks of `yizhan evaluate`; unknown committees name stations[i][j]', async () => {
    const cli = await runCli();
    const r = await call('POST', `/api/datasets/${datasetId}/plans`, { body: { name: 'luohu-2006', scenarioId, stations: PLAN_2006.stations } });
    expect(r.status).toBe(201);
    expect(r.json.summary.solver.status).toBe('evaluated');
    expect(withoutTimes(r.json.summary)).toEqual(withoutTimes(JSON.parse(cli.evaluate['summary.json']!)));
    const plan = await call('GET', `/api/plans/${r.json.id}`);
    expect(plan.json).toMatchObject({ kind: 'hand', name: 'luohu-2006' });

    const unknown = await call('POST', `/api/datasets/${datasetId}/plans`, { body: { stations: [['碧波', '湖滨'], ['罗芳', '不存在']] } });
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({ code: 'plan-committee-unknown', field: 'stations[1][1]' });
    const empty = await call('POST', `/api/datasets/${datasetId}/plans`, { body: { stations: [[]] } });
    expect(empty.status).toBe(422);
    expect(empty.json).toMatchObject({ code: 'invalid-request', field: 'stations[0]' });

    const own = await call('POST', `/api/datasets/${datasetId}/plans`, { token: tokens.huangbei, body: { stations: [['碧波', '湖滨']] } });
    expect(own.status).toBe(201);
    expect((await call('GET', `/api/plans/${own.json.id}`)).json.scope).toEqual(['黄贝']);
    const foreign = await call('POST', `/api/datasets/${datasetId}/plans`, { token: tokens.huangbei, body: { streetOffices: ['东门'], stations: [['东门', '北门']] } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.code).toBe('out-of-scope');

    const cmp = await call('GET', `/api/plans/${solvedPlanId}/compare/${r.json.id}`);
    expect(cmp.status).toBe(200);
    expect(cmp.json.streetOffices).toHaveLength(10);
    const solved = (await call('GET', `/api/plans/${solvedPlanId}`)).json.summary;
    expect(cmp.json.streetOffices.find((o: { name: string }) => o.name === '黄贝'))
      .toEqual({ name: '黄贝', stationsBefore: 13, plan: solved.streetOffices.find((o: { name: string }) => o.name === '黄贝').stationsAfter, other: 10 });
    // every reported change is a real one: the committee's station partners differ
    const partners = (summary: { streetOffices: { stations: { committeeIds: string[] }[] }[] }, id: string) =>
      summary.streetOffices.flatMap((o) => o.stations).find((s) => s.committeeIds.includes(id))!.committeeIds.slice().sort();
    expect(cmp.json.changed.length).toBeGreaterThan(0);
    for (const c of cmp.json.changed) expect(partners(solved, c.committeeId)).not.toEqual(partners(r.json.summary, c.committeeId));
    expect(cmp.json.checks.plan.stationsAfter).toBe(solved.stationsAfter);
    expect(cmp.json.checks.other.stationsAfter).toBe(83);
    const self = await call('GET', `/api/plans/${solvedPlanId}/compare/${solvedPlanId}`);
    expect(self.json.changed).toEqual([]);
  }, 60_000);

  it('answers 422 scenario-infeasible with the reasons and makes no plan', async () => {
    const sc = await call('POST', '/api/scenarios', { token: tokens.huangbei, body: { datasetId, name: 'impossible', locks: { together: [['碧波', '黄贝岭']] } } });
    expect(sc.status).toBe(201);
    const before = (await call('GET', `/api/plans?datasetId=${datasetId}`)).json.plans.length;
    const r = await call('POST', `/api/scenarios/${sc.json.id}/plans`, { token: tokens.huangbei });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('scenario-infeasible');
    expect(r.json.message).toContain('碧波');
    expect(r.json.details[0]).toMatchObject({ rule: 'infeasible', severity: 'fatal' });
    expect((await call('GET', `/api/plans?datasetId=${datasetId}`)).json.plans.length).toBe(before);
  }, 60_000);

  it('answers 202 with a job when the solve outlasts solveSyncWaitMs; the job makes the plan', async () => {
    const r = await call('POST', `/api/scenarios/${huangbeiScenarioId}/plans`, { token: tokens.huangbei, root: slowBase });
    expect(r.status).toBe(202);
    expect(r.json.job.status).toBe('running');
    const location = r.headers.get('location');
    expect(location).toBe(`/api/jobs/${r.json.job.id}`);
    let job: Reply;
    const deadline = Date.now() + 60_000;
    do {
      await new Promise((res) => setTimeout(res, 50));
      job = await call('GET', location!, { token: tokens.organisation, root: slowBase });
      expect(job.status).toBe(200);
    } while (job.json.status === 'running' && Date.now() < deadline);
    expect(job.json).toMatchObject({ status: 'done', error: null });
    expect(job.headers.get('location')).toBe(`/api/plans/${job.json.planId}`);
    const plan = await call('GET', `/api/plans/${job.json.planId}`);
    expect(plan.json).toMatchObject({ kind: 'solved', scope: ['黄贝'], state: 'draft' });
    expect(plan.json.summary.streetOffices.map((o: { name: string }) => o.name)).toEqual(['黄贝']);

    const impossible = await call('POST', '/api/scenarios', { token: tokens.huangbei, body: { datasetId, name: 'impossible', locks: { together: [['碧波', '黄贝岭']] } } });
    const failed = await call('POST', `/api/scenarios/${impossible.json.id}/plans`, { token: tokens.huangbei, root: slowBase });
    expect(failed.status).toBe(202);
    let j: Reply;
    do {
      await new Promise((res) => setTimeout(res, 50));
      j = await call('GET', `/api/jobs/${failed.json.job.id}`);
    } while (j.json.status === 'running' && Date.now() < deadline);
    expect(j.json).toMatchObject({ status: 'failed', planId: null, error: { code: 'scenario-infeasible' } });
    expect((await call('GET', '/api/jobs/no-such-job')).json.code).toBe('job-not-found');
  }, 90_000);

  it('takes a plan through the approval procedure to filed, refusing every wrong step; history complete and in order', async () => {
    const solved = await call('POST', `/api/scenarios/${huangbeiScenarioId}/plans`, { token: tokens.huangbei });
    expect(solved.status).toBe(201);
    const id = solved.json.id as string;
    const act = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      call('POST', `/api/plans/${id}/actions`, { token, body, headers });

    // refusals before submission
    const byPlanner = await act(tokens.planner, { action: 'submit', version: 1 });
    expect([byPlanner.status, byPlanner.json.code]).toEqual([403, 'forbidden-role']);
    const byOther = await act(tokens.dongmen, { action: 'submit', version: 1 });
    expect([byOther.status, byOther.json.code]).toEqual([403, 'out-of-scope']);
    const noVersion = await act(tokens.huangbei, { action: 'submit' });
    expect([noVersion.status, noVersion.json.code]).toEqual([400, 'version-required']);
    const stale = await act(tokens.huangbei, { action: 'submit', version: 7 });
    expect([stale.status, stale.json.code]).toEqual([409, 'stale-version']);
    expect(stale.json.details).toEqual({ current: 1, given: 7 });
    const unknownAction = await act(tokens.huangbei, { action: 'approve-all', version: 1 });
    expect([unknownAction.status, unknownAction.json.code, unknownAction.json.field]).toEqual([422, 'invalid-request', 'action']);
    const early = await act(tokens.government, { action: 'approve', version: 1 });
    expect([early.status, early.json.code]).toEqual([409, 'invalid-transition']);

    // submit through If-Match
    const submitted = await act(tokens.huangbei, { action: 'submit', opinion: '黄贝街道申请' }, { 'if-match': '"1"' });
    expect(submitted.status).toBe(200);
    expect(submitted.json.plan).toMatchObject({ state: 'submitted', version: 2 });
    expect(submitted.headers.get('etag')).toBe('"2"');
    const again = await act(tokens.huangbei, { action: 'submit', version: 1 });
    expect([again.status, again.json.code]).toEqual([409, 'stale-version']);
    const missing = await act(tokens.government, { action: 'approve', version: 2 });
    expect([missing.status, missing.json.code]).toEqual([409, 'opinions-missing']);
    const noAgree = await act(tokens.organisation, { action: 'opinion', opinion: '同意', version: 2 });
    expect([noAgree.status, noAgree.json.code]).toEqual([400, 'agree-required']);

    let version = 2;
    for (const [token, text] of [[tokens.organisation, '组织部同意'], [tokens.civilAffairs, '民政局同意'], [tokens.establishment, '编办同意']] as const) {
      const r = await act(token, { action: 'opinion', opinion: text, agree: true, version });
      expect(r.status).toBe(200);
      version = r.json.plan.version;
    }
    const twice = await act(tokens.organisation, { action: 'opinion', opinion: '再次', agree: true, version });
    expect([twice.status, twice.json.code]).toEqual([409, 'opinion-already-given']);
    const frozen = await call('POST', `/api/plans/${id}/revisions`, { token: tokens.huangbei, body: { version: 1, stations: [['碧波', '湖滨']] } });
    expect([frozen.status, frozen.json.code]).toEqual([409, 'stale-version']);
    const approved = await act(tokens.government, { action: 'approve', opinion: '区政府批准', version });
    expect(approved.json.plan.state).toBe('approved');
    const fileByGov = await act(tokens.government, { action: 'file', version: approved.json.plan.version });
    expect([fileByGov.status, fileByGov.json.code]).toEqual([403, 'forbidden-role']);
    const filed = await act(tokens.city, { action: 'file', opinion: '市民政局备案', version: approved.json.plan.version });
    expect(filed.status).toBe(200);
    expect(filed.json.plan).toMatchObject({ state: 'filed', version: 7 });
    expect(filed.json.entry).toMatchObject({ action: 'file', role: 'city-civil-affairs', fromState: 'approved', toState: 'filed', version: 7 });

    const history = await call('GET', `/api/plans/${id}/history`, { token: tokens.dongmen });
    expect(history.status).toBe(200);
    const entries = history.json.entries as { seq: number; action: string; role: string; toState: string; version: number; opinion: string | null; agree: boolean | null }[];
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries.map((e) => [e.action, e.role, e.toState])).toEqual([
      ['create', 'street-office', 'draft'],
      ['submit', 'street-office', 'submitted'],
      ['opinion', 'organisation', 'submitted'],
      ['opinion', 'civil-affairs', 'submitted'],
      ['opinion', 'establishment', 'submitted'],
      ['approve', 'district-government', 'approved'],
      ['file', 'city-civil-affairs', 'filed'],
    ]);
    expect(entries.map((e) => e.opinion)).toEqual([null, '黄贝街道申请', '组织部同意', '民政局同意', '编办同意', '区政府批准', '市民政局备案']);
    expect(history.json.opinions.map((o: { role: string; round: number }) => [o.role, o.round]).sort())
      .toEqual([['civil-affairs', 1], ['establishment', 1], ['organisation', 1]]);

    // a filed plan changes only through a new revision, which starts again as a draft
    const revision = await call('POST', `/api/plans/${id}/revisions`, { token: tokens.huangbei, body: { version: 7, stations: [['碧波', '湖滨']] } });
    expect(revision.status).toBe(201);
    const rev = (await call('GET', `/api/plans/${revision.json.id}`)).json;
    expect(rev).toMatchObject({ state: 'draft', revision: 2, parentId: id, scope: ['黄贝'] });
    const together = rev.summary.streetOffices[0].stations.find((s: { committees: string[] }) => s.committees.includes('碧波'));
    expect(together.committees).toEqual(['碧波', '湖滨']);
    expect((await call('GET', `/api/plans/${id}`)).json).toMatchObject({ state: 'filed', version: 7 });
    const foreignRevision = await call('POST', `/api/plans/${id}/revisions`, { token: tokens.dongmen, body: { version: 7, stations: [['碧波']] } });
    expect([foreignRevision.status, foreignRevision.json.code]).toEqual([403, 'out-of-scope']);
  }, 60_000);

  it('returns a rejected plan to the street office with the reasons; it can be submitted again', async () => {
    const made = await call('POST', `/api/datasets/${datasetId}/plans`, { token: tokens.huangbei, body: { stations: [['碧波', '湖滨']] } });
    const id = made.json.id as string;
    let v = 1;
    const step = async (token: string, body: Record<string, unknown>) => {
      const r = await call('POST', `/api/plans/${id}/actions`, { token, body: { ...body, version: v } });
      expect(r.status).toBe(200);
      v = r.json.plan.version;
      return r.json.plan;
    };
    await step(tokens.huangbei, { action: 'submit' });
    const noReason = await call('POST', `/api/plans/${id}/actions`, { token: tokens.government, body: { action: 'reject', version: v } });
    expect([noReason.status, noReason.json.code]).toEqual([400, 'opinion-required']);
    expect((await step(tokens.government, { action: 'reject', opinion: '户数不足' })).state).toBe('rejected');
    expect((await step(tokens.huangbei, { action: 'submit' })).state).toBe('submitted');
    const history = (await call('GET', `/api/plans/${id}/history`)).json.entries as { action: string; opinion: string | null }[];
    expect(history.map((e) => e.action)).toEqual(['create', 'submit', 'reject', 'submit']);
    expect(history[2]!.opinion).toBe('户数不足');
  });

  it('refuses a plan with fatal violations at submission: 422 with the violations', async () => {
    const made = await call('POST', `/api/datasets/${datasetId}/plans`, { token: tokens.huangbei, body: { stations: [['碧波', '湖滨', '罗芳', '羲龙', '新秀', '新湖']] } });
    expect(made.status).toBe(201);
    const fatal = made.json.summary.checks.violations.filter((v: { severity: string }) => v.severity === 'fatal');
    expect(fatal.length).toBeGreaterThan(0);
    const r = await call('POST', `/api/plans/${made.json.id}/actions`, { token: tokens.huangbei, body: { action: 'submit', version: 1 } });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('plan-has-fatal-violations');
    expect(r.json.details).toEqual(fatal);
  });

  it('answers 404 not-found / *-not-found, 413 body-too-large, 400 invalid-json', async () => {
    const route = await call('GET', '/api/nothing-here');
    expect([route.status, route.json.code]).toEqual([404, 'not-found']);
    const plan = await call('GET', '/api/plans/00000000-0000-0000-0000-000000000000');
    expect([plan.status, plan.json.code]).toEqual([404, 'plan-not-found']);
    const exportOfNone = await call('GET', '/api/plans/none/stations.geojson');
    expect([exportOfNone.status, exportOfNone.json.code]).toEqual([404, 'plan-not-found']);
    const scenario = await call('POST', '/api/scenarios/none/plans');
    expect([scenario.status, scenario.json.code]).toEqual([404, 'scenario-not-found']);
    const dataset = await call('GET', '/api/datasets/none/committees.geojson');
    expect([dataset.status, dataset.json.code]).toEqual([404, 'dataset-not-found']);
    const action = await call('POST', '/api/plans/none/actions', { body: { action: 'submit', version: 1 }, token: tokens.huangbei });
    expect([action.status, action.json.code]).toEqual([404, 'plan-not-found']);

    const big = await call('POST', '/api/scenarios', { body: { datasetId, name: 'x', description: 'x'.repeat(3 * 1024 * 1024) } });
    expect([big.status, big.json.code]).toEqual([413, 'body-too-large']);
    const json = await call('POST', '/api/scenarios', { raw: '{"datasetId": "x", ' });
    expect([json.status, json.json.code]).toEqual([400, 'invalid-json']);
    for (const r of [route, plan, big, json]) expect(r.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('lets an admin create tokens, shown once and working at once; nobody else', async () => {
    const r = await call('POST', '/api/tokens', { token: tokens.admin, body: { role: 'street-office', streetOffice: '东门', label: '东门街道' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ role: 'street-office', streetOffice: '东门', label: '东门街道' });
    const own = await call('POST', '/api/scenarios', { token: r.json.token, body: { datasetId, name: 'dongmen' } });
    expect(own.status).toBe(201);
    expect(own.json.body.streetOffices).toEqual(['东门']);
    const byPlanner = await call('POST', '/api/tokens', { body: { role: 'admin' } });
    expect([byPlanner.status, byPlanner.json.code]).toEqual([403, 'forbidden-role']);
    const noOffice = await call('POST', '/api/tokens', { token: tokens.admin, body: { role: 'street-office' } });
    expect([noOffice.status, noOffice.json.code]).toEqual([400, 'street-office-required']);
    const badRole = await call('POST', '/api/tokens', { token: tokens.admin, body: { role: 'mayor' } });
    expect([badRole.status, badRole.json.code, badRole.json.field]).toEqual([422, 'invalid-request', 'role']);
  });
}

describeEngines('HTTP API', apiSuite);
