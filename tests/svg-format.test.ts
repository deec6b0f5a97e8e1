/**
 * render/svg.ts formatPx writes tenths from the integer k = round(10·v); it must give exactly
 * String(k / 10) (without "-0"), as before, or every map and chart would change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPx } from '../render/svg.js';

function reference(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

describe('formatPx', () => {
  it('gives String(round(10·v) / 10) for any number', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.double({ min: -1e5, max: 1e5 }), fc.integer({ min: -1e7, max: 1e7 }).map((k) => k / 10 + 0.05)), (v) => {
      expect(formatPx(v)).toBe(reference(v));
    }), { numRuns: 50000 });
  });

  it('at the edges: zero of both signs, halves, the end of the fast path, non-finite', () => {
    for (const v of [0, -0, 0.04, -0.04, 0.05, -0.05, 0.15, -2.25, 123.45, 99999999999999.9, 1e14, -1e14, 1e15, 1e21, NaN, Infinity, -Infinity]) {
      expect(formatPx(v)).toBe(reference(v));
    }
    expect(formatPx(-0.04)).toBe('0');
    expect(formatPx(12.34)).toBe('12.3');
    expect(formatPx(-7)).toBe('-7');
  });
});
