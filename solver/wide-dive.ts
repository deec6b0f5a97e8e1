/**
 * Plans for a wide component by LP diving (the primal heuristic of branch and price): solve the
 * LP relaxation of the rows still open (column generation over the enumerated columns that fit
 * in them), fix the columns the LP takes whole and, when it takes none, the one of largest value;
 * drop their rows; repeat until the rows left are few enough for the subset DP, which finishes
 * the plan exactly. Several dives, each with the fixing order perturbed, and a dive stops as soon
 * as its fixed columns plus the LP of the rest reach the best plan's value.
 *
 * Why: when the station weight dominates (the hard objective), plans from the prices and the
 * region search stopped at 57 stations on 250 generated tracts with an LP of 50.94; the LP's
 * fractional plan says where whole stations fit, one at a time.
 */
import { FRONTIER_TOL } from './frontier.js';
import { solveSmallComponent } from './subset-dp.js';
import { makeGeneratedRelaxation } from './engines/generated.js';
import type { ComponentModel, ComponentRelaxation, PartitionEngine } from './engines/types.js';

/** Rows at which a dive hands the rest to the subset DP. */
const DIVE_EXACT_ROWS = 16;

export interface DiveOptions {
  /** `Date.now()` by which the dives stop. [none] */
  deadline?: number;
  /** Value of the best known plan: a dive whose fixed columns plus LP reach it stops. [Infinity] */
  upper?: number;
  /** Dives, at most (the first unperturbed). [6] */
  dives?: number;
  /** Index of the first dive (its perturbation: dive 0 is the unperturbed one); later rounds of dives start past the earlier ones. [0] */
  firstDive?: number;
  /** LP value at least this fraction of 1 counts as taken whole. [0.999] */
  wholeAt?: number;
  /** Collects the columns positive in some LP of the dives. [none] */
  support?: Set<number>;
  /** An LP relaxation of the model to dive in (kept open; its covered rows are reset after each dive). [a new one] */
  relaxation?: ComponentRelaxation;
  /**
   * Dive in the LP of the least number of columns (every column costing 1), `upper` a number of
   * columns: where the count is what bounds the plan (the hard objective), plans of fewer stations
   * are what close the gap. The plan returned is still the cheapest of the dives. [false]
   */
  unitCost?: boolean;
}

export interface DiveAnswer {
  /** The best plan found (column indices, ascending), or null. */
  plan: number[] | null;
  value: number;
  dives: number;
  /** LP solves in all. */
  lps: number;
}

/** A deterministic factor in [1 − s, 1 + s) per column and dive (dive 0: 1). */
function noise(j: number, dive: number, s: number): number {
  if (dive === 0) return 1;
  let h = Math.imul(j + 1, 0x9e3779b1) ^ Math.imul(dive, 0x85ebca6b);
  h ^= h >>> 15; h = Math.imul(h, 0x2c1b3c6d); h ^= h >>> 12;
  return 1 - s + 2 * s * ((h >>> 0) / 4294967296);
}

/**
 * LP dives for a plan of `model` (see the module comment). Every plan returned is a checked
 * partition of the model's rows; null when no dive finished below `upper`.
 */
export function diveForPlan(model: Pick<ComponentModel, 'rows' | 'columns'>, engine: PartitionEngine, options: DiveOptions = {}): DiveAnswer {
  const deadline = options.deadline ?? Infinity;
  const wholeAt = options.wholeAt ?? 0.999;
  const unitCost = options.unitCost === true;
  const { rows, columns } = model;
  // the bar a dive stops at, in the LP's measure (cost, or number of columns)
  let upper = options.upper ?? Infinity;
  let best: number[] | null = null;
  let bestCost = Infinity;
  let lps = 0;
  let dives = 0;
  if (engine.relax === undefined) return { plan: null, value: Infinity, dives, lps };
  // one LP for every dive: covered rows get a right-hand side of 0, the basis is kept
  const relax = options.relaxation ?? makeGeneratedRelaxation(engine, model);
  if (relax.setCovered === undefined) { if (options.relaxation === undefined) relax.dispose(); return { plan: null, value: Infinity, dives, lps }; }
  try {
    const first = options.firstDive ?? 0;
    for (let d = first; d < first + (options.dives ?? 6) && Date.now() < deadline; d++) {
      dives++;
      const alive = new Uint8Array(rows).fill(1);
      let left = rows;
      const fixed: number[] = [];
      let fixedCost = 0;
      let done = false;
      while (!done && Date.now() < deadline) {
        if (left <= DIVE_EXACT_ROWS) {
          // the rest exactly, over the columns inside it
          const aliveRows: number[] = [];
          const local = new Int32Array(rows).fill(-1);
          for (let r = 0; r < rows; r++) if (alive[r]) { local[r] = aliveRows.length; aliveRows.push(r); }
          const cands: number[] = [];
          for (let j = 0; j < columns.length; j++) if (columns[j]!.rows.every((r) => alive[r] === 1)) cands.push(j);
          const rest = solveSmallComponent({ rows: left, columns: cands.map((j) => ({ rows: columns[j]!.rows.map((r) => local[r]!), cost: columns[j]!.cost })) });
          if (rest !== null) for (const i of rest) { fixed.push(cands[i]!); fixedCost += columns[cands[i]!]!.cost; }
          done = rest !== null;
          break;
        }
        const lp = relax.solve({ timeLimitSec: Math.max(0.01, (deadline - Date.now()) / 1000), ...(unitCost ? { unitCost } : {}) });
        lps++;
        if (lp === null || lp.columnValues === undefined) break;
        if ((unitCost ? fixed.length : fixedCost) + lp.value >= upper - FRONTIER_TOL) break;
        const x = lp.columnValues;
        if (options.support !== undefined) for (let j = 0; j < x.length; j++) if (x[j]! > 1e-9) options.support.add(j);
        // the columns taken whole, else the one of largest (perturbed) value
        const take: number[] = [];
        let arg = -1, top = -Infinity;
        for (let j = 0; j < x.length; j++) {
          const v = x[j]!;
          if (v <= 1e-9) continue;
          if (v >= wholeAt) take.push(j);
          const key = v * noise(j, d, 0.3);
          if (key > top) { top = key; arg = j; }
        }
        if (take.length === 0 && arg >= 0) take.push(arg);
        if (take.length === 0) break;
        const shut: number[] = [];
        for (const j of take) {
          if (columns[j]!.rows.some((r) => alive[r] === 0)) continue;
          fixed.push(j);
          fixedCost += columns[j]!.cost;
          for (const r of columns[j]!.rows) { alive[r] = 0; left--; shut.push(r); }
        }
        relax.setCovered(shut, true);
        if (left === 0) done = true;
      }
      // every row open again for the next dive
      const opened: number[] = [];
      for (let r = 0; r < rows; r++) if (alive[r] === 0) opened.push(r);
      relax.setCovered(opened, false);
      if (!done) continue;
      const hit = new Uint8Array(rows);
      let ok = true;
      for (const j of fixed) for (const r of columns[j]!.rows) { if (hit[r]) ok = false; hit[r] = 1; }
      if (!ok || !hit.every((h) => h === 1)) continue;
      if (unitCost) {
        // the fewest columns first, then the cheapest
        // (a tie with a plan of this call's dives, never with `upper` as given)
        if (fixed.length < upper - FRONTIER_TOL || (best !== null && fixed.length < upper + FRONTIER_TOL && fixedCost < bestCost - FRONTIER_TOL)) {
          upper = fixed.length; bestCost = fixedCost; best = fixed.slice().sort((a, b) => a - b);
        }
      } else if (fixedCost < upper - FRONTIER_TOL) { upper = fixedCost; bestCost = fixedCost; best = fixed.slice().sort((a, b) => a - b); }
    }
  } finally {
    if (options.relaxation === undefined) relax.dispose();
  }
  return { plan: best, value: bestCost, dives, lps };
}
