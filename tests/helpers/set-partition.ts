/** Checks of a set-partitioning plan over a component model, for the solver suites. */
import type { ComponentModel } from '../../solver/engines/types.js';
import { makeRng } from './random-problem.js';

export type Model = Pick<ComponentModel, 'rows' | 'columns'>;

/** The plan's cost: the sum of its columns' costs. */
export const value = (m: Model, plan: readonly number[]): number => plan.reduce((s, j) => s + m.columns[j]!.cost, 0);

/** Whether the plan's columns cover every row exactly once. */
export const isPartition = (m: Model, plan: readonly number[]): boolean => {
  const hit = new Uint8Array(m.rows);
  for (const j of plan) for (const r of m.columns[j]!.rows) { if (hit[r]) return false; hit[r] = 1; }
  return hit.every((h) => h === 1);
};

/** The default column cost of `makeGridModel`: 1 plus up to 0.6 (the station weight dominates: a weak LP). */
const stationCost = (size: number, rnd: () => number): number => 1 + 0.6 * rnd() + 0.15 * size * rnd();

/**
 * A random component on a grid: rows are the cells of a side × side grid, columns connected sets
 * of 1–5 cells (so no row order is narrow), one per cell and `extra` more drawn at random.
 * @param [cost] a column's cost from its size and the generator [1 plus up to 0.6, growing with the size]
 */
export function makeGridModel(seed: number, side: number, extra: number, cost: (size: number, rnd: () => number) => number = stationCost): Model {
  const rnd = makeRng(seed);
  const rows = side * side;
  const seen = new Set<string>();
  const columns: Model['columns'] = [];
  const add = (set: number[]): void => {
    const rowsOf = [...new Set(set)].sort((a, b) => a - b);
    const key = rowsOf.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    columns.push({ rows: rowsOf, cost: Math.round(cost(rowsOf.length, rnd) * 1e9) / 1e9 });
  };
  for (let r = 0; r < rows; r++) add([r]);
  for (let k = 0; k < extra; k++) {
    const set = [Math.floor(rnd() * rows)];
    const size = 2 + Math.floor(rnd() * 4);
    while (set.length < size) {
      const from = set[Math.floor(rnd() * set.length)]!;
      const x = from % side, y = Math.floor(from / side);
      const d = Math.floor(rnd() * 4);
      const nx = x + (d === 0 ? 1 : d === 1 ? -1 : 0), ny = y + (d === 2 ? 1 : d === 3 ? -1 : 0);
      if (nx < 0 || ny < 0 || nx >= side || ny >= side) continue;
      set.push(ny * side + nx);
    }
    add(set);
  }
  return { rows, columns };
}
