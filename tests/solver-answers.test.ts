/**
 * The answers a planner asks next (issue 10): the K best distinct plans, the regret of each
 * station, the price of each lock and a district total of stations, each against brute force:
 * every partition of a small street office into blocks that the independent checker admits
 * (solver/verify.ts checkGroup, connected and within the rules), priced by the cost function.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdjacencyGraph } from '../geo/types.js';
import { solveStreetOfficeWithAnswers } from '../solver/answers.js';
import { calcCandidateCost } from '../solver/cost.js';
import { calcExistingUnits } from '../solver/figures.js';
import { solvePlan, type PlanContext } from '../solver/pipeline.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import type { Member } from '../solver/station.js';
import type { Problem, Scenario } from '../solver/types.js';
import { checkGroup, verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, seedFromName } from './helpers/random-problem.js';

interface BrutePlan { groups: number[][]; cost: number; keys: Set<string> }

const keyOf = (g: readonly number[]): string => [...g].sort((a, b) => a - b).join(',');

/** Every valid plan of the street office (all set partitions whose blocks pass the checker), by cost. */
function brutePlans(problem: Problem): BrutePlan[] {
  const n = problem.committees.length;
  const blockCost = new Map<string, number | null>();
  const costOf = (block: number[]): number | null => {
    const k = keyOf(block);
    let v = blockCost.get(k);
    if (v === undefined) {
      v = checkGroup(problem, block).length === 0 ? calcCandidateCost(problem, block) : null;
      blockCost.set(k, v);
    }
    return v;
  };
  const out: BrutePlan[] = [];
  const blocks: number[][] = [];
  const place = (i: number): void => {
    if (i === n) {
      let cost = 0;
      for (const b of blocks) { const c = costOf(b); if (c === null) return; cost += c; }
      const groups = blocks.map((b) => b.slice());
      if (verifyPartition(problem, groups).length > 0) return;
      out.push({ groups, cost, keys: new Set(groups.map(keyOf)) });
      return;
    }
    for (const b of blocks) {
      b.push(i);
      place(i + 1);
      b.pop();
    }
    blocks.push([i]);
    place(i + 1);
    blocks.pop();
  };
  place(0);
  return out.sort((a, b) => a.cost - b.cost);
}

function withSolver(problem: Problem, solver: Partial<Scenario['solver']>, rules: Partial<Scenario['rules']> = {}): Problem {
  return { ...problem, scenario: { ...problem.scenario, rules: { ...problem.scenario.rules, ...rules }, solver: { ...problem.scenario.solver, ...solver } } };
}

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });

const problems: Problem[] = [0, 1, 2, 3, 4, 5].map((k) => makeRandomProblem({
  seed: seedFromName(`answers ${k}`), committees: 7 + (k % 3), cap: 3, households: [1500, 5000], locks: k % 2 === 1,
}));

describe('alternatives of one street office', () => {
  it('are the K smallest costs of brute force, distinct, checked, the first the optimum', () => {
    let compared = 0;
    for (const p of problems) {
      const all = brutePlans(p);
      if (all.length === 0) continue;
      const K = 6;
      const r = solveStreetOfficeWithAnswers(withSolver(p, { alternatives: K }), engines);
      expect(r.status).toBe('optimal');
      const alt = r.answers!.alternatives!;
      const expected = all.slice(0, K).map((b) => b.cost);
      expect(alt.plans.map((x) => x.objective)).toHaveLength(expected.length);
      alt.plans.forEach((x, i) => expect(x.objective, `${p.scenario.name} rank ${i + 1}`).toBeCloseTo(expected[i]!, 6));
      expect(alt.plans[0]!.objective).toBeCloseTo(r.objective, 9);
      expect(alt.exhausted).toBe(all.length < K);
      const seen = new Set<string>();
      for (const x of alt.plans) {
        expect(verifyPartition(p, x.groups)).toEqual([]);
        const sig = x.groups.map(keyOf).sort().join('|');
        expect(seen.has(sig)).toBe(false);
        seen.add(sig);
        // its cost is the brute-force cost of that very plan
        expect(all.find((b) => b.groups.map(keyOf).sort().join('|') === sig)!.cost).toBeCloseTo(x.objective, 6);
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('with a fixed station count ranks only plans of that count', () => {
    const p = problems[0]!;
    const r0 = solveStreetOfficeWithAnswers(p, engines);
    const count = r0.groups.length + 1;
    const all = brutePlans(p).filter((b) => b.groups.length === count);
    const r = solveStreetOfficeWithAnswers(withSolver(p, { alternatives: 4 }, { stations: { [p.streetOffice]: count } }), engines);
    expect(r.answers!.alternatives!.plans.map((x) => x.objective)).toHaveLength(Math.min(4, all.length));
    r.answers!.alternatives!.plans.forEach((x, i) => {
      expect(x.groups).toHaveLength(count);
      expect(x.objective).toBeCloseTo(all[i]!.cost, 6);
    });
  }, 60_000);
});

describe('regret and lock prices', () => {
  it('regret is the brute-force optimum without that station minus the plan cost', () => {
    let values = 0, nulls = 0;
    for (const p of problems) {
      const all = brutePlans(p);
      if (all.length === 0) continue;
      const r = solveStreetOfficeWithAnswers(withSolver(p, { regret: true }), engines);
      const regret = r.answers!.regret!;
      expect(regret).toHaveLength(r.groups.length);
      r.groups.forEach((g, i) => {
        const without = all.find((b) => !b.keys.has(keyOf(g)));
        if (without === undefined) {
          expect(regret[i]!.value).toBeNull();
          expect(regret[i]!.reason).toMatch(/no plan/);
          nulls++;
        } else {
          expect(regret[i]!.value).toBeCloseTo(without.cost - all[0]!.cost, 6);
          expect(regret[i]!.value!).toBeGreaterThanOrEqual(-1e-9);
          values++;
        }
      });
    }
    expect(values).toBeGreaterThan(10);
    expect(nulls + values).toBeGreaterThan(10);
  }, 60_000);

  it('the price of a lock is the optimum with it minus the optimum without it (brute force)', () => {
    let priced = 0, positive = 0;
    for (const p of problems.filter((q) => q.scenario.locks.together.length + q.scenario.locks.separate.length + q.scenario.locks.keep.length > 0)) {
      const all = brutePlans(p);
      if (all.length === 0) continue;
      const r = solveStreetOfficeWithAnswers(withSolver(p, { regret: true }), engines);
      for (const lock of r.answers!.locks!) {
        const locks = { ...p.scenario.locks, [lock.kind]: p.scenario.locks[lock.kind].filter((_, i) => i !== lock.index) };
        const free = brutePlans({ ...p, scenario: { ...p.scenario, locks } });
        expect(lock.value).toBeCloseTo(all[0]!.cost - free[0]!.cost, 6);
        priced++;
        if (lock.value! > 1e-9) positive++;
      }
    }
    expect(priced).toBeGreaterThanOrEqual(3);
    expect(positive).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

describe('the optimum per station count of one street office', () => {
  it('is brute force\'s best plan of each count (the dynamic program of small offices)', () => {
    let counts = 0;
    for (const p of problems) {
      const all = brutePlans(p);
      if (all.length === 0) continue;
      const r = solveStreetOfficeWithAnswers(withSolver(p, {}, { stations: { '*': 1 } }), engines);
      const byCount = r.answers!.byCount!;
      expect(byCount.complete).toBe(true);
      const best = new Map<number, number>();
      for (const b of all) if (!best.has(b.groups.length)) best.set(b.groups.length, b.cost);
      expect(byCount.plans.map((x) => x.count)).toEqual([...best.keys()].sort((a, b) => a - b));
      for (const x of byCount.plans) {
        expect(x.objective).toBeCloseTo(best.get(x.count)!, 6);
        expect(x.groups).toHaveLength(x.count);
        expect(verifyPartition(p, x.groups)).toEqual([]);
        counts++;
      }
    }
    expect(counts).toBeGreaterThan(10);
  }, 60_000);

  it('is what a fixed count gives, for every count, on an office too large for the dynamic program (one solve per count)', () => {
    const p = makeRandomProblem({ seed: seedFromName('by count large'), committees: 28, cap: 3, households: [1500, 5000] });
    const r = solveStreetOfficeWithAnswers(withSolver(p, {}, { stations: { '*': 1 } }), engines);
    const byCount = r.answers!.byCount!;
    expect(byCount.complete).toBe(true);
    const counts = byCount.plans.map((x) => x.count);
    // an interval up to one station per existing station, holding the free optimum's count
    expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => counts[0]! + i));
    expect(counts).toContain(r.groups.length);
    for (const k of [counts[0]! - 1, ...counts]) {
      const fixed = solveStreetOffice(withSolver(p, {}, { stations: { [p.streetOffice]: k } }), engines);
      const x = byCount.plans.find((y) => y.count === k);
      if (x === undefined) expect(fixed.status, `count ${k}`).toBe('infeasible');
      else expect(fixed.objective, `count ${k}`).toBeCloseTo(x.objective, 6);
    }
  }, 120_000);
});

describe('the time budget', () => {
  it('holds with answers asked for: what the clock allowed is listed, checked and in order, the rest says why', () => {
    const p = makeRandomProblem({ seed: seedFromName('answers budget'), committees: 36, cap: 3, households: [1500, 5000] });
    // a budget that cuts the 100 alternatives on any machine: a fifth of what all of them take here
    // (measured warm: the first run compiles the code); a fixed 1 s was enough for all 100 on a quiet one
    const unbounded = withSolver(p, { alternatives: 100, regret: true, timeLimitMs: 60_000 });
    solveStreetOfficeWithAnswers(unbounded, engines);
    const tAll = Date.now();
    expect(solveStreetOfficeWithAnswers(unbounded, engines).answers!.alternatives!.plans).toHaveLength(100);
    const limit = Math.max(20, Math.floor((Date.now() - tAll) / 5));
    const asked = withSolver(p, { alternatives: 100, regret: true, timeLimitMs: limit });
    const t0 = Date.now();
    const r = solveStreetOfficeWithAnswers(asked, engines);
    expect(Date.now() - t0).toBeLessThanOrEqual(limit * 1.1 + 2000);
    expect(r.status).toBe('optimal');
    const alt = r.answers!.alternatives!;
    expect(alt.plans[0]!.objective).toBeCloseTo(r.objective, 9);
    alt.plans.forEach((x, i) => {
      expect(verifyPartition(p, x.groups)).toEqual([]);
      if (i > 0) expect(x.objective).toBeGreaterThanOrEqual(alt.plans[i - 1]!.objective - 1e-9);
    });
    expect(alt.plans.length).toBeLessThan(100);
    expect(alt.exhausted).toBe(false);
    expect(alt.reason).toMatch(/time limit/);
    const regret = r.answers!.regret!;
    expect(regret).toHaveLength(r.groups.length);
    expect(regret.every((x) => (x.value === null ? typeof x.reason === 'string' : x.value >= -1e-9))).toBe(true);
  }, 60_000);
});

/** Street offices S0, S1, … made of the given problems (ids, stations and locks prefixed). */
function makeDistrict(parts: readonly Problem[], scenario: Scenario): PlanContext {
  const border = new Map<string, Map<string, number>>();
  const links = new Map<string, Map<string, number>>();
  const committees: Member['committee'][] = [];
  const measures: Member['measures'][] = [];
  const locks: Scenario['locks'] = { together: [], separate: [], keep: [] };
  parts.forEach((p, k) => {
    const o = `S${k}`;
    const id = (x: string): string => `${o}-${x}`;
    for (const [src, dst] of [[p.graph.border, border], [p.graph.links, links]] as const) {
      for (const [a, row] of src) dst.set(id(a), new Map([...row].map(([b, len]) => [id(b), len])));
    }
    p.committees.forEach((c, i) => {
      committees.push({ ...c, id: id(c.id), name: `${o}${c.name}`, streetOffice: o, ...(c.station !== undefined ? { station: id(c.station) } : {}) });
      measures.push(p.measures[i]!);
    });
    locks.together.push(...p.scenario.locks.together.map((g) => g.map(id)));
    locks.separate.push(...p.scenario.locks.separate.map((g) => g.map(id)));
    locks.keep.push(...p.scenario.locks.keep.map(id));
  });
  const units = calcExistingUnits(committees);
  const members: Member[] = committees.map((committee, i) => ({ committee, measures: measures[i]!, unit: units[i]! }));
  const byOffice = new Map<string, Member[]>();
  for (const m of members) byOffice.set(m.committee.streetOffice, [...(byOffice.get(m.committee.streetOffice) ?? []), m]);
  const graph: AdjacencyGraph = { border, links };
  return { scenario: { ...scenario, locks }, members, graph, offices: [...byOffice.keys()], byOffice };
}

/** The office problems of a district context (as the pipeline makes them). */
function officeProblem(ctx: PlanContext, office: string): Problem {
  const ms = ctx.byOffice.get(office)!;
  return { streetOffice: office, committees: ms.map((m) => m.committee), measures: ms.map((m) => m.measures), graph: ctx.graph, scenario: ctx.scenario };
}

describe('a district of several street offices', () => {
  const parts = [0, 1, 2].map((k) => makeRandomProblem({ seed: seedFromName(`district ${k}`), committees: 6 + k, cap: 3, households: [1500, 5000] }));
  const base = parts[0]!.scenario;

  it('its K best plans are the K least sums of one brute-force plan per office', () => {
    const K = 7;
    const ctx = makeDistrict(parts, { ...base, solver: { ...base.solver, alternatives: K } });
    const outcome = solvePlan(ctx, engines);
    const report = outcome.summary.alternatives!;
    expect(report.complete).toBe(true);
    // brute force: every combination of one plan per office
    let sums = [0];
    for (const office of ctx.offices) {
      const costs = brutePlans(officeProblem(ctx, office)).map((b) => b.cost);
      sums = sums.flatMap((s) => costs.map((c) => s + c)).sort((a, b) => a - b).slice(0, 200);
    }
    expect(report.plans).toHaveLength(K);
    report.plans.forEach((a, i) => {
      expect(a.rank).toBe(i + 1);
      expect(a.objective, `rank ${i + 1}`).toBeCloseTo(sums[i]!, 6);
      expect(a.delta).toBeCloseTo(a.objective - sums[0]!, 6);
    });
    expect(report.plans[0]!.objective).toBeCloseTo(outcome.summary.solver.objective, 6);
    expect(report.plans[0]!.differences).toEqual([]);
    for (const a of report.plans.slice(1)) {
      expect(a.differences.length).toBeGreaterThan(0);
      // each difference replaces exactly the committees it removes
      for (const d of a.differences) {
        const removed = d.removed.flatMap((s) => s.committees).sort();
        const added = d.added.flatMap((s) => s.committees).sort();
        expect(added).toEqual(removed);
      }
    }
  }, 60_000);

  it('a district total is the brute-force best allocation of counts, or infeasible with the range', () => {
    const perOffice = parts.map((_, k) => {
      const ctx0 = makeDistrict(parts, base);
      const best = new Map<number, number>();
      for (const b of brutePlans(officeProblem(ctx0, `S${k}`))) if (!best.has(b.groups.length)) best.set(b.groups.length, b.cost);
      return best;
    });
    const min = perOffice.reduce((s, m) => s + Math.min(...m.keys()), 0);
    const max = perOffice.reduce((s, m) => s + Math.max(...m.keys()), 0);
    let checked = 0;
    for (const total of [min - 1, min, Math.round((min + max) / 2), max - 1, max, max + 1]) {
      const ctx = makeDistrict(parts, { ...base, rules: { ...base.rules, stations: { '*': total } } });
      const outcome = solvePlan(ctx, engines);
      const s = outcome.summary;
      // brute force over the product of the offices' counts
      let best = Infinity;
      for (const [a, ca] of perOffice[0]!) for (const [b, cb] of perOffice[1]!) for (const [c, cc] of perOffice[2]!) {
        if (a + b + c === total) best = Math.min(best, ca + cb + cc);
      }
      if (best === Infinity) {
        expect(s.stationsTotal!.status).toBe('infeasible');
        expect(s.stationsTotal!.reason).toContain(`${min} to ${max}`);
        expect(outcome.fatal).toBe(true);
        expect(s.checks.violations[0]!.rule).toBe('infeasible');
        expect(s.checks.violations[0]!.message).toContain(`${total} stations in all`);
      } else {
        expect(s.stationsTotal!.status).toBe('optimal');
        expect(s.stationsAfter).toBe(total);
        expect(s.solver.objective).toBeCloseTo(best, 6);
        expect(Object.values(s.stationsTotal!.byOffice!).reduce((x, y) => x + y, 0)).toBe(total);
        expect(outcome.fatal).toBe(false);
        for (const office of ctx.offices) {
          const p = officeProblem(ctx, office);
          const index = new Map(p.committees.map((c, i) => [c.id, i]));
          const groups = s.streetOffices.find((o) => o.name === office)!.stations.map((st) => st.committeeIds.map((id) => index.get(id)!));
          expect(verifyPartition(p, groups)).toEqual([]);
        }
      }
      checked++;
    }
    expect(checked).toBe(6);
  }, 60_000);

  it('under a district total, the offices it changed say their regret is not computed; the others keep theirs', () => {
    const free = solvePlan(makeDistrict(parts, base), engines).summary;
    const ctx = makeDistrict(parts, { ...base, rules: { ...base.rules, stations: { '*': free.stationsAfter + 1 } }, solver: { ...base.solver, regret: true } });
    const s = solvePlan(ctx, engines).summary;
    expect(s.stationsAfter).toBe(free.stationsAfter + 1);
    const changed = s.streetOffices.filter((o, i) => o.stationsAfter !== free.streetOffices[i]!.stationsAfter);
    expect(changed).toHaveLength(1);
    for (const st of changed[0]!.stations) {
      expect(st.regret).toBeNull();
      expect(st.regretReason).toMatch(/district total/);
    }
    const kept = s.streetOffices.filter((o) => !changed.includes(o)).flatMap((o) => o.stations);
    expect(kept.some((st) => typeof st.regret === 'number')).toBe(true);
  }, 60_000);

  it('under a district total, alternatives are not ranked, and the summary says why', () => {
    const ctx = makeDistrict(parts, { ...base, rules: { ...base.rules, stations: { '*': 10 } }, solver: { ...base.solver, alternatives: 3 } });
    const s = solvePlan(ctx, engines).summary;
    expect(s.alternatives).toEqual({ requested: 3, complete: false, reasons: [expect.stringMatching(/district total/)], plans: [] });
  }, 60_000);

  it('summary stations carry their regret', () => {
    const ctx = makeDistrict(parts, { ...base, solver: { ...base.solver, regret: true } });
    const s = solvePlan(ctx, engines).summary;
    const stations = s.streetOffices.flatMap((o) => o.stations);
    expect(stations.every((st) => st.regret === null ? typeof st.regretReason === 'string' : st.regret! >= -1e-9)).toBe(true);
    expect(stations.some((st) => typeof st.regret === 'number')).toBe(true);
    expect(s.streetOffices.every((o) => o.solver !== null && !Object.hasOwn(o.solver, 'answers'))).toBe(true);
  }, 60_000);
});
