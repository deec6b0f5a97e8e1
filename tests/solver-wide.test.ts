/**
 * Wide components (issue 10, proofs on large real groups): the LP by column generation, plans
 * improved region by region, LP dives (solver/wide-dive.ts), reduced-cost fixing and the engine
 * over what is left (solver/wide-solve.ts), each checked against exact references: the subset DP
 * on small components, HiGHS alone given all the time it needs on larger ones.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isPartition, makeGridModel, value, type Model } from './helpers/set-partition.js';
import { makeGeneratedRelaxation } from '../solver/engines/generated.js';
import { greedyCover, solveSmallComponent } from '../solver/partition.js';
import { loadEngines, type Engines } from '../solver/solve.js';
import { calcPricedGreedyPlan, improveByRegions, solveWideComponent } from '../solver/wide-solve.js';
import { diveForPlan } from '../solver/wide-dive.js';
import { makeRng } from './helpers/random-problem.js';

/** A solve stopped anywhere: its plan a checked partition, and bound ≤ the optimum `best` ≤ its plan. */
function expectBoundAndPlan(m: Model, answer: { chosen: number[]; bound: number }, best: number): void {
  expect(isPartition(m, answer.chosen)).toBe(true);
  expect(answer.bound).toBeLessThanOrEqual(best + 1e-7);
  expect(value(m, answer.chosen)).toBeGreaterThanOrEqual(best - 1e-7);
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

describe('the LP with rows covered (LP diving)', () => {
  it('equals the LP of the rows left over the columns inside them, and its x is a fractional partition of them', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const m = makeGridModel(500 + seed, 6, 150);
      const rnd = makeRng(seed);
      const covered = [...Array(m.rows).keys()].filter(() => rnd() < 0.3);
      const shut = new Set(covered);
      const inside = m.columns.filter((c) => c.rows.every((r) => !shut.has(r)));
      const left = [...Array(m.rows).keys()].filter((r) => !shut.has(r));
      const local = new Map(left.map((r, i) => [r, i]));
      const sub = { rows: left.length, columns: inside.map((c) => ({ rows: c.rows.map((r) => local.get(r)!), cost: c.cost })) };
      const ref = engines.highs.relax!(sub);
      const full = engines.highs.relax!(m);
      const gen = makeGeneratedRelaxation(engines.highs, m, { perRound: 10 });
      try {
        const want = ref.solve({})!;
        for (const lp of [full, gen]) {
          lp.solve({});
          lp.setCovered!(covered, true);
          const a = lp.solve({})!;
          expect(a.value).toBeCloseTo(want.value, 6);
          const x = a.columnValues!;
          expect(x.length).toBe(m.columns.length);
          const load = new Float64Array(m.rows);
          m.columns.forEach((c, j) => { for (const r of c.rows) load[r] = load[r]! + x[j]!; });
          for (let r = 0; r < m.rows; r++) expect(load[r]).toBeCloseTo(shut.has(r) ? 0 : 1, 6);
          // opened again: the LP of every row
          lp.setCovered!(covered, false);
          expect(lp.solve({})!.value).toBeCloseTo(full === lp ? engines.highs.relax!(m).solve({})!.value : gen.solve({})!.value, 6);
        }
      } finally {
        ref.dispose(); full.dispose(); gen.dispose();
      }
    }
  });
});

describe('plans by LP diving', () => {
  it('partitions never below the optimum (16 rows: the subset DP; 25 and 36: HiGHS), and none found below a bound equal to it', () => {
    let found = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const side = 4 + (seed % 3);
      const m = makeGridModel(600 + seed, side, side * side * (3 + (seed % 4)));
      const ref = m.rows <= 20 ? value(m, solveSmallComponent(m)!) : value(m, engines.highs.solve({ ...m, timeLimitSec: 60 }).chosen);
      const support = new Set<number>();
      const a = diveForPlan(m, engines.highs, { dives: 3, support });
      if (a.plan !== null) {
        found++;
        expect(isPartition(m, a.plan)).toBe(true);
        expect(a.value).toBeCloseTo(value(m, a.plan), 9);
        expect(a.value).toBeGreaterThanOrEqual(ref - 1e-9);
      }
      // 16 rows go to the subset DP at once; larger ones dive in the LP
      if (m.rows > 16) expect(support.size).toBeGreaterThan(0);
      // asked for a plan cheaper than the optimum: there is none
      expect(diveForPlan(m, engines.highs, { dives: 3, upper: ref }).plan).toBeNull();
    }
    expect(found).toBeGreaterThanOrEqual(30);
  }, 120_000);
});

describe('dives in the LP of the least number of columns (unitCost)', () => {
  it('partitions of no fewer columns than the least plan (subset DP on 16 rows, HiGHS on 25 and 36), value their cost, each first dive its own order', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const side = 4 + (seed % 3);
      const m = makeGridModel(700 + seed, side, side * side * 4);
      const unit = { rows: m.rows, columns: m.columns.map((c) => ({ rows: c.rows, cost: 1 })) };
      const fewest = m.rows <= 20 ? solveSmallComponent(unit)!.length : engines.highs.solve({ ...unit, timeLimitSec: 60 }).chosen.length;
      for (const firstDive of [0, 3]) {
        const support = new Set<number>();
        const a = diveForPlan(m, engines.highs, { dives: 3, firstDive, unitCost: true, support });
        expect(a.plan).not.toBeNull();
        expect(isPartition(m, a.plan!)).toBe(true);
        expect(a.plan!.length).toBeGreaterThanOrEqual(fewest);
        expect(a.value).toBeCloseTo(value(m, a.plan!), 9);
        if (m.rows > 16) expect(support.size).toBeGreaterThan(0);
      }
      // asked for fewer columns than the least plan has: there is none
      expect(diveForPlan(m, engines.highs, { dives: 3, unitCost: true, upper: fewest }).plan).toBeNull();
    }
  }, 120_000);
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
      for (const dives of [0, 8]) {
        const a = solveWideComponent({ ...m, start }, engines.highs, { deadline: Date.now() + 60_000, dives });
        expect(a.status).toBe('optimal');
        expect(value(m, a.chosen)).toBeCloseTo(best, 7);
        // with dives and the smallest first program: whatever it stops at, bound ≤ optimum ≤ plan
        const c = solveWideComponent({ ...m, start }, engines.highs, { deadline: Date.now() + 4_000, dives, restrictedColumns: 12 });
        expectBoundAndPlan(m, c, best);
      }
      // stopped early on purpose: a checked plan, bound ≤ optimum ≤ plan
      const b = solveWideComponent({ ...m, start }, engines.highs, { deadline: Date.now() + 5 });
      expectBoundAndPlan(m, b, best);
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
        expectBoundAndPlan(m, b, best);
        if (b.status === 'optimal') expect(value(m, b.chosen)).toBeCloseTo(best, 7);
      }
    }
  }, 120_000);
});
