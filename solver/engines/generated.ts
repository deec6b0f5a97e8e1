/**
 * The LP relaxation of a wide component by column generation over its enumerated columns: the
 * engine solves the LP over a small working set, every column is priced with the LP's duals
 * (reduced cost cost − Σ y − μ − Σ σ over the subset-row cuts it hits), the most negative join
 * the set, until none is negative. The
 * answer is the LP optimum over all columns, as the engine's own relaxation gives it, at the cost
 * of LPs a few times the row count in size instead of tens of thousands of columns (an LP over
 * 26,000 columns of 250 rows took HiGHS 6–18 s on the loaded machine). When the clock stops the
 * loop early the duals are those of the working set: callers repair them into a feasible dual
 * (`repairDualPrices`), so a bound from them still holds.
 */
import { cutsHitBy, indexCutsByRow, type RowTriple } from '../subset-row.js';
import type { ComponentModel, ComponentRelaxation, PartitionEngine, RelaxationAnswer, RelaxationSolveOptions } from './types.js';

export interface GeneratedRelaxationOptions {
  /** Columns added per round, at most. [max(100, 2 × rows)] */
  perRound?: number;
  /** Rounds, at most. [200] */
  maxRounds?: number;
}

/**
 * A `ComponentRelaxation` by column generation over `model.columns`, with `engine.relax` solving
 * each working set. The first working set: per row the 3 columns of least cost per row covered
 * (and of fewest rows), and `start` (a plan, so that the LP is feasible).
 */
export function makeGeneratedRelaxation(
  engine: PartitionEngine,
  model: Pick<ComponentModel, 'rows' | 'columns' | 'start'>,
  options: GeneratedRelaxationOptions = {},
): ComponentRelaxation {
  const relaxOf = engine.relax;
  if (relaxOf === undefined) throw new Error(`makeGeneratedRelaxation: ${engine.name} has no LP relaxation`);
  const { rows, columns } = model;
  const perRound = options.perRound ?? Math.max(100, 2 * rows);
  const maxRounds = options.maxRounds ?? 200;
  const inSet = new Uint8Array(columns.length);
  const working: number[] = [];
  const add = (j: number): void => { if (!inSet[j]) { inSet[j] = 1; working.push(j); } };
  for (const j of model.start ?? []) add(j);
  // per row, its cheapest columns per row covered (the greedy's view), then the single ones
  const byRow: number[][] = Array.from({ length: rows }, () => []);
  columns.forEach((c, j) => { for (const r of c.rows) byRow[r]!.push(j); });
  for (let r = 0; r < rows; r++) {
    const list = byRow[r]!;
    list.sort((a, b) => columns[a]!.cost / columns[a]!.rows.length - columns[b]!.cost / columns[b]!.rows.length || a - b);
    for (let k = 0; k < Math.min(3, list.length); k++) add(list[k]!);
    for (const j of list) if (columns[j]!.rows.length === 1) add(j);
  }
  // rows set to 0 (`setCovered`): columns through them are not priced
  const closed = new Uint8Array(rows);
  let current: ComponentRelaxation | null = null;
  let currentSize = -1;
  let disposed = false;
  // subset-row cuts (solver/subset-row.ts), given to every model of the working set
  const cuts: RowTriple[] = [];
  let cutsByRow: number[][] = [];
  let hitCount = new Int32Array(0);

  const solveOnce = (o: RelaxationSolveOptions): RelaxationAnswer | null => {
    if (current !== null && currentSize < working.length && current.add !== undefined) {
      // the new columns appended: the solve starts from the last basis
      current.add(working.slice(currentSize).map((j) => columns[j]!));
      currentSize = working.length;
    }
    if (current === null || currentSize !== working.length) {
      current?.dispose();
      current = relaxOf.call(engine, { rows, columns: working.map((j) => columns[j]!) });
      currentSize = working.length;
      const shut: number[] = [];
      for (let r = 0; r < rows; r++) if (closed[r]) shut.push(r);
      if (shut.length > 0) current.setCovered?.(shut, true);
      if (cuts.length > 0) current.addCuts?.(cuts);
    }
    return current.solve(o);
  };

  return {
    solve(o): RelaxationAnswer | null {
      if (disposed) return null;
      const t0 = Date.now();
      const limitMs = o.timeLimitSec !== undefined && Number.isFinite(o.timeLimitSec) ? o.timeLimitSec * 1000 : Infinity;
      const unit = o.unitCost === true;
      let last: RelaxationAnswer | null = null;
      for (let round = 0; round < maxRounds; round++) {
        const left = limitMs - (Date.now() - t0);
        if (left <= 0 && last !== null) break;
        const a = solveOnce({ ...o, timeLimitSec: Math.max(0.01, left / 1000) });
        if (a === null) {
          // the clock stopped this solve: the last answer stands (a model of every column would
          // not solve in less time)
          if (limitMs - (Date.now() - t0) <= 0) break;
          // infeasible over the working set (a count it cannot make): add what prices could not reach
          if (working.length === columns.length) return null;
          for (let j = 0; j < columns.length && working.length < columns.length; j++) add(j);
          continue;
        }
        last = a;
        if (a.columnValues !== undefined) {
          // x over the model's columns (0 outside the working set)
          const x = new Float64Array(columns.length);
          for (let i = 0; i < currentSize && i < a.columnValues.length; i++) x[working[i]!] = a.columnValues[i]!;
          last = { ...a, columnValues: x };
        }
        // price every column
        const y = a.rowPrices, mu = a.countPrice, sigma = a.cutPrices;
        const negative: { j: number; rc: number }[] = [];
        const hit: number[] = [];
        for (let j = 0; j < columns.length; j++) {
          if (inSet[j]) continue;
          const c = columns[j]!;
          let s = mu;
          let shut = false;
          for (const r of c.rows) { s += y[r]!; if (closed[r]) shut = true; }
          if (shut) continue;
          if (sigma !== undefined && cuts.length > 0) {
            hit.length = 0;
            cutsHitBy(c.rows, cutsByRow, hitCount, hit);
            for (const k of hit) s += sigma[k] ?? 0;
          }
          const rc = (unit ? 1 : c.cost) - s;
          if (rc < -1e-9) negative.push({ j, rc });
        }
        if (negative.length === 0) break;
        negative.sort((p, q) => p.rc - q.rc || p.j - q.j);
        for (let k = 0; k < Math.min(perRound, negative.length); k++) add(negative[k]!.j);
      }
      return last;
    },
    addCuts(list): void {
      if (disposed || list.length === 0) return;
      for (const c of list) cuts.push(c);
      cutsByRow = indexCutsByRow(rows, cuts);
      hitCount = new Int32Array(cuts.length);
      current?.addCuts?.(list);
    },
    setCovered(list, covered): void {
      for (const r of list) closed[r] = covered ? 1 : 0;
      current?.setCovered?.(list, covered);
    },
    dispose(): void {
      current?.dispose();
      current = null;
      disposed = true;
    },
  };
}
