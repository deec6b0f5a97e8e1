/**
 * The Store over any engine: one set of SQL for PGlite and PostgreSQL. Objects and arrays travel
 * as JSON text parameters (`$n::jsonb`) so both drivers see the same thing.
 */
import { randomUUID } from 'node:crypto';
import type { Committee } from '../../geo/types.js';
import { applyAction, checkEdit } from '../workflow.js';
import type { Db, Sql } from './db.js';
import type {
  Actor, DatasetInput, DatasetRecord, GeoJSONFeatureCollection, HistoryEntry, JobRecord, JobStatus,
  OpinionRecord, PlanEdit, PlanInput, PlanRecord, PlanState, ReviewerRole, Role, ScenarioInput,
  ScenarioRecord, Store, StoreOps, TokenRecord, TransitionRequest, TransitionResult,
} from './types.js';
import { PLAN_STATES, ROLES, StoreError } from './types.js';

type Row = Record<string, unknown>;
type InTx = <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>;

const CANONICAL = new Set(['id', 'name', 'streetOffice', 'households', 'geometry']);
const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'failed'];

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}
function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v);
}
function str(v: unknown): string {
  return String(v);
}
function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
/** A json column read back: pg parses json/jsonb, text columns arrive as strings. */
function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
function jsonParam(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

function toDataset(r: Row): DatasetRecord {
  return {
    id: str(r.id), name: str(r.name), meta: (json(r.meta) ?? {}) as Record<string, unknown>,
    committeeCount: Number(r.committee_count),
    streetOffices: (json(r.street_offices) as string[] | null ?? []).slice().sort(),
    createdAt: iso(r.created_at),
  };
}
function toScenario(r: Row): ScenarioRecord {
  return { id: str(r.id), datasetId: strOrNull(r.dataset_id), name: str(r.name), body: json(r.body), createdAt: iso(r.created_at) };
}
function toPlan(r: Row): PlanRecord {
  return {
    id: str(r.id), datasetId: str(r.dataset_id), scenarioId: strOrNull(r.scenario_id),
    kind: r.kind as PlanRecord['kind'], name: strOrNull(r.name),
    scope: (json(r.scope_json) as string[]) ?? [],
    summary: json(r.summary) ?? null, groups: json(r.groups) ?? null,
    state: r.state as PlanState, version: Number(r.version), revision: Number(r.revision), round: Number(r.round),
    parentId: strOrNull(r.parent_id), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}
function toHistory(r: Row): HistoryEntry {
  return {
    planId: str(r.plan_id), seq: Number(r.seq), at: iso(r.at), actorTokenId: strOrNull(r.actor_token_id),
    role: str(r.role), action: str(r.action), fromState: (r.from_state ?? null) as PlanState | null,
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
function toToken(r: Row): TokenRecord {
  return {
    id: str(r.id), role: r.role as Role, streetOffice: strOrNull(r.street_office), label: strOrNull(r.label),
    createdAt: iso(r.created_at), revokedAt: isoOrNull(r.revoked_at),
  };
}
function toJob(r: Row): JobRecord {
  return {
    id: str(r.id), status: r.status as JobStatus, planId: strOrNull(r.plan_id), error: strOrNull(r.error),
    params: json(r.params) ?? null, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

const PLAN_COLUMNS = `id, dataset_id, scenario_id, kind, name, to_json(scope) AS scope_json, summary, groups, state,
  version, revision, round, parent_id, created_at, updated_at`;
const DATASET_SELECT = `SELECT d.id, d.name, d.meta, d.created_at,
  (SELECT count(*)::int FROM committees c WHERE c.dataset_id = d.id) AS committee_count,
  (SELECT json_agg(DISTINCT c.street_office) FROM committees c WHERE c.dataset_id = d.id) AS street_offices
  FROM datasets d`;

function isPosition(p: unknown): boolean {
  return Array.isArray(p) && p.length >= 2 && p.length <= 3 && p.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Checks a committee's fields before they reach SQL; the error names the feature (index, id) and the field. */
function checkCommittee(c: Committee, i: number, seen: Set<string>): void {
  const where = (field: string) => `dataset committee ${i}${typeof c?.id === 'string' ? ` (id "${c.id}")` : ''}: ${field}`;
  const bad = (field: string, what: string) =>
    new StoreError('invalid-committee', 400, `${where(field)} ${what}`, field, { feature: i, id: typeof c?.id === 'string' ? c.id : undefined });
  if (c === null || typeof c !== 'object') throw bad('committee', 'is not an object');
  if (typeof c.id !== 'string' || c.id === '') throw bad('id', 'must be a non-empty string');
  if (seen.has(c.id)) throw bad('id', 'is used by an earlier committee');
  seen.add(c.id);
  if (typeof c.name !== 'string') throw bad('name', 'must be a string');
  if (typeof c.streetOffice !== 'string' || c.streetOffice === '') throw bad('streetOffice', 'must be a non-empty string');
  if (!Number.isInteger(c.households) || c.households < 0 || c.households > 2_147_483_647) {
    throw bad('households', `must be a non-negative integer, got ${JSON.stringify(c.households)}`);
  }
  const g = c.geometry as unknown;
  if (!Array.isArray(g) || g.length === 0) throw bad('geometry', 'must be MultiPolygon coordinates (a non-empty array of polygons)');
  g.forEach((poly, pi) => {
    if (!Array.isArray(poly) || poly.length === 0) throw bad('geometry', `polygon ${pi} has no rings`);
    poly.forEach((ring: unknown, ri) => {
      if (!Array.isArray(ring) || ring.length < 4 || !ring.every(isPosition)) {
        throw bad('geometry', `polygon ${pi} ring ${ri} must hold at least 4 [lon, lat] positions of finite numbers`);
      }
    });
  });
}

function fatalViolations(summary: unknown): unknown[] {
  const violations = (summary as { checks?: { violations?: unknown } } | null)?.checks?.violations;
  if (!Array.isArray(violations)) return [];
  return violations.filter((v) => (v as { severity?: unknown } | null)?.severity === 'fatal');
}

function makeOps(db: Sql, inTx: InTx): StoreOps {
  async function lockPlan(sql: Sql, id: string): Promise<PlanRecord> {
    const rows = await sql.query<Row>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE id = $1 FOR UPDATE`, [id]);
    if (!rows[0]) throw new StoreError('plan-not-found', 404, `no plan "${id}"`, 'id');
    return toPlan(rows[0]);
  }

  async function appendHistory(sql: Sql, e: Omit<HistoryEntry, 'seq' | 'at'>): Promise<HistoryEntry> {
    const rows = await sql.query<Row>(
      `INSERT INTO plan_history (plan_id, seq, actor_token_id, role, action, from_state, to_state, opinion, agree, version)
       SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 FROM plan_history WHERE plan_id = $1
       RETURNING *`,
      [e.planId, e.actorTokenId, e.role, e.action, e.fromState, e.toState, e.opinion, e.agree, e.version]);
    return toHistory(rows[0]!);
  }

  async function insertPlan(sql: Sql, p: PlanInput, extra: { revision: number; parentId: string | null }): Promise<PlanRecord> {
    if (p.kind !== 'solved' && p.kind !== 'hand') throw new StoreError('invalid-plan', 400, `plan kind must be "solved" or "hand", got ${JSON.stringify(p.kind)}`, 'kind');
    if (!Array.isArray(p.scope) || !p.scope.every((s) => typeof s === 'string' && s !== '')) {
      throw new StoreError('invalid-plan', 400, 'plan scope must be an array of street office names', 'scope');
    }
    const ds = await sql.query('SELECT 1 FROM datasets WHERE id = $1', [p.datasetId]);
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
    createDataset: (input: DatasetInput) => inTx(async (sql) => {
      if (typeof input?.name !== 'string' || input.name.trim() === '') {
        throw new StoreError('invalid-dataset', 400, 'a dataset needs a name', 'name');
      }
      if (!Array.isArray(input.committees)) throw new StoreError('invalid-dataset', 400, 'a dataset needs a committees array', 'committees');
      const seen = new Set<string>();
      input.committees.forEach((c, i) => checkCommittee(c, i, seen));
      const id = randomUUID();
      await sql.query('INSERT INTO datasets (id, name, meta) VALUES ($1, $2, $3::jsonb)', [id, input.name, JSON.stringify(input.meta ?? {})]);
      const rows = input.committees.map((c) => {
        const props: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(c)) if (!CANONICAL.has(k) && v !== undefined) props[k] = v;
        return { id: c.id, name: c.name, streetOffice: c.streetOffice, households: c.households, props,
          geometry: JSON.stringify({ type: 'MultiPolygon', coordinates: c.geometry }) };
      });
      if (rows.length > 0) {
        await sql.query(
          `INSERT INTO committees (dataset_id, id, ord, name, street_office, households, props, geom)
           SELECT $1, e.c->>'id', (e.ord - 1)::int, e.c->>'name', e.c->>'streetOffice', (e.c->>'households')::int, e.c->'props',
             ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(e.c->>'geometry'), 4326))
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(c, ord)`,
          [id, JSON.stringify(rows)]);
      }
      const out = await sql.query<Row>(`${DATASET_SELECT} WHERE d.id = $1`, [id]);
      return toDataset(out[0]!);
    }),

    async getDataset(id) {
      const rows = await db.query<Row>(`${DATASET_SELECT} WHERE d.id = $1`, [id]);
      return rows[0] ? toDataset(rows[0]) : null;
    },

    async listDatasets() {
      return (await db.query<Row>(`${DATASET_SELECT} ORDER BY d.created_at, d.id`)).map(toDataset);
    },

    async getCommittees(datasetId) {
      if ((await db.query('SELECT 1 FROM datasets WHERE id = $1', [datasetId])).length === 0) return null;
      const rows = await db.query<Row>(
        `SELECT id, name, street_office, households, props, ST_AsGeoJSON(geom, 15) AS geometry
         FROM committees WHERE dataset_id = $1 ORDER BY ord`, [datasetId]);
      return rows.map((r) => ({
        ...(json(r.props) as Record<string, unknown>),
        id: str(r.id), name: str(r.name), streetOffice: str(r.street_office), households: Number(r.households),
        geometry: (JSON.parse(str(r.geometry)) as { coordinates: Committee['geometry'] }).coordinates,
      }) as Committee);
    },

    async getCommitteesGeoJSON(datasetId, options = {}) {
      if ((await db.query('SELECT 1 FROM datasets WHERE id = $1', [datasetId])).length === 0) return null;
      const rows = await db.query<Row>(
        `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
           'type', 'Feature', 'id', c.id,
           'geometry', ST_AsGeoJSON(c.geom, 15)::json,
           'properties', coalesce(c.props->'extra', '{}'::jsonb) || (c.props - 'extra')
             || jsonb_build_object('id', c.id, 'name', c.name, 'streetOffice', c.street_office, 'households', c.households)
         ) ORDER BY c.ord), '[]'::json))::text AS fc
         FROM committees c WHERE c.dataset_id = $1 AND ($2::text IS NULL OR c.street_office = $2::text)`,
        [datasetId, options.streetOffice ?? null]);
      return JSON.parse(str(rows[0]!.fc)) as GeoJSONFeatureCollection;
    },

    createScenario: (input: ScenarioInput) => inTx(async (sql) => {
      if (typeof input?.name !== 'string' || input.name.trim() === '') throw new StoreError('invalid-scenario', 400, 'a scenario needs a name', 'name');
      if (input.body === undefined) throw new StoreError('invalid-scenario', 400, 'a scenario needs a body', 'body');
      if (input.datasetId !== undefined && input.datasetId !== null) {
        const ds = await sql.query('SELECT 1 FROM datasets WHERE id = $1', [input.datasetId]);
        if (ds.length === 0) throw new StoreError('dataset-not-found', 404, `no dataset "${input.datasetId}"`, 'datasetId');
      }
      const rows = await sql.query<Row>(
        `INSERT INTO scenarios (id, dataset_id, name, body, created_at) VALUES ($1, $2, $3, $4::jsonb, clock_timestamp()) RETURNING *`,
        [randomUUID(), input.datasetId ?? null, input.name, JSON.stringify(input.body)]);
      return toScenario(rows[0]!);
    }),

    async getScenario(id) {
      const rows = await db.query<Row>('SELECT * FROM scenarios WHERE id = $1', [id]);
      return rows[0] ? toScenario(rows[0]) : null;
    },

    async listScenarios(options = {}) {
      const rows = await db.query<Row>(
        'SELECT * FROM scenarios WHERE ($1::text IS NULL OR dataset_id = $1::text) ORDER BY created_at, id', [options.datasetId ?? null]);
      return rows.map(toScenario);
    },

    createPlan: (input: PlanInput, actor?: Actor | null) => inTx(async (sql) => {
      const plan = await insertPlan(sql, input, { revision: 1, parentId: null });
      await appendHistory(sql, {
        planId: plan.id, actorTokenId: actor?.tokenId ?? null, role: actor?.role ?? 'system', action: 'create',
        fromState: null, toState: plan.state, opinion: null, agree: null, version: plan.version,
      });
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
      });
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
      });
      return plan;
    }),

    transitionPlan: (id: string, request: TransitionRequest) => inTx(async (sql): Promise<TransitionResult> => {
      const plan = await lockPlan(sql, id);
      const opinions = (await sql.query<Row>('SELECT * FROM opinions WHERE plan_id = $1 AND round = $2', [id, plan.round])).map(toOpinion);
      const result = applyAction(
        { state: plan.state, version: plan.version, round: plan.round, scope: plan.scope,
          fatalViolations: fatalViolations(plan.summary), opinions },
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
      });
      return { plan: toPlan(rows[0]), entry };
    }),

    async getPlanHistory(id) {
      return (await db.query<Row>('SELECT * FROM plan_history WHERE plan_id = $1 ORDER BY seq', [id])).map(toHistory);
    },

    async getOpinions(planId, options = {}) {
      const rows = await db.query<Row>(
        `SELECT o.* FROM opinions o JOIN plans p ON p.id = o.plan_id
         WHERE o.plan_id = $1 AND o.round = coalesce($2::int, p.round) ORDER BY o.at, o.role`,
        [planId, options.round ?? null]);
      return rows.map(toOpinion);
    },

    createToken: (input) => inTx(async (sql) => {
      if (!ROLES.includes(input.role)) throw new StoreError('invalid-role', 400, `unknown role "${String(input.role)}"; one of ${ROLES.join(', ')}`, 'role');
      const so = input.streetOffice ?? null;
      if (input.role === 'street-office' && (typeof so !== 'string' || so === '')) {
        throw new StoreError('street-office-required', 400, 'a street-office token names its street office', 'streetOffice');
      }
      if (input.role !== 'street-office' && so !== null) {
        throw new StoreError('street-office-not-allowed', 400, `a ${input.role} token has no street office`, 'streetOffice');
      }
      if (typeof input.hash !== 'string' || !/^[0-9a-f]{64}$/.test(input.hash)) {
        throw new StoreError('invalid-token-hash', 400, 'a token hash is 64 hex digits (sha-256)', 'hash');
      }
      const rows = await sql.query<Row>(
        'INSERT INTO tokens (id, hash, role, street_office, label) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [randomUUID(), input.hash, input.role, so, input.label ?? null]);
      return toToken(rows[0]!);
    }),

    async findTokenByHash(hash) {
      const rows = await db.query<Row>('SELECT * FROM tokens WHERE hash = $1 AND revoked_at IS NULL', [hash]);
      return rows[0] ? toToken(rows[0]) : null;
    },

    async listTokens() {
      return (await db.query<Row>('SELECT * FROM tokens ORDER BY created_at, id')).map(toToken);
    },

    revokeToken: (id: string) => inTx(async (sql) => {
      const rows = await sql.query('UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
      return rows.length > 0;
    }),

    createJob: (input = {}) => inTx(async (sql) => {
      const rows = await sql.query<Row>('INSERT INTO jobs (id, params) VALUES ($1, $2::jsonb) RETURNING *', [randomUUID(), jsonParam(input.params)]);
      return toJob(rows[0]!);
    }),

    async getJob(id) {
      const rows = await db.query<Row>('SELECT * FROM jobs WHERE id = $1', [id]);
      return rows[0] ? toJob(rows[0]) : null;
    },

    updateJob: (id, patch) => inTx(async (sql) => {
      if (patch.status !== undefined && !JOB_STATUSES.includes(patch.status)) {
        throw new StoreError('invalid-job-status', 400, `unknown job status "${String(patch.status)}"; one of ${JOB_STATUSES.join(', ')}`, 'status');
      }
      const rows = await sql.query<Row>(
        `UPDATE jobs SET status = coalesce($2, status),
           plan_id = CASE WHEN $3 THEN $4 ELSE plan_id END,
           error = CASE WHEN $5 THEN $6 ELSE error END,
           updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id, patch.status ?? null, patch.planId !== undefined, patch.planId ?? null, patch.error !== undefined, patch.error ?? null]);
      if (!rows[0]) throw new StoreError('job-not-found', 404, `no job "${id}"`, 'id');
      return toJob(rows[0]);
    }),
  };
}

/**
 * Builds the Store over an open, migrated engine. Each write method runs in its own transaction;
 * `store.transaction(fn)` hands `fn` the same methods bound to one transaction.
 */
export function makeStore(db: Db): Store {
  const ops = makeOps(db, (fn) => db.transaction(fn));
  return {
    ...ops,
    engine: db.engine,
    transaction: <T>(fn: (tx: StoreOps) => Promise<T>) =>
      db.transaction((tx) => fn(makeOps(tx, (inner) => inner(tx)))),
    query: <T = Record<string, unknown>>(text: string, params?: readonly unknown[]) => db.query<T>(text, params),
    close: () => db.close(),
  };
}
