/**
 * Exact set partition of one component by a best-first search over "frontier" states: the rows
 * are put in an order where every column spans few positions (Cuthill–McKee), and a partial
 * plan is summed up by its lowest uncovered position v and the covered positions of the window
 * (v, v + span]. The next column must be one whose lowest position is v (any other column holding
 * v would overlap a covered row), so every plan is a path from the empty state to the full one.
 *
 * The search is A* with dual prices y (Σ_{r∈c} y_r ≤ cost(c) for every column c, from the LP
 * relaxation or `calcDualPrices`): a path's key is Σ of the reduced costs cost(c) − Σ_{r∈c} y_r of
 * its columns, and Σ_r y_r + key is a lower bound on every plan through the state (the reduced
 * costs are ≥ 0, so the bound is consistent). Children are generated one at a time in key order
 * (see `aStar`), so each state is stored once, with its least key, and the first full state
 * generated is optimal. With `costToGoStates`, a backward search over the reversed order first
 * bounds the reduced cost still to pay (`searchCostToGo`) and the key adds that bound (admissible,
 * not consistent: a state met again with a smaller key is searched again; the first full state
 * generated is still optimal). A column whose reduced cost alone exceeds the gap to a known plan is
 * dropped before the search. When the search stops on its clock or state budget, Σ y + the least
 * key of a child not yet generated is the proven bound.
 */
import type { ComponentAnswer, ComponentModel } from './engines/types.js';

type Columns = ComponentModel['columns'];

/** An order of the rows for the frontier search. */
export interface FrontierOrder {
  /** Rows in search order. */
  order: number[];
  /** position[row] = index of the row in `order`. */
  position: Int32Array;
  /** Largest (last − first position) over the columns. */
  span: number;
}

/** Rows sharing a column, sorted ascending, without the row itself. */
function rowGraph(rows: number, columns: Columns): number[][] {
  const sets = Array.from({ length: rows }, () => new Set<number>());
  for (const c of columns) {
    for (const a of c.rows) for (const b of c.rows) if (a !== b) sets[a]!.add(b);
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

function spanOf(position: Int32Array, columns: Columns): { span: number; total: number } {
  let span = 0, total = 0;
  for (const c of columns) {
    let lo = Infinity, hi = -Infinity;
    for (const r of c.rows) { const p = position[r]!; if (p < lo) lo = p; if (p > hi) hi = p; }
    if (hi - lo > span) span = hi - lo;
    total += hi - lo;
  }
  return { span, total };
}

/**
 * Orders the rows so that columns span few positions: Cuthill–McKee (breadth first, neighbours by
 * degree) from several starts (the lowest-degree rows and pseudo-peripheral rows found by repeated
 * breadth-first sweeps), keeping the order with the smallest span, then the smallest total span,
 * then the first tried. Deterministic.
 */
export function orderRowsForFrontier(rows: number, columns: Columns): FrontierOrder {
  const adj = rowGraph(rows, columns);
  const deg = adj.map((a) => a.length);
  const byDeg = (a: number, b: number): number => deg[a]! - deg[b]! || a - b;
  const sortedAdj = adj.map((a) => a.slice().sort(byDeg));
  const cm = (start: number): number[] => {
    const seen = new Uint8Array(rows);
    const order: number[] = [];
    const rest = Array.from({ length: rows }, (_, i) => i).sort(byDeg);
    let next = 0;
    let s = start;
    for (;;) {
      seen[s] = 1;
      let head = order.length;
      order.push(s);
      while (head < order.length) {
        const v = order[head++]!;
        for (const w of sortedAdj[v]!) if (!seen[w]) { seen[w] = 1; order.push(w); }
      }
      while (next < rows && seen[rest[next]!]) next++;
      if (next >= rows) return order;
      s = rest[next]!;
    }
  };
  const starts = new Set<number>();
  const lowDeg = Array.from({ length: rows }, (_, i) => i).sort(byDeg);
  for (const v of lowDeg.slice(0, 3)) starts.add(v);
  // pseudo-peripheral rows: the lowest-degree row of the last breadth-first level, a few sweeps
  let s = lowDeg[0] ?? 0;
  for (let k = 0; k < 4 && rows > 0; k++) {
    const o = cm(s);
    const level = new Int32Array(rows).fill(-1);
    level[o[0]!] = 0;
    for (const v of o) for (const w of adj[v]!) if (level[w] === -1) level[w] = level[v]! + 1;
    const maxLevel = Math.max(...level);
    const last = o.filter((v) => level[v] === maxLevel).sort(byDeg);
    s = last[0]!;
    starts.add(s);
  }
  let best: FrontierOrder | null = null;
  let bestTotal = Infinity;
  for (const start of starts) {
    for (const reverse of [false, true]) {
      const order = cm(start);
      if (reverse) order.reverse();
      const position = new Int32Array(rows);
      order.forEach((r, i) => { position[r] = i; });
      const { span, total } = spanOf(position, columns);
      if (best === null || span < best.span || (span === best.span && total < bestTotal)) {
        best = { order, position, span };
        bestTotal = total;
      }
    }
  }
  return best ?? { order: [], position: new Int32Array(0), span: 0 };
}

/**
 * Makes dual prices feasible (Σ_{r∈c} y_r ≤ cost(c) − shift for every column) and then maximal: a
 * column over its cost lowers its rows' prices evenly, then each row's price rises by the least
 * slack of its columns. Returns a new array.
 * @param shift subtracted from every column's cost (the price of one column when their number is fixed)
 * @param unitCost use cost 1 for every column (prices for counting columns)
 */
export function repairDualPrices(rows: number, columns: Columns, prices: ArrayLike<number>, shift = 0, unitCost = false): Float64Array {
  const y = Float64Array.from({ length: rows }, (_, r) => { const v = prices[r]; return v !== undefined && Number.isFinite(v) ? v : 0; });
  // the columns as flat arrays (this runs before every search and for every LP answer)
  const n = columns.length;
  const start = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) start[j + 1] = start[j]! + columns[j]!.rows.length;
  const at = new Int32Array(start[n]!);
  const cost = new Float64Array(n);
  for (let j = 0; j < n; j++) { const c = columns[j]!; at.set(c.rows, start[j]!); cost[j] = (unitCost ? 1 : c.cost) - shift; }
  for (let pass = 0; pass < 3; pass++) {
    let clean = true;
    for (let j = 0; j < n; j++) {
      const a = start[j]!, b = start[j + 1]!;
      let s = 0;
      for (let q = a; q < b; q++) s += y[at[q]!]!;
      const d = cost[j]! - s;
      if (d < 0) {
        clean = false;
        // lower a little more than needed, so that rounding cannot leave the column over its cost
        const cut = (-d + 1e-12 * (1 + Math.abs(cost[j]!))) / (b - a);
        for (let q = a; q < b; q++) y[at[q]!] = y[at[q]!]! - cut;
      }
    }
    if (clean) break;
  }
  // raise each row by the least slack of its columns (a maximal feasible point); the columns of
  // each row in ascending order
  const rStart = new Int32Array(rows + 1);
  for (let q = 0; q < at.length; q++) rStart[at[q]! + 1] = rStart[at[q]! + 1]! + 1;
  for (let r = 0; r < rows; r++) rStart[r + 1] = rStart[r + 1]! + rStart[r]!;
  const fill = rStart.slice(0, rows);
  const byRow = new Int32Array(at.length);
  for (let j = 0; j < n; j++) for (let q = start[j]!; q < start[j + 1]!; q++) byRow[fill[at[q]!]!++] = j;
  const slack = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = start[j]!; q < start[j + 1]!; q++) s += y[at[q]!]!;
    slack[j] = cost[j]! - s;
  }
  for (let r = 0; r < rows; r++) {
    let m = Infinity;
    for (let q = rStart[r]!; q < rStart[r + 1]!; q++) if (slack[byRow[q]!]! < m) m = slack[byRow[q]!]!;
    if (!(m > 1e-12) || m === Infinity) continue;
    const up = m - 1e-12;
    y[r] = y[r]! + up;
    for (let q = rStart[r]!; q < rStart[r + 1]!; q++) slack[byRow[q]!] = slack[byRow[q]!]! - up;
  }
  return y;
}

/** Dual prices of the set partition: a lower bound Σ y + count · countPrice on every plan (of `count` columns). */
export interface DualPrices {
  /** Price per row (Σ over a column's rows ≤ its cost − countPrice). */
  prices: Float64Array;
  /** Price of one column (0 when the number of columns is free). */
  countPrice: number;
  /** Σ prices + count · countPrice: the bound. */
  bound: number;
}

export interface DualPriceOptions {
  /** Subgradient iterations on the Lagrangian relaxation of the rows. [200] */
  iterations?: number;
  /** Value of a known plan (the target of the step length). [1.1 × the first bound] */
  upper?: number;
  /** Number of columns every plan must have (prices then include a column price). [free] */
  count?: number;
  /** Every column costs 1 (prices bound the number of columns). [false] */
  unitCost?: boolean;
  /** `Date.now()` after which the iterations stop (the best point so far is kept). [none] */
  deadline?: number;
}

/**
 * Dual prices for the set partition without an LP solver: equal shares of each column's cost
 * (y_r = min over columns c ∋ r of cost(c)/|c|), improved by subgradient steps on the Lagrangian
 * relaxation of the rows (and of the column count, when fixed); the best point is repaired to a
 * feasible one (`repairDualPrices`), whose Σ is at least the Lagrangian bound of that point.
 * @param [options.iterations=200] subgradient iterations
 * @param [options.count] fix the number of columns
 */
export function calcDualPrices(rows: number, columns: Columns, options: DualPriceOptions = {}): DualPrices {
  const iterations = options.iterations ?? 200;
  const unit = options.unitCost === true;
  const count = options.count;
  const costOf = (c: Columns[number]): number => (unit ? 1 : c.cost);
  const share = new Float64Array(rows).fill(Infinity);
  for (const c of columns) for (const r of c.rows) share[r] = Math.min(share[r]!, costOf(c) / c.rows.length);
  for (let r = 0; r < rows; r++) if (share[r] === Infinity) share[r] = 0;
  const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);
  // the Lagrangian L(y, μ) = Σ y + μ·count + Σ_c min(0, cost(c) − μ − Σ_{r∈c} y_r) is a bound for
  // any y; the best point found is repaired into feasible prices at the end (which keeps Σ ≥ L)
  const y = Float64Array.from(share);
  let mu = 0;
  let bestY = Float64Array.from(y), bestMu = 0, bestL = -Infinity;
  const upper0 = options.upper;
  const g = new Float64Array(rows);
  let lambda = 1;
  let stall = 0;
  const deadline = options.deadline ?? Infinity;
  // the columns as flat arrays (the loop below runs `iterations` times over every column)
  const n = columns.length;
  const cStart = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) cStart[j + 1] = cStart[j]! + columns[j]!.rows.length;
  const cRows = new Int32Array(cStart[n]!);
  const cCost = new Float64Array(n);
  for (let j = 0; j < n; j++) { cRows.set(columns[j]!.rows, cStart[j]!); cCost[j] = costOf(columns[j]!); }
  for (let it = 0; it <= iterations; it++) {
    // out of time: the best point so far, repaired below, is still a valid bound
    if (it > 0 && Date.now() > deadline) break;
    g.fill(1);
    let L = sum(y) + (count !== undefined ? mu * count : 0);
    let negatives = 0;
    for (let j = 0; j < n; j++) {
      const a = cStart[j]!, b = cStart[j + 1]!;
      let s = 0;
      for (let q = a; q < b; q++) s += y[cRows[q]!]!;
      const d = cCost[j]! - mu - s;
      if (d < 0) { L += d; negatives++; for (let q = a; q < b; q++) g[cRows[q]!] = g[cRows[q]!]! - 1; }
    }
    if (L > bestL + 1e-12) { bestL = L; bestY = Float64Array.from(y); bestMu = mu; stall = 0; } else if (++stall >= 8) { lambda /= 2; stall = 0; }
    if (it === iterations || lambda < 1e-4) break;
    const gMu = count !== undefined ? count - negatives : 0;
    let norm = gMu * gMu;
    for (let r = 0; r < rows; r++) norm += g[r]! * g[r]!;
    if (norm === 0) break;
    const upper = upper0 ?? Math.abs(bestL) * 1.05 + 1e-6;
    const step = lambda * Math.max(upper - L, 1e-6) / norm;
    for (let r = 0; r < rows; r++) y[r] = y[r]! + step * g[r]!;
    if (count !== undefined) mu += step * gMu;
  }
  const prices = repairDualPrices(rows, columns, bestY, bestMu, unit);
  const bound = sum(prices) + (count !== undefined ? bestMu * count : 0);
  return { prices, countPrice: bestMu, bound };
}

export interface FrontierOptions {
  /** Dual prices per row (repaired to feasible ones here). [calcDualPrices] */
  duals?: ArrayLike<number>;
  /** Search only plans of exactly this many columns. [any number] */
  count?: number;
  /** Price of one column, used with `count` (see `DualPrices`). [0] */
  countPrice?: number;
  /**
   * Row weights w with Σ_{r∈c} w_r ≤ 1 for every column: a state whose uncovered rows weigh W
   * needs at least ⌈W⌉ more columns (used with `count`). [1 / largest column holding the row]
   */
  countWeights?: ArrayLike<number>;
  /** Value of a known plan not in `model.start`: only better plans are searched. [none] */
  upper?: number;
  /** `Date.now()` after which the search stops. [none] */
  deadline?: number;
  /** Stop beyond this many stored states. [4000000] */
  maxStates?: number;
  /** Row order (from `orderRowsForFrontier`). [computed] */
  order?: FrontierOrder;
  /** States kept per position by the beam search that looks for a first plan (0: none). [64] */
  beamWidth?: number;
  /**
   * State budget of the backward search that bounds the cost to go (`calcCostToGo`) before the
   * search; its bound prunes the states that cannot end below the cutoff (0: none). [0]
   */
  costToGoStates?: number;
}

export interface FrontierAnswer extends ComponentAnswer {
  /** States stored by the search. */
  states: number;
  /** States expanded. */
  expanded: number;
  /** Span of the row order. */
  span: number;
  /** The bound before the search (Σ y + count · countPrice). */
  rootBound: number;
  /** The plan found is better than `model.start` and `options.upper` (else `chosen` is `model.start` or empty). */
  improved: boolean;
  /** States stored by the backward search of the cost-to-go bound (0 when none ran). */
  toGoStates: number;
}

/** Widest span the search handles (a 64-bit window). */
export const FRONTIER_MAX_SPAN = 64;

/** Tolerance below which a plan does not count as better than another. */
export const FRONTIER_TOL = 5e-10;
const TOL = FRONTIER_TOL;

/** Number of trailing one bits of a 32-bit value. */
function trailingOnes(x: number): number {
  const z = ~x;
  return z === 0 ? 32 : 31 - Math.clz32(z & -z);
}

/** Row weights 1 / (largest column holding the row): Σ over any column ≤ 1. */
export function calcSizeWeights(rows: number, columns: Columns): Float64Array {
  const big = new Int32Array(rows).fill(1);
  for (const c of columns) for (const r of c.rows) if (c.rows.length > big[r]!) big[r] = c.rows.length;
  return Float64Array.from(big, (b) => 1 / b);
}

/** Columns of the frontier search: lowest position, window masks, reduced cost, count weight, size. */
interface FrontierColumns {
  low: Int32Array; mLo: Int32Array; mHi: Int32Array; rc: Float64Array; w: Float64Array; size: Int32Array;
}

/**
 * The columns for the search over the row positions `pos`: lowest position, masks of their other
 * rows relative to it, reduced costs cost − mu − Σ y (clamped at 0), count weights, sizes.
 */
function makeFrontierColumns(columns: Columns, pos: Int32Array, y: Float64Array, mu: number, weights: Float64Array): FrontierColumns {
  const n = columns.length;
  const fc: FrontierColumns = {
    low: new Int32Array(n), mLo: new Int32Array(n), mHi: new Int32Array(n),
    rc: new Float64Array(n), w: new Float64Array(n), size: new Int32Array(n),
  };
  for (let j = 0; j < n; j++) {
    const c = columns[j]!;
    let l = Infinity;
    for (const r of c.rows) if (pos[r]! < l) l = pos[r]!;
    let lo = 0, hi = 0, s = 0, w = 0;
    for (const r of c.rows) {
      s += y[r]!;
      w += weights[r]!;
      const b = pos[r]! - l - 1;
      if (b < 0) continue;
      if (b < 32) lo |= 1 << b; else hi |= 1 << (b - 32);
    }
    fc.low[j] = l; fc.mLo[j] = lo; fc.mHi[j] = hi; fc.w[j] = w; fc.size[j] = c.rows.length;
    fc.rc[j] = Math.max(0, c.cost - mu - s);
  }
  return fc;
}

/** Columns whose lowest position is v, as a compressed list (ascending column index). */
interface Buckets { start: Int32Array; cols: Int32Array }

function makeBuckets(rows: number, fc: FrontierColumns, keep: (j: number) => boolean): Buckets {
  const n = fc.low.length;
  const count = new Int32Array(rows + 1);
  for (let j = 0; j < n; j++) if (keep(j)) count[fc.low[j]! + 1] = count[fc.low[j]! + 1]! + 1;
  for (let v = 0; v < rows; v++) count[v + 1] = count[v + 1]! + count[v]!;
  const cols = new Int32Array(count[rows]!);
  const fill = count.slice(0, rows);
  for (let j = 0; j < n; j++) if (keep(j)) cols[fill[fc.low[j]!]!++] = j;
  return { start: count, cols };
}

/**
 * Solves one component exactly by the frontier search (see the module comment), optionally
 * among plans of exactly `count` columns. Ties keep the first plan found in a fixed order:
 * deterministic.
 * @param model rows, columns and optionally a known plan `start`
 * @param [options.duals=calcDualPrices(...)] dual prices
 * @param [options.count] fix the number of columns
 * @param [options.deadline] `Date.now()` limit
 * @param [options.maxStates=4000000] state budget
 * @param [options.beamWidth=64] beam width of the first-plan search
 * @returns `optimal` with the best plan (the known one when nothing better exists), `infeasible`
 *   when no plan exists, or `time_limit` with the best plan known and the proven bound (`error`
 *   when the order spans more than 64 positions, or it stopped with no plan known)
 */
export function solveFrontier(model: Pick<ComponentModel, 'rows' | 'columns' | 'start'>, options: FrontierOptions = {}): FrontierAnswer {
  const { rows, columns } = model;
  const order = options.order ?? orderRowsForFrontier(rows, columns);
  const span = order.span;
  const maxStates = options.maxStates ?? 4_000_000;
  const deadline = options.deadline ?? Infinity;
  const count = options.count;
  const planValue = (plan: readonly number[]): number => plan.reduce((s, j) => s + columns[j]!.cost, 0);
  let incumbent: number[] | null = model.start !== undefined ? model.start.slice() : null;
  let upper = incumbent !== null ? planValue(incumbent) : Infinity;
  if (options.upper !== undefined && options.upper < upper) { upper = options.upper; incumbent = null; }
  const upperIn = upper;
  const base = { states: 0, expanded: 0, span, rootBound: -Infinity, improved: false, toGoStates: 0 };
  if (rows === 0) return { ...base, status: count === undefined || count === 0 ? 'optimal' : 'infeasible', chosen: [], bound: 0, rootBound: 0 };
  if (span > FRONTIER_MAX_SPAN) {
    return { ...base, status: 'error', chosen: [], bound: -Infinity, message: `frontier search: the row order spans ${span} positions, more than ${FRONTIER_MAX_SPAN}` };
  }
  let y: Float64Array, mu: number;
  if (options.duals !== undefined) {
    mu = count !== undefined ? options.countPrice ?? 0 : 0;
    y = repairDualPrices(rows, columns, options.duals, mu);
  } else {
    const d = calcDualPrices(rows, columns, { deadline, ...(Number.isFinite(upper) ? { upper } : {}), ...(count !== undefined ? { count } : {}) });
    y = d.prices; mu = d.countPrice;
  }
  let Y = count !== undefined ? mu * count : 0;
  for (let r = 0; r < rows; r++) Y += y[r]!;
  base.rootBound = Y;
  const weights = count !== undefined ? Float64Array.from(options.countWeights ?? calcSizeWeights(rows, columns)) : new Float64Array(rows);

  const fc = makeFrontierColumns(columns, order.position, y, mu, weights);
  let W0 = 0;
  for (let r = 0; r < rows; r++) W0 += weights[r]!;
  const search: SearchSetup = { rows, count: count ?? -1, fc, W0, deadline };

  // a first plan by beam search over the same states (best `beamWidth` keys per position)
  const beamWidth = options.beamWidth ?? 64;
  if (beamWidth > 0 && Y < upper - TOL) {
    const plan = beamSearch(search, makeBuckets(rows, fc, (j) => Y + fc.rc[j]! < upper - TOL), beamWidth, upper - Y - TOL);
    if (plan !== null) {
      const v = planValue(plan);
      if (v < upper - TOL) { upper = v; incumbent = plan; }
    }
  }
  const cutoff = upper - Y - TOL;
  // the cost to go bounds the search from behind: states that cannot end below the cutoff are not stored
  const toGoStates = options.costToGoStates ?? 0;
  let toGo: CostToGo | null = null;
  if (toGoStates > 0 && maxStates > 0 && cutoff > 0) {
    const back = makeFrontierColumns(columns, reversePositions(order.position), y, mu, weights);
    toGo = searchCostToGo({ rows, count: -1, fc: back, W0: 0, deadline }, span, cutoff, toGoStates);
    base.toGoStates = toGo.states;
  }
  const result = aStar(search, cutoff, maxStates, toGo);
  const done = { ...base, states: result.states, expanded: result.expanded };
  if (result.plan !== null) {
    const plan = result.plan.sort((a, b) => a - b);
    return { ...done, status: 'optimal', chosen: plan, bound: planValue(plan), improved: true };
  }
  const improved = upper < upperIn;
  if (result.stopped === null) {
    // every state explored: the known plan (if any) is optimal; none means no plan exists
    if (incumbent !== null) return { ...done, status: 'optimal', chosen: incumbent.sort((a, b) => a - b), bound: upper, improved };
    if (Number.isFinite(upper)) return { ...done, status: 'optimal', chosen: [], bound: upper, improved, message: 'no plan better than the known value' };
    return { ...done, status: 'infeasible', chosen: [], bound: Infinity };
  }
  const bound = Math.min(upper, Y + result.openKey);
  const why = result.stopped === 'time' ? 'its time limit' : `${maxStates} states`;
  if (incumbent === null) return { ...done, status: 'error', chosen: [], bound, improved, message: `frontier search stopped at ${why} without a plan` };
  return { ...done, status: 'time_limit', chosen: incumbent.sort((a, b) => a - b), bound, improved, message: `frontier search stopped at ${why}` };
}

/** Positions counted from the other end: the order reversed. */
function reversePositions(position: Int32Array): Int32Array {
  const n = position.length;
  return position.map((p) => n - 1 - p);
}

/**
 * A bound on the reduced cost still to pay, by the first position q from which every row is
 * uncovered and the lowest position m the columns still to come may cover.
 */
export interface CostToGo {
  /**
   * bound[q · depths + d] ≤ the least Σ reduced cost of disjoint columns that cover every row at
   * positions ≥ q and none below q − d (d < depths = span + 2: the last allows every column that
   * reaches q). A value ≥ the cutoff means "none below it". 0 for q = rows.
   */
  bound: Float64Array;
  depths: number;
  /** States stored by the backward search. */
  states: number;
}

/** The cost-to-go bound of a state whose rows from position q on are all uncovered and whose columns to come start at m or later. */
export function toGoAt(toGo: CostToGo, q: number, m: number): number {
  return toGo.bound[q * toGo.depths + Math.max(0, Math.min(toGo.depths - 1, q - m))]!;
}

/**
 * The cost to go of the frontier search, by a backward search: the same search over the reversed
 * order (no column count: a relaxation), which generates states in key order. A backward state at
 * reversed position p has covered every row at forward positions ≥ q = rows − p, with columns whose
 * lowest covered position is its window's last; the first one generated for each (q, depth below
 * q) has the least key of any such set of disjoint columns. A forward state whose rows from q on
 * are all uncovered and whose columns to come start at m or later must cover them with disjoint
 * columns of the rest of its plan, all at m or later: taken in reverse order they pass through such
 * a backward state, so bound[q, q − m] is admissible. Entries the search has not reached when it
 * stops (a full plan, its budget, the clock) get the key of that plan or the least key still
 * queued (every state not yet generated has a key at least that), and those it cannot reach below
 * the cutoff the cutoff.
 * @param back the columns over the reversed positions
 */
function searchCostToGo(back: SearchSetup, span: number, cutoff: number, maxStates: number): CostToGo {
  const rows = back.rows;
  const D = span + 2;
  const first = new Float64Array((rows + 1) * D).fill(NaN);
  // a backward state at V covers every reversed position < V and its window; its highest covered
  // reversed position hr is the forward position rows − 1 − hr: for each p ≤ V with q = rows − p,
  // it is a witness at depth q − (rows − 1 − hr) = hr + 1 − p
  const onState = (V: number, lo: number, hi: number, r: number): void => {
    const top = hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
    const hr = top > 0 ? V + top : V - 1;
    for (let p = Math.min(V, rows), d = hr + 1 - p; p >= 0 && d < D; p--, d++) {
      const at = (rows - p) * D + d;
      if (Number.isNaN(first[at]!)) first[at] = r;
    }
  };
  const result = aStar(back, cutoff, maxStates, null, onState);
  // unreached entries: the key of the full plan that ended the search (every state not generated
  // has a key at least that), or the least key still queued, or the cutoff when none is left
  const rest = result.plan !== null || result.stopped !== null ? Math.min(cutoff, result.openKey) : cutoff;
  const bound = new Float64Array((rows + 1) * D);
  // least over the depths ≤ d; summing in another order than the forward search may round up: a margin
  for (let q = 0; q < rows; q++) {
    let m = Infinity;
    for (let d = 0; d < D; d++) {
      const k = first[q * D + d]!;
      m = Math.min(m, Number.isNaN(k) ? rest : k);
      bound[q * D + d] = m === Infinity ? m : Math.max(0, m - 1e-9 * (1 + m));
    }
  }
  return { bound, depths: D, states: result.states };
}

/**
 * The cost-to-go bound of the frontier search (see `searchCostToGo`) over reduced costs
 * max(0, cost − Σ_{r∈c} y_r): for the tests and for measuring.
 * @param prices y, used as given
 * @param cutoff keys from it on are not searched (Infinity: all)
 * @param [options.order=orderRowsForFrontier(...)] row order
 * @param [options.maxStates=4000000] state budget of the backward search
 */
export function calcCostToGo(model: Pick<ComponentModel, 'rows' | 'columns'>, prices: ArrayLike<number>, cutoff: number, options: { order?: FrontierOrder; maxStates?: number } = {}): CostToGo {
  const { rows, columns } = model;
  const order = options.order ?? orderRowsForFrontier(rows, columns);
  const y = Float64Array.from(prices);
  const back = makeFrontierColumns(columns, reversePositions(order.position), y, 0, new Float64Array(rows));
  return searchCostToGo({ rows, count: -1, fc: back, W0: 0, deadline: Infinity }, order.span, cutoff, options.maxStates ?? 4_000_000);
}

interface SearchSetup {
  rows: number;
  /** Exact number of columns, −1 when free. */
  count: number;
  fc: FrontierColumns;
  /** Weight of all rows. */
  W0: number;
  deadline: number;
}

/** Shifts a 64-bit window (lo, hi) after covering more rows: returns [positions advanced, lo, hi]. */
function advance(v: number, lo: number, hi: number, rows: number, out: Int32Array): void {
  const t = lo === -1 ? 32 + trailingOnes(hi) : trailingOnes(lo);
  const sh = t + 1;
  if (sh >= 64) { lo = 0; hi = 0; } else if (sh >= 32) { lo = hi >>> (sh - 32); hi = 0; } else { lo = (lo >>> sh) | (hi << (32 - sh)); hi = hi >>> sh; }
  let nv = v + sh;
  if (nv >= rows) { nv = rows; lo = 0; hi = 0; }
  out[0] = nv; out[1] = lo; out[2] = hi;
}

/** Can a state with `used` columns, `left` uncovered rows of weight `weight` still end with exactly `count` columns? */
function countFits(count: number, used: number, left: number, weight: number): boolean {
  if (count < 0) return true;
  const rest = count - used;
  return rest >= 0 && rest <= left && rest >= Math.ceil(weight - 1e-9);
}

/**
 * A* over the frontier states (< cutoff), generating each state's children one at a time in key
 * order (partial expansion): the queue holds, per state, the key of its next child only. A key is
 * g + h: g = Σ reduced cost of the path, h = `toGoAt(toGo, q, v + 1)` (0 without it) where q is
 * the first position from which the child's rows are all uncovered and v its parent's position
 * (an admissible bound on its cost to go, see `searchCostToGo`). The columns of each position are
 * sorted by reduced cost, or with h by rc + h of the child for each q of the parent (the child's
 * q is max(q, the column's last position + 1)), so a state's children come in key order and the
 * scan stops at the first one over the cutoff.
 * Without h (keys consistent), a state's first generation has its least g and the first full
 * state generated is an optimal plan; only states with key ≤ the optimum are stored, whatever
 * the cutoff (an eager A* also stores every child below the cutoff of each state it expands:
 * 1.4–4× as many on Providence). The bound h is admissible but not consistent: a state generated
 * again with a smaller g takes it and has its children generated again (the queue entry it had is
 * dropped as stale); the first full state generated is still optimal, because a state of an
 * optimal path with its least g always holds a queued key ≤ the optimum. When the search stops,
 * every plan not yet found passes through a child not yet generated, whose key is ≥ the least
 * queued key: that key is the proven bound.
 * @param toGo bound on the cost to go, or null
 * @param onState called with each state stored, in the order of their keys (`searchCostToGo`)
 */
function aStar(setup: SearchSetup, cutoff: number, maxStates: number, toGo: CostToGo | null = null, onState: ((v: number, lo: number, hi: number, r: number) => void) | null = null): { plan: number[] | null; stopped: 'time' | 'states' | null; openKey: number; states: number; expanded: number; reopened: number } {
  const { rows, count, fc, W0, deadline } = setup;
  const { mLo, mHi, rc, w, size, low } = fc;
  const highOf = (j: number): number => low[j]! + (mHi[j]! !== 0 ? 64 - Math.clz32(mHi[j]!) : 32 - Math.clz32(mLo[j]!));
  const { start: bStart, cols: bCols } = makeBuckets(rows, fc, (j) => rc[j]! < cutoff);
  for (let v = 0; v < rows; v++) {
    const a = bStart[v]!, b = bStart[v + 1]!;
    if (b - a > 1) bCols.set(Array.from(bCols.subarray(a, b)).sort((x, y) => rc[x]! - rc[y]! || x - y), a);
  }
  // with h: per position v and parent window top (q = v + top + 1), the bucket sorted by
  // rc + h(child), built when first needed; lists[v * S + top] (S = 65 tops)
  const S = 65;
  const lists: (Int32Array | undefined)[] = toGo !== null ? new Array<Int32Array | undefined>(rows * S) : [];
  const lKeys: (Float64Array | undefined)[] = toGo !== null ? new Array<Float64Array | undefined>(rows * S) : [];
  const baseKeys = Float64Array.from(bCols, (j) => rc[j]!);
  const listOf = (v: number, top: number): number => {
    const at = v * S + top;
    if (lists[at] === undefined) {
      const a = bStart[v]!, b = bStart[v + 1]!;
      const q = v + top + 1;
      // the child's columns to come start after v
      const key = (j: number): number => { const qc = Math.max(q, highOf(j) + 1); return rc[j]! + (qc >= rows ? 0 : toGoAt(toGo!, qc, v + 1)); };
      const sorted = Array.from(bCols.subarray(a, b)).sort((x, y) => key(x) - key(y) || rc[x]! - rc[y]! || x - y);
      lists[at] = Int32Array.from(sorted);
      lKeys[at] = Float64Array.from(sorted, key);
    }
    return at;
  };
  const topOf = (lo: number, hi: number): number => (hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo));
  // state store (growable typed arrays) and an open-addressing hash table on (v, lo, hi, used);
  // sNext: the slot of the state's next child in its list (−1 when none is left); sEp: the
  // number of times its g was lowered (a queue entry of an older one is stale)
  let cap = 1 << 14;
  let sV = new Int32Array(cap), sLo = new Int32Array(cap), sHi = new Int32Array(cap), sUsed = new Int32Array(cap), sLeft = new Int32Array(cap);
  let sR = new Float64Array(cap), sW = new Float64Array(cap), sPar = new Int32Array(cap), sCol = new Int32Array(cap), sNext = new Int32Array(cap), sEp = new Int32Array(cap);
  let states = 0;
  let tabBits = 15;
  let tab = new Int32Array(1 << tabBits).fill(-1);
  const hash = (v: number, lo: number, hi: number, used: number): number => {
    let h = Math.imul(v ^ 0x27d4eb2d, 0x9e3779b1) ^ Math.imul(lo, 0x85ebca77) ^ Math.imul(hi ^ 0x165667b1, 0xc2b2ae3d) ^ Math.imul(used, 0x1b873593);
    h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
    return h >>> (32 - tabBits);
  };
  const grow = (): void => {
    cap *= 2;
    const g32 = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => { const b = new Int32Array(cap); b.set(a); return b; };
    const g64 = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => { const b = new Float64Array(cap); b.set(a); return b; };
    sV = g32(sV); sLo = g32(sLo); sHi = g32(sHi); sUsed = g32(sUsed); sLeft = g32(sLeft); sPar = g32(sPar); sCol = g32(sCol); sNext = g32(sNext); sEp = g32(sEp);
    sR = g64(sR); sW = g64(sW);
  };
  const rehash = (): void => {
    tabBits++;
    tab = new Int32Array(1 << tabBits).fill(-1);
    const m = (1 << tabBits) - 1;
    for (let i = 0; i < states; i++) {
      let h = hash(sV[i]!, sLo[i]!, sHi[i]!, sUsed[i]!);
      while (tab[h] !== -1) h = (h + 1) & m;
      tab[h] = i;
    }
  };
  // binary heap of (key of the state's next child, state, its epoch) ordered by key, then state index
  let hCap = 1 << 14;
  let hKey = new Float64Array(hCap), hIdx = new Int32Array(hCap), hEp = new Int32Array(hCap);
  let hSize = 0;
  const less = (ka: number, ia: number, kb: number, ib: number): boolean => ka < kb || (ka === kb && ia < ib);
  const siftDown = (c: number, key: number, idx: number, ep: number): void => {
    for (;;) {
      const l = 2 * c + 1;
      if (l >= hSize) break;
      let m = l;
      const r = l + 1;
      if (r < hSize && less(hKey[r]!, hIdx[r]!, hKey[l]!, hIdx[l]!)) m = r;
      if (!less(hKey[m]!, hIdx[m]!, key, idx)) break;
      hKey[c] = hKey[m]!; hIdx[c] = hIdx[m]!; hEp[c] = hEp[m]!; c = m;
    }
    hKey[c] = key; hIdx[c] = idx; hEp[c] = ep;
  };
  const popTop = (): void => { hSize--; if (hSize > 0) siftDown(0, hKey[hSize]!, hIdx[hSize]!, hEp[hSize]!); };
  const push = (key: number, idx: number, ep: number): void => {
    if (hSize === hCap) {
      hCap *= 2;
      const k = new Float64Array(hCap); k.set(hKey); hKey = k;
      const i = new Int32Array(hCap); i.set(hIdx); hIdx = i;
      const e = new Int32Array(hCap); e.set(hEp); hEp = e;
    }
    let c = hSize++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!less(key, idx, hKey[p]!, hIdx[p]!)) break;
      hKey[c] = hKey[p]!; hIdx[c] = hIdx[p]!; hEp[c] = hEp[p]!; c = p;
    }
    hKey[c] = key; hIdx[c] = idx; hEp[c] = ep;
  };
  // the list of a state's children (its position's bucket, or with h its sorted copy): columns, key offsets, first slot, end
  let lCols: Int32Array = bCols, lKey: Float64Array = baseKeys, lStart = 0, lEnd = 0;
  const useList = (i: number): void => {
    const v = sV[i]!;
    if (toGo === null) { lCols = bCols; lKey = baseKeys; lStart = bStart[v]!; lEnd = bStart[v + 1]!; return; }
    const at = listOf(v, topOf(sLo[i]!, sHi[i]!));
    lCols = lists[at]!; lKey = lKeys[at]!; lStart = 0; lEnd = lCols.length;
  };
  /** The first slot ≥ k (relative to the list's start) of state i's list whose column fits it under the cutoff, or −1. */
  const nextChild = (i: number, k: number): number => {
    const lo = sLo[i]!, hi = sHi[i]!, r = sR[i]!, used = sUsed[i]! + 1, left = sLeft[i]!, wt = sW[i]!;
    for (let s = lStart + k; s < lEnd; s++) {
      if (r + lKey[s]! >= cutoff) return -1;
      const j = lCols[s]!;
      if ((mLo[j]! & lo) !== 0 || (mHi[j]! & hi) !== 0) continue;
      if (count >= 0 && !countFits(count, used, left - size[j]!, wt - w[j]!)) continue;
      return s - lStart;
    }
    return -1;
  };
  /** Queues state i's first child (its g is new). */
  const open = (i: number): void => {
    if (sV[i]! >= rows) { sNext[i] = -1; return; }
    useList(i);
    const k = nextChild(i, 0);
    sNext[i] = k;
    if (k >= 0) push(sR[i]! + lKey[lStart + k]!, i, sEp[i]!);
  };
  let reopened = 0;
  /** Stores a new state and queues its first child; returns its index, or −1 when it is known with a g as small. */
  const addState = (v: number, lo: number, hi: number, used: number, left: number, r: number, wt: number, par: number, col: number): number => {
    const m = (1 << tabBits) - 1;
    let h = hash(v, lo, hi, used);
    for (;;) {
      const i = tab[h]!;
      if (i === -1) break;
      if (sV[i] === v && sLo[i] === lo && sHi[i] === hi && sUsed[i] === used) {
        // a smaller g (only with h): the state takes it and its children come again
        if (toGo === null || !(r < sR[i]! - 1e-12)) return -1;
        sR[i] = r; sPar[i] = par; sCol[i] = col; sEp[i] = sEp[i]! + 1;
        reopened++;
        open(i);
        return i;
      }
      h = (h + 1) & m;
    }
    if (states === cap) grow();
    const i = states++;
    sV[i] = v; sLo[i] = lo; sHi[i] = hi; sUsed[i] = used; sLeft[i] = left; sR[i] = r; sW[i] = wt; sPar[i] = par; sCol[i] = col; sEp[i] = 0;
    tab[h] = i;
    // the first state generated at or past a position has the least key of any that get there
    if (onState !== null) onState(v, lo, hi, r);
    if (states * 2 > 1 << tabBits) rehash();
    open(i);
    return i;
  };
  const planOf = (idx: number): number[] => {
    const plan: number[] = [];
    for (let i = idx; sPar[i]! >= 0; i = sPar[i]!) plan.push(sCol[i]!);
    return plan;
  };

  const next = new Int32Array(3);
  if (countFits(count, 0, rows, W0)) addState(0, 0, 0, 0, rows, 0, W0, -1, -1);
  let expanded = 0;
  let stopped: 'time' | 'states' | null = null;
  while (hSize > 0) {
    if ((expanded & 1023) === 0 && expanded > 0 && Date.now() > deadline) { stopped = 'time'; break; }
    if (states >= maxStates) { stopped = 'states'; break; }
    const idx = hIdx[0]!;
    const ep = hEp[0]!;
    if (ep !== sEp[idx]) { popTop(); continue; }
    useList(idx);
    const k = sNext[idx]!;
    const j = lCols[lStart + k]!;
    expanded++;
    // the parent's next child (or none) replaces it at the top of the queue
    const k2 = nextChild(idx, k + 1);
    sNext[idx] = k2;
    if (k2 >= 0) siftDown(0, sR[idx]! + lKey[lStart + k2]!, idx, ep);
    else popTop();
    const used = sUsed[idx]! + 1;
    advance(sV[idx]!, sLo[idx]! | mLo[j]!, sHi[idx]! | mHi[j]!, rows, next);
    const c = addState(next[0]!, next[1]!, next[2]!, count >= 0 ? used : 0, sLeft[idx]! - size[j]!, sR[idx]! + rc[j]!, sW[idx]! - w[j]!, idx, j);
    if (c >= 0 && next[0] === rows) return { plan: planOf(c), stopped: null, openKey: sR[c]!, states, expanded, reopened };
  }
  return { plan: null, stopped, openKey: hSize > 0 ? hKey[0]! : Infinity, states, expanded, reopened };
}

/**
 * Beam search over the frontier states: positions in order, the `width` states of least key at
 * each position expanded (ties: the one made first), duplicates merged (a state keeps its least
 * key, the first made on a tie); states of key ≥ `cutoff` (no better than the known plan) are not
 * made. Returns a plan (column indices) or null.
 * Each position keeps only its `width` best states as children arrive (a bounded max-heap and a
 * small hash table per position): a child no better than the worst of a full position is dropped
 * at once. Children are numbered in the order they are made, as if all were stored, so the beams
 * are those of keeping every child and sorting each position (a beam makes 10⁵–10⁶ children on a
 * component of 10,000 columns, and most are dropped by one comparison).
 */
function beamSearch(setup: SearchSetup, buckets: Buckets, width: number, cutoff: number): number[] | null {
  const { rows, count, fc, W0, deadline } = setup;
  const { mLo, mHi, rc, w, size } = fc;
  const W = Math.max(1, width);
  // slot p * W + i of position p: the state, its key and number, its parent's slot and column
  const n = (rows + 1) * W;
  const sLo = new Int32Array(n), sHi = new Int32Array(n), sUsed = new Int32Array(n), sLeft = new Int32Array(n);
  const sWt = new Float64Array(n), sR = new Float64Array(n), sSeq = new Float64Array(n);
  const sPrev = new Int32Array(n), sCol = new Int32Array(n);
  // per position: states kept, a max-heap of their slots by (key, number), a hash table (2W entries, linear probing) state → slot
  const kept = new Int32Array(rows + 1);
  const heap = new Int32Array(n);
  const T = 2 * W;
  const tab = new Int32Array((rows + 1) * T).fill(-1);
  const later = (a: number, b: number): boolean => sR[a]! > sR[b]! || (sR[a] === sR[b] && sSeq[a]! > sSeq[b]!);
  const siftDown = (p: number, at: number): void => {
    const h = p * W, k = kept[p]!;
    const x = heap[h + at]!;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= k) break;
      let m = l;
      if (l + 1 < k && later(heap[h + l + 1]!, heap[h + l]!)) m = l + 1;
      if (!later(heap[h + m]!, x)) break;
      heap[h + at] = heap[h + m]!; at = m;
    }
    heap[h + at] = x;
  };
  const siftUp = (p: number, at: number): void => {
    const h = p * W;
    const x = heap[h + at]!;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (!later(x, heap[h + up]!)) break;
      heap[h + at] = heap[h + up]!; at = up;
    }
    heap[h + at] = x;
  };
  const home = (p: number, lo: number, hi: number, used: number): number => {
    let x = Math.imul(lo, 0x85ebca77) ^ Math.imul(hi ^ 0x165667b1, 0xc2b2ae3d) ^ Math.imul(used, 0x1b873593);
    x ^= x >>> 15; x = Math.imul(x, 0x2c1b3c6d); x ^= x >>> 13;
    return p * T + ((x >>> 0) % T);
  };
  /** The table entry of a state at position p, or of the empty place where it would go. */
  const find = (p: number, lo: number, hi: number, used: number): number => {
    let e = home(p, lo, hi, used);
    const end = p * T + T;
    for (;;) {
      const i = tab[e]!;
      if (i === -1 || (sLo[i] === lo && sHi[i] === hi && sUsed[i] === used)) return e;
      e = e + 1 === end ? p * T : e + 1;
    }
  };
  /** Removes a table entry (backward shift: the entries after it stay findable). */
  const unlink = (p: number, e: number): void => {
    const base = p * T;
    let hole = e;
    let e2 = e;
    for (;;) {
      e2 = e2 + 1 === base + T ? base : e2 + 1;
      const i = tab[e2]!;
      if (i === -1) break;
      const want = home(p, sLo[i]!, sHi[i]!, sUsed[i]!);
      // the entry may move into the hole when the hole lies between its home and it (cyclically)
      const d1 = (e2 - want + T) % T, d2 = (e2 - hole + T) % T;
      if (d2 <= d1) { tab[hole] = i; hole = e2; }
    }
    tab[hole] = -1;
  };
  let seq = 0;
  /** Offers a child to position p: kept when it is new and among the `width` best, or lowers the key of a state kept there. */
  const offer = (p: number, lo: number, hi: number, used: number, left: number, wt: number, r: number, prev: number, col: number): void => {
    const number = seq++;
    const k = kept[p]!;
    // a full position's worst state beats it (an older child wins a tie): dropped
    if (k === W) { const top = heap[p * W]!; if (r > sR[top]! || r === sR[top]) return; }
    const e = find(p, lo, hi, used);
    let i = tab[e]!;
    if (i !== -1) {
      if (!(r < sR[i]!)) return;
      sR[i] = r; sSeq[i] = number; sLeft[i] = left; sWt[i] = wt; sPrev[i] = prev; sCol[i] = col;
      // a lower key moves it down the max-heap
      let at = 0;
      while (heap[p * W + at] !== i) at++;
      siftDown(p, at);
      return;
    }
    let at: number;
    if (k < W) { i = p * W + k; at = k; kept[p] = k + 1; } else {
      // evict the worst
      i = heap[p * W]!;
      unlink(p, find(p, sLo[i]!, sHi[i]!, sUsed[i]!));
      at = 0;
    }
    sLo[i] = lo; sHi[i] = hi; sUsed[i] = used; sLeft[i] = left; sWt[i] = wt; sR[i] = r; sSeq[i] = number; sPrev[i] = prev; sCol[i] = col;
    tab[find(p, lo, hi, used)] = i;
    heap[p * W + at] = i;
    if (k < W) siftUp(p, at); else siftDown(p, 0);
  };
  // the goal: the least key reaching the end (the first made on a tie)
  let goal = -1, goalR = Infinity, goalPrev = -1, goalCol = -1;
  sLo[0] = 0; sHi[0] = 0; sUsed[0] = 0; sLeft[0] = rows; sWt[0] = W0; sR[0] = 0; sSeq[0] = seq++; sPrev[0] = -1; sCol[0] = -1;
  kept[0] = 1; heap[0] = 0;
  const next = new Int32Array(3);
  const order = new Int32Array(W);
  for (let v = 0; v < rows; v++) {
    const k = kept[v]!;
    if (k === 0) continue;
    if (Date.now() > deadline) return null;
    for (let t = 0; t < k; t++) order[t] = heap[v * W + t]!;
    const sorted = order.subarray(0, k).sort((a, b) => sR[a]! - sR[b]! || sSeq[a]! - sSeq[b]!);
    for (let t = 0; t < k; t++) {
      const s = sorted[t]!;
      const lo = sLo[s]!, hi = sHi[s]!, u = sUsed[s]!;
      const left0 = sLeft[s]!, wt0 = sWt[s]!, r0 = sR[s]!;
      for (let q = buckets.start[v]!, end = buckets.start[v + 1]!; q < end; q++) {
        const j = buckets.cols[q]!;
        if ((mLo[j]! & lo) !== 0 || (mHi[j]! & hi) !== 0 || r0 + rc[j]! >= cutoff) continue;
        const used = u + 1, left = left0 - size[j]!, wt = wt0 - w[j]!;
        if (count >= 0 && !countFits(count, used, left, wt)) continue;
        advance(v, lo | mLo[j]!, hi | mHi[j]!, rows, next);
        const r = r0 + rc[j]!;
        if (next[0] === rows) {
          seq++;
          if (r < goalR) { goalR = r; goal = 1; goalPrev = s; goalCol = j; }
        } else offer(next[0]!, next[1]!, next[2]!, count >= 0 ? used : 0, left, wt, r, s, j);
      }
    }
  }
  if (goal < 0) return null;
  const plan: number[] = [goalCol];
  for (let s = goalPrev; s >= 0 && sCol[s]! >= 0; s = sPrev[s]!) plan.push(sCol[s]!);
  return plan.sort((a, b) => a - b);
}
