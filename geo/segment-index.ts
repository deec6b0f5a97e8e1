import type { Committee } from './types.js';
import { M_PER_DEG, RAD } from './planar.js';

/** Metres per degree of latitude (and of longitude at the equator). */
export { M_PER_DEG };

/**
 * The boundary segments of many committees in flat typed arrays (degrees, WGS84), grouped by
 * committee: committee `i` owns segments `start[i]` to `start[i + 1] - 1`. Rings are closed
 * implicitly (a ring whose last position differs from the first gets the closing segment);
 * zero-length segments (repeated positions) are dropped. `bbox` holds
 * [minLon, minLat, maxLon, maxLat] per committee (Infinity/-Infinity when it has no segment).
 */
export interface BoundarySegments {
  count: number;
  start: Int32Array;
  ax: Float64Array;
  ay: Float64Array;
  bx: Float64Array;
  by: Float64Array;
  bbox: Float64Array;
}

/**
 * Flattens the boundaries of `committees` into segments, checking every coordinate.
 * @param fn name of the calling function, for error messages
 * @throws Error naming the feature index, id and field when a geometry is malformed
 */
export function makeBoundarySegments(committees: readonly Committee[], fn: string): BoundarySegments {
  if (!Array.isArray(committees)) throw new TypeError(`${fn}: committees must be an array, got ${typeof committees}`);
  let total = 0;
  committees.forEach((c, i) => {
    const where = () => `${fn}: committee ${i}${c && typeof c.id === 'string' ? ` (id ${JSON.stringify(c.id)})` : ''}`;
    if (c === null || typeof c !== 'object') throw new TypeError(`${where()}: not an object`);
    if (typeof c.id !== 'string') throw new TypeError(`${where()}: field id must be a string`);
    if (!Array.isArray(c.geometry)) throw new TypeError(`${where()}: field geometry must be MultiPolygon coordinates`);
    for (const poly of c.geometry) {
      if (!Array.isArray(poly)) throw new TypeError(`${where()}: field geometry holds a polygon that is not an array`);
      for (const ring of poly) {
        if (!Array.isArray(ring)) throw new TypeError(`${where()}: field geometry holds a ring that is not an array`);
        for (const p of ring) {
          if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1]) ||
            Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
            throw new TypeError(`${where()}: field geometry holds position ${JSON.stringify(p)}, not [lon, lat] in degrees`);
          }
        }
        total += ring.length;
      }
    }
  });
  const ax = new Float64Array(total);
  const ay = new Float64Array(total);
  const bx = new Float64Array(total);
  const by = new Float64Array(total);
  const start = new Int32Array(committees.length + 1);
  const bbox = new Float64Array(committees.length * 4);
  let k = 0;
  for (let i = 0; i < committees.length; i++) {
    start[i] = k;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const poly of committees[i]!.geometry) {
      for (const ring of poly) {
        const n = ring.length;
        if (n < 2) continue;
        for (let v = 0; v < n; v++) {
          const p = ring[v]!;
          const q = v + 1 < n ? ring[v + 1]! : ring[0]!;
          if (p[0] === q[0] && p[1] === q[1]) continue;
          ax[k] = p[0]; ay[k] = p[1]; bx[k] = q[0]; by[k] = q[1];
          k++;
          if (p[0] < x0) x0 = p[0];
          if (p[0] > x1) x1 = p[0];
          if (p[1] < y0) y0 = p[1];
          if (p[1] > y1) y1 = p[1];
        }
      }
    }
    bbox[4 * i] = x0; bbox[4 * i + 1] = y0; bbox[4 * i + 2] = x1; bbox[4 * i + 3] = y1;
  }
  start[committees.length] = k;
  return {
    count: committees.length, start,
    ax: ax.subarray(0, k), ay: ay.subarray(0, k), bx: bx.subarray(0, k), by: by.subarray(0, k), bbox,
  };
}

/**
 * Degrees of longitude that are at least `meters` on the ground anywhere between latitudes
 * `lat0` and `lat1` (uses the latitude farthest from the equator; capped near the poles).
 */
export function metersToLonDegrees(meters: number, lat0: number, lat1: number): number {
  const lat = Math.min(89, Math.max(Math.abs(lat0), Math.abs(lat1)));
  return meters / (M_PER_DEG * Math.cos(lat * RAD));
}

/** Degrees of latitude for `meters` on the ground. */
export function metersToLatDegrees(meters: number): number {
  return meters / M_PER_DEG;
}
