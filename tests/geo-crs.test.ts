/**
 * CRS accuracy against PROJ's own numbers (tests/fixtures/crs/proj-reference.json, made by
 * make-proj-reference.sh with gdaltransform), the Chinese web-map offsets against the published
 * reference coordinates, and reading CRS definitions from WKT (.prj, GeoPackage srs tables).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bd09ToGcj02, bd09ToWgs84, gcj02ToBd09, gcj02ToWgs84, wgs84ToBd09, wgs84ToGcj02 } from '../geo/china-offsets.js';
import { explainCrs, explainCrsWriter, explainWktCrs, lookupEpsg, normaliseCrsCode } from '../geo/crs.js';
import type { CrsReader } from '../geo/crs.js';
import { calcDistanceMeters } from '../geo/distance.js';
import { readCommittees } from '../geo/ingest.js';
import type { Position } from '../geo/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'crs', 'proj-reference.json'), 'utf8')) as { points: [number, number, number, number, number][] };

const toWgs84 = (r: CrsReader, xy: [number, number]): Position => (r.kind === 'geographic' ? xy : r.projection.inverse(xy));
const fromWgs84 = (r: CrsReader, p: Position): [number, number] => (r.kind === 'geographic' ? [p[0], p[1]] : r.projection.forward(p));
const reader = (code: string): CrsReader => {
  const r = explainCrs(code);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

describe('CRS accuracy against PROJ', () => {
  it('covers 4326, 4490, 3857, UTM, every CGCS2000 3° GK zone (4534–4554), every 6° zone (4491–4501) and 27700', () => {
    const codes = new Set(reference.points.map((p) => p[0]));
    for (let c = 4534; c <= 4554; c++) expect(codes.has(c)).toBe(true);
    for (let c = 4491; c <= 4501; c++) expect(codes.has(c)).toBe(true);
    for (const c of [4326, 4490, 3857, 32650, 32750, 27700]) expect(codes.has(c)).toBe(true);
  });

  it('reads every reference point back to its lon/lat and projects forward: 1 cm (27700 through the EPSG:1314 Helmert: 5 cm)', () => {
    for (const [epsg, lon, lat, x, y] of reference.points) {
      const r = reader(`EPSG:${epsg}`);
      const tolerance = epsg === 27700 ? 0.05 : 0.01;
      const back = toWgs84(r, [x, y]);
      expect(calcDistanceMeters(back, [lon, lat]), `EPSG:${epsg} inverse at ${lon},${lat}`).toBeLessThan(tolerance);
      const fwd = fromWgs84(r, [lon, lat]);
      const err = r.kind === 'geographic' ? calcDistanceMeters(fwd, [x, y]) : Math.hypot(fwd[0] - x, fwd[1] - y);
      expect(err, `EPSG:${epsg} forward at ${lon},${lat}`).toBeLessThan(tolerance);
    }
  });

  it('says why a code cannot be read, and warns when a datum grid is replaced by a Helmert', () => {
    expect(explainCrs('EPSG:99999')).toBe('EPSG:99999 is not in the EPSG registry');
    expect(explainCrs('EPSG:5773')).toMatch(/EGM96 height.*vertcrs, not a geographic or projected CRS/);
    expect(reader('EPSG:27700').warning).toMatch(/OSTN15.*EPSG:1314/);
    expect(reader('EPSG:4547').warning).toBeUndefined();
    expect(reader('EPSG:4490').kind).toBe('geographic');
    // Beijing 1954 is geographic but on another datum: converted, not read as it is
    const beijing = reader('EPSG:4214');
    expect(beijing.kind).toBe('projected');
    expect(calcDistanceMeters(toWgs84(beijing, [114.05, 22.55]), [114.05, 22.55])).toBeGreaterThan(20);
  });
});

describe('GCJ-02 and BD-09', () => {
  // wandergis/coordtransform's README, the reference most Chinese implementations test against
  it('matches the published reference coordinates at Tiananmen', () => {
    const gcj = wgs84ToGcj02([116.404, 39.915]);
    expect(gcj[0]).toBeCloseTo(116.41024449916938, 12);
    expect(gcj[1]).toBeCloseTo(39.91640428150164, 12);
    const bd = gcj02ToBd09([116.404, 39.915]);
    expect(bd[0]).toBeCloseTo(116.41036949371029, 12);
    expect(bd[1]).toBeCloseTo(39.92133699351021, 12);
    const back = bd09ToGcj02([116.404, 39.915]);
    expect(back[0]).toBeCloseTo(116.39762729119315, 12);
    expect(back[1]).toBeCloseTo(39.90865673957631, 12);
    // coordtransform's one-step inverse [116.39775550083061, 39.91359571849836] is itself off by
    // about a metre; the iterated inverse is within 2 m of it and exact against the forward formula
    const wgs = gcj02ToWgs84([116.404, 39.915]);
    expect(calcDistanceMeters(wgs, [116.39775550083061, 39.91359571849836])).toBeLessThan(2);
    expect(calcDistanceMeters(wgs84ToGcj02(wgs), [116.404, 39.915])).toBeLessThan(0.001);
  });

  it('round-trips across China to a millimetre, offsets by 100–1000 m inside and 0 outside', () => {
    for (let lon = 75; lon <= 134; lon += 3.7) {
      for (let lat = 18; lat <= 53; lat += 2.9) {
        const p: Position = [lon, lat];
        expect(calcDistanceMeters(gcj02ToWgs84(wgs84ToGcj02(p)), p)).toBeLessThan(0.001);
        expect(calcDistanceMeters(bd09ToWgs84(wgs84ToBd09(p)), p)).toBeLessThan(0.001);
        const shift = calcDistanceMeters(wgs84ToGcj02(p), p);
        expect(shift).toBeGreaterThan(20);
        expect(shift).toBeLessThan(1000);
      }
    }
    expect(wgs84ToGcj02([2.35, 48.85])).toEqual([2.35, 48.85]);
  });

  it('are declared pseudo-CRSs that ingest converts with a crs-approximate warning', () => {
    expect(normaliseCrsCode('gcj02')).toBe('GCJ-02');
    expect(normaliseCrsCode('BD-09')).toBe('BD-09');
    expect(normaliseCrsCode('bd09ll')).toBe('BD-09');
    const wgsRing: Position[] = [[114.05, 22.55], [114.06, 22.55], [114.06, 22.56], [114.05, 22.56], [114.05, 22.55]];
    const fc = (ring: Position[]) => ({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { id: 'a', name: '甲', streetOffice: '黄贝', households: 1000 }, geometry: { type: 'Polygon', coordinates: [ring] } }],
    });
    for (const [crs, shift, tolerance] of [['GCJ-02', wgs84ToGcj02, 0.001], ['BD-09', wgs84ToBd09, 0.001]] as const) {
      const r = readCommittees(fc(wgsRing.map(shift)), { crs });
      expect(r.problems.map((p) => p.code)).toEqual(['crs-approximate']);
      expect(r.problems[0]!.message).toContain('approximation');
      const ring = r.dataset!.committees[0]!.geometry[0]![0]!;
      for (let i = 0; i < 4; i++) expect(calcDistanceMeters(ring[i]!, wgsRing[i]!)).toBeLessThan(tolerance);
    }
  });
});

describe('CRS from WKT', () => {
  const esri4547 =
    'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

  it('reads the top-level EPSG authority of OGC WKT1 and WKT2', () => {
    expect((explainWktCrs(lookupEpsg(4547)!.wkt!) as CrsReader).code).toBe('EPSG:4547');
    expect((explainWktCrs(lookupEpsg(27700)!.wkt!) as CrsReader).code).toBe('EPSG:27700');
    expect((explainWktCrs('GEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101]],CS[ellipsoidal,2],ID["EPSG",4490]]') as CrsReader).code).toBe('EPSG:4490');
  });

  it('reads ESRI .prj names of the CGCS2000 zones as their EPSG codes, which the registry names alike', () => {
    expect((explainWktCrs(esri4547) as CrsReader).code).toBe('EPSG:4547');
    const cases: [string, number, RegExp][] = [
      ['CGCS2000_3_Degree_GK_CM_75E', 4534, /3-degree Gauss-Kruger CM 75E/],
      ['CGCS2000_3_Degree_GK_Zone_38', 4526, /3-degree Gauss-Kruger zone 38$/],
      ['CGCS2000_GK_CM_117E', 4509, /Gauss-Kruger CM 117E$/],
      ['CGCS2000_GK_Zone_20', 4498, /Gauss-Kruger zone 20$/],
      ['WGS_1984_UTM_Zone_50N', 32650, /UTM zone 50N/],
    ];
    for (const [name, epsg, registryName] of cases) {
      const r = explainWktCrs(`PROJCS["${name}",GEOGCS["x"]]`) as CrsReader;
      expect(r.code).toBe(`EPSG:${epsg}`);
      expect(lookupEpsg(epsg)!.name).toMatch(registryName);
    }
  });

  it('hands a WKT with neither to proj4, and explains one it cannot read', () => {
    const custom = esri4547.replace('CGCS2000_3_Degree_GK_CM_114E', 'My_Local_GK');
    const r = explainWktCrs(custom);
    if (typeof r === 'string') throw new Error(r);
    const xy = reader('EPSG:4547');
    const p: Position = [114.0579, 22.5431];
    expect(calcDistanceMeters(toWgs84(r, fromWgs84(xy, p)), p)).toBeLessThan(0.01);
    expect(explainWktCrs('')).toBe('the CRS definition is empty');
    expect(explainWktCrs('NONSENSE["x"]')).toMatch(/names no EPSG code and proj4 cannot read it/);
  });

  it('gives writers the EPSG WKT and the forward conversion', () => {
    const w = explainCrsWriter('EPSG:4547');
    if (typeof w === 'string') throw new Error(w);
    expect(w.wkt).toContain('AUTHORITY["EPSG","4547"]');
    const ref = reference.points.find((q) => q[0] === 4547)!;
    const f = w.forward([ref[1], ref[2]]);
    expect(Math.hypot(f[0] - ref[3], f[1] - ref[4])).toBeLessThan(0.01);
    expect(explainCrsWriter('GCJ-02')).toMatch(/not an EPSG code/);
    expect((explainCrsWriter('CRS84') as { epsg: number }).epsg).toBe(4326);
  });
});
