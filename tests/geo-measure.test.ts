import { readFileSync } from 'node:fs';
import { area as turfArea, centerOfMass, length as turfLength, multiPolygon, polygon, polygonToLine } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M } from '../geo/distance.js';
import { parseGeoJsonText, readCommittees } from '../geo/ingest.js';
import { calcMeasures } from '../geo/measure.js';
import type { Committee, MultiPolygonCoords } from '../geo/types.js';

const RAD = Math.PI / 180;
const committee = (geometry: MultiPolygonCoords): Committee => ({ id: 'x', name: 'x', streetOffice: 's', households: 0, geometry });
const rect = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]] as [number, number][];

describe('calcMeasures by hand', () => {
  it('a 0.01° square on the equator: area R²·Δλ·(sin φ₂ − sin φ₁), perimeter from its four great-circle sides', () => {
    const m = calcMeasures(committee([[rect(114, 0, 114.01, 0.01)]]));
    const R = EARTH_RADIUS_M, d = 0.01 * RAD;
    expect(Math.abs(m.areaM2 / (R * R * d * Math.sin(d)) - 1)).toBeLessThan(1e-9);
    // sides: two meridian arcs R·d, the equator R·d, and the top great-circle chord 2R·asin(cos φ·sin(d/2))
    const perimeter = 3 * R * d + 2 * R * Math.asin(Math.cos(d) * Math.sin(d / 2));
    expect(Math.abs(m.perimeterM - perimeter)).toBeLessThan(1e-6);
    expect(m.bbox).toEqual([114, 0, 114.01, 0.01]);
    expect(m.centroid[0]).toBeCloseTo(114.005, 12);
    expect(m.centroid[1]).toBeCloseTo(0.005, 12);
  });

  it('a hole is subtracted from the area, added to the perimeter, and pulls the centroid away', () => {
    const outer = rect(114, 22, 114.04, 22.02);
    const h = [[114.025, 22.005], [114.025, 22.015], [114.035, 22.015], [114.035, 22.005], [114.025, 22.005]] as [number, number][];
    const full = calcMeasures(committee([[outer]]));
    const inner = calcMeasures(committee([[h]]));
    const donut = calcMeasures(committee([[outer, h]]));
    expect(donut.areaM2).toBeCloseTo(full.areaM2 - inner.areaM2, 3);
    expect(donut.perimeterM).toBeCloseTo(full.perimeterM + inner.perimeterM, 6);
    expect(donut.centroid[0]).toBeLessThan(full.centroid[0]);
    // planar moment balance in the local projection: x̄·A = x̄_full·A_full − x̄_hole·A_hole (small-area approximation)
    const expected = (full.centroid[0] * full.areaM2 - inner.centroid[0] * inner.areaM2) / donut.areaM2;
    expect(Math.abs(donut.centroid[0] - expected)).toBeLessThan(1e-6);
  });

  it('an L made of two rectangles has the area-weighted mean of their centroids', () => {
    const a = rect(114, 22, 114.02, 22.01);
    const b = rect(114, 22.01, 114.01, 22.03);
    const l = [[114, 22], [114.02, 22], [114.02, 22.01], [114.01, 22.01], [114.01, 22.03], [114, 22.03], [114, 22]] as [number, number][];
    const ma = calcMeasures(committee([[a]])), mb = calcMeasures(committee([[b]])), ml = calcMeasures(committee([[l]]));
    expect(ml.areaM2).toBeCloseTo(ma.areaM2 + mb.areaM2, 3);
    const x = (ma.centroid[0] * ma.areaM2 + mb.centroid[0] * mb.areaM2) / (ma.areaM2 + mb.areaM2);
    const y = (ma.centroid[1] * ma.areaM2 + mb.centroid[1] * mb.areaM2) / (ma.areaM2 + mb.areaM2);
    expect(Math.abs(ml.centroid[0] - x)).toBeLessThan(1e-5);
    expect(Math.abs(ml.centroid[1] - y)).toBeLessThan(1e-5);
  });

  it('ring orientation does not change the area', () => {
    const ccw = calcMeasures(committee([[rect(114, 22, 114.01, 22.01)]]));
    const cw = calcMeasures(committee([[rect(114, 22, 114.01, 22.01).reverse()]]));
    expect(cw.areaM2).toBeCloseTo(ccw.areaM2, 6);
    expect(cw.centroid[0]).toBeCloseTo(ccw.centroid[0], 12);
  });
});

describe('calcMeasures against Turf on real tracts', () => {
  const { value } = parseGeoJsonText(readFileSync('/work/shared/data/real/ri-tracts-2010.geojson', 'utf8'));
  const report = readCommittees(value, {
    mapping: { id: 'GEOID10', households: 'households2010', streetOffice: 'county_fips' },
    topology: false,
  });
  const committees = report.dataset!.committees;
  // every 10th tract and all the MultiPolygons
  const sample = committees.filter((c, i) => i % 10 === 0 || c.geometry.length > 1);

  it('area equals @turf/area, perimeter equals @turf/length of the rings, centroid equals turf centerOfMass', () => {
    expect(sample.length).toBeGreaterThan(25);
    for (const c of sample) {
      const m = calcMeasures(c);
      const feature = multiPolygon(c.geometry);
      expect(Math.abs(m.areaM2 / turfArea(feature) - 1)).toBeLessThan(1e-9);
      const lines = polygonToLine(feature);
      const len = lines.type === 'FeatureCollection'
        ? lines.features.reduce((s, f) => s + turfLength(f, { units: 'meters' }), 0)
        : turfLength(lines, { units: 'meters' });
      expect(Math.abs(m.perimeterM / len - 1)).toBeLessThan(1e-9);
      // centerOfMass works in raw degrees; the equirectangular projection is affine, so they agree
      // for single polygons without holes (Turf's centerOfMass takes the convex hull of a MultiPolygon)
      if (c.geometry.length === 1 && c.geometry[0]!.length === 1) {
        const com = centerOfMass(polygon(c.geometry[0]!)).geometry.coordinates;
        expect(Math.abs(m.centroid[0] - com[0]!)).toBeLessThan(1e-7);
        expect(Math.abs(m.centroid[1] - com[1]!)).toBeLessThan(1e-7);
      }
    }
  });

  it('the area of land tracts is close to the census land area (ALAND10) where there is no water', () => {
    let close = 0;
    for (const c of committees) {
      const aland = c.extra?.ALAND10;
      if (typeof aland !== 'number' || aland === 0) continue;
      const ratio = calcMeasures(c).areaM2 / aland;
      expect(ratio).toBeGreaterThan(0.95); // a tract's polygon holds its land (and sometimes water)
      if (ratio < 1.05) close++;
    }
    console.log(`RI: ${close} of ${committees.length} tract polygons within 5% of their census land area`);
    expect(close).toBeGreaterThan(committees.length / 4);
  });
});
