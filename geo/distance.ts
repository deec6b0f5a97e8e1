import type { Position } from './types.js';
import { EARTH_RADIUS_M, RAD } from './planar.js';

export { EARTH_RADIUS_M };

/**
 * Great-circle distance between two [lon, lat] positions in metres (haversine).
 * @example calcDistanceMeters([114.1, 22.55], [114.11, 22.55]) // ≈ 1027
 */
export function calcDistanceMeters(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/**
 * A local equirectangular projection around `origin`: degrees → metres east/north.
 * Accurate to well under 0.1% over a district (tens of km); used where a planar
 * computation in metres is needed (snapping tolerances, segment overlaps).
 */
export interface LocalProjection {
  origin: Position;
  /** metres per degree of longitude at the origin's latitude */
  mx: number;
  /** metres per degree of latitude */
  my: number;
  forward(p: Position): [number, number];
  inverse(xy: [number, number]): Position;
}

export function makeLocalProjection(origin: Position): LocalProjection {
  const my = EARTH_RADIUS_M * RAD;
  const mx = my * Math.cos(origin[1] * RAD);
  return {
    origin,
    mx,
    my,
    forward: (p) => [(p[0] - origin[0]) * mx, (p[1] - origin[1]) * my],
    inverse: (xy) => [origin[0] + xy[0] / mx, origin[1] + xy[1] / my],
  };
}
