/**
 * The scenario file format: a dataset plus the rules, weights and locks of one what-if.
 * One schema serves the CLI (scenario files) and the HTTP API (request bodies).
 * Every field is optional but `name`; what is absent takes the seed's default (scenarios/defaults.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';

const NonNegative = Type.Number({ minimum: 0 });
const Share = Type.Number({ minimum: 0, maximum: 1 });
/**
 * The largest weight: a cost term 10,000 times a station's already makes a rule all but hard;
 * 1e308 overflowed every cost to Infinity (an objective of null reported "optimal").
 */
export const MAX_WEIGHT = 10_000;
const Weight = Type.Number({ minimum: 0, maximum: MAX_WEIGHT });

const FacilityRuleSchema = Type.Object(
  {
    threshold: Type.Optional(NonNegative),
    target: Type.Optional(Share),
    pooling: Type.Optional(Type.Union([Type.Literal('max'), Type.Literal('sum')])),
  },
  { additionalProperties: false },
);

export const RulesSchema = Type.Object(
  {
    households: Type.Optional(
      Type.Object({ min: Type.Optional(Type.Integer({ minimum: 0 })), max: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
    ),
    maxCommitteesPerStation: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    stations: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: LIMITS.name }), Type.Integer({ minimum: 1 }), {
      maxProperties: LIMITS.mapEntries,
      description: 'stations per street office, {"<street office>": N}; the key "*" is a total over all the street offices of the plan',
    })),
    minSharedBorderMeters: Type.Optional(NonNegative),
    snapToleranceMeters: Type.Optional(Type.Number({ minimum: 0, maximum: 50 })),
    enclaveLinkMeters: Type.Optional(NonNegative),
    party: Type.Optional(Type.Object(
      { branch: Type.Integer({ minimum: 1 }), generalBranch: Type.Integer({ minimum: 1 }), committee: Type.Integer({ minimum: 1 }) },
      { additionalProperties: false, description: 'full party members from which a station forms a branch, a general branch, a committee [3, 50, 100]' },
    )),
    staffing: Type.Optional(Type.Union([Type.Literal('members'), Type.Literal('shandong')], { description: 'staff per station: keep members\' staff, or share the total by the Shandong norm (1 per 300–400 households)' })),
    facilities: Type.Optional(
      Type.Object(
        { office: Type.Optional(FacilityRuleSchema), service: Type.Optional(FacilityRuleSchema), plaza: Type.Optional(FacilityRuleSchema) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const WeightsSchema = Type.Object(
  {
    station: Type.Optional(Weight),
    merge: Type.Optional(Weight),
    under: Type.Optional(Weight),
    over: Type.Optional(Weight),
    facility: Type.Optional(
      Type.Object(
        { office: Type.Optional(Weight), service: Type.Optional(Weight), plaza: Type.Optional(Weight) },
        { additionalProperties: false },
      ),
    ),
    compactness: Type.Optional(Weight),
    typeMix: Type.Optional(Weight),
    enclaveLink: Type.Optional(Weight),
  },
  { additionalProperties: false },
);

const Name = Type.String({ minLength: 1, maxLength: LIMITS.name });
const Names = Type.Array(Name, { minItems: 1, maxItems: LIMITS.committees });
const LockGroups = Type.Array(Type.Array(Name, { minItems: 2, maxItems: LIMITS.committees }), { maxItems: LIMITS.groups });

export const LocksSchema = Type.Object(
  {
    /** Each entry: committees (names or ids) that must be in different stations. */
    separate: Type.Optional(LockGroups),
    /** Each entry: committees that must share one station. */
    together: Type.Optional(LockGroups),
    /** Committees whose current station stays as it is. */
    keep: Type.Optional(Names),
  },
  { additionalProperties: false },
);

/** How to solve: a wall-clock limit and the LP engine (scenario files and API bodies alike). */
export const SolverOptionsSchema = Type.Object(
  {
    timeLimitMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
    officeTimeLimitMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
    engine: Type.Optional(Type.Union([Type.Literal('highs'), Type.Literal('jslp')])),
    alternatives: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.alternatives, description: 'the K best distinct plans in cost order (summary.alternatives, alternatives.json) [1: the plan only]' })),
    regret: Type.Optional(Type.Boolean({ description: 'the regret of each station and the price of each lock [false]' })),
  },
  { additionalProperties: false },
);

export const FieldMappingSchema = Type.Record(Type.String({ maxLength: LIMITS.name }), Type.String({ maxLength: LIMITS.name }), {
  maxProperties: LIMITS.mapEntries,
  description: 'canonical field → source property, e.g. {"households": "households2010"}',
});

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Paragraphs = Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.paragraph }), { minItems: 1, maxItems: LIMITS.paragraphs, description: 'paragraphs, in order' });

/** The 方案 document's settings (render/plan-document.ts PlanDocumentSettings; defaults there). */
export const DocumentSettingsSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
    district: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
    issuer: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
    date: Type.Optional(IsoDate),
    documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
    purpose: Type.Optional(Paragraphs),
    principles: Type.Optional(Paragraphs),
    safeguards: Type.Optional(Paragraphs),
    schedule: Type.Optional(Type.Array(
      Type.Object({ stage: Type.String({ minLength: 1, maxLength: LIMITS.name }), from: IsoDate, to: IsoDate, tasks: Type.Optional(Type.String({ maxLength: LIMITS.description })) }, { additionalProperties: false }),
      { minItems: 1, maxItems: LIMITS.paragraphs },
    )),
  },
  { additionalProperties: false },
);

export const ScenarioFileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
    description: Type.Optional(Type.String({ maxLength: LIMITS.description })),
    /** Path of the committees GeoJSON, relative to the scenario file (CLI only). */
    dataset: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    mapping: Type.Optional(FieldMappingSchema),
    crs: Type.Optional(Type.String({ maxLength: LIMITS.crs })),
    streetOffices: Type.Optional(Type.Array(Name, { maxItems: LIMITS.streetOffices, uniqueItems: true })),
    rules: Type.Optional(RulesSchema),
    weights: Type.Optional(WeightsSchema),
    locks: Type.Optional(LocksSchema),
    document: Type.Optional(DocumentSettingsSchema),
    solver: Type.Optional(SolverOptionsSchema),
  },
  { additionalProperties: false },
);

export type ScenarioFile = Static<typeof ScenarioFileSchema>;
export type RulesInput = Static<typeof RulesSchema>;
export type WeightsInput = Static<typeof WeightsSchema>;
export type LocksInput = Static<typeof LocksSchema>;
export type DocumentSettingsInput = Static<typeof DocumentSettingsSchema>;
