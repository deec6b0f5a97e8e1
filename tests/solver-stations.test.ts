/**
 * Fixed station count (issue 10): `rules.stations: { "<street office>": N }` gives the best plan
 * with exactly N stations, or the reason there is none; checked against brute force (every
 * partition of a small street office over its admissible candidates).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enumerateCandidates } from '../solver/candidates.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import type { Candidate, Problem } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, seedFromName } from './helpers/random-problem.js';

/** Least cost of a partition with exactly k candidates, for every k (Infinity: none). */
function bestByCount(n: number, candidates: readonly Candidate[]): number[] {
  const best = new Array<number>(n + 1).fill(Infinity);
  const byLow = new Map<number, Candidate[]>();
  for (const c of candidates) byLow.set(c.members[0]!, [...(byLow.get(c.members[0]!) ?? []), c]);
  const used = new Uint8Array(n);
  const walk = (k: number, cost: number): void => {
    let low = 0;
    while (low < n && used[low]) low++;
    if (low === n) { if (cost < best[k]!) best[k] = cost; return; }
    for (const c of byLow.get(low) ?? []) {
      if (c.members.some((i) => used[i])) continue;
      for (const i of c.members) used[i] = 1;
      walk(k + 1, cost + c.cost);
      for (const i of c.members) used[i] = 0;
    }
  };
  walk(0, 0);
  return best;
}

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });

describe('a fixed station count', () => {
  // random locks may make a problem infeasible whatever the count: those are left out
  const all: Problem[] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => makeRandomProblem({
    seed: seedFromName(`stations ${k}`), committees: 9 + (k % 3), cap: 3, households: [1500, 5000], locks: k % 2 === 1,
  }));
  let problems: Problem[] = [];
  beforeAll(() => {
    problems = all.filter((p) => solveStreetOffice(p, engines).status === 'optimal');
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });
  it('is the brute-force optimum of exactly that count, or infeasible with the reason', () => {
    let feasible = 0, infeasible = 0;
    for (const p of problems) {
      const n = p.committees.length;
      const list = enumerateCandidates(p);
      const best = bestByCount(n, list.candidates);
      for (let k = 1; k <= n; k++) {
        const fixed: Problem = { ...p, scenario: { ...p.scenario, rules: { ...p.scenario.rules, stations: { [p.streetOffice]: k } } } };
        const r = solveStreetOffice(fixed, engines);
        if (best[k] === Infinity) {
          expect(r.status, `count ${k}`).toBe('infeasible');
          expect(r.reasons?.[0]?.code).toBe('station-count');
          expect(r.reasons?.[0]?.message).toContain(`${k}`);
          infeasible++;
        } else {
          expect(r.status, `count ${k}`).toBe('optimal');
          expect(r.groups.length).toBe(k);
          expect(verifyPartition(fixed, r.groups)).toEqual([]);
          expect(r.objective).toBeCloseTo(best[k]!, 6);
          feasible++;
        }
      }
    }
    // both kinds of answer occur
    expect(feasible).toBeGreaterThan(10);
    expect(infeasible).toBeGreaterThan(3);
  }, 60_000);

  it('a free count still finds the least cost over all counts', () => {
    for (const p of problems) {
      const best = bestByCount(p.committees.length, enumerateCandidates(p).candidates);
      const r = solveStreetOffice(p, engines);
      expect(r.objective).toBeCloseTo(Math.min(...best), 6);
    }
  }, 60_000);
});
