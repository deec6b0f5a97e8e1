import { describe, expect, it } from 'vitest';
import { makeAdjacency } from '../geo/adjacency.js';
import { makeLocalProjection } from '../geo/distance.js';
import { dissolve } from '../geo/dissolve.js';
import type { MultiPolygonCoords, Position, Ring } from '../geo/types.js';
import { readRiCommittees } from './helpers/ri.js';

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
