/**
 * What the plan routes share: a stored dataset and scenario back into the pipeline's inputs
 * and committee references resolved with their field. (A stored plan becomes a PlanOutcome by
 * solver/outcome.ts `makeOutcome`, as a solved one does.)
 */
import type { Committee, Dataset, Problem } from '../../geo/types.js';
import { makeCommitteeLookup, makeScenario, resolveCommitteeRef, resolveLocks } from '../../scenarios/resolve.js';
import type { Scenario } from '../../solver/types.js';
import type { PlanRecord, ScenarioRecord, StoreOps } from '../store/types.js';
import { StoreError } from '../store/types.js';

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
