/**
 * Plans, their append-only history and the reviewers' opinions. Every change locks the plan row
 * (`FOR UPDATE`), checks the version the caller saw (server/workflow.ts decides what is allowed)
 * and appends a history entry in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { PlanSummary } from '../../solver/types.js';
import { applyAction, checkEdit, listConcurrences } from '../workflow.js';
import type { Sql } from './db.js';
import { iso, json, jsonParam, str, strOrNull, type InTx, type Row } from './rows.js';
import type {
  Actor, HistoryEntry, OpinionRecord, PlanEdit, PlanInput, PlanOps, PlanRecord, PlanState, ReviewerRole, TransitionRequest, TransitionResult,
} from './types.js';
import { PLAN_STATES, StoreError } from './types.js';
import { decodeSeqCursor, encodeSeqCursor, queryPage } from './paging.js';

const PLAN_COLUMNS = `id, dataset_id, scenario_id, kind, name, to_json(scope) AS scope_json, summary, groups, state,
  version, revision, round, parent_id, created_at, updated_at`;

function toPlan(r: Row): PlanRecord {
  return {
    id: str(r.id), datasetId: str(r.dataset_id), scenarioId: strOrNull(r.scenario_id),
    kind: r.kind as PlanRecord['kind'], name: strOrNull(r.name),
    scope: (json(r.scope_json) as string[]) ?? [],
    // jsonb written by createPlan / updatePlan from a PlanSummary and the merge groups
    summary: (json(r.summary) ?? null) as PlanSummary, groups: (json(r.groups) ?? null) as string[][],
    state: r.state as PlanState, version: Number(r.version), revision: Number(r.revision), round: Number(r.round),
    parentId: strOrNull(r.parent_id), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}
function toHistory(r: Row): HistoryEntry {
  return {
    planId: str(r.plan_id), seq: Number(r.seq), at: iso(r.at), actorTokenId: strOrNull(r.actor_token_id),
    role: str(r.role), streetOffice: strOrNull(r.street_office), action: str(r.action), fromState: (r.from_state ?? null) as PlanState | null,
    toState: r.to_state as PlanState, opinion: strOrNull(r.opinion),
    agree: r.agree === null || r.agree === undefined ? null : Boolean(r.agree), version: Number(r.version),
  };
}
function toOpinion(r: Row): OpinionRecord {
  return {
    planId: str(r.plan_id), round: Number(r.round), role: r.role as ReviewerRole, agree: Boolean(r.agree),
    text: str(r.text), actorTokenId: strOrNull(r.actor_token_id), at: iso(r.at),
  };
}

function fatalViolations(summary: unknown): unknown[] {
  const violations = (summary as { checks?: { violations?: unknown } } | null)?.checks?.violations;
  if (!Array.isArray(violations)) return [];
  return violations.filter((v) => (v as { severity?: unknown } | null)?.severity === 'fatal');
}

/** The plan operations: reads on `db`, each write in its own transaction (`inTx`). */
export function makePlanOps(db: Sql, inTx: InTx): PlanOps {
  async function lockPlan(sql: Sql, id: string): Promise<PlanRecord> {
    const rows = await sql.query<Row>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE id = $1 FOR UPDATE`, [id]);
    if (!rows[0]) throw new StoreError('plan-not-found', 404, `no plan "${id}"`, 'id');
    return toPlan(rows[0]);
  }

  /** The entry as stored; its street office is the actor token's (history reads join the token). */
  async function appendHistory(sql: Sql, e: Omit<HistoryEntry, 'seq' | 'at' | 'streetOffice'>, actor?: Actor | null): Promise<HistoryEntry> {
    const rows = await sql.query<Row>(
      `INSERT INTO plan_history (plan_id, seq, actor_token_id, role, action, from_state, to_state, opinion, agree, version)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 FROM plan_history WHERE plan_id = $1
       RETURNING *`,
      [e.planId, e.actorTokenId, e.role, e.action, e.fromState, e.toState, e.opinion, e.agree, e.version]);
    return toHistory({ ...rows[0]!, street_office: actor?.streetOffice ?? null });
  }

  /** The plan's history in order, each entry with its actor token's street office. */
  async function readHistory(sql: Sql, id: string): Promise<HistoryEntry[]> {
    return (await sql.query<Row>(
      `SELECT h.*, t.street_office FROM plan_history h LEFT JOIN tokens t ON t.id = h.actor_token_id
       WHERE h.plan_id = $1 ORDER BY h.seq`, [id])).map(toHistory);
  }

  async function insertPlan(sql: Sql, p: PlanInput, extra: { revision: number; parentId: string | null }): Promise<PlanRecord> {
    if (p.kind !== 'solved' && p.kind !== 'hand') throw new StoreError('invalid-plan', 400, `plan kind must be "solved" or "hand", got ${JSON.stringify(p.kind)}`, 'kind');
    if (!Array.isArray(p.scope) || !p.scope.every((s) => typeof s === 'string' && s !== '')) {
      throw new StoreError('invalid-plan', 400, 'plan scope must be an array of street office names', 'scope');
    }
    const ds = await sql.query('SELECT 1 FROM datasets WHERE id = $1 AND complete', [p.datasetId]);
    if (ds.length === 0) throw new StoreError('dataset-not-found', 404, `no dataset "${p.datasetId}"`, 'datasetId');
    if (p.scenarioId !== undefined && p.scenarioId !== null) {
      const sc = await sql.query('SELECT 1 FROM scenarios WHERE id = $1', [p.scenarioId]);
      if (sc.length === 0) throw new StoreError('scenario-not-found', 404, `no scenario "${p.scenarioId}"`, 'scenarioId');
    }
    const rows = await sql.query<Row>(
      `INSERT INTO plans (id, dataset_id, scenario_id, kind, name, scope, summary, groups, revision, parent_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), $7::jsonb, $8::jsonb, $9, $10,
         clock_timestamp(), clock_timestamp())
       RETURNING ${PLAN_COLUMNS}`,
      [randomUUID(), p.datasetId, p.scenarioId ?? null, p.kind, p.name ?? null, JSON.stringify([...p.scope]),
        jsonParam(p.summary), jsonParam(p.groups), extra.revision, extra.parentId]);
    return toPlan(rows[0]!);
  }

  return {
    createPlan: (input: PlanInput, actor?: Actor | null) => inTx(async (sql) => {
      const plan = await insertPlan(sql, input, { revision: 1, parentId: null });
      await appendHistory(sql, {
        planId: plan.id, actorTokenId: actor?.tokenId ?? null, role: actor?.role ?? 'system', action: 'create',
        fromState: null, toState: plan.state, opinion: null, agree: null, version: plan.version,
      }, actor);
      return plan;
    }),

    async getPlan(id) {
      const rows = await db.query<Row>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE id = $1`, [id]);
      return rows[0] ? toPlan(rows[0]) : null;
    },

    async listPlans(options = {}) {
      if (options.state !== undefined && !PLAN_STATES.includes(options.state)) {
        throw new StoreError('invalid-state', 400, `unknown plan state "${String(options.state)}"; one of ${PLAN_STATES.join(', ')}`, 'state');
      }
      const rows = await db.query<Row>(
        `SELECT ${PLAN_COLUMNS} FROM plans
         WHERE ($1::text IS NULL OR dataset_id = $1::text) AND ($2::text IS NULL OR state = $2::text)
           AND ($3::text IS NULL OR $3::text = ANY(scope))
         ORDER BY created_at, id`,
        [options.datasetId ?? null, options.state ?? null, options.streetOffice ?? null]);
      return rows.map(toPlan);
    },

    async pagePlans(options, page) {
      if (options.state !== undefined && !PLAN_STATES.includes(options.state)) {
        throw new StoreError('invalid-state', 400, `unknown plan state "${String(options.state)}"; one of ${PLAN_STATES.join(', ')}`, 'state');
      }
      // scope @> ARRAY[…] (not = ANY(scope)) so that the GIN index on scope bounds a street office's page
      return queryPage(db, {
        select: PLAN_COLUMNS, from: 'plans',
        where: `($1::text IS NULL OR dataset_id = $1::text) AND ($2::text IS NULL OR state = $2::text)
          AND ($3::text IS NULL OR scope @> ARRAY[$3::text])`,
        params: [options.datasetId ?? null, options.state ?? null, options.streetOffice ?? null],
      }, page, toPlan);
    },

    updatePlan: (id: string, edit: PlanEdit) => inTx(async (sql) => {
      const plan = await lockPlan(sql, id);
      const refused = checkEdit(plan, edit, edit.actor, { inPlace: true });
      if (refused) throw new StoreError(refused.code, refused.status, refused.message, refused.field, refused.details);
      const rows = await sql.query<Row>(
        `UPDATE plans SET
           summary = CASE WHEN $2 THEN $3::jsonb ELSE summary END,
           groups = CASE WHEN $4 THEN $5::jsonb ELSE groups END,
           name = CASE WHEN $6 THEN $7::text ELSE name END,
           version = version + 1, updated_at = clock_timestamp()
         WHERE id = $1 RETURNING ${PLAN_COLUMNS}`,
        [id, edit.summary !== undefined, jsonParam(edit.summary), edit.groups !== undefined, jsonParam(edit.groups),
          edit.name !== undefined, edit.name ?? null]);
      const next = toPlan(rows[0]!);
      await appendHistory(sql, {
        planId: id, actorTokenId: edit.actor.tokenId, role: edit.actor.role, action: 'edit',
        fromState: plan.state, toState: next.state, opinion: null, agree: null, version: next.version,
      }, edit.actor);
      return next;
    }),

    revisePlan: (id: string, edit: PlanEdit) => inTx(async (sql) => {
      const parent = await lockPlan(sql, id);
      const refused = checkEdit(parent, edit, edit.actor, { inPlace: false });
      if (refused) throw new StoreError(refused.code, refused.status, refused.message, refused.field, refused.details);
      const plan = await insertPlan(sql, {
        datasetId: parent.datasetId, scenarioId: parent.scenarioId, kind: parent.kind,
        name: edit.name !== undefined ? edit.name : parent.name, scope: parent.scope,
        summary: edit.summary !== undefined ? edit.summary : parent.summary,
        groups: edit.groups !== undefined ? edit.groups : parent.groups,
      }, { revision: parent.revision + 1, parentId: parent.id });
      await appendHistory(sql, {
        planId: plan.id, actorTokenId: edit.actor.tokenId, role: edit.actor.role, action: 'revise',
        fromState: null, toState: plan.state, opinion: null, agree: null, version: plan.version,
      }, edit.actor);
      return plan;
    }),

    transitionPlan: (id: string, request: TransitionRequest) => inTx(async (sql): Promise<TransitionResult> => {
      const plan = await lockPlan(sql, id);
      const opinions = (await sql.query<Row>('SELECT * FROM opinions WHERE plan_id = $1 AND round = $2', [id, plan.round])).map(toOpinion);
      const concurred = request.action === 'concur' || request.action === 'submit' ? listConcurrences(await readHistory(sql, id)) : [];
      const result = applyAction(
        { state: plan.state, version: plan.version, round: plan.round, scope: plan.scope,
          fatalViolations: fatalViolations(plan.summary), opinions, concurred },
        request, request.actor);
      if ('error' in result) {
        const e = result.error;
        throw new StoreError(e.code, e.status, e.message, e.field, e.details);
      }
      const n = result.next;
      const rows = await sql.query<Row>(
        `UPDATE plans SET state = $2, version = $3, round = $4, updated_at = clock_timestamp()
         WHERE id = $1 AND version = $5 RETURNING ${PLAN_COLUMNS}`,
        [id, n.state, n.version, n.round, plan.version]);
      if (!rows[0]) throw new StoreError('stale-version', 409, 'the plan changed meanwhile: reload it and try again', 'version');
      if (n.opinionRole !== null) {
        await sql.query('INSERT INTO opinions (plan_id, round, role, agree, text, actor_token_id) VALUES ($1, $2, $3, $4, $5, $6)',
          [id, n.round, n.opinionRole, n.agree, n.opinion, request.actor.tokenId]);
      }
      const entry = await appendHistory(sql, {
        planId: id, actorTokenId: request.actor.tokenId, role: request.actor.role, action: n.action,
        fromState: n.fromState, toState: n.state, opinion: n.opinion, agree: n.agree, version: n.version,
      }, request.actor);
      return { plan: toPlan(rows[0]), entry };
    }),

    async getPlanHistory(id) {
      return readHistory(db, id);
    },

    async pagePlanHistory(id, page) {
      const after = page.cursor !== undefined ? decodeSeqCursor(page.cursor) : 0;
      const rows = await db.query<Row>(
        `SELECT h.*, t.street_office FROM plan_history h LEFT JOIN tokens t ON t.id = h.actor_token_id
         WHERE h.plan_id = $1 AND h.seq > $2 ORDER BY h.seq LIMIT $3`, [id, after, page.limit + 1]);
      const more = rows.length > page.limit;
      const items = (more ? rows.slice(0, page.limit) : rows).map(toHistory);
      const counted = await db.query<Row>('SELECT count(*)::int AS n FROM plan_history WHERE plan_id = $1', [id]);
      return { items, nextCursor: more ? encodeSeqCursor(items[items.length - 1]!.seq) : null, total: Number(counted[0]!.n) };
    },

    async getOpinions(planId, options = {}) {
      const rows = await db.query<Row>(
        `SELECT o.* FROM opinions o JOIN plans p ON p.id = o.plan_id
         WHERE o.plan_id = $1 AND o.round = coalesce($2::int, p.round) ORDER BY o.at, o.role`,
        [planId, options.round ?? null]);
      return rows.map(toOpinion);
    },
  };
}
