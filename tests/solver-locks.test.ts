/**
 * Locks, existing stations and infeasible lock combinations on tiny named graphs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Committee } from '../geo/types.js';
import { makeDefaultScenario } from '../scenarios/defaults.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import type { Problem } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';

let engines: Engines;
beforeAll(async () => { engines = await loadEngines(); });

/** Committees named by letters, households given, edges as 'AB' strings (shared border 300 m). */
function tiny(households: Record<string, number>, edges: string[], patch: (p: Problem) => void = () => {}): Problem {
  const names = Object.keys(households);
  const committees: Committee[] = names.map((n) => ({
    id: n, name: n, streetOffice: 'S', households: households[n]!, office: 250, service: 1000, plaza: 1200,
    geometry: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]],
  }));
  const border = new Map<string, Map<string, number>>(names.map((n) => [n, new Map()]));
  for (const [a, b] of edges.map((e) => [e[0]!, e[1]!] as const)) { border.get(a)!.set(b, 300); border.get(b)!.set(a, 300); }
  const p: Problem = {
    streetOffice: 'S', committees,
    measures: names.map(() => ({ areaM2: 1e6, perimeterM: 4000, centroid: [0, 0], bbox: [0, 0, 0, 0] })),
    graph: { border, links: new Map() },
    scenario: makeDefaultScenario('tiny'),
  };
  patch(p);
  return p;
}
const namesOf = (p: Problem, groups: number[][]): string[][] => groups.map((g) => g.map((i) => p.committees[i]!.name));

describe('locks that no plan can satisfy', () => {
  const line = { A: 2000, B: 2000, C: 2000, D: 2000 };
  it('a together lock that cannot be connected within the cap names its committees', () => {
    const p = tiny(line, ['AB', 'BC', 'CD'], (q) => { q.scenario.locks.together.push(['A', 'D']); });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('together-not-connected');
    expect(r.reasons?.[0]?.committees).toEqual(['A', 'D']);
    expect(r.groups).toEqual([]);
    // with a cap of 4 the same lock is satisfiable: the whole line
    p.scenario.rules.maxCommitteesPerStation = 4;
    const ok = solveStreetOffice(p, engines);
    expect(ok.status).toBe('optimal');
    expect(namesOf(p, ok.groups)).toEqual([['A', 'B', 'C', 'D']]);
  });
  it('a together lock holding two committees of a separate lock', () => {
    const p = tiny(line, ['AB', 'BC', 'CD'], (q) => {
      q.scenario.locks.together.push(['A', 'B']);
      q.scenario.locks.separate.push(['B', 'A']);
    });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.map((x) => x.code)).toContain('together-separate');
    expect(r.reasons?.find((x) => x.code === 'together-separate')?.committees).toEqual(['A', 'B']);
  });
  it('a keep lock contradicting a together lock', () => {
    const p = tiny(line, ['AB', 'BC', 'CD'], (q) => { q.scenario.locks.together.push(['B', 'C']); q.scenario.locks.keep.push('C'); });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('together-keep');
    expect(r.reasons?.[0]?.message).toContain('C');
    expect(r.reasons?.[0]?.committees).toEqual(['B', 'C']);
  });
  it('an existing station bigger than the cap inside a together lock', () => {
    const p = tiny(line, ['AB', 'BC', 'CD'], (q) => {
      q.committees[0]!.station = 's1'; q.committees[1]!.station = 's1'; q.committees[2]!.station = 's1';
      q.scenario.locks.together.push(['C', 'D']);
    });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('together-over-cap');
    expect(r.reasons?.[0]?.committees).toEqual(['A', 'B', 'C', 'D']);
  });
  it('a separate lock naming two committees of one existing station', () => {
    const p = tiny(line, ['AB', 'BC', 'CD'], (q) => {
      q.committees[2]!.station = 's'; q.committees[3]!.station = 's';
      q.scenario.locks.separate.push(['C', 'D']);
    });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('separate-same-station');
    expect(r.reasons?.[0]?.committees).toEqual(['C', 'D']);
  });
  it('two together locks that both need the same bridging committee', () => {
    // star: B in the middle; A–C and D–E can only meet through B
    const p = tiny({ A: 1500, B: 1500, C: 1500, D: 1500, E: 1500 }, ['AB', 'BC', 'BD', 'BE'], (q) => {
      q.scenario.locks.together.push(['A', 'C'], ['D', 'E']);
    });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('no-partition');
    expect(r.reasons?.[0]?.committees?.length).toBeGreaterThan(0);
  });
  it('a together lock reaching into another street office', () => {
    const p = tiny(line, ['AB', 'BC', 'CD'], (q) => { q.scenario.locks.together.push(['A', 'Z9']); });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('together-across-street-offices');
    expect(r.reasons?.[0]?.committees).toEqual(['A', 'Z9']);
  });
  it('a together lock over the household maximum', () => {
    const p = tiny({ A: 6000, B: 6000, C: 1000 }, ['AB', 'BC'], (q) => { q.scenario.locks.together.push(['A', 'B']); });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('infeasible');
    expect(r.reasons?.[0]?.code).toBe('together-over-households');
  });
});

describe('locks and existing stations that are respected', () => {
  const small = { A: 2000, B: 2000, C: 2000, D: 2000, E: 2000 };
  const edges = ['AB', 'BC', 'CD', 'DE', 'AC', 'CE'];
  it('without locks, small neighbours merge', () => {
    const r = solveStreetOffice(tiny(small, edges), engines);
    expect(r.status).toBe('optimal');
    expect(r.groups.length).toBe(2);
  });
  it('a kept committee and a self-contained committee stay alone', () => {
    const p = tiny(small, edges, (q) => { q.scenario.locks.keep.push('C'); q.committees[0]!.selfContained = true; });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('optimal');
    const g = namesOf(p, r.groups);
    expect(g).toContainEqual(['C']);
    expect(g).toContainEqual(['A']);
    expect(verifyPartition(p, r.groups)).toEqual([]);
  });
  it('a separate lock keeps two committees apart; a together lock joins two', () => {
    const p = tiny(small, edges, (q) => { q.scenario.locks.separate.push(['A', 'B']); q.scenario.locks.together.push(['A', 'E']); });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('optimal');
    const g = namesOf(p, r.groups);
    const withA = g.find((x) => x.includes('A'))!;
    expect(withA).toContain('E');
    expect(withA).not.toContain('B');
    expect(withA).toContain('C'); // the only way from A to E within 3 committees
  });
  it('an existing station over the cap and the household maximum stands as it is', () => {
    const p = tiny({ A: 4000, B: 4000, C: 4000, D: 4000, E: 2000 }, ['AB', 'BC', 'CD', 'DE'], (q) => {
      for (const i of [0, 1, 2, 3]) q.committees[i]!.station = 'big';
    });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('optimal');
    expect(namesOf(p, r.groups)).toEqual([['A', 'B', 'C', 'D'], ['E']]);
  });
  it('bad input is reported, not thrown', () => {
    const p = tiny(small, edges, (q) => { q.committees[1]!.households = -5; });
    const r = solveStreetOffice(p, engines);
    expect(r.status).toBe('error');
    expect(r.reasons?.[0]?.message).toContain('households');
    expect(r.reasons?.[0]?.message).toContain('committee 1');
  });
});
