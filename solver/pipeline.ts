/**
 * The planning pipeline shared by the CLI, the HTTP API and the batch runner:
 * dataset + scenario → measures, adjacency → one problem per street office → exact partition
 * (or a hand-made partition) → stations, checks, plan text, summary.
 * Pure and synchronous once the solver engines are loaded.
 */
import { makeAdjacency, makeAdjacencyWith } from '../geo/adjacency.js';
import { calcMeasures } from '../geo/measure.js';
import type { AdjacencyGraph, AdjacencyOptions, Dataset } from '../geo/types.js';
import { calcFacilityTargets, findFacilityKindsInData, makeViolations } from './checks.js';
import { calcCandidateCost } from './cost.js';
import { calcExistingUnits } from './figures.js';
import { SOLVER_DEFAULTS } from './defaults.js';
import { makeEnginesOnDemand, type Engines, type SolveStreetOfficeOptions } from './solve.js';
import { solveStreetOfficeWithAnswers } from './answers.js';
import { addAnswersToSummary, applyDistrictTotal } from './district-answers.js';
import { makeStation, type Member } from './station.js';
import { makeOutcome, type PlanOutcome } from './outcome.js';
import { proposeStaff } from './staffing.js';
import type { PlanSummary, Problem, Scenario, SolveResult, SolveStatus, Station, StreetOfficePlan, Violation } from './types.js';

/** Everything the pipeline derives from the dataset once, before solving. */
export interface PlanContext {
  scenario: Scenario;
  /** Committees in the scenario's scope, in dataset order. */
  members: Member[];
  graph: AdjacencyGraph;
  /** Street offices in scope, in order of first appearance in the dataset. */
  offices: string[];
  /** Members by street office. */
  byOffice: Map<string, Member[]>;
  /**
   * `Date.now()` by which the solve of every street office ends, when a caller (the CLI) keeps
   * part of `scenario.solver.timeLimitMs` for reading and writing. [timeLimitMs from the solve's start]
   */
  deadline?: number;
}

/**
 * Measures and adjacency of the committees in the scenario's scope (all street offices, or
 * `scenario.streetOffices`). Adjacency follows the scenario's border and enclave rules.
 */
export function makePlanContext(dataset: Dataset, scenario: Scenario): PlanContext {
  const members = makeMembers(dataset, scenario);
  return makeContextOf(scenario, members, makeAdjacency(members.map((m) => m.committee), adjacencyOptions(scenario)));
}

/**
 * {@link makePlanContext} with the shared-border pairs computed by `borderPairs` (geo/adjacency.ts
 * `makeAdjacencyWith`: worker threads over ranges of rows); the same context.
 */
export async function makePlanContextWith(
  dataset: Dataset, scenario: Scenario, borderPairs: Parameters<typeof makeAdjacencyWith>[2],
): Promise<PlanContext> {
  const members = makeMembers(dataset, scenario);
  return makeContextOf(scenario, members, await makeAdjacencyWith(members.map((m) => m.committee), adjacencyOptions(scenario), borderPairs));
}

function makeMembers(dataset: Dataset, scenario: Scenario): Member[] {
  const scope = scenario.streetOffices && scenario.streetOffices.length > 0 ? new Set(scenario.streetOffices) : null;
  const units = calcExistingUnits(dataset.committees);
  const members: Member[] = [];
  dataset.committees.forEach((committee, i) => {
    if (scope && !scope.has(committee.streetOffice)) return;
    members.push({ committee, measures: calcMeasures(committee), unit: units[i]! });
  });
  return members;
}

function adjacencyOptions(scenario: Scenario): AdjacencyOptions {
  return {
    minSharedBorderMeters: scenario.rules.minSharedBorderMeters,
    snapToleranceMeters: scenario.rules.snapToleranceMeters,
    enclaveLinkMeters: scenario.rules.enclaveLinkMeters,
  };
}

function makeContextOf(scenario: Scenario, members: Member[], graph: AdjacencyGraph): PlanContext {
  const byOffice = new Map<string, Member[]>();
  for (const m of members) {
    const list = byOffice.get(m.committee.streetOffice);
    if (list) list.push(m);
    else byOffice.set(m.committee.streetOffice, [m]);
  }
  return { scenario, members, graph, offices: [...byOffice.keys()], byOffice };
}

/** The solver's view of one street office. */
export function makeStreetOfficeProblem(ctx: PlanContext, office: string): Problem {
  return makeProblemOf(ctx, office, ctx.byOffice.get(office) ?? []);
}

function makeProblemOf(ctx: PlanContext, office: string, members: readonly Member[], graph: AdjacencyGraph = ctx.graph): Problem {
  return {
    streetOffice: office,
    committees: members.map((m) => m.committee),
    measures: members.map((m) => m.measures),
    graph,
    scenario: ctx.scenario,
  };
}

/**
 * The graph's rows of the given committees, each with only the edges among them: what the cost of
 * a station reads (the cost ignores edges leaving the problem), at the price of the members' rows
 * rather than the whole graph (which made assembling a national plan quadratic).
 */
function restrictGraph(graph: AdjacencyGraph, ids: readonly string[]): AdjacencyGraph {
  const keep = new Set(ids);
  const restrict = (source: Map<string, Map<string, number>>): Map<string, Map<string, number>> => {
    const out = new Map<string, Map<string, number>>();
    for (const a of keep) {
      const row = source.get(a);
      if (!row) continue;
      const kept = new Map<string, number>();
      for (const [b, len] of row) if (keep.has(b)) kept.set(b, len);
      out.set(a, kept);
    }
    return out;
  };
  return { border: restrict(graph.border), links: restrict(graph.links) };
}

/** Cost of one station under the scenario's objective (the same formula the solver minimises). */
function calcStationCost(ctx: PlanContext, members: readonly Member[]): number {
  const graph = restrictGraph(ctx.graph, members.map((m) => m.committee.id));
  const problem = makeProblemOf(ctx, members[0]?.committee.streetOffice ?? '', members, graph);
  return calcCandidateCost(problem, members.map((_, i) => i));
}

const memberOrderCache = new WeakMap<readonly Member[], Map<string, number>>();

/** Position of each committee in the context's members (dataset order), computed once per member list. */
function memberOrder(ctx: PlanContext): Map<string, number> {
  let order = memberOrderCache.get(ctx.members);
  if (!order) {
    order = new Map(ctx.members.map((m, i) => [m.committee.id, i]));
    memberOrderCache.set(ctx.members, order);
  }
  return order;
}

function makeStations(ctx: PlanContext, groups: readonly (readonly Member[])[]): Station[] {
  const order = memberOrder(ctx);
  return groups
    .map((g) => [...g].sort((a, b) => order.get(a.committee.id)! - order.get(b.committee.id)!))
    .sort((a, b) => order.get(a[0]!.committee.id)! - order.get(b[0]!.committee.id)!)
    .map((g) => makeStation(g, ctx.graph, ctx.scenario.rules, calcStationCost(ctx, g)));
}


function countUnits(members: readonly Member[]): number {
  return new Set(members.map((m) => m.unit)).size;
}

/**
 * Sets each station's proposed staff: the hand-made assignment where there is one (by the id of a
 * member committee), else the scenario's staffing rule.
 */
function setProposedStaff(ctx: PlanContext, stations: Station[], assigned?: ReadonlyMap<string, number>): void {
  const byRule = proposeStaff(stations, ctx.scenario.rules.staffing ?? 'members');
  stations.forEach((s, i) => {
    const own = assigned && s.committeeIds.map((id) => assigned.get(id)).find((n) => n !== undefined);
    s.staffProposed = own ?? byRule[i]!;
  });
}

function assemble(ctx: PlanContext, stations: Station[], reports: Map<string, SolveResult | null>, extra: Violation[], ms: number, assigned?: ReadonlyMap<string, number>): PlanOutcome {
  setProposedStaff(ctx, stations, assigned);
  const memberById = new Map(ctx.members.map((m) => [m.committee.id, m]));
  const stationsOf = new Map<string, Station[]>();
  for (const s of stations) {
    const office = memberById.get(s.committeeIds[0]!)!.committee.streetOffice;
    const list = stationsOf.get(office);
    if (list) list.push(s);
    else stationsOf.set(office, [s]);
  }
  const offices: StreetOfficePlan[] = ctx.offices.map((name) => {
    const own = stationsOf.get(name) ?? [];
    const r = reports.get(name) ?? null;
    const solved = r ? (({ groups: _g, answers: _a, ...rest }) => rest)(r) : null;
    const before = countUnits(ctx.byOffice.get(name)!);
    const infeasible = r !== null && r.groups.length === 0;
    return { name, stationsBefore: before, stationsAfter: infeasible ? before : own.length, stations: own, solver: solved };
  });
  const checked = infeasibleFree(ctx, reports);
  const violations = [...extra, ...makeViolations(stations, checked, ctx.scenario)];
  const inData = findFacilityKindsInData(checked.map((m) => m.committee));
  const solverReports = [...reports.values()];
  const status = aggregateStatus(solverReports);
  const objective = stations.reduce((s, st) => s + st.cost, 0);
  const bound = solverReports.every((r) => r !== null) ? solverReports.reduce((s, r) => s + (r?.bound ?? 0), 0) : undefined;
  const summary: PlanSummary = {
    scenario: ctx.scenario.name,
    stationsBefore: offices.reduce((s, o) => s + o.stationsBefore, 0),
    stationsAfter: offices.reduce((s, o) => s + o.stationsAfter, 0),
    solver: {
      status,
      objective,
      ...(bound !== undefined ? { bound, gap: Math.max(0, Math.round(((objective - bound) / Math.max(1, Math.abs(objective))) * 1e9) / 1e9) } : {}),
      ms,
    },
    streetOffices: offices,
    checks: {
      violations,
      facilityTargets: calcFacilityTargets(stations, ctx.scenario, false, inData),
      ...(stations.some((s) => s.planned) ? { facilityTargetsPlanned: calcFacilityTargets(stations, ctx.scenario, true, inData) } : {}),
      staffBefore: ctx.members.reduce((s, m) => s + (m.committee.staff ?? 0), 0),
      staffAfter: stations.reduce((s, st) => s + (st.staffProposed ?? st.staff), 0),
    },
  };
  return makeOutcome(summary, ctx.members.map((m) => m.committee));
}

/** Members of street offices that have a plan (an infeasible office has no stations to check). */
function infeasibleFree(ctx: PlanContext, reports: Map<string, SolveResult | null>): Member[] {
  return ctx.members.filter((m) => {
    const r = reports.get(m.committee.streetOffice);
    return !(r && r.groups.length === 0);
  });
}

function aggregateStatus(reports: (SolveResult | null)[]): SolveStatus | 'evaluated' {
  if (reports.length === 0 || reports.every((r) => r === null)) return 'evaluated';
  const statuses = reports.map((r) => r?.status ?? 'optimal');
  for (const s of ['error', 'infeasible', 'time_limit', 'feasible'] as const) if (statuses.includes(s)) return s;
  return 'optimal';
}

export interface SolveProgress {
  done: number;
  total: number;
  streetOffice: string;
  result: SolveResult;
}

/**
 * Assembles the plan from one solver result per street office, exactly as `solvePlan` does:
 * the batch runner solves the offices elsewhere (worker threads) and assembles here, so the plan
 * is the same whoever solved the offices. `results` needs an entry for every office of `ctx`.
 * @param ms wall-clock time to report in `summary.solver.ms`
 * @param made stations already made with `makeOfficeStations` from the same results, by office [none]
 */
export function assemblePlan(
  ctx: PlanContext, solved: ReadonlyMap<string, SolveResult>, ms: number, made?: ReadonlyMap<string, readonly Station[]>,
): PlanOutcome {
  // the answers a planner asks next (solver/answers.ts): a district total picks each office's count
  const total = applyDistrictTotal(ctx, solved);
  const results = total.results;
  const reports = new Map<string, SolveResult | null>();
  const groups: Member[][] = [];
  const premade: Station[] = [];
  const extra: Violation[] = [];
  for (const office of ctx.offices) {
    const members = ctx.byOffice.get(office)!;
    const result = results.get(office);
    if (result === undefined) throw new Error(`assemblePlan: no solver result for street office ${office}`);
    reports.set(office, result);
    const own = total.changed.has(office) ? undefined : made?.get(office);
    if (own) premade.push(...own);
    else for (const g of result.groups) groups.push(g.map((i) => members[i]!));
    if (result.status === 'infeasible' || result.groups.length === 0) {
      const reasons = result.reasons?.length ? result.reasons.map((r) => r.message).join('; ') : `the solver found no plan (${result.status})`;
      extra.push({ rule: 'infeasible', severity: 'fatal', message: `${office}: ${reasons}` });
    }
  }
  let stations = makeStations(ctx, groups);
  if (premade.length > 0) {
    const order = memberOrder(ctx);
    stations = [...premade, ...stations].sort((a, b) => order.get(a.committeeIds[0]!)! - order.get(b.committeeIds[0]!)!);
  }
  const outcome = assemble(ctx, stations, reports, extra, ms);
  if (total.report === undefined && [...results.values()].every((r) => r.answers === undefined)) return outcome;
  return makeOutcome(addAnswersToSummary(ctx, outcome.summary, results, total), ctx.members.map((m) => m.committee));
}

/**
 * The stations of one solved street office exactly as `assemblePlan` makes them: callers that
 * receive offices one by one (the batch's workers) make them while the others are being solved
 * and hand them to `assemblePlan` as `made`.
 */
export function makeOfficeStations(ctx: PlanContext, office: string, result: SolveResult): Station[] {
  const members = ctx.byOffice.get(office) ?? [];
  return makeStations(ctx, result.groups.map((g) => g.map((i) => members[i]!)));
}

/**
 * The street offices in the order to solve them: fewest committees first (then dataset order), so
 * that the hard ones come last and the budget that easy ones leave over goes to them.
 */
export function officesSmallFirst(ctx: PlanContext): string[] {
  const size = (o: string): number => ctx.byOffice.get(o)?.length ?? 0;
  return ctx.offices.map((o, k) => ({ o, k })).sort((a, b) => size(a.o) - size(b.o) || a.k - b.k).map((x) => x.o);
}

/**
 * How hard a street office is likely to be, for sharing the budget: candidates (and time) grow
 * far faster than the committee count, so the square.
 */
function officeWeight(ctx: PlanContext, office: string): number {
  return (ctx.byOffice.get(office)?.length ?? 0) ** 2;
}

/**
 * How much solving the street offices other than the largest are likely to take (`officeWeight`
 * summed): what a second thread would have to do while the first solves the largest.
 */
export function calcWeightBesideLargest(ctx: PlanContext): number {
  const weights = ctx.offices.map((o) => officeWeight(ctx, o));
  return weights.reduce((s, w) => s + w, 0) - Math.max(0, ...weights);
}

/** The least share of the budget a street office may use (most finish far sooner). */
const MIN_OFFICE_SHARE = 0.1;

/** The clock of one street office of a plan solved in parallel. */
export interface OfficeLimits {
  /** `Date.now()` by which the whole plan's solve ends (scenario.solver.timeLimitMs from now). */
  deadline: number;
  /** This office's share of the budget (or scenario.solver.officeTimeLimitMs when smaller), ms. */
  officeTimeLimitMs: number;
  /**
   * Share of the time left to `deadline` when the office starts that it may use when that is more
   * than `officeTimeLimitMs` (`officeStartLimitMs`): offices that finish early leave their time to
   * the ones after them. [none]
   */
  shareOfLeft?: number;
  /** Cap of `shareOfLeft`'s time (scenario.solver.officeTimeLimitMs), ms. [none] */
  maxOfficeMs?: number;
}

/**
 * The time limit of an office as it starts: its own share of the budget, or its share of the time
 * left to the deadline when that is more (capped by `maxOfficeMs`).
 */
export function officeStartLimitMs(limits: Pick<OfficeLimits, 'officeTimeLimitMs' | 'shareOfLeft' | 'maxOfficeMs'> & { deadline?: number }, now = Date.now()): number {
  const own = limits.officeTimeLimitMs;
  if (limits.shareOfLeft === undefined || limits.deadline === undefined) return own;
  const left = limits.shareOfLeft * Math.max(0, limits.deadline - now);
  return Math.max(own, Math.min(limits.maxOfficeMs ?? Infinity, left));
}

/**
 * The solve's budget and deadline: `ctx.deadline` when set (what is left of the command's budget),
 * else `scenario.solver.timeLimitMs` from now.
 */
export function solveClock(ctx: PlanContext): { budget: number; deadline: number } {
  const now = Date.now();
  if (ctx.deadline !== undefined) return { budget: Math.max(1, ctx.deadline - now), deadline: ctx.deadline };
  const budget = ctx.scenario.solver?.timeLimitMs ?? SOLVER_DEFAULTS.timeLimitMs;
  return { budget, deadline: now + budget };
}

/**
 * The clock of every street office of a plan solved by `workers` in parallel: each office may use
 * its share of workers × budget (by `officeWeight`; at least an equal part, and a tenth of the
 * budget), capped by the whole budget and by `solver.officeTimeLimitMs`, and the plan's deadline
 * holds for all. With `order`, the order in which the offices go out, each may also use, when it
 * starts, its share of the time then left (workers × its weight over the weight of the offices
 * from it on, at least workers over their number): what the offices before it left unused goes
 * to the ones after, and the last ones get all that is left.
 */
export function planLimits(ctx: PlanContext, workers = 1, order?: readonly string[]): Map<string, OfficeLimits> {
  const { budget, deadline } = solveClock(ctx);
  const cap = ctx.scenario.solver?.officeTimeLimitMs ?? Infinity;
  const total = ctx.offices.reduce((s, o) => s + officeWeight(ctx, o), 0) || 1;
  const parallel = Math.max(1, workers);
  const out = new Map<string, OfficeLimits>();
  for (const office of ctx.offices) {
    const share = Math.min(1, Math.max(MIN_OFFICE_SHARE, parallel / ctx.offices.length, parallel * officeWeight(ctx, office) / total));
    out.set(office, { deadline, officeTimeLimitMs: Math.max(1, Math.min(cap, budget * share)) });
  }
  if (order !== undefined) {
    let weightFrom = order.reduce((s, o) => s + officeWeight(ctx, o), 0);
    order.forEach((office, k) => {
      const w = officeWeight(ctx, office);
      const limits = out.get(office);
      if (limits !== undefined) {
        limits.shareOfLeft = Math.min(1, Math.max(parallel / (order.length - k), weightFrom > 0 ? parallel * w / weightFrom : 0));
        if (Number.isFinite(cap)) limits.maxOfficeMs = cap;
      }
      weightFrom -= w;
    });
  }
  return out;
}

/** A second turn is given only when each office would get at least this many times its first solve's time. */
const SECOND_TURN_FACTOR = 1.5;

/**
 * The offices to solve again once every office has had its turn (`solvePlanWithPool`'s second
 * turn): those stopped by their own share of the time while offices after them finished early,
 * each with an equal part of what is left for the workers (and never less than its share of the
 * time left as it starts), when that is at least `SECOND_TURN_FACTOR` × what it had; their
 * deadline a tenth of the time left (at most 2 s) before the plan's.
 */
export function planSecondTurn(ctx: PlanContext, results: ReadonlyMap<string, SolveResult>, workers: number): Map<string, OfficeLimits> {
  const { deadline } = solveClock(ctx);
  const again = officesSmallFirst(ctx).filter((o) => results.get(o)?.status === 'time_limit');
  const out = new Map<string, OfficeLimits>();
  const left = deadline - Date.now();
  if (again.length === 0 || left <= 0) return out;
  // a little before the plan's deadline: what a stopped worker and the assembly take stays inside it
  const turnDeadline = deadline - Math.min(2000, 0.1 * left);
  const cap = ctx.scenario.solver?.officeTimeLimitMs ?? Infinity;
  const each = Math.min(cap, (turnDeadline - Date.now()) * Math.min(1, Math.max(1, workers) / again.length));
  again.forEach((office, k) => {
    if (each < SECOND_TURN_FACTOR * (results.get(office)?.ms ?? Infinity)) return;
    out.set(office, { deadline: turnDeadline, officeTimeLimitMs: Math.max(1, each), shareOfLeft: Math.min(1, Math.max(1, workers) / (again.length - k)), ...(Number.isFinite(cap) ? { maxOfficeMs: cap } : {}) });
  });
  return out;
}

/**
 * The better of two solves of one street office: the cheaper plan (the second on a tie, or when
 * it proved its plan optimal), with the higher of the two bounds, both being proven.
 */
export function keepBetterSolve(first: SolveResult, second: SolveResult): SolveResult {
  if (second.groups.length === 0 && first.groups.length > 0) return { ...first, bound: Math.max(first.bound, second.bound), gap: gapOf(first.objective, Math.max(first.bound, second.bound)) };
  const pick = second.status === 'optimal' || first.groups.length === 0 || second.objective <= first.objective ? second : first;
  const bound = Math.min(pick.objective, Math.max(first.bound, second.bound));
  return { ...pick, bound, gap: pick.status === 'optimal' ? 0 : gapOf(pick.objective, bound), ms: first.ms + second.ms };
}

function gapOf(objective: number, bound: number): number {
  return Math.max(0, (objective - bound) / Math.max(1, Math.abs(objective)));
}

/** How the offices are solved besides their clock (tests and benches: `smallComponentRows: 0` sends every component to the engine). */
export type SolverTuning = Pick<SolveStreetOfficeOptions, 'smallComponentRows' | 'frontierStates'>;

/** The offices of a plan in solving order (fewest committees first), each given its time when its turn comes. */
function makeOfficeSchedule(ctx: PlanContext): { order: string[]; next(office: string, k: number): SolveStreetOfficeOptions } {
  const { budget, deadline } = solveClock(ctx);
  const cap = ctx.scenario.solver?.officeTimeLimitMs;
  const order = officesSmallFirst(ctx);
  let weightLeft = order.reduce((s, o) => s + officeWeight(ctx, o), 0);
  return {
    order,
    next(office, k) {
      const w = officeWeight(ctx, office);
      const share = weightLeft > 0 ? w / weightLeft : 1;
      weightLeft -= w;
      const left = Math.max(0, deadline - Date.now());
      // at least an equal part of what is left, and a tenth of the budget (or half what is left):
      // a small office needs little, and what it leaves goes on to the next
      const own = Math.max(left * share, left / (order.length - k), Math.min(left / 2, budget * MIN_OFFICE_SHARE));
      return { deadline, timeLimitMs: Math.max(1, Math.min(cap ?? Infinity, own)) };
    },
  };
}

/**
 * Solves every street office in scope and assembles the plan, within `scenario.solver.timeLimitMs`
 * for all: offices are solved fewest committees first, each by its share of the time left.
 */
export function solvePlan(ctx: PlanContext, engines: Engines, onProgress?: (p: SolveProgress) => void, tuning: SolverTuning = {}): PlanOutcome {
  const t0 = performance.now();
  const schedule = makeOfficeSchedule(ctx);
  const results = new Map<string, SolveResult>();
  schedule.order.forEach((office, k) => {
    const result = solveStreetOfficeWithAnswers(makeStreetOfficeProblem(ctx, office), engines, { ...schedule.next(office, k), ...tuning });
    results.set(office, result);
    onProgress?.({ done: k + 1, total: ctx.offices.length, streetOffice: office, result });
  });
  return assemblePlan(ctx, results, performance.now() - t0);
}

/**
 * `solvePlan` that loads the integer-programming engines only when an office needs one
 * (`makeEnginesOnDemand`): until then each office is solved with stand-ins, and the office that
 * called one is solved again once they are loaded. The plan is the one `solvePlan` makes.
 * @param load - the engines (`loadEngines`)
 */
export async function solvePlanLoadingEngines(
  ctx: PlanContext, load: () => Promise<Engines>, onProgress?: (p: SolveProgress) => void, tuning: SolverTuning = {},
): Promise<PlanOutcome> {
  const t0 = performance.now();
  const schedule = makeOfficeSchedule(ctx);
  const results = new Map<string, SolveResult>();
  const onDemand = makeEnginesOnDemand();
  let engines: Engines | undefined;
  for (const [k, office] of schedule.order.entries()) {
    const problem = makeStreetOfficeProblem(ctx, office);
    const options = { ...schedule.next(office, k), ...tuning };
    let result: SolveResult | undefined;
    try {
      result = solveStreetOfficeWithAnswers(problem, engines ?? onDemand.engines, options);
    } catch (e) {
      if (engines !== undefined || !onDemand.wanted()) throw e; // a stand-in's throw may come through
    }
    if (result === undefined || (engines === undefined && onDemand.wanted())) {
      engines = await load();
      result = solveStreetOfficeWithAnswers(problem, engines, options);
    }
    results.set(office, result);
    onProgress?.({ done: k + 1, total: ctx.offices.length, streetOffice: office, result });
  }
  return assemblePlan(ctx, results, performance.now() - t0);
}

/**
 * Checks a partition given by hand (committee ids; committees not named stay with their current
 * station) with exactly the checks of a solved plan. Ids must exist (resolve names first).
 * @param staff - the staff the street office assigns to each given station (null: the rule's) [none]
 */
export function evaluatePlan(ctx: PlanContext, stationsByIds: readonly (readonly string[])[], staff?: readonly (number | null | undefined)[]): PlanOutcome {
  const t0 = performance.now();
  const memberById = new Map(ctx.members.map((m) => [m.committee.id, m]));
  const named = new Set<string>();
  const groups: Member[][] = [];
  const extra: Violation[] = [];
  for (const ids of stationsByIds) {
    const g: Member[] = [];
    for (const id of ids) {
      const m = memberById.get(id);
      if (!m) {
        extra.push({ rule: 'committee-out-of-scope', severity: 'fatal', committee: id, message: `committee ${id} is not in the scenario's street offices` });
        continue;
      }
      if (named.has(id)) {
        extra.push({ rule: 'committee-duplicate', severity: 'fatal', committee: m.committee.name, message: `committee ${m.committee.name} is named in two stations of the plan` });
        continue;
      }
      named.add(id);
      g.push(m);
    }
    if (g.length > 0) groups.push(g);
  }
  // Committees the plan does not name keep their current station.
  const rest = new Map<number, Member[]>();
  for (const m of ctx.members) {
    if (named.has(m.committee.id)) continue;
    rest.set(m.unit, [...(rest.get(m.unit) ?? []), m]);
  }
  groups.push(...rest.values());
  const reports = new Map<string, SolveResult | null>(ctx.offices.map((o) => [o, null]));
  const assigned = new Map<string, number>();
  stationsByIds.forEach((ids, i) => {
    const n = staff?.[i];
    if (typeof n === 'number' && ids.length > 0) assigned.set(ids[0]!, n);
  });
  return assemble(ctx, makeStations(ctx, groups), reports, extra, performance.now() - t0, assigned);
}

