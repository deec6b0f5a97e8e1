/**
 * render/box-set.ts answers the map's "is this spot free" questions from a grid; the answers must
 * be exactly those of testing every box placed so far (map.svg stays byte for byte the same).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoxSet, overlaps, segmentHitsBox, type Box } from '../render/box-set.js';

const coord = fc.double({ min: -200, max: 1400, noNaN: true });
const box = fc.tuple(coord, coord, fc.double({ min: 0, max: 300, noNaN: true }), fc.double({ min: 0, max: 300, noNaN: true }))
  .map(([x, y, w, h]): Box => ({ x0: x, y0: y, x1: x + w, y1: y + h }));
const point = fc.tuple(coord, coord);

/** segmentHitsBox as it was: every sample of the segment tested (the clipped version must agree). */
function everySampleHitsBox(a: readonly [number, number], b: readonly [number, number], box: Box): boolean {
  const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 2));
  for (let i = 0; i <= n; i++) {
    const x = a[0] + ((b[0] - a[0]) * i) / n, y = a[1] + ((b[1] - a[1]) * i) / n;
    if (x > box.x0 && x < box.x1 && y > box.y0 && y < box.y1) return true;
  }
  return false;
}

describe('BoxSet', () => {
  it('says a box overlaps the set exactly when it overlaps one of its boxes', () => {
    fc.assert(fc.property(fc.array(box, { maxLength: 60 }), fc.array(box, { minLength: 1, maxLength: 20 }), (placed, queries) => {
      const set = new BoxSet();
      for (const b of placed) set.push(b);
      for (const q of queries) expect(set.overlapsAny(q)).toBe(placed.some((b) => overlaps(b, q)));
    }), { numRuns: 1000 });
  });

  it('says a segment passes through the set exactly when it passes through one of its boxes', () => {
    fc.assert(fc.property(fc.array(box, { maxLength: 60 }), fc.array(fc.tuple(point, point), { minLength: 1, maxLength: 20 }), (placed, segments) => {
      const set = new BoxSet();
      for (const b of placed) set.push(b);
      for (const [a, b] of segments) expect(set.hitBySegment(a, b)).toBe(placed.some((x) => segmentHitsBox(a, b, x)));
    }), { numRuns: 1000 });
  });

  it('finds a hit among many small boxes (leader dots, names) along long segments in any direction', () => {
    // the set visits only the cells along the segment, column by column: small boxes are where a
    // wrong column range would miss one
    const small = fc.tuple(coord, coord, fc.double({ min: 0.5, max: 24, noNaN: true }), fc.double({ min: 0.5, max: 12, noNaN: true }))
      .map(([x, y, w, h]): Box => ({ x0: x, y0: y, x1: x + w, y1: y + h }));
    const steepish = fc.tuple(point, fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -1500, max: 1500, noNaN: true }))
      .map(([p, dx, dy]): [[number, number], [number, number]] => [p, [p[0] + dx, p[1] + dy]]);
    fc.assert(fc.property(fc.array(small, { minLength: 50, maxLength: 400 }), fc.array(fc.oneof(fc.tuple(point, point), steepish), { minLength: 1, maxLength: 20 }), (placed, segments) => {
      const set = new BoxSet();
      for (const b of placed) set.push(b);
      for (const [a, b] of segments) expect(set.hitBySegment(a, b)).toBe(placed.some((x) => segmentHitsBox(a, b, x)));
    }), { numRuns: 300 });
  });

  it('tests only the samples near the box, with the answer of testing every sample', () => {
    // boxes and segments on a coarse grid too, so that samples land exactly on box edges
    const grid = fc.integer({ min: -20, max: 60 }).map((v) => v * 2);
    const gridBox = fc.tuple(grid, grid, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
      .map(([x, y, w, h]): Box => ({ x0: x, y0: y, x1: x + 2 * w, y1: y + 2 * h }));
    const seg = fc.oneof(fc.tuple(point, point), fc.tuple(fc.tuple(grid, grid), fc.tuple(grid, grid)));
    fc.assert(fc.property(fc.oneof(box, gridBox), seg, (b, [p, q]) => {
      expect(segmentHitsBox(p, q, b)).toBe(everySampleHitsBox(p, q, b));
    }), { numRuns: 20000 });
    // a segment grazing a corner between two samples, and one along an edge, are not hits
    const square: Box = { x0: 10, y0: 10, x1: 20, y1: 20 };
    expect(segmentHitsBox([0, 20], [40, 20], square)).toBe(false);
    expect(segmentHitsBox([9, 21], [21, 9], square)).toBe(everySampleHitsBox([9, 21], [21, 9], square));
    expect(segmentHitsBox([15, 0], [15, 40], square)).toBe(true);
  });

  it('handles boxes far outside the map and boxes on cell borders', () => {
    const set = new BoxSet();
    const far: Box = { x0: 1e9, y0: -1e9, x1: 1e9 + 10, y1: -1e9 + 10 };
    set.push(far);
    set.push({ x0: 32, y0: 32, x1: 64, y1: 64 });
    expect(set.overlapsAny({ x0: 1e9 + 5, y0: -1e9 + 5, x1: 1e9 + 6, y1: -1e9 + 6 })).toBe(true);
    expect(set.overlapsAny({ x0: 64, y0: 40, x1: 70, y1: 50 })).toBe(false); // touching is not overlapping
    expect(set.overlapsAny({ x0: 63.9, y0: 40, x1: 70, y1: 50 })).toBe(true);
    expect(set.hitBySegment([0, 48], [100, 48])).toBe(true);
    expect(set.hitBySegment([1e9 - 100, -1e9 + 5], [1e9 + 100, -1e9 + 5])).toBe(true);
    expect(set.length).toBe(2);
    // a box too large for the grid is still found, and so are the boxes pushed after it
    set.push({ x0: -1e12, y0: -1e12, x1: -1e12 + 1e11, y1: -1e12 + 1e11 });
    set.push({ x0: 200, y0: 200, x1: 210, y1: 210 });
    expect(set.overlapsAny({ x0: -9.5e11, y0: -9.5e11, x1: -9.5e11 + 1, y1: -9.5e11 + 1 })).toBe(true);
    expect(set.overlapsAny({ x0: 205, y0: 205, x1: 206, y1: 206 })).toBe(true);
    expect(set.overlapsAny({ x0: 300, y0: 300, x1: 306, y1: 306 })).toBe(false);
    expect(set.hitBySegment([190, 205], [220, 205])).toBe(true);
  });
});
