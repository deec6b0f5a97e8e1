/**
 * Plans: solving a scenario (in worker threads; 201 when it is done within `solveSyncWaitMs`,
 * else 202 with a job), hand-made plans and revisions (evaluated with the same checks), the
 * exports rebuilt from stored data, comparison, the approval actions and the history.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import type { Committee } from '../../geo/types.js';
import { makePlanCsv, makePlanMarkdown } from '../../render/export.js';
import { evaluatePlan } from '../../solver/pipeline.js';
import { makeOutcome, type PlanOutcome } from '../../solver/outcome.js';
import { makePlanTextEn } from '../../render/text.js';
import { makePlanTitle } from '../../scenarios/defaults.js';
import type { ScenarioFile } from '../../scenarios/schema.js';
import type { PlanSummary, Scenario } from '../../solver/types.js';
import { requireActor, requireRole } from '../plugins/auth.js';
import {
  ActionBody, ActionResultSchema, CompareParams, CompareSchema, HandPlanBody, HistorySchema, IdParams, JobAcceptedSchema, PageQuery,
  PlanCreatedSchema, PlanListQuery, PlanListSchema, PlanSchema, RevisionBody, TextQuery, withErrors,
} from '../schemas.js';
import { PoolClosedError } from '../../scenarios/solve-pool.js';
import { SolveTimeoutError, type PlanSolver } from '../solve-pool.js';
import type { Actor, OpinionRecord, PlanRecord } from '../store/types.js';
import { StoreError } from '../store/types.js';
import { classifyStorageError } from '../store/storage-errors.js';
import { readPageQuery } from '../paging.js';
import { isInScope } from '../workflow.js';
import {
  getPlanOr404, getScenarioOr404, loadPlanningInputs, loadStoredDataset, makeOutOfScopeError, makePlanBody, resolveStationRefs,
} from '../planning.js';

export interface PlanRoutesOptions {
  solver: PlanSolver;
  /** How long a solve request waits for the plan before answering 202 with a job, ms. */
  solveSyncWaitMs: number;
  /** Keeps a background solve alive until the app closes. */
  track(work: Promise<unknown>): void;
  /** The per-token rate limit of solves (an onRequest hook). */
  solveLimit?: onRequestAsyncHookHandler;
}

const PLAN_ROLES = ['district-planner', 'street-office'] as const;

/** The version the caller saw: the body's `version`, else the If-Match header (`"3"`, `W/"3"` or `3`). */
function pickVersion(bodyVersion: number | undefined, ifMatch: string | string[] | undefined): number | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  const raw = Array.isArray(ifMatch) ? ifMatch[0] : ifMatch;
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(raw);
  if (!m) throw new StoreError('invalid-request', 422, `If-Match: expected the plan version ("3"), got ${JSON.stringify(raw)}`, 'if-match');
  return Number(m[1]);
}

type SolveOutcome = { plan: PlanRecord } | { error: StoreError };

function jobError(e: StoreError): string {
  return JSON.stringify({ code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) });
}

export const planRoutes: FastifyPluginAsyncTypebox<PlanRoutesOptions> = async (app, options) => {
  const store = app.store;

  /** Solves and stores the plan; never rejects (failures become the job's error). */
  async function runSolve(jobId: string, scenarioId: string, datasetId: string, scenario: Scenario, committees: Committee[], scope: string[], actor: Actor): Promise<SolveOutcome> {
    let result: SolveOutcome;
    try {
      // measures and adjacency in a worker: seconds for a large dataset, off the event loop
      const ctx = await app.tasks.run('planContext', { name: datasetId, committees, scenario });
      const outcome = await options.solver.solve(ctx);
      const infeasible = outcome.summary.checks.violations.filter((v) => v.rule === 'infeasible');
      if (infeasible.length > 0) {
        result = { error: new StoreError('scenario-infeasible', 422, `no plan satisfies the scenario: ${infeasible.map((v) => v.message).join('; ')}`, undefined, infeasible) };
      } else {
        const plan = await store.createPlan({
          datasetId, scenarioId, kind: 'solved', name: scenario.name, scope,
          summary: outcome.summary, groups: outcome.stations.map((s) => s.committeeIds),
        }, actor);
        result = { plan };
      }
    } catch (e) {
      if (e instanceof StoreError) result = { error: e };
      else if (e instanceof SolveTimeoutError) result = { error: new StoreError('solve-timeout', 503, e.message) };
      else if (e instanceof PoolClosedError) result = { error: new StoreError('server-stopped', 503, 'the server stopped before the solve finished: solve again') };
      else if (classifyStorageError(e)) result = { error: classifyStorageError(e)! };
      else {
        app.log.error({ err: e }, 'solve failed');
        result = { error: new StoreError('internal', 500, 'internal error: the server logged it') };
      }
    }
    try {
      if ('plan' in result) await store.updateJob(jobId, { status: 'done', planId: result.plan.id });
      else await store.updateJob(jobId, { status: 'failed', error: jobError(result.error) });
    } catch (e) {
      app.log.error({ err: e }, 'cannot record the job result');
    }
    return result;
  }

  app.post('/scenarios/:id/plans', {
    ...(options.solveLimit ? { onRequest: options.solveLimit } : {}),
    schema: {
      tags: ['plans'],
      summary: 'Solve a scenario: 201 { id, summary } when done within the wait, else 202 { job } (Location: /api/jobs/:id); 422 scenario-infeasible',
      params: IdParams,
      response: withErrors({ 201: PlanCreatedSchema, 202: JobAcceptedSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, PLAN_ROLES, 'solve scenarios');
    const record = await getScenarioOr404(store, request.params.id);
    if (record.datasetId === null) throw new StoreError('scenario-without-dataset', 422, 'the scenario names no dataset', 'datasetId');
    const { dataset, scenario, scope } = await loadPlanningInputs(store, actor, { datasetId: record.datasetId, scenario: record, name: record.name });
    const job = await store.createJob({ params: { kind: 'solve', scenarioId: record.id } });
    await store.updateJob(job.id, { status: 'running' });
    // The wait starts before the solve does: preparing the problem (adjacency) counts against it.
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), options.solveSyncWaitMs); });
    const work = runSolve(job.id, record.id, record.datasetId, scenario, dataset.committees, scope, actor);
    options.track(work);
    const waited = await Promise.race([work, wait]);
    clearTimeout(timer);
    if (waited === null) {
      return reply.code(202).header('location', `/api/jobs/${job.id}`).send({ job: { id: job.id, status: 'running' } });
    }
    if ('error' in waited) throw waited.error;
    return sendCreated(reply, waited.plan);
  });

  function sendCreated(reply: FastifyReply, plan: PlanRecord) {
    return reply.code(201).header('location', `/api/plans/${plan.id}`).header('etag', `"${plan.version}"`)
      .send({ id: plan.id, state: plan.state, version: plan.version, summary: plan.summary });
  }

  app.post('/datasets/:id/plans', {
    schema: {
      tags: ['plans'],
      summary: 'Submit a hand-made plan for evaluation ({ stations: [[names or ids]] }); committees not named keep their current station',
      params: IdParams, body: HandPlanBody,
      response: withErrors({ 201: PlanCreatedSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, PLAN_ROLES, 'make plans');
    const body = request.body;
    const { dataset, scenario, scope } = await loadPlanningInputs(store, actor, {
      datasetId: request.params.id, scenario: body.scenarioId ?? null, name: body.name ?? 'hand-made plan',
      streetOffices: body.streetOffices, ownOfficeByDefault: true,
    });
    const ids = resolveStationRefs(body.stations, dataset.committees);
    if (body.staff !== undefined && body.staff.length !== body.stations.length) {
      throw new StoreError('plan-staff-invalid', 422, `staff: one entry per station (${body.stations.length}), got ${body.staff.length}`, 'staff');
    }
    const outcome = evaluatePlan(await app.tasks.run('planContext', { ...dataset, scenario }), ids, body.staff);
    const plan = await store.createPlan({
      datasetId: request.params.id, scenarioId: body.scenarioId ?? null, kind: 'hand', name: body.name ?? null, scope,
      summary: outcome.summary, groups: outcome.stations.map((s) => s.committeeIds),
    }, actor);
    return sendCreated(reply, plan);
  });

  app.get('/plans', {
    schema: { tags: ['plans'], summary: 'List plans (?datasetId=&state=&streetOffice=), oldest first, a page at a time (?limit=&cursor=; nextCursor, total)', querystring: PlanListQuery, response: withErrors({ 200: PlanListSchema }) },
  }, async (request) => {
    const q = request.query;
    const page = await store.pagePlans({
      ...(q.datasetId !== undefined ? { datasetId: q.datasetId } : {}),
      ...(q.state !== undefined ? { state: q.state } : {}),
      ...(q.streetOffice !== undefined ? { streetOffice: q.streetOffice } : {}),
    }, readPageQuery(q));
    return { plans: page.items.map(makePlanBody), nextCursor: page.nextCursor, total: page.total };
  });

  app.get('/plans/:id', {
    schema: { tags: ['plans'], summary: 'A plan: state, version (also as ETag), revision, scope, kind and summary', params: IdParams, response: withErrors({ 200: PlanSchema }) },
  }, async (request, reply) => {
    const plan = await getPlanOr404(store, request.params.id);
    void reply.header('etag', `"${plan.version}"`);
    return makePlanBody(plan);
  });

  /** The stored plan and its outcome rebuilt from stored data (committees and geometry from the store). */
  async function loadOutcome(id: string): Promise<{ plan: PlanRecord; outcome: PlanOutcome; committees: Committee[] }> {
    const plan = await getPlanOr404(store, id);
    const dataset = await loadStoredDataset(store, plan.datasetId);
    return { plan, outcome: makeOutcome(plan.summary, dataset.committees), committees: dataset.committees };
  }

  const exportSchema = (summary: string) => ({
    tags: ['exports'], summary, params: IdParams,
    response: withErrors({ 200: Type.String({ description: summary }) }),
  });

  // Dissolving every station is the dearest read; a plan's content changes only with its version.
  const stationsCache = new Map<string, string>();
  const STATIONS_CACHE_SIZE = 32;
  app.get('/plans/:id/stations.geojson', {
    schema: exportSchema('One dissolved feature per station (application/geo+json)'),
  }, async (request, reply) => {
    const plan = await getPlanOr404(store, request.params.id);
    const key = `${plan.id}:${plan.version}`;
    let body = stationsCache.get(key);
    if (body === undefined) {
      const { outcome, committees } = await loadOutcome(request.params.id);
      body = await app.tasks.run('buildExport', { kind: 'stations.geojson', summary: outcome.summary, committees });
      if (stationsCache.size >= STATIONS_CACHE_SIZE) stationsCache.delete(stationsCache.keys().next().value!);
      stationsCache.set(key, body);
    }
    return reply.type('application/geo+json; charset=utf-8').send(body);
  });

  app.get('/plans/:id/committees.geojson', {
    schema: exportSchema('Every committee of the plan with its station (application/geo+json)'),
  }, async (request, reply) => {
    const { outcome, committees } = await loadOutcome(request.params.id);
    return reply.type('application/geo+json; charset=utf-8').send(await app.tasks.run('buildExport', { kind: 'committees.geojson', summary: outcome.summary, committees }));
  });

  app.get('/plans/:id/text', {
    schema: { ...exportSchema('The plan text: ?lang=zh (default; the seed\'s phrasing, text/markdown) or ?lang=en (text/plain)'), querystring: TextQuery },
  }, async (request, reply) => {
    const { plan, outcome } = await loadOutcome(request.params.id);
    if (request.query.lang === 'en') return reply.type('text/plain; charset=utf-8').send(makePlanTextEn(outcome.summary.streetOffices, outcome.isUnchanged) + '\n');
    // titled as plan.zh.md of `yizhan plan` and plan.docx: the scenario's document.title, else the dataset's name
    const body = plan.scenarioId !== null ? (await getScenarioOr404(store, plan.scenarioId, 'scenarioId')).body as ScenarioFile : null;
    const title = makePlanTitle(body, (await store.getDataset(plan.datasetId))!.name);
    return reply.type('text/markdown; charset=utf-8').send(makePlanMarkdown(outcome, title));
  });

  app.get('/plans/:id/plan.csv', {
    schema: { ...exportSchema('One row per station (text/csv, UTF-8 with BOM); headers in Chinese (?lang=zh, the default) or English (?lang=en)'), querystring: TextQuery },
  }, async (request, reply) => {
    const { outcome } = await loadOutcome(request.params.id);
    return reply.type('text/csv; charset=utf-8').send(makePlanCsv(outcome, request.query.lang ?? 'zh'));
  });

  app.get('/plans/:id/compare/:otherId', {
    schema: {
      tags: ['plans'], summary: 'Compare two plans of one dataset: committees that change station, stations per street office, checks side by side',
      params: CompareParams, response: withErrors({ 200: CompareSchema }),
    },
  }, async (request) => {
    const [a, b] = await Promise.all([getPlanOr404(store, request.params.id), getPlanOr404(store, request.params.otherId)]);
    if (a.datasetId !== b.datasetId) {
      throw new StoreError('different-datasets', 422, 'only plans of the same dataset can be compared', 'otherId', { plan: a.datasetId, other: b.datasetId });
    }
    const committees = await store.getCommittees(a.datasetId);
    if (!committees) throw new StoreError('dataset-not-found', 404, `no dataset "${a.datasetId}"`, 'datasetId');
    const sa = a.summary;
    const sb = b.summary;
    const stationOf = (s: PlanSummary) => {
      const map = new Map<string, { station: string; committees: string[]; key: string }>();
      for (const o of s.streetOffices) for (const st of o.stations) {
        const key = [...st.committeeIds].sort().join('\u0000');
        for (const id of st.committeeIds) map.set(id, { station: st.id, committees: st.committees, key });
      }
      return map;
    };
    const ma = stationOf(sa);
    const mb = stationOf(sb);
    const changed = committees.flatMap((c) => {
      const x = ma.get(c.id);
      const y = mb.get(c.id);
      if (x === undefined && y === undefined) return [];
      if (x !== undefined && y !== undefined && x.key === y.key) return [];
      const side = (v: typeof x) => (v ? { station: v.station, committees: v.committees } : null);
      return [{ committeeId: c.id, name: c.name, streetOffice: c.streetOffice, from: side(x), to: side(y) }];
    });
    const names = [...new Set([...sa.streetOffices.map((o) => o.name), ...sb.streetOffices.map((o) => o.name)])];
    const offices = names.map((name) => {
      const oa = sa.streetOffices.find((o) => o.name === name);
      const ob = sb.streetOffices.find((o) => o.name === name);
      return { name, stationsBefore: (oa ?? ob)!.stationsBefore, plan: oa?.stationsAfter ?? null, other: ob?.stationsAfter ?? null };
    });
    const checks = (s: PlanSummary) => ({
      stationsBefore: s.stationsBefore, stationsAfter: s.stationsAfter, solver: s.solver.status,
      fatal: s.checks.violations.filter((v) => v.severity === 'fatal').length,
      warnings: s.checks.violations.filter((v) => v.severity === 'warning').length,
      violations: s.checks.violations, facilityTargets: s.checks.facilityTargets,
      staffBefore: s.checks.staffBefore, staffAfter: s.checks.staffAfter,
    });
    return { plan: a.id, other: b.id, datasetId: a.datasetId, changed, streetOffices: offices, checks: { plan: checks(sa), other: checks(sb) } };
  });

  app.post('/plans/:id/actions', {
    schema: {
      tags: ['approval'],
      summary: 'One approval step: concur (each street office of a district plan), submit (the street office of a one-office plan; the district-planner for a district plan once every street office concurred), opinion (organisation, civil-affairs, establishment; agree + text), approve / reject (district-government), file (city-civil-affairs). Send the version you saw (body or If-Match); a stale one gets 409',
      params: IdParams, body: ActionBody,
      response: withErrors({ 200: ActionResultSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const body = request.body;
    const version = pickVersion(body.version, request.headers['if-match']);
    const { plan, entry } = await store.transitionPlan(request.params.id, {
      action: body.action, version: version as number, opinion: body.opinion ?? null, agree: body.agree ?? null, actor,
    });
    void reply.header('etag', `"${plan.version}"`);
    return { plan: makePlanBody(plan), entry };
  });

  app.get('/plans/:id/history', {
    schema: {
      tags: ['approval'],
      summary: 'The steps of the plan, in order (append-only), a page at a time (?limit=&cursor=; nextCursor, total), and the opinions of every round',
      params: IdParams, querystring: PageQuery, response: withErrors({ 200: HistorySchema }),
    },
  }, async (request) => {
    const plan = await getPlanOr404(store, request.params.id);
    const page = await store.pagePlanHistory(plan.id, readPageQuery(request.query));
    const rounds = Array.from({ length: plan.round }, (_, i) => i + 1);
    const opinions: OpinionRecord[] = (await Promise.all(rounds.map((round) => store.getOpinions(plan.id, { round })))).flat();
    return {
      planId: plan.id,
      entries: page.items,
      nextCursor: page.nextCursor,
      total: page.total,
      opinions: opinions.map((o) => ({ round: o.round, role: o.role, agree: o.agree, text: o.text, actorTokenId: o.actorTokenId, at: o.at })),
    };
  });

  app.post('/plans/:id/revisions', {
    schema: {
      tags: ['plans'],
      summary: 'A new revision (a draft) with changed stations, re-evaluated with the same checks; committees not named keep their station in this plan',
      params: IdParams, body: RevisionBody,
      response: withErrors({ 201: PlanCreatedSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, PLAN_ROLES, 'revise plans');
    const parent = await getPlanOr404(store, request.params.id);
    if (!isInScope(parent.scope, actor)) throw makeOutOfScopeError(parent.scope, actor);
    const version = pickVersion(request.body.version, request.headers['if-match']);
    const { dataset, scenario } = await loadPlanningInputs(store, actor, {
      datasetId: parent.datasetId, scenario: parent.scenarioId, name: parent.summary.scenario, streetOffices: parent.scope,
    });
    const named = resolveStationRefs(request.body.stations, dataset.committees);
    const taken = new Set(named.flat());
    const kept = parent.groups.map((g) => g.filter((id) => !taken.has(id))).filter((g) => g.length > 0);
    const outcome = evaluatePlan(await app.tasks.run('planContext', { ...dataset, scenario }), [...named, ...kept]);
    const plan = await store.revisePlan(parent.id, {
      version: version as number, summary: outcome.summary, groups: outcome.stations.map((s) => s.committeeIds),
      ...(request.body.name !== undefined ? { name: request.body.name } : {}), actor,
    });
    return sendCreated(reply, plan);
  });
};
