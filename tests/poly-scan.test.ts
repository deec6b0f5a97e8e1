/**
 * render/poly-scan.ts answers the map's scan-line questions from edges bucketed by position; the
 * answers must be exactly those of visiting every edge (map.svg stays byte for byte the same).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolyScan, type ScanPoly } from '../render/poly-scan.js';

/** The three questions answered by visiting every edge of every ring. */
function crossingsX(poly: ScanPoly, y: number): number[] {
  const xs: number[] = [];
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[j]!, b = ring[i]!;
      if ((a[1] > y) !== (b[1] > y)) xs.push(a[0] + ((y - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
    }
  }
  return xs.sort((p, q) => p - q);
}
function crossingsY(poly: ScanPoly, x: number): number[] {
  const ys: number[] = [];
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[j]!, b = ring[i]!;
      if ((a[0] > x) !== (b[0] > x)) ys.push(a[1] + ((x - a[0]) / (b[0] - a[0])) * (b[1] - a[1]));
    }
  }
  return ys.sort((p, q) => p - q);
}
function inside(poly: ScanPoly, x: number, y: number): boolean {
  let r = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[j]!, b = ring[i]!;
      if ((a[1] > y) !== (b[1] > y) && x < a[0] + ((y - a[1]) / (b[1] - a[1])) * (b[0] - a[0])) r = !r;
    }
  }
  return r;
}

const v = fc.double({ min: -50, max: 1050, noNaN: true });
const gridV = fc.integer({ min: 0, max: 40 }).map((k) => k * 25);
const pt = fc.oneof(fc.tuple(v, v), fc.tuple(gridV, gridV));
const ring = fc.array(pt, { minLength: 0, maxLength: 80 });
const poly = fc.array(ring, { minLength: 1, maxLength: 4 });

describe('PolyScan', () => {
  it('gives the crossings and the inside test of visiting every edge', () => {
    fc.assert(fc.property(poly, fc.array(fc.tuple(fc.oneof(v, gridV), fc.oneof(v, gridV)), { minLength: 1, maxLength: 30 }), (p, queries) => {
      const scan = new PolyScan(p);
      for (const [x, y] of queries) {
        expect(scan.crossingsX(y)).toEqual(crossingsX(p, y));
        expect(scan.crossingsY(x)).toEqual(crossingsY(p, x));
        expect(scan.contains(x, y)).toBe(inside(p, x, y));
      }
    }), { numRuns: 2000 });
  });

  it('answers at the extremes: on vertices, outside the range, a flat polygon, no edges', () => {
    const square: ScanPoly = [[[0, 0], [10, 0], [10, 10], [0, 10]]];
    const scan = new PolyScan(square);
    for (const y of [-1, 0, 5, 10, 11, Infinity, -Infinity]) expect(scan.crossingsX(y)).toEqual(crossingsX(square, y));
    expect(scan.contains(5, 5)).toBe(true);
    expect(scan.contains(5, 10)).toBe(false);
    const flat: ScanPoly = [[[0, 3], [10, 3], [5, 3]]];
    expect(new PolyScan(flat).crossingsX(3)).toEqual([]);
    expect(new PolyScan([[]]).contains(0, 0)).toBe(false);
  });
});
