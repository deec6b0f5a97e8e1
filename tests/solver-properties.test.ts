/**
 * Property and metamorphic tests of the exact solver.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { enumerateCandidates } from '../solver/candidates.js';
import { calcExistingUnits } from '../solver/figures.js';
import { solvePartition } from '../solver/partition.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import type { Candidate, Problem } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, makeRng, seedFromName } from './helpers/random-problem.js';

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });

const idGroups = (p: Problem, groups: number[][]): string[] =>
  groups.map((g) => g.map((i) => p.committees[i]!.id).sort().join('+')).sort();

describe('every plan is a partition into connected admissible stations', () => {
  const name = 'fast-check: verifyPartition of every plan is empty';
  it(name, () => {
    fc.assert(fc.property(
      fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), n: fc.integer({ min: 1, max: 40 }), cap: fc.integer({ min: 1, max: 5 }), locks: fc.boolean(), share: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
      ({ seed, n, cap, locks, share }) => {
        const p = makeRandomProblem({ seed, committees: n, cap, locks, sharedStations: share, households: [500, 12000] });
        const r = solveStreetOffice(p, engines);
        if (r.status === 'infeasible') {
          expect(r.reasons?.length).toBeGreaterThan(0);
          for (const reason of r.reasons!) expect(reason.committees?.length ?? 0).toBeGreaterThan(0);
          return;
        }
        expect(r.status).toBe('optimal');
        expect(verifyPartition(p, r.groups)).toEqual([]);
        expect(r.objective).toBeGreaterThan(0);
      },
    ), { numRuns: 120, seed: seedFromName(name) });
  });
});

describe('metamorphic relations keep the optimum', () => {
  const problems = (name: string, count: number): Problem[] => {
    const base = seedFromName(name);
    return Array.from({ length: count }, (_, k) => makeRandomProblem({ seed: base + k, committees: 8 + (k % 25), cap: 2 + (k % 4), households: [800, 9000] }));
  };

  it('duplicating a candidate or adding a dominated one does not change the optimum', () => {
    const rnd = makeRng(seedFromName('duplicate and dominated'));
    for (const p of problems('duplicate and dominated', 30)) {
      const { candidates } = enumerateCandidates(p);
      const n = p.committees.length;
      const before = solvePartition(n, candidates, engines.highs);
      expect(before.status).toBe('optimal');
      // a duplicate of a random candidate, and a union of two disjoint candidates costing more than both
      const dup = candidates[Math.floor(rnd() * candidates.length)]!;
      const a = candidates[Math.floor(rnd() * candidates.length)]!;
      const b = candidates.find((c) => c.members.every((i) => !a.members.includes(i)));
      const extra: Candidate[] = [{ members: dup.members.slice(), cost: dup.cost }];
      if (b !== undefined) extra.push({ members: [...a.members, ...b.members].sort((x, y) => x - y), cost: a.cost + b.cost + 0.25 });
      for (const dominance of [true, false]) {
        const after = solvePartition(n, [...candidates, ...extra], engines.highs, { dominance });
        expect(after.status).toBe('optimal');
        expect(after.objective).toBeCloseTo(before.objective, 9);
      }
    }
  });

  it('shuffling the committees gives the same stations', () => {
    const rnd = makeRng(seedFromName('shuffle'));
    for (const p of problems('shuffle', 25)) {
      const order = p.committees.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
      const q: Problem = { ...p, committees: order.map((i) => p.committees[i]!), measures: order.map((i) => p.measures[i]!) };
      const r1 = solveStreetOffice(p, engines);
      const r2 = solveStreetOffice(q, engines);
      expect(r2.status).toBe('optimal');
      expect(r2.objective).toBeCloseTo(r1.objective, 9);
      expect(idGroups(q, r2.groups)).toEqual(idGroups(p, r1.groups));
    }
  });

  it('tightening a slack rule (cap, household maximum) does not change the optimum', () => {
    let tightened = 0;
    for (const p of problems('tighten slack', 30)) {
      const r = solveStreetOffice(p, engines);
      expect(r.status).toBe('optimal');
      const largest = Math.max(...r.groups.map((g) => g.length));
      // stations made of more than one existing station (an existing one is exempt from the maximum)
      const unit = calcExistingUnits(p.committees);
      const merged = r.groups.filter((g) => new Set(g.map((i) => unit[i])).size > 1).map((g) => g.reduce((s, i) => s + p.committees[i]!.households, 0));
      const q = structuredClone(p);
      q.scenario.rules.maxCommitteesPerStation = Math.max(1, largest);
      if (merged.length > 0) q.scenario.rules.households.max = Math.min(p.scenario.rules.households.max, Math.max(...merged));
      if (q.scenario.rules.maxCommitteesPerStation < p.scenario.rules.maxCommitteesPerStation || q.scenario.rules.households.max < p.scenario.rules.households.max) tightened++;
      // the over term of an existing station above the maximum depends on it: then the maximum is not slack
      const unitHouseholds = new Map<number, number>();
      p.committees.forEach((c, i) => unitHouseholds.set(unit[i]!, (unitHouseholds.get(unit[i]!) ?? 0) + c.households));
      const exceeds = [...unitHouseholds.values()].some((h) => h > q.scenario.rules.households.max);
      if (exceeds) q.scenario.rules.households.max = p.scenario.rules.households.max;
      const r2 = solveStreetOffice(q, engines);
      expect(r2.status).toBe('optimal');
      expect(r2.objective).toBeCloseTo(r.objective, 9);
      expect(r2.candidates).toBeLessThanOrEqual(r.candidates);
    }
    expect(tightened).toBeGreaterThan(10);
  });
});
