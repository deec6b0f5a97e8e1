/**
 * The exact partition of a small component (at most 20 rows) by dynamic programming over subsets:
 * apart from solver/partition.ts so that the solvers that improve plans region by region
 * (solver/wide-solve.ts) use it without importing the partition in a circle.
 */
import type { ComponentModel } from './engines/types.js';

/**
 * Exact set partition of a small component by dynamic programming over the covered rows: the
 * lowest uncovered row is covered next by each column that contains it and fits. Ties keep the
 * first column in index order. Returns null when no partition exists.
 */
export function solveSmallComponent(model: Pick<ComponentModel, 'rows' | 'columns'>): number[] | null {
  const rows = model.rows;
  if (rows > 20) throw new RangeError(`solveSmallComponent: ${rows} rows, at most 20`);
  const full = (1 << rows) - 1;
  const colMask = model.columns.map((c) => c.rows.reduce((m, r) => m | (1 << r), 0));
  const byLow: number[][] = Array.from({ length: rows }, () => []);
  model.columns.forEach((c, j) => byLow[Math.min(...c.rows)]!.push(j));
  // f[mask] = least cost to cover the rows not in mask; NaN = not computed
  const f = new Float64Array(full + 1).fill(NaN);
  const pick = new Int32Array(full + 1).fill(-1);
  f[full] = 0;
  const solve = (mask: number): number => {
    const known = f[mask]!;
    if (!Number.isNaN(known)) return known;
    let low = 0;
    while (mask & (1 << low)) low++;
    let best = Infinity, arg = -1;
    // only columns whose lowest row is `low`: any other column holding `low` overlaps a covered row
    for (const j of byLow[low]!) {
      if (colMask[j]! & mask) continue;
      const v = model.columns[j]!.cost + solve(mask | colMask[j]!);
      if (v < best) { best = v; arg = j; }
    }
    f[mask] = best;
    pick[mask] = arg;
    return best;
  };
  if (solve(0) === Infinity) return null;
  const chosen: number[] = [];
  for (let mask = 0; mask !== full;) { const j = pick[mask]!; chosen.push(j); mask |= colMask[j]!; }
  return chosen.sort((a, b) => a - b);
}
