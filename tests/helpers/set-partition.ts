/** Checks of a set-partitioning plan over a component model, for the solver suites. */
import type { ComponentModel } from '../../solver/engines/types.js';

export type Model = Pick<ComponentModel, 'rows' | 'columns'>;

/** The plan's cost: the sum of its columns' costs. */
export const value = (m: Model, plan: readonly number[]): number => plan.reduce((s, j) => s + m.columns[j]!.cost, 0);

/** Whether the plan's columns cover every row exactly once. */
export const isPartition = (m: Model, plan: readonly number[]): boolean => {
  const hit = new Uint8Array(m.rows);
  for (const j of plan) for (const r of m.columns[j]!.rows) { if (hit[r]) return false; hit[r] = 1; }
  return hit.every((h) => h === 1);
};
