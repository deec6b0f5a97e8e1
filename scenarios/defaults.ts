import { SOLVER_DEFAULTS } from '../solver/defaults.js';
import type { Locks, Rules, Scenario, SolverOptions, Weights } from '../solver/types.js';
import type { PlanDocumentSettings } from '../render/plan-document.js';
import type { DocumentSettingsInput } from './schema.js';

/** The seed's rules (DOMAIN.md; seed 004 for Luohu 2006). */
export const DEFAULT_RULES: Rules = {
  households: { min: 6000, max: 10000 },
  maxCommitteesPerStation: 3,
  minSharedBorderMeters: 20,
  snapToleranceMeters: 2,
  enclaveLinkMeters: 1000,
  facilities: {
    office: { threshold: 200, target: 1.0, pooling: 'max' },
    service: { threshold: 900, target: 0.5, pooling: 'sum' },
    plaza: { threshold: 1000, target: 0.5, pooling: 'sum' },
  },
};

/** Weights of the objective; README "The objective" explains each. */
export const DEFAULT_WEIGHTS: Weights = {
  station: 1,
  merge: 1.1,
  under: 2,
  over: 2,
  facility: { office: 0.3, service: 0.15, plaza: 0.15 },
  compactness: 0.1,
  typeMix: 0.05,
  enclaveLink: 0.2,
};

export const DEFAULT_LOCKS: Locks = { separate: [], together: [], keep: [] };

export const DEFAULT_SOLVER: SolverOptions = { timeLimitMs: SOLVER_DEFAULTS.timeLimitMs, engine: SOLVER_DEFAULTS.engine };

export function makeDefaultScenario(name: string): Scenario {
  return structuredClone({ name, rules: DEFAULT_RULES, weights: DEFAULT_WEIGHTS, locks: DEFAULT_LOCKS, solver: DEFAULT_SOLVER });
}

/**
 * The 方案's settings of a scenario file: its `document` block as given (render/plan-document.ts
 * fills in what is absent: title "<dataset name>社区工作站整合方案", the seed's texts in our words,
 * a timetable from the document's date).
 */
export function makeDocumentSettings(file: { document?: DocumentSettingsInput } | null | undefined): PlanDocumentSettings {
  return structuredClone(file?.document ?? {});
}

/**
 * The title of a plan's texts (plan.zh.md, the API's /text, map.svg): the scenario's
 * `document.title`, else "<dataset name>社区工作站整合方案" (the same default as plan.docx in
 * render/plan-document.ts), never the scenario id.
 */
export function makePlanTitle(file: { document?: DocumentSettingsInput } | null | undefined, datasetName: string): string {
  return file?.document?.title ?? `${datasetName}社区工作站整合方案`;
}
