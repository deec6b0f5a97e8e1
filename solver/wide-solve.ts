/**
 * The exact solve of a wide component (its rows cannot be ordered for the frontier search) with
 * many columns. The engine alone spent its time on an LP over every column and kept a poor plan
 * (250 generated tracts, 26,000 columns: a 10% gap after 10 s; the hard objective 45%). Instead:
 * 1. the first plan improved region by region (`improveByRegions`: regions of ≤ 14 rows re-solved
 *    exactly by the subset DP);
 * 2. the LP relaxation by column generation (solver/engines/generated.ts), its prices repaired
 *    into a feasible dual: a lower bound LB that holds even when the clock cut the LP short;
 * 3. plans from the prices (greedy by reduced cost, perturbed), improved by regions (a plan of
 *    value UB); where UB − LB > 1% of UB, LP dives (solver/wide-dive.ts) and an integer program
 *    over the columns their LPs used (the restricted master heuristic);
 *    Where the costs are count-like (the LP's value ≈ its Σ x times the least cost: the hard
 *    objective), step 3b comes first, and where the count bound k is what binds and the plan has
 *    more than k columns, the dives are in the cut LP of the least number of columns, in rounds
 *    of `WIDE_COUNT_DIVES`, each round's columns given to the integer program (tracts-250-hard:
 *    52 stations, the bound, where the cost dives' program stopped at 53);
 * 3b. where the gap is still over 1%: subset-row cuts over row triples (solver/subset-row.ts)
 *    added to the LP in rounds (its feasible dual a bound), and the count bound: every plan has
 *    at least k = ⌈the least Σ x with the cuts⌉ columns, so costs ≥ k × the least column cost
 *    (on 250 generated tracts under the hard objective: LP 50.94, with the cuts 51.05+, so ≥ 52
 *    stations of cost ≥ 1; 52 is the optimum): a floor under the bound; the steps below keep
 *    the root LP's reduced costs;
 * 4. integer programs over the N columns of least reduced cost (and the dives' columns), N
 *    growing (1,500 → ×2.5): solved, one proves that no plan of those columns beats UB, and any
 *    other plan holds a column of reduced cost ≥ δ (the first one left out), so costs ≥ LB + δ
 *    (a plan's value is LB + the sum of its columns' reduced costs, each ≥ 0): the bound
 *    min(UB, LB + δ) after each step;
 * 5. the last step takes every column of reduced cost ≤ UB − LB (reduced-cost fixing) when it
 *    fits the engine: optimal there is optimal for the component.
 * Each program gets the best plan as its start and UB as cutoff. The LP's working set grows in
 * one HiGHS model (columns appended, the basis kept).
 */
import { FRONTIER_TOL, repairDualPrices } from './frontier.js';
import { solveSmallComponent } from './subset-dp.js';
import { engineSeconds } from './engines/clock.js';
import { makeGeneratedRelaxation } from './engines/generated.js';
import type { ComponentAnswer, ComponentModel, ComponentRelaxation, PartitionEngine, RelaxationAnswer } from './engines/types.js';
import { diveForPlan } from './wide-dive.js';
import { calcCutDualBound, separateSubsetRowCuts, type RowTriple } from './subset-row.js';

/** Largest model the final integer program is given (larger ones overrun the clock in HiGHS's presolve). */
export const WIDE_MIP_MAX_COLUMNS = 15_000;

/** Gap (UB − LB over |UB|) above which the plan is looked for by LP dives too. */
export const WIDE_DIVE_GAP = 0.01;

/**
 * Least time left (ms, and times the root LP's time) for the dives: with less they take the time
 * the restricted programs prove with (the 60 s command over 31 groups leaves each about 1.4 s:
 * 4 groups proven with dives there, 7 without). Five LPs' time was too much: it kept the hard
 * objective of 250 tracts from diving at all.
 */
export const WIDE_DIVE_MIN_MS = 3000;
export const WIDE_DIVE_MIN_LPS = 2;

/** LP value within this share of its Σ x times the least column cost: costs are count-like (cuts before the dives). */
export const WIDE_COUNT_LIKE = 0.01;

/** Dives per round where the count bounds the plan, and the share of the time left the rounds may take. */
export const WIDE_COUNT_DIVES = 3;
export const WIDE_COUNT_SHARE = 0.7;

/** Share of the time left that the cuts and the count bound may take. */
export const WIDE_CUT_SHARE = 0.5;

/** Rounds of cuts stop when one lifts the LP by less than this. */
const WIDE_CUT_STALL = 1e-3;

export interface WideOptions {
  /** `Date.now()` by which the solve returns. [none] */
  deadline?: number;
  /** Columns of the first restricted integer program (later ones 2.5 × the last). [max(1500, 6 × rows)] */
  restrictedColumns?: number;
  /** LP dives at most when the gap is wide (0: none). [8] */
  dives?: number;
  /** Subset-row cuts and the count bound where the gap is wide. [true] */
  cuts?: boolean;
}

export interface WideAnswer extends ComponentAnswer {
  /** LP bound (−Infinity when the LP did not solve). */
  rootBound: number;
  /** Columns left by reduced-cost fixing (0 when it was not reached). */
  kept: number;
  /** Rounds of dives in the count LP (0 when the count did not bound the plan). */
  countRounds: number;
}

function isPartition(model: Pick<ComponentModel, 'rows' | 'columns'>, plan: readonly number[]): boolean {
  const hit = new Uint8Array(model.rows);
  for (const j of plan) {
    if (!Number.isInteger(j) || j < 0 || j >= model.columns.length) return false;
    for (const r of model.columns[j]!.rows) { if (hit[r]) return false; hit[r] = 1; }
  }
  return hit.every((h) => h === 1);
}

/**
 * A plan from reduced costs `rc`: columns in ascending order of rc (round > 0: each rc scaled by
 * a deterministic factor in [1, 1.5)), taken when disjoint from those taken; the rows left are
 * covered by `greedyCover` over the columns inside them. [] when they cannot be.
 */
export function calcPricedGreedyPlan(model: Pick<ComponentModel, 'rows' | 'columns'>, rc: Float64Array, round: number): number[] {
  const noise = (j: number): number => {
    if (round === 0) return 1;
    let h = Math.imul(j + 1, 0x9e3779b1) ^ Math.imul(round, 0x85ebca6b);
    h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
    return 1 + 0.5 * ((h >>> 0) / 4294967296);
  };
  const key = model.columns.map((c, j) => rc[j]! * noise(j) + 1e-6 * c.cost / c.rows.length);
  const order = model.columns.map((_, j) => j).sort((a, b) => key[a]! - key[b]! || a - b);
  const used = new Uint8Array(model.rows);
  const chosen: number[] = [];
  let covered = 0;
  for (const j of order) {
    const c = model.columns[j]!;
    if (c.rows.some((r) => used[r] === 1)) continue;
    for (const r of c.rows) used[r] = 1;
    chosen.push(j);
    covered += c.rows.length;
    if (covered === model.rows) break;
  }
  return covered === model.rows ? chosen : [];
}

/**
 * Improves a plan by re-solving small regions exactly: for each chosen column in turn, the region
 * of it and its neighbouring chosen columns (rows joined by a 2-row column), grown breadth first
 * up to `maxRows` rows, is partitioned anew by `solveSmallComponent` over the columns inside it;
 * a cheaper partition replaces the region's columns. Passes until one improves nothing or the
 * deadline. Deterministic.
 */
export function improveByRegions(model: Pick<ComponentModel, 'rows' | 'columns'>, start: readonly number[], deadline = Infinity, maxRows = 14): number[] {
  const { rows, columns } = model;
  const colsByRow: number[][] = Array.from({ length: rows }, () => []);
  const near: number[][] = Array.from({ length: rows }, () => []);
  columns.forEach((c, j) => {
    for (const r of c.rows) colsByRow[r]!.push(j);
    if (c.rows.length === 2) { near[c.rows[0]!]!.push(c.rows[1]!); near[c.rows[1]!]!.push(c.rows[0]!); }
  });
  const owner = new Int32Array(rows).fill(-1);
  const chosen = new Set<number>(start);
  for (const j of chosen) for (const r of columns[j]!.rows) owner[r] = j;
  const inRegion = new Uint8Array(rows);
  const seenCol = new Uint8Array(columns.length);
  for (let pass = 0; pass < 20; pass++) {
    let improved = false;
    for (const seed of [...chosen].sort((a, b) => a - b)) {
      if (Date.now() > deadline) return [...chosen].sort((a, b) => a - b);
      if (!chosen.has(seed)) continue;
      // grow the region by whole chosen columns, nearest first
      const region: number[] = [];
      const regionCols: number[] = [];
      const queue = [seed];
      const queued = new Set<number>([seed]);
      for (let h = 0; h < queue.length; h++) {
        const j = queue[h]!;
        if (region.length + columns[j]!.rows.length > maxRows) continue;
        regionCols.push(j);
        for (const r of columns[j]!.rows) { region.push(r); inRegion[r] = 1; }
        for (const r of columns[j]!.rows) {
          for (const q of near[r]!) {
            const o = owner[q]!;
            if (o >= 0 && !queued.has(o)) { queued.add(o); queue.push(o); }
          }
        }
      }
      if (regionCols.length >= 2) {
        const local = new Map<number, number>();
        region.forEach((r, i) => local.set(r, i));
        const inside: number[] = [];
        for (const r of region) {
          for (const j of colsByRow[r]!) {
            if (seenCol[j]) continue;
            seenCol[j] = 1;
            if (columns[j]!.rows.every((x) => inRegion[x] === 1)) inside.push(j);
          }
        }
        for (const r of region) for (const j of colsByRow[r]!) seenCol[j] = 0;
        const old = regionCols.reduce((sum, j) => sum + columns[j]!.cost, 0);
        const best = solveSmallComponent({ rows: region.length, columns: inside.map((j) => ({ rows: columns[j]!.rows.map((x) => local.get(x)!), cost: columns[j]!.cost })) });
        if (best !== null) {
          const now = best.reduce((sum, i) => sum + columns[inside[i]!]!.cost, 0);
          if (now < old - 1e-9) {
            for (const j of regionCols) chosen.delete(j);
            for (const i of best) { const j = inside[i]!; chosen.add(j); for (const r of columns[j]!.rows) owner[r] = j; }
            improved = true;
          }
        }
      }
      for (const r of region) inRegion[r] = 0;
    }
    if (!improved) break;
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The engine on a subset of the columns, answer mapped back to the model's indices. */
function solveSubset(
  model: Pick<ComponentModel, 'rows' | 'columns'>, engine: PartitionEngine, cols: readonly number[], plan: readonly number[] | null,
  deadline: number, cutoff?: number,
): ComponentAnswer | null {
  const seconds = engineSeconds(deadline, cols.length);
  if (seconds === null) return null;
  const local = new Map<number, number>();
  cols.forEach((j, i) => local.set(j, i));
  let b: ComponentAnswer;
  try {
    b = engine.solve({
      rows: model.rows, columns: cols.map((j) => model.columns[j]!), timeLimitSec: seconds,
      ...(plan !== null && plan.every((j) => local.has(j)) ? { start: plan.map((j) => local.get(j)!) } : {}),
      ...(cutoff !== undefined && Number.isFinite(cutoff) ? { cutoff } : {}),
    });
  } catch (err) {
    return { status: 'error', chosen: [], bound: -Infinity, message: err instanceof Error ? err.message : String(err) };
  }
  return { ...b, chosen: b.chosen.map((i) => cols[i]!) };
}

/**
 * Solves one wide component (see the module comment). Needs an engine with `relax`.
 * @returns `optimal`, `infeasible`, `time_limit` (best plan, proven bound) or `error`
 */
export function solveWideComponent(model: Pick<ComponentModel, 'rows' | 'columns' | 'start'>, engine: PartitionEngine, options: WideOptions = {}): WideAnswer {
  const deadline = options.deadline ?? Infinity;
  const value = (p: readonly number[]): number => p.reduce((s, j) => s + model.columns[j]!.cost, 0);
  let plan: number[] | null = model.start !== undefined && isPartition(model, model.start) ? model.start.slice() : null;
  let upper = plan !== null ? value(plan) : Infinity;
  const offer = (p: readonly number[]): void => {
    if (p.length === 0 || !isPartition(model, p)) return;
    const v = value(p);
    if (v < upper - FRONTIER_TOL) { upper = v; plan = p.slice().sort((a, b) => a - b); }
  };
  const note = { countRounds: 0 };
  const out = (status: ComponentAnswer['status'], bound: number, rootBound: number, kept: number, message?: string): WideAnswer => {
    const best = plan as number[] | null;
    const { countRounds } = note;
    if (best === null) return { status: status === 'infeasible' ? 'infeasible' : 'error', chosen: [], bound: status === 'infeasible' ? Infinity : bound, rootBound, kept, countRounds, ...(message ? { message } : {}) };
    if (status === 'optimal' || bound >= upper - FRONTIER_TOL) return { status: 'optimal', chosen: best, bound: upper, rootBound, kept, countRounds };
    return { status: 'time_limit', chosen: best, bound: Math.min(bound, upper), rootBound, kept, countRounds, ...(message ? { message } : {}) };
  };

  // the first plan improved region by region before anything else: a good plan early
  if (plan !== null) offer(improveByRegions(model, plan, Math.min(deadline, Date.now() + 0.15 * Math.max(0, deadline - Date.now()))));
  const relax = makeGeneratedRelaxation(engine, model);
  try {
    return solveFromRelaxation(model, engine, relax, deadline, options, offer, out, () => plan, () => upper, note);
  } finally {
    relax.dispose();
  }
}

/**
 * A bound above the LP's (solver/subset-row.ts): rounds of subset-row cuts that the LP point
 * violates, each added to `relax` and the LP solved again, until none is violated, a round lifts
 * the LP by less than `WIDE_CUT_STALL` (or by less than a fifth of what the count bound's next
 * step needs) or `until`; then the least number of columns k of any plan (⌈the unit-cost LP with
 * the cuts⌉). Returns the cut LP's feasible dual: its bound and reduced costs (a plan's value ≥
 * bound + Σ of its columns' reduced costs), and `floor` = k × the least column cost (every plan
 * costs at least that; −Infinity when it says nothing), or null. The LP with Σ x ≥ k was tried
 * as the bound instead: on the hard objective it gave k (51.99999999995) for an LP solve more,
 * and its reduced costs (≈ 0 on every column of cost 1) ranked columns worse for the programs.
 */
export function liftBound(
  model: Pick<ComponentModel, 'rows' | 'columns'>, relax: ComponentRelaxation, lp0: RelaxationAnswer, until: number,
): { bound: number; rc: Float64Array; floor: number; cuts: number; minCount: number } | null {
  if (relax.addCuts === undefined) return null;
  let least = Infinity;
  for (const c of model.columns) least = Math.min(least, c.cost);
  const known = new Set<string>();
  const all: RowTriple[] = [];
  const seconds = (): number => Math.max(0.01, (until - Date.now()) / 1000);
  if (lp0.columnValues === undefined) return null;
  let x = lp0.columnValues;
  let last: RelaxationAnswer = lp0;
  let value = lp0.value;
  // the cuts leave a quarter of the time to the count
  const cutsUntil = until - 0.25 * Math.max(0, until - Date.now());
  for (let round = 0; round < 40 && Date.now() < cutsUntil; round++) {
    const sep = separateSubsetRowCuts(model.rows, model.columns, x, { known });
    if (sep.cuts.length === 0) break;
    for (const c of sep.cuts) { known.add(c.join(',')); all.push(c); }
    relax.addCuts(sep.cuts);
    const lp = relax.solve({ timeLimitSec: seconds() });
    if (lp === null || lp.columnValues === undefined) break;
    last = lp;
    x = lp.columnValues;
    const gain = lp.value - value;
    value = lp.value;
    // stalled, or (costs > 0) the next whole number of columns of the least cost out of reach at
    // this pace: on the hard objective the count bound is what the cuts are for, and a round
    // costs an LP over hundreds of cuts
    const next = least > 0 && Number.isFinite(least) ? (Math.floor(value / least + 1e-9) + 1) * least - value : 0;
    if (gain < Math.max(WIDE_CUT_STALL, next / 5)) break;
  }
  const best = calcCutDualBound(model.rows, model.columns, all, last);
  // the least number of columns with the cuts, k: every plan has at least its ceiling. First from
  // the cost LP's prices repaired for unit costs (no solve: under the hard objective the LP's
  // columns cost 1), else from the unit-cost LP; every plan then costs ≥ k × the least cost
  let k = Math.ceil(calcCutDualBound(model.rows, model.columns, all, last, 0, true).bound - 1e-6);
  if (k <= last.columnsUsed + 1e-6 && Date.now() < until) {
    const unit = relax.solve({ unitCost: true, timeLimitSec: seconds() });
    if (unit !== null) k = Math.max(k, Math.ceil(calcCutDualBound(model.rows, model.columns, all, unit, 0, true).bound - 1e-6));
  }
  const floor = Number.isFinite(least) && least > 0 && k > 0 ? k * least : -Infinity;
  return { bound: best.bound, rc: best.rc, floor, cuts: all.length, minCount: k };
}

/** The steps after the first plan: the LP, plans from prices and dives, the restricted programs. */
function solveFromRelaxation(
  model: Pick<ComponentModel, 'rows' | 'columns' | 'start'>, engine: PartitionEngine, relax: ComponentRelaxation, deadline: number, options: WideOptions,
  offer: (p: readonly number[]) => void,
  out: (status: ComponentAnswer['status'], bound: number, rootBound: number, kept: number, message?: string) => WideAnswer,
  getPlan: () => number[] | null, getUpper: () => number, note: { countRounds: number },
): WideAnswer {
  let y: Float64Array;
  let lower: number;
  let lp0: RelaxationAnswer;
  const tLp = Date.now();
  let lpMs = 0;
  {
    const lp = relax.solve({ timeLimitSec: Math.max(0.01, (deadline - Date.now()) / 1000) });
    if (lp === null) {
      // no LP: the engine alone on every column, as before
      const all = model.columns.map((_, j) => j);
      const b = solveSubset(model, engine, all, getPlan(), deadline);
      if (b === null) return out('time_limit', -Infinity, -Infinity, 0, 'too little time left for the engine');
      if (b.status === 'infeasible' && getPlan() === null) return out('infeasible', Infinity, -Infinity, 0);
      if (b.status !== 'infeasible' && b.status !== 'error') offer(b.chosen);
      return out(b.status === 'optimal' ? 'optimal' : 'time_limit', b.bound, -Infinity, model.columns.length, b.message);
    }
    y = repairDualPrices(model.rows, model.columns, lp.rowPrices);
    lower = y.reduce((s, v) => s + v, 0);
    lp0 = lp;
    lpMs = Date.now() - tLp;
  }
  if (Date.now() >= deadline) return out('time_limit', lower, lower, 0, 'time limit reached after the LP relaxation');

  // reduced costs under the repaired prices: all ≥ 0
  const rc = new Float64Array(model.columns.length);
  model.columns.forEach((c, j) => {
    let s = 0;
    for (const r of c.rows) s += y[r]!;
    rc[j] = Math.max(0, c.cost - s);
  });

  // plans from the prices: columns by reduced cost (then by cost per row), taken when disjoint,
  // the rows left by the greedy over what fits; a few orders with the prices perturbed
  for (let round = 0; round < 4 && Date.now() < deadline; round++) offer(calcPricedGreedyPlan(model, rc, round));
  if (getPlan() !== null) offer(improveByRegions(model, getPlan()!, deadline));

  // where the gap stays wide, a stronger bound: subset-row cuts and the least number of columns
  // (solver/subset-row.ts); a bound with no reduced costs of its own (the count's): ≤ every plan's value
  const cuts = (options.cuts ?? true) && relax.addCuts !== undefined;
  let floor = -Infinity;
  let minCount = 0;
  let lifted = false;
  const wide = (): boolean => getUpper() - Math.max(lower, floor) > WIDE_DIVE_GAP * Math.max(1, Math.abs(getUpper()));
  const lift = (): void => {
    lifted = true;
    const l = liftBound(model, relax, lp0, Math.min(deadline, Date.now() + WIDE_CUT_SHARE * Math.max(0, deadline - Date.now())));
    // a floor only: the restricted programs keep the root LP's reduced costs, whose ranking of
    // columns found better plans (tracts-250-hard: 59.22–61.22 with them, 61.22 in every run
    // with the cut LP's), and LB + δ cannot beat the count floor on the hard objective anyway
    if (l !== null) { floor = Math.max(l.bound, l.floor); minCount = l.floor > l.bound ? l.minCount : 0; }
  };
  // count-like costs (the LP's value within 1% of its number of columns times the least cost:
  // the hard objective): the cuts first, so that the dives below see the count bound
  let least = Infinity;
  for (const c of model.columns) least = Math.min(least, c.cost);
  const countLike = least > 0 && Number.isFinite(least) && lp0.value <= (1 + WIDE_COUNT_LIKE) * least * lp0.columnsUsed;
  if (cuts && countLike && wide()) {
    lift();
    if (Date.now() >= deadline) return out('time_limit', Math.max(lower, floor), Math.max(lower, floor), 0, 'time limit reached after the cuts');
  }

  // LP dives where the gap is wide (the station weight dominating: a plan of 57 stations against an
  // LP of 50.94 on 250 generated tracts); the columns their LPs use join the restricted programs.
  // Where the count bounds the plan (k stations at least, the plan has more), the dives are in the
  // cut LP of the least number of columns: plans of fewer stations are what close the gap
  // (tracts-250-hard: the program over 3 such dives' columns found 52 stations, the count bound,
  // where the cost LP's dives and their program stopped at 53)
  const support = new Set<number>();
  const dives = options.dives ?? 8;
  const timeLeft = deadline - Date.now();
  const rmh = (cols0: ReadonlySet<number>, until: number): void => {
    // the restricted master heuristic: an integer program over the columns the dives' LPs used
    // (about 5 × rows of them; on 250 generated tracts 57 → 53 stations where the first N by
    // reduced cost found nothing better)
    const cols = [...new Set<number>([...cols0, ...(getPlan() ?? [])])].sort((a, b) => a - b);
    const b = solveSubset(model, engine, cols, getPlan(), until, Number.isFinite(getUpper()) ? getUpper() + 1e-7 : undefined);
    if (b !== null && b.status !== 'infeasible' && b.status !== 'error') offer(b.chosen);
    if (getPlan() !== null) offer(improveByRegions(model, getPlan()!, deadline));
  };
  if (dives > 0 && wide() && relax.setCovered !== undefined
    && timeLeft >= Math.max(WIDE_DIVE_MIN_MS, WIDE_DIVE_MIN_LPS * lpMs)) {
    if (minCount > 0 && getPlan() !== null && getPlan()!.length > minCount) {
      // rounds of dives in the count LP (run to the end: their LPs' columns are what the program
      // needs), each followed by the program over the columns that round's dives used (and the
      // plan), until the plan has the count bound's number of columns or the share of time is
      // spent. A round's columns held a plan of the bound's count in 1 of 6 rounds on
      // tracts-250-hard; the union of rounds grew too large for the program in time
      const until = Math.min(deadline, Date.now() + WIDE_COUNT_SHARE * Math.max(0, deadline - Date.now()));
      for (let first = 0; Date.now() < until && getPlan()!.length > minCount; first += WIDE_COUNT_DIVES) {
        const used = new Set<number>();
        note.countRounds++;
        const dive = diveForPlan(model, engine, {
          relaxation: relax, support: used, dives: WIDE_COUNT_DIVES, firstDive: first, unitCost: true,
          // the program keeps the rest of the share: stopped dives still leave it their columns
          deadline: Date.now() + 0.6 * Math.max(0, until - Date.now()),
        });
        if (first === 0) for (const j of used) support.add(j);
        if (dive.lps === 0) break;
        if (dive.plan !== null) offer(improveByRegions(model, dive.plan, deadline));
        rmh(used, until);
      }
    } else {
      const dive = diveForPlan(model, engine, {
        relaxation: relax, support, upper: getUpper(), dives,
        deadline: Math.min(deadline, Date.now() + 0.4 * Math.max(0, deadline - Date.now())),
      });
      if (dive.plan !== null) offer(improveByRegions(model, dive.plan, deadline));
      rmh(support, Math.min(deadline, Date.now() + 0.4 * Math.max(0, deadline - Date.now())));
    }
  }

  if (cuts && !lifted && wide()) {
    lift();
    if (Date.now() >= deadline) return out('time_limit', Math.max(lower, floor), Math.max(lower, floor), 0, 'time limit reached after the cuts');
  }
  const byRc = model.columns.map((_, j) => j).sort((a, b) => rc[a]! - rc[b]! || a - b);

  // restricted integer programs over the columns of least reduced cost, growing: a program over
  // the first N columns by reduced cost, solved, proves that no plan of those columns beats UB,
  // and any other plan holds a column of reduced cost ≥ δ (the first one left out), so costs
  // ≥ LB + δ. Each step's bound is min(UB, LB + δ); once δ ≥ UB − LB the plan is optimal.
  let size = Math.min(byRc.length, options.restrictedColumns ?? Math.max(1500, 6 * model.rows));
  let bound = Math.max(lower, floor);
  let kept = 0;
  let message: string | undefined;
  let retried = false;
  for (let step = 0; step < 8; step++) {
    if (getUpper() <= bound + FRONTIER_TOL) return out('optimal', getUpper(), Math.max(lower, floor), kept);
    const gap = getUpper() - lower;
    // every column of reduced cost ≤ UB − LB: the last step, when it fits
    let within = byRc.findIndex((j) => rc[j]! > gap + 1e-9);
    if (within < 0) within = byRc.length;
    const full = within <= Math.max(size, Math.min(WIDE_MIP_MAX_COLUMNS, 2.5 * size));
    const n = full ? within : size;
    if (n > WIDE_MIP_MAX_COLUMNS) {
      // HiGHS does not stop on its clock in the presolve of models this large (ri-2010 as one
      // group: 53,000 columns, 20 s over a 30 s budget): the bound so far stands
      message = `${n} columns of reduced cost within the gap, too many for the engine in time`;
      break;
    }
    const delta = n < byRc.length ? rc[byRc[n]!]! : Infinity;
    const cols = new Set<number>(getPlan() ?? []);
    for (let k = 0; k < n; k++) cols.add(byRc[k]!);
    // a superset of the first n by reduced cost: the bound LB + δ holds as well
    if (!full) for (const j of support) cols.add(j);
    kept = cols.size;
    // a step short of every column may take part of the time left; the last one all of it, and so
    // does a step again after one the clock stopped (its plan may have narrowed the gap)
    const stepDeadline = full || retried ? deadline : Math.min(deadline, Date.now() + 0.4 * Math.max(0, deadline - Date.now()));
    const b = solveSubset(model, engine, [...cols].sort((a, b) => a - b), getPlan(), stepDeadline, Number.isFinite(getUpper()) ? getUpper() + 1e-7 : undefined);
    if (b === null) { message = 'too little time left for the engine'; break; }
    if (b.status !== 'infeasible' && b.status !== 'error') offer(b.chosen);
    if (getPlan() !== null) offer(improveByRegions(model, getPlan()!, deadline));
    // with the cutoff, "infeasible" means no plan of these columns beats the known one
    const settled = b.status === 'infeasible' || b.status === 'optimal';
    const inside = settled ? getUpper() : Math.min(Number.isFinite(b.bound) ? b.bound : -Infinity, getUpper());
    bound = Math.max(bound, Math.min(inside, lower + delta, getUpper()));
    if (bound >= getUpper() - FRONTIER_TOL) return out('optimal', getUpper(), Math.max(lower, floor), kept);
    if (!settled) {
      if (retried || Date.now() >= deadline) { message = b.message; break; }
      retried = true;
      continue;
    }
    if (full) return out('optimal', getUpper(), Math.max(lower, floor), kept);
    size = Math.min(byRc.length, Math.ceil(size * 2.5));
  }
  return out('time_limit', bound, Math.max(lower, floor), kept, message);
}
