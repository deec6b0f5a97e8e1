/**
 * Planar geometry on lon/lat or pixel coordinates, and the degree constants: one home for what
 * the geo, render and generator modules all need (signed areas, bounding boxes, degrees to
 * radians and to metres). Pure; no imports.
 */

/** Mean Earth radius used for all ground measures (IUGG), m. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Radians per degree. */
export const RAD = Math.PI / 180;

/** Metres per degree of latitude (and of longitude at the equator) on the sphere of EARTH_RADIUS_M. */
export const M_PER_DEG = EARTH_RADIUS_M * RAD;

/** [minX, minY, maxX, maxY]; all Infinity / -Infinity when there is no point. */
export type BBox = [number, number, number, number];

type XY = readonly [number, number] | readonly number[];

/**
 * Twice the signed area of a ring (positive when counter-clockwise with y up), closed or not,
 * as a fan from its first vertex (which keeps the products small: exact for nearby coordinates).
 * @example calcRingDoubleArea([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]) // 2
 */
export function calcRingDoubleArea(ring: readonly XY[]): number {
  if (ring.length < 3) return 0;
  let s = 0;
  const x0 = ring[0]![0]!, y0 = ring[0]![1]!;
  for (let i = 1; i + 1 < ring.length; i++) {
    const p = ring[i]!, q = ring[i + 1]!;
    s += (p[0]! - x0) * (q[1]! - y0) - (q[0]! - x0) * (p[1]! - y0);
  }
  return s;
}

/** The bounding box of a ring's points. */
export function calcRingBBox(ring: readonly XY[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  extendBBox(box, ring);
  return box;
}

/** The bounding box of polygons (their outer rings: holes lie inside them). */
export function calcBBox(polygons: readonly (readonly (readonly XY[])[])[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygons) if (poly[0]) extendBBox(box, poly[0]);
  return box;
}

/** Grows `box` in place to hold every point of `ring`. */
export function extendBBox(box: BBox, ring: readonly XY[]): BBox {
  for (const p of ring) {
    const x = p[0]!, y = p[1]!;
    if (x < box[0]) box[0] = x;
    if (x > box[2]) box[2] = x;
    if (y < box[1]) box[1] = y;
    if (y > box[3]) box[3] = y;
  }
  return box;
}
