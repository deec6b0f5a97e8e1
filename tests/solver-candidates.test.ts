/**
 * Candidate enumeration against brute force, the cost terms, dominance and the small-component DP.
 */
import { describe, expect, it } from 'vitest';
import { compareMembers, enumerateCandidates } from '../solver/candidates.js';
import { calcCandidateCost, calcCostTerms, roundCost } from '../solver/cost.js';
import { findDominated, greedyCover, solveSmallComponent } from '../solver/partition.js';
import type { Candidate, Problem } from '../solver/types.js';
import { calcUnits } from '../solver/units.js';
import { checkGroup } from '../solver/verify.js';
import { makeRandomProblem, seedFromName } from './helpers/random-problem.js';

/** Every subset that checkGroup accepts and that is a union of together blocks, canonically sorted. */
function bruteCandidates(p: Problem): number[][] {
  const n = p.committees.length;
  const { blockOf } = calcUnits(p);
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) members.push(i);
    const blocks = new Set(members.map((i) => blockOf[i]));
    const whole = members.length === [...Array(n).keys()].filter((i) => blocks.has(blockOf[i])).length;
    if (whole && checkGroup(p, members).length === 0) out.push(members);
  }
  return out.sort(compareMembers);
}

describe('enumerateCandidates', () => {
  it('finds exactly the admissible groups of brute force on 150 random instances', () => {
    const base = seedFromName('enumeration vs brute force');
    let total = 0;
    for (let k = 0; k < 150; k++) {
      const p = makeRandomProblem({ seed: base + k, committees: 1 + (k % 12), cap: 1 + (k % 5), locks: k % 3 === 0, sharedStations: 0.2, households: [500, 7000] });
      const units = calcUnits(p);
      if (units.reasons.length > 0) continue;
      const got = enumerateCandidates(p).candidates.map((c) => c.members);
      expect(got, `instance ${k}`).toEqual(bruteCandidates(p));
      total += got.length;
    }
    expect(total).toBeGreaterThan(1000);
  });

  it('stops at maxCandidates, says so and keeps every block alone', () => {
    const p = makeRandomProblem({ seed: 7, committees: 30, cap: 4, households: [500, 1500] });
    const all = enumerateCandidates(p);
    expect(all.truncated).toBe(false);
    const few = enumerateCandidates(p, { maxCandidates: 10 });
    expect(few.truncated).toBe(true);
    expect(few.stoppedBy).toBe('count');
    expect(all.candidates.length).toBeGreaterThan(10);
    // the budgeted ones, then every later block alone: every committee still has a candidate
    expect(few.candidates.length).toBeLessThanOrEqual(10 + 30);
    expect(few.candidates.length).toBeLessThan(all.candidates.length);
    const covered = new Set(few.candidates.flatMap((c) => c.members));
    expect(covered.size).toBe(30);
    const known = new Map(all.candidates.map((c) => [c.members.join(','), c.cost]));
    for (const c of few.candidates) expect(known.get(c.members.join(','))).toBe(c.cost);
    // committees marked complete have exactly their full candidate list
    for (let i = 0; i < 30; i++) {
      if (!few.complete[i]) continue;
      const a = all.candidates.filter((c) => c.members.includes(i)).length;
      const b = few.candidates.filter((c) => c.members.includes(i)).length;
      expect(b).toBe(a);
    }
    expect(few.complete.some((c) => c === 0)).toBe(true);
  });
});

describe('cost of a candidate', () => {
  const p = makeRandomProblem({ seed: seedFromName('cost terms'), committees: 9, cap: 4, enclaves: 0, dropEdge: 0 });
  it('a single committee: Polsby–Popper of its own square, no links, no mix', () => {
    const t = calcCostTerms(p, [0]);
    expect(t.polsbyPopper).toBeCloseTo(Math.PI / 4, 12); // 4π s² / (4s)²
    expect(t.enclaveLinks).toBe(0);
    expect(t.typeMix).toBe(0);
    const h = p.committees[0]!.households;
    expect(t.under).toBeCloseTo(h < 6000 ? (6000 - h) / 6000 : 0, 12);
  });
  it('merging two neighbours removes their shared border from the perimeter', () => {
    const shared = p.graph.border.get('c0')!.get('c1')!;
    const [a, b] = [p.measures[0]!, p.measures[1]!];
    const per = a.perimeterM + b.perimeterM - 2 * shared;
    expect(calcCostTerms(p, [0, 1]).polsbyPopper).toBeCloseTo(Math.min(1, (4 * Math.PI * (a.areaM2 + b.areaM2)) / (per * per)), 12);
  });
  it('sums the weighted terms and rounds to 1e-9', () => {
    const w = p.scenario.weights;
    const t = calcCostTerms(p, [0, 1, 3]);
    // facility and shape terms count per committee served (3 here)
    const expected = w.station + w.merge * t.merged + w.under * t.under + w.over * t.over +
      3 * ((t.facilityMissed.office ? w.facility.office : 0) + (t.facilityMissed.service ? w.facility.service : 0) + (t.facilityMissed.plaza ? w.facility.plaza : 0)) +
      3 * w.compactness * (1 - t.polsbyPopper) + w.typeMix * t.typeMix + w.enclaveLink * t.enclaveLinks;
    expect(calcCandidateCost(p, [0, 1, 3])).toBe(roundCost(expected));
    expect(Math.round(calcCandidateCost(p, [0, 1, 3]) * 1e9)).toBe(calcCandidateCost(p, [0, 1, 3]) * 1e9);
  });
  it('counts the existing stations a merge absorbs', () => {
    const q = structuredClone(p);
    delete q.committees[0]!.station; delete q.committees[1]!.station; delete q.committees[3]!.station;
    expect(calcCostTerms(q, [0]).merged).toBe(0);
    expect(calcCostTerms(q, [0, 1, 3]).merged).toBe(2);
    q.committees[0]!.station = 'x'; q.committees[1]!.station = 'x';
    expect(calcCostTerms(q, [0, 1]).merged).toBe(0);
    expect(calcCostTerms(q, [0, 1, 3]).merged).toBe(1);
  });
  it('counts enclave links: link edges in a spanning tree that uses borders first', () => {
    const q = structuredClone(p);
    // c0 and c1 lose their border and gain a link; c0–c3 border stays
    q.graph.border.get('c0')!.delete('c1'); q.graph.border.get('c1')!.delete('c0');
    q.graph.links.get('c0')!.set('c1', 300); q.graph.links.get('c1')!.set('c0', 300);
    expect(calcCostTerms(q, [0, 1]).enclaveLinks).toBe(1);
    expect(calcCostTerms(q, [0, 3]).enclaveLinks).toBe(0);
    // with c4 bordering c1 and c3: c0–c3–c4–c1 joined by borders, the link is not needed
    expect(q.graph.border.get('c4')!.has('c1') && q.graph.border.get('c4')!.has('c3')).toBe(true);
    expect(calcCostTerms(q, [0, 1, 3, 4]).enclaveLinks).toBe(0);
  });
  it('typeMix counts distinct defined types', () => {
    const q = structuredClone(p);
    q.committees[0]!.type = 'upscale'; q.committees[1]!.type = 'upscale'; delete q.committees[3]!.type;
    expect(calcCostTerms(q, [0, 1, 3]).typeMix).toBe(0);
    q.committees[3]!.type = 'enclave';
    expect(calcCostTerms(q, [0, 1, 3]).typeMix).toBe(1);
  });
});

describe('dominance, greedy start and the small-component DP', () => {
  const c = (members: number[], cost: number): Candidate => ({ members, cost });
  it('drops a candidate no cheaper than a split of its members, and duplicates', () => {
    const list = [c([0], 1), c([0, 1], 2.5), c([0, 1], 1.5), c([1], 1), c([0, 1, 2], 2), c([2], 1), c([1, 2], 2)];
    expect(findDominated(list)).toEqual([false, true, false, false, false, false, true]);
  });
  it('the DP finds the cheapest exact cover, or null', () => {
    const columns = [{ rows: [0], cost: 1 }, { rows: [1], cost: 1 }, { rows: [2], cost: 1 }, { rows: [0, 1], cost: 1.2 }, { rows: [1, 2], cost: 1.1 }];
    expect(solveSmallComponent({ rows: 3, columns })).toEqual([0, 4]);
    expect(solveSmallComponent({ rows: 3, columns: [{ rows: [0, 1], cost: 1 }, { rows: [1, 2], cost: 1 }] })).toBeNull();
    expect(greedyCover(3, columns)).not.toBeNull();
  });
});
