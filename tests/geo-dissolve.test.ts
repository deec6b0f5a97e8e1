import { describe, expect, it } from 'vitest';
import { makeAdjacency } from '../geo/adjacency.js';
import { makeLocalProjection } from '../geo/distance.js';
import { dissolve } from '../geo/dissolve.js';
import { dissolveByEdges } from '../geo/dissolve-edges.js';
import { readCommittees } from '../geo/ingest.js';
import { generateDistrict } from '../bench/generate/district.js';
import type { Committee, MultiPolygonCoords, Position, Ring } from '../geo/types.js';
import { readCanonicalCommittees, readRiCommittees } from './helpers/ri.js';

const proj = makeLocalProjection([114.12, 22.55]);
const ring = (pts: Array<[number, number]>): Ring => {
  const r = pts.map((p) => proj.inverse(p));
  r.push([r[0]![0], r[0]![1]]);
  return r;
};
const rect = (x0: number, y0: number, x1: number, y1: number): Ring => ring([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]);

/** Signed area in m² (local projection at `origin`, default the ring's first vertex), positive counter-clockwise. */
function ringArea(r: Ring, origin: Position = r[0]!): number {
  const p = makeLocalProjection(origin);
  let s = 0;
  for (let k = 0; k + 1 < r.length; k++) {
    const [x0, y0] = p.forward(r[k]!);
    const [x1, y1] = p.forward(r[k + 1]!);
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}
/** Area in m², all rings in one projection (at the Luohu origin unless given). */
const area = (mp: MultiPolygonCoords, origin: Position = proj.origin) =>
  mp.reduce((s, poly) => s + poly.reduce((t, r) => t + ringArea(r, origin), 0), 0);
const holes = (mp: MultiPolygonCoords) => mp.reduce((s, poly) => s + poly.length - 1, 0);

function expectRfc7946(mp: MultiPolygonCoords): void {
  for (const poly of mp) {
    poly.forEach((r, k) => {
      expect(r[0]).toEqual(r[r.length - 1]);
      if (k === 0) expect(ringArea(r)).toBeGreaterThan(0);
      else expect(ringArea(r)).toBeLessThan(0);
    });
  }
}

describe('dissolve', () => {
  it('one committee: its geometry unchanged (a copy)', () => {
    const g: MultiPolygonCoords = [[rect(0, 0, 100, 100)]];
    const out = dissolve([g]);
    expect(out).toEqual(g);
    expect(out).not.toBe(g);
    expect(dissolve([])).toEqual([]);
  });

  it('two squares sharing a side: one polygon, no hole, the summed area, RFC 7946 winding', () => {
    const a: MultiPolygonCoords = [[rect(0, 0, 100, 100)]];
    const b: MultiPolygonCoords = [[rect(100, 0, 200, 100).reverse()]]; // clockwise input
    const before = JSON.stringify([a, b]);
    const u = dissolve([a, b]);
    expect(JSON.stringify([a, b])).toBe(before);
    expect(u).toHaveLength(1);
    expect(u[0]).toHaveLength(1);
    expect(area(u)).toBeCloseTo(20_000, 0);
    expectRfc7946(u);
  });

  it('coordinates with many decimals still unite', () => {
    const noisy = (r: Ring): Ring => r.map((p, k): Position => [p[0] + 1e-14 * ((k * 7) % 3), p[1] - 1e-14 * ((k * 5) % 3)]);
    const u = dissolve([[[noisy(rect(0, 0, 100, 100))]], [[noisy(rect(100, 0, 200, 100))]], [[noisy(rect(0, 100, 200, 200))]]]);
    expect(u).toHaveLength(1);
    expect(holes(u)).toBe(0);
    expect(area(u)).toBeCloseTo(40_000, 0);
  });

  it('a 1 m slot between two parts leaves no sliver hole; sliverWidthMeters 0 keeps it', () => {
    const a: MultiPolygonCoords = [[rect(0, 0, 100, 100)]];
    const b: MultiPolygonCoords = [[ring([[100, 0], [200, 0], [200, 100], [100, 100], [100, 80], [101, 80], [101, 20], [100, 20]])]];
    const u = dissolve([a, b]);
    expect(u).toHaveLength(1);
    expect(holes(u)).toBe(0);
    const kept = dissolve([a, b], { sliverWidthMeters: 0 });
    expect(holes(kept)).toBe(1);
    expect(area(kept)).toBeCloseTo(20_000 - 60, 0);
  });

  it('a wide hole (a committee of another station inside) is kept; the donut and its hole make a square', () => {
    const donut: MultiPolygonCoords = [[rect(-100, -100, 200, 200), rect(0, 0, 100, 100).reverse()]];
    const east: MultiPolygonCoords = [[rect(200, 0, 300, 100)]];
    const inner: MultiPolygonCoords = [[rect(0, 0, 100, 100)]];
    const withHole = dissolve([donut, east]);
    expect(holes(withHole)).toBe(1);
    expectRfc7946(withHole);
    const filled = dissolve([donut, inner]);
    expect(holes(filled)).toBe(0);
    expect(Math.abs(area(filled) - 90_000) / 90_000).toBeLessThan(1e-6); // rounding to 1e-9° moves edges by < 0.1 mm
  });

  it('separate parts stay separate polygons', () => {
    const u = dissolve([[[rect(0, 0, 100, 100)]], [[rect(500, 0, 600, 100)]]]);
    expect(u).toHaveLength(2);
    expectRfc7946(u);
  });

  it('real RI tracts: neighbours unite into one polygon of the summed area, no sliver', () => {
    const ri = readRiCommittees();
    const byId = new Map(ri.map((c) => [c.id, c]));
    const g = makeAdjacency(ri);
    const pairs: Array<[string, string]> = [];
    for (const [a, m] of g.border) for (const b of m.keys()) if (a < b && byId.get(a)!.streetOffice === byId.get(b)!.streetOffice) pairs.push([a, b]);
    pairs.sort();
    // every 12th same-county pair: about 50 pairs across the state
    const sample = pairs.filter((_, k) => k % 12 === 0);
    expect(sample.length).toBeGreaterThan(30);
    for (const [a, b] of sample) {
      const A = byId.get(a)!.geometry, B = byId.get(b)!.geometry;
      const u = dissolve([A, B]);
      expect(u.length, `${a}+${b}`).toBe(A.length + B.length - 1);
      const o = A[0]![0]![0]!;
      const rel = Math.abs(area(u, o) - area(A, o) - area(B, o)) / (area(A, o) + area(B, o));
      expect(rel, `${a}+${b}`).toBeLessThan(1e-6);
      expectRfc7946(u);
    }
  });

  it('bad input names the part', () => {
    expect(() => dissolve([[[rect(0, 0, 1, 1)]], 'x' as unknown as MultiPolygonCoords])).toThrow(/part 1/);
    expect(() => dissolve([[[rect(0, 0, 1, 1)]]], { precisionDegrees: 0 })).toThrow(/precisionDegrees/);
  });
});

const wide = () => 1e9; // no hole is a sliver
const rings = (mp: MultiPolygonCoords) => mp.reduce((s, poly) => s + poly.length, 0);

/** Same-office pairs and triples of neighbours (a path a–b–c), sorted, every `step`-th. */
function stationLikeGroups(cs: readonly Committee[], step: number): string[][] {
  const byId = new Map(cs.map((c) => [c.id, c]));
  const g = makeAdjacency(cs);
  const same = (a: string, b: string) => byId.get(a)!.streetOffice === byId.get(b)!.streetOffice;
  const out: string[][] = [];
  for (const [a, m] of g.border) {
    for (const b of m.keys()) {
      if (!(a < b) || !same(a, b)) continue;
      out.push([a, b]);
      for (const c of g.border.get(b)!.keys()) if (c > b && same(a, c)) out.push([a, b, c]);
    }
  }
  out.sort((x, y) => x.join().localeCompare(y.join()));
  return out.filter((_, k) => k % step === 0);
}

describe('dissolve by edges (the fast path) against polyclip-ts', () => {
  const compareOn = (name: string, cs: readonly Committee[], step: number, minGroups: number) => {
    const byId = new Map(cs.map((c) => [c.id, c]));
    const groups = stationLikeGroups(cs, step);
    expect(groups.length).toBeGreaterThan(minGroups);
    let answered = 0;
    for (const ids of groups) {
      const parts = ids.map((id) => byId.get(id)!.geometry);
      if (dissolveByEdges(parts, { meanWidthMeters: wide })) answered++;
      const fast = dissolve(parts);
      const slow = dissolve(parts, { byEdges: false });
      const o = parts[0]![0]![0]![0]!;
      const rel = Math.abs(area(fast, o) - area(slow, o)) / Math.abs(area(slow, o));
      expect(rel, `${name} ${ids.join('+')}`).toBeLessThan(1e-9);
      expect(rings(fast), `${name} ${ids.join('+')}`).toBe(rings(slow));
      expect(fast.length, `${name} ${ids.join('+')}`).toBe(slow.length);
      expectRfc7946(fast);
    }
    return { answered, groups: groups.length };
  };

  it('generator district: every station-like group answered by edges, same area (1e-9) and rings as polyclip', () => {
    const report = readCommittees(generateDistrict({ committees: 400, seed: 11 }), { topology: false });
    const r = compareOn('generator', report.dataset!.committees, 3, 300);
    expect(r.answered).toBe(r.groups);
  }, 60_000);

  it('Luohu 2006: same area and rings as polyclip, answered by edges', () => {
    const r = compareOn('luohu', readCanonicalCommittees('scenarios/luohu-2006/committees.geojson'), 2, 150);
    expect(r.answered).toBe(r.groups);
  }, 60_000);

  it('RI tracts (real census borders, holes touching their outer ring): same area and rings as polyclip', () => {
    const r = compareOn('ri', readRiCommittees(), 10, 150);
    expect(r.answered).toBeGreaterThan(r.groups * 0.9);
  }, 60_000);

  it('a hole touching its outer ring at a point comes out as outer ring + hole', () => {
    const pinched: MultiPolygonCoords[] = [
      [[ring([[0, 0], [300, 0], [300, 300], [0, 300], [0, 150], [100, 150], [150, 200], [200, 150], [150, 100], [100, 150], [0, 150]])]],
    ];
    // one ring that passes (100, 150) twice is split into an outer ring and a hole
    const split = dissolveByEdges(pinched, { meanWidthMeters: wide })!;
    expect(split).toHaveLength(1);
    expect(split[0]).toHaveLength(2);
    expect(area(split)).toBeCloseTo(90_000 - 5_000, 0);
    const donutPieces: MultiPolygonCoords[] = [
      [[ring([[0, 0], [300, 0], [300, 150], [200, 150], [150, 100], [100, 150], [0, 150]])]],
      [[ring([[0, 150], [100, 150], [150, 200], [200, 150], [300, 150], [300, 300], [0, 300]])]],
    ];
    const out = dissolveByEdges(donutPieces, { meanWidthMeters: wide })!;
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(2);
    expectRfc7946(out);
    expect(area(out)).toBeCloseTo(90_000 - 5_000, 0);
    const slow = area(dissolve(donutPieces, { byEdges: false })); // rounded to 1e-9°: within 1e-6
    expect(Math.abs(slow - area(out)) / slow).toBeLessThan(1e-6);
  });

  it('two squares touching at a corner stay two polygons', () => {
    const out = dissolveByEdges([[[rect(0, 0, 100, 100)]], [[rect(100, 100, 200, 200)]]], { meanWidthMeters: wide })!;
    expect(out).toHaveLength(2);
    expectRfc7946(out);
  });

  it('declines what it cannot do exactly, and dissolve falls back to polyclip', () => {
    const a: MultiPolygonCoords = [[rect(0, 0, 100, 100)]];
    // T-junction: b's corner (100, 50) lies on the middle of a's east edge
    const b: MultiPolygonCoords = [[ring([[100, 0], [200, 0], [200, 100], [100, 100], [100, 50]])]];
    const bT: MultiPolygonCoords = [[ring([[100, 50], [200, 50], [200, 150], [100, 150]])]];
    expect(dissolveByEdges([a, bT], { meanWidthMeters: wide })).toBeNull();
    const uT = dissolve([a, bT]);
    expect(uT).toHaveLength(1);
    expect(area(uT)).toBeCloseTo(20_000, 0);
    // b has the extra vertex: a's edge (100,0)→(100,100) is not cancelled by b's two edges
    expect(dissolveByEdges([a, b], { meanWidthMeters: wide })).toBeNull();
    expect(rings(dissolve([a, b]))).toBe(1);
    // overlapping parts
    const over: MultiPolygonCoords = [[rect(50, 50, 150, 150)]];
    expect(dissolveByEdges([a, over], { meanWidthMeters: wide })).toBeNull();
    expect(area(dissolve([a, over]))).toBeCloseTo(17_500, 0);
    // a part inside another, no shared border
    const inner: MultiPolygonCoords = [[rect(20, 20, 40, 40)]];
    expect(dissolveByEdges([a, inner], { meanWidthMeters: wide })).toBeNull();
    expect(area(dissolve([a, inner]))).toBeCloseTo(10_000, 0);
    // the same part twice
    expect(dissolveByEdges([a, a], { meanWidthMeters: wide })).toBeNull();
    expect(area(dissolve([a, a]))).toBeCloseTo(10_000, 0);
  });

  it('drops sliver holes the same way as the polyclip path', () => {
    const a: MultiPolygonCoords = [[rect(0, 0, 100, 100)]];
    // b's west border bulges 1 m away from a's east border between y 20 and 80, sharing the vertices there
    const aV: MultiPolygonCoords = [[ring([[0, 0], [100, 0], [100, 20], [100, 80], [100, 100], [0, 100]])]];
    const b: MultiPolygonCoords = [[ring([[100, 0], [200, 0], [200, 100], [100, 100], [100, 80], [101, 80], [101, 20], [100, 20]])]];
    const fast = dissolveByEdges([aV, b], { meanWidthMeters: wide })!;
    expect(holes(fast)).toBe(1);
    expect(area(fast)).toBeCloseTo(20_000 - 60, 0);
    const u = dissolve([aV, b]);
    expect(holes(u)).toBe(0);
    expect(area(u)).toBeCloseTo(20_000, 0);
    const kept = dissolve([aV, b], { sliverWidthMeters: 0 });
    expect(holes(kept)).toBe(1);
    expect(area(kept)).toBeCloseTo(area(dissolve([aV, b], { sliverWidthMeters: 0, byEdges: false })), 3);
    // without shared vertices at y 20 and 80 the edges do not cancel: polyclip's answer, same holes
    expect(dissolveByEdges([a, b], { meanWidthMeters: wide })).toBeNull();
    expect(holes(dissolve([a, b]))).toBe(0);
  });
});

