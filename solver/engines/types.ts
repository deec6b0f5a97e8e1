/**
 * What an integer-programming engine is to the partition solver: one component's
 * set-partitioning model, the engine's answer, and the LP relaxation the frontier search prices
 * with. Here, apart from the solvers that use them, so that no solver module imports another
 * in a circle.
 */
/** One component's set-partitioning model, rows 0..rows-1. */
export interface ComponentModel {
  rows: number;
  /** Columns: rows covered (ascending) and cost. */
  columns: { rows: number[]; cost: number }[];
  /** A feasible starting plan (column indices), when known. */
  start?: number[];
  /** Seconds left for this component. */
  timeLimitSec: number;
  /** Only plans of exactly this many columns (Σ x = count). [any number] */
  count?: number;
  /**
   * Only plans of value ≤ cutoff matter: an engine may prune above it and then report
   * `infeasible` when there is none (a hint; engines may ignore it). [none]
   */
  cutoff?: number;
}

export type ComponentStatus = 'optimal' | 'feasible' | 'time_limit' | 'infeasible' | 'error';

export interface ComponentAnswer {
  status: ComponentStatus;
  /** Chosen column indices (empty when none). */
  chosen: number[];
  /** Proven lower bound (−Infinity when unknown). */
  bound: number;
  message?: string;
}

/** One solve of a component's LP relaxation. */
export interface RelaxationAnswer {
  /** LP optimum reported by the solver (not trusted: bounds are recomputed from the prices). */
  value: number;
  /** Row duals. */
  rowPrices: Float64Array;
  /** Dual of the column-count row (0 when the count is free). */
  countPrice: number;
  /** Σ x of the LP solution. */
  columnsUsed: number;
  /** Duals of the cuts (`addCuts`, in order; ≤ 0), when there are any. */
  cutPrices?: Float64Array;
  /** x of each column of the model solved (engines that can give it; column generation: of every column, 0 outside the working set). */
  columnValues?: Float64Array;
}

export interface RelaxationSolveOptions {
  count?: number;
  /** Σ x ≥ minCount (ignored with `count`). */
  minCount?: number;
  unitCost?: boolean;
  timeLimitSec?: number;
}

/** The LP relaxation of one component, kept warm between solves; `dispose()` when done. */
export interface ComponentRelaxation {
  /**
   * Solves min Σ cost·x (Σ x with `unitCost`) over 0 ≤ x ≤ 1, one equality per row, and
   * Σ x = `count` when given (Σ x ≥ `minCount` when given instead), and the cuts added. Returns
   * null when the LP is infeasible or the solver fails.
   */
  solve(options: RelaxationSolveOptions): RelaxationAnswer | null;
  /**
   * Adds subset-row cuts (solver/subset-row.ts): per triple of rows, Σ x ≤ 1 over the columns
   * covering ≥ 2 of them, on the columns there and those added later. Optional.
   */
  addCuts?(cuts: readonly (readonly [number, number, number])[]): void;
  /**
   * Appends columns to the model (after those given at the start, in order), keeping the last
   * basis: the next solve starts from it (column generation). Optional.
   */
  add?(columns: readonly { rows: readonly number[]; cost: number }[]): void;
  /**
   * Sets the right-hand side of `rows` to 0 (`covered`: rows a plan in the making already covers,
   * so that every column through them stays at 0) or back to 1. The basis is kept: LP diving
   * re-solves after each fix from the last one. Optional.
   */
  setCovered?(rows: readonly number[], covered: boolean): void;
  dispose(): void;
}

/** An integer-programming engine able to solve one component. */
export interface PartitionEngine {
  name: string;
  solve(model: ComponentModel): ComponentAnswer;
  /** The LP relaxation (optional: used for the bounds of the frontier search). */
  relax?(model: Pick<ComponentModel, 'rows' | 'columns'>): ComponentRelaxation;
}
