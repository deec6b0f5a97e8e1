/**
 * What-if evaluation for the review desk's editor: `POST /api/plans/:id/evaluate` with the plan's
 * stations as committee ids answers the summary (checks, cost) the same evaluation as a hand plan
 * or a revision would store, and the committees' neighbours (shared border or enclave link), but
 * stores nothing. The plan's context (measures, adjacency) is kept for the last few plans, so an
 * edit costs one evaluation. Only the roles that may change the plan (street office in scope,
 * district planner) may ask.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { evaluatePlan, type PlanContext } from '../../solver/pipeline.js';
import type { PlanSummary } from '../../solver/types.js';
import { requireActor, requireRole } from '../plugins/auth.js';
import { getPlanOr404, loadPlanningInputs, makeOutOfScopeError, resolveStationRefs } from '../planning.js';
import { IdParams, LIMITS, SummarySchema, withErrors } from '../schemas.js';
import { EDIT_ROLES, isInScope } from '../workflow.js';

export const EvaluateBody = Type.Object(
  { stations: Type.Array(Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.name }), { minItems: 1, maxItems: LIMITS.committees }), { maxItems: LIMITS.groups, description: 'every station: its committees by id or name; committees not named keep their station in this plan' }) },
  { additionalProperties: false },
);
export const EvaluateResultSchema = Type.Object(
  {
    summary: SummarySchema,
    neighbours: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'committee id → ids of the committees it may share a station with (border or enclave link)' }),
    ms: Type.Number({ description: 'server time of the evaluation itself' }),
  },
  { additionalProperties: false },
);
/** The answer, as the desk's client reads it. */
export type EvaluateResult = Static<typeof EvaluateResultSchema> & { summary: PlanSummary };

export const evaluateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const contexts = new Map<string, { ctx: PlanContext; groups: string[][] }>();
  const CACHE = 8;

  app.post('/plans/:id/evaluate', {
    schema: {
      tags: ['plans'], summary: 'Evaluate changed stations of a plan without storing anything (the desk\'s editor): the summary and the neighbours',
      params: IdParams, body: EvaluateBody, response: withErrors({ 200: EvaluateResultSchema }),
    },
  }, async (request) => {
    const actor = requireActor(request);
    requireRole(actor, EDIT_ROLES, 'change plans');
    const plan = await getPlanOr404(app.store, request.params.id);
    if (!isInScope(plan.scope, actor)) throw makeOutOfScopeError(plan.scope, actor);
    const key = `${plan.id}:${plan.version}`;
    let entry = contexts.get(key);
    if (entry === undefined) {
      const { dataset, scenario } = await loadPlanningInputs(app.store, actor, {
        datasetId: plan.datasetId, scenario: plan.scenarioId, name: plan.summary.scenario, streetOffices: plan.scope,
      });
      entry = { ctx: await app.tasks.run('planContext', { ...dataset, scenario }), groups: plan.groups };
      if (contexts.size >= CACHE) contexts.delete(contexts.keys().next().value!);
      contexts.set(key, entry);
    }
    const t0 = performance.now();
    const committees = entry.ctx.members.map((m) => m.committee);
    const named = resolveStationRefs(request.body.stations, committees);
    const taken = new Set(named.flat());
    const kept = entry.groups.map((g) => g.filter((id) => !taken.has(id))).filter((g) => g.length > 0);
    const outcome = evaluatePlan(entry.ctx, [...named, ...kept]);
    const neighbours: Record<string, string[]> = {};
    for (const m of entry.ctx.members) {
      const id = m.committee.id;
      neighbours[id] = [...new Set([...(entry.ctx.graph.border.get(id)?.keys() ?? []), ...(entry.ctx.graph.links.get(id)?.keys() ?? [])])];
    }
    return { summary: outcome.summary, neighbours, ms: performance.now() - t0 };
  });
};
