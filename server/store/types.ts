/**
 * Types of the storage layer: the records the database holds and the Store interface that both
 * engines (PGlite+PostGIS embedded, PostgreSQL+PostGIS through `pg`) implement.
 * Timestamps are ISO 8601 strings; ids are random UUIDs as text.
 */
import type { Committee } from '../../geo/types.js';
import type { PlanSummary } from '../../solver/types.js';

/** One page of a list, keyset-paged on (created_at, id) (server/store/paging.ts). */
export interface PageRequest {
  /** Rows per page (the caller bounds it). */
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page; null on the last one. */
  nextCursor: string | null;
  /** Rows matching the filter, over all pages. */
  total: number;
}

/** Roles a bearer token is bound to. */
export type Role =
  | 'street-office' | 'district-planner' | 'organisation' | 'civil-affairs'
  | 'establishment' | 'district-government' | 'city-civil-affairs' | 'admin';
export const ROLES: readonly Role[] = [
  'street-office', 'district-planner', 'organisation', 'civil-affairs',
  'establishment', 'district-government', 'city-civil-affairs', 'admin',
];

/** Approval states of a plan (DOMAIN.md rule 9). `rejected` behaves as a draft: editable, submittable. */
export type PlanState = 'draft' | 'submitted' | 'approved' | 'rejected' | 'filed';
export const PLAN_STATES: readonly PlanState[] = ['draft', 'submitted', 'approved', 'rejected', 'filed'];

/** Workflow actions. */
/** `concur`: a street office agrees to a district plan (several street offices) before the district planner submits it. */
export type WorkflowAction = 'concur' | 'submit' | 'opinion' | 'approve' | 'reject' | 'file';
export const WORKFLOW_ACTIONS: readonly WorkflowAction[] = ['concur', 'submit', 'opinion', 'approve', 'reject', 'file'];

/** Reviewer roles whose opinions the district government waits for. */
export type ReviewerRole = 'organisation' | 'civil-affairs' | 'establishment';
export const REVIEWER_ROLES: readonly ReviewerRole[] = ['organisation', 'civil-affairs', 'establishment'];

export type PlanKind = 'solved' | 'hand';
export const PLAN_KINDS: readonly PlanKind[] = ['solved', 'hand'];
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'failed'];

/** Who acts: resolved from a bearer token. `tokenId` is null for the system itself. */
export interface Actor {
  tokenId: string | null;
  role: Role;
  /** The street office of a `street-office` token; null for every other role. */
  streetOffice: string | null;
}

/** A refusal with a stable `code`, the HTTP status it maps to and the field it is about. */
export class StoreError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  readonly details: unknown;
  constructor(code: string, status: number, message: string, field?: string, details?: unknown) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.status = status;
    this.field = field;
    this.details = details;
  }
}

export interface DatasetInput {
  name: string;
  /** Committees after ingest (geo/): geometry is a MultiPolygon in WGS84. */
  committees: readonly Committee[];
  /** Free metadata (source, calibration notes …). */
  meta?: Record<string, unknown>;
}

export interface DatasetRecord {
  id: string;
  name: string;
  meta: Record<string, unknown>;
  committeeCount: number;
  /** Distinct street offices, sorted. */
  streetOffices: string[];
  createdAt: string;
}

export interface GeoJSONFeature {
  type: 'Feature';
  id?: string | number;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown> | null;
}
export interface GeoJSONFeatureCollection {
  type: 'FeatureCollection';
  features: GeoJSONFeature[];
}

export interface ScenarioInput {
  datasetId?: string | null;
  name: string;
  /** The scenario file (scenarios/schema.ts) as given: street offices and locks unresolved. */
  body: Record<string, unknown>;
}
export interface ScenarioRecord {
  id: string;
  datasetId: string | null;
  name: string;
  body: Record<string, unknown>;
  createdAt: string;
}

export interface PlanInput {
  datasetId: string;
  scenarioId?: string | null;
  kind: PlanKind;
  name?: string | null;
  /** Street offices the plan covers. A `street-office` token acts only when all are its own. */
  scope: readonly string[];
  /** The plan's summary.json; `checks.violations` with severity `fatal` block submission. */
  summary: PlanSummary;
  /** Merge groups (committee ids per station). */
  groups: string[][];
}

export interface PlanRecord {
  id: string;
  datasetId: string;
  scenarioId: string | null;
  kind: PlanKind;
  name: string | null;
  scope: string[];
  summary: PlanSummary;
  groups: string[][];
  state: PlanState;
  /** Rises with every action and every edit; callers send the version they saw. */
  version: number;
  /** 1 for an original plan, parent's revision + 1 for a revision. */
  revision: number;
  /** Review round: rises with every submission; opinions belong to one round. */
  round: number;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  planId: string;
  /** 1, 2, 3 … per plan. */
  seq: number;
  at: string;
  actorTokenId: string | null;
  /** Role of the actor (`system` when none). */
  role: string;
  /** Street office of the actor's token (street-office tokens), else null: whose concurrence a `concur` is. */
  streetOffice: string | null;
  /** A workflow action, or `create`, `edit`, `revise` (the new revision's first entry). */
  action: string;
  fromState: PlanState | null;
  toState: PlanState;
  opinion: string | null;
  agree: boolean | null;
  /** Plan version after the action. */
  version: number;
}

export interface OpinionRecord {
  planId: string;
  round: number;
  role: ReviewerRole;
  agree: boolean;
  text: string;
  actorTokenId: string | null;
  at: string;
}

export interface TokenRecord {
  id: string;
  role: Role;
  streetOffice: string | null;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** When the token stops working; null: never. */
  expiresAt: string | null;
}

export interface JobRecord {
  id: string;
  status: JobStatus;
  planId: string | null;
  error: string | null;
  params: unknown;
  createdAt: string;
  updatedAt: string;
}

/** A request to move a plan through the approval procedure. */
export interface TransitionRequest {
  action: WorkflowAction;
  /** The plan version the caller saw; a different current version is a conflict. */
  version: number;
  /** Opinion text: required for `opinion` and `reject`, optional otherwise. */
  opinion?: string | null;
  /** Required for `opinion`. */
  agree?: boolean | null;
  actor: Actor;
}

export interface TransitionResult {
  plan: PlanRecord;
  entry: HistoryEntry;
}

export interface PlanEdit {
  /** The plan version the caller saw. */
  version: number;
  summary?: PlanSummary;
  groups?: string[][];
  name?: string | null;
  actor: Actor;
}

export interface DatasetOps {
  createDataset(input: DatasetInput): Promise<DatasetRecord>;
  getDataset(id: string): Promise<DatasetRecord | null>;
  listDatasets(): Promise<DatasetRecord[]>;
  /** One page of the datasets, oldest first (keyset on created_at, id). */
  pageDatasets(page: PageRequest): Promise<Page<DatasetRecord>>;
  /** Every street office name of every stored dataset, sorted. */
  listStreetOfficeNames(): Promise<string[]>;
  /** Committees in dataset order; geometry read back from PostGIS (ST_AsGeoJSON). Null: no such dataset. */
  getCommittees(datasetId: string): Promise<Committee[] | null>;
  /** FeatureCollection built in SQL from the stored geometry; optionally one street office. Null: no such dataset. */
  getCommitteesGeoJSON(datasetId: string, options?: { streetOffice?: string }): Promise<GeoJSONFeatureCollection | null>;
}

export interface ScenarioOps {
  createScenario(input: ScenarioInput): Promise<ScenarioRecord>;
  getScenario(id: string): Promise<ScenarioRecord | null>;
  listScenarios(options?: { datasetId?: string }): Promise<ScenarioRecord[]>;
  pageScenarios(options: { datasetId?: string }, page: PageRequest): Promise<Page<ScenarioRecord>>;
}

export interface PlanOps {
  /** New plan in `draft`, version 1, revision 1; history gets a `create` entry. */
  createPlan(input: PlanInput, actor?: Actor | null): Promise<PlanRecord>;
  getPlan(id: string): Promise<PlanRecord | null>;
  listPlans(options?: { datasetId?: string; state?: PlanState; streetOffice?: string }): Promise<PlanRecord[]>;
  pagePlans(options: { datasetId?: string; state?: PlanState; streetOffice?: string }, page: PageRequest): Promise<Page<PlanRecord>>;
  /** Change a draft (or rejected) plan in place; version checked and raised; `plan-frozen` otherwise. */
  updatePlan(id: string, edit: PlanEdit): Promise<PlanRecord>;
  /** New plan row (parent = id, revision + 1, state draft) with the parent's content changed by `edit`. */
  revisePlan(id: string, edit: PlanEdit): Promise<PlanRecord>;
  /** One approval step in one transaction: lock, check (workflow.ts), update, append history. Throws StoreError. */
  transitionPlan(id: string, request: TransitionRequest): Promise<TransitionResult>;
  getPlanHistory(id: string): Promise<HistoryEntry[]>;
  /** One page of the plan's history, in step order (keyset on seq); total: every entry of the plan. */
  pagePlanHistory(id: string, page: PageRequest): Promise<Page<HistoryEntry>>;
  /** Opinions of one round (default: the plan's current round). */
  getOpinions(planId: string, options?: { round?: number }): Promise<OpinionRecord[]>;
}

export interface TokenOps {
  createToken(input: { hash: string; role: Role; streetOffice?: string | null; label?: string | null; expiresAt?: string | null }): Promise<TokenRecord>;
  /** The token with this hash, revoked and expired ones too (auth tells them apart). */
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string): Promise<boolean>;
}

export interface JobOps {
  createJob(input?: { params?: unknown }): Promise<JobRecord>;
  getJob(id: string): Promise<JobRecord | null>;
  updateJob(id: string, patch: { status?: JobStatus; planId?: string | null; error?: string | null }): Promise<JobRecord>;
}

/** Every operation of the store; inside `transaction` they run on the transaction's connection. */
export interface StoreOps extends DatasetOps, ScenarioOps, PlanOps, TokenOps, JobOps {}

export interface Store extends StoreOps {
  readonly engine: 'pglite' | 'pg';
  /** Run `fn` in one transaction (commit on return, roll back on throw). Transactions serialize on PGlite. */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  /** Raw query (reads, tests, diagnostics). Writes belong in `transaction`. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Loads what the engine deferred at open (the embedded engine's PostGIS library), so that the
   * first request that needs it does not wait; resolves when done. Queries work without it.
   */
  loadDeferred(): Promise<void>;
  close(): Promise<void>;
}
