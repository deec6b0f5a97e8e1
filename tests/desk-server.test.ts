/**
 * The review desk's server side, without a browser: GET / and the bundled assets (built by the
 * same esbuild step as `npm run build`), their headers (CSP allowing no outside origin, ETag,
 * 304), and GET /api/me, the one route the client needs that the API lacked (role, street office,
 * label of the caller's own token; 401 without one; never the token or its hash), and the
 * editor's POST /api/plans/:id/evaluate (the figures a stored plan of those stations gets, nothing
 * stored, refused to roles that may not edit and to other street offices). On both engines: the
 * routes read and evaluate stored plans.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueToken } from '../server/auth.js';
import { seedBuiltinDataset } from '../server/main.js';
import { buildWeb } from '../web/build.mjs';
import { describeEngines, startTestApi, type TestApi } from './helpers/api.js';

describeEngines('review desk: static client, GET /api/me and POST /api/plans/:id/evaluate', (engine) => {
  let api: TestApi;
  let webDir: string;
  let datasetId = '';
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    webDir = await buildWeb(await mkdtemp(join(tmpdir(), 'yizhan-web-')));
    process.env.YIZHAN_WEB_DIR = webDir; // read when the app registers the web plugin
    api = await startTestApi({
      engine,
      tokens: { gov: 'district-government', planner: 'district-planner', nanhu: ['street-office', '南湖'] },
    });
    Object.assign(tokens, api.tokens);
    // the one token with a label (GET /api/me answers it)
    tokens.huangbei = (await issueToken(api.store, { role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' })).token;
    datasetId = (await seedBuiltinDataset(api.store))!.datasetId;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    delete process.env.YIZHAN_WEB_DIR;
    if (webDir) await rm(webDir, { recursive: true, force: true });
  }, 60_000);

  it('serves the page with a CSP that allows nothing from outside, and its assets', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toBe(readFileSync(join(webDir, 'index.html'), 'utf8'));
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    // a form injected into the page (red team: names in tooltips) could post nowhere but here
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/https?:/);
    const scripts = [...page.body.matchAll(/(?:src|href)="(\/web\/[^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/web/app.css', '/web/app.js']);
    for (const url of scripts) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body.length, url).toBeGreaterThan(1000);
      // offline: nothing is loaded from an outside host (Leaflet's own attribution link is a link, not a load)
      const loads = res.body.match(/(?:\bsrc\s*=|url\(|@import)\s*["']?https?:\/\/[^"')\s]*/g) ?? [];
      expect(loads, url).toEqual([]);
      const again = await api.app.inject({ method: 'GET', url, headers: { 'if-none-match': String(res.headers.etag) } });
      expect(again.statusCode).toBe(304);
    }
    const missing = await api.app.inject({ method: 'GET', url: '/web/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'web-not-built' });
    // the web plugin changed nothing of the API's own answers
    expect((await api.app.inject({ method: 'GET', url: '/api/plans' })).statusCode).toBe(401);
  });

  it('POST /api/plans/:id/evaluate evaluates changed stations as a stored plan would be, stores nothing, and only for those who may edit', async () => {
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    type Created = { id: string; summary: { solver: { objective: number }; stationsAfter: number; streetOffices: { stations: { committees: string[]; committeeIds: string[] }[] }[] } };
    const created = await api.app.inject({ method: 'POST', url: `/api/datasets/${datasetId}/plans`, headers: auth(tokens.planner!),
      payload: { name: 'by hand', streetOffices: ['黄贝'], stations: [['碧波', '湖滨']] } });
    expect(created.statusCode).toBe(201);
    const plan = created.json() as Created;
    const groups = plan.summary.streetOffices.flatMap((o) => o.stations.map((st) => st.committees));
    const count = async () => ((await api.app.inject({ method: 'GET', url: '/api/plans', headers: auth(tokens.gov!) })).json() as { plans: unknown[] }).plans.length;
    const before = await count();

    // the same stations: the stored plan's own figures
    const same = await api.app.inject({ method: 'POST', url: `/api/plans/${plan.id}/evaluate`, headers: auth(tokens.huangbei!), payload: { stations: groups } });
    expect(same.statusCode).toBe(200);
    const body = same.json() as { summary: Created['summary']; neighbours: Record<string, string[]> };
    expect(body.summary.solver.objective).toBeCloseTo(plan.summary.solver.objective, 9);
    expect(body.summary.stationsAfter).toBe(plan.summary.stationsAfter);
    expect(Object.keys(body.neighbours)).toHaveLength(13); // every committee of 黄贝
    for (const [id, ns] of Object.entries(body.neighbours)) for (const n of ns) expect(body.neighbours[n], `${id}→${n}`).toContain(id);

    // a change: 碧波 and 湖滨 apart again, 湖滨 joins 新兴; the answer is what the stored hand plan of those stations says
    const moved = await api.app.inject({ method: 'POST', url: `/api/plans/${plan.id}/evaluate`, headers: auth(tokens.planner!), payload: { stations: [['碧波'], ['湖滨', '新兴']] } });
    expect(moved.statusCode).toBe(200);
    const stored = await api.app.inject({ method: 'POST', url: `/api/datasets/${datasetId}/plans`, headers: auth(tokens.planner!),
      payload: { streetOffices: ['黄贝'], stations: [['碧波'], ['湖滨', '新兴']] } });
    expect((moved.json() as { summary: Created['summary'] }).summary.solver.objective).toBeCloseTo((stored.json() as Created).summary.solver.objective, 9);
    expect(await count()).toBe(before + 1); // only the explicit hand plan was stored

    const unknown = await api.app.inject({ method: 'POST', url: `/api/plans/${plan.id}/evaluate`, headers: auth(tokens.planner!), payload: { stations: [['碧波', '不存在']] } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'plan-committee-unknown', field: 'stations[0][1]' });
    const reviewer = await api.app.inject({ method: 'POST', url: `/api/plans/${plan.id}/evaluate`, headers: auth(tokens.gov!), payload: { stations: groups } });
    expect(reviewer.statusCode).toBe(403);
    expect(reviewer.json()).toMatchObject({ code: 'forbidden-role' });
    const other = await api.app.inject({ method: 'POST', url: `/api/plans/${plan.id}/evaluate`, headers: auth(tokens.nanhu!), payload: { stations: groups } });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'out-of-scope' });
    const extra = await api.app.inject({ method: 'POST', url: `/api/plans/${plan.id}/evaluate`, headers: auth(tokens.planner!), payload: { stations: groups, version: 1 } });
    expect(extra.statusCode).toBe(422);
  });

  it('GET /api/me says who the token is, never the token', async () => {
    const none = await api.app.inject({ method: 'GET', url: '/api/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'unauthenticated' });
    const bad = await api.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer x'.padEnd(50, 'x') } });
    expect(bad.statusCode).toBe(401);
    const me = await api.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${tokens.huangbei}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ tokenId: expect.any(String), role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' });
    expect(me.body).not.toContain(tokens.huangbei);
    const gov = await api.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${tokens.gov}` } });
    expect(gov.json()).toEqual({ tokenId: expect.any(String), role: 'district-government', streetOffice: null, label: null });
    const doc = (await api.app.inject({ method: 'GET', url: '/documentation/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/me');
    expect(Object.keys(doc.paths)).not.toContain('/');
  });
});
