/**
 * Turns a scenario file (partial, user-written) into a complete Scenario, and resolves the
 * committee names of its locks against a dataset. Every problem is reported, each with the
 * JSON path of the field (`field`), never a stack trace.
 */
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { Committee, Problem } from '../geo/types.js';
import { DISTRICT_TOTAL_KEY, type Locks, type Scenario } from '../solver/types.js';
import { DEFAULT_LOCKS, DEFAULT_RULES, DEFAULT_SOLVER, DEFAULT_WEIGHTS } from './defaults.js';
import { ScenarioFileSchema, type ScenarioFile } from './schema.js';

export interface ScenarioReport {
  scenario?: Scenario;
  file?: ScenarioFile;
  problems: Problem[];
}

/** Deep merge of plain objects: `over` wins, arrays replace. Never mutates its inputs. */
function mergeDeep<T>(base: T, over: unknown): T {
  if (over === undefined) return structuredClone(base);
  if (base === null || typeof base !== 'object' || Array.isArray(base) || over === null || typeof over !== 'object' || Array.isArray(over)) {
    return structuredClone(over) as T;
  }
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    out[k] = Object.hasOwn(out, k) ? mergeDeep(out[k], v) : structuredClone(v);
  }
  return out as T;
}

/**
 * Checks a parsed scenario file against the schema and the rules' own logic and fills in the
 * defaults. `problems` lists every error with its field path; `scenario` is present only when
 * there is none.
 */
export function makeScenario(input: unknown): ScenarioReport {
  const problems: Problem[] = [];
  if (!Value.Check(ScenarioFileSchema, input)) {
    for (const e of Value.Errors(ScenarioFileSchema, input)) {
      const field = e.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
      const unknown = e.type === ValueErrorType.ObjectAdditionalProperties ? 'scenario-field-unknown' : 'scenario-field-invalid';
      problems.push({ code: unknown, severity: 'fatal', field, message: `${field}: ${e.message}` });
    }
    return { problems: dedupe(problems) };
  }
  const file = input;
  const rules = mergeDeep(DEFAULT_RULES, file.rules);
  const weights = mergeDeep(DEFAULT_WEIGHTS, file.weights);
  const solver = mergeDeep(DEFAULT_SOLVER, file.solver);
  const locks: Locks = {
    separate: file.locks?.separate ?? DEFAULT_LOCKS.separate,
    together: file.locks?.together ?? DEFAULT_LOCKS.together,
    keep: file.locks?.keep ?? DEFAULT_LOCKS.keep,
  };
  if (rules.households.min > rules.households.max) {
    problems.push({
      code: 'rules-band-inverted',
      severity: 'fatal',
      field: 'rules.households',
      message: `rules.households: min ${rules.households.min} is above max ${rules.households.max}`,
    });
  }
  const scenario: Scenario = { name: file.name, rules, weights, locks: structuredClone(locks), solver };
  if (file.streetOffices && file.streetOffices.length > 0) scenario.streetOffices = [...file.streetOffices];
  return problems.length > 0 ? { problems, file } : { scenario, file, problems };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}|${p.field}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Index of committees by id and by name. A name shared by committees of two street offices is
 * ambiguous and must be given by id.
 */
export interface CommitteeLookup {
  byId: Map<string, Committee>;
  byName: Map<string, Committee[]>;
}

export function makeCommitteeLookup(committees: readonly Committee[]): CommitteeLookup {
  const byId = new Map<string, Committee>();
  const byName = new Map<string, Committee[]>();
  for (const c of committees) {
    byId.set(c.id, c);
    const list = byName.get(c.name);
    if (list) list.push(c);
    else byName.set(c.name, [c]);
  }
  return { byId, byName };
}

/** Resolves one committee reference (id first, then unique name). */
export function resolveCommitteeRef(ref: string, lookup: CommitteeLookup): { committee?: Committee; error?: string } {
  const byId = lookup.byId.get(ref);
  if (byId) return { committee: byId };
  const named = lookup.byName.get(ref);
  if (!named || named.length === 0) return { error: `no committee has the id or name "${ref}"` };
  if (named.length > 1) {
    return { error: `the name "${ref}" is shared by committees ${named.map((c) => `${c.id} (${c.streetOffice})`).join(', ')}: use the id` };
  }
  return { committee: named[0]! };
}

/**
 * Replaces the committee names of a scenario's locks by ids. Unknown or ambiguous names are
 * problems with the lock's field path (e.g. `locks.together.0.1`).
 */
export function resolveLocks(scenario: Scenario, committees: readonly Committee[]): { scenario?: Scenario; problems: Problem[] } {
  // made only for a scenario with locks (a national dataset's lookup is a second or more)
  let lookup: ReturnType<typeof makeCommitteeLookup> | undefined;
  const problems: Problem[] = [];
  const mapList = (list: string[], path: string): string[] =>
    list.map((ref, i) => {
      const r = resolveCommitteeRef(ref, lookup ??= makeCommitteeLookup(committees));
      if (r.error) problems.push({ code: 'lock-unknown-committee', severity: 'fatal', field: `${path}.${i}`, message: `${path}.${i}: ${r.error}` });
      return r.committee?.id ?? ref;
    });
  const locks: Locks = {
    separate: scenario.locks.separate.map((g, i) => mapList(g, `locks.separate.${i}`)),
    together: scenario.locks.together.map((g, i) => mapList(g, `locks.together.${i}`)),
    keep: mapList(scenario.locks.keep, 'locks.keep'),
  };
  const offices = new Set(committees.map((c) => c.streetOffice));
  (scenario.streetOffices ?? []).forEach((s, i) => {
    if (!offices.has(s)) {
      problems.push({
        code: 'street-office-unknown',
        severity: 'fatal',
        field: `streetOffices.${i}`,
        message: `streetOffices.${i}: the dataset has no street office "${s}" (it has ${[...offices].slice(0, 12).join(', ')}${offices.size > 12 ? ', …' : ''})`,
      });
    }
  });
  // a count for a street office the data lacks (a typo) would be ignored without a word
  for (const office of Object.keys(scenario.rules.stations ?? {})) {
    if (office === DISTRICT_TOTAL_KEY || offices.has(office)) continue;
    problems.push({
      code: 'street-office-unknown',
      severity: 'fatal',
      field: `rules.stations.${office}`,
      message: `rules.stations.${office}: the dataset has no street office "${office}" (it has ${[...offices].slice(0, 12).join(', ')}${offices.size > 12 ? ', …' : ''})`,
    });
  }
  if (problems.length > 0) return { problems };
  return { scenario: { ...scenario, locks }, problems };
}
