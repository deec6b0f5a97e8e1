import { describe, expect, it } from 'vitest';
import { calcSharedBorders, makeAdjacency } from '../geo/adjacency.js';
import { makeLocalProjection } from '../geo/distance.js';
import type { Committee, Position, Ring } from '../geo/types.js';
import { makeGridCommittees, makeRandom } from './helpers/adjacency-grid.js';

/** Tiny named graphs, drawn in metres around an origin (default: Luohu). */
function makeDraw(origin: Position = [114.12, 22.55]) {
  const proj = makeLocalProjection(origin);
  /** A ring through the given metre points (closed, as given: pass them counter-clockwise). */
  const ring = (pts: Array<[number, number]>): Ring => {
    const r = pts.map((p) => proj.inverse(p));
    r.push([r[0]![0], r[0]![1]]);
    return r;
  };
  /** Axis-aligned rectangle, counter-clockwise, optionally with extra vertices per side. */
  const rect = (x0: number, y0: number, x1: number, y1: number, perSide = 1): Ring => {
    const pts: Array<[number, number]> = [];
    for (let k = 0; k < perSide; k++) pts.push([x0 + ((x1 - x0) * k) / perSide, y0]);
    for (let k = 0; k < perSide; k++) pts.push([x1, y0 + ((y1 - y0) * k) / perSide]);
    for (let k = 0; k < perSide; k++) pts.push([x1 - ((x1 - x0) * k) / perSide, y1]);
    for (let k = 0; k < perSide; k++) pts.push([x0, y1 - ((y1 - y0) * k) / perSide]);
    return ring(pts);
  };
  const committee = (id: string, rings: Ring[], streetOffice = 'S'): Committee => ({
    id, name: id, streetOffice, households: 1000, geometry: [rings],
  });
  return { proj, ring, rect, committee };
}

const { ring, rect, committee } = makeDraw();

function shared(cs: Committee[], a: string, b: string, options = {}): number {
  return calcSharedBorders(cs, options).get(a)?.get(b) ?? 0;
}

describe('makeAdjacency: shared borders', () => {
  it('two squares sharing 30 m are neighbours, sharing 10 m are not (minimum 20 m)', () => {
    for (const overlap of [10, 30]) {
      const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(100, 100 - overlap, 200, 200 - overlap)])];
      const g = makeAdjacency(cs);
      expect(shared(cs, 'a', 'b')).toBeCloseTo(overlap, 3);
      expect(g.border.get('a')!.has('b')).toBe(overlap >= 20);
      expect(g.border.get('b')!.has('a')).toBe(overlap >= 20);
    }
  });

  it('the minimum is an option: 10 m of border is enough when minSharedBorderMeters is 5', () => {
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(100, 90, 200, 190)])];
    expect(makeAdjacency(cs, { minSharedBorderMeters: 5 }).border.get('a')!.get('b')).toBeCloseTo(10, 3);
  });

  it('touching at a corner is not adjacency and measures 0', () => {
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(100, 100, 200, 200)])];
    expect(shared(cs, 'a', 'b')).toBe(0);
    expect(makeAdjacency(cs, { minSharedBorderMeters: 0 }).border.get('a')!.size).toBe(0);
  });

  it('a donut: the hole’s committee shares the whole hole perimeter, the ring also borders a third', () => {
    const cs = [
      committee('ring', [rect(-100, -100, 200, 200), rect(0, 0, 100, 100).reverse()]),
      committee('hole', [rect(0, 0, 100, 100)]),
      committee('east', [rect(200, 0, 300, 100)], 'T'),
    ];
    const g = makeAdjacency(cs);
    expect(g.border.get('hole')!.get('ring')).toBeCloseTo(400, 2);
    expect(g.border.get('ring')!.get('east')).toBeCloseTo(100, 2);
    expect(g.border.get('hole')!.has('east')).toBe(false);
    // neighbours in different street offices are recorded
    expect(g.border.get('east')!.get('ring')).toBe(g.border.get('ring')!.get('east'));
  });

  it('a 1 m sliver gap between two borders still counts, but not with a 0.5 m tolerance', () => {
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(101, 0, 201, 100)])];
    expect(shared(cs, 'a', 'b')).toBeCloseTo(100, 3);
    expect(makeAdjacency(cs).border.get('a')!.has('b')).toBe(true);
    expect(shared(cs, 'a', 'b', { snapToleranceMeters: 0.5 })).toBe(0);
  });

  it('a 1 m overlap (the other way round) counts too', () => {
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(99, 0, 199, 100)])];
    // 100 m of east/west edges 1 m apart, plus the 1 m where top and bottom edges coincide
    expect(shared(cs, 'a', 'b')).toBeCloseTo(102, 3);
  });

  it('vertices offset by up to 0.5 m on one side: shared length within 1%', () => {
    const rnd = makeRandom(20061);
    const pts: Array<[number, number]> = [[100, 0], [200, 0], [200, 100], [100, 100]];
    for (let y = 100 - 5; y > 0; y -= 5) pts.push([100 + (rnd() - 0.5), y]);
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [ring(pts)])];
    const len = shared(cs, 'a', 'b');
    expect(Math.abs(len - 100) / 100).toBeLessThan(0.01);
  });

  it('T-junctions and different vertex densities: one long edge against several short ones', () => {
    const cs = [
      committee('a', [rect(0, 0, 100, 100)]), // east edge is one segment
      committee('b1', [rect(100, 0, 200, 60, 7)]), // vertices every few metres
      committee('b2', [rect(100, 60, 200, 100, 3)]),
    ];
    const g = makeAdjacency(cs);
    expect(g.border.get('a')!.get('b1')).toBeCloseTo(60, 3);
    expect(g.border.get('a')!.get('b2')).toBeCloseTo(40, 3);
    expect(g.border.get('b1')!.get('b2')).toBeCloseTo(100, 3);
  });

  it('a boundary parting from b at a shallow angle is counted only while nobody else is nearer', () => {
    // a's top edge: b's boundary runs along it for 50 m, then rises at 10°; c fills the wedge
    const tan10 = Math.tan((10 * Math.PI) / 180);
    const a = committee('a', [rect(0, 0, 100, 100)]);
    const b = committee('b', [ring([[0, 100], [50, 100], [100, 100 + 50 * tan10], [100, 200], [0, 200]])]);
    const c = committee('c', [ring([[50, 100], [100, 100], [100, 100 + 50 * tan10]])]);
    expect(shared([a, b, c], 'a', 'b')).toBeCloseTo(50, 3);
    expect(shared([a, b, c], 'a', 'c')).toBeCloseTo(50, 3);
    // without c (the edge of the dataset) the tolerance zone counts: 2 m · cot 10°
    expect(shared([a, b], 'a', 'b')).toBeCloseTo(50 + 2 / tan10, 3);
  });

  it('borders are the same length anywhere on Earth (per-segment projection)', () => {
    const lengths = [[0, 0], [114, 22.5], [87, 45], [126, 53], [-70, 66]].map(([lon, lat]) => {
      const d = makeDraw([lon!, lat!]);
      const cs = [d.committee('a', [d.rect(0, 0, 3000, 3000)]), d.committee('b', [d.rect(3000, 500, 6000, 2500, 9)])];
      return shared(cs, 'a', 'b');
    });
    for (const len of lengths) expect(Math.abs(len - 2000) / 2000).toBeLessThan(1e-3);
  });

  it('is symmetric and matches the four-neighbour grid on jittered squares', () => {
    const cs = makeGridCommittees({ rows: 12, cols: 15, perSide: 4, jitterM: 40, seed: 7 });
    const g = makeAdjacency(cs);
    let edges = 0;
    for (const [a, m] of g.border) {
      for (const [b, len] of m) {
        expect(g.border.get(b)!.get(a)).toBe(len);
        const [ia, ja] = a.slice(1).split('_').map(Number) as [number, number];
        const [ib, jb] = b.slice(1).split('_').map(Number) as [number, number];
        expect(Math.abs(ia - ib) + Math.abs(ja - jb)).toBe(1);
        expect(len).toBeGreaterThan(200); // sides of about 300 m
        edges++;
      }
    }
    expect(edges / 2).toBe(12 * 14 + 11 * 15);
  });

  it('does not modify its input or options', () => {
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(100, 0, 200, 100)])];
    const before = JSON.stringify(cs);
    const options = { minSharedBorderMeters: 20 };
    makeAdjacency(cs, options);
    expect(JSON.stringify(cs)).toBe(before);
    expect(options).toEqual({ minSharedBorderMeters: 20 });
  });

  it('a committee called "constructor" works (Map lookups)', () => {
    const cs = [committee('constructor', [rect(0, 0, 100, 100)]), committee('__proto__', [rect(100, 0, 200, 100)])];
    expect(makeAdjacency(cs).border.get('constructor')!.get('__proto__')).toBeCloseTo(100, 3);
  });

  it('bad input names the committee and the field; bad options name the option', () => {
    const ok = committee('a', [rect(0, 0, 100, 100)]);
    const bad = { ...committee('b', []), geometry: [[[[114, 'x']]]] } as unknown as Committee;
    expect(() => makeAdjacency([ok, bad])).toThrow(/committee 1 \(id "b"\).*geometry/);
    expect(() => makeAdjacency([ok, { ...ok }])).toThrow(/committee 1 \(id "a"\).*duplicate/);
    expect(() => makeAdjacency([ok], { snapToleranceMeters: -1 })).toThrow(/snapToleranceMeters/);
    expect(() => makeAdjacency([ok], { minSharedBorderMeters: Number.NaN })).toThrow(/minSharedBorderMeters/);
    expect(makeAdjacency([]).border.size).toBe(0);
  });
});

describe('makeAdjacency: enclave links', () => {
  /** E (street office X) sits in the hole of F (street office Y); G committees of X lie east/west. */
  function enclave(gaps: { east?: number; west?: number }) {
    const cs = [
      committee('E', [rect(0, 0, 100, 100)], 'X'),
      committee('F', [rect(-100, -100, 200, 200), rect(0, 0, 100, 100).reverse()], 'Y'),
    ];
    // each G has a partner of X beside it, so that only E lacks a street-office neighbour
    if (gaps.east !== undefined) {
      cs.push(committee('Ge', [rect(100 + gaps.east, 0, 400 + gaps.east, 100)], 'X'));
      cs.push(committee('Ge2', [rect(400 + gaps.east, 0, 500 + gaps.east, 100)], 'X'));
    }
    if (gaps.west !== undefined) {
      cs.push(committee('Gw', [rect(-400 - gaps.west, 0, -gaps.west, 100)], 'X'));
      cs.push(committee('Gw2', [rect(-500 - gaps.west, 0, -400 - gaps.west, 100)], 'X'));
    }
    return cs;
  }

  it('an enclave is linked to the nearest committee of its street office within the distance', () => {
    const g = makeAdjacency(enclave({ east: 400 }));
    expect(g.links.get('E')!.get('Ge')).toBeCloseTo(400, 1);
    expect(g.links.get('Ge')!.get('E')).toBe(g.links.get('E')!.get('Ge'));
    expect(g.border.get('E')!.get('F')).toBeCloseTo(400, 2);
    expect(g.links.get('F')!.size).toBe(0); // F has no street-office neighbour either, but no one of Y near
  });

  it('beyond enclaveLinkMeters there is no link', () => {
    expect(makeAdjacency(enclave({ east: 1100 })).links.get('E')!.size).toBe(0);
    expect(makeAdjacency(enclave({ east: 1100 }), { enclaveLinkMeters: 1200 }).links.get('E')!.get('Ge')).toBeCloseTo(1100, 1);
  });

  it('links the nearest and any other within 1.5× its gap (+ tolerance), not farther ones', () => {
    const both = makeAdjacency(enclave({ east: 400, west: 550 }));
    expect([...both.links.get('E')!.keys()].sort()).toEqual(['Ge', 'Gw']);
    const one = makeAdjacency(enclave({ east: 400, west: 700 }));
    expect([...one.links.get('E')!.keys()]).toEqual(['Ge']);
  });

  it('a committee with a border neighbour in its street office gets no links; an island alone gets none', () => {
    const cs = [
      committee('a', [rect(0, 0, 100, 100)]),
      committee('b', [rect(100, 0, 200, 100)]),
      committee('island', [rect(5000, 0, 5100, 100)]),
    ];
    const g = makeAdjacency(cs);
    expect(g.links.get('a')!.size + g.links.get('b')!.size + g.links.get('island')!.size).toBe(0);
  });

  it('a committee touching its street office only at a corner is linked with gap 0', () => {
    const cs = [committee('a', [rect(0, 0, 100, 100)]), committee('b', [rect(100, 100, 200, 200)])];
    const g = makeAdjacency(cs);
    expect(g.border.get('a')!.size).toBe(0);
    expect(g.links.get('a')!.get('b')).toBeLessThan(1e-6);
  });
});
