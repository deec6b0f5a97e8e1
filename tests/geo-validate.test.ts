import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGeoJsonText, readCommittees } from '../geo/ingest.js';
import type { ReadCommitteesOptions } from '../geo/ingest.js';
import { findRingSelfIntersection, validateGeometry } from '../geo/validate-geometry.js';
import type { Position, Problem, ValidationReport } from '../geo/types.js';

const INVALID = join(import.meta.dirname, 'fixtures', 'invalid');

function readFixture(file: string, options: ReadCommitteesOptions = {}): ValidationReport {
  const { value, problem } = parseGeoJsonText(readFileSync(join(INVALID, file), 'utf8'));
  if (problem) return { ok: false, fatal: 1, warnings: 0, problems: [problem] };
  return readCommittees(value, options);
}

type Expect = { severity: 'fatal' | 'warning'; feature?: number; id?: string; field?: string; other?: number; options?: ReadCommitteesOptions };
/** One broken file per code: the file's only problem is the one it is named after. */
const CASES: Record<string, Expect> = {
  'not-json': { severity: 'fatal' },
  'not-feature-collection': { severity: 'fatal' },
  'no-features': { severity: 'fatal' },
  'feature-not-feature': { severity: 'fatal', feature: 1 },
  'geometry-missing': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'geometry-type': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'geometry-empty': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'ring-unclosed': { severity: 'warning', feature: 1, id: 'c2', field: 'geometry' },
  'ring-too-few-points': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'ring-degenerate': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'ring-self-intersection': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'rings-cross': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'hole-outside': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'polygons-overlap': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'coordinate-not-number': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'coordinates-out-of-range': { severity: 'fatal', feature: 1, id: 'c2', field: 'geometry' },
  'id-missing': { severity: 'fatal', feature: 1, field: 'id' },
  'id-duplicate': { severity: 'fatal', feature: 2, id: 'c1', field: 'id', other: 0 },
  'households-missing': { severity: 'fatal', feature: 1, id: 'c2', field: 'households' },
  'households-negative': { severity: 'fatal', feature: 1, id: 'c2', field: 'households' },
  'households-not-integer': { severity: 'fatal', feature: 1, id: 'c2', field: 'households' },
  'households-not-number': { severity: 'fatal', feature: 1, id: 'c2', field: 'households' },
  'street-office-missing': { severity: 'fatal', feature: 1, id: 'c2', field: 'streetOffice' },
  'households-too-large': { severity: 'fatal', feature: 1, id: 'c2', field: 'households' },
  'id-too-long': { severity: 'fatal', feature: 1, field: 'id' },
  'name-control-character': { severity: 'fatal', feature: 1, id: 'c2', field: 'name' },
  'property-too-deep': { severity: 'fatal', feature: 1, id: 'c2' },
  'population-negative': { severity: 'fatal', feature: 1, id: 'c2', field: 'population' },
  'office-not-number': { severity: 'fatal', feature: 1, id: 'c2', field: 'office' },
  'type-unknown': { severity: 'fatal', feature: 1, id: 'c2', field: 'type' },
  'self-contained-not-boolean': { severity: 'fatal', feature: 1, id: 'c2', field: 'selfContained' },
  'station-across-street-offices': { severity: 'fatal', feature: 1, id: 'c2', field: 'station', other: 0 },
  'crs-unsupported': { severity: 'fatal' },
  'mapping-field-missing': { severity: 'fatal', field: 'households', options: { mapping: { households: 'hh' } } },
  overlap: { severity: 'warning', feature: 0, id: 'c1', field: 'geometry', other: 1 },
  gap: { severity: 'warning', feature: 0, id: 'c1', field: 'geometry', other: 1 },
};

describe('invalid fixtures: one file per problem code', () => {
  it('has a fixture for every case and a case for every fixture', () => {
    const files = readdirSync(INVALID).filter((f) => f.endsWith('.geojson')).map((f) => f.replace(/\.geojson$/, ''));
    const expected = [...Object.keys(CASES), 'properties-not-object', 'several-problems'];
    expect(files.sort()).toEqual(expected.sort());
  });

  for (const [code, want] of Object.entries(CASES)) {
    it(`${code}.geojson reports ${code} exactly once, on the right feature and field`, () => {
      const report = readFixture(`${code}.geojson`, want.options);
      const found = report.problems.filter((p) => p.code === code);
      expect(found).toHaveLength(1);
      const p = found[0]!;
      expect(p.severity).toBe(want.severity);
      expect(p.feature).toBe(want.feature);
      expect(p.id).toBe(want.id);
      expect(p.field).toBe(want.field);
      expect(p.other?.feature).toBe(want.other);
      expect(p.message.length).toBeGreaterThan(10);
      // the named problem is the only one in the file
      expect(report.problems.map((q) => q.code)).toEqual([code]);
      expect(report.ok).toBe(want.severity === 'warning');
      expect(report.dataset === undefined).toBe(want.severity === 'fatal');
    });
  }

  it('explains what to do in the messages that need it', () => {
    const msg = (code: string): string => readFixture(`${code}.geojson`).problems[0]!.message;
    expect(msg('not-json')).toMatch(/line 3, column \d+/);
    expect(msg('coordinates-out-of-range')).toMatch(/declare the CRS/);
    expect(msg('households-not-number')).toMatch(/the text "4200".*JSON number/);
    expect(msg('crs-unsupported')).toContain('EPSG:5773');
    expect(msg('not-feature-collection')).toMatch(/wrap the feature/);
    expect(msg('id-duplicate')).toMatch(/feature 2 .*"c1".*feature 0/);
    expect(msg('station-across-street-offices')).toMatch(/"s1".*黄贝.*东门/);
  });

  it('properties that are not an object: fatal, and the missing fields are reported too', () => {
    const codes = readFixture('properties-not-object.geojson').problems.map((p) => [p.code, p.feature]);
    expect(codes).toEqual([
      ['properties-not-object', 1],
      ['id-missing', 1],
      ['street-office-missing', 1],
      ['households-missing', 1],
    ]);
  });

  it('a file with several problems reports all of them', () => {
    const report = readFixture('several-problems.geojson');
    const got = report.problems.map((p) => [p.code, p.severity, p.feature, p.id ?? null, p.field ?? null]);
    expect(got).toEqual([
      ['households-not-number', 'fatal', 0, 'c1', 'households'],
      ['id-missing', 'fatal', 1, null, 'id'],
      ['ring-self-intersection', 'fatal', 1, null, 'geometry'],
      ['street-office-missing', 'fatal', 2, 'c3', 'streetOffice'],
      ['staff-negative', 'fatal', 2, 'c3', 'staff'],
      ['type-unknown', 'fatal', 2, 'c3', 'type'],
      ['name-missing', 'warning', 3, 'c1', 'name'],
      ['geometry-type', 'fatal', 3, 'c1', 'geometry'],
      ['id-duplicate', 'fatal', 3, 'c1', 'id'],
    ]);
    expect(report.fatal).toBe(8);
    expect(report.warnings).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.dataset).toBeUndefined();
  });
});

const square = (x: number, y: number, d: number): Position[][] => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
const feature = (id: string, coordinates: Position[][], props: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { id, name: id, streetOffice: 'so', households: 100, ...props },
  geometry: { type: 'Polygon', coordinates },
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const codes = (r: ValidationReport): string[] => r.problems.map((p: Problem) => p.code);

describe('overlap and gap', () => {
  it('an overlap below the tolerance is not reported; above it is, with its area', () => {
    // c2 reaches 1e-5° (≈ 1.03 m) into c1 along 0.01° (≈ 1.1 km): ≈ 1,140 m²
    const fcol = collection(feature('c1', square(114, 22.5, 0.01)), feature('c2', square(114.00999, 22.5, 0.01)));
    expect(codes(readCommittees(fcol, { overlapToleranceM2: 2000 }))).toEqual([]);
    const r = readCommittees(fcol);
    expect(codes(r)).toEqual(['overlap']);
    const area = Number(/by (\d+) m²/.exec(r.problems[0]!.message)![1]);
    expect(area).toBeGreaterThan(1100);
    expect(area).toBeLessThan(1180);
  });

  it('committees sharing a border exactly, or touching at a corner, neither overlap nor leave a gap', () => {
    const fcol = collection(
      feature('a', square(114, 22.5, 0.01)),
      feature('b', square(114.01, 22.5, 0.01)),
      feature('c', square(114.02, 22.51, 0.01)),
      // a T-junction: d's top border has a vertex in the middle of a's and b's bottom borders
      feature('d', [[[114.005, 22.49], [114.015, 22.49], [114.015, 22.5], [114.01, 22.5], [114.005, 22.5], [114.005, 22.49]]]),
    );
    expect(codes(readCommittees(fcol))).toEqual([]);
  });

  it('a duplicate committee (same geometry under another id) overlaps', () => {
    const r = readCommittees(collection(feature('a', square(114, 22.5, 0.01)), feature('b', square(114, 22.5, 0.01))));
    expect(codes(r)).toEqual(['overlap']);
  });

  it('a crack wider than the tolerance is not a gap; committees of different street offices are not checked', () => {
    const d = 5 / 102_800; // ≈ 5 m of longitude at 22.5°N
    const fcol = collection(feature('a', square(114, 22.5, 0.01)), feature('b', square(114.01 + d, 22.5, 0.01)));
    expect(codes(readCommittees(fcol))).toEqual([]);
    expect(codes(readCommittees(fcol, { gapToleranceM: 10 }))).toEqual(['gap']);
    const other = collection(feature('a', square(114, 22.5, 0.01)), feature('b', square(114.01 + d, 22.5, 0.01), { streetOffice: 'x' }));
    expect(codes(readCommittees(other, { gapToleranceM: 10 }))).toEqual([]);
  });

  it('a grid with some committees moved sideways: exactly the moved ones overlap their neighbour, small or densified', () => {
    // 12 × 12 squares of 0.002° (≈ 205 × 222 m); every third row and column, a square is moved along x by 6–40 m,
    // so it overlaps the neighbour it moves into by |dx| × side and only touches the others along collinear borders.
    // Every other square has its edges cut into 10 (40 edges: the spatially indexed path).
    const side = 0.002;
    const densify = (ring: Position[]): Position[] => ring.slice(0, -1).flatMap((p, i) => {
      const q = ring[i + 1]!;
      return Array.from({ length: 10 }, (_, k): Position => [p[0] + ((q[0] - p[0]) * k) / 10, p[1] + ((q[1] - p[1]) * k) / 10]);
    }).concat([ring[0]!]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 6, max: 40, noNaN: true }), { minLength: 16, maxLength: 16 }), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), (moves, left) => {
        const features = [];
        const expected = new Set<string>();
        let k = 0;
        for (let row = 0; row < 12; row++) {
          for (let col = 0; col < 12; col++) {
            const moved = row % 3 === 1 && col % 3 === 1 ? k++ : -1;
            const dx = moved >= 0 ? ((left[moved]! ? -1 : 1) * moves[moved]!) / 102_800 : 0;
            const ring = square(114 + col * side + dx, 22.5 + row * side, side)[0]!;
            features.push(feature(`r${row}c${col}`, [(row + col) % 2 ? densify(ring) : ring]));
            if (moved >= 0) expected.add([`r${row}c${col}`, `r${row}c${col + (dx < 0 ? -1 : 1)}`].sort().join(' '));
          }
        }
        const r = readCommittees(collection(...features));
        const found = new Set(r.problems.map((p) => {
          expect(p.code).toBe('overlap');
          return [p.id!, p.other!.id!].sort().join(' ');
        }));
        expect(found).toEqual(expected);
      }),
      { seed: 1702, numRuns: 12 },
    );
  });

  it('topology: false skips both checks', () => {
    const r = readFixture('overlap.geojson', { topology: false });
    expect(r.problems).toEqual([]);
  });
});

describe('rings of one feature (red team: a hole around its polygon or two overlapping parts were valid)', () => {
  const sq = (x: number, y: number, d: number, cw = false): Position[] => {
    const r: Position[] = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
    return cw ? r.reverse() : r;
  };
  const check = (geometry: unknown) => validateGeometry(geometry).problems.map((p) => p.code);
  it('accepts islands, an island in a lake, parts sharing a border and a hole touching its ring at a corner', () => {
    expect(check({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 1)], [sq(3, 0, 1)], [sq(0, 5, 1)]] })).toEqual([]);
    expect(check({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 4), sq(1, 1, 2, true)], [sq(1.5, 1.5, 0.5)]] })).toEqual([]);
    expect(check({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 1)], [sq(1, 0, 1)]] })).toEqual([]);
    expect(check({ type: 'Polygon', coordinates: [sq(0, 0, 4), [[0, 0], [1, 2], [2, 1], [0, 0]]] })).toEqual([]);
  });
  it('refuses crossing rings, a hole outside or around its ring, overlapping and repeated parts', () => {
    expect(check({ type: 'Polygon', coordinates: [sq(0, 0, 2), sq(1, 1, 2, true)] })).toEqual(['rings-cross']);
    expect(check({ type: 'Polygon', coordinates: [sq(0, 0, 1), sq(5, 5, 1, true)] })).toEqual(['hole-outside']);
    expect(check({ type: 'Polygon', coordinates: [sq(0, 0, 1), sq(-1, -1, 3, true)] })).toEqual(['hole-outside']);
    expect(check({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 2)], [sq(0.5, 0.5, 1)]] })).toEqual(['polygons-overlap']);
    expect(check({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 2)], [sq(0, 0, 2)]] })).toEqual(['polygons-overlap']);
    const inside = validateGeometry({ type: 'MultiPolygon', coordinates: [[sq(0.5, 0.5, 1)], [sq(0, 0, 2)]] }).problems[0]!;
    expect(inside.message).toMatch(/^polygon 0 of the MultiPolygon lies inside polygon 1; .*if it is a hole, make it a ring of polygon 1/);
    const cross = validateGeometry({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 2)], [[[1, -1], [1.5, -1], [1.5, 3], [1, 3], [1, -1]]]] }).problems[0]!;
    expect(cross.code).toBe('rings-cross');
    expect(cross.message).toMatch(/^polygon 0 ring 0 and polygon 1 ring 0 cross near \[1(\.5)?, [02]\]$/);
  });
});

describe('ring self-intersection', () => {
  /** Seeded star-shaped polygons are simple; swapping two far-apart vertices of a convex one makes it cross. */
  /** Vertices at distinct angles (tenths of a degree, always including 0°, 120°, 240° so the centre is inside). */
  const star = (tenths: number[], radii: number[]): Position[] => {
    const sorted = [...new Set([0, 1200, 2400, ...tenths])].sort((a, b) => a - b).map((t) => (t / 3600) * 2 * Math.PI);
    const ring: Position[] = sorted.map((a, k) => [114 + (radii[k % radii.length]! * Math.cos(a)), 22 + (radii[k % radii.length]! * Math.sin(a))]);
    ring.push(ring[0]!);
    return ring;
  };

  it('finds nothing in star-shaped (simple) rings of any size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3599 }), { maxLength: 400 }),
        fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (angles, radii) => {
          const ring = star(angles, radii);
          expect(findRingSelfIntersection(ring)).toBeUndefined();
        },
      ),
      { seed: 1701, numRuns: 300 },
    );
  });

  it('finds the crossing of a convex ring with two vertices swapped, small or large', () => {
    for (const n of [6, 10, 40, 1000]) {
      const ring: Position[] = [];
      for (let k = 0; k < n; k++) ring.push([Math.cos((2 * Math.PI * k) / n), Math.sin((2 * Math.PI * k) / n)]);
      const swapped = ring.slice();
      [swapped[1], swapped[Math.floor(n / 2)]] = [swapped[Math.floor(n / 2)]!, swapped[1]!];
      expect(findRingSelfIntersection([...ring, ring[0]!])).toBeUndefined();
      expect(findRingSelfIntersection([...swapped, swapped[0]!])).toBeDefined();
    }
  });

  it('a ring touching itself at a vertex, or folding back on itself, is not simple', () => {
    // figure-eight through a shared vertex (2,1)
    const touching: Position[] = [[0, 0], [2, 1], [4, 0], [4, 2], [2, 1], [0, 2], [0, 0]];
    expect(findRingSelfIntersection(touching)).toEqual([2, 1]);
    const spike: Position[] = [[0, 0], [2, 0], [2, 2], [2, 3], [2, 1], [0, 2], [0, 0]];
    expect(findRingSelfIntersection(spike)).toBeDefined();
  });
});

describe('never throws', () => {
  it('any JSON value gives a report (fatal unless it is a valid collection)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = readCommittees(value);
        expect(r.ok).toBe(false);
        expect(r.fatal).toBeGreaterThan(0);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('any JSON value put in place of any member of a valid feature gives a report', () => {
    const paths = [['properties', 'id'], ['properties', 'households'], ['properties', 'type'], ['properties', 'station'], ['geometry'], ['geometry', 'coordinates'], ['properties']];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const f = feature('a', square(114, 22.5, 0.01), { station: 's' }) as Record<string, unknown>;
        let target = f;
        for (const k of path.slice(0, -1)) target = target[k] as Record<string, unknown>;
        target[path[path.length - 1]!] = value;
        const r = readCommittees(collection(f, feature('b', square(114.01, 22.5, 0.01))));
        expect(r.fatal + r.warnings).toBe(r.problems.length);
        expect(r.ok).toBe(r.dataset !== undefined);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('scale', () => {
  it('validates a 100k-square grid in near-linear time with no problem', () => {
    const make = (n: number) => {
      const cols = Math.ceil(Math.sqrt(n));
      const d = 0.001;
      const features = [];
      for (let k = 0; k < n; k++) {
        const x = 110 + (k % cols) * d, y = 20 + Math.floor(k / cols) * d;
        features.push(feature(`q${k}`, square(x, y, d), { streetOffice: `so${Math.floor(k / 13)}` }));
      }
      return collection(...features);
    };
    const small = make(10_000), large = make(100_000);
    readCommittees(small); // warm up
    let t = performance.now();
    const rs = readCommittees(small);
    const tSmall = performance.now() - t;
    t = performance.now();
    const rl = readCommittees(large);
    const tLarge = performance.now() - t;
    console.log(`grid: 10k squares ${tSmall.toFixed(0)} ms, 100k squares ${tLarge.toFixed(0)} ms (with overlap and gap checks)`);
    expect(rs.problems).toEqual([]);
    expect(rl.problems).toEqual([]);
    expect(rl.dataset?.committees).toHaveLength(100_000);
    // ten times the data must not take a hundred times as long
    expect(tLarge).toBeLessThan(30 * tSmall + 2000);
  }, 120_000);
});
