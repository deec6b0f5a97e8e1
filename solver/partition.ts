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
import type { Candidate } from './types.js';

export interface PartitionOptions {
  /** Wall-clock limit for the whole partition, ms. [60000] */
  timeLimitMs?: number;
  /** Drop dominated candidates first. [true] */
  dominance?: boolean;
  /**
   * Components of at most this many committees are solved exactly by a dynamic program over
   * subsets instead of the engine (which costs 10–50 ms per call); 0 sends all to the engine. [16]
   */
  smallComponentRows?: number;
  /**
   * Larger components go to the frontier solver (`solveDenseComponent`: column-count split, frontier
   * search, the engine per count) with this state budget per search; 0 sends them to the engine
   * alone, as does `smallComponentRows: 0`. [200000]
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

const key = (members: readonly number[]): string => members.join(',');

/**
 * Marks dominated candidates: S is dominated when its cost is ≥ the least cost of partitioning
 * its own committees into two or more smaller candidates of the list (DP over the subsets of S;
 * skipped for candidates of more than 12 committees). An optimal plan never needs a dominated
 * candidate: replacing it by its best split costs no more, and every piece of a split is either
 * kept or dominated by a split of its own (induction on size).
 * @returns `true` per candidate that may be dropped
 */
export function findDominated(candidates: readonly Candidate[]): boolean[] {
  const costOf = new Map<string, number>();
  for (const c of candidates) {
    const k = key(c.members);
    const seen = costOf.get(k);
    if (seen === undefined || c.cost < seen) costOf.set(k, c.cost);
  }
  const firstOf = new Map<string, number>();
  return candidates.map((c, ci) => {
    const k = key(c.members);
    // duplicates: keep only the first cheapest copy
    if (c.cost > costOf.get(k)!) return true;
    if (firstOf.has(k)) return true;
    firstOf.set(k, ci);
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
 * Exact set partition of a small component by dynamic programming over the covered rows: the
 * lowest uncovered row is covered next by each column that contains it and fits. Ties keep the
 * first column in index order. Returns null when no partition exists.
 */
export function solveSmallComponent(model: Pick<ComponentModel, 'rows' | 'columns'>): number[] | null {
  const rows = model.rows;
  if (rows > 20) throw new RangeError(`solveSmallComponent: ${rows} rows, at most 20`);
  const full = (1 << rows) - 1;
  const colMask = model.columns.map((c) => c.rows.reduce((m, r) => m | (1 << r), 0));
  const byLow: number[][] = Array.from({ length: rows }, () => []);
  model.columns.forEach((c, j) => byLow[Math.min(...c.rows)]!.push(j));
  // f[mask] = least cost to cover the rows not in mask; NaN = not computed
  const f = new Float64Array(full + 1).fill(NaN);
  const pick = new Int32Array(full + 1).fill(-1);
  f[full] = 0;
  const solve = (mask: number): number => {
    const known = f[mask]!;
    if (!Number.isNaN(known)) return known;
    let low = 0;
    while (mask & (1 << low)) low++;
    let best = Infinity, arg = -1;
    // only columns whose lowest row is `low`: any other column holding `low` overlaps a covered row
    for (const j of byLow[low]!) {
      if (colMask[j]! & mask) continue;
      const v = model.columns[j]!.cost + solve(mask | colMask[j]!);
      if (v < best) { best = v; arg = j; }
    }
    f[mask] = best;
    pick[mask] = arg;
    return best;
  };
  if (solve(0) === Infinity) return null;
  const chosen: number[] = [];
  for (let mask = 0; mask !== full;) { const j = pick[mask]!; chosen.push(j); mask |= colMask[j]!; }
  return chosen.sort((a, b) => a - b);
}

/**
 * Solves the set partition of committees 0..n-1 over `candidates` with `engine`.
 * @param n number of committees
 * @param candidates admissible candidates (members ascending), in canonical order
 * @param engine HiGHS or javascript-lp-solver wrapper
 * @param [options.timeLimitMs=60000] overall wall-clock limit
 * @param [options.dominance=true] drop dominated candidates first
 */
export function solvePartition(n: number, candidates: readonly Candidate[], engine: PartitionEngine, options: PartitionOptions = {}): PartitionOutcome {
  const t0 = Date.now();
  const limitMs = options.timeLimitMs ?? 60_000;
  const smallRows = Math.min(20, options.smallComponentRows ?? 16);
  const frontierStates = options.frontierStates ?? 200_000;
  const dropped = options.dominance === false ? candidates.map(() => false) : findDominated(candidates);
  let alive = candidates.map((_, i) => i).filter((i) => !dropped[i]);
  const outcome: PartitionOutcome = {
    status: 'optimal', chosen: [], objective: 0, bound: 0, kept: alive.length,
    components: 0, largestComponent: 0, failed: [], messages: [], dense: [],
  };

  // forced choices: a committee with a single candidate left takes it
  const byRow: number[][] = Array.from({ length: n }, () => []);
  for (const ci of alive) for (const r of candidates[ci]!.members) byRow[r]!.push(ci);
  const dead = new Uint8Array(candidates.length);
  const fixedRow = new Uint8Array(n);
  const liveCount = byRow.map((l) => l.length);
  const queue: number[] = [];
  for (let r = 0; r < n; r++) if (liveCount[r] === 1) queue.push(r);
  const chosen: number[] = [];
  let infeasibleRows: number[] = [];
  while (queue.length > 0) {
    const r = queue.shift()!;
    if (fixedRow[r]) continue;
    const only = byRow[r]!.find((ci) => !dead[ci]);
    if (only === undefined) { infeasibleRows.push(r); continue; }
    chosen.push(only);
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
  for (let r = 0; r < n; r++) if (!fixedRow[r] && liveCount[r] === 0) infeasibleRows.push(r);
  infeasibleRows = [...new Set(infeasibleRows)].sort((a, b) => a - b);
  if (infeasibleRows.length > 0) {
    outcome.status = 'infeasible';
    outcome.failed.push(infeasibleRows);
    outcome.messages.push('some committees are left with no candidate once the forced choices are made');
    outcome.objective = NaN;
    outcome.bound = Infinity;
    return outcome;
  }
  alive = alive.filter((ci) => !dead[ci]);

  // components of the rest (union-find over rows through shared candidates)
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (const ci of alive) {
    const m = candidates[ci]!.members;
    for (let k = 1; k < m.length; k++) { const a = find(m[0]!), b = find(m[k]!); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); }
  }
  const compRows = new Map<number, number[]>();
  for (let r = 0; r < n; r++) {
    if (fixedRow[r]) continue;
    const root = find(r);
    const list = compRows.get(root) ?? [];
    list.push(r);
    compRows.set(root, list);
  }
  const compCols = new Map<number, number[]>();
  for (const ci of alive) {
    const root = find(candidates[ci]!.members[0]!);
    const list = compCols.get(root) ?? [];
    list.push(ci);
    compCols.set(root, list);
  }
  // solve small components first (roots ascending within equal size): deterministic order
  const roots = [...compRows.keys()].sort((a, b) =>
    (compCols.get(a)?.length ?? 0) - (compCols.get(b)?.length ?? 0) || a - b);
  outcome.components = roots.length;
  let bound = 0;
  let worst: ComponentStatus = 'optimal';
  const rank: Record<ComponentStatus, number> = { optimal: 0, feasible: 1, time_limit: 2, infeasible: 3, error: 4 };
  for (const [k, root] of roots.entries()) {
    const rowsList = compRows.get(root)!;
    const cols = compCols.get(root) ?? [];
    outcome.largestComponent = Math.max(outcome.largestComponent, cols.length);
    const local = new Map<number, number>();
    rowsList.forEach((r, i) => local.set(r, i));
    const columns = cols.map((ci) => ({ rows: candidates[ci]!.members.map((r) => local.get(r)!), cost: candidates[ci]!.cost }));
    let start = greedyCover(rowsList.length, columns);
    if (start !== null) start = improveBySwaps(rowsList.length, columns, start);
    // share the time left between the components still to solve, weighted by size
    const leftMs = Math.max(0, limitMs - (Date.now() - t0));
    const restCols = roots.slice(k).reduce((s, r) => s + (compCols.get(r)?.length ?? 0), 0);
    const shareMs = cols.length >= restCols ? leftMs : Math.max(leftMs * (cols.length / restCols), Math.min(leftMs, 1000));
    const model: ComponentModel = { rows: rowsList.length, columns, timeLimitSec: Math.max(0.01, shareMs / 1000) };
    if (start !== null) model.start = start;
    let answer: ComponentAnswer;
    try {
      if (rowsList.length <= smallRows) {
        const plan = solveSmallComponent(model);
        answer = plan === null ? { status: 'infeasible', chosen: [], bound: Infinity } : { status: 'optimal', chosen: plan, bound: -Infinity };
      } else {
        // the frontier solver where its search fits (a row order spanning ≤ 64 positions); wider
        // components (large sprawling ones) go to the engine, which does better there alone
        const order = frontierStates > 0 && smallRows > 0 ? orderRowsForFrontier(model.rows, model.columns) : null;
        if (order !== null && order.span <= FRONTIER_MAX_SPAN) {
          const dense = solveDenseComponent(model, { engine, deadline: Date.now() + shareMs, maxStates: frontierStates, order });
          answer = dense;
          outcome.dense.push({ rows: model.rows, columns: columns.length, span: dense.span, status: dense.status, states: dense.states, counts: dense.counts.length });
        } else {
          answer = engine.solve(model);
        }
      }
    } catch (err) {
      answer = { status: 'error', chosen: [], bound: -Infinity, message: err instanceof Error ? err.message : String(err) };
    }
    // check the engine's answer: an exact partition of this component
    if (answer.status !== 'infeasible' && answer.status !== 'error') {
      const hit = new Uint8Array(rowsList.length);
      let ok = answer.chosen.every((j) => Number.isInteger(j) && j >= 0 && j < columns.length);
      if (ok) for (const j of answer.chosen) for (const r of columns[j]!.rows) { if (hit[r]) ok = false; hit[r] = 1; }
      if (!ok || hit.some((h) => h === 0)) {
        outcome.messages.push(`${engine.name} returned a plan that is not a partition of component ${k}`);
        answer = start !== null
          ? { status: 'time_limit', chosen: start, bound: Number.isFinite(answer.bound) ? answer.bound : -Infinity }
          : { status: 'error', chosen: [], bound: -Infinity };
      }
    }
    // an engine that stops without a usable plan: fall back on the checked greedy plan
    if (answer.status === 'error' && start !== null) {
      if (answer.message !== undefined) outcome.messages.push(answer.message);
      answer = { status: 'time_limit', chosen: start, bound: answer.bound, message: `component ${k}: greedy plan kept` };
    }
    if (answer.message !== undefined) outcome.messages.push(answer.message);
    if (rank[answer.status] > rank[worst]) worst = answer.status;
    if (answer.status === 'infeasible' || answer.status === 'error') {
      outcome.failed.push(rowsList);
      continue;
    }
    const value = answer.chosen.reduce((s, j) => s + columns[j]!.cost, 0);
    bound += answer.status === 'optimal' ? value : Math.min(value, answer.bound);
    for (const j of answer.chosen) chosen.push(cols[j]!);
  }
  chosen.sort((a, b) => a - b);
  outcome.chosen = chosen;
  outcome.status = worst;
  if (worst === 'infeasible' || worst === 'error') {
    outcome.objective = NaN;
    outcome.bound = worst === 'infeasible' ? Infinity : -Infinity;
    return outcome;
  }
  outcome.objective = chosen.reduce((s, ci) => s + candidates[ci]!.cost, 0);
  outcome.bound = bound + forcedCost(candidates, chosen, new Set(alive));
  return outcome;
}

/** Cost of the chosen candidates that were fixed before the engine (not among the engine's columns). */
function forcedCost(candidates: readonly Candidate[], chosen: readonly number[], engineCols: ReadonlySet<number>): number {
  return chosen.reduce((s, ci) => s + (engineCols.has(ci) ? 0 : candidates[ci]!.cost), 0);
}
