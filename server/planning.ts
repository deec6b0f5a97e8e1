/**
 * The planning service behind the plan routes (no routes here): a stored dataset and scenario back
 * into the pipeline's inputs, the scope a plan covers and who may act on it, committee references
 * resolved with their field. (A stored plan becomes a PlanOutcome by solver/outcome.ts
 * `makeOutcome`, as a solved one does.)
 */
import type { Committee, Dataset, Problem } from '../geo/types.js';
import { makeCommitteeLookup, makeScenario, resolveCommitteeRef, resolveLocks } from '../scenarios/resolve.js';
import type { Scenario } from '../solver/types.js';
import type { Actor, PlanRecord, ScenarioRecord, StoreOps } from './store/types.js';
import { StoreError } from './store/types.js';
import { isInScope } from './workflow.js';

/** `locks.together.0.1` → `locks.together[0][1]`. */
export function formatFieldPath(path: string): string {
  return path.split('.').reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out === '' ? p : `${out}.${p}`), '');
}

/** 422 with the first problem's code and field; `details` lists every problem. */
export function makeProblemsError(problems: readonly Problem[], fallback: string): StoreError {
  const first = problems[0];
  const field = first?.field !== undefined ? formatFieldPath(first.field) : undefined;
  const details = problems.map((p) => ({ ...p, ...(p.field !== undefined ? { field: formatFieldPath(p.field) } : {}) }));
  return new StoreError(first?.code ?? fallback, 422, first?.message ?? fallback, field, details);
}

/** The dataset's committees (geometry from PostGIS) as the pipeline's Dataset; 404 `dataset-not-found`. */
export async function loadStoredDataset(store: StoreOps, datasetId: string): Promise<Dataset> {
  const [record, committees] = await Promise.all([store.getDataset(datasetId), store.getCommittees(datasetId)]);
  if (!record || !committees) throw new StoreError('dataset-not-found', 404, `no dataset "${datasetId}"`, 'datasetId');
  return { name: record.name, committees };
}

/** 404 `scenario-not-found` unless the scenario exists. */
export async function getScenarioOr404(store: StoreOps, id: string, field = 'id'): Promise<ScenarioRecord> {
  const record = await store.getScenario(id);
  if (!record) throw new StoreError('scenario-not-found', 404, `no scenario "${id}"`, field);
  return record;
}

/** 404 `plan-not-found` unless the plan exists. */
export async function getPlanOr404(store: StoreOps, id: string): Promise<PlanRecord> {
  const plan = await store.getPlan(id);
  if (!plan) throw new StoreError('plan-not-found', 404, `no plan "${id}"`, 'id');
  return plan;
}

/**
 * A scenario file body (as stored) checked and resolved against the committees: defaults filled,
 * lock names turned into ids, street offices checked. 422 with the field of the first problem.
 */
export function makeResolvedScenario(body: unknown, committees: readonly Committee[]): Scenario {
  const made = makeScenario(body);
  if (!made.scenario) throw makeProblemsError(made.problems, 'scenario-invalid');
  const resolved = resolveLocks(made.scenario, committees);
  if (!resolved.scenario) throw makeProblemsError(resolved.problems, 'scenario-invalid');
  return resolved.scenario;
}

/** Street offices of the committees, in order of first appearance. */
export function listStreetOffices(committees: readonly Committee[]): string[] {
  return [...new Set(committees.map((c) => c.streetOffice))];
}

/** The street offices a plan of this scenario covers: its `streetOffices`, else every one of the dataset. */
export function makeScope(scenario: Scenario, committees: readonly Committee[]): string[] {
  return scenario.streetOffices && scenario.streetOffices.length > 0 ? [...scenario.streetOffices] : listStreetOffices(committees);
}

/** 403 `out-of-scope`: a street-office token acts only on plans of its own street office. */
export function makeOutOfScopeError(scope: readonly string[], actor: Actor): StoreError {
  return new StoreError('out-of-scope', 403, `the plan covers ${scope.join(', ') || 'no street office'}, not only ${actor.streetOffice ?? '(none)'}`);
}

/** What a plan is made from: the stored dataset, the resolved scenario and the street offices it covers. */
export interface PlanningInputs {
  dataset: Dataset;
  scenario: Scenario;
  scope: string[];
}

export interface PlanningRequest {
  datasetId: string;
  /**
   * The stored scenario whose rules apply (a record already read, or its id: 404
   * `scenario-not-found`; 422 `scenario-dataset-mismatch` when it belongs to another dataset;
   * both on the field `scenarioId`); null: the default rules under `name`.
   */
  scenario: ScenarioRecord | string | null;
  /** The scenario's name when no stored scenario applies. */
  name: string;
  /** Street offices replacing the scenario's. */
  streetOffices?: readonly string[];
  /** A street-office token whose scenario names no street office plans its own. [false: every street office of the dataset] */
  ownOfficeByDefault?: boolean;
}

/**
 * The preamble of every route that makes a plan: dataset (404), scenario (404, 422), the scenario
 * resolved against the committees (422 with the field), its scope, and 403 `out-of-scope` unless
 * the actor may plan every street office of it.
 */
export async function loadPlanningInputs(store: StoreOps, actor: Actor, request: PlanningRequest): Promise<PlanningInputs> {
  const dataset = await loadStoredDataset(store, request.datasetId);
  let body: Record<string, unknown> = { name: request.name };
  if (request.scenario !== null) {
    const record = typeof request.scenario === 'string'
      ? await getScenarioOr404(store, request.scenario, 'scenarioId')
      : request.scenario;
    if (record.datasetId !== request.datasetId) {
      throw new StoreError('scenario-dataset-mismatch', 422, `scenario ${record.id} belongs to another dataset`, 'scenarioId');
    }
    body = { ...record.body };
  }
  const offices = request.streetOffices
    ?? (body.streetOffices == null && request.ownOfficeByDefault && actor.role === 'street-office' ? [actor.streetOffice!] : undefined);
  if (offices !== undefined) body.streetOffices = [...offices];
  const scenario = makeResolvedScenario(body, dataset.committees);
  const scope = makeScope(scenario, dataset.committees);
  if (!isInScope(scope, actor)) throw makeOutOfScopeError(scope, actor);
  return { dataset, scenario, scope };
}

/**
 * Committee references (names or ids) to ids; 422 `plan-committee-unknown` with `stations[i][j]`
 * for the first that does not resolve (details: all of them).
 */
export function resolveStationRefs(stations: readonly (readonly string[])[], committees: readonly Committee[]): string[][] {
  const lookup = makeCommitteeLookup(committees);
  const problems: { field: string; message: string }[] = [];
  const ids = stations.map((group, i) =>
    group.flatMap((ref, j) => {
      const r = resolveCommitteeRef(ref, lookup);
      if (r.committee) return [r.committee.id];
      problems.push({ field: `stations[${i}][${j}]`, message: `stations[${i}][${j}]: ${r.error}` });
      return [];
    }));
  if (problems.length > 0) {
    throw new StoreError('plan-committee-unknown', 422, problems[0]!.message, problems[0]!.field, problems);
  }
  return ids;
}

/** The plan record without its groups, as the API shows it. */
export function makePlanBody(plan: PlanRecord): Omit<PlanRecord, 'groups'> {
  const { groups: _groups, ...rest } = plan;
  return rest;
}
