import { calcDistanceMeters, EARTH_RADIUS_M, makeLocalProjection } from './distance.js';
import type { Committee, CommitteeMeasures, MultiPolygonCoords, Position, Ring } from './types.js';
import { RAD } from './planar.js';


/**
 * Signed spherical area of a closed ring in m² (Chamberlain & Duquette, "Some algorithms for polygons
 * on a sphere", the formula of @turf/area): positive for counter-clockwise rings. A ring with fewer
 * than 4 positions has area 0.
 */
export function calcRingAreaM2(ring: Ring): number {
  const n = ring.length - 1;
  if (n <= 2) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const lower = ring[i]!;
    const middle = ring[i + 1 === n ? 0 : i + 1]!;
    const upper = ring[i + 2 >= n ? (i + 2) % n : i + 2]!;
    total += (upper[0] - lower[0]) * RAD * Math.sin(middle[1] * RAD);
  }
  return (-total * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2;
}

/** Geodesic area of a MultiPolygon in m²: outer rings minus holes, whatever their orientation. */
export function calcAreaM2(geometry: MultiPolygonCoords): number {
  let total = 0;
  for (const polygon of geometry) {
    for (let r = 0; r < polygon.length; r++) {
      const a = Math.abs(calcRingAreaM2(polygon[r]!));
      total += r === 0 ? a : -a;
    }
  }
  return total;
}

/**
 * Ground measures of one committee.
 *
 * - `areaM2`: geodesic area on the sphere of radius {@link EARTH_RADIUS_M} (as @turf/area), holes subtracted.
 * - `perimeterM`: haversine length of every ring, outer rings and holes.
 * - `centroid`: area-weighted centroid of all pieces (holes subtracted), computed in a local
 *   equirectangular projection around the bbox centre. When the area is zero it is the bbox centre.
 *   Not meant for geometries that cross the antimeridian.
 * - `bbox`: [minLon, minLat, maxLon, maxLat] over all positions.
 *
 * @param c a committee as ingest returns it (closed rings, WGS84 lon/lat)
 * @returns {CommitteeMeasures}
 * @example calcMeasures(committee).areaM2 // ≈ 1.23e6
 */
export function calcMeasures(c: Committee): CommitteeMeasures {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let perimeterM = 0;
  for (const polygon of c.geometry) {
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const p = ring[i]!;
        if (p[0] < minX) minX = p[0];
        if (p[0] > maxX) maxX = p[0];
        if (p[1] < minY) minY = p[1];
        if (p[1] > maxY) maxY = p[1];
        if (i > 0) perimeterM += calcDistanceMeters(ring[i - 1]!, p);
      }
    }
  }
  if (minX === Infinity) {
    return { areaM2: 0, perimeterM: 0, centroid: [NaN, NaN], bbox: [NaN, NaN, NaN, NaN] };
  }
  const centre: Position = [(minX + maxX) / 2, (minY + maxY) / 2];
  const proj = makeLocalProjection(centre);
  // Planar centroid: Σ (xi + xi+1)(xi·yi+1 − xi+1·yi) / 6A, with each ring signed as outer (+) or hole (−).
  let sumA = 0, sumX = 0, sumY = 0;
  for (const polygon of c.geometry) {
    for (let r = 0; r < polygon.length; r++) {
      const ring = polygon[r]!;
      let a = 0, cx = 0, cy = 0;
      for (let i = 0; i + 1 < ring.length; i++) {
        const p = ring[i]!, q = ring[i + 1]!;
        const x0 = (p[0] - centre[0]) * proj.mx, y0 = (p[1] - centre[1]) * proj.my;
        const x1 = (q[0] - centre[0]) * proj.mx, y1 = (q[1] - centre[1]) * proj.my;
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      // Force the sign: outer rings add, holes subtract, whatever the orientation given.
      const sign = (r === 0 ? 1 : -1) * (a < 0 ? -1 : 1);
      sumA += sign * a;
      sumX += sign * cx;
      sumY += sign * cy;
    }
  }
  const centroid: Position =
    sumA !== 0 ? proj.inverse([sumX / (3 * sumA), sumY / (3 * sumA)]) : centre;
  return { areaM2: calcAreaM2(c.geometry), perimeterM, centroid, bbox: [minX, minY, maxX, maxY] };
}
