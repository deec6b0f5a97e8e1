/**
 * Coordinate reference systems that ingest understands, and the projections to read them.
 *
 * Supported:
 * - geographic, read as [lon, lat] unchanged: EPSG:4326 (WGS84), OGC:CRS84, EPSG:4490 (CGCS2000),
 *   EPSG:4269 (NAD83), EPSG:4258 (ETRS89). Their datums differ from WGS84 by at most about a metre.
 * - EPSG:3857 web mercator (spherical, R = 6378137).
 * - UTM on WGS84: EPSG:32601–32660 (north) and 32701–32760 (south).
 * - CGCS2000 3-degree Gauss–Krüger, central meridian 75°E…135°E: EPSG:4534–4554 (false easting 500000,
 *   no zone prefix). Coordinates are read as x = easting, y = northing, the GIS convention.
 *
 * Any other EPSG code (geographic or projected, 2D) is read through proj4 with the definition of
 * the epsg-index package (one small JSON file per code, loaded on first use: geo/ reads no user
 * files, only this package data). `GCJ-02` and `BD-09` are pseudo-CRSs: lon/lat with the Chinese
 * web-map offsets, converted to WGS84 by the published formulas (see china-offsets.ts).
 *
 * The transverse Mercator uses Krüger's series to sixth order in n (Karney 2011, "Transverse Mercator
 * with an accuracy of a few nanometers"): well under a millimetre within a few degrees of the central
 * meridian.
 */
import { createRequire } from 'node:module';
import type proj4Type from 'proj4';
import { bd09ToWgs84, gcj02ToWgs84, wgs84ToBd09, wgs84ToGcj02 } from './china-offsets.js';
import type { Position } from './types.js';
import { RAD } from './planar.js';

export interface Ellipsoid {
  /** Semi-major axis, m. */
  a: number;
  /** Flattening. */
  f: number;
}

export const WGS84: Ellipsoid = { a: 6_378_137, f: 1 / 298.257223563 };
/** CGCS2000 uses the GRS80 ellipsoid (same a, flattening differs from WGS84 in the 11th digit). */
export const CGCS2000: Ellipsoid = { a: 6_378_137, f: 1 / 298.257222101 };

export interface TransverseMercatorParams {
  ellipsoid: Ellipsoid;
  /** Central meridian, degrees. */
  lon0: number;
  /** Scale on the central meridian. */
  k0: number;
  falseEasting: number;
  falseNorthing: number;
}

/** A projection between [lon, lat] degrees and projected [x, y] metres. */
export interface Projection {
  forward(p: Position): [number, number];
  inverse(xy: [number, number]): Position;
}


/**
 * Transverse Mercator (Gauss–Krüger) forward and inverse, Krüger series to n⁶.
 * @example makeTransverseMercator({ ellipsoid: WGS84, lon0: 117, k0: 0.9996, falseEasting: 500000, falseNorthing: 0 })
 */
export function makeTransverseMercator(params: TransverseMercatorParams): Projection {
  const { a, f } = params.ellipsoid;
  const { lon0, k0, falseEasting: fe, falseNorthing: fn } = params;
  const n = f / (2 - f);
  const n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
  const e2 = f * (2 - f);
  const e = Math.sqrt(e2);
  const A = (a / (1 + n)) * (1 + n2 / 4 + n4 / 64 + n6 / 256);
  const alpha = [
    n / 2 - (2 * n2) / 3 + (5 * n3) / 16 + (41 * n4) / 180 - (127 * n5) / 288 + (7891 * n6) / 37800,
    (13 * n2) / 48 - (3 * n3) / 5 + (557 * n4) / 1440 + (281 * n5) / 630 - (1983433 * n6) / 1935360,
    (61 * n3) / 240 - (103 * n4) / 140 + (15061 * n5) / 26880 + (167603 * n6) / 181440,
    (49561 * n4) / 161280 - (179 * n5) / 168 + (6601661 * n6) / 7257600,
    (34729 * n5) / 80640 - (3418889 * n6) / 1995840,
    (212378941 * n6) / 319334400,
  ];
  const beta = [
    n / 2 - (2 * n2) / 3 + (37 * n3) / 96 - n4 / 360 - (81 * n5) / 512 + (96199 * n6) / 604800,
    n2 / 48 + n3 / 15 - (437 * n4) / 1440 + (46 * n5) / 105 - (1118711 * n6) / 3870720,
    (17 * n3) / 480 - (37 * n4) / 840 - (209 * n5) / 4480 + (5569 * n6) / 90720,
    (4397 * n4) / 161280 - (11 * n5) / 504 - (830251 * n6) / 7257600,
    (4583 * n5) / 161280 - (108847 * n6) / 3991680,
    (20648693 * n6) / 638668800,
  ];
  /** Conformal latitude's tangent τ' from the geodetic τ. */
  const tauPrime = (tau: number): number => {
    const sigma = Math.sinh(e * Math.atanh((e * tau) / Math.sqrt(1 + tau * tau)));
    return tau * Math.sqrt(1 + sigma * sigma) - sigma * Math.sqrt(1 + tau * tau);
  };

  return {
    forward(p) {
      const lam = (p[0] - lon0) * RAD;
      const phi = p[1] * RAD;
      const tp = tauPrime(Math.tan(phi));
      const cosLam = Math.cos(lam);
      const xiP = Math.atan2(tp, cosLam);
      const etaP = Math.asinh(Math.sin(lam) / Math.sqrt(tp * tp + cosLam * cosLam));
      let xi = xiP;
      let eta = etaP;
      for (let j = 1; j <= 6; j++) {
        const c = alpha[j - 1]!;
        xi += c * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
        eta += c * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
      }
      return [fe + k0 * A * eta, fn + k0 * A * xi];
    },
    inverse(xy) {
      const xi = (xy[1] - fn) / (k0 * A);
      const eta = (xy[0] - fe) / (k0 * A);
      let xiP = xi;
      let etaP = eta;
      for (let j = 1; j <= 6; j++) {
        const c = beta[j - 1]!;
        xiP -= c * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
        etaP -= c * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
      }
      const sinhEta = Math.sinh(etaP);
      const cosXi = Math.cos(xiP);
      const tp = Math.sin(xiP) / Math.sqrt(sinhEta * sinhEta + cosXi * cosXi);
      const lam = Math.atan2(sinhEta, cosXi);
      // Newton's method for τ from τ' (Karney 2011, eqs. 19–21); converges in 2–3 steps.
      let tau = tp;
      for (let i = 0; i < 10; i++) {
        const tpi = tauPrime(tau);
        const dtau =
          ((tp - tpi) * (1 + (1 - e2) * tau * tau)) /
          ((1 - e2) * Math.sqrt(1 + tpi * tpi) * Math.sqrt(1 + tau * tau));
        tau += dtau;
        if (Math.abs(dtau) <= 1e-14 * Math.max(1, Math.abs(tau))) break;
      }
      return [lon0 + lam / RAD, Math.atan(tau) / RAD];
    },
  };
}

const WEB_MERCATOR_R = 6_378_137;

/** EPSG:3857 (spherical web mercator). */
export const webMercator: Projection = {
  forward: (p) => [WEB_MERCATOR_R * p[0] * RAD, WEB_MERCATOR_R * Math.log(Math.tan(Math.PI / 4 + (p[1] * RAD) / 2))],
  inverse: (xy) => [xy[0] / WEB_MERCATOR_R / RAD, (2 * Math.atan(Math.exp(xy[1] / WEB_MERCATOR_R)) - Math.PI / 2) / RAD],
};

/**
 * How to read coordinates in a CRS: as they are (geographic lon/lat on a WGS84-compatible datum) or
 * through a conversion whose `inverse` gives WGS84 lon/lat and whose `forward` goes back.
 * `warning`, when set, says that the conversion is an approximation and why.
 */
export type CrsReader =
  | { code: string; kind: 'geographic'; name?: string; warning?: string }
  | { code: string; kind: 'projected'; projection: Projection; name?: string; warning?: string };

const GEOGRAPHIC = new Set(['EPSG:4326', 'OGC:CRS84', 'EPSG:4490', 'EPSG:4269', 'EPSG:4258']);

/**
 * Normalises a CRS designation to `EPSG:nnnn`, `OGC:CRS84`, `GCJ-02` or `BD-09`, or returns
 * undefined when it is not recognisable. Accepts `EPSG:3857`, `epsg:3857`, `urn:ogc:def:crs:EPSG::3857`,
 * `urn:ogc:def:crs:EPSG:6.6:3857`, `http://www.opengis.net/def/crs/EPSG/0/3857`,
 * `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS84`, a bare number, `GCJ-02`/`gcj02`, `BD-09`/`bd09ll`.
 */
export function normaliseCrsCode(text: string): string | undefined {
  const t = text.trim();
  if (/^(urn:ogc:def:crs:ogc:(1\.3)?:)?crs84$/i.test(t) || /opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84$/i.test(t)) {
    return 'OGC:CRS84';
  }
  if (/^gcj[-_ ]?0?2$/i.test(t)) return 'GCJ-02';
  if (/^bd[-_ ]?0?9(ll)?$/i.test(t)) return 'BD-09';
  const m =
    /^epsg:(\d+)$/i.exec(t) ??
    /^urn:ogc:def:crs:epsg:[\d.]*:(\d+)$/i.exec(t) ??
    /opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d+)$/i.exec(t) ??
    /^(\d+)$/.exec(t);
  return m ? `EPSG:${Number(m[1])}` : undefined;
}

/** One code's entry of the epsg-index package. */
export interface EpsgEntry {
  code: string;
  kind: string;
  name: string;
  /** OGC WKT1 with AUTHORITY nodes. */
  wkt: string | null;
  proj4: string | null;
  unit: string | null;
}

const requirePackage = createRequire(import.meta.url);

let proj4Lib: typeof proj4Type | undefined;
/** proj4, loaded on first use: the fast paths (lon/lat, web mercator, UTM, CGCS2000 3° GK) never need it. */
function proj4(from: string, to: string): proj4Type.Converter {
  proj4Lib ??= requirePackage('proj4') as typeof proj4Type;
  return proj4Lib(from, to);
}

/** The EPSG registry's entry for a code (from epsg-index), or undefined when there is none. */
export function lookupEpsg(epsg: number): EpsgEntry | undefined {
  if (!Number.isInteger(epsg) || epsg <= 0 || epsg > 99_999_999) return undefined;
  try {
    return requirePackage(`epsg-index/s/${epsg}.json`) as EpsgEntry;
  } catch {
    return undefined;
  }
}

/**
 * Datum shifts by grid (`+nadgrids`) that proj4 cannot apply without the grid file, and the
 * EPSG Helmert transformation that PROJ itself falls back to when the grid is missing.
 */
const GRID_FALLBACKS: { test: RegExp; towgs84: string; what: string }[] = [
  // OSGB36 to WGS 84 (6), EPSG:1314: about 2 m
  { test: /\+ellps=airy\b/, towgs84: '446.448,-125.157,542.06,0.15,0.247,0.842,-20.489', what: 'the OSGB36 Helmert transformation EPSG:1314 (about 2 m)' },
];

/** The reader for a proj4 definition, or a reason why there is none. */
function readerFromProj4(code: string, def: string, name?: string): CrsReader | string {
  let text = def.replace(/\s*\+type=crs\b/, '');
  let warning: string | undefined;
  const grids = /\s*\+nadgrids=(\S+)/.exec(text);
  if (grids && grids[1] !== '@null') {
    text = text.replace(grids[0], '');
    const fallback = GRID_FALLBACKS.find((f) => f.test.test(text));
    if (fallback) {
      text += ` +towgs84=${fallback.towgs84}`;
      warning = `${code} shifts its datum by the grid ${grids[1]}, which yizhan does not ship; read with ${fallback.what} instead`;
    } else {
      warning = `${code} shifts its datum by the grid ${grids[1]}, which yizhan does not ship; the datum shift is left out (errors of up to a few hundred metres)`;
    }
  }
  const longlat = /\+proj=longlat\b/.test(text);
  const wgsLike = /\+datum=WGS84\b|\+ellps=(WGS84|GRS80)\b/.test(text) && !/\+towgs84=(?!0,0,0(,0,0,0,0)?\b)/.test(text);
  if (longlat && wgsLike && !/\+pm=(?!greenwich)/.test(text)) {
    return { code, kind: 'geographic', ...(name ? { name } : {}), ...(warning ? { warning } : {}) };
  }
  let converter: proj4Type.Converter;
  try {
    converter = proj4(text, 'WGS84');
    // proj4 accepts some definitions it cannot convert: try one point
    const probe = converter.forward([0, 0]);
    if (!Array.isArray(probe)) throw new Error('no conversion');
  } catch (e) {
    return `proj4 cannot use the definition of ${code} (${(e as Error).message || 'unknown projection'})`;
  }
  const projection: Projection = {
    forward: (p) => {
      const q = converter.inverse([p[0], p[1]]);
      return [q[0]!, q[1]!];
    },
    inverse: (xy) => {
      const q = converter.forward([xy[0], xy[1]]);
      return [q[0]!, q[1]!];
    },
  };
  return { code, kind: 'projected', projection, ...(name ? { name } : {}), ...(warning ? { warning } : {}) };
}

const PSEUDO: Record<string, CrsReader> = {
  'GCJ-02': {
    code: 'GCJ-02',
    kind: 'projected',
    name: 'GCJ-02 (AMap, Tencent maps)',
    projection: { forward: wgs84ToGcj02, inverse: gcj02ToWgs84 },
    warning: 'GCJ-02 coordinates were converted to WGS84 with the published formula, an approximation of about a metre (the offset itself is up to several hundred metres)',
  },
  'BD-09': {
    code: 'BD-09',
    kind: 'projected',
    name: 'BD-09 (Baidu maps)',
    projection: { forward: wgs84ToBd09, inverse: bd09ToWgs84 },
    warning: 'BD-09 coordinates were converted to WGS84 with the published formulas, an approximation of about a metre (the offset itself is up to about a kilometre)',
  },
};

const readerCache = new Map<string, CrsReader | string>();

/**
 * The reader for a CRS code (as returned by {@link normaliseCrsCode}), or a sentence saying why
 * there is none (no such EPSG code, not a 2D geographic or projected CRS, a definition proj4 cannot use).
 * @example explainCrs('EPSG:27700') // British National Grid through proj4
 */
export function explainCrs(code: string): CrsReader | string {
  const cached = readerCache.get(code);
  if (cached !== undefined) return cached;
  const made = buildReader(code);
  readerCache.set(code, made);
  return made;
}

/**
 * The reader for a CRS code (as returned by {@link normaliseCrsCode}), or undefined when yizhan
 * cannot read it (see {@link explainCrs} for why).
 * @example makeCrsReader('EPSG:4547') // CGCS2000 Gauss–Krüger CM 114°E
 */
export function makeCrsReader(code: string): CrsReader | undefined {
  const r = explainCrs(code);
  return typeof r === 'string' ? undefined : r;
}

function buildReader(code: string): CrsReader | string {
  if (GEOGRAPHIC.has(code)) return { code, kind: 'geographic' };
  const pseudo = PSEUDO[code];
  if (pseudo) return pseudo;
  const m = /^EPSG:(\d+)$/.exec(code);
  if (!m) return `${JSON.stringify(code)} is not an EPSG code`;
  const epsg = Number(m[1]);
  // fast paths, tested against PROJ: web mercator, UTM on WGS84, CGCS2000 3° GK without zone prefix
  if (epsg === 3857 || epsg === 900913) return { code, kind: 'projected', projection: webMercator };
  if ((epsg >= 32601 && epsg <= 32660) || (epsg >= 32701 && epsg <= 32760)) {
    const zone = epsg % 100;
    const south = epsg >= 32701;
    const projection = makeTransverseMercator({
      ellipsoid: WGS84,
      lon0: zone * 6 - 183,
      k0: 0.9996,
      falseEasting: 500_000,
      falseNorthing: south ? 10_000_000 : 0,
    });
    return { code, kind: 'projected', projection };
  }
  if (epsg >= 4534 && epsg <= 4554) {
    const projection = makeTransverseMercator({
      ellipsoid: CGCS2000,
      lon0: 75 + (epsg - 4534) * 3,
      k0: 1,
      falseEasting: 500_000,
      falseNorthing: 0,
    });
    return { code, kind: 'projected', projection };
  }
  const entry = lookupEpsg(epsg);
  if (!entry) return `${code} is not in the EPSG registry`;
  if (!/^CRS-(GEOGCRS|GEOG2DCRS|GEOG3DCRS|PROJCRS)$/.test(entry.kind)) {
    return `${code} (${entry.name}) is a ${entry.kind.replace(/^CRS-/, '').toLowerCase()}, not a geographic or projected CRS`;
  }
  if (!entry.proj4) return `${code} (${entry.name}) has no proj4 definition`;
  return readerFromProj4(code, entry.proj4, entry.name);
}

/** ESRI names (as in the .prj files that ArcGIS and GDAL write) → EPSG codes. */
function esriNameToEpsg(name: string): number | undefined {
  const n = name.trim();
  let m: RegExpExecArray | null;
  if ((m = /^CGCS2000_3_Degree_GK_CM_(\d+)E$/i.exec(n))) return 4534 + (Number(m[1]) - 75) / 3;
  if ((m = /^CGCS2000_3_Degree_GK_Zone_(\d+)$/i.exec(n))) return 4513 + Number(m[1]) - 25;
  if ((m = /^CGCS2000_GK_CM_(\d+)E$/i.exec(n))) return 4502 + (Number(m[1]) - 75) / 6;
  if ((m = /^CGCS2000_GK_Zone_(\d+)$/i.exec(n))) return 4491 + Number(m[1]) - 13;
  if ((m = /^WGS_1984_UTM_Zone_(\d+)([NS])$/i.exec(n))) return (m[2]!.toUpperCase() === 'N' ? 32600 : 32700) + Number(m[1]);
  const fixed: Record<string, number> = {
    gcs_wgs_1984: 4326,
    gcs_china_geodetic_coordinate_system_2000: 4490,
    gcs_china_2000: 4490,
    wgs_1984_web_mercator_auxiliary_sphere: 3857,
    wgs_84_pseudo_mercator: 3857,
    british_national_grid: 27700,
  };
  return fixed[n.toLowerCase()];
}

/**
 * The reader for a WKT definition (a .prj file, a GeoPackage's gpkg_spatial_ref_sys.definition):
 * by its top-level EPSG authority (WKT1 `AUTHORITY["EPSG","4547"]`, WKT2 `ID["EPSG",4547]`), else by
 * its ESRI name (`CGCS2000_3_Degree_GK_CM_114E`), else by handing the WKT itself to proj4.
 * Returns a sentence saying why when none of these works.
 */
export function explainWktCrs(wkt: string): CrsReader | string {
  const text = wkt.replace(/^\uFEFF/, '').trim();
  if (text === '') return 'the CRS definition is empty';
  const auth =
    /AUTHORITY\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(text) ?? /\bID\[\s*"EPSG"\s*,\s*(\d+)\s*(,[^\]]*)?\]\s*\]\s*$/i.exec(text);
  if (auth) return explainCrs(`EPSG:${Number(auth[1])}`);
  const name = /^\s*[A-Z0-9_]+\[\s*"([^"]*)"/i.exec(text)?.[1];
  const esri = name !== undefined ? esriNameToEpsg(name) : undefined;
  if (esri !== undefined && Number.isInteger(esri)) return explainCrs(`EPSG:${esri}`);
  const code = `WKT "${name ?? text.slice(0, 40)}"`;
  try {
    const converter = proj4(text, 'WGS84');
    const probe = converter.forward([0, 0]);
    if (!Array.isArray(probe)) throw new Error('no conversion');
    const geographic = /^\s*GEOGCS\[/i.test(text) && /WGS_?1984|WGS 84|China_2000|CGCS2000/i.test(text);
    if (geographic) return { code, kind: 'geographic', ...(name ? { name } : {}) };
    const projection: Projection = {
      forward: (p) => { const q = converter.inverse([p[0], p[1]]); return [q[0]!, q[1]!]; },
      inverse: (xy) => { const q = converter.forward([xy[0], xy[1]]); return [q[0]!, q[1]!]; },
    };
    return { code, kind: 'projected', projection, ...(name ? { name } : {}) };
  } catch (e) {
    return `the CRS definition ${code} names no EPSG code and proj4 cannot read it (${(e as Error).message || 'unknown'})`;
  }
}

/**
 * How to write coordinates in a CRS: the conversion from WGS84 lon/lat and the WKT for a .prj or
 * a GeoPackage's srs table. Only EPSG codes (the pseudo-CRSs are for reading).
 */
export interface CrsWriter {
  code: string;
  epsg: number;
  name: string;
  wkt: string;
  geographic: boolean;
  forward(p: Position): [number, number];
}

/** The writer for an output CRS designation (`EPSG:4547`, `4490`, …), or a sentence saying why not. */
export function explainCrsWriter(designation: string): CrsWriter | string {
  const code = normaliseCrsCode(designation);
  if (code === 'OGC:CRS84') return explainCrsWriter('EPSG:4326');
  if (!code || !code.startsWith('EPSG:')) return `${JSON.stringify(designation)} is not an EPSG code (give e.g. EPSG:4326, EPSG:4490, EPSG:4547)`;
  const epsg = Number(code.slice(5));
  const entry = lookupEpsg(epsg);
  const reader = explainCrs(code);
  if (typeof reader === 'string') return reader;
  if (!entry?.wkt) return `${code} has no WKT definition to write in a .prj`;
  const geographic = reader.kind === 'geographic';
  const forward = reader.kind === 'geographic' ? (p: Position): [number, number] => [p[0], p[1]] : reader.projection.forward;
  return { code, epsg, name: entry.name, wkt: entry.wkt, geographic, forward };
}
