/**
 * The exact solve of one dense component: split by the number of columns, then frontier search
 * and the integer-programming engine per count.
 *
 * When every column costs about the same (one station), the LP relaxation is weak because a
 * fractional plan uses fewer columns than any whole one (30.9 where a plan needs 32). Fixing
 * Σ x = k makes the relaxation far tighter (LP_k), and LP_k is convex in k: only the few k with
 * LP_k below a known plan can hold a better one. They are taken in order of LP_k, each LP solved
 * only when the scan out from the LP's Σ x reaches it, so that the plan found for the first count
 * settles the others by their LP when it can. For each such k:
 * - the frontier search (`solveFrontier`, when the row order spans ≤ 64 positions) proves the
 *   best plan of k columns within a state budget: it generates states in key order and stores
 *   only those below the best plan of k columns, so one search under the known plan settles k
 *   (deepening cutoffs LP_k + gap/2^s first remain an option: `deepenSteps`);
 * - when it cannot, the engine solves the k-column integer program over the columns that can
 *   still be in a better plan: reduced cost under LP_k below the gap, and count slack (under the
 *   row weights of the LP of the least number of columns) within k − that LP's value.
 * Without an LP relaxation (an engine without `relax`), one frontier search with subgradient
 * prices runs, then the engine with what time is left.
 */
import { SOLVER_DEFAULTS } from './defaults.js';
import { calcDualPrices, calcSizeWeights, FRONTIER_MAX_SPAN, FRONTIER_TOL, orderRowsForFrontier, repairDualPrices, solveFrontier, type FrontierOrder } from './frontier.js';
import { engineSeconds } from './engines/clock.js';
import type { ComponentAnswer, ComponentModel, ComponentRelaxation, PartitionEngine } from './engines/types.js';

export interface DenseOptions {
  /** Engine for the LP relaxation (`relax`) and the integer program per count (`solve`). [none: frontier search only] */
  engine?: PartitionEngine;
  /** `Date.now()` after which the solve stops. [none] */
  deadline?: number;
  /** State budget of each frontier search (0: no frontier search). [200000] */
  maxStates?: number;
  /** Row order (from `orderRowsForFrontier`). [computed] */
  order?: FrontierOrder;
  /** States per position of the beam searches for plans (0: none). [64] */
  beamWidth?: number;
  /**
   * State budget of a first frontier search with subgradient prices, before any LP (easy
   * components end there; 0: none). [20000]
   */
  quickStates?: number;
  /**
   * A beam search per column count before its search. [true] The search finds the best plan of
   * its count itself (storing only states below it), but when the clock stops it, the beam's plan
   * is often the better one (Providence with cap 6 at 30 s: 123.72 without, 123.36 with).
   */
  countBeams?: boolean;
  /** Use the engine's integer program per count when the frontier search cannot settle it. [true] */
  engineMip?: boolean;
  /** Share of the time left that one frontier search may use. [0.25] */
  frontierShare?: number;
  /**
   * State budget of the searches that settle one column count (each holds only states below its
   * cutoff). [maxStates scaled as SOLVER_DEFAULTS.frontierProofStates is to frontierStates: 2.5 M by default]
   */
  proofStates?: number;
  /**
   * Cutoffs below the known plan tried first per count: LP_k + gap/2^s for s = deepenSteps … 1.
   * [0: one search under the known plan; the search stores only states below the optimum
   * whatever its cutoff, so deepening only repeats work]
   */
  deepenSteps?: number;
  /**
   * State budget of the backward search that bounds the cost to go of each search settling a
   * count (0: none). [30000] On Providence (k = 32) it cuts the states from 834 k to 207 k.
   */
  costToGoStates?: number;
}

/**
 * Above this many columns the engine's integer program per count is the weaker route, and the
 * frontier search settling that count gets most of the time left (see `settle`).
 */
export const ENGINE_EASY_COLUMNS = 3000;

/** One column count and what became of it. */
export interface CountReport {
  count: number;
  /** Lower bound of plans with this many columns before the search (LP_k). */
  lpBound: number;
  /** After the search: the best plan's value, or a bound ≥ the best plan known. */
  bound: number;
  resolved: boolean;
  /** Who settled it: 'lp' (bound ≥ the plan), 'frontier', the engine's name, or '' when open. */
  by: string;
  /** States stored by its frontier searches. */
  states: number;
  /** Frontier searches run for it (deepening cutoffs: more than one when a cutoff below the plan held). */
  searches: number;
  /** Columns given to the engine (0 when not called). */
  engineColumns: number;
  /** Time spent on this count's searches, ms. */
  ms: number;
}

export interface DenseAnswer extends ComponentAnswer {
  span: number;
  /** LP relaxation bound (Σ of the repaired prices; −Infinity without an LP). */
  rootBound: number;
  /** States stored, all frontier searches together. */
  states: number;
  counts: CountReport[];
}

/** Certified bound of a relaxation answer: repaired prices, Σ y + count · μ. */
function certify(model: Pick<ComponentModel, 'rows' | 'columns'>, prices: ArrayLike<number>, mu: number, count: number | undefined, unitCost = false): { y: Float64Array; bound: number } {
  const y = repairDualPrices(model.rows, model.columns, prices, mu, unitCost);
  let bound = count !== undefined ? mu * count : 0;
  for (let r = 0; r < model.rows; r++) bound += y[r]!;
  return { y, bound };
}

/** Is `plan` (column indices) a partition of the rows, of `count` columns when given? */
function isPartition(model: Pick<ComponentModel, 'rows' | 'columns'>, plan: readonly number[], count?: number): boolean {
  if (count !== undefined && plan.length !== count) return false;
  const hit = new Uint8Array(model.rows);
  for (const j of plan) {
    if (!Number.isInteger(j) || j < 0 || j >= model.columns.length) return false;
    for (const r of model.columns[j]!.rows) { if (hit[r]) return false; hit[r] = 1; }
  }
  return hit.every((h) => h === 1);
}

/**
 * Solves one component exactly (see the module comment). Deterministic, except where the engine
 * stops on its clock.
 * @param model rows, columns, optionally a known plan `start`
 * @param [options.engine] LP relaxation and integer programs per count
 * @param [options.deadline] `Date.now()` limit
 * @param [options.maxStates=200000] state budget of each frontier search
 * @param [options.beamWidth=64] beam width
 * @returns `optimal`, `infeasible`, `time_limit` (best plan, proven bound) or `error`
 */
export function solveDenseComponent(model: Pick<ComponentModel, 'rows' | 'columns' | 'start'>, options: DenseOptions = {}): DenseAnswer {
  const deadline = options.deadline ?? Infinity;
  const maxStates = options.maxStates ?? SOLVER_DEFAULTS.frontierStates;
  const beamWidth = options.beamWidth ?? 64;
  const engine = options.engine;
  const order = options.order ?? orderRowsForFrontier(model.rows, model.columns);
  const useFrontier = maxStates > 0 && order.span <= FRONTIER_MAX_SPAN;
  const secondsLeft = (): number => Math.min(1e6, Math.max(0.01, (deadline - Date.now()) / 1000));
  const planValue = (plan: readonly number[]): number => plan.reduce((s, j) => s + model.columns[j]!.cost, 0);
  const out: DenseAnswer = { status: 'optimal', chosen: [], bound: -Infinity, span: order.span, rootBound: -Infinity, states: 0, counts: [] };
  let plan: number[] | null = model.start !== undefined && isPartition(model, model.start) ? model.start.slice() : null;
  let upper = plan !== null ? planValue(plan) : Infinity;
  const offer = (p: readonly number[]): void => {
    if (p.length === 0 || !isPartition(model, p)) return;
    const v = planValue(p);
    if (v < upper - FRONTIER_TOL) { upper = v; plan = p.slice().sort((a, b) => a - b); }
  };
  const finish = (bound: number, resolved: boolean, message?: string): DenseAnswer => {
    const best = plan;
    if (best === null) {
      if (resolved) return { ...out, status: 'infeasible', chosen: [], bound: Infinity };
      return { ...out, status: 'error', chosen: [], bound, message: message ?? 'no plan found' };
    }
    const value = planValue(best);
    if (resolved || bound >= value - FRONTIER_TOL) return { ...out, status: 'optimal', chosen: best, bound: value };
    return { ...out, status: 'time_limit', chosen: best, bound: Math.min(bound, value), ...(message !== undefined ? { message } : {}) };
  };

  // easy components: a small frontier search with subgradient prices settles them without an LP
  const quickStates = options.quickStates ?? 20_000;
  if (useFrontier && quickStates > 0) {
    const a = solveFrontier(model, { order, deadline, maxStates: quickStates, beamWidth });
    out.states += a.states;
    out.rootBound = a.rootBound;
    if (a.status === 'infeasible') return { ...out, status: 'infeasible', chosen: [], bound: Infinity };
    if (a.improved || plan === null) offer(a.chosen);
    if (a.status === 'optimal') return finish(a.bound, true);
    // out of time: the search's bound (its open states) is what is proven
    if (Date.now() >= deadline) return finish(a.bound, false, 'time limit reached in the first frontier search');
  }
  if (Date.now() >= deadline) return finish(-Infinity, false, 'time limit reached before the frontier search');
  const frontierShare = options.frontierShare ?? 0.25;
  const frontierDeadline = (): number => Math.min(deadline, Date.now() + frontierShare * Math.max(0, deadline - Date.now()));
  const useMip = options.engineMip !== false;
  const proofStates = options.proofStates ?? Math.round(maxStates * (SOLVER_DEFAULTS.frontierProofStates / SOLVER_DEFAULTS.frontierStates));
  const deepenSteps = options.deepenSteps ?? 0;
  const costToGoStates = options.costToGoStates ?? 30_000;

  const relax: ComponentRelaxation | undefined = engine?.relax?.(model);
  try {
    const lp = relax?.solve({ timeLimitSec: secondsLeft() }) ?? null;
    if (lp === null) {
      // no LP: one frontier search with subgradient prices, then the engine with the time left
      let bound = -Infinity;
      if (useFrontier) {
        const a = solveFrontier(model, { order, deadline: useMip && engine !== undefined ? frontierDeadline() : deadline, maxStates, beamWidth });
        out.states += a.states;
        out.rootBound = a.rootBound;
        if (a.status === 'infeasible') return { ...out, status: 'infeasible', chosen: [], bound: Infinity };
        if (a.improved || plan === null) offer(a.chosen);
        if (a.status === 'optimal') return finish(a.bound, true);
        bound = a.bound;
      }
      if (engine === undefined || !useMip || Date.now() > deadline) return finish(bound, false, 'frontier search stopped');
      const seconds = engineSeconds(deadline, model.columns.length);
      if (seconds === null) return finish(bound, false, 'too little time left for the engine');
      const b = engine.solve({ rows: model.rows, columns: model.columns, timeLimitSec: seconds, ...(plan !== null ? { start: plan } : {}) });
      if (b.status === 'infeasible') return plan === null ? { ...out, status: 'infeasible', chosen: [], bound: Infinity } : finish(bound, false, `${engine.name} disagrees: infeasible`);
      offer(b.chosen);
      if (b.status === 'optimal' && plan !== null && planValue(plan) <= planValue(b.chosen) + FRONTIER_TOL) return finish(Infinity, true);
      return finish(Math.max(bound, b.bound), false, b.message);
    }
    const root = certify(model, lp.rowPrices, 0, undefined);
    out.rootBound = root.bound;
    if (useFrontier && beamWidth > 0) {
      const first = solveFrontier(model, { order, deadline, maxStates: 0, beamWidth, duals: root.y, ...(Number.isFinite(upper) ? { upper } : {}) });
      if (first.improved) offer(first.chosen);
    }

    // row weights from the LP of the least number of columns: Σ w over uncovered rows ≤ columns needed
    const minCols = relax!.solve({ unitCost: true, timeLimitSec: secondsLeft() });
    let weights: Float64Array = calcSizeWeights(model.rows, model.columns);
    let W0 = weights.reduce((s, v) => s + v, 0);
    if (minCols !== null) {
      const c = certify(model, minCols.rowPrices, 0, undefined, true);
      if (c.bound >= W0) { weights = c.y; W0 = c.bound; }
    }
    const kMin = Math.max(1, Math.ceil(W0 - 1e-9));

    // the counts whose LP_k is below the known plan (LP_k is convex in k: scan out from the LP's Σ x)
    const prices = new Map<number, { y: Float64Array; mu: number; bound: number }>();
    const boundOf = (k: number): number => {
      const known = prices.get(k);
      if (known !== undefined) return known.bound;
      const a = relax!.solve({ count: k, timeLimitSec: secondsLeft() });
      let got: { y: Float64Array; mu: number; bound: number };
      if (a !== null) {
        const c = certify(model, a.rowPrices, a.countPrice, k);
        got = { y: c.y, mu: a.countPrice, bound: c.bound };
      } else {
        // no LP answer for a count that may hold a plan: prices by subgradient (valid, maybe weaker)
        const d = calcDualPrices(model.rows, model.columns, { count: k, ...(Number.isFinite(upper) ? { upper } : {}) });
        got = { y: d.prices, mu: d.countPrice, bound: d.bound };
      }
      prices.set(k, got);
      return got.bound;
    };
    // a beam search per count as soon as its prices are known: a good plan ends the scan sooner
    // and shrinks every later search
    const countBeams = options.countBeams ?? true;
    const beam = (k: number): void => {
      if (!countBeams || !useFrontier || beamWidth <= 0 || Date.now() > deadline) return;
      const p = prices.get(k)!;
      const a = solveFrontier({ rows: model.rows, columns: model.columns }, {
        order, deadline, maxStates: 0, beamWidth, count: k, duals: p.y, countPrice: p.mu, countWeights: weights,
        ...(Number.isFinite(upper) ? { upper } : {}),
      });
      if (a.improved) offer(a.chosen);
    };
    const kUp = Math.min(model.rows, Math.max(kMin, Math.ceil(lp.columnsUsed - 1e-9)));

    // the columns that can still be in a better plan of k columns: reduced cost under LP_k
    // within the gap, count slack within k − W0
    const engineColumns = (k: number, p: { y: Float64Array; mu: number; bound: number }): number[] => {
      const gap = upper - p.bound;
      const slackLeft = k - W0;
      const keep: number[] = [];
      model.columns.forEach((c, j) => {
        let s = 0, w = 0;
        for (const r of c.rows) { s += p.y[r]!; w += weights[r]!; }
        if (c.cost - p.mu - s <= gap + 1e-9 && 1 - w <= slackLeft + 1e-9) keep.push(j);
      });
      return keep;
    };
    const countEngineColumns = (k: number, p: { y: Float64Array; mu: number; bound: number }): number => engineColumns(k, p).length;
    const settle = (k: number, report: CountReport): void => {
      const p = prices.get(k)!;
      if (p.bound >= upper - FRONTIER_TOL) { Object.assign(report, { resolved: true, bound: upper, by: 'lp' }); return; }
      if (Date.now() > deadline) return;
      if (useFrontier) {
        // columns the engine would get after this search: when they are many, the engine is the
        // weaker route (Providence, merge 0: 6,000–10,000 columns, 15–20 s of HiGHS) and the
        // search gets most of the time
        const engineCols = useMip && engine !== undefined ? countEngineColumns(k, p) : 0;
        const share = engineCols > ENGINE_EASY_COLUMNS ? Math.max(frontierShare, 0.8) : frontierShare;
        const searchDeadline = useMip && engine !== undefined ? Math.min(deadline, Date.now() + share * Math.max(0, deadline - Date.now())) : deadline;
        // deepening: cutoffs LP_k + gap/2^s, …, the known plan. A search under a cutoff stores only
        // states below it; one that ends without a plan proves the cutoff a bound of this count,
        // and one that finds a plan has found this count's best (the first full state taken)
        const gap0 = upper - p.bound;
        // cutoffs as gaps over LP_k: gap0/2^deepenSteps first, then doubled, or, once two searches
        // have ended, the gap where the states are expected to fill half the budget (they grow about
        // exponentially with the gap), at least 1.25× and at most 2× the last; the last is the plan
        let delta = Number.isFinite(gap0) && deepenSteps > 0 ? gap0 / 2 ** deepenSteps : Infinity;
        const ended: { delta: number; states: number }[] = [];
        for (;;) {
          const final = !(delta < gap0);
          const cut = final ? upper : p.bound + delta;
          const a = solveFrontier({ rows: model.rows, columns: model.columns }, {
            order, deadline: searchDeadline, maxStates: proofStates, beamWidth: 0, count: k, duals: p.y, countPrice: p.mu, countWeights: weights,
            costToGoStates: costToGoStates,
            ...(Number.isFinite(cut) ? { upper: cut } : {}),
          });
          report.states += a.states;
          report.searches++;
          out.states += a.states;
          if (a.improved) offer(a.chosen);
          if (a.status === 'infeasible' || (a.status === 'optimal' && (a.improved || final))) {
            Object.assign(report, { resolved: true, bound: a.status === 'infeasible' ? Infinity : upper, by: 'frontier' });
            return;
          }
          if (a.status === 'optimal') {
            // no plan of k columns below the cutoff
            report.bound = Math.max(report.bound, cut - FRONTIER_TOL);
            ended.push({ delta, states: Math.max(1, a.states) });
            let next = 2 * delta;
            if (ended.length >= 2) {
              const [u, v] = ended.slice(-2) as [{ delta: number; states: number }, { delta: number; states: number }];
              const rate = Math.log(v.states / u.states) / (v.delta - u.delta);
              if (rate > 0) next = Math.min(2 * delta, Math.max(1.25 * delta, delta + Math.log(proofStates / 2 / v.states) / rate));
            }
            delta = next;
            continue;
          }
          report.bound = Math.max(report.bound, a.bound);
          break;
        }
      }
      if (engine === undefined || !useMip || Date.now() > deadline) return;
      // the k-column integer program over the columns that can still be in a better plan
      const keep = engineColumns(k, p);
      report.engineColumns = keep.length;
      const covered = new Uint8Array(model.rows);
      for (const j of keep) for (const r of model.columns[j]!.rows) covered[r] = 1;
      if (keep.length === 0 || covered.some((h) => h === 0)) { Object.assign(report, { resolved: true, bound: Infinity, by: 'lp' }); return; }
      const local = new Map<number, number>();
      keep.forEach((j, i) => local.set(j, i));
      const seconds = engineSeconds(deadline, keep.length);
      if (seconds === null) return;
      const sub: ComponentModel = {
        rows: model.rows, columns: keep.map((j) => model.columns[j]!), count: k, timeLimitSec: seconds,
        ...(Number.isFinite(upper) ? { cutoff: upper + 1e-7 } : {}),
      };
      const best = plan as number[] | null;
      if (best !== null && best.length === k && best.every((j) => local.has(j))) sub.start = best.map((j) => local.get(j)!);
      let b: ComponentAnswer;
      try {
        b = engine.solve(sub);
      } catch (err) {
        b = { status: 'error', chosen: [], bound: -Infinity, message: err instanceof Error ? err.message : String(err) };
      }
      const mapped = b.chosen.map((i) => keep[i]!);
      const valid = b.status !== 'infeasible' && b.status !== 'error' && isPartition(model, mapped, k);
      if (valid) offer(mapped);
      if ((b.status === 'optimal' && valid) || b.status === 'infeasible') {
        Object.assign(report, { resolved: true, bound: b.status === 'optimal' ? upper : Infinity, by: engine.name });
        return;
      }
      report.bound = Math.max(report.bound, Number.isFinite(b.bound) ? b.bound : -Infinity);
    };
    // the counts in order of LP_k, each LP solved only when needed: LP_k is convex in k with its
    // least value at the LP's Σ x, so it rises from kUp up and from below kUp down, and the next
    // count to settle is the lower of the two next ones. A direction ends at a count whose LP_k
    // is not below the best plan (every count beyond it is worse), and the plan that settling
    // one count finds ends the scan sooner for the others (Providence's counts 31 and 33 were
    // settled by the LP of the first, 34 not solved). A scan cut short by the clock leaves counts
    // unexamined: only the LP bound holds for them.
    let up = kUp, down = Math.min(kUp - 1, Math.floor(lp.columnsUsed + 1e-9));
    let scanned = true;
    const pushReport = (k: number): CountReport => {
      const p = prices.get(k)!;
      const report: CountReport = { count: k, lpBound: p.bound, bound: p.bound, resolved: false, by: '', states: 0, searches: 0, engineColumns: 0, ms: 0 };
      out.counts.push(report);
      return report;
    };
    // a count's LP, and its beam when the count may hold a better plan
    const examine = (k: number): boolean => {
      const known = prices.has(k);
      const live = boundOf(k) < upper - FRONTIER_TOL;
      if (!known && live) beam(k);
      return boundOf(k) < upper - FRONTIER_TOL;
    };
    for (;;) {
      const ends = [up, down].filter((k) => k >= kMin && k <= model.rows);
      if (Date.now() > deadline) {
        // out of time: the next count of each direction is open with its LP as bound (every count
        // beyond it has a higher LP); one whose LP is not known leaves only the root bound
        for (const k of ends) {
          if (!prices.has(k)) scanned = false;
          else if (boundOf(k) < upper - FRONTIER_TOL) pushReport(k);
        }
        break;
      }
      const live = ends.filter((k) => examine(k));
      if (live.length === 0) break;
      // the lower LP_k first; on a tie the smaller count
      const k = live.length === 2 && boundOf(up) < boundOf(down) ? up : live[live.length - 1]!;
      if (k === up) up++; else down--;
      // the next count of that direction is examined before this one is settled: a search that
      // the clock stops leaves every count with LP_k as its bound
      const nextK = k === up - 1 ? up : down;
      if (nextK >= kMin && nextK <= model.rows && Date.now() <= deadline) examine(nextK);
      const report = pushReport(k);
      const tk = Date.now();
      settle(k, report);
      report.ms = Date.now() - tk;
    }
    const open = out.counts.filter((c) => !c.resolved);
    // every count's plans cost at least the LP relaxation
    const bound = Math.max(root.bound, Math.min(scanned ? Infinity : root.bound, ...open.map((c) => c.bound)));
    const settled = open.length === 0 && scanned;
    return finish(bound, settled, settled ? undefined : `column counts ${open.map((c) => c.count).join(', ')}${scanned ? '' : ' and others'} left open`);
  } finally {
    relax?.dispose();
  }
}
