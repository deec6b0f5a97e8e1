import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCrsReader, makeTransverseMercator, normaliseCrsCode, WGS84 } from '../geo/crs.js';
import { calcDistanceMeters } from '../geo/distance.js';
import { parseGeoJsonText, readCommittees } from '../geo/ingest.js';
import { calcRingDoubleArea } from '../geo/validate-geometry.js';
import type { Committee, Position, ValidationReport } from '../geo/types.js';

const VALID = join(import.meta.dirname, 'fixtures', 'valid');
const RI = '/work/shared/data/real/ri-tracts-2010.geojson';
const RI_MAPPING = { id: 'GEOID10', households: 'households2010', streetOffice: 'county_fips', population: 'pop2010', name: 'name' } as const;
const load = (path: string): unknown => parseGeoJsonText(readFileSync(path, 'utf8')).value;
const codes = (r: ValidationReport): string[] => r.problems.map((p) => p.code);

describe('Rhode Island census tracts through a field mapping', () => {
  const raw = load(RI) as { features: { properties: Record<string, unknown>; geometry: { type: string } }[] };
  const report = readCommittees(raw, { mapping: RI_MAPPING, name: 'ri' });

  it('gives 244 committees and no problem at all', () => {
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.dataset?.name).toBe('ri');
    expect(report.dataset?.committees).toHaveLength(244);
  });

  it('keeps ids, numbers and counties as the source has them, and the rest in extra', () => {
    const committees = report.dataset!.committees;
    raw.features.forEach((f, i) => {
      const c = committees[i]!;
      expect(c.id).toBe(f.properties.GEOID10);
      expect(c.households).toBe(f.properties.households2010);
      expect(c.population).toBe(f.properties.pop2010);
      expect(c.streetOffice).toBe(f.properties.county_fips);
      expect(c.extra?.housing_units2010).toBe(f.properties.housing_units2010);
      expect(c.extra && Object.hasOwn(c.extra, 'GEOID10')).toBe(false);
    });
    expect(committees.filter((c) => c.households === 0).length).toBeGreaterThan(0);
    expect(new Set(committees.map((c) => c.streetOffice)).size).toBe(5);
  });

  it('normalises every geometry to a MultiPolygon with closed, right-hand rings', () => {
    const committees = report.dataset!.committees;
    expect(committees.filter((c) => c.geometry.length > 1)).toHaveLength(
      raw.features.filter((f) => f.geometry.type === 'MultiPolygon').length,
    );
    for (const c of committees) {
      for (const polygon of c.geometry) {
        polygon.forEach((ring, r) => {
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          expect(calcRingDoubleArea(ring) > 0).toBe(r === 0);
        });
      }
    }
  });

  it('does not modify its input', () => {
    const copy = structuredClone(raw);
    readCommittees(raw, { mapping: RI_MAPPING });
    expect(raw).toEqual(copy);
  });

  it('a mapping is needed: read under canonical names, households and street office are missing once each', () => {
    const r = readCommittees(raw, { topology: false });
    expect(codes(r)).toEqual(['id-missing', 'street-office-missing', 'households-missing']);
    expect(r.problems.every((p) => p.feature === undefined)).toBe(true);
    expect(r.problems[2]!.message).toContain('households2010');
  });

  it('reports its timing', () => {
    const t = performance.now();
    const again = readCommittees(raw, { mapping: RI_MAPPING });
    const withTopology = performance.now() - t;
    const t2 = performance.now();
    readCommittees(raw, { mapping: RI_MAPPING, topology: false });
    console.log(`RI 244 tracts / 80,869 positions: ${withTopology.toFixed(0)} ms with overlap+gap checks, ${(performance.now() - t2).toFixed(0)} ms without`);
    expect(again.ok).toBe(true);
  });
});

describe('normalisation of a small valid file', () => {
  const r = readCommittees(load(join(VALID, 'basic.geojson')));
  const [a, b, c] = r.dataset!.committees as [Committee, Committee, Committee];

  it('turns numeric ids and stations into strings, reads Chinese types, keeps other properties', () => {
    expect(codes(r)).toEqual(['name-missing']);
    expect(a.id).toBe('101');
    expect(a.station).toBe('7');
    expect(a.type).toBe('upscale');
    expect(b.type).toBe('old-residential');
    expect(c.type).toBe('urban-village');
    expect(a.extra).toEqual({ built: 1998, note: 'kept' });
    expect(a.selfContained).toBe(false);
    expect([a.office, a.service, a.plaza, a.staff, a.partyMembers]).toEqual([220, 950, 1200, 6, 80]);
    expect(b.office).toBeUndefined();
    expect(Object.hasOwn(b, 'office')).toBe(false);
  });

  it('falls back to the id when the name is missing (warning)', () => {
    expect(c.name).toBe('c3');
    expect(r.problems[0]).toMatchObject({ severity: 'warning', feature: 2, id: 'c3', field: 'name' });
  });

  it('reverses a clockwise outer ring and a counter-clockwise hole', () => {
    expect(calcRingDoubleArea(b.geometry[0]![0]!)).toBeGreaterThan(0);
    expect(c.geometry).toHaveLength(2);
    expect(calcRingDoubleArea(c.geometry[0]![0]!)).toBeGreaterThan(0);
    expect(calcRingDoubleArea(c.geometry[0]![1]!)).toBeLessThan(0);
  });

  it('accepts numbers only: a numeric string is refused, with the number suggested', () => {
    const fc = load(join(VALID, 'basic.geojson')) as { features: { properties: Record<string, unknown> }[] };
    fc.features[1]!.properties.households = '1234';
    const bad = readCommittees(fc);
    expect(bad.problems.find((p) => p.code === 'households-not-number')?.message).toMatch(/\(1234\)/);
  });

  it('suggests the number of a text with thousands separators, and says null for a null household count (red team)', () => {
    const fc = load(join(VALID, 'basic.geojson')) as { features: { properties: Record<string, unknown> }[] };
    fc.features[0]!.properties.households = '1,234';
    fc.features[1]!.properties.households = null;
    fc.features[2]!.properties.population = '12,345.5';
    const r = readCommittees(fc);
    expect(r.problems.find((p) => p.code === 'households-not-number')?.message).toMatch(/"1,234".*\(1234\), without quotes/);
    expect(r.problems.find((p) => p.code === 'households-missing')?.message).toMatch(/is null; a committee without households has 0/);
    expect(r.problems.find((p) => p.code === 'population-not-number')?.message).toMatch(/\(12345\.5\), without quotes/);
    // a text that is not a number gets no hint; 0 households is a committee like any other
    fc.features[0]!.properties.households = '1,23';
    fc.features[1]!.properties.households = 0;
    fc.features[2]!.properties.population = 9000;
    const again = readCommittees(fc);
    expect(again.problems.map((p) => [p.code, p.feature])).toEqual([['households-not-number', 0], ['name-missing', 2]]);
    expect(again.problems[0]!.message).not.toMatch(/without quotes/);
  });

  it('refuses a street office called "*", the district-total key of rules.stations (red team)', () => {
    const fc = load(join(VALID, 'basic.geojson')) as { features: { properties: Record<string, unknown> }[] };
    fc.features[1]!.properties.streetOffice = '*';
    const r = readCommittees(fc);
    expect(r.problems.map((p) => [p.code, p.feature, p.field])).toContainEqual(['street-office-missing', 1, 'streetOffice']);
    expect(r.problems.find((p) => p.code === 'street-office-missing')!.message).toMatch(/is "\*", which stands for every street office/);
  });

  it('refuses a lone surrogate and a right-to-left override in a name as a control character (red team)', () => {
    const fc = load(join(VALID, 'basic.geojson')) as { features: { properties: Record<string, unknown> }[] };
    fc.features[0]!.properties.name = 'a\ud800';
    fc.features[1]!.properties.name = '碧\u202E波';
    fc.features[2]!.properties.name = '碧波 𠀀\u200F';
    expect(readCommittees(fc).problems.map((p) => [p.code, p.feature, p.message.replace(/.*\(/, '')])).toEqual([
      ['name-control-character', 0, 'U+D800)'],
      ['name-control-character', 1, 'U+202E)'],
    ]);
  });

  it('refuses an unknown mapping key and a mapping that is not an object', () => {
    const fc = load(join(VALID, 'basic.geojson'));
    expect(codes(readCommittees(fc, { mapping: { household: 'x' } as never }))).toContain('mapping-key-unknown');
    expect(codes(readCommittees(fc, { mapping: 'id' as never }))).toContain('mapping-invalid');
  });
});

describe('parseGeoJsonText', () => {
  it('gives line and column of a syntax error', () => {
    const { problem } = parseGeoJsonText('{\n  "type": "FeatureCollection",\n  "features": [}\n');
    expect(problem?.code).toBe('not-json');
    expect(problem?.message).toMatch(/line 3, column 16/);
  });
  it('handles an empty text, a truncated one and a byte-order mark', () => {
    expect(parseGeoJsonText('  ').problem?.message).toMatch(/empty/);
    expect(parseGeoJsonText('{"type": "Feature').problem?.code).toBe('not-json');
    expect(parseGeoJsonText('\ufeff{"a": 1}').value).toEqual({ a: 1 });
  });
});

/**
 * Reference points computed with PROJ 9 (PostGIS 3.6 ST_Transform in @electric-sql/pglite-postgis),
 * [epsg, lon, lat, x, y]; CGCS2000 zones from EPSG:4490, the others from EPSG:4326.
 */
const PROJ_REFERENCE: [number, number, number, number, number][] = [
  [4547, 114.0579, 22.5431, 505955.84617369174, 2493941.2457406837],
  [4547, 112.2, 30.1, 326484.79607663443, 3332565.913031351],
  [4534, 76.5, 39.4, 629207.7164883924, 4363985.376430217],
  [4554, 133.1, 47.2, 356035.7167716061, 5231233.304099927],
  [32650, 114.0579, 22.5431, 197389.33118408715, 2495922.941117888],
  [32733, 18.4241, -33.9249, 816557.7955966464, 6240887.995569803],
  [32619, -71.4128, 41.824, 299621.3033849461, 4633049.81805037],
  [3857, 114.0579, 22.5431, 12696867.348950118, 2576857.0340178334],
];

describe('CRS', () => {
  it('reads projected coordinates back to the reference lon/lat within 1 cm, and projects forward within 1 cm', () => {
    for (const [epsg, lon, lat, x, y] of PROJ_REFERENCE) {
      const reader = makeCrsReader(`EPSG:${epsg}`);
      if (reader?.kind !== 'projected') throw new Error(`EPSG:${epsg} should be projected`);
      const back = reader.projection.inverse([x, y]);
      expect(calcDistanceMeters(back, [lon, lat])).toBeLessThan(0.01);
      const fwd = reader.projection.forward([lon, lat]);
      expect(Math.hypot(fwd[0] - x, fwd[1] - y)).toBeLessThan(0.01);
    }
  });

  it('round-trips across a UTM zone and beyond it to < 1 mm', () => {
    const tm = makeTransverseMercator({ ellipsoid: WGS84, lon0: 117, k0: 0.9996, falseEasting: 500_000, falseNorthing: 0 });
    for (let lat = -80; lat <= 80; lat += 7.3) {
      for (let dlon = -6; dlon <= 6; dlon += 0.7) {
        const p: Position = [117 + dlon, lat];
        expect(calcDistanceMeters(tm.inverse(tm.forward(p)), p)).toBeLessThan(0.001);
      }
    }
  });

  it('maps the central meridian to the meridian arc (integrated independently)', () => {
    const tm = makeTransverseMercator({ ellipsoid: WGS84, lon0: 15, k0: 0.9996, falseEasting: 500_000, falseNorthing: 0 });
    const { a, f } = WGS84;
    const e2 = f * (2 - f);
    const steps = 20_000, phi = Math.PI / 4;
    let arc = 0; // Simpson's rule for ∫ a(1−e²)/(1−e² sin²φ)^{3/2} dφ
    for (let k = 0; k <= steps; k++) {
      const t = (phi * k) / steps;
      const w = k === 0 || k === steps ? 1 : k % 2 ? 4 : 2;
      arc += (w * a * (1 - e2)) / (1 - e2 * Math.sin(t) ** 2) ** 1.5;
    }
    arc *= phi / steps / 3;
    const [x, y] = tm.forward([15, 45]);
    expect(x).toBeCloseTo(500_000, 6);
    expect(Math.abs(y - 0.9996 * arc)).toBeLessThan(0.001);
  });

  it('normalises the usual spellings of a CRS', () => {
    expect(normaliseCrsCode('urn:ogc:def:crs:EPSG::3857')).toBe('EPSG:3857');
    expect(normaliseCrsCode('epsg:4547')).toBe('EPSG:4547');
    expect(normaliseCrsCode('http://www.opengis.net/def/crs/EPSG/0/32650')).toBe('EPSG:32650');
    expect(normaliseCrsCode('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe('OGC:CRS84');
    expect(normaliseCrsCode('Beijing 1954')).toBeUndefined();
    expect(makeCrsReader('EPSG:4490')?.kind).toBe('geographic');
    expect(makeCrsReader('EPSG:5773')).toBeUndefined(); // a vertical CRS
    expect(makeCrsReader('EPSG:99999')).toBeUndefined(); // no such code
  });

  it('reads a file declared in CGCS2000 Gauss–Krüger and one in web mercator (legacy crs member)', () => {
    for (const file of ['cgcs2000-gk-cm114.geojson', 'web-mercator.geojson']) {
      const r = readCommittees(load(join(VALID, file)));
      expect(r.problems).toEqual([]);
      const ring = r.dataset!.committees[0]!.geometry[0]![0]!;
      expect(calcDistanceMeters(ring[0]!, [114.0579, 22.5431])).toBeLessThan(0.01);
      expect(calcRingDoubleArea(ring)).toBeGreaterThan(0);
    }
  });

  it('options.crs reads an undeclared projected file, wins over the file with a warning, and refuses unknown codes', () => {
    const fc = load(join(VALID, 'cgcs2000-gk-cm114.geojson')) as Record<string, unknown>;
    const { crs: _dropped, ...bare } = fc;
    expect(codes(readCommittees(bare))).toEqual(['coordinates-out-of-range']);
    const r = readCommittees(bare, { crs: 'EPSG:4547' });
    expect(r.ok).toBe(true);
    expect(calcDistanceMeters(r.dataset!.committees[0]!.geometry[0]![0]![0]!, [114.0579, 22.5431])).toBeLessThan(0.01);
    // a wrong CGCS zone (CM 117°E) moves the committee by about 3° of longitude
    const wrong = readCommittees(fc, { crs: 'EPSG:4548' });
    expect(codes(wrong)).toEqual(['crs-conflict']);
    expect(wrong.dataset!.committees[0]!.geometry[0]![0]![0]![0]).toBeCloseTo(117.0579, 1);
    const refused = readCommittees(bare, { crs: 'EPSG:99999' });
    expect(codes(refused)).toEqual(['crs-unsupported']);
    expect(refused.problems[0]!.message).toContain('EPSG:99999 is not in the EPSG registry');
  });

  it('geographic CRSs are read as they are', () => {
    const fc = load(join(VALID, 'basic.geojson')) as Record<string, unknown>;
    const plain = readCommittees(fc).dataset!.committees;
    for (const crs of ['EPSG:4326', 'EPSG:4490', 'EPSG:4269', 'EPSG:4258', 'urn:ogc:def:crs:OGC:1.3:CRS84']) {
      const r = readCommittees({ ...fc, crs: { type: 'name', properties: { name: crs } } });
      expect(r.dataset!.committees).toEqual(plain);
    }
  });
});
