import { union } from 'polyclip-ts';
import type { MultiPolygonCoords, PolygonCoords, Position, Ring } from './types.js';
import { dissolveByEdges } from './dissolve-edges.js';
import { calcRingDoubleArea, M_PER_DEG, RAD } from './planar.js';


export interface DissolveOptions {
  /** Coordinates are rounded to this grid (degrees) before the union; polyclip fails on many decimals. [1e-9] */
  precisionDegrees?: number;
  /** Holes of the union narrower than this on average (2·area / perimeter) are slivers and dropped, m. [2] */
  sliverWidthMeters?: number;
  /**
   * Try the exact edge-cancelling union first (geo/dissolve-edges.ts: shared borders with the same
   * vertices cancel, the rest chains into rings), polyclip-ts only when it declines. [true]
   */
  byEdges?: boolean;
}

/**
 * The union of a station's member committees (for stations.geojson), as RFC 7946 MultiPolygon
 * coordinates: outer rings counter-clockwise, holes clockwise, rings closed.
 *
 * Coordinates are rounded to `precisionDegrees` first (about 0.1 mm at 1e-9). On topologically clean
 * parts (shared borders carry the same vertices, as in a tessellation or a well-edited dataset) the
 * union is made by dropping the edges two parts share and chaining the rest into rings
 * (`dissolveByEdges`, about 50× faster than a general union); whenever that does not give valid
 * rings (mismatched or overlapping borders, T-junctions) the parts are united with polyclip-ts,
 * retried on a 10× and 100× coarser grid when polyclip fails. Holes left
 * between parts whose borders do not quite meet (mean width below `sliverWidthMeters`) are dropped.
 * A station of one committee gets its geometry back unchanged (a copy); no parts give `[]`.
 * The input is never modified.
 *
 * @param parts the members' geometries (MultiPolygon coordinates, WGS84)
 * @param [options.precisionDegrees=1e-9] rounding grid in degrees
 * @param [options.sliverWidthMeters=2] holes narrower than this (mean width) are dropped
 * @param [options.byEdges=true] try the edge-cancelling union before polyclip-ts
 * @returns the dissolved MultiPolygon coordinates
 * @throws Error naming the part and what is wrong when a part is not MultiPolygon coordinates
 * @example dissolve([a.geometry, b.geometry]) // one polygon when a and b share a border
 */
export function dissolve(parts: readonly MultiPolygonCoords[], options: DissolveOptions = {}): MultiPolygonCoords {
  const fn = 'dissolve';
  if (!Array.isArray(parts as unknown)) throw new TypeError(`${fn}: parts must be an array of MultiPolygon coordinates`);
  const precision = options.precisionDegrees ?? 1e-9;
  const sliver = options.sliverWidthMeters ?? 2;
  if (!(precision > 0) || !Number.isFinite(precision)) {
    throw new RangeError(`${fn}: options.precisionDegrees must be a positive number, got ${String(precision)}`);
  }
  if (!(sliver >= 0) || !Number.isFinite(sliver)) {
    throw new RangeError(`${fn}: options.sliverWidthMeters must be a finite number ≥ 0, got ${String(sliver)}`);
  }
  parts.forEach(checkPart);
  if (parts.length === 0) return [];
  if (parts.length === 1) return parts[0]!.map((poly) => poly.map((ring) => ring.map((p): Position => [p[0], p[1]])));
  if (options.byEdges ?? true) {
    const rounded = parts.map((mp) => roundMultiPolygon(mp, precision)).filter((mp) => mp.length > 0);
    if (rounded.length === 0) return [];
    const fast = dissolveByEdges(rounded, { sliverWidthMeters: sliver, meanWidthMeters });
    if (fast) return fast;
  }
  let result: MultiPolygonCoords | undefined;
  let lastError: unknown;
  for (const grid of [precision, precision * 10, precision * 100]) {
    try {
      const rounded = parts.map((mp) => roundMultiPolygon(mp, grid)).filter((mp) => mp.length > 0);
      if (rounded.length === 0) return [];
      result = union(rounded[0]!, ...rounded.slice(1)) as MultiPolygonCoords;
      break;
    } catch (err) {
      lastError = err;
    }
  }
  if (!result) {
    throw new Error(`${fn}: the union of ${parts.length} parts failed (${lastError instanceof Error ? lastError.message : String(lastError)})`);
  }
  return result.map((poly) => orientPolygon(poly, sliver)).filter((poly): poly is PolygonCoords => poly !== undefined);
}

function checkPart(mp: unknown, i: number): void {
  const bad = (what: string) => new TypeError(`dissolve: part ${i}: ${what}`);
  if (!Array.isArray(mp)) throw bad('not MultiPolygon coordinates (an array of polygons)');
  for (const poly of mp) {
    if (!Array.isArray(poly)) throw bad('holds a polygon that is not an array of rings');
    for (const ring of poly) {
      if (!Array.isArray(ring)) throw bad('holds a ring that is not an array of positions');
      for (const p of ring) {
        if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          throw bad(`holds position ${JSON.stringify(p)}, not [lon, lat]`);
        }
      }
    }
  }
}

/** Rounds to the grid, drops repeated positions and rings of fewer than 3 distinct positions. */
function roundMultiPolygon(mp: MultiPolygonCoords, grid: number): MultiPolygonCoords {
  const out: MultiPolygonCoords = [];
  for (const poly of mp) {
    const rings: Ring[] = [];
    for (let r = 0; r < poly.length; r++) {
      const ring: Ring = [];
      for (const p of poly[r]!) {
        const q: Position = [Math.round(p[0] / grid) * grid, Math.round(p[1] / grid) * grid];
        const last = ring[ring.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) ring.push(q);
      }
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first && last && ring.length > 1 && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
      if (ring.length < 4) {
        if (r === 0) break; // no outer ring, no polygon
        continue;
      }
      rings.push(ring);
    }
    if (rings.length > 0) out.push(rings);
  }
  return out;
}


/** Mean width of a ring, 2·area / perimeter, in metres (local projection at its first vertex). */
function meanWidthMeters(ring: Ring): number {
  const lat0 = ring[0]![1];
  const mx = M_PER_DEG * Math.cos(lat0 * RAD), my = M_PER_DEG;
  let area2 = 0, perim = 0;
  for (let k = 0; k + 1 < ring.length; k++) {
    const p = ring[k]!, q = ring[k + 1]!;
    const px = (p[0] - ring[0]![0]) * mx, py = (p[1] - lat0) * my;
    const qx = (q[0] - ring[0]![0]) * mx, qy = (q[1] - lat0) * my;
    area2 += px * qy - qx * py;
    perim += Math.sqrt((qx - px) ** 2 + (qy - py) ** 2);
  }
  return perim > 0 ? Math.abs(area2) / perim : 0;
}

/** RFC 7946 winding (outer CCW, holes CW), closed rings, sliver holes dropped. */
function orientPolygon(poly: PolygonCoords, sliver: number): PolygonCoords | undefined {
  const out: PolygonCoords = [];
  for (let r = 0; r < poly.length; r++) {
    const ring = poly[r]!.map((p): Position => [p[0], p[1]]);
    const first = ring[0], last = ring[ring.length - 1];
    if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
    if (ring.length < 4) {
      if (r === 0) return undefined;
      continue;
    }
    if (r > 0 && meanWidthMeters(ring) < sliver) continue;
    const ccw = calcRingDoubleArea(ring) > 0;
    if ((r === 0) !== ccw) ring.reverse();
    out.push(ring);
  }
  return out;
}
