/**
 * HiGHS (npm `highs`, WebAssembly, single-threaded) as a set-partitioning engine.
 */
import * as highsModule from 'highs';
import type { Highs, InitOptions } from 'highs';
import type { ComponentAnswer, ComponentModel, PartitionEngine } from '../partition.js';

// The package's types are read as CommonJS: the loader is `default` at runtime in ESM.
type Loader = (options?: InitOptions) => Promise<Highs>;
function pickLoader(ns: unknown): Loader {
  let x: unknown = ns;
  for (let i = 0; i < 3 && typeof x !== 'function'; i++) x = (x as { default?: unknown }).default;
  if (typeof x !== 'function') throw new Error('highs: the package exports no loader function');
  return x as Loader;
}
const loadHighs: Loader = pickLoader(highsModule);

let cached: Promise<Highs> | null = null;

/** Loads the HiGHS WebAssembly module once per process (later calls share the same promise). */
export function loadHighsRuntime(): Promise<Highs> {
  const p = cached ?? loadHighs().catch((err: unknown) => { cached = null; throw err; });
  cached = p;
  return p;
}

export interface HighsEngineOptions {
  /** Absolute gap at which HiGHS may stop: below the smallest cost difference that matters. [1e-7] */
  mipAbsGap?: number;
}

/**
 * Wraps a loaded HiGHS runtime as a `PartitionEngine`: binary columns, one equality row per
 * committee, sparse CSC input, the greedy plan as the starting solution, `mip_rel_gap: 0`,
 * output off, the component's time limit; the model is always disposed.
 * @param [options.mipAbsGap=1e-7] HiGHS `mip_abs_gap`
 */
export function makeHighsEngine(highs: Highs, options: HighsEngineOptions = {}): PartitionEngine {
  const absGap = options.mipAbsGap ?? 1e-7;
  const ms = highs.constants.modelStatus;
  return {
    name: 'highs',
    solve(model: ComponentModel): ComponentAnswer {
      const numCols = model.columns.length;
      const starts = new Int32Array(numCols + 1);
      let nnz = 0;
      for (let j = 0; j < numCols; j++) { starts[j] = nnz; nnz += model.columns[j]!.rows.length; }
      starts[numCols] = nnz;
      const indices = new Int32Array(nnz);
      const values = new Float64Array(nnz).fill(1);
      let p = 0;
      for (const col of model.columns) for (const r of col.rows) indices[p++] = r;
      const lp = highs.createModel({
        numCols,
        numRows: model.rows,
        colCost: Float64Array.from(model.columns, (c) => c.cost),
        colLower: new Float64Array(numCols),
        colUpper: new Float64Array(numCols).fill(1),
        rowLower: new Float64Array(model.rows).fill(1),
        rowUpper: new Float64Array(model.rows).fill(1),
        matrix: { format: 'csc', numRows: model.rows, numCols, starts, indices, values },
        integrality: new Int32Array(numCols).fill(1) as unknown as Int32Array,
      });
      try {
        lp.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: absGap, time_limit: model.timeLimitSec });
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
