/**
 * A time limit that holds (issue 10): `solver.timeLimitMs` is a budget for the whole solve, every
 * stage checks the clock, and the answer is always a checked partition with a bound that holds.
 * Instances hard on purpose: generated real-like tracts (250 in one group, band 4,000–8,000, cap 5)
 * and ri-2010 with merge weight 0 and a cap of 6. Budgets are short so that each test stays well
 * under a minute on a busy machine; the allowance is the issue's: budget + 10% + 2 s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDistrict } from '../bench/generate/district.js';
import { readCommittees } from '../geo/ingest.js';
import type { Dataset } from '../geo/types.js';
import { makeDefaultScenario } from '../scenarios/defaults.js';
import { makeSolvePool, solvePlanWithPool, toSolveOptions } from '../scenarios/solve-pool.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { keepBetterSolve, makePlanContext, makeStreetOfficeProblem, officeStartLimitMs, officesSmallFirst, planLimits, planSecondTurn, solvePlan, type PlanContext } from '../solver/pipeline.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import type { Problem, Scenario, SolveResult } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, seedFromName } from './helpers/random-problem.js';
import { RI_MAPPING, RI_TRACTS_PATH } from './helpers/ri.js';
import { readFileSync } from 'node:fs';

const allowed = (budgetMs: number): number => budgetMs * 1.1 + 2000;

function dataset(json: unknown, mapping?: typeof RI_MAPPING): Dataset {
  const report = readCommittees(json, { ...(mapping ? { mapping } : {}), topology: false });
  if (!report.dataset) throw new Error('test dataset did not read');
  return report.dataset;
}

function scenarioOf(name: string, budgetMs: number, cap: number, merge?: number): Scenario {
  const s = makeDefaultScenario(name);
  s.rules.households = { min: 4000, max: 8000 };
  s.rules.maxCommitteesPerStation = cap;
  if (merge !== undefined) s.weights.merge = merge;
  s.solver.timeLimitMs = budgetMs;
  return s;
}

/** Every committee of the context in exactly one station, and the bounds in order. */
function expectCheckedPlan(ctx: PlanContext, outcome: PlanOutcome): void {
  const seen = new Map<string, number>();
  for (const st of outcome.stations) for (const id of st.committeeIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  expect(seen.size).toBe(ctx.members.length);
  expect([...seen.values()].every((k) => k === 1)).toBe(true);
  const sv = outcome.summary.solver;
  expect(['optimal', 'time_limit']).toContain(sv.status);
  expect(Number.isFinite(sv.bound)).toBe(true);
  expect(sv.bound!).toBeLessThanOrEqual(sv.objective + 1e-9);
  for (const o of outcome.summary.streetOffices) {
    expect(o.solver).not.toBeNull();
    expect(o.solver!.bound).toBeLessThanOrEqual(o.solver!.objective + 1e-9);
    expect(o.solver!.gap).toBeGreaterThanOrEqual(0);
  }
}

let engines: Engines;
let tracts: Dataset;
beforeAll(async () => {
  engines = await loadEngines();
  tracts = dataset(generateDistrict({ committees: 250, seed: 3, tracts: true }));
});

describe('the budget of a whole solve', () => {
  it('250 generated tracts in one group: returns within the budget with a checked plan, its bound and gap', () => {
    const ctx = makePlanContext(tracts, scenarioOf('tracts', 3000, 5));
    expect(ctx.offices.length).toBe(1);
    const t0 = Date.now();
    const outcome = solvePlan(ctx, engines);
    const wall = Date.now() - t0;
    expect(wall).toBeLessThanOrEqual(allowed(3000));
    expectCheckedPlan(ctx, outcome);
  }, 60_000);

  it('solver.officeTimeLimitMs caps one street office inside a longer budget', () => {
    const s = scenarioOf('tracts', 20_000, 5);
    s.solver.officeTimeLimitMs = 1500;
    const ctx = makePlanContext(tracts, s);
    const t0 = Date.now();
    const outcome = solvePlan(ctx, engines);
    expect(Date.now() - t0).toBeLessThanOrEqual(allowed(1500));
    expectCheckedPlan(ctx, outcome);
  }, 60_000);

  it('through the worker pool: a worker still busy past its deadline is stopped and its last checked plan kept', async () => {
    const ctx = makePlanContext(tracts, scenarioOf('tracts', 1500, 5));
    // no grace: the worker is stopped as soon as the deadline passes, mid-solve
    const pool = await makeSolvePool({ workers: 1, graceMs: 0 });
    try {
      const t0 = Date.now();
      const outcome = await solvePlanWithPool(ctx, pool);
      expect(Date.now() - t0).toBeLessThanOrEqual(allowed(1500));
      expectCheckedPlan(ctx, outcome);
      if (pool.stopped > 0) expect(outcome.summary.solver.status).toBe('time_limit');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('ri-2010 with merge weight 0 and a cap of 6: within the budget, and each bound ≤ the plan of a longer run', () => {
    const ri = dataset(JSON.parse(readFileSync(RI_TRACTS_PATH, 'utf8')), RI_MAPPING);
    const short = makePlanContext(ri, scenarioOf('ri', 3000, 6, 0));
    const t0 = Date.now();
    const a = solvePlan(short, engines);
    expect(Date.now() - t0).toBeLessThanOrEqual(allowed(3000));
    expectCheckedPlan(short, a);
    const long = makePlanContext(ri, scenarioOf('ri', 10_000, 6, 0));
    const b = solvePlan(long, engines);
    expectCheckedPlan(long, b);
    // a proven bound is below every plan: the other run's plan included
    for (const [x, y] of [[a, b], [b, a]] as const) {
      for (const o of x.summary.streetOffices) {
        const other = y.summary.streetOffices.find((p) => p.name === o.name)!;
        expect(o.solver!.bound).toBeLessThanOrEqual(other.solver!.objective + 1e-9);
      }
    }
  }, 90_000);
});

describe('bounds under a stopped solve hold against the proven optimum', () => {
  const cases = [0, 1, 2, 3].map((k) => makeRandomProblem({ seed: seedFromName(`budget ${k}`), committees: 45, cap: 5, households: [1000, 3000] }));
  for (const p of cases) {
    p.scenario.rules.households = { min: 4000, max: 8000 };
    p.scenario.rules.maxCommitteesPerStation = 5;
  }
  const expectValid = (p: Problem, r: ReturnType<typeof solveStreetOffice>, optimum: number): void => {
    expect(r.groups.length).toBeGreaterThan(0);
    expect(verifyPartition(p, r.groups)).toEqual([]);
    expect(r.bound).toBeLessThanOrEqual(optimum + 1e-9);
    expect(r.objective).toBeGreaterThanOrEqual(optimum - 1e-9);
  };

  it('a tiny time limit: a checked plan, bound ≤ optimum ≤ plan', () => {
    for (const p of cases) {
      const exact = solveStreetOffice(p, engines, { timeLimitMs: 30_000 });
      expect(exact.status).toBe('optimal');
      const r = solveStreetOffice(p, engines, { deadline: Date.now() + 5 });
      expectValid(p, r, exact.objective);
    }
  }, 60_000);

  it('an enumeration stopped by its count or memory budget goes on over what it found and says so', () => {
    for (const p of cases) {
      const exact = solveStreetOffice(p, engines, { timeLimitMs: 30_000 });
      const byCount = solveStreetOffice(p, engines, { maxCandidates: 60 });
      expectValid(p, byCount, exact.objective);
      expect(byCount.candidates).toBeLessThan(exact.candidates);
      expect(byCount.notes?.join(' ')).toMatch(/count budget/);
      const byMemory = solveStreetOffice(p, engines, { maxCandidateMemoryMb: 0.01 });
      expectValid(p, byMemory, exact.objective);
      expect(byMemory.notes?.join(' ')).toMatch(/memory budget/);
    }
  }, 60_000);

  it('every plan reported while solving is checked and its bound holds', () => {
    for (const p of cases) {
      const exact = solveStreetOffice(p, engines, { timeLimitMs: 30_000 });
      const seen: ReturnType<typeof solveStreetOffice>[] = [];
      solveStreetOffice(p, engines, { onPlan: (r) => seen.push(r) });
      expect(seen.length).toBeGreaterThan(0);
      for (const r of seen) expectValid(p, r, exact.objective);
    }
  }, 60_000);
});

describe('street offices share the budget', () => {
  it('a plan of many offices: offices solved fewest committees first, every one within the whole budget', () => {
    const d = dataset(generateDistrict({ committees: 400, seed: 11, streetOfficeSize: [20, 60] }));
    const ctx = makePlanContext(d, scenarioOf('many', 2000, 5));
    const order: string[] = [];
    const t0 = Date.now();
    const outcome = solvePlan(ctx, engines, (p) => order.push(p.streetOffice));
    expect(Date.now() - t0).toBeLessThanOrEqual(allowed(2000));
    expectCheckedPlan(ctx, outcome);
    const sizes = order.map((o) => ctx.byOffice.get(o)!.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(makeStreetOfficeProblem(ctx, order[0]!).committees.length).toBe(sizes[0]);
  }, 60_000);

  it('through the pool, time an office leaves unused goes to the ones after it; never less than its own share, never past the cap', () => {
    const d = dataset(generateDistrict({ committees: 400, seed: 11, streetOfficeSize: [20, 60] }));
    for (const cap of [undefined, 9000]) {
      const s = scenarioOf('many', 60_000, 5);
      if (cap !== undefined) s.solver.officeTimeLimitMs = cap;
      const ctx = makePlanContext(d, s);
      const n = ctx.offices.length;
      expect(n).toBeGreaterThan(4);
      const order = [...ctx.offices].reverse();
      const limits = planLimits(ctx, 2, order);
      const deadline = limits.get(order[0]!)!.deadline;
      // the offices go out in `order`; each starts when the ones before it are done
      for (const [k, office] of order.entries()) {
        const l = limits.get(office)!;
        const static_ = planLimits(ctx, 2).get(office)!.officeTimeLimitMs;
        expect(l.officeTimeLimitMs).toBe(static_);
        // at the start of the solve, and when every office before it took nothing
        for (const now of [deadline - 60_000, deadline - 60_000 + k]) {
          const ms = officeStartLimitMs(l, now);
          expect(ms).toBeGreaterThanOrEqual(static_);
          expect(ms).toBeLessThanOrEqual(Math.max(static_, deadline - now));
          if (cap !== undefined) expect(ms).toBeLessThanOrEqual(cap);
        }
        // the last two (two workers) may use all that is left, up to the cap
        if (k >= n - 2) expect(officeStartLimitMs(l, deadline - 40_000)).toBe(Math.min(cap ?? Infinity, 40_000));
        // the same limits reach the solver through the pool's job options, as the job starts
        expect(toSolveOptions(l, deadline - 30_000)).toEqual({ deadline, timeLimitMs: officeStartLimitMs(l, deadline - 30_000) });
      }
      // an office late in the order with half the budget left gets more than its share of the whole
      const late = limits.get(order[n - 3]!)!;
      expect(officeStartLimitMs(late, deadline - 30_000)).toBeGreaterThan(Math.min(cap ?? Infinity, late.officeTimeLimitMs));
    }
  });

  it('a second turn: offices stopped by their share get the time left, only when it is more; the better solve is kept, with the higher bound', () => {
    const d = dataset(generateDistrict({ committees: 400, seed: 11, streetOfficeSize: [20, 60] }));
    const ctx = makePlanContext(d, scenarioOf('many', 60_000, 5));
    ctx.deadline = Date.now() + 60_000;
    const [a, b] = officesSmallFirst(ctx);
    const result = (status: SolveResult['status'], objective: number, bound: number, ms: number): SolveResult =>
      ({ status, groups: [[0]], objective, bound, gap: (objective - bound) / objective, ms, candidates: 1, engine: 'test' });
    const results = new Map<string, SolveResult>(ctx.offices.map((o) => [o, result('optimal', 10, 10, 5)]));
    results.set(a!, result('time_limit', 12, 9, 2_000));
    results.set(b!, result('time_limit', 12, 9, 50_000)); // it already had most of the budget
    const turn = planSecondTurn(ctx, results, 2);
    expect([...turn.keys()]).toEqual([a]);
    const l = turn.get(a!)!;
    expect(l.officeTimeLimitMs).toBeGreaterThanOrEqual(1.5 * 2_000);
    expect(l.deadline).toBeLessThan(ctx.deadline);
    expect(l.deadline).toBeGreaterThan(ctx.deadline - 2_001);
    expect(planSecondTurn(ctx, new Map(ctx.offices.map((o) => [o, result('optimal', 10, 10, 5)])), 2).size).toBe(0);
    // the better plan, the higher bound, never a bound above the plan kept
    const first = result('time_limit', 12, 9, 100);
    expect(keepBetterSolve(first, result('optimal', 11, 11, 200))).toMatchObject({ status: 'optimal', objective: 11, bound: 11, gap: 0, ms: 300 });
    const worse = keepBetterSolve(first, result('time_limit', 13, 10, 200));
    expect(worse).toMatchObject({ status: 'time_limit', objective: 12, bound: 10 });
    expect(worse.gap).toBeCloseTo(2 / 12, 12);
    expect(keepBetterSolve(first, { ...result('time_limit', 0, 9.5, 200), groups: [] })).toMatchObject({ objective: 12, bound: 9.5 });
  });

  it('a second turn through the pool: within the budget, a checked plan, and no office worse than after its first turn', async () => {
    // offices of 140–200 real-like tracts, cap 6: some stop at their share while others finish early
    const d = dataset(generateDistrict({ committees: 700, seed: 5, tracts: true, streetOfficeSize: [140, 200] }));
    const s = scenarioOf('tracts', 8_000, 6);
    const ctx = makePlanContext(d, s);
    expect(ctx.offices.length).toBeGreaterThan(2);
    const pool = await makeSolvePool({ workers: 2 });
    try {
      const first = new Map<string, SolveResult>();
      const again: string[] = [];
      const t0 = Date.now();
      const outcome = await solvePlanWithPool(ctx, pool, (p) => {
        if (p.again) again.push(p.streetOffice);
        else first.set(p.streetOffice, p.result);
      }, { secondTurn: true });
      expect(Date.now() - t0).toBeLessThanOrEqual(allowed(8_000));
      expectCheckedPlan(ctx, outcome);
      expect(first.size).toBe(ctx.offices.length);
      for (const office of again) {
        expect(first.get(office)!.status).toBe('time_limit');
        const final = outcome.summary.streetOffices.find((o) => o.name === office)!.solver!;
        expect(final.objective).toBeLessThanOrEqual(first.get(office)!.objective + 1e-9);
        expect(final.bound).toBeGreaterThanOrEqual(first.get(office)!.bound - 1e-9);
      }
      console.log(`second turn: ${again.length} of ${ctx.offices.length} offices solved again; ${outcome.summary.streetOffices.filter((o) => o.solver?.status === 'optimal').length} proven`);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
