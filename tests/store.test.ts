/**
 * The store against both engines: the same suite runs on embedded PGlite+PostGIS always, and on a
 * PostgreSQL server when DATABASE_URL is set (CI sets it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, hashToken, issueToken, parseBearer, verifyToken } from '../server/auth.js';
import { MIGRATIONS, migrate } from '../server/store/migrations.js';
import { openPg } from '../server/store/pg.js';
import { openPglite } from '../server/store/pglite.js';
import { makeStore } from '../server/store/sql.js';
import type { Actor, PlanRecord, Store, TransitionRequest } from '../server/store/types.js';
import { REVIEWER_ROLES, StoreError } from '../server/store/types.js';
import type { PlanSummary } from '../solver/types.js';
import { ACTORS, openTestPg, openTestPglite, rect, refusal, sampleCommittees } from './helpers/store.js';

/** The store keeps any summary JSON; of its content only `checks.violations` matters to it. */
const partialSummary = (summary: unknown): PlanSummary => summary as PlanSummary;

const reviewer = { organisation: ACTORS.organisation, 'civil-affairs': ACTORS.civilAffairs, establishment: ACTORS.establishment };


async function dbError(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the database to refuse');
}

interface Engine {
  open(): Promise<{ store: Store; close(): Promise<void>; reopen(): Promise<Store> }>;
}

function storeSuite(engine: Engine): void {
  let store: Store;
  let close: () => Promise<void>;
  let reopen: () => Promise<Store>;
  let datasetId: string;

  beforeAll(async () => {
    ({ store, close, reopen } = await engine.open());
    datasetId = (await store.createDataset({ name: 'sample', committees: sampleCommittees() })).id;
  });
  afterAll(async () => { await close?.(); });

  async function newPlan(over: { scope?: string[]; summary?: unknown } = {}): Promise<PlanRecord> {
    return store.createPlan({
      datasetId, kind: 'hand', scope: over.scope ?? ['黄贝'],
      summary: partialSummary(over.summary ?? { checks: { violations: [{ rule: 'facility', severity: 'warning', message: 'm' }] } }),
      groups: [['c1', 'constructor'], ['c3']],
    }, ACTORS.huangbei);
  }
  async function act(p: { id: string; version: number }, req: Omit<TransitionRequest, 'version'>): Promise<PlanRecord> {
    return (await store.transitionPlan(p.id, { ...req, version: p.version })).plan;
  }
  async function toSubmittedWithOpinions(): Promise<PlanRecord> {
    let p = await act(await newPlan(), { action: 'submit', actor: ACTORS.huangbei });
    for (const role of REVIEWER_ROLES) p = await act(p, { action: 'opinion', opinion: `${role}: 同意`, agree: true, actor: reviewer[role] });
    return p;
  }

  describe('migrations', () => {
    it('records every migration once and applies nothing when run again', async () => {
      const rows = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('survives close and reopen: data still there, migrate applies nothing the second time', async () => {
      const ds = await store.createDataset({ name: 'persisted', committees: sampleCommittees().slice(0, 1) });
      const again = await reopen();
      store = again;
      expect((await store.getDataset(ds.id))?.committeeCount).toBe(1);
      const rows = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]!.n).toBe(MIGRATIONS.length);
    });
  });

  describe('datasets', () => {
    it('round-trips committees: fields, dataset order and geometry (holes, two parts, 13 decimals) exactly', async () => {
      const input = sampleCommittees();
      expect(await store.getCommittees(datasetId)).toEqual(input);
      const ds = await store.getDataset(datasetId);
      expect(ds).toMatchObject({ name: 'sample', committeeCount: 4, streetOffices: ['东门', '黄贝'].sort() });
    });

    it('stores geometry as PostGIS MultiPolygon in SRID 4326 with a GiST index', async () => {
      const rows = await store.query<{ t: string; srid: number; valid: boolean }>(
        'SELECT GeometryType(geom) AS t, ST_SRID(geom) AS srid, ST_IsValid(geom) AS valid FROM committees WHERE dataset_id = $1', [datasetId]);
      expect(rows).toHaveLength(4);
      for (const r of rows) expect(r).toEqual({ t: 'MULTIPOLYGON', srid: 4326, valid: true });
      const col = await store.query<{ type: string; srid: number }>(
        `SELECT type, srid FROM geometry_columns WHERE f_table_schema = current_schema() AND f_table_name = 'committees' AND f_geometry_column = 'geom'`);
      expect(col).toEqual([{ type: 'MULTIPOLYGON', srid: 4326 }]);
      const idx = await store.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'committees'`);
      expect(idx.some((i) => /USING gist \(geom\)/i.test(i.indexdef))).toBe(true);
      const hit = await store.query<{ id: string }>(
        `SELECT id FROM committees WHERE dataset_id = $1 AND geom && ST_MakeEnvelope(114.299, 22.599, 114.301, 22.601, 4326)`, [datasetId]);
      expect(hit.map((r) => r.id)).toEqual(['c4']);
    });

    it('builds the FeatureCollection in SQL from the stored geometry; extra properties pass through, canonical ones win', async () => {
      const fc = await store.getCommitteesGeoJSON(datasetId);
      expect(fc?.type).toBe('FeatureCollection');
      expect(fc?.features.map((f) => f.id)).toEqual(['c1', 'constructor', 'c3', 'c4']);
      const f = fc!.features[1]!;
      expect(f.geometry).toEqual({ type: 'MultiPolygon', coordinates: sampleCommittees()[1]!.geometry });
      expect(f.properties).toMatchObject({ id: 'constructor', name: '湖滨', streetOffice: '黄贝', households: 2900, source: 'survey', code: 7, selfContained: false });
      const one = await store.getCommitteesGeoJSON(datasetId, { streetOffice: '东门' });
      expect(one?.features.map((x) => x.properties?.name)).toEqual(['东门']);
      expect(await store.getCommitteesGeoJSON('no-such')).toBeNull();
    });

    it('refuses a bad committee naming index, id and field, and writes nothing', async () => {
      const before = (await store.listDatasets()).length;
      const bad = sampleCommittees();
      bad[2] = { ...bad[2]!, geometry: [[[[114, 22], [115, 22], [114, 23]]]] };
      const e = await refusal(store.createDataset({ name: 'bad', committees: bad }));
      expect(e).toMatchObject({ code: 'invalid-committee', status: 400, field: 'geometry', details: { feature: 2, id: 'c3' } });
      expect(e.message).toContain('committee 2 (id "c3")');
      const dup = sampleCommittees();
      dup[3] = { ...dup[3]!, id: 'c1' };
      expect(await refusal(store.createDataset({ name: 'dup', committees: dup }))).toMatchObject({ field: 'id', details: { feature: 3 } });
      const neg = sampleCommittees();
      neg[0] = { ...neg[0]!, households: -1 };
      expect((await refusal(store.createDataset({ name: 'neg', committees: neg }))).field).toBe('households');
      expect((await store.listDatasets()).length).toBe(before);
    });
  });

  describe('scenarios and plans', () => {
    it('stores a scenario body and a plan linked to it', async () => {
      const sc = await store.createScenario({ datasetId, name: 'band 5000–9000', body: { rules: { households: { min: 5000, max: 9000 } } } });
      expect(await store.getScenario(sc.id)).toEqual(sc);
      expect((await store.listScenarios({ datasetId })).map((s) => s.id)).toContain(sc.id);
      const p = await store.createPlan({ datasetId, scenarioId: sc.id, kind: 'solved', scope: ['黄贝'], summary: partialSummary({ a: 1 }), groups: [] });
      expect(p).toMatchObject({ state: 'draft', version: 1, revision: 1, round: 0, parentId: null, scenarioId: sc.id, scope: ['黄贝'] });
      expect(await store.getPlan(p.id)).toEqual(p);
      expect((await store.listPlans({ streetOffice: '黄贝', state: 'draft' })).map((x) => x.id)).toContain(p.id);
      expect((await store.listPlans({ streetOffice: '东门' })).map((x) => x.id)).not.toContain(p.id);
      expect(await refusal(store.createPlan({ datasetId: 'nope', kind: 'hand', scope: [], summary: partialSummary(null), groups: [] })))
        .toMatchObject({ code: 'dataset-not-found', status: 404 });
    });
  });

  describe('approval', () => {
    it('goes the whole path to filed; history complete, ordered, with who, role, opinion and version', async () => {
      let p = await toSubmittedWithOpinions();
      p = await act(p, { action: 'approve', opinion: '批准', actor: ACTORS.government });
      p = await act(p, { action: 'file', actor: ACTORS.city });
      expect(p).toMatchObject({ state: 'filed', version: 7, round: 1 });
      const h = await store.getPlanHistory(p.id);
      expect(h.map((e) => [e.seq, e.action, e.role, e.fromState, e.toState, e.version])).toEqual([
        [1, 'create', 'street-office', null, 'draft', 1],
        [2, 'submit', 'street-office', 'draft', 'submitted', 2],
        [3, 'opinion', 'organisation', 'submitted', 'submitted', 3],
        [4, 'opinion', 'civil-affairs', 'submitted', 'submitted', 4],
        [5, 'opinion', 'establishment', 'submitted', 'submitted', 5],
        [6, 'approve', 'district-government', 'submitted', 'approved', 6],
        [7, 'file', 'city-civil-affairs', 'approved', 'filed', 7],
      ]);
      expect(h[3]).toMatchObject({ actorTokenId: 'tok-civil', opinion: 'civil-affairs: 同意', agree: true });
      expect(h[5]!.opinion).toBe('批准');
      const at = h.map((e) => Date.parse(e.at));
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect((await store.getOpinions(p.id)).map((o) => o.role).sort()).toEqual([...REVIEWER_ROLES].sort());
    });

    it('refuses with every code and writes nothing on a refusal', async () => {
      const p = await newPlan();
      const cases: [TransitionRequest, string, number][] = [
        [{ action: 'approve', version: 1, actor: ACTORS.huangbei }, 'forbidden-role', 403],
        [{ action: 'submit', version: 1, actor: ACTORS.dongmen }, 'out-of-scope', 403],
        [{ action: 'submit', version: 0, actor: ACTORS.huangbei }, 'stale-version', 409],
        [{ action: 'opinion', version: 1, opinion: 'x', agree: true, actor: ACTORS.organisation }, 'invalid-transition', 409],
        [{ action: 'nope' as 'submit', version: 1, actor: ACTORS.huangbei }, 'unknown-action', 400],
      ];
      for (const [req, code, status] of cases) expect(await refusal(store.transitionPlan(p.id, req)), code).toMatchObject({ code, status });
      expect(await refusal(store.transitionPlan('missing', { action: 'submit', version: 1, actor: ACTORS.huangbei })))
        .toMatchObject({ code: 'plan-not-found', status: 404 });
      const s = await act(p, { action: 'submit', actor: ACTORS.huangbei });
      expect(await refusal(store.transitionPlan(s.id, { action: 'opinion', version: s.version, agree: true, actor: ACTORS.organisation })))
        .toMatchObject({ code: 'opinion-required', field: 'opinion' });
      expect(await refusal(store.transitionPlan(s.id, { action: 'opinion', version: s.version, opinion: '同意', actor: ACTORS.organisation })))
        .toMatchObject({ code: 'agree-required', field: 'agree' });
      expect(await refusal(store.transitionPlan(s.id, { action: 'reject', version: s.version, opinion: ' ', actor: ACTORS.government })))
        .toMatchObject({ code: 'opinion-required' });
      const o = await act(s, { action: 'opinion', opinion: '同意', agree: true, actor: ACTORS.organisation });
      expect(await refusal(store.transitionPlan(o.id, { action: 'opinion', version: o.version, opinion: '再议', agree: false, actor: ACTORS.organisation })))
        .toMatchObject({ code: 'opinion-already-given', status: 409 });
      expect(await refusal(store.transitionPlan(o.id, { action: 'approve', version: o.version, actor: ACTORS.government })))
        .toMatchObject({ code: 'opinions-missing', details: ['civil-affairs', 'establishment'] });
      expect(await store.getPlan(p.id)).toMatchObject({ state: 'submitted', version: 3 });
      expect((await store.getPlanHistory(p.id)).map((e) => e.action)).toEqual(['create', 'submit', 'opinion']);
    });

    it('refuses to submit a plan with fatal violations and lists them', async () => {
      const fatal = { rule: 'cross-street-office', severity: 'fatal', station: 's', message: '跨街道' };
      const p = await newPlan({ summary: { checks: { violations: [fatal, { rule: 'w', severity: 'warning', message: 'w' }] } } });
      const e = await refusal(store.transitionPlan(p.id, { action: 'submit', version: 1, actor: ACTORS.huangbei }));
      expect(e).toMatchObject({ code: 'plan-has-fatal-violations', status: 422, details: [fatal] });
      expect((await store.getPlan(p.id))?.state).toBe('draft');
    });

    it('a district planner edits any plan of the district; a street office only its own', async () => {
      const p = await newPlan({ scope: ['东门'] });
      expect(await refusal(store.updatePlan(p.id, { version: 1, groups: [], actor: ACTORS.huangbei }))).toMatchObject({ code: 'out-of-scope' });
      const e = await store.updatePlan(p.id, { version: 1, groups: [['c4']], actor: ACTORS.planner });
      expect(e).toMatchObject({ version: 2, groups: [['c4']], state: 'draft' });
      expect(await refusal(store.updatePlan(p.id, { version: 1, groups: [], actor: ACTORS.planner }))).toMatchObject({ code: 'stale-version' });
    });

    it('concurrent transitions with the same version: exactly one wins, the others get stale-version', async () => {
      const p = await newPlan();
      const results = await Promise.allSettled(Array.from({ length: 6 }, () =>
        store.transitionPlan(p.id, { action: 'submit', version: 1, actor: ACTORS.huangbei })));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (r.reason as StoreError).code)).toEqual(Array(5).fill('stale-version'));
      expect((await store.getPlanHistory(p.id)).map((e) => e.action)).toEqual(['create', 'submit']);
      expect((await store.getPlan(p.id))?.version).toBe(2);
    });

    it('concurrent opinions of three reviewers on the same version: one wins, the rest retry and succeed', async () => {
      const p = await act(await newPlan(), { action: 'submit', actor: ACTORS.huangbei });
      const first = await Promise.allSettled(REVIEWER_ROLES.map((role) =>
        store.transitionPlan(p.id, { action: 'opinion', version: p.version, opinion: 'ok', agree: true, actor: reviewer[role] })));
      expect(first.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(first.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as StoreError).code))
        .toEqual(['stale-version', 'stale-version']);
      const given = new Set((await store.getOpinions(p.id)).map((o) => o.role));
      for (const role of REVIEWER_ROLES.filter((r) => !given.has(r))) {
        const now = (await store.getPlan(p.id))!;
        await act(now, { action: 'opinion', opinion: 'ok', agree: true, actor: reviewer[role] });
      }
      expect((await store.getOpinions(p.id)).map((o) => o.role).sort()).toEqual([...REVIEWER_ROLES].sort());
      expect((await store.getPlan(p.id))?.version).toBe(5);
    });

    it('rejection returns the plan to draft-like rejected with the reasons; it can be edited and resubmitted', async () => {
      let p = await toSubmittedWithOpinions();
      p = await act(p, { action: 'reject', opinion: '水库社区户数超标', actor: ACTORS.government });
      expect(p.state).toBe('rejected');
      const h = await store.getPlanHistory(p.id);
      expect(h.at(-1)).toMatchObject({ action: 'reject', opinion: '水库社区户数超标', toState: 'rejected' });
      p = await store.updatePlan(p.id, { version: p.version, groups: [['c1'], ['constructor', 'c3']], actor: ACTORS.huangbei });
      p = await act(p, { action: 'submit', actor: ACTORS.huangbei });
      expect(p).toMatchObject({ state: 'submitted', round: 2 });
      expect(await store.getOpinions(p.id)).toEqual([]);
      expect(await store.getOpinions(p.id, { round: 1 })).toHaveLength(3);
      expect(await refusal(store.transitionPlan(p.id, { action: 'approve', version: p.version, actor: ACTORS.government })))
        .toMatchObject({ code: 'opinions-missing' });
      for (const role of REVIEWER_ROLES) p = await act(p, { action: 'opinion', opinion: '同意', agree: true, actor: reviewer[role] });
      p = await act(p, { action: 'approve', actor: ACTORS.government });
      expect(p.state).toBe('approved');
    });

    it('a submitted plan is frozen; a revision is a new row linked to its parent, starting at draft', async () => {
      const s = await act(await newPlan(), { action: 'submit', actor: ACTORS.huangbei });
      expect(await refusal(store.updatePlan(s.id, { version: s.version, groups: [], actor: ACTORS.huangbei })))
        .toMatchObject({ code: 'plan-frozen', status: 409 });
      const r = await store.revisePlan(s.id, { version: s.version, groups: [['c1', 'constructor', 'c3']], actor: ACTORS.huangbei });
      expect(r).toMatchObject({ parentId: s.id, revision: 2, state: 'draft', version: 1, round: 0, groups: [['c1', 'constructor', 'c3']], scope: ['黄贝'] });
      expect(r.id).not.toBe(s.id);
      expect(await store.getPlan(s.id)).toEqual(s);
      expect((await store.getPlanHistory(r.id)).map((e) => [e.action, e.toState])).toEqual([['revise', 'draft']]);
      const r2 = await act(r, { action: 'submit', actor: ACTORS.huangbei });
      expect(r2.state).toBe('submitted');
      expect(await refusal(store.revisePlan(s.id, { version: s.version, actor: ACTORS.organisation }))).toMatchObject({ code: 'forbidden-role' });
    });

    it('history and opinions are append-only in the database itself', async () => {
      const p = await act(await newPlan(), { action: 'submit', actor: ACTORS.huangbei });
      await act(p, { action: 'opinion', opinion: '同意', agree: true, actor: ACTORS.organisation });
      for (const sql of [
        `UPDATE plan_history SET opinion = 'forged' WHERE plan_id = $1`,
        'DELETE FROM plan_history WHERE plan_id = $1',
        `UPDATE opinions SET agree = false WHERE plan_id = $1`,
        'DELETE FROM opinions WHERE plan_id = $1',
      ]) {
        expect((await dbError(store.query(sql, [p.id]))).message, sql).toMatch(/append-only/);
      }
      expect((await dbError(store.query('TRUNCATE plan_history'))).message).toMatch(/append-only/);
      expect((await store.getPlanHistory(p.id)).map((e) => e.opinion)).toEqual([null, null, '同意']);
    });
  });

  describe('transactions, tokens, jobs', () => {
    it('store.transaction rolls back every write when the function throws', async () => {
      const before = (await store.listDatasets()).length;
      await expect(store.transaction(async (tx) => {
        await tx.createDataset({ name: 'doomed', committees: [{ id: 'x', name: 'x', streetOffice: 'x', households: 1, geometry: [rect(0, 0, 1, 1)] }] });
        await tx.createScenario({ name: 'doomed', body: {} });
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect((await store.listDatasets()).length).toBe(before);
      expect((await store.listScenarios()).some((s) => s.name === 'doomed')).toBe(false);
    });

    it('issues tokens stored hashed, verifies and revokes them', async () => {
      const { token, record } = await issueToken(store, { role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = await store.query<{ hash: string }>('SELECT hash FROM tokens WHERE id = $1', [record.id]);
      expect(stored[0]!.hash).toBe(hashToken(token));
      expect(stored[0]!.hash).not.toContain(token);
      const actor = await authenticate(store, `Bearer ${token}`);
      expect(actor).toEqual<Actor>({ tokenId: record.id, role: 'street-office', streetOffice: '黄贝' });
      expect(await verifyToken(store, `${token}x`)).toBeNull();
      expect(parseBearer('Basic abc')).toBeNull();
      expect(await refusal(authenticate(store, undefined))).toMatchObject({ code: 'unauthenticated', status: 401 });
      expect(await store.revokeToken(record.id)).toBe(true);
      expect(await verifyToken(store, token)).toBeNull();
      expect(await refusal(issueToken(store, { role: 'street-office' }))).toMatchObject({ code: 'street-office-required', field: 'streetOffice' });
      expect(await refusal(issueToken(store, { role: 'admin', streetOffice: '黄贝' }))).toMatchObject({ code: 'street-office-not-allowed' });
      expect(await refusal(issueToken(store, { role: 'king' as 'admin' }))).toMatchObject({ code: 'invalid-role', field: 'role' });
    });

    it('tracks a job from queued to done with its plan', async () => {
      const j = await store.createJob({ params: { scenario: 'luohu-2006' } });
      expect(j).toMatchObject({ status: 'queued', planId: null, params: { scenario: 'luohu-2006' } });
      const p = await newPlan();
      await store.updateJob(j.id, { status: 'running' });
      const done = await store.updateJob(j.id, { status: 'done', planId: p.id });
      expect(done).toMatchObject({ status: 'done', planId: p.id, error: null });
      expect(await store.getJob(j.id)).toEqual(done);
      expect(await refusal(store.updateJob('nope', { status: 'failed' }))).toMatchObject({ code: 'job-not-found' });
    });
  });
}

describe('store on PGlite (embedded, data folder)', () => {
  storeSuite({
    async open() {
      const t = await openTestPglite();
      let store = t.store;
      return {
        store,
        async close() {
          await store.close().catch(() => {});
          await t.remove();
        },
        async reopen() {
          await store.close();
          const db = await openPglite(t.dataDir);
          expect(await migrate(db)).toEqual([]);
          store = makeStore(db);
          return store;
        },
      };
    },
  });
});

describe.skipIf(!process.env.DATABASE_URL)('store on PostgreSQL server (needs DATABASE_URL; CI sets it)', () => {
  const url = process.env.DATABASE_URL!;
  storeSuite({
    async open() {
      const t = await openTestPg(url);
      let store = t.store;
      return {
        store,
        async close() {
          await store.close().catch(() => {});
          await t.drop();
        },
        async reopen() {
          await store.close();
          const db = await openPg(url, { schema: t.schema });
          expect(await migrate(db)).toEqual([]);
          store = makeStore(db);
          return store;
        },
      };
    },
  });
});
