/**
 * HiGHS (npm `highs`, WebAssembly, single-threaded) as a set-partitioning engine.
 */
import { setFlagsFromString } from 'node:v8';
import type { Highs, InitOptions } from 'highs';
import type { ComponentAnswer, ComponentModel, ComponentRelaxation, PartitionEngine, RelaxationAnswer } from './types.js';
import { cutsHitBy, hitsCut, indexCutsByRow, type RowTriple } from '../subset-row.js';

// The package's types are read as CommonJS: the loader is `default` at runtime in ESM.
type Loader = (options?: InitOptions) => Promise<Highs>;
function pickLoader(ns: unknown): Loader {
  let x: unknown = ns;
  for (let i = 0; i < 3 && typeof x !== 'function'; i++) x = (x as { default?: unknown }).default;
  if (typeof x !== 'function') throw new Error('highs: the package exports no loader function');
  return x as Loader;
}

let cached: Promise<Highs> | null = null;

/**
 * V8's tiering budget (`--wasm-tiering-budget`, about the bytes of code a function runs in
 * Liftoff before TurboFan compiles it) of the HiGHS instance. V8's default (1.8 M) sends HiGHS's
 * simplex functions to TurboFan within the first LP: ≈ 1.1 s of compiling on background threads
 * for a first LP of 0.3 s, more than the TurboFan code saves on the few LPs of a street office
 * (Providence, merge 0: the office's CPU 4.3–5.5 s → 3.0–3.8 s, its main thread unchanged;
 * BENCHMARKS.md "… the HiGHS instance's tiering budget …"). Long solves still tier up, later.
 */
export const HIGHS_TIERING_BUDGET = 1_000_000_000;
/** V8's own tiering budget (Node 20), put back once HiGHS is instantiated: other WebAssembly (PGlite) keeps it. */
const V8_TIERING_BUDGET = 1_800_000;

/**
 * Loads the HiGHS WebAssembly module once per process (later calls share the same promise). The
 * package itself is loaded here too, not with this module: a plan whose offices need no integer
 * program (luohu-2006) never loads it. The instance gets `HIGHS_TIERING_BUDGET` (V8 reads the
 * budget when it makes an instance).
 */
export function loadHighsRuntime(): Promise<Highs> {
  const restore = (): void => setFlagsFromString(`--wasm-tiering-budget=${V8_TIERING_BUDGET}`);
  const p = cached ?? import('highs')
    .then((ns) => { setFlagsFromString(`--wasm-tiering-budget=${HIGHS_TIERING_BUDGET}`); return pickLoader(ns)(); })
    .then((h) => { restore(); return h; }, (err: unknown) => { restore(); cached = null; throw err; });
  cached = p;
  return p;
}

export interface HighsEngineOptions {
  /** Absolute gap at which HiGHS may stop: below the smallest cost difference that matters. [1e-7] */
  mipAbsGap?: number;
}

/**
 * Wraps a loaded HiGHS runtime as a `PartitionEngine`: binary columns, one equality row per
 * committee (plus Σ x = count when `model.count` is set), sparse CSC input, the greedy plan as
 * the starting solution, `mip_rel_gap: 0`, `model.cutoff` as HiGHS `objective_bound`, output off,
 * the component's time limit; the model is always disposed. `relax` gives the LP relaxation.
 * @param [options.mipAbsGap=1e-7] HiGHS `mip_abs_gap`
 */
export function makeHighsEngine(highs: Highs, options: HighsEngineOptions = {}): PartitionEngine {
  const absGap = options.mipAbsGap ?? 1e-7;
  const ms = highs.constants.modelStatus;
  return {
    name: 'highs',
    relax(model: Pick<ComponentModel, 'rows' | 'columns'>): ComponentRelaxation {
      return makeRelaxation(highs, model);
    },
    solve(model: ComponentModel): ComponentAnswer {
      const numCols = model.columns.length;
      // one equality row per committee, and Σ x = count when the number of columns is fixed
      const counted = model.count !== undefined;
      const numRows = model.rows + (counted ? 1 : 0);
      const starts = new Int32Array(numCols + 1);
      let nnz = 0;
      for (let j = 0; j < numCols; j++) { starts[j] = nnz; nnz += model.columns[j]!.rows.length + (counted ? 1 : 0); }
      starts[numCols] = nnz;
      const indices = new Int32Array(nnz);
      const values = new Float64Array(nnz).fill(1);
      let p = 0;
      for (const col of model.columns) { for (const r of col.rows) indices[p++] = r; if (counted) indices[p++] = model.rows; }
      const rowLower = new Float64Array(numRows).fill(1);
      const rowUpper = new Float64Array(numRows).fill(1);
      if (counted) { rowLower[model.rows] = model.count!; rowUpper[model.rows] = model.count!; }
      const lp = highs.createModel({
        numCols,
        numRows,
        colCost: Float64Array.from(model.columns, (c) => c.cost),
        colLower: new Float64Array(numCols),
        colUpper: new Float64Array(numCols).fill(1),
        rowLower,
        rowUpper,
        matrix: { format: 'csc', numRows, numCols, starts, indices, values },
        integrality: new Int32Array(numCols).fill(1) as unknown as Int32Array,
      });
      try {
        lp.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: absGap, time_limit: Number.isFinite(model.timeLimitSec) ? model.timeLimitSec : 1e9 });
        if (model.cutoff !== undefined && Number.isFinite(model.cutoff)) lp.options.set({ objective_bound: model.cutoff });
        if (model.start !== undefined) {
          const x = new Float64Array(numCols);
          for (const j of model.start) x[j] = 1;
          lp.setSolution({ colValue: x });
        }
        lp.run();
        const status = lp.getModelStatus();
        const dual = Number(lp.info.get('mip_dual_bound'));
        const bound = Number.isFinite(dual) ? dual : -Infinity;
        if (status === ms.infeasible || status === ms.unboundedOrInfeasible) {
          return { status: 'infeasible', chosen: [], bound: Infinity, message: 'HiGHS proved the component infeasible' };
        }
        const hasPlan = Number(lp.info.get('primal_solution_status')) === 2;
        if (!hasPlan) {
          return { status: 'error', chosen: [], bound, message: `HiGHS stopped (model status ${status}) without a plan` };
        }
        const x = lp.getSolution().colValue;
        const chosen: number[] = [];
        for (let j = 0; j < numCols; j++) if (x[j]! > 0.5) chosen.push(j);
        if (status === ms.optimal) return { status: 'optimal', chosen, bound };
        return { status: status === ms.timeLimit ? 'time_limit' : 'feasible', chosen, bound, message: `HiGHS stopped with model status ${status}` };
      } finally {
        lp.dispose();
      }
    },
  };
}

/**
 * The LP relaxation of a component in HiGHS with one extra row Σ x (free, fixed to a count or at
 * least a count) and the subset-row cuts added after it, kept in one model so that each solve
 * starts from the last basis.
 */
function makeRelaxation(highs: Highs, model: Pick<ComponentModel, 'rows' | 'columns'>): ComponentRelaxation {
  let numCols = model.columns.length;
  const numRows = model.rows + 1;
  const starts = new Int32Array(numCols + 1);
  let nnz = 0;
  for (let j = 0; j < numCols; j++) { starts[j] = nnz; nnz += model.columns[j]!.rows.length + 1; }
  starts[numCols] = nnz;
  const indices = new Int32Array(nnz);
  let p = 0;
  for (const col of model.columns) { for (const r of col.rows) indices[p++] = r; indices[p++] = model.rows; }
  const rowLower = new Float64Array(numRows).fill(1);
  const rowUpper = new Float64Array(numRows).fill(1);
  rowLower[model.rows] = 0;
  rowUpper[model.rows] = numCols;
  let costs = Float64Array.from(model.columns, (c) => c.cost);
  const lp = highs.createModel({
    numCols, numRows, colCost: costs,
    colLower: new Float64Array(numCols), colUpper: new Float64Array(numCols).fill(1),
    rowLower, rowUpper,
    matrix: { format: 'csc', numRows, numCols, starts, indices, values: new Float64Array(nnz).fill(1) },
  });
  lp.options.set({ output_flag: false });
  let unitNow = false;
  let disposed = false;
  // the cuts: row model.rows + 1 + k is cut k
  const cuts: RowTriple[] = [];
  let cutsByRow: number[][] = indexCutsByRow(model.rows, cuts);
  const colRows: (readonly number[])[] = model.columns.map((c) => c.rows);
  const scratch: { count: Int32Array } = { count: new Int32Array(0) };
  const hitsOf = (rows: readonly number[]): number[] => {
    if (cuts.length === 0) return [];
    if (scratch.count.length < cuts.length) scratch.count = new Int32Array(2 * cuts.length);
    const out: number[] = [];
    cutsHitBy(rows, cutsByRow, scratch.count, out);
    return out.sort((a, b) => a - b);
  };
  return {
    solve(options): RelaxationAnswer | null {
      if (disposed) return null;
      const unit = options.unitCost === true;
      if (unit !== unitNow) {
        lp.changeColsCost({ kind: 'range', from: 0, to: numCols - 1 }, unit ? new Float64Array(numCols).fill(1) : costs);
        unitNow = unit;
      }
      if (options.count !== undefined) lp.changeRowBounds(model.rows, options.count, options.count);
      else if (options.minCount !== undefined && options.minCount > 0) lp.changeRowBounds(model.rows, options.minCount, numCols);
      else lp.changeRowBounds(model.rows, 0, numCols);
      // HiGHS counts its time limit over all runs of a model (and columns appended in between):
      // its clocks start again at each solve
      const limit = options.timeLimitSec !== undefined && Number.isFinite(options.timeLimitSec) ? Math.max(0.01, options.timeLimitSec) : 1e9;
      lp.zeroAllClocks();
      lp.options.set({ time_limit: limit });
      try {
        lp.run();
      } catch {
        return null;
      }
      if (lp.getModelStatus() !== highs.constants.modelStatus.optimal) return null;
      const sol = lp.getSolution();
      let used = 0;
      for (let j = 0; j < numCols; j++) used += sol.colValue[j]!;
      return {
        value: Number(lp.info.get('objective_function_value')),
        rowPrices: sol.rowDual.slice(0, model.rows),
        countPrice: options.count !== undefined || (options.minCount ?? 0) > 0 ? sol.rowDual[model.rows]! : 0,
        ...(cuts.length > 0 ? { cutPrices: sol.rowDual.slice(model.rows + 1, model.rows + 1 + cuts.length) } : {}),
        columnsUsed: used,
        columnValues: sol.colValue.slice(0, numCols),
      };
    },
    setCovered(rows, covered): void {
      if (disposed) return;
      for (const r of rows) lp.changeRowBounds(r, covered ? 0 : 1, covered ? 0 : 1);
    },
    add(columns): void {
      if (disposed || columns.length === 0) return;
      const n = columns.length;
      const hits = columns.map((c) => hitsOf(c.rows));
      const s2 = new Int32Array(n + 1);
      let z = 0;
      for (let j = 0; j < n; j++) { s2[j] = z; z += columns[j]!.rows.length + 1 + hits[j]!.length; }
      s2[n] = z;
      const idx = new Int32Array(z);
      let q = 0;
      columns.forEach((c, j) => { for (const r of c.rows) idx[q++] = r; idx[q++] = model.rows; for (const k of hits[j]!) idx[q++] = model.rows + 1 + k; });
      const added = Float64Array.from(columns, (c) => c.cost);
      lp.addCols({
        cost: unitNow ? new Float64Array(n).fill(1) : added,
        lower: new Float64Array(n), upper: new Float64Array(n).fill(1),
        matrix: { format: 'csc', numRows: numRows + cuts.length, numCols: n, starts: s2, indices: idx, values: new Float64Array(z).fill(1) },
      });
      for (const c of columns) colRows.push(c.rows);
      const all = new Float64Array(numCols + n);
      all.set(costs); all.set(added, numCols);
      costs = all;
      numCols += n;
    },
    addCuts(list): void {
      if (disposed || list.length === 0) return;
      for (const c of list) cuts.push(c);
      cutsByRow = indexCutsByRow(model.rows, cuts);
      // one CSR row per new cut over the columns there
      const entries: number[][] = list.map(() => []);
      colRows.forEach((rows, j) => { list.forEach((c, k) => { if (hitsCut(rows, c)) entries[k]!.push(j); }); });
      const m = list.length;
      const starts = new Int32Array(m + 1);
      let z = 0;
      for (let k = 0; k < m; k++) { starts[k] = z; z += entries[k]!.length; }
      starts[m] = z;
      const indices = new Int32Array(z);
      let q = 0;
      for (const e of entries) for (const j of e) indices[q++] = j;
      lp.addRows({
        lower: new Float64Array(m), upper: new Float64Array(m).fill(1),
        matrix: { format: 'csr', numRows: m, numCols, starts, indices, values: new Float64Array(z).fill(1) },
      });
    },
    dispose(): void {
      if (!disposed) lp.dispose();
      disposed = true;
    },
  };
}
