/**
 * The answers a planner asks next, for one street office (issue 10): its K best distinct plans,
 * the regret of each station, the price of each lock and the optimum per station count (what a
 * district total allocates). Built on the solver's public entry points only: the candidate list
 * (`enumerateCandidates`), the partition solver (`solvePartition`), `solveStreetOffice` and the
 * independent checker (`verifyPartition`), which checks every plan given out here.
 *
 * K best: Lawler's partition of the plan space. Once the r-th best plan P = {S1..Sm} is known
 * (some stations forced in, some forbidden by its subspace), the rest of its subspace splits into
 * m disjoint parts: S1..S(i−1) forced in and Si forbidden. Each part's optimum is one solve over
 * the candidate list with the forbidden candidates dropped and the forced ones alone on their
 * rows; the (r+1)-th best plan is the least of all open parts. Plans are distinct by
 * construction (the parts are disjoint), and each is proven only when every solve was optimal.
 */
import { enumerateCandidates } from './candidates.js';
import { solvePartition } from './partition.js';
import { solveStreetOffice, type Engines, type SolveStreetOfficeOptions } from './solve.js';
import { SOLVER_DEFAULTS } from './defaults.js';
import type { PartitionEngine } from './engines/types.js';
import { DISTRICT_TOTAL_KEY, type AnswerValue, type Candidate, type LockRef, type OfficeAnswers, type Problem, type RankedPlan, type Scenario, type SolveResult } from './types.js';
import { calcUnits } from './units.js';
import { verifyPartition } from './verify.js';

/** What a scenario asks of one street office beyond its plan (null: nothing). */
export interface AnswerRequest {
  alternatives: number;
  regret: boolean;
  /** The optimum per station count: the scenario has a district total and this office no count of its own. */
  byCount: boolean;
}

/** What `scenario` asks of `office` beyond its plan, or null. */
export function readAnswerRequest(scenario: Scenario, office: string): AnswerRequest | null {
  const stations = scenario.rules.stations;
  const total = stations !== undefined && Object.hasOwn(stations, DISTRICT_TOTAL_KEY);
  // under a district total the alternatives are not ranked (solver/district-answers.ts says so)
  const alternatives = total ? 0 : Math.max(0, Math.floor(scenario.solver?.alternatives ?? 0));
  const regret = scenario.solver?.regret === true;
  const byCount = total && !Object.hasOwn(stations, office);
  return alternatives > 1 || regret || byCount ? { alternatives, regret, byCount } : null;
}

const keyOf = (members: readonly number[]): string => members.join(',');
const sortGroups = (groups: number[][]): number[][] => groups.sort((a, b) => a[0]! - b[0]!);

/** The candidate list of an office, complete, with the engine that solves over it. */
interface OfficeModel {
  problem: Problem;
  n: number;
  candidates: Candidate[];
  engine: PartitionEngine;
}

type Restricted =
  | { status: 'optimal'; plan: RankedPlan }
  | { status: 'infeasible' }
  | { status: 'unknown'; reason: string };

interface Restriction {
  /** Stations (committee sets) that must be in the plan. */
  force?: readonly (readonly number[])[];
  /** Stations (keys: members joined by commas) that must not be. */
  forbid?: ReadonlySet<string>;
  /** Exactly this many stations. */
  count?: number;
}

/**
 * The optimum of the office under forced and forbidden stations (and a count): one partition
 * solve over the filtered candidate list, its plan checked by the independent checker.
 */
function solveRestricted(model: OfficeModel, restriction: Restriction, deadline: number): Restricted {
  if (Date.now() >= deadline) return { status: 'unknown', reason: 'the time limit was reached first' };
  const forcedRows = new Uint8Array(model.n);
  const forcedKeys = new Set<string>();
  for (const g of restriction.force ?? []) { forcedKeys.add(keyOf(g)); for (const r of g) forcedRows[r] = 1; }
  const forbid = restriction.forbid ?? new Set<string>();
  const list = model.candidates.filter((c) => {
    const k = keyOf(c.members);
    if (forbid.has(k)) return false;
    return forcedKeys.has(k) || !c.members.some((r) => forcedRows[r] === 1);
  });
  const out = solvePartition(model.n, list, model.engine, { deadline, ...(restriction.count !== undefined ? { count: restriction.count } : {}) });
  if (out.status === 'infeasible') return { status: 'infeasible' };
  if (out.status !== 'optimal') {
    const late = out.status !== 'error' || Date.now() >= deadline - SOLVER_DEFAULTS.engineReserveMs;
    return { status: 'unknown', reason: late ? 'the time limit was reached first' : `the engine failed (${out.messages.join('; ') || 'no plan'})` };
  }
  const groups = sortGroups(out.chosen.map((ci) => list[ci]!.members.slice()));
  const violations = verifyPartition(model.problem, groups);
  const keys = new Set(groups.map(keyOf));
  if ([...forcedKeys].some((k) => !keys.has(k)) || [...keys].some((k) => forbid.has(k))) violations.push('the plan breaks a forced or forbidden station');
  if (restriction.count !== undefined && groups.length !== restriction.count) violations.push(`the plan has ${groups.length} stations, not ${restriction.count}`);
  if (violations.length > 0) return { status: 'unknown', reason: `the plan failed the check: ${violations.join('; ')}` };
  return { status: 'optimal', plan: { groups, objective: out.objective } };
}

/**
 * The K best distinct plans of the office in cost order, the first `best` (Lawler; module
 * comment). Stops at the deadline with those proven so far.
 */
export function rankPlans(model: OfficeModel, best: RankedPlan, k: number, deadline: number, count?: number): NonNullable<OfficeAnswers['alternatives']> {
  interface Node { plan: RankedPlan; force: number[][]; forbid: string[] }
  const plans: RankedPlan[] = [best];
  const open: Node[] = [];
  let current: Node = { plan: best, force: [], forbid: [] };
  while (plans.length < k) {
    const forced = new Set(current.force.map(keyOf));
    const free = current.plan.groups.filter((g) => !forced.has(keyOf(g)));
    for (let i = 0; i < free.length; i++) {
      const force = [...current.force, ...free.slice(0, i)];
      const forbid = [...current.forbid, keyOf(free[i]!)];
      const r = solveRestricted(model, { force, forbid: new Set(forbid), ...(count !== undefined ? { count } : {}) }, deadline);
      if (r.status === 'unknown') return { plans, exhausted: false, reason: `after ${plans.length} plan(s): ${r.reason}` };
      if (r.status === 'optimal') open.push({ plan: r.plan, force, forbid });
    }
    if (open.length === 0) return { plans, exhausted: true };
    let at = 0;
    for (let j = 1; j < open.length; j++) if (open[j]!.plan.objective < open[at]!.plan.objective) at = j;
    current = open.splice(at, 1)[0]!;
    plans.push(current.plan);
  }
  return { plans, exhausted: false };
}

/** A copy of the scenario without one lock. */
function withoutLock(scenario: Scenario, lock: LockRef): Scenario {
  const locks = { ...scenario.locks, [lock.kind]: scenario.locks[lock.kind].filter((_, i) => i !== lock.index) };
  return { ...scenario, locks };
}

/** The locks that name a committee of the office (a separate lock: two of them; only those can bind here). */
function listOfficeLocks(problem: Problem): LockRef[] {
  const ids = new Set(problem.committees.map((c) => c.id));
  const { together, separate, keep } = problem.scenario.locks;
  return [
    ...(together ?? []).flatMap((g, index) => (g.some((id) => ids.has(id)) ? [{ kind: 'together' as const, index }] : [])),
    ...(separate ?? []).flatMap((g, index) => (g.filter((id) => ids.has(id)).length >= 2 ? [{ kind: 'separate' as const, index }] : [])),
    ...(keep ?? []).flatMap((id, index) => (ids.has(id) ? [{ kind: 'keep' as const, index }] : [])),
  ];
}

/**
 * The optimum for every station count of the office: counts from the plan's up to one station
 * per block (a multi-block station can always be split in two admissible ones, so every count
 * up there has a plan), and down until the first count with none (below it, none either: a plan
 * of k stations would give one of k + 1).
 */
function solveByCount(model: OfficeModel, best: RankedPlan, blocks: number, deadline: number): NonNullable<OfficeAnswers['byCount']> {
  const all = solveAllCountsSmall(model, deadline);
  if (all !== null) {
    const checked = all.filter((p) => verifyPartition(model.problem, p.groups).length === 0 && p.groups.length === p.count);
    if (checked.length === all.length) return { plans: checked, complete: true };
  }
  const plans: (RankedPlan & { count: number })[] = [{ ...best, count: best.groups.length }];
  const stop = (reason: string): NonNullable<OfficeAnswers['byCount']> => ({ plans: plans.sort((a, b) => a.count - b.count), complete: false, reason });
  for (let k = best.groups.length + 1; k <= blocks; k++) {
    const r = solveRestricted(model, { count: k }, deadline);
    if (r.status === 'unknown') return stop(`${k} stations: ${r.reason}`);
    if (r.status === 'optimal') plans.push({ ...r.plan, count: k });
  }
  for (let k = best.groups.length - 1; k >= 1; k--) {
    const r = solveRestricted(model, { count: k }, deadline);
    if (r.status === 'unknown') return stop(`${k} stations: ${r.reason}`);
    if (r.status === 'infeasible') break;
    plans.push({ ...r.plan, count: k });
  }
  return { plans: plans.sort((a, b) => a.count - b.count), complete: true };
}

/** Offices up to this many committees get every count's optimum from one dynamic program. */
const ALL_COUNTS_MAX_ROWS = 24;
/** States of that dynamic program before it gives way to one solve per count. */
const ALL_COUNTS_MAX_STATES = 200_000;

/**
 * The optimum for every station count at once, by a dynamic program over the covered committees
 * (the lowest uncovered committee is covered next, by each candidate holding it that fits),
 * keeping one least cost per number of stations used. Null when the office is too large or the
 * states or the clock run out (then one engine solve per count does it).
 */
function solveAllCountsSmall(model: OfficeModel, deadline: number): (RankedPlan & { count: number })[] | null {
  const n = model.n;
  if (n === 0 || n > ALL_COUNTS_MAX_ROWS) return null;
  const full = 2 ** n - 1;
  const colMask = model.candidates.map((c) => c.members.reduce((m, r) => m + 2 ** r, 0));
  const byLow: number[][] = Array.from({ length: n }, () => []);
  model.candidates.forEach((c, j) => byLow[c.members[0]!]!.push(j));
  interface State { cost: Float64Array; pick: Int32Array }
  const memo = new Map<number, State>();
  let aborted = false;
  // masks up to 2^24 are exact doubles; bit tests through division keep them unsigned
  const has = (mask: number, r: number): boolean => Math.floor(mask / 2 ** r) % 2 === 1;
  const solve = (mask: number): State => {
    const known = memo.get(mask);
    if (known) return known;
    const state: State = { cost: new Float64Array(n + 1).fill(Infinity), pick: new Int32Array(n + 1).fill(-1) };
    if (mask === full) state.cost[0] = 0;
    else if (!aborted) {
      if (memo.size >= ALL_COUNTS_MAX_STATES || ((memo.size & 1023) === 0 && Date.now() >= deadline)) aborted = true;
      let low = 0;
      while (has(mask, low)) low++;
      for (const j of byLow[low]!) {
        const cm = colMask[j]!;
        if (model.candidates[j]!.members.some((r) => has(mask, r))) continue;
        const rest = solve(mask + cm);
        const c = model.candidates[j]!.cost;
        for (let k = 0; k < n; k++) {
          const v = rest.cost[k]! + c;
          if (v < state.cost[k + 1]!) { state.cost[k + 1] = v; state.pick[k + 1] = j; }
        }
      }
    }
    memo.set(mask, state);
    return state;
  };
  const root = solve(0);
  if (aborted) return null;
  const out: (RankedPlan & { count: number })[] = [];
  for (let k = 1; k <= n; k++) {
    if (root.cost[k] === Infinity) continue;
    const groups: number[][] = [];
    let objective = 0;
    for (let mask = 0, left = k; mask !== full; left--) {
      const j = memo.get(mask)!.pick[left]!;
      groups.push(model.candidates[j]!.members.slice());
      objective += model.candidates[j]!.cost;
      mask += colMask[j]!;
    }
    out.push({ groups: sortGroups(groups), objective, count: k });
  }
  return out;
}

/**
 * The answers the scenario asks of one street office, given its solved plan: alternatives,
 * regret, lock prices, the optimum per count (`readAnswerRequest`). What the deadline or the
 * plan's status does not allow is null with a reason; never throws for those.
 * @param problem one street office
 * @param result its plan, from `solveStreetOffice`
 * @param engines from `await loadEngines()`
 * @param deadline `Date.now()` by which to stop
 */
export function calcOfficeAnswers(problem: Problem, result: SolveResult, engines: Engines, request: AnswerRequest, deadline: number): OfficeAnswers {
  const answers: OfficeAnswers = {};
  const base: RankedPlan = { groups: sortGroups(result.groups.map((g) => g.slice())), objective: result.objective };
  const fixedCount = problem.scenario.rules.stations?.[problem.streetOffice];
  let model: OfficeModel | null = null;
  let why = '';
  const units = calcUnits(problem);
  if (result.status !== 'optimal') why = `the street office's plan is not proven optimal (${result.status})`;
  else if (units.reasons.length > 0) why = 'the street office has no plan';
  else {
    const list = enumerateCandidates(problem, { units, maxCandidates: SOLVER_DEFAULTS.maxCandidates, maxMemoryMb: SOLVER_DEFAULTS.candidateMemoryMb, deadline });
    if (list.truncated) why = `the candidate enumeration stopped (${list.stoppedBy ?? 'budget'}) before it listed every station`;
    else {
      const engineName = problem.scenario.solver?.engine ?? 'highs';
      model = { problem, n: problem.committees.length, candidates: list.candidates, engine: engineName === 'jslp' ? engines.jslp : engines.highs };
    }
  }
  const none = (): AnswerValue => ({ value: null, reason: why });
  const countOf = fixedCount !== undefined ? { count: fixedCount } : {};
  if (request.byCount) {
    answers.byCount = model ? solveByCount(model, base, units.blocks.length, deadline) : { plans: [], complete: false, reason: why };
  }
  if (request.alternatives > 1) {
    answers.alternatives = model ? rankPlans(model, base, request.alternatives, deadline, fixedCount) : { plans: result.status === 'optimal' ? [base] : [], exhausted: false, reason: why };
  }
  if (request.regret) {
    answers.regret = result.groups.map((g): AnswerValue => {
      if (!model) return none();
      // the best plan without g is the first ranked plan without it, when the ranking got that far
      const ranked = answers.alternatives?.plans.find((p) => !p.groups.some((h) => keyOf(h) === keyOf(g)));
      if (ranked) return { value: ranked.objective - base.objective };
      const r = solveRestricted(model, { forbid: new Set([keyOf(g)]), ...countOf }, deadline);
      if (r.status === 'optimal') return { value: r.plan.objective - base.objective };
      if (r.status === 'infeasible') return { value: null, reason: 'no plan of the street office without this station (the rules and locks force it)' };
      return { value: null, reason: r.reason };
    });
    answers.locks = listOfficeLocks(problem).map((lock) => {
      if (result.status !== 'optimal') return { ...lock, ...none() };
      if (Date.now() >= deadline) return { ...lock, value: null, reason: 'the time limit was reached first' };
      const r = solveStreetOffice({ ...problem, scenario: withoutLock(problem.scenario, lock) }, engines, { deadline, timeLimitMs: Math.max(1, deadline - Date.now()) });
      if (r.status === 'optimal') return { ...lock, value: Math.max(0, result.objective - r.objective) };
      return { ...lock, value: null, reason: r.status === 'infeasible' ? 'no plan without the lock either' : `without the lock the solve ended ${r.status}` };
    });
  }
  return answers;
}

/**
 * `solveStreetOffice`, then the answers the scenario asks of the office (`calcOfficeAnswers`)
 * within the same clock (the office's limit and the plan's deadline): what the pool's workers
 * and `solvePlan` call. Without a request it is `solveStreetOffice` exactly.
 */
export function solveStreetOfficeWithAnswers(problem: Problem, engines: Engines, options: SolveStreetOfficeOptions = {}): SolveResult {
  const t0 = Date.now();
  const result = solveStreetOffice(problem, engines, options);
  const request = problem.scenario ? readAnswerRequest(problem.scenario, problem.streetOffice) : null;
  if (request === null) return result;
  const solver = problem.scenario.solver;
  const officeMs = options.timeLimitMs ?? solver?.officeTimeLimitMs ?? solver?.timeLimitMs ?? SOLVER_DEFAULTS.timeLimitMs;
  const deadline = Math.min(options.deadline ?? Infinity, t0 + officeMs);
  return { ...result, answers: calcOfficeAnswers(problem, result, engines, request, deadline) };
}
