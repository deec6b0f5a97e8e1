/**
 * A district plan (seed 004: one plan for every street office of Luohu) over real HTTP: solved,
 * each street office concurs with its own token, the district planner submits, the three opinions,
 * approval and filing as for a street office's plan. Every wrong step is refused with its code;
 * the 请示 read back from request.docx names the street offices that concurred. On embedded
 * PGlite + PostGIS always, and on a PostgreSQL server when DATABASE_URL is set (CI sets it).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatStreetOfficeName } from '../render/text.js';
import { issueToken } from '../server/auth.js';
import type { Actor, Store } from '../server/store/types.js';
import { readDocx, readTexts } from './helpers/docx-read.js';
import { describeEngines, startTestApi, type TestApi, type TestEngine, type TestReply } from './helpers/api.js';
import { refusal } from './helpers/store.js';

const LUOHU = new URL('../scenarios/luohu-2006/', import.meta.url);
const LUOHU_GEOJSON = readFileSync(new URL('committees.geojson', LUOHU), 'utf8');
const DOCUMENT = (JSON.parse(readFileSync(new URL('scenario.json', LUOHU), 'utf8')) as { document: unknown }).document;

type Reply = TestReply;

function districtSuite(engine: TestEngine): void {
  let api: TestApi;
  let store: Store;
  let tokens: Record<string, string>;
  const officeTokens = new Map<string, { token: string; actor: Actor }>();
  let offices: string[];
  let datasetId: string;
  let planId: string;

  async function call(method: string, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    return api.call(method, path, { token, ...(typeof body === 'string' ? { raw: body, contentType } : body !== undefined ? { body, contentType } : {}) });
  }
  const version = async (id: string) => (await call('GET', `/api/plans/${id}`, tokens.planner!)).json.version as number;
  const act = async (id: string, token: string, body: Record<string, unknown>) =>
    call('POST', `/api/plans/${id}/actions`, token, { version: await version(id), ...body });

  beforeAll(async () => {
    api = await startTestApi({
      engine,
      app: { solveWorkers: 1, solveSyncWaitMs: 120_000 },
      tokens: { planner: 'district-planner', organisation: 'organisation', civilAffairs: 'civil-affairs',
        establishment: 'establishment', government: 'district-government', city: 'city-civil-affairs' },
    });
    ({ store, tokens } = api);
    const up = await call('POST', '/api/datasets?name=luohu', tokens.planner!, LUOHU_GEOJSON, 'application/geo+json');
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    datasetId = up.json.id;
    offices = [...new Set((await store.getCommittees(datasetId))!.map((c) => c.streetOffice))];
    // street-office tokens need a street office some stored dataset knows
    for (const office of offices) {
      const issued = await issueToken(store, { role: 'street-office', streetOffice: office });
      officeTokens.set(office, { token: issued.token, actor: { tokenId: issued.record.id, role: 'street-office', streetOffice: office } });
    }
  }, 180_000);

  afterAll(async () => {
    await api?.close();
  }, 60_000);

  const tokenOf = (office: string) => officeTokens.get(office)!.token;

  it('solves the Luohu 2006 scenario as one plan whose scope is every street office', async () => {
    expect(offices.length).toBe(10);
    const scenario = await call('POST', '/api/scenarios', tokens.planner!, { datasetId, name: 'luohu-2006', document: DOCUMENT });
    expect(scenario.status, JSON.stringify(scenario.json)).toBe(201);
    const solved = await call('POST', `/api/scenarios/${scenario.json.id}/plans`, tokens.planner!);
    expect(solved.status, JSON.stringify(solved.json)).toBe(201);
    planId = solved.json.id;
    const plan = (await call('GET', `/api/plans/${planId}`, tokens.planner!)).json;
    expect(plan.scope).toEqual(offices);
    expect(plan.summary.checks.violations.filter((v: { severity: string }) => v.severity === 'fatal')).toEqual([]);
  }, 180_000);

  it('refuses to submit before every street office concurred, and any submission by a street office', async () => {
    const early = await act(planId, tokens.planner!, { action: 'submit' });
    expect([early.status, early.json.code]).toEqual([409, 'concurrences-missing']);
    expect(early.json.details).toEqual(offices);
    const byOffice = await act(planId, tokenOf(offices[0]!), { action: 'submit' });
    expect([byOffice.status, byOffice.json.code]).toEqual([403, 'out-of-scope']);
    expect((await call('GET', `/api/plans/${planId}`, tokens.planner!)).json).toMatchObject({ state: 'draft', version: 1 });
  });

  it('records one concurrence per street office, refusing a double one, another role, a stale version, an office outside the scope', async () => {
    const first = offices[0]!;
    const ok = await act(planId, tokenOf(first), { action: 'concur', opinion: '同意' });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.plan).toMatchObject({ state: 'draft', version: 2, round: 0 });
    expect(ok.json.entry).toMatchObject({ action: 'concur', role: 'street-office', streetOffice: first, fromState: 'draft', toState: 'draft' });
    const twice = await act(planId, tokenOf(first), { action: 'concur' });
    expect([twice.status, twice.json.code]).toEqual([409, 'already-concurred']);
    const byPlanner = await act(planId, tokens.planner!, { action: 'concur' });
    expect([byPlanner.status, byPlanner.json.code]).toEqual([403, 'forbidden-role']);
    const stale = await call('POST', `/api/plans/${planId}/actions`, tokenOf(offices[1]!), { action: 'concur', version: 1 });
    expect([stale.status, stale.json.code]).toEqual([409, 'stale-version']);

    // a plan of two street offices: a third office may not concur; a plan of one needs no concurrence
    const pair = await call('POST', `/api/datasets/${datasetId}/plans`, tokens.planner!, { streetOffices: offices.slice(0, 2), stations: [] });
    expect(pair.status, JSON.stringify(pair.json)).toBe(201);
    const outsider = await act(pair.json.id, tokenOf(offices[2]!), { action: 'concur' });
    expect([outsider.status, outsider.json.code]).toEqual([403, 'out-of-scope']);
    const own = await call('POST', `/api/datasets/${datasetId}/plans`, tokenOf(offices[2]!), { stations: [] });
    expect(own.status).toBe(201);
    const needless = await act(own.json.id, tokenOf(offices[2]!), { action: 'concur' });
    expect([needless.status, needless.json.code]).toEqual([409, 'not-a-district-plan']);
    const ownByPlanner = await act(own.json.id, tokens.planner!, { action: 'submit' });
    expect([ownByPlanner.status, ownByPlanner.json.code]).toEqual([403, 'forbidden-role']);
  });

  it('a hand-made plan may assign staff per station; a total that changes is a fatal violation and blocks submission', async () => {
    const office = offices[0]!;
    const members = (await store.getCommittees(datasetId))!.filter((c) => c.streetOffice === office).slice(0, 2);
    const now = members.reduce((n, c) => n + (c.staff ?? 0), 0);
    const body = (staff: unknown) => ({ stations: [members.map((c) => c.name)], staff });
    const kept = await call('POST', `/api/datasets/${datasetId}/plans`, tokenOf(office), body([now]));
    expect(kept.status, JSON.stringify(kept.json)).toBe(201);
    expect(kept.json.summary.checks.violations.filter((v: { rule: string }) => v.rule === 'staff-total-changed')).toEqual([]);
    const more = await call('POST', `/api/datasets/${datasetId}/plans`, tokenOf(office), body([now + 2]));
    expect(more.status).toBe(201);
    expect(more.json.summary.checks.staffAfter - more.json.summary.checks.staffBefore).toBe(2);
    expect(more.json.summary.checks.violations.filter((v: { rule: string }) => v.rule === 'staff-total-changed').map((v: { severity: string }) => v.severity)).toEqual(['fatal']);
    const submit = await act(more.json.id, tokenOf(office), { action: 'submit' });
    expect([submit.status, submit.json.code]).toEqual([422, 'plan-has-fatal-violations']);
    const short = await call('POST', `/api/datasets/${datasetId}/plans`, tokenOf(office), body([]));
    expect([short.status, short.json.code, short.json.field]).toEqual([422, 'plan-staff-invalid', 'staff']);
    const negative = await call('POST', `/api/datasets/${datasetId}/plans`, tokenOf(office), body([-1]));
    expect([negative.status, negative.json.code]).toEqual([422, 'invalid-request']);
  });

  it('an edit of the content voids the concurrences given before it', async () => {
    const pair = await call('POST', `/api/datasets/${datasetId}/plans`, tokens.planner!, { streetOffices: offices.slice(0, 2), stations: [] });
    const id = pair.json.id as string;
    for (const office of offices.slice(0, 2)) expect((await act(id, tokenOf(office), { action: 'concur' })).status).toBe(200);
    const plan = (await store.getPlan(id))!;
    const planner: Actor = { tokenId: null, role: 'district-planner', streetOffice: null };
    await store.updatePlan(id, { version: plan.version, name: '改过的方案', actor: planner });
    const e = await refusal(store.transitionPlan(id, { action: 'submit', version: plan.version + 1, actor: planner }));
    expect([e.status, e.code, e.details]).toEqual([409, 'concurrences-missing', offices.slice(0, 2)]);
  });

  it('goes from concurrences to filed: the district planner submits, three opinions, approval, filing; history and 请示 name the offices', async () => {
    const rest = offices.slice(1);
    for (const office of rest.slice(0, -1)) expect((await act(planId, tokenOf(office), { action: 'concur' })).status).toBe(200);
    const last = rest.at(-1)!;
    const waiting = await act(planId, tokens.planner!, { action: 'submit' });
    expect([waiting.status, waiting.json.code, waiting.json.details]).toEqual([409, 'concurrences-missing', [last]]);
    expect((await act(planId, tokenOf(last), { action: 'concur' })).status).toBe(200);

    const submitted = await act(planId, tokens.planner!, { action: 'submit', opinion: '罗湖区整合社区工作站方案' });
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(200);
    expect(submitted.json.plan).toMatchObject({ state: 'submitted', round: 1, version: 12 });
    for (const token of [tokens.organisation!, tokens.civilAffairs!, tokens.establishment!]) {
      const r = await act(planId, token, { action: 'opinion', agree: true, opinion: '同意' });
      expect(r.status).toBe(200);
    }
    expect((await act(planId, tokens.government!, { action: 'approve', opinion: '同意' })).json.plan.state).toBe('approved');
    const filed = await act(planId, tokens.city!, { action: 'file' });
    expect(filed.status).toBe(200);
    expect(filed.json.plan.state).toBe('filed');
    const late = await act(planId, tokenOf(offices[0]!), { action: 'concur' });
    expect([late.status, late.json.code]).toEqual([409, 'invalid-transition']);

    const history = (await call('GET', `/api/plans/${planId}/history`, tokenOf(offices[3]!))).json;
    const concurs = history.entries.filter((e: { action: string }) => e.action === 'concur');
    expect(concurs.map((e: { streetOffice: string }) => e.streetOffice)).toEqual(offices);
    expect(history.entries.map((e: { action: string }) => e.action).slice(-6)).toEqual(['submit', 'opinion', 'opinion', 'opinion', 'approve', 'file']);
    expect(history.entries.find((e: { action: string }) => e.action === 'submit')).toMatchObject({ role: 'district-planner', streetOffice: null });

    // the district's 请示, read back: the street offices that concurred, by their full names, and the plan's figures
    const request = await call('GET', `/api/plans/${planId}/documents/request.docx`, tokens.planner!);
    expect(request.status).toBe(200);
    const text = readTexts(await readDocx(request.bytes)).join('');
    for (const office of offices) expect(text).toContain(formatStreetOfficeName(office));
    expect(text).toContain(`${offices.length}个街道办事处`);
    const summary = (await call('GET', `/api/plans/${planId}`, tokens.planner!)).json.summary;
    expect(text).toContain(`${summary.stationsBefore}个社区工作站调整合并为${summary.stationsAfter}个`);
    for (const file of ['reply.docx', 'filing.docx']) expect((await call('GET', `/api/plans/${planId}/documents/${file}`, tokens.planner!)).status).toBe(200);
  }, 120_000);
}

describeEngines('district plans over HTTP', districtSuite);
