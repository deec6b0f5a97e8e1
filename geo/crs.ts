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
 * The transverse Mercator uses Krüger's series to sixth order in n (Karney 2011, "Transverse Mercator
 * with an accuracy of a few nanometers"): well under a millimetre within a few degrees of the central
 * meridian.
 */
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

/** How to read coordinates in a CRS: as they are (geographic) or through a projection's inverse. */
export type CrsReader =
  | { code: string; kind: 'geographic' }
  | { code: string; kind: 'projected'; projection: Projection };

const GEOGRAPHIC = new Set(['EPSG:4326', 'OGC:CRS84', 'EPSG:4490', 'EPSG:4269', 'EPSG:4258']);

/**
 * Normalises a CRS designation to `EPSG:nnnn` or `OGC:CRS84`, or returns undefined when it is not
 * recognisable. Accepts `EPSG:3857`, `epsg:3857`, `urn:ogc:def:crs:EPSG::3857`,
 * `urn:ogc:def:crs:EPSG:6.6:3857`, `http://www.opengis.net/def/crs/EPSG/0/3857`,
 * `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS84`, and a bare number.
 */
export function normaliseCrsCode(text: string): string | undefined {
  const t = text.trim();
  if (/^(urn:ogc:def:crs:ogc:(1\.3)?:)?crs84$/i.test(t) || /opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84$/i.test(t)) {
    return 'OGC:CRS84';
  }
  const m =
    /^epsg:(\d+)$/i.exec(t) ??
    /^urn:ogc:def:crs:epsg:[\d.]*:(\d+)$/i.exec(t) ??
    /opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d+)$/i.exec(t) ??
    /^(\d+)$/.exec(t);
  return m ? `EPSG:${Number(m[1])}` : undefined;
}

/**
 * The reader for a CRS code (as returned by {@link normaliseCrsCode}), or undefined when yizhan
 * does not support it.
 * @example makeCrsReader('EPSG:4547') // CGCS2000 Gauss–Krüger CM 114°E
 */
export function makeCrsReader(code: string): CrsReader | undefined {
  if (GEOGRAPHIC.has(code)) return { code, kind: 'geographic' };
  const m = /^EPSG:(\d+)$/.exec(code);
  if (!m) return undefined;
  const epsg = Number(m[1]);
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
  return undefined;
}
