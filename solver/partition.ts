/**
 * The exact partition: choose candidates covering every committee exactly once at least total
 * cost (set partitioning, x_S ∈ {0,1}, one equality row per committee).
 *
 * Before the integer program: dominated candidates are dropped (`dropDominated`), choices that
 * are forced (a committee left with a single candidate) are fixed, and what remains is split into
 * connected components (committees linked by a shared candidate), each solved on its own with a
 * greedy first plan as its starting solution: small ones (≤ 16 committees) by a dynamic program
 * over subsets, larger ones whose rows can be ordered so that no candidate spans more than 64
 * positions by the frontier solver (solver/frontier-solve.ts: column-count split, frontier search,
 * the engine per count), the rest (or all, when asked) by the engine alone.
 */
import { FRONTIER_MAX_SPAN, orderRowsForFrontier } from './frontier.js';
import { solveDenseComponent } from './frontier-solve.js';
import type { ComponentAnswer, ComponentModel, ComponentStatus, PartitionEngine } from './engines/types.js';
import { SOLVER_DEFAULTS } from './defaults.js';
import { engineSeconds } from './engines/clock.js';
import { solveSmallComponent } from './subset-dp.js';
import { solveWideComponent } from './wide-solve.js';
import type { Candidate } from './types.js';

export interface PartitionOptions {
  /** Wall-clock limit for the whole partition, ms. [SOLVER_DEFAULTS.timeLimitMs] */
  timeLimitMs?: number;
  /** `Date.now()` by which the partition returns (the earlier of this and `timeLimitMs` holds). [none] */
  deadline?: number;
  /**
   * Called with each checked plan as it improves, first as soon as every component has a greedy
   * plan: chosen candidate indices (ascending), their cost and a proven lower bound. [none]
   */
  onPlan?: (plan: { chosen: number[]; objective: number; bound: number }) => void;
  /**
   * Only plans of exactly this many candidates (a fixed station count): dominance is then off
   * (a split changes the count) and what the forced choices leave is one model for the engine. [free]
   */
  count?: number;
  /** Drop dominated candidates first. [true] */
  dominance?: boolean;
  /**
   * Components of at most this many committees are solved exactly by a dynamic program over
   * subsets instead of the engine (which costs 10–50 ms per call); 0 sends all to the engine.
   * [SOLVER_DEFAULTS.smallComponentRows]
   */
  smallComponentRows?: number;
  /**
   * Larger components go to the frontier solver (`solveDenseComponent`: column-count split, frontier
   * search, the engine per count) with this state budget per search; 0 sends them to the engine
   * alone, as does `smallComponentRows: 0`. [SOLVER_DEFAULTS.frontierStates]
   */
  frontierStates?: number;
}

export interface PartitionOutcome {
  status: ComponentStatus;
  /** Chosen candidate indices into the given list, ascending. */
  chosen: number[];
  objective: number;
  bound: number;
  /** Candidates left after the dominance reduction. */
  kept: number;
  /** Components sent to the engine, and the largest one's column count. */
  components: number;
  largestComponent: number;
  /** Committees of the components the engine found infeasible or failed on. */
  failed: number[][];
  messages: string[];
  /** Components given to the frontier solver: size, row-order span, outcome, states, column counts searched. */
  dense: { rows: number; columns: number; span: number; status: ComponentStatus; states: number; counts: number }[];
}

/**
 * Wide components (no frontier order) of at least this many columns go to `solveWideComponent`
 * (LP by column generation, reduced-cost fixing) instead of the engine alone.
 */
export const WIDE_COLUMNS = 3000;

export { solveSmallComponent };

const key = (members: readonly number[]): string => members.join(',');

/**
 * Marks dominated candidates: S is dominated when its cost is ≥ the least cost of partitioning
 * its own committees into two or more smaller candidates of the list (DP over the subsets of S;
 * skipped for candidates of more than 12 committees). An optimal plan never needs a dominated
 * candidate: replacing it by its best split costs no more, and every piece of a split is either
 * kept or dominated by a split of its own (induction on size).
 * @returns `true` per candidate that may be dropped
 */
export function findDominated(candidates: readonly Candidate[], deadline = Infinity): boolean[] {
  const costOf = new Map<string, number>();
  for (const c of candidates) {
    const k = key(c.members);
    const seen = costOf.get(k);
    if (seen === undefined || c.cost < seen) costOf.set(k, c.cost);
  }
  const firstOf = new Map<string, number>();
  // past the deadline the rest is kept: fewer candidates dropped, the same optimum
  let late = false;
  return candidates.map((c, ci) => {
    const k = key(c.members);
    // duplicates: keep only the first cheapest copy
    if (c.cost > costOf.get(k)!) return true;
    if (firstOf.has(k)) return true;
    firstOf.set(k, ci);
    if (late || ((ci & 1023) === 0 && Date.now() > deadline)) { late = true; return false; }
    const m = c.members.length;
    if (m < 2 || m > 12) return false;
    const full = (1 << m) - 1;
    const single = new Float64Array(full + 1).fill(Infinity);
    for (let mask = 1; mask < full; mask++) {
      const sub: number[] = [];
      for (let i = 0; i < m; i++) if (mask & (1 << i)) sub.push(c.members[i]!);
      const v = costOf.get(key(sub));
      if (v !== undefined) single[mask] = v;
    }
    // best[mask]: least cost of partitioning mask into proper pieces
    const best = new Float64Array(full + 1).fill(Infinity);
    best[0] = 0;
    for (let mask = 1; mask <= full; mask++) {
      const low = mask & -mask;
      for (let sub = mask; sub > 0; sub = (sub - 1) & mask) {
        if (!(sub & low) || single[sub] === Infinity) continue;
        const rest = best[mask ^ sub]!;
        if (rest === Infinity) continue;
        const v = single[sub]! + rest;
        if (v < best[mask]!) best[mask] = v;
      }
    }
    return c.cost >= best[full]! - 1e-12;
  });
}

/**
 * A greedy plan: candidates by cost per committee (then canonical order), taken when disjoint
 * from those already taken. Returns null when it leaves a row uncovered.
 */
export function greedyCover(rows: number, columns: readonly { rows: number[]; cost: number }[]): number[] | null {
  const order = columns.map((_, i) => i).sort((a, b) =>
    columns[a]!.cost / columns[a]!.rows.length - columns[b]!.cost / columns[b]!.rows.length || a - b);
  const used = new Uint8Array(rows);
  const chosen: number[] = [];
  let covered = 0;
  for (const j of order) {
    const col = columns[j]!;
    if (col.rows.some((r) => used[r] === 1)) continue;
    for (const r of col.rows) used[r] = 1;
    covered += col.rows.length;
    chosen.push(j);
    if (covered === rows) break;
  }
  return covered === rows ? chosen.sort((a, b) => a - b) : null;
}

/**
 * Improves a plan by exact swaps: an unused column replaces the chosen columns it overlaps when
 * those cover exactly its rows and cost more. A few passes, deterministic.
 */
function improveBySwaps(rows: number, columns: readonly { rows: number[]; cost: number }[], chosen: number[]): number[] {
  const owner = new Int32Array(rows).fill(-1);
  for (const j of chosen) for (const r of columns[j]!.rows) owner[r] = j;
  const current = new Set(chosen);
  let improved = true;
  for (let pass = 0; pass < 5 && improved; pass++) {
    improved = false;
    for (let j = 0; j < columns.length; j++) {
      if (current.has(j)) continue;
      const col = columns[j]!;
      const owners = [...new Set(col.rows.map((r) => owner[r]!))];
      const ownedRows = owners.reduce((s, o) => s + columns[o]!.rows.length, 0);
      if (ownedRows !== col.rows.length) continue;
      const old = owners.reduce((s, o) => s + columns[o]!.cost, 0);
      if (col.cost < old - 1e-12) {
        for (const o of owners) current.delete(o);
        current.add(j);
        for (const r of col.rows) owner[r] = j;
        improved = true;
      }
    }
  }
  return [...current].sort((a, b) => a - b);
}

/**
 * A lower bound on any partition of the rows by these columns, without solving anything:
 * y_r = least cost per row of a column holding r is a feasible dual (Σ_{r∈c} y_r ≤ cost(c)),
 * so Σ y_r ≤ every plan's cost. Weak, but ready at once: the bound of a component the clock
 * left unsolved. `floor` caps y_r for rows whose columns may be missing (an enumeration stopped
 * early; see `calcMissingCostFloor`). −Infinity when a row has no column and no floor.
 */
export function calcRowBound(rows: number, columns: readonly { rows: readonly number[]; cost: number }[], floor: number | ArrayLike<number> = Infinity): number {
  const y = typeof floor === 'number' ? new Float64Array(rows).fill(floor) : Float64Array.from(floor);
  for (const c of columns) {
    const per = c.cost / c.rows.length;
    for (const r of c.rows) if (per < y[r]!) y[r] = per;
  }
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += y[r]!;
  return Number.isFinite(sum) ? sum : -Infinity;
}

/** One connected component of what is left after the forced choices. */
interface Component {
  /** Committees (global row indices), ascending. */
  rows: number[];
  /** Candidate indices. */
  cols: number[];
}

interface Reduction {
  /** Candidates kept (indices), after dominance and forced choices. */
  alive: number[];
  /** Candidates kept after dominance alone. */
  kept: number;
  /** Candidates fixed by forced choices. */
  forced: number[];
  fixedRow: Uint8Array;
  /** Committees left with no candidate (the problem is infeasible). */
  infeasibleRows: number[];
}

/** Dominance, then forced choices: a committee with a single candidate left takes it. */
function reduceCandidates(n: number, candidates: readonly Candidate[], dominance: boolean, deadline: number): Reduction {
  const dropped = dominance ? findDominated(candidates, deadline) : candidates.map(() => false);
  const alive = candidates.map((_, i) => i).filter((i) => !dropped[i]);
  const byRow: number[][] = Array.from({ length: n }, () => []);
  for (const ci of alive) for (const r of candidates[ci]!.members) byRow[r]!.push(ci);
  const dead = new Uint8Array(candidates.length);
  const fixedRow = new Uint8Array(n);
  const liveCount = byRow.map((l) => l.length);
  const queue: number[] = [];
  for (let r = 0; r < n; r++) if (liveCount[r] === 1) queue.push(r);
  const forced: number[] = [];
  const infeasible: number[] = [];
  while (queue.length > 0) {
    const r = queue.shift()!;
    if (fixedRow[r]) continue;
    const only = byRow[r]!.find((ci) => !dead[ci]);
    if (only === undefined) { infeasible.push(r); continue; }
    forced.push(only);
    for (const rr of candidates[only]!.members) fixedRow[rr] = 1;
    for (const rr of candidates[only]!.members) {
      for (const ci of byRow[rr]!) {
        if (dead[ci] || ci === only) continue;
        dead[ci] = 1;
        for (const r3 of candidates[ci]!.members) {
          liveCount[r3]!--;
          if (!fixedRow[r3] && liveCount[r3]! <= 1) queue.push(r3);
        }
      }
    }
    dead[only] = 1;
  }
  for (let r = 0; r < n; r++) if (!fixedRow[r] && liveCount[r] === 0) infeasible.push(r);
  return {
    alive: alive.filter((ci) => !dead[ci]), kept: alive.length, forced, fixedRow,
    infeasibleRows: [...new Set(infeasible)].sort((a, b) => a - b),
  };
}

/**
 * Components of the committees not yet fixed (union-find through shared candidates), smallest
 * first (by candidate count, then lowest committee): a deterministic order.
 */
function splitComponents(n: number, candidates: readonly Candidate[], alive: readonly number[], fixedRow: Uint8Array): Component[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (const ci of alive) {
    const m = candidates[ci]!.members;
    for (let k = 1; k < m.length; k++) { const a = find(m[0]!), b = find(m[k]!); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); }
  }
  const byRoot = new Map<number, Component>();
  for (let r = 0; r < n; r++) {
    if (fixedRow[r]) continue;
    const root = find(r);
    let comp = byRoot.get(root);
    if (!comp) { comp = { rows: [], cols: [] }; byRoot.set(root, comp); }
    comp.rows.push(r);
  }
  for (const ci of alive) byRoot.get(find(candidates[ci]!.members[0]!))!.cols.push(ci);
  return [...byRoot.entries()].sort(([ra, a], [rb, b]) => a.cols.length - b.cols.length || ra - rb).map(([, c]) => c);
}

/** The component as a model over local rows, with its checked greedy plan and its row bound. */
function makeComponentModel(comp: Component, candidates: readonly Candidate[]): { model: ComponentModel; rowBound: number } {
  const local = new Map<number, number>();
  comp.rows.forEach((r, i) => local.set(r, i));
  const columns = comp.cols.map((ci) => ({ rows: candidates[ci]!.members.map((r) => local.get(r)!), cost: candidates[ci]!.cost }));
  const model: ComponentModel = { rows: comp.rows.length, columns, timeLimitSec: 0 };
  const start = greedyCover(model.rows, columns);
  if (start !== null) model.start = improveBySwaps(model.rows, columns, start);
  return { model, rowBound: calcRowBound(model.rows, columns) };
}

/** Is `chosen` an exact partition of the model's rows? */
function isExactPartition(model: ComponentModel, chosen: readonly number[]): boolean {
  const hit = new Uint8Array(model.rows);
  for (const j of chosen) {
    if (!Number.isInteger(j) || j < 0 || j >= model.columns.length) return false;
    for (const r of model.columns[j]!.rows) { if (hit[r]) return false; hit[r] = 1; }
  }
  return hit.every((h) => h === 1);
}

interface ComponentRun {
  answer: ComponentAnswer;
  dense?: PartitionOutcome['dense'][number];
}

/**
 * Solves one component with the method its size calls for (see the module comment); a component
 * reached after the deadline keeps its greedy plan (small ones are still solved: they take
 * microseconds).
 */
function runComponent(model: ComponentModel, engine: PartitionEngine, smallRows: number, frontierStates: number, deadline: number): ComponentRun {
  try {
    if (model.rows <= smallRows) {
      const plan = solveSmallComponent(model);
      return { answer: plan === null ? { status: 'infeasible', chosen: [], bound: Infinity } : { status: 'optimal', chosen: plan, bound: -Infinity } };
    }
    if (Date.now() >= deadline && model.start !== undefined) {
      return { answer: { status: 'error', chosen: [], bound: -Infinity, message: 'time limit reached before this component was solved' } };
    }
    // the frontier solver where its search fits (a row order spanning ≤ 64 positions); wider
    // components (large sprawling ones) go to the engine, which does better there alone
    const order = frontierStates > 0 && smallRows > 0 ? orderRowsForFrontier(model.rows, model.columns) : null;
    if (order !== null && order.span <= FRONTIER_MAX_SPAN) {
      const dense = solveDenseComponent(model, { engine, deadline, maxStates: frontierStates, order });
      return { answer: dense, dense: { rows: model.rows, columns: model.columns.length, span: dense.span, status: dense.status, states: dense.states, counts: dense.counts.length } };
    }
    // wide and large: LP by column generation, a first plan from the columns of least reduced
    // cost, reduced-cost fixing, then the engine (solver/wide-solve.ts)
    if (frontierStates > 0 && smallRows > 0 && engine.relax !== undefined && model.columns.length >= WIDE_COLUMNS) {
      return { answer: solveWideComponent(model, engine, { deadline }) };
    }
    const seconds = engineSeconds(deadline, model.columns.length);
    if (seconds === null && model.start !== undefined) {
      return { answer: { status: 'error', chosen: [], bound: -Infinity, message: 'too little time left for the engine' } };
    }
    return { answer: engine.solve({ ...model, timeLimitSec: seconds ?? 0.01 }) };
  } catch (err) {
    return { answer: { status: 'error', chosen: [], bound: -Infinity, message: err instanceof Error ? err.message : String(err) } };
  }
}

/**
 * The engine's answer, checked: a plan that is not an exact partition is replaced by the greedy
 * plan, and so is a missing plan (error, the clock); a bound that is unknown becomes the row bound.
 */
function checkAnswer(model: ComponentModel, answer: ComponentAnswer, rowBound: number, label: string, messages: string[]): ComponentAnswer {
  if (answer.status !== 'infeasible' && answer.status !== 'error' && !isExactPartition(model, answer.chosen)) {
    messages.push(`${label}: the plan returned is not a partition`);
    answer = { status: 'error', chosen: [], bound: answer.bound };
  }
  if (answer.status === 'error' && model.start !== undefined) {
    if (answer.message !== undefined) messages.push(answer.message);
    answer = { status: 'time_limit', chosen: model.start, bound: answer.bound, message: `${label}: greedy plan kept` };
  }
  if (answer.status === 'feasible' || answer.status === 'time_limit') {
    answer = { ...answer, bound: Math.max(Number.isFinite(answer.bound) ? answer.bound : -Infinity, rowBound) };
  }
  return answer;
}

const RANK: Record<ComponentStatus, number> = { optimal: 0, feasible: 1, time_limit: 2, infeasible: 3, error: 4 };

/**
 * Solves the set partition of committees 0..n-1 over `candidates` with `engine`: dominance and
 * forced choices, components, each component solved and checked, the plan assembled.
 * @param n number of committees
 * @param candidates admissible candidates (members ascending), in canonical order
 * @param engine HiGHS or javascript-lp-solver wrapper
 * @param [options.timeLimitMs=SOLVER_DEFAULTS.timeLimitMs] overall wall-clock limit
 * @param [options.deadline] `Date.now()` limit (the earlier one holds)
 * @param [options.dominance=true] drop dominated candidates first
 */
export function solvePartition(n: number, candidates: readonly Candidate[], engine: PartitionEngine, options: PartitionOptions = {}): PartitionOutcome {
  const t0 = Date.now();
  const deadline = Math.min(options.deadline ?? Infinity, t0 + (options.timeLimitMs ?? SOLVER_DEFAULTS.timeLimitMs));
  const smallRows = Math.min(20, options.smallComponentRows ?? SOLVER_DEFAULTS.smallComponentRows);
  const frontierStates = options.frontierStates ?? SOLVER_DEFAULTS.frontierStates;
  if (options.count !== undefined) return solveWithCount(n, candidates, engine, options.count, deadline);
  // dominance may take a quarter of the time: what it has not marked by then is kept
  const reduced = reduceCandidates(n, candidates, options.dominance !== false, t0 + (deadline - t0) / 4);
  const outcome: PartitionOutcome = {
    status: 'optimal', chosen: [], objective: 0, bound: 0, kept: reduced.kept,
    components: 0, largestComponent: 0, failed: [], messages: [], dense: [],
  };
  if (reduced.infeasibleRows.length > 0) {
    outcome.status = 'infeasible';
    outcome.failed.push(reduced.infeasibleRows);
    outcome.messages.push('some committees are left with no candidate once the forced choices are made');
    outcome.objective = NaN;
    outcome.bound = Infinity;
    return outcome;
  }
  const components = splitComponents(n, candidates, reduced.alive, reduced.fixedRow);
  outcome.components = components.length;
  outcome.largestComponent = components.reduce((m, c) => Math.max(m, c.cols.length), 0);
  const models = components.map((c) => makeComponentModel(c, candidates));
  const forcedCost = reduced.forced.reduce((s, ci) => s + candidates[ci]!.cost, 0);

  // per component: the plan so far (the greedy one until solved) and its bound
  const plans: (number[] | null)[] = models.map((m) => m.model.start ?? null);
  const bounds = models.map((m) => m.rowBound);
  let lastReport = -Infinity;
  const report = (force: boolean): void => {
    if (!options.onPlan || plans.some((p) => p === null)) return;
    if (!force && Date.now() - lastReport < 200) return;
    lastReport = Date.now();
    const chosen = [...reduced.forced, ...components.flatMap((c, k) => plans[k]!.map((j) => c.cols[j]!))].sort((a, b) => a - b);
    const objective = chosen.reduce((s, ci) => s + candidates[ci]!.cost, 0);
    options.onPlan({ chosen, objective, bound: Math.min(objective, forcedCost + bounds.reduce((s, b) => s + b, 0)) });
  };
  report(true);

  let worst: ComponentStatus = 'optimal';
  const totalCols = components.reduce((s, c) => s + c.cols.length, 0);
  let doneCols = 0;
  for (const [k, comp] of components.entries()) {
    const { model, rowBound } = models[k]!;
    // share the time left between the components still to solve, weighted by size
    const leftMs = Math.max(0, deadline - Date.now());
    const restCols = totalCols - doneCols;
    doneCols += comp.cols.length;
    const shareMs = comp.cols.length >= restCols ? leftMs : Math.max(leftMs * (comp.cols.length / restCols), Math.min(leftMs, 1000));
    model.timeLimitSec = Math.max(0.01, shareMs / 1000);
    const run = runComponent(model, engine, smallRows, frontierStates, Math.min(deadline, Date.now() + shareMs));
    if (run.dense) outcome.dense.push(run.dense);
    const answer = checkAnswer(model, run.answer, rowBound, `${engine.name}, component ${k}`, outcome.messages);
    if (answer.message !== undefined) outcome.messages.push(answer.message);
    if (RANK[answer.status] > RANK[worst]) worst = answer.status;
    if (answer.status === 'infeasible' || answer.status === 'error') {
      outcome.failed.push(comp.rows);
      plans[k] = null;
      continue;
    }
    const value = answer.chosen.reduce((s, j) => s + model.columns[j]!.cost, 0);
    plans[k] = answer.chosen;
    bounds[k] = answer.status === 'optimal' ? value : Math.min(value, answer.bound);
    report(false);
  }
  if (worst === 'infeasible' || worst === 'error') {
    outcome.status = worst;
    outcome.objective = NaN;
    outcome.bound = worst === 'infeasible' ? Infinity : -Infinity;
    return outcome;
  }
  outcome.chosen = [...reduced.forced, ...components.flatMap((c, k) => plans[k]!.map((j) => c.cols[j]!))].sort((a, b) => a - b);
  outcome.status = worst;
  outcome.objective = outcome.chosen.reduce((s, ci) => s + candidates[ci]!.cost, 0);
  outcome.bound = forcedCost + bounds.reduce((s, b) => s + b, 0);
  return outcome;
}


/**
 * The best partition with exactly `count` candidates: forced choices, then one integer program
 * Σ x = count − forced over every committee left (components are not independent any more: the
 * count ties them), checked like any other answer.
 */
function solveWithCount(n: number, candidates: readonly Candidate[], engine: PartitionEngine, count: number, deadline: number): PartitionOutcome {
  const reduced = reduceCandidates(n, candidates, false, deadline);
  const outcome: PartitionOutcome = {
    status: 'optimal', chosen: [], objective: NaN, bound: Infinity, kept: reduced.kept,
    components: 1, largestComponent: 0, failed: [], messages: [], dense: [],
  };
  const rows: number[] = [];
  for (let r = 0; r < n; r++) if (!reduced.fixedRow[r]) rows.push(r);
  const left = count - reduced.forced.length;
  const infeasible = (why: string): PartitionOutcome => {
    outcome.status = 'infeasible';
    outcome.failed.push(rows.length > 0 ? rows : Array.from({ length: n }, (_, i) => i));
    outcome.messages.push(why);
    return outcome;
  };
  if (reduced.infeasibleRows.length > 0) return infeasible('some committees are left with no candidate once the forced choices are made');
  if (left < 0 || (rows.length === 0 && left !== 0) || left > rows.length) {
    return infeasible(`${reduced.forced.length} stations are forced and ${rows.length} committees are left: no plan has exactly ${count} stations`);
  }
  const forcedCost = reduced.forced.reduce((s, ci) => s + candidates[ci]!.cost, 0);
  let chosen: number[] = [];
  let bound = 0;
  let status: ComponentStatus = 'optimal';
  if (rows.length > 0) {
    const comp = makeComponentModel({ rows, cols: reduced.alive }, candidates);
    outcome.largestComponent = reduced.alive.length;
    const model: ComponentModel = { rows: comp.model.rows, columns: comp.model.columns, count: left, timeLimitSec: Math.max(0.01, (deadline - Date.now()) / 1000) };
    if (comp.model.start !== undefined && comp.model.start.length === left) model.start = comp.model.start;
    let answer: ComponentAnswer;
    try {
      answer = engine.solve(model);
    } catch (err) {
      answer = { status: 'error', chosen: [], bound: -Infinity, message: err instanceof Error ? err.message : String(err) };
    }
    if (answer.status === 'infeasible') return infeasible(`no plan of exactly ${count} stations satisfies the rules and locks`);
    if (answer.status === 'error' || !isExactPartition(model, answer.chosen) || answer.chosen.length !== left) {
      outcome.status = 'error';
      outcome.bound = -Infinity;
      outcome.failed.push(rows);
      outcome.messages.push(answer.message ?? `${engine.name} found no plan of exactly ${count} stations in time`);
      return outcome;
    }
    const value = answer.chosen.reduce((s, j) => s + model.columns[j]!.cost, 0);
    status = answer.status;
    bound = status === 'optimal' ? value : Math.min(value, answer.bound);
    chosen = answer.chosen.map((j) => reduced.alive[j]!);
  }
  outcome.chosen = [...reduced.forced, ...chosen].sort((a, b) => a - b);
  outcome.status = status;
  outcome.objective = outcome.chosen.reduce((s, ci) => s + candidates[ci]!.cost, 0);
  outcome.bound = forcedCost + bound;
  return outcome;
}
