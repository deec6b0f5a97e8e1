/**
 * TypeBox schemas of every request body, parameter, querystring and response of the HTTP API; the
 * routes infer their types from them (@fastify/type-provider-typebox). Bodies are
 * `additionalProperties: false` (a misspelt field is a 422, never silently dropped), except the
 * uploaded GeoJSON, whose foreign members (`name`, `bbox`, legacy `crs`) are legal GeoJSON.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { LIMITS } from '../scenarios/limits.js';
import { DocumentSettingsSchema, LocksSchema, RulesSchema, SolverOptionsSchema, WeightsSchema } from '../scenarios/schema.js';
import { JOB_STATUSES, PLAN_KINDS, PLAN_STATES, ROLES, WORKFLOW_ACTIONS } from './store/types.js';

const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});

/** Any JSON value, serialised as it is. */
const AnyJson = Type.Unknown();
/** An object passed through as it is (summary.json and other documents). */
const Document = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const ErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'stable error code, e.g. unauthenticated, out-of-scope, stale-version' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the field (or parameter) that is wrong' })),
    details: Type.Optional(AnyJson),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorSchema>;

/** Responses shared by every /api route: its own plus the error shapes. */
export function withErrors<T extends Record<number, TSchema>>(ok: T): T & { '4xx': typeof ErrorSchema; '5xx': typeof ErrorSchema } {
  return { ...ok, '4xx': ErrorSchema, '5xx': ErrorSchema };
}

export { LIMITS };
const Id = (description?: string) => Type.String({ minLength: 1, maxLength: LIMITS.id, ...(description ? { description } : {}) });
const Name = (description?: string) => Type.String({ minLength: 1, maxLength: LIMITS.name, ...(description ? { description } : {}) });
/** Street office names: each once, at most LIMITS.streetOffices. */
const StreetOffices = (description?: string) =>
  Type.Array(Name(), { maxItems: LIMITS.streetOffices, uniqueItems: true, ...(description ? { description } : {}) });

export const IdParams = Type.Object({ id: Id() });
export const CompareParams = Type.Object({ id: Id(), otherId: Id() });

/** Paging of every list: `limit` (a decimal string: query strings are not coerced) and the opaque `cursor` of the previous page. */
export const PageQueryProperties = {
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: `page size, 1–${LIMITS.pageMax} [${LIMITS.pageDefault}]` })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.cursor, description: 'the nextCursor of the previous page' })),
};
export const PageQuery = Type.Object(PageQueryProperties, { additionalProperties: false });
const PageFields = {
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null on the last page' }),
  total: Type.Integer({ description: 'how many items match the filter, over all pages' }),
};

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'), engine: Type.String(),
  store: Type.Union([Type.Literal('ok'), Type.Literal('busy')], { description: 'ok: a query answered; busy: it waits behind other work (not broken)' }),
  uptimeS: Type.Number(),
}, { additionalProperties: false });

// ---------------------------------------------------------------- datasets

export const ProblemSchema = Type.Object(
  {
    code: Type.String(),
    severity: literals(['fatal', 'warning']),
    message: Type.String(),
    feature: Type.Optional(Type.Integer()),
    id: Type.Optional(Type.String()),
    field: Type.Optional(Type.String()),
    other: Type.Optional(Type.Object({ feature: Type.Integer(), id: Type.Optional(Type.String()) })),
  },
  { additionalProperties: false },
);
export const ReportSchema = Type.Object(
  { ok: Type.Boolean(), fatal: Type.Integer(), warnings: Type.Integer(), problems: Type.Array(ProblemSchema) },
  { additionalProperties: false },
);

export const DatasetUploadQuery = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name, description: 'dataset name [the collection\'s `name` member, else "dataset"]' })),
    mapping: Type.Optional(Type.String({ maxLength: LIMITS.mappingText, description: 'field mapping as JSON: canonical field → source property, e.g. {"households":"hh2010"}' })),
    crs: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.crs, description: 'CRS of the coordinates, e.g. EPSG:4547 [the file\'s, else lon/lat]' })),
  },
  { additionalProperties: false },
);

export const FeatureCollectionBody = Type.Object(
  {
    type: Type.String({ description: 'FeatureCollection' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name, description: 'the dataset name [?name= wins]' })),
    features: Type.Array(AnyJson),
  },
  { additionalProperties: true, description: 'a GeoJSON FeatureCollection of committees (application/json or application/geo+json)' },
);

export const DatasetSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    committeeCount: Type.Integer(),
    streetOffices: Type.Array(Type.String()),
    meta: Document('free metadata'),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);
export const DatasetCreatedSchema = Type.Object(
  { ...DatasetSchema.properties, report: ReportSchema },
  { additionalProperties: false },
);
export const DatasetListSchema = Type.Object({ datasets: Type.Array(DatasetSchema), ...PageFields }, { additionalProperties: false });

export const GeoJsonSchema = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(AnyJson) },
  { additionalProperties: true, description: 'RFC 7946 FeatureCollection (application/geo+json)' },
);

export const StreetOfficeQuery = Type.Object(
  { streetOffice: Type.Optional(Name()) },
  { additionalProperties: false },
);

// ---------------------------------------------------------------- scenarios

/** The scenario file's fields (scenarios/schema.ts) that make sense over a stored dataset, plus `datasetId`. */
export const ScenarioBody = Type.Object(
  {
    datasetId: Id(),
    name: Name(),
    description: Type.Optional(Type.String({ maxLength: LIMITS.description })),
    streetOffices: Type.Optional(StreetOffices()),
    rules: Type.Optional(RulesSchema),
    weights: Type.Optional(WeightsSchema),
    locks: Type.Optional(LocksSchema),
    solver: Type.Optional(SolverOptionsSchema),
    document: Type.Optional(DocumentSettingsSchema),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    id: Type.String(),
    datasetId: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    body: Document('the scenario file as stored (street offices and locks as given)'),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);
export const ScenarioListSchema = Type.Object({ scenarios: Type.Array(ScenarioSchema), ...PageFields }, { additionalProperties: false });
export const DatasetFilterQuery = Type.Object({ datasetId: Type.Optional(Id()), ...PageQueryProperties }, { additionalProperties: false });

// ---------------------------------------------------------------- plans and jobs

export const JobSchema = Type.Object(
  {
    id: Type.String(),
    status: literals(JOB_STATUSES),
    planId: Type.Union([Type.String(), Type.Null()]),
    error: Type.Union([ErrorSchema, Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { additionalProperties: false },
);
export type JobBody = Static<typeof JobSchema>;
export const JobAcceptedSchema = Type.Object({ job: Type.Object({ id: Type.String(), status: literals(JOB_STATUSES) }, { additionalProperties: false }) }, { additionalProperties: false });

export const SummarySchema = Document('summary.json: the contract of DESIGN.md (scenario, stationsBefore/After, solver, streetOffices, checks)');

export const PlanSchema = Type.Object(
  {
    id: Type.String(),
    datasetId: Type.String(),
    scenarioId: Type.Union([Type.String(), Type.Null()]),
    kind: literals(PLAN_KINDS),
    name: Type.Union([Type.String(), Type.Null()]),
    scope: Type.Array(Type.String()),
    state: literals(PLAN_STATES),
    version: Type.Integer(),
    revision: Type.Integer(),
    round: Type.Integer(),
    parentId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    summary: SummarySchema,
  },
  { additionalProperties: false },
);
export const PlanCreatedSchema = Type.Object(
  { id: Type.String(), state: literals(PLAN_STATES), version: Type.Integer(), summary: SummarySchema },
  { additionalProperties: false },
);
export const PlanListQuery = Type.Object(
  {
    datasetId: Type.Optional(Id()),
    state: Type.Optional(literals(PLAN_STATES)),
    streetOffice: Type.Optional(Name()),
    ...PageQueryProperties,
  },
  { additionalProperties: false },
);
export const PlanListSchema = Type.Object({ plans: Type.Array(PlanSchema), ...PageFields }, { additionalProperties: false });

const StationsRefs = Type.Array(
  Type.Array(Name(), { minItems: 1, maxItems: LIMITS.committees }),
  { maxItems: LIMITS.groups, description: 'one entry per station: its committees by name or id; committees not named keep their current station' },
);

export const HandPlanBody = Type.Object(
  {
    name: Type.Optional(Name()),
    scenarioId: Type.Optional(Id('rules to check against [the default rules]')),
    streetOffices: Type.Optional(StreetOffices('scope [the scenario\'s; a street-office token: its own]')),
    stations: StationsRefs,
    staff: Type.Optional(Type.Array(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()]), {
      maxItems: LIMITS.groups, description: 'workers the street office assigns to each station of `stations` (null: the staffing rule\'s); the total must stay as it is',
    })),
  },
  { additionalProperties: false },
);

export const RevisionBody = Type.Object(
  {
    version: Type.Optional(Type.Integer({ description: 'the plan version you saw (or send If-Match)' })),
    name: Type.Optional(Name()),
    stations: StationsRefs,
  },
  { additionalProperties: false },
);

export const ActionBody = Type.Object(
  {
    action: literals(WORKFLOW_ACTIONS),
    opinion: Type.Optional(Type.String({ maxLength: LIMITS.opinion })),
    agree: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.Integer({ description: 'the plan version you saw (or send If-Match)' })),
  },
  { additionalProperties: false },
);

export const HistoryEntrySchema = Type.Object(
  {
    planId: Type.String(),
    seq: Type.Integer(),
    at: Type.String(),
    actorTokenId: Type.Union([Type.String(), Type.Null()]),
    role: Type.String(),
    streetOffice: Type.Union([Type.String(), Type.Null()], { description: 'the street office of the actor\'s token: whose concurrence a concur is' }),
    action: Type.String(),
    fromState: Type.Union([literals(PLAN_STATES), Type.Null()]),
    toState: literals(PLAN_STATES),
    opinion: Type.Union([Type.String(), Type.Null()]),
    agree: Type.Union([Type.Boolean(), Type.Null()]),
    version: Type.Integer(),
  },
  { additionalProperties: false },
);
export const ActionResultSchema = Type.Object(
  { plan: PlanSchema, entry: HistoryEntrySchema },
  { additionalProperties: false },
);
export const HistorySchema = Type.Object(
  {
    planId: Type.String(),
    entries: Type.Array(HistoryEntrySchema, { description: 'one page of the steps, in order (?limit=&cursor=)' }),
    opinions: Type.Array(Type.Object({
      round: Type.Integer(), role: Type.String(), agree: Type.Boolean(), text: Type.String(),
      actorTokenId: Type.Union([Type.String(), Type.Null()]), at: Type.String(),
    }, { additionalProperties: false }), { description: 'the opinions of every round (at most three a round), on every page' }),
    ...PageFields,
  },
  { additionalProperties: false },
);

export const TextQuery = Type.Object({ lang: Type.Optional(literals(['zh', 'en'])) }, { additionalProperties: false });

export const CompareSchema = Type.Object(
  {
    plan: Type.String(),
    other: Type.String(),
    datasetId: Type.String(),
    changed: Type.Array(Type.Object({
      committeeId: Type.String(),
      name: Type.String(),
      streetOffice: Type.String(),
      from: Type.Union([Type.Object({ station: Type.String(), committees: Type.Array(Type.String()) }), Type.Null()]),
      to: Type.Union([Type.Object({ station: Type.String(), committees: Type.Array(Type.String()) }), Type.Null()]),
    }, { additionalProperties: false })),
    streetOffices: Type.Array(Type.Object({
      name: Type.String(),
      stationsBefore: Type.Integer(),
      plan: Type.Union([Type.Integer(), Type.Null()]),
      other: Type.Union([Type.Integer(), Type.Null()]),
    }, { additionalProperties: false })),
    checks: Type.Object({ plan: Document('checks of the plan'), other: Document('checks of the other plan') }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------- tokens

export const TokenBody = Type.Object(
  {
    role: literals(ROLES),
    streetOffice: Type.Optional(Name()),
    label: Type.Optional(Type.String({ maxLength: LIMITS.label })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.expiresInDaysMax, description: 'the token stops working after this many days [never]' })),
    force: Type.Optional(Type.Boolean({ description: 'make a street-office token even for a street office no stored dataset has' })),
  },
  { additionalProperties: false },
);
export const TokenCreatedSchema = Type.Object(
  {
    id: Type.String(),
    token: Type.String({ description: 'shown once; the server keeps only its sha-256' }),
    role: literals(ROLES),
    streetOffice: Type.Union([Type.String(), Type.Null()]),
    label: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
/** A token as listed: never the token itself (nor its hash). */
export const TokenInfoSchema = Type.Object(
  {
    id: Type.String(),
    role: literals(ROLES),
    streetOffice: Type.Union([Type.String(), Type.Null()]),
    label: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export const TokenListSchema = Type.Object({ tokens: Type.Array(TokenInfoSchema) }, { additionalProperties: false });
