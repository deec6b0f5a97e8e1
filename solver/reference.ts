/**
 * Exhaustive reference solver for small street offices: tries every set partition of the
 * committees (Bell(9) = 21,147, Bell(12) = 4,213,597). Used by tests and benchmarks to check
 * the exact solver; it shares only the cost function and the independent checker with it.
 */
import { calcCandidateCost, calcIndexedGraph } from './cost.js';
import type { Problem } from './types.js';
import { checkGroup } from './verify.js';

export interface ReferenceResult {
  /** Least total cost; `Infinity` when no partition is valid. */
  objective: number;
  /** One best partition (first found in enumeration order), groups of committee indices. */
  groups: number[][];
  /** Number of valid partitions seen. */
  feasible: number;
}

/**
 * Finds the best partition of `problem` by enumerating all set partitions (restricted growth
 * strings). Each group is checked with `checkGroup` and costed with `calcCandidateCost`;
 * together locks are checked on the whole partition.
 * @param [options.maxCommittees=12] refuse larger problems (throws a RangeError naming the size)
 */
export function solveByEnumeration(problem: Problem, options: { maxCommittees?: number } = {}): ReferenceResult {
  const n = problem.committees.length;
  const limit = options.maxCommittees ?? 12;
  if (n > limit) throw new RangeError(`solveByEnumeration: ${n} committees, more than maxCommittees = ${limit}`);
  if (n === 0) return { objective: 0, groups: [], feasible: 1 };
  const graph = calcIndexedGraph(problem);
  const full = 1 << n;
  const cost = new Float64Array(full).fill(NaN);
  const admissible = new Int8Array(full).fill(-1);
  const groupCost = (mask: number): number => {
    if (admissible[mask] === -1) {
      const members: number[] = [];
      for (let i = 0; i < n; i++) if (mask & (1 << i)) members.push(i);
      const ok = checkGroup(problem, members).length === 0;
      admissible[mask] = ok ? 1 : 0;
      if (ok) cost[mask] = calcCandidateCost(problem, members, graph);
    }
    return admissible[mask] === 1 ? cost[mask]! : Infinity;
  };
  const ids = new Map<string, number>();
  problem.committees.forEach((c, i) => { if (!ids.has(c.id)) ids.set(c.id, i); });
  const together = (problem.scenario.locks.together ?? []).map((lock) => lock.map((id) => ids.get(id)));
  const togetherOk = (label: Int32Array): boolean => together.every((lock) => {
    if (lock.every((i) => i === undefined)) return true;
    if (lock.some((i) => i === undefined)) return false;
    return lock.every((i) => label[i!] === label[lock[0]!]);
  });

  let best = Infinity, bestLabel: Int32Array | null = null, feasible = 0;
  const label = new Int32Array(n);
  const masks: number[] = [];
  const rec = (i: number, blocks: number): void => {
    if (i === n) {
      if (!togetherOk(label)) return;
      let total = 0;
      for (let b = 0; b < blocks; b++) {
        const c = groupCost(masks[b]!);
        if (c === Infinity) return;
        total += c;
      }
      feasible++;
      if (total < best - 1e-12) { best = total; bestLabel = label.slice(); }
      return;
    }
    for (let b = 0; b <= blocks; b++) {
      label[i] = b;
      if (b === blocks) masks.push(1 << i); else masks[b]! |= 1 << i;
      rec(i + 1, b === blocks ? blocks + 1 : blocks);
      if (b === blocks) masks.pop(); else masks[b]! &= ~(1 << i);
    }
  };
  rec(0, 0);
  const groups: number[][] = [];
  if (bestLabel !== null) {
    const l: Int32Array = bestLabel;
    const byLabel = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const g = byLabel.get(l[i]!) ?? [];
      g.push(i);
      byLabel.set(l[i]!, g);
    }
    groups.push(...[...byLabel.keys()].sort((a, b) => a - b).map((k) => byLabel.get(k)!));
  }
  return { objective: best, groups, feasible };
}
