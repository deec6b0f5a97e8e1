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

  it('handles boxes far outside the map and boxes on cell borders', () => {
    const set = new BoxSet();
    const far: Box = { x0: 1e9, y0: -1e9, x1: 1e9 + 10, y1: -1e9 + 10 };
    set.push(far);
    set.push({ x0: 32, y0: 32, x1: 64, y1: 64 });
    expect(set.overlapsAny({ x0: 1e9 + 5, y0: -1e9 + 5, x1: 1e9 + 6, y1: -1e9 + 6 })).toBe(true);
    expect(set.overlapsAny({ x0: 64, y0: 40, x1: 70, y1: 50 })).toBe(false); // touching is not overlapping
    expect(set.overlapsAny({ x0: 63.9, y0: 40, x1: 70, y1: 50 })).toBe(true);
    expect(set.hitBySegment([0, 48], [100, 48])).toBe(true);
    expect(set.length).toBe(2);
  });
});
