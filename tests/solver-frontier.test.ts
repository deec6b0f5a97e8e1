/**
 * The frontier solver (solver/frontier.ts, solver/frontier-solve.ts) against exact references:
 * the subset dynamic program, a subset dynamic program with a column count, HiGHS alone and
 * exhaustive enumeration; each path forced in turn (quick search, count split with the frontier
 * search only, count split with HiGHS only, pruning by a known plan, state and time budgets), and
 * the backward cost-to-go bound against a subset DP.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isPartition, value, type Model } from './helpers/set-partition.js';
import { calcCostToGo, calcDualPrices, orderRowsForFrontier, repairDualPrices, solveFrontier, toGoAt } from '../solver/frontier.js';
import { solveDenseComponent } from '../solver/frontier-solve.js';
import type { PartitionEngine } from '../solver/engines/types.js';
import { solvePartition, solveSmallComponent } from '../solver/partition.js';
import { enumerateCandidates } from '../solver/candidates.js';
import { solveByEnumeration } from '../solver/reference.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import { verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, makeRng, seedFromName } from './helpers/random-problem.js';

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });


/**
 * A random component: rows on a line, columns = random sets of 1–5 rows within a window of 8
 * (local, like connected groups; [window=8]), costs 1 per column plus up to 0.6 (a station weight
 * that dominates: the LP relaxation is weak). Singletons for all rows unless `holes` (half, and
 * fewer other columns: some components have no partition).
 */
function makeModel(seed: number, rows: number, options: { extra?: number; holes?: boolean; window?: number } = {}): Model {
  const rnd = makeRng(seed);
  const seen = new Set<string>();
  const columns: Model['columns'] = [];
  const add = (set: number[]): void => {
    const rowsOf = [...new Set(set)].sort((a, b) => a - b);
    const key = rowsOf.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    columns.push({ rows: rowsOf, cost: Math.round((1 + 0.6 * rnd() + 0.15 * rowsOf.length * rnd()) * 1e9) / 1e9 });
  };
  for (let r = 0; r < rows; r++) if (!options.holes || rnd() < 0.5) add([r]);
  const extra = options.extra ?? (options.holes ? rows : rows * 6);
  const window = options.window ?? 8;
  for (let k = 0; k < extra; k++) {
    const first = Math.floor(rnd() * rows);
    const size = 2 + Math.floor(rnd() * 4);
    const set = [first];
    for (let i = 1; i < size; i++) set.push(Math.min(rows - 1, first + Math.floor(rnd() * window)));
    add(set);
  }
  return { rows, columns };
}

/** Least cost of a partition with exactly `count` columns (subset DP with a count), Infinity when none. */
function bestWithCount(m: Model, count: number): number {
  const full = (1 << m.rows) - 1;
  const masks = m.columns.map((c) => c.rows.reduce((s, r) => s | (1 << r), 0));
  const memo = new Map<number, number>();
  const f = (mask: number, left: number): number => {
    if (mask === full) return left === 0 ? 0 : Infinity;
    if (left <= 0) return Infinity;
    const key = mask * 64 + left;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let low = 0;
    while (mask & (1 << low)) low++;
    let best = Infinity;
    m.columns.forEach((c, j) => {
      if (!(masks[j]! & (1 << low)) || (masks[j]! & mask)) return;
      best = Math.min(best, c.cost + f(mask | masks[j]!, left - 1));
    });
    memo.set(key, best);
    return best;
  };
  return f(0, count);
}

describe('frontier search equals the subset dynamic program', () => {
  const name = 'solveFrontier equals solveSmallComponent on 300 random components';
  it(name, () => {
    const base = seedFromName(name);
    let feasible = 0, infeasible = 0;
    for (let k = 0; k < 300; k++) {
      const m = makeModel(base + k, 4 + (k % 13), { holes: k % 5 === 0 });
      const ref = solveSmallComponent(m);
      const a = solveFrontier(m, { beamWidth: k % 2 === 0 ? 64 : 0 });
      if (ref === null) {
        expect(a.status, `instance ${k}`).toBe('infeasible');
        infeasible++;
        continue;
      }
      expect(a.status, `instance ${k}`).toBe('optimal');
      expect(isPartition(m, a.chosen), `instance ${k}`).toBe(true);
      expect(value(m, a.chosen), `instance ${k}`).toBeCloseTo(value(m, ref), 9);
      feasible++;
    }
    expect(feasible).toBeGreaterThan(200);
    expect(infeasible).toBeGreaterThan(5);
  });

  it('with a fixed column count it equals a subset DP with a count, and the bound holds', () => {
    const base = seedFromName('frontier with a column count');
    let tried = 0, none = 0;
    for (let k = 0; k < 80; k++) {
      const m = makeModel(base + k, 6 + (k % 7));
      for (let count = 1; count <= m.rows; count++) {
        const ref = bestWithCount(m, count);
        const d = calcDualPrices(m.rows, m.columns, { count });
        const a = solveFrontier(m, { count, duals: d.prices, countPrice: d.countPrice, beamWidth: count % 2 === 0 ? 16 : 0 });
        tried++;
        if (ref === Infinity) { expect(a.status, `instance ${k} count ${count}`).toBe('infeasible'); none++; continue; }
        expect(a.status).toBe('optimal');
        expect(a.chosen.length).toBe(count);
        expect(value(m, a.chosen)).toBeCloseTo(ref, 9);
        // the Lagrangian bound with the count is a lower bound of the best plan of that count
        expect(d.bound).toBeLessThanOrEqual(ref + 1e-9);
        expect(a.rootBound).toBeLessThanOrEqual(ref + 1e-9);
      }
    }
    expect(tried).toBeGreaterThan(500);
    expect(none).toBeGreaterThan(50);
  });

  it('a known plan: same optimum, no more states under the same prices; a known optimum is returned as proven', () => {
    const base = seedFromName('frontier pruning');
    let stored = 0;
    for (let k = 0; k < 60; k++) {
      const m = makeModel(base + k, 14 + (k % 3), { extra: 120 });
      const ref = solveSmallComponent(m)!;
      const opt = value(m, ref);
      const d = calcDualPrices(m.rows, m.columns);
      const free = solveFrontier(m, { beamWidth: 0, duals: d.prices });
      expect(free.status).toBe('optimal');
      expect(value(m, free.chosen)).toBeCloseTo(opt, 9);
      // a slightly worse known value: children are generated in key order, so the search stores
      // only states below the optimum whatever its cutoff
      const pruned = solveFrontier(m, { beamWidth: 0, duals: d.prices, upper: opt + 0.05 });
      expect(pruned.status).toBe('optimal');
      expect(value(m, pruned.chosen)).toBeCloseTo(opt, 9);
      expect(pruned.states).toBeLessThanOrEqual(free.states);
      stored += free.states;
      // the optimum itself as the start: nothing better exists, the start comes back proven
      const proven = solveFrontier({ ...m, start: ref }, { beamWidth: 0 });
      expect(proven.status).toBe('optimal');
      expect(proven.improved).toBe(false);
      expect(proven.chosen).toEqual([...ref].sort((a, b) => a - b));
      expect(proven.bound).toBeCloseTo(opt, 9);
      // a known value below the optimum: no plan, proven
      const below = solveFrontier(m, { beamWidth: 0, upper: opt - 1e-6 });
      expect(below.status).toBe('optimal');
      expect(below.chosen).toEqual([]);
      expect(below.improved).toBe(false);
    }
    // the searches did real work (more than one state per row on average)
    expect(stored).toBeGreaterThan(60 * 15);
  });

  it('the beam search alone: exact when its width holds every state of a position, a partition no better than the optimum when narrow', () => {
    // each position keeps its best states as children arrive (evicting the worst, merging
    // duplicates): with room for all of them the beam is the exact search over the states
    const base = seedFromName('frontier beam width');
    let exact = 0, narrow = 0;
    for (let k = 0; k < 60; k++) {
      const m = makeModel(base + k, 6 + (k % 7), { extra: 40 + 10 * (k % 5) });
      const ref = solveSmallComponent(m);
      if (ref === null) continue;
      const opt = value(m, ref);
      const d = calcDualPrices(m.rows, m.columns);
      const wide = solveFrontier(m, { maxStates: 0, beamWidth: 1 << 13, duals: d.prices });
      expect(isPartition(m, wide.chosen), `instance ${k}`).toBe(true);
      expect(value(m, wide.chosen), `instance ${k}`).toBeCloseTo(opt, 9);
      exact++;
      for (const width of [1, 2, 3, 8]) {
        const a = solveFrontier(m, { maxStates: 0, beamWidth: width, duals: d.prices });
        if (a.chosen.length === 0) continue;
        expect(isPartition(m, a.chosen), `instance ${k}, width ${width}`).toBe(true);
        expect(value(m, a.chosen)).toBeGreaterThanOrEqual(opt - 1e-9);
        narrow++;
      }
    }
    expect(exact).toBeGreaterThan(40);
    expect(narrow).toBeGreaterThan(100);
  });

  it('stops at its state budget with a checked plan and a valid bound', () => {
    const base = seedFromName('frontier budget');
    let stopped = 0;
    for (let k = 0; k < 30; k++) {
      const m = makeModel(base + k, 16, { extra: 200 });
      const opt = value(m, solveSmallComponent(m)!);
      const a = solveFrontier(m, { maxStates: 40, beamWidth: 8 });
      if (a.status === 'optimal') { expect(value(m, a.chosen)).toBeCloseTo(opt, 9); continue; }
      stopped++;
      expect(a.status).toBe('time_limit');
      expect(isPartition(m, a.chosen)).toBe(true);
      expect(a.bound).toBeLessThanOrEqual(opt + 1e-9);
      expect(a.bound).toBeGreaterThanOrEqual(a.rootBound - 1e-9);
      expect(value(m, a.chosen)).toBeGreaterThanOrEqual(opt - 1e-9);
    }
    expect(stopped).toBeGreaterThan(10);
  });

  it('prices are feasible after repair and bound the optimum; the row order is a permutation with its span', () => {
    const base = seedFromName('prices and order');
    for (let k = 0; k < 40; k++) {
      const m = makeModel(base + k, 10 + (k % 7));
      const rnd = makeRng(base + k);
      const wild = Float64Array.from({ length: m.rows }, () => rnd() * 3 - 1);
      const y = repairDualPrices(m.rows, m.columns, wild);
      for (const c of m.columns) expect(c.rows.reduce((s, r) => s + y[r]!, 0)).toBeLessThanOrEqual(c.cost + 1e-12);
      const opt = value(m, solveSmallComponent(m)!);
      expect(y.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(opt + 1e-9);
      expect(calcDualPrices(m.rows, m.columns).bound).toBeLessThanOrEqual(opt + 1e-9);
      const o = orderRowsForFrontier(m.rows, m.columns);
      expect([...o.order].sort((a, b) => a - b)).toEqual(Array.from({ length: m.rows }, (_, i) => i));
      o.order.forEach((r, i) => expect(o.position[r]).toBe(i));
      const span = Math.max(...m.columns.map((c) => Math.max(...c.rows.map((r) => o.position[r]!)) - Math.min(...c.rows.map((r) => o.position[r]!))));
      expect(o.span).toBe(span);
    }
  });
});

describe('the cost-to-go bound of the frontier search', () => {
  /**
   * Least Σ max(0, cost − Σ y) of disjoint columns covering every row at positions ≥ q and no row
   * below position m, for every q and m ≤ q, by a subset DP over the rows (Infinity when none).
   */
  function bruteToGo(m: Model, y: Float64Array, position: Int32Array): number[][] {
    const n = m.rows;
    const masks = m.columns.map((c) => c.rows.reduce((s, r) => s | (1 << r), 0));
    const rc = m.columns.map((c) => Math.max(0, c.cost - c.rows.reduce((s, r) => s + y[r]!, 0)));
    // exact[S]: least Σ rc of a partition of exactly the rows of S
    const exact = new Float64Array(1 << n).fill(Infinity);
    exact[0] = 0;
    for (let S = 1; S < 1 << n; S++) {
      const low = 31 - Math.clz32(S & -S);
      let best = Infinity;
      masks.forEach((c, j) => { if ((c & (1 << low)) && (c & S) === c) best = Math.min(best, rc[j]! + exact[S & ~c]!); });
      exact[S] = best;
    }
    const atOrAfter = (p: number): number => { let s = 0; for (let r = 0; r < n; r++) if (position[r]! >= p) s |= 1 << r; return s; };
    const out: number[][] = [];
    for (let q = 0; q <= n; q++) {
      const need = atOrAfter(q);
      out.push([]);
      for (let lo = 0; lo <= q; lo++) {
        const may = atOrAfter(lo);
        let best = Infinity;
        // every S with need ⊆ S ⊆ may
        const free = may & ~need;
        for (let sub = free; ; sub = (sub - 1) & free) { best = Math.min(best, exact[need | sub]!); if (sub === 0) break; }
        out[q]!.push(best);
      }
    }
    return out;
  }

  it('equals the least cost of covering the rows from q on with columns from m on, up to the least plan (full budget), and never exceeds it (small budgets)', () => {
    const base = seedFromName('cost to go against a subset DP');
    let positive = 0, checked = 0;
    for (let k = 0; k < 60; k++) {
      const m = makeModel(base + k, 5 + (k % 9), { holes: k % 6 === 0 });
      const order = orderRowsForFrontier(m.rows, m.columns);
      const y = calcDualPrices(m.rows, m.columns).prices;
      const truth = bruteToGo(m, y, order.position);
      const full = calcCostToGo(m, y, Infinity, { order });
      const small = calcCostToGo(m, y, Infinity, { order, maxStates: 1 + (k % 5) });
      for (let q = 0; q < m.rows; q++) {
        for (let lo = 0; lo <= q; lo++) {
          const t = truth[q]![lo]!;
          const a = toGoAt(full, q, lo);
          // the backward search ends at its first full plan, of key toGoAt(full, 0, 0) = truth[0][0]:
          // exact up to that key, that key above it
          expect(toGoAt(full, 0, 0)).toBeCloseTo(truth[0]![0]!, 7);
          expect(a, `instance ${k} q ${q} m ${lo}`).toBeCloseTo(Math.min(t, truth[0]![0]!), 7);
          expect(a).toBeLessThanOrEqual(t + 1e-12);
          expect(toGoAt(small, q, lo)).toBeLessThanOrEqual(t + 1e-12);
          checked++;
          if (a > 1e-6 && a < Infinity) positive++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1500);
    // the bound has something to say (not 0 everywhere)
    expect(positive).toBeGreaterThan(300);
  });

  it('the search with it finds the same optimum as the subset DP, with and without a count, storing no more states', () => {
    const base = seedFromName('frontier with the cost to go');
    let withH = 0, without = 0, feasible = 0;
    for (let k = 0; k < 200; k++) {
      const m = makeModel(base + k, 6 + (k % 11), { holes: k % 7 === 0, extra: k % 3 === 0 ? 120 : undefined });
      const ref = solveSmallComponent(m);
      const d = calcDualPrices(m.rows, m.columns);
      const budget = [1, 5, 50, 100_000][k % 4]!;
      const a = solveFrontier(m, { beamWidth: 0, duals: d.prices, costToGoStates: budget });
      const b = solveFrontier(m, { beamWidth: 0, duals: d.prices });
      if (ref === null) { expect(a.status, `instance ${k}`).toBe('infeasible'); continue; }
      expect(a.status, `instance ${k}`).toBe('optimal');
      expect(isPartition(m, a.chosen)).toBe(true);
      expect(value(m, a.chosen), `instance ${k}`).toBeCloseTo(value(m, ref), 9);
      expect(a.toGoStates).toBeGreaterThan(0);
      feasible++;
      withH += a.states; without += b.states;
      // with a count: equal to the subset DP with a count
      if (k % 4 === 1) {
        for (let count = 1; count <= m.rows; count++) {
          const refK = bestWithCount(m, count);
          const dk = calcDualPrices(m.rows, m.columns, { count });
          const c = solveFrontier(m, { count, duals: dk.prices, countPrice: dk.countPrice, beamWidth: 0, costToGoStates: budget });
          if (refK === Infinity) { expect(c.status, `instance ${k} count ${count}`).toBe('infeasible'); continue; }
          expect(c.status, `instance ${k} count ${count}`).toBe('optimal');
          expect(c.chosen.length).toBe(count);
          expect(value(m, c.chosen), `instance ${k} count ${count}`).toBeCloseTo(refK, 9);
        }
      }
    }
    expect(feasible).toBeGreaterThan(150);
    expect(withH).toBeLessThan(without);
  });

  it('a search stopped by its budget with the bound reports a bound ≤ the optimum, above the root bound', () => {
    const base = seedFromName('frontier budget with the cost to go');
    let stopped = 0;
    for (let k = 0; k < 40; k++) {
      const m = makeModel(base + k, 16, { extra: 200 });
      const opt = value(m, solveSmallComponent(m)!);
      const a = solveFrontier(m, { maxStates: 30, beamWidth: 8, costToGoStates: 200 });
      if (a.status === 'optimal') { expect(value(m, a.chosen)).toBeCloseTo(opt, 9); continue; }
      stopped++;
      expect(a.status).toBe('time_limit');
      expect(isPartition(m, a.chosen)).toBe(true);
      expect(a.bound).toBeLessThanOrEqual(opt + 1e-9);
      expect(a.bound).toBeGreaterThanOrEqual(a.rootBound - 1e-9);
    }
    expect(stopped).toBeGreaterThan(10);
  });
});

describe('solveDenseComponent (count split) equals the exact references', () => {
  /** HiGHS for the LP only: its integer program refuses, so only the frontier searches can settle a count. */
  const lpOnly = (): PartitionEngine => ({
    name: 'lp-only',
    relax: (m) => engines.highs.relax!(m),
    solve: () => ({ status: 'error', chosen: [], bound: -Infinity, message: 'no integer program here' }),
  });

  it('every path gives the optimum on 120 random components', () => {
    const base = seedFromName('dense paths');
    const paths = { quick: 0, frontier: 0, engine: 0 };
    for (let k = 0; k < 120; k++) {
      const m = makeModel(base + k, 8 + (k % 9), { holes: k % 7 === 0 });
      const ref = solveSmallComponent(m);
      const variants = [
        { label: 'default', a: solveDenseComponent(m, { engine: engines.highs }) },
        { label: 'split, frontier only', a: solveDenseComponent(m, { engine: lpOnly(), quickStates: 0 }) },
        { label: 'split, HiGHS only', a: solveDenseComponent(m, { engine: engines.highs, quickStates: 0, maxStates: 0 }) },
        { label: 'no LP', a: solveDenseComponent(m, { quickStates: 0 }) },
      ];
      for (const { label, a } of variants) {
        if (ref === null) { expect(a.status, `instance ${k} ${label}`).toBe('infeasible'); continue; }
        expect(a.status, `instance ${k} ${label}: ${a.message}`).toBe('optimal');
        expect(isPartition(m, a.chosen)).toBe(true);
        expect(value(m, a.chosen), `instance ${k} ${label}`).toBeCloseTo(value(m, ref), 9);
        expect(a.bound).toBeCloseTo(value(m, ref), 9);
      }
      if (ref === null) continue;
      if (variants[0]!.a.counts.length === 0) paths.quick++;
      for (const c of variants[1]!.a.counts) if (c.by === 'frontier') paths.frontier++;
      for (const c of variants[2]!.a.counts) if (c.by === 'highs') paths.engine++;
      // the LP bound never exceeds the optimum
      expect(variants[2]!.a.rootBound).toBeLessThanOrEqual(value(m, ref) + 1e-9);
    }
    // each path did real work somewhere
    expect(paths.quick).toBeGreaterThan(10);
    expect(paths.frontier).toBeGreaterThan(20);
    expect(paths.engine).toBeGreaterThan(20);
  });

  it('settles counts by deepening cutoffs: the optimum from a poor first plan, a bound below it when the budget stops', () => {
    const base = seedFromName('dense deepening');
    let deepened = 0, stopped = 0;
    for (let k = 0; k < 60; k++) {
      const m = makeModel(base + k, 10 + (k % 9));
      const ref = solveSmallComponent(m);
      if (ref === null) continue;
      const best = value(m, ref);
      // every row alone: a plan far from the optimum, so the cutoffs below it matter
      const singles = m.columns.flatMap((c, j) => (c.rows.length === 1 ? [j] : []));
      for (const deepenSteps of [0, 2, 8]) {
        const a = solveDenseComponent({ ...m, start: singles }, { engine: lpOnly(), quickStates: 0, beamWidth: 0, deepenSteps });
        expect(a.status, `instance ${k}, ${deepenSteps} steps: ${a.message}`).toBe('optimal');
        expect(isPartition(m, a.chosen)).toBe(true);
        expect(value(m, a.chosen), `instance ${k}, ${deepenSteps} steps`).toBeCloseTo(best, 9);
        for (const c of a.counts) {
          if (c.searches > 1) deepened++;
          // a count's bound never exceeds its own best plan
          const own = bestWithCount(m, c.count);
          if (!c.resolved) expect(c.bound).toBeLessThanOrEqual(own + 1e-9);
        }
        if (deepenSteps === 0) for (const c of a.counts) expect(c.searches).toBeLessThanOrEqual(1);
      }
      // a budget too small to finish: the plan is checked and the bound stays below the optimum
      const b = solveDenseComponent({ ...m, start: singles }, { engine: lpOnly(), quickStates: 0, beamWidth: 0, maxStates: 2, proofStates: 2 });
      expect(isPartition(m, b.chosen)).toBe(true);
      expect(b.bound).toBeLessThanOrEqual(best + 1e-9);
      if (b.status !== 'optimal') stopped++;
    }
    expect(deepened).toBeGreaterThan(10);
    expect(stopped).toBeGreaterThan(5);
  });

  it('honours its deadline and reports a valid bound when it stops', () => {
    const m = makeModel(seedFromName('dense deadline'), 100, { extra: 5000, window: 40 });
    const t0 = Date.now();
    const singles = m.columns.flatMap((c, j) => (c.rows.length === 1 ? [j] : []));
    const a = solveDenseComponent({ ...m, start: singles }, { engine: lpOnlyFor(engines), deadline: Date.now() + 300, quickStates: 0 });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(a.status).toBe('time_limit');
    expect(isPartition(m, a.chosen)).toBe(true);
    expect(a.bound).toBeLessThanOrEqual(value(m, a.chosen) + 1e-9);
    expect(a.bound).toBeGreaterThanOrEqual(a.rootBound - 1e-6);
  });
});

function lpOnlyFor(e: Engines): PartitionEngine {
  return { name: 'lp-only', relax: (m) => e.highs.relax!(m), solve: () => ({ status: 'error', chosen: [], bound: -Infinity }) };
}

describe('street offices through the frontier solver', () => {
  it('equals exhaustive enumeration when every component above one committee is forced through it', () => {
    const base = seedFromName('forced through the frontier solver');
    let merged = 0;
    for (let k = 0; k < 80; k++) {
      const problem = makeRandomProblem({ seed: base + k, committees: 5 + (k % 8), cap: 2 + (k % 4), locks: k % 4 === 0, households: [500, 6000] });
      const ref = solveByEnumeration(problem);
      const r = solveStreetOffice(problem, engines, { smallComponentRows: 1 });
      if (ref.objective === Infinity) { expect(r.status, `instance ${k}`).toBe('infeasible'); continue; }
      expect(r.status, `instance ${k}`).toBe('optimal');
      expect(r.objective, `instance ${k}`).toBeCloseTo(ref.objective, 7);
      expect(verifyPartition(problem, r.groups)).toEqual([]);
      // the same street office's components really went through the frontier solver
      const { candidates } = enumerateCandidates(problem);
      const out = solvePartition(problem.committees.length, candidates, engines.highs, { smallComponentRows: 1 });
      expect(out.objective).toBeCloseTo(r.objective, 9);
      if (out.dense.length > 0) merged++;
    }
    expect(merged).toBeGreaterThan(40);
  });

  it('agrees with HiGHS alone on 40 dense street offices of 20–60 committees', () => {
    const base = seedFromName('frontier vs highs on dense offices');
    let dense = 0;
    for (let k = 0; k < 40; k++) {
      const problem = makeRandomProblem({ seed: base + k, committees: 20 + (k % 5) * 10, cap: 3 + (k % 3), households: [500, 5000] });
      const a = solveStreetOffice(problem, engines);
      const b = solveStreetOffice(problem, engines, { frontierStates: 0 });
      expect(a.status, `instance ${k}`).toBe('optimal');
      expect(b.status, `instance ${k}`).toBe('optimal');
      expect(a.objective, `instance ${k}`).toBeCloseTo(b.objective, 6);
      expect(verifyPartition(problem, a.groups)).toEqual([]);
      const { candidates } = enumerateCandidates(problem);
      const out = solvePartition(problem.committees.length, candidates, engines.highs);
      if (out.dense.length > 0) dense++;
    }
    expect(dense).toBeGreaterThan(20);
  });
});
