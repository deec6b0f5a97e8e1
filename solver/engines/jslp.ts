/**
 * javascript-lp-solver 1.0.3 as a set-partitioning engine, for benchmarks side by side with
 * HiGHS. Its branch and bound has no bound report and its timeout sets no flag (it may return a
 * fractional x): every answer is checked here, and the partition solver checks it again.
 */
import * as jslpModule from 'javascript-lp-solver';
import type { Model, SolveResult } from 'javascript-lp-solver';
import type { ComponentAnswer, ComponentModel, PartitionEngine } from './types.js';

// The package's types are read as CommonJS: the solver is `default` at runtime in ESM.
interface Solver { Solve(model: Model): SolveResult }
function pickSolver(ns: unknown): Solver {
  let x: unknown = ns;
  for (let i = 0; i < 3 && typeof (x as Partial<Solver>).Solve !== 'function'; i++) x = (x as { default?: unknown }).default;
  if (typeof (x as Partial<Solver>).Solve !== 'function') throw new Error('javascript-lp-solver: the package exports no Solve function');
  return x as Solver;
}
const solver: Solver = pickSolver(jslpModule);

function buildModel(model: ComponentModel, integer: boolean, timeoutMs: number): Model {
  const constraints: Model['constraints'] = {};
  for (let r = 0; r < model.rows; r++) constraints[`r${r}`] = { equal: 1 };
  if (model.count !== undefined) constraints['count'] = { equal: model.count };
  const variables: Model['variables'] = {};
  const ints: Record<string, 1> = {};
  model.columns.forEach((col, j) => {
    const v: Record<string, number> = { cost: col.cost };
    for (const r of col.rows) v[`r${r}`] = 1;
    if (model.count !== undefined) v['count'] = 1;
    v[`u${j}`] = 1;
    constraints[`u${j}`] = { max: 1 };
    variables[`x${j}`] = v;
    if (integer) ints[`x${j}`] = 1;
  });
  return { optimize: 'cost', opType: 'min', constraints, variables, ints, options: { timeout: timeoutMs, tolerance: 0 } };
}

/**
 * Makes the javascript-lp-solver engine. It reports `optimal` only when its branch and bound
 * ended before the time limit with an integral partition; otherwise `time_limit` with the
 * (checked) plan and the LP relaxation as the bound.
 */
export function makeJslpEngine(): PartitionEngine {
  return {
    name: 'jslp',
    solve(model: ComponentModel): ComponentAnswer {
      const timeoutMs = Math.max(10, Math.floor(model.timeLimitSec * 1000));
      const t0 = Date.now();
      const result = solver.Solve(buildModel(model, true, timeoutMs));
      const elapsed = Date.now() - t0;
      if (!result.feasible) {
        return elapsed < timeoutMs
          ? { status: 'infeasible', chosen: [], bound: Infinity, message: 'javascript-lp-solver found the component infeasible' }
          : { status: 'error', chosen: [], bound: -Infinity, message: 'javascript-lp-solver reached its time limit without a plan' };
      }
      const chosen: number[] = [];
      let integral = true;
      model.columns.forEach((_, j) => {
        const v = result[`x${j}`];
        const x = typeof v === 'number' ? v : 0;
        if (Math.abs(x - Math.round(x)) > 1e-6) integral = false;
        if (x > 0.5) chosen.push(j);
      });
      const value = chosen.reduce((s, j) => s + model.columns[j]!.cost, 0);
      if (integral && elapsed < timeoutMs) return { status: 'optimal', chosen, bound: value };
      const relaxed = solver.Solve(buildModel(model, false, timeoutMs));
      const bound = relaxed.feasible && typeof relaxed.result === 'number' ? relaxed.result : -Infinity;
      if (!integral) {
        return { status: 'error', chosen: [], bound, message: 'javascript-lp-solver returned a fractional solution' };
      }
      return { status: 'time_limit', chosen, bound, message: 'javascript-lp-solver reached its time limit' };
    },
  };
}
