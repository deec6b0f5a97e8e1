/**
 * The exact solver against exhaustive enumeration, engines against each other, determinism.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { solveByEnumeration } from '../solver/reference.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import { verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, seedFromName } from './helpers/random-problem.js';

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });

describe('solveStreetOffice against exhaustive enumeration', () => {
  const name = 'highs equals the best of all set partitions on 240 random instances';
  it(name, () => {
    const base = seedFromName(name);
    let optimal = 0, infeasible = 0, merged = 0;
    for (let k = 0; k < 240; k++) {
      const problem = makeRandomProblem({
        seed: base + k,
        committees: 1 + (k % 9),
        cap: 2 + (k % 4),
        locks: k % 3 === 0,
        sharedStations: 0.15,
      });
      const result = solveStreetOffice(problem, engines);
      const ref = solveByEnumeration(problem);
      if (ref.objective === Infinity) {
        expect(result.status, `instance ${k}`).toBe('infeasible');
        expect(result.reasons?.length, `instance ${k}`).toBeGreaterThan(0);
        infeasible++;
        continue;
      }
      expect(result.status, `instance ${k}: ${JSON.stringify(result.reasons)}`).toBe('optimal');
      expect(result.objective, `instance ${k}`).toBeCloseTo(ref.objective, 7);
      expect(result.bound).toBe(result.objective);
      // every other instance again with every component sent to HiGHS (no built-in dynamic program)
      if (k % 2 === 0) {
        const viaHighs = solveStreetOffice(problem, engines, { smallComponentRows: 0 });
        expect(viaHighs.status).toBe('optimal');
        expect(viaHighs.objective, `instance ${k} via HiGHS`).toBeCloseTo(ref.objective, 7);
      }
      expect(result.gap).toBe(0);
      expect(verifyPartition(problem, result.groups)).toEqual([]);
      optimal++;
      if (result.groups.some((g) => g.length > 1)) merged++;
    }
    // the sample exercises both outcomes and real merges
    expect(optimal).toBeGreaterThan(200);
    expect(infeasible).toBeGreaterThan(0);
    expect(merged).toBeGreaterThan(150);
  });

  it('jslp agrees with highs on 80 small instances', () => {
    const base = seedFromName('jslp agrees with highs');
    for (let k = 0; k < 80; k++) {
      const problem = makeRandomProblem({ seed: base + k, committees: 3 + (k % 10), cap: 3 + (k % 3), locks: k % 4 === 0 });
      const a = solveStreetOffice(problem, engines, { engine: 'highs', smallComponentRows: 0 });
      const b = solveStreetOffice(problem, engines, { engine: 'jslp', smallComponentRows: 0 });
      expect(b.engine).toBe('jslp');
      expect(b.status, `instance ${k}`).toBe(a.status);
      if (a.status === 'optimal') {
        expect(b.objective, `instance ${k}`).toBeCloseTo(a.objective, 7);
        expect(verifyPartition(problem, b.groups)).toEqual([]);
      }
    }
  });

  it('is deterministic: the same problem twice gives identical JSON', () => {
    const base = seedFromName('deterministic');
    for (let k = 0; k < 10; k++) {
      const problem = makeRandomProblem({ seed: base + k, committees: 30 + k * 5, cap: 4, households: [1500, 12000] });
      const strip = (r: ReturnType<typeof solveStreetOffice>): string => JSON.stringify({ ...r, ms: 0 });
      const first = strip(solveStreetOffice(problem, engines));
      const second = strip(solveStreetOffice(structuredClone(problem), engines));
      expect(second).toBe(first);
      expect(JSON.parse(first).status).toBe('optimal');
    }
  });

  it('proves a 150-committee street office optimal (cap 5) within 5 s', () => {
    const problem = makeRandomProblem({ seed: seedFromName('150 committees'), committees: 150, cap: 5, households: [1500, 12000] });
    const result = solveStreetOffice(problem, engines);
    expect(result.ms).toBeLessThan(5000);
    expect(result.status).toBe('optimal');
    expect(verifyPartition(problem, result.groups)).toEqual([]);
    expect(result.groups.length).toBeLessThan(150);
  });
});
