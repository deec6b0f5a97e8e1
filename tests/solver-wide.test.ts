/**
 * Wide components (issue 10, proofs on large real groups): the LP by column generation, plans
 * improved region by region, reduced-cost fixing and the engine over what is left
 * (solver/wide-solve.ts), each checked against exact references: the subset DP on small
 * components, HiGHS alone given all the time it needs on larger ones.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isPartition, value, type Model } from './helpers/set-partition.js';
import { makeGeneratedRelaxation } from '../solver/engines/generated.js';
import { greedyCover, solveSmallComponent } from '../solver/partition.js';
import { loadEngines, type Engines } from '../solver/solve.js';
import { calcPricedGreedyPlan, improveByRegions, solveWideComponent } from '../solver/wide-solve.js';
import { makeRng } from './helpers/random-problem.js';


/**
 * A random component on a grid (rows are cells, columns connected sets of 1–5 cells, so no row
 * order is narrow), costs 1 per column plus up to 0.6 (the station weight dominates: a weak LP).
 */
function makeGridModel(seed: number, side: number, extra: number): Model {
  const rnd = makeRng(seed);
  const rows = side * side;
  const seen = new Set<string>();
  const columns: Model['columns'] = [];
  const add = (set: number[]): void => {
    const rowsOf = [...new Set(set)].sort((a, b) => a - b);
    const key = rowsOf.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    columns.push({ rows: rowsOf, cost: Math.round((1 + 0.6 * rnd() + 0.15 * rowsOf.length * rnd()) * 1e9) / 1e9 });
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

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });

describe('the LP by column generation', () => {
  it('equals the LP over every column, free and with a fixed column count', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const m = makeGridModel(seed, 7, 300);
      const full = engines.highs.relax!(m);
      const gen = makeGeneratedRelaxation(engines.highs, m, { perRound: 10 });
      try {
        for (const o of [{}, { unitCost: true }, { count: 20 }, { count: 30 }]) {
          const a = full.solve(o), b = gen.solve(o);
          expect(b === null).toBe(a === null);
          if (a !== null && b !== null) expect(b.value).toBeCloseTo(a.value, 6);
        }
      } finally {
        full.dispose();
        gen.dispose();
      }
    }
  });
});

describe('plans improved region by region', () => {
  it('never worse, always a partition, and optimal when one region holds every row', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const side = seed <= 20 ? 3 : 6;
      const m = makeGridModel(100 + seed, side, side * side * 5);
      const start = greedyCover(m.rows, m.columns)!;
      const better = improveByRegions(m, start);
      expect(isPartition(m, better)).toBe(true);
      expect(value(m, better)).toBeLessThanOrEqual(value(m, start) + 1e-12);
      if (side === 3) expect(value(m, better)).toBeCloseTo(value(m, solveSmallComponent(m)!), 9);
    }
  });

  it('plans from prices are partitions (every row has its single column)', () => {
    const m = makeGridModel(7, 6, 200);
    const rc = new Float64Array(m.columns.length).map((_, j) => (j * 7919) % 13);
    for (let round = 0; round < 4; round++) expect(isPartition(m, calcPricedGreedyPlan(m, rc, round))).toBe(true);
  });
});

describe('solveWideComponent', () => {
  it('equals the subset DP on 60 random components of 16 rows, with a small restricted program', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const m = makeGridModel(200 + seed, 4, 40 + (seed % 5) * 30);
      const best = value(m, solveSmallComponent(m)!);
      const start = greedyCover(m.rows, m.columns)!;
      const a = solveWideComponent({ ...m, start }, engines.highs, { restrictedColumns: 20 });
      expect(a.status).toBe('optimal');
      expect(isPartition(m, a.chosen)).toBe(true);
      expect(value(m, a.chosen)).toBeCloseTo(best, 9);
      expect(a.rootBound).toBeLessThanOrEqual(best + 1e-9);
    }
  });

  it('on 25–36 rows: the same optimum as HiGHS alone, and a stopped solve reports a bound ≤ that optimum', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const side = 5 + (seed % 2);
      const m = makeGridModel(300 + seed, side, side * side * 4);
      const ref = engines.highs.solve({ ...m, timeLimitSec: 120 });
      expect(ref.status).toBe('optimal');
      const best = value(m, ref.chosen);
      const start = greedyCover(m.rows, m.columns)!;
      const a = solveWideComponent({ ...m, start }, engines.highs, { deadline: Date.now() + 60_000 });
      expect(a.status).toBe('optimal');
      expect(value(m, a.chosen)).toBeCloseTo(best, 7);
      // stopped early on purpose: a checked plan, bound ≤ optimum ≤ plan
      const b = solveWideComponent({ ...m, start }, engines.highs, { deadline: Date.now() + 5 });
      expect(isPartition(m, b.chosen)).toBe(true);
      expect(b.bound).toBeLessThanOrEqual(best + 1e-7);
      expect(value(m, b.chosen)).toBeGreaterThanOrEqual(best - 1e-7);
    }
  }, 120_000);

  it('growing restricted programs: every bound on the way, stopped at any point, is ≤ the optimum', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const side = 5 + (seed % 2);
      const m = makeGridModel(400 + seed, side, side * side * 5);
      const ref = engines.highs.solve({ ...m, timeLimitSec: 120 });
      expect(ref.status).toBe('optimal');
      const best = value(m, ref.chosen);
      const start = greedyCover(m.rows, m.columns)!;
      // 12 columns first, then 30, 75, …: several steps, each with its own bound
      const a = solveWideComponent({ ...m, start }, engines.highs, { restrictedColumns: 12 });
      expect(a.status).toBe('optimal');
      expect(value(m, a.chosen)).toBeCloseTo(best, 7);
      for (const ms of [20, 60, 150, 400]) {
        const b = solveWideComponent({ ...m, start }, engines.highs, { restrictedColumns: 12, deadline: Date.now() + ms });
        expect(isPartition(m, b.chosen)).toBe(true);
        expect(b.bound).toBeLessThanOrEqual(best + 1e-7);
        expect(value(m, b.chosen)).toBeGreaterThanOrEqual(best - 1e-7);
        if (b.status === 'optimal') expect(value(m, b.chosen)).toBeCloseTo(best, 7);
      }
    }
  }, 120_000);
});
