/**
 * The exact solver for one street office: units → candidates → partition → checked plan.
 */
import { enumerateCandidates } from './candidates.js';
import { calcIndexedGraph } from './cost.js';
import { loadHighsRuntime, makeHighsEngine } from './engines/highs.js';
import { makeJslpEngine } from './engines/jslp.js';
import type { PartitionEngine } from './engines/types.js';
import { SOLVER_DEFAULTS } from './defaults.js';
import { calcRowBound, solvePartition, type PartitionOptions } from './partition.js';
import type { InfeasibleReason, Problem, SolveResult, SolverOptions } from './types.js';
import { calcUnits } from './units.js';
import { verifyPartition } from './verify.js';

/** Loaded integer-programming engines, by the name `scenario.solver.engine` uses. */
export interface Engines {
  highs: PartitionEngine;
  jslp: PartitionEngine;
}

let enginesPromise: Promise<Engines> | null = null;

/** Loads the engines once (HiGHS compiles its WebAssembly asynchronously); later calls share the result. */
export function loadEngines(): Promise<Engines> {
  const p = enginesPromise ?? loadHighsRuntime().then((highs) => ({ highs: makeHighsEngine(highs), jslp: makeJslpEngine() }));
  enginesPromise = p;
  p.catch(() => { if (enginesPromise === p) enginesPromise = null; });
  return p;
}

/**
 * Engines that are not loaded: stand-ins of the same names for a first try at an office, which
 * `wanted` says whether the solve called (what it then returned is to be thrown away: solve the
 * office again with `loadEngines()`). Most offices of a plan are proved by the dynamic program
 * and the frontier search without an integer program, and loading HiGHS's WebAssembly is then
 * a cost for nothing (a tenth of luohu-2006's `yizhan plan`).
 */
export function makeEnginesOnDemand(): { engines: Engines; wanted(): boolean } {
  let wanted = false;
  const standIn = (name: string): PartitionEngine => ({
    name,
    solve() { wanted = true; throw new Error(`the ${name} engine is not loaded`); },
    relax() { wanted = true; throw new Error(`the ${name} engine is not loaded`); },
  });
  return { engines: { highs: standIn('highs'), jslp: standIn('jslp') }, wanted: () => wanted };
}

export interface SolveStreetOfficeOptions {
  /**
   * Wall-clock limit of this street office, ms. [scenario.solver.officeTimeLimitMs, else
   * scenario.solver.timeLimitMs, else SOLVER_DEFAULTS.timeLimitMs]
   */
  timeLimitMs?: number;
  /** `Date.now()` by which to return (the share of the command's budget); the earlier limit holds. [none] */
  deadline?: number;
  /**
   * Called with each checked plan as it improves (status `time_limit`, its proven bound): what a
   * caller that must stop the solve from outside keeps. [none]
   */
  onPlan?: (result: SolveResult) => void;
  /** Engine. [problem.scenario.solver.engine, else 'highs'] */
  engine?: SolverOptions['engine'];
  /** Drop dominated candidates before the integer program. [true] */
  dominance?: boolean;
  /** Count budget of the candidate enumeration; beyond it the solve goes on over those found. [SOLVER_DEFAULTS.maxCandidates] */
  maxCandidates?: number;
  /** Memory budget of the candidate enumeration, MB. [SOLVER_DEFAULTS.candidateMemoryMb] */
  maxCandidateMemoryMb?: number;
  /** Components of at most this many committees go to the built-in dynamic program, not the engine (0: none, and no frontier solver either). [16] */
  smallComponentRows?: number;
  /** State budget of each frontier search on larger components (0: the engine alone). [200000] */
  frontierStates?: number;
}

function checkInput(problem: Problem): InfeasibleReason[] {
  const out: InfeasibleReason[] = [];
  const { committees, measures } = problem;
  if (!Array.isArray(committees) || !Array.isArray(measures)) {
    return [{ code: 'bad-input', message: `street office ${problem.streetOffice}: committees and measures must be arrays` }];
  }
  if (measures.length !== committees.length) {
    out.push({ code: 'bad-input', message: `street office ${problem.streetOffice}: ${committees.length} committees but ${measures.length} measures` });
  }
  const seen = new Set<string>();
  committees.forEach((c, i) => {
    if (seen.has(c.id)) out.push({ code: 'bad-input', message: `committee ${i} (id ${c.id}): id used twice`, committees: [c.name] });
    seen.add(c.id);
    if (!Number.isFinite(c.households) || c.households < 0) {
      out.push({ code: 'bad-input', message: `committee ${i} (id ${c.id}): field households must be a number ≥ 0, got ${String(c.households)}`, committees: [c.name] });
    }
    const m = measures[i];
    if (m !== undefined && (!Number.isFinite(m.areaM2) || !Number.isFinite(m.perimeterM) || m.areaM2 < 0 || m.perimeterM < 0)) {
      out.push({ code: 'bad-input', message: `committee ${i} (id ${c.id}): measures areaM2 / perimeterM must be numbers ≥ 0`, committees: [c.name] });
    }
  });
  const r = problem.scenario?.rules;
  if (r === undefined || !Number.isInteger(r.maxCommitteesPerStation) || r.maxCommitteesPerStation < 1 || !(r.households.min >= 0) || !(r.households.max >= 0)) {
    out.push({ code: 'bad-input', message: 'scenario.rules: maxCommitteesPerStation must be an integer ≥ 1 and households.min / max numbers ≥ 0' });
  }
  return out;
}

/**
 * Solves one street office exactly: enumerates the admissible candidates (solver/cost.ts has
 * the model), drops dominated ones, fixes forced choices, and solves each remaining component
 * with the chosen engine. The plan is checked with `verifyPartition` before it is returned.
 * Never throws for bad input, infeasible locks or a time limit: the status says so.
 * @param problem one street office
 * @param engines from `await loadEngines()`
 * @param [options.timeLimitMs=scenario.solver.timeLimitMs] wall-clock limit
 * @param [options.engine=scenario.solver.engine] 'highs' or 'jslp'
 * @example const result = solveStreetOffice(problem, await loadEngines()); // { status: 'optimal', groups: [[0, 2], [1]], … }
 */
export function solveStreetOffice(problem: Problem, engines: Engines, options: SolveStreetOfficeOptions = {}): SolveResult {
  const t0 = Date.now();
  const engineName = options.engine ?? problem.scenario?.solver?.engine ?? 'highs';
  const base = (): SolveResult => ({ status: 'error', groups: [], objective: NaN, bound: -Infinity, gap: Infinity, ms: 0, candidates: 0, engine: engineName });
  const done = (r: SolveResult): SolveResult => ({ ...r, ms: Date.now() - t0 });
  const engine = engineName === 'jslp' ? engines.jslp : engineName === 'highs' ? engines.highs : undefined;
  if (engine === undefined) {
    return done({ ...base(), reasons: [{ code: 'bad-input', message: `scenario.solver.engine: unknown engine ${String(engineName)} (use highs or jslp)` }] });
  }
  const bad = checkInput(problem);
  if (bad.length > 0) return done({ ...base(), reasons: bad });
  const n = problem.committees.length;
  if (n === 0) return done({ ...base(), status: 'optimal', objective: 0, bound: 0, gap: 0 });

  const units = calcUnits(problem);
  if (units.reasons.length > 0) {
    return done({ ...base(), status: 'infeasible', objective: NaN, bound: Infinity, reasons: units.reasons });
  }
  const graph = calcIndexedGraph(problem);
  const solver = problem.scenario.solver;
  const officeMs = options.timeLimitMs ?? solver?.officeTimeLimitMs ?? solver?.timeLimitMs ?? SOLVER_DEFAULTS.timeLimitMs;
  const deadline = Math.min(options.deadline ?? Infinity, t0 + officeMs);
  const list = enumerateCandidates(problem, {
    graph, units,
    maxCandidates: options.maxCandidates ?? SOLVER_DEFAULTS.maxCandidates,
    maxMemoryMb: options.maxCandidateMemoryMb ?? SOLVER_DEFAULTS.candidateMemoryMb,
    deadline: t0 + SOLVER_DEFAULTS.enumerationShare * (deadline - t0),
  });
  if (list.reasons.length > 0) {
    return done({ ...base(), status: 'infeasible', objective: NaN, bound: Infinity, candidates: list.candidates.length, reasons: list.reasons });
  }
  const notes: string[] = [];
  // Stopped early, the list lacks candidates: bounds over it would not hold for the whole
  // problem. The bound is then the row bound, with the least cost per committee any missing
  // candidate could have for committees whose list is incomplete.
  let truncatedBound: number | undefined;
  if (list.truncated) {
    const floor = calcMissingCostFloor(problem);
    const floors = Float64Array.from(list.complete, (c) => (c ? Infinity : floor));
    truncatedBound = calcRowBound(n, list.candidates.map((c) => ({ rows: c.members, cost: c.cost })), floors);
    const why = { count: 'count budget', memory: 'memory budget', time: 'time share' }[list.stoppedBy ?? 'count'];
    notes.push(`street office ${problem.streetOffice}: candidate enumeration stopped by its ${why} after ${list.candidates.length} candidates; the plan is the best over those, the bound holds for all`);
  }
  const partitionOptions: PartitionOptions = { deadline };
  const fixedCount = problem.scenario.rules.stations?.[problem.streetOffice];
  if (fixedCount !== undefined) partitionOptions.count = fixedCount;
  if (options.dominance !== undefined) partitionOptions.dominance = options.dominance;
  if (options.smallComponentRows !== undefined) partitionOptions.smallComponentRows = options.smallComponentRows;
  if (options.frontierStates !== undefined) partitionOptions.frontierStates = options.frontierStates;
  const toGroups = (chosen: readonly number[]): number[][] => chosen.map((ci) => list.candidates[ci]!.members.slice()).sort((a, b) => a[0]! - b[0]!);
  const onPlan = options.onPlan;
  if (onPlan) {
    partitionOptions.onPlan = (p) => {
      const groups = toGroups(p.chosen);
      if (verifyPartition(problem, groups).length > 0) return;
      const bound = Math.min(p.objective, truncatedBound ?? p.bound);
      onPlan({
        status: 'time_limit', groups, objective: p.objective, bound, gap: (p.objective - bound) / Math.max(1, Math.abs(p.objective)),
        ms: Date.now() - t0, candidates: list.candidates.length, engine: `${engine.name} (stopped)`,
        notes: [...notes, `street office ${problem.streetOffice}: stopped at the time limit`],
      });
    };
  }
  const out = solvePartition(n, list.candidates, engine, partitionOptions);
  const candidates = list.candidates.length;
  const nameOf = (i: number): string => problem.committees[i]!.name;
  if (out.status === 'infeasible' && fixedCount !== undefined) {
    return done({
      ...base(), status: 'infeasible', bound: Infinity, candidates,
      reasons: [{ code: 'station-count', message: `street office ${problem.streetOffice}: ${out.messages.join('; ')} (rules.stations asks for ${fixedCount})` }],
    });
  }
  if (out.status === 'infeasible') {
    return done({
      ...base(), status: 'infeasible', bound: Infinity, candidates,
      reasons: out.failed.map((rows) => ({
        code: 'no-partition',
        message: `No plan covers ${rows.map(nameOf).join(', ')} each exactly once: the together, separate and keep locks leave no way to group them within the rules.`,
        committees: rows.map(nameOf),
      })),
    });
  }
  if (out.status === 'error') {
    return done({
      ...base(), candidates,
      reasons: [{ code: 'engine-error', message: `${engine.name} failed: ${out.messages.join('; ') || 'no plan'}`, committees: out.failed.flat().map(nameOf) }],
    });
  }
  const groups = toGroups(out.chosen);
  const violations = verifyPartition(problem, groups);
  if (violations.length > 0) {
    return done({ ...base(), candidates, reasons: violations.map((v) => ({ code: 'plan-check-failed', message: v })) });
  }
  const objective = out.objective;
  let bound = Math.min(truncatedBound ?? out.bound, objective);
  let status = out.status;
  if (truncatedBound !== undefined && objective - bound > 1e-9) status = 'time_limit';
  else if (status === 'optimal' || objective - bound <= 1e-9) { status = 'optimal'; bound = objective; }
  if (status === 'time_limit' && Date.now() >= deadline) notes.push(`street office ${problem.streetOffice}: stopped at the time limit`);
  const gap = (objective - bound) / Math.max(1, Math.abs(objective));
  // Name what proved it: the frontier search, when it handled a dense component, beside the engine.
  const by = out.dense.length > 0 ? `${engine.name}+frontier` : engine.name;
  return done({ status, groups, objective, bound, gap, ms: 0, candidates, engine: by, ...(notes.length > 0 ? { notes } : {}) });
}

/**
 * The least cost per committee that a candidate missing from a stopped enumeration can have: the
 * added candidates are never single blocks (those are always listed), so they hold at most
 * `maxCommitteesPerStation` committees, and every term of the cost is ≥ 0 besides the station
 * term: cost ≥ station weight. −Infinity when a weight is negative (no floor then).
 */
export function calcMissingCostFloor(problem: Problem): number {
  const w = problem.scenario.weights;
  const all = [w.station, w.merge, w.under, w.over, w.compactness, w.typeMix, w.enclaveLink, ...Object.values(w.facility)];
  if (all.some((x) => !(x >= 0))) return -Infinity;
  return w.station / problem.scenario.rules.maxCommitteesPerStation;
}
