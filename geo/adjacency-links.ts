import Flatbush from 'flatbush';
import type { Committee } from './types.js';
import { type BoundarySegments, M_PER_DEG, metersToLatDegrees, metersToLonDegrees } from './segment-index.js';
import { RAD } from './planar.js';


/** A link to another committee is kept when its gap is at most this factor times the nearest gap (+ tol). */
export const ENCLAVE_LINK_FACTOR = 1.5;

/**
 * Enclave links (插花地): every committee with no border neighbour in its own street office
 * (`hasOwnNeighbour[i]` false) is linked to the committees of its street office whose boundary
 * lies within `limit` metres of its own: to the nearest one (gap `g`) and to every other whose
 * gap is at most `min(limit, 1.5·g + tol)` (so an island between two equally near shores gets
 * both). Links are symmetric. Returns triplets `[i, j, gapMetres, …]` with `i < j`, each pair once.
 */
export function calcEnclaveLinkPairs(
  committees: readonly Committee[],
  segs: BoundarySegments,
  hasOwnNeighbour: readonly boolean[],
  limit: number,
  tol: number,
): number[] {
  const { count, start, bbox } = segs;
  const lonely: number[] = [];
  for (let i = 0; i < count; i++) if (!hasOwnNeighbour[i] && start[i + 1]! > start[i]!) lonely.push(i);
  const result: number[] = [];
  if (lonely.length === 0) return result;
  const live: number[] = [];
  for (let i = 0; i < count; i++) if (start[i + 1]! > start[i]!) live.push(i);
  const index = new Flatbush(live.length);
  for (const i of live) index.add(bbox[4 * i]!, bbox[4 * i + 1]!, bbox[4 * i + 2]!, bbox[4 * i + 3]!);
  index.finish();
  const limLat = metersToLatDegrees(limit);
  const seen = new Set<string>();
  for (const i of lonely) {
    const limLon = metersToLonDegrees(limit, bbox[4 * i + 1]! - limLat, bbox[4 * i + 3]! + limLat);
    const found = index.search(
      bbox[4 * i]! - limLon, bbox[4 * i + 1]! - limLat, bbox[4 * i + 2]! + limLon, bbox[4 * i + 3]! + limLat,
    );
    // candidates of the same street office, nearest box first; stop once a box is beyond reach
    const lat0 = (bbox[4 * i + 1]! + bbox[4 * i + 3]!) / 2;
    const mx = M_PER_DEG * Math.cos(lat0 * RAD);
    const cands: Array<[number, number]> = [];
    for (const k of found) {
      const j = live[k]!;
      if (j === i || committees[j]!.streetOffice !== committees[i]!.streetOffice) continue;
      const gx = Math.max(0, bbox[4 * j]! - bbox[4 * i + 2]!, bbox[4 * i]! - bbox[4 * j + 2]!) * mx;
      const gy = Math.max(0, bbox[4 * j + 1]! - bbox[4 * i + 3]!, bbox[4 * i + 1]! - bbox[4 * j + 3]!) * M_PER_DEG;
      cands.push([j, Math.sqrt(gx * gx + gy * gy) * 0.999]); // a little slack for the projection
    }
    cands.sort((p, q) => p[1] - q[1]);
    const gaps: Array<[number, number]> = [];
    let nearestSoFar = Infinity;
    for (const [j, boxGap] of cands) {
      const reach = Math.min(limit, ENCLAVE_LINK_FACTOR * nearestSoFar + tol);
      if (boxGap > reach) break;
      const g = calcBoundaryGap(segs, i, j, reach);
      if (g <= reach) {
        gaps.push([j, g]);
        if (g < nearestSoFar) nearestSoFar = g;
      }
    }
    if (gaps.length === 0) continue;
    let nearest = Infinity;
    for (const [, g] of gaps) if (g < nearest) nearest = g;
    const keep = Math.min(limit, ENCLAVE_LINK_FACTOR * nearest + tol);
    for (const [j, g] of gaps) {
      if (g > keep) continue;
      const a = Math.min(i, j), b = Math.max(i, j);
      const key = `${a},${b}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push(a, b, g);
    }
  }
  return result;
}

/**
 * Smallest distance in metres between the boundaries of committees `i` and `j`, or Infinity
 * when it exceeds `limit`. Planar in a local projection at the latitude of `i`.
 */
export function calcBoundaryGap(segs: BoundarySegments, i: number, j: number, limit: number): number {
  const { start, ax, ay, bx, by, bbox } = segs;
  const lat0 = (bbox[4 * i + 1]! + bbox[4 * i + 3]!) / 2;
  const lon0 = (bbox[4 * i]! + bbox[4 * i + 2]!) / 2;
  const my = M_PER_DEG;
  const mx = M_PER_DEG * Math.cos(lat0 * RAD);
  const pick = (c: number, other: number): Float64Array => {
    const limLat = metersToLatDegrees(limit);
    const limLon = metersToLonDegrees(limit, bbox[4 * other + 1]! - limLat, bbox[4 * other + 3]! + limLat);
    const x0 = bbox[4 * other]! - limLon, x1 = bbox[4 * other + 2]! + limLon;
    const y0 = bbox[4 * other + 1]! - limLat, y1 = bbox[4 * other + 3]! + limLat;
    const out: number[] = [];
    for (let s = start[c]!, e = start[c + 1]!; s < e; s++) {
      const sx0 = ax[s]!, sx1 = bx[s]!, sy0 = ay[s]!, sy1 = by[s]!;
      if ((sx0 < x0 && sx1 < x0) || (sx0 > x1 && sx1 > x1) || (sy0 < y0 && sy1 < y0) || (sy0 > y1 && sy1 > y1)) continue;
      out.push((sx0 - lon0) * mx, (sy0 - lat0) * my, (sx1 - lon0) * mx, (sy1 - lat0) * my);
    }
    return Float64Array.from(out);
  };
  const a = pick(i, j);
  const b = pick(j, i);
  let best = limit;
  let found = false;
  for (let p = 0; p < a.length; p += 4) {
    const p0x = a[p]!, p0y = a[p + 1]!, p1x = a[p + 2]!, p1y = a[p + 3]!;
    const minX = Math.min(p0x, p1x), maxX = Math.max(p0x, p1x);
    const minY = Math.min(p0y, p1y), maxY = Math.max(p0y, p1y);
    for (let q = 0; q < b.length; q += 4) {
      const q0x = b[q]!, q0y = b[q + 1]!, q1x = b[q + 2]!, q1y = b[q + 3]!;
      // lower bound from the boxes
      const gx = Math.max(0, Math.min(q0x, q1x) - maxX, minX - Math.max(q0x, q1x));
      const gy = Math.max(0, Math.min(q0y, q1y) - maxY, minY - Math.max(q0y, q1y));
      if (gx * gx + gy * gy > best * best) continue;
      const d = segmentDistance(p0x, p0y, p1x, p1y, q0x, q0y, q1x, q1y);
      if (d <= best) {
        best = d;
        found = true;
        if (d === 0) return 0;
      }
    }
  }
  return found ? best : Infinity;
}

function pointSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const dd = dx * dx + dy * dy;
  let u = dd > 0 ? ((px - ax) * dx + (py - ay) * dy) / dd : 0;
  u = u < 0 ? 0 : u > 1 ? 1 : u;
  const ex = px - ax - u * dx, ey = py - ay - u * dy;
  return Math.sqrt(ex * ex + ey * ey);
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Planar distance between segments p0–p1 and q0–q1 (0 when they cross). */
function segmentDistance(
  p0x: number, p0y: number, p1x: number, p1y: number, q0x: number, q0y: number, q1x: number, q1y: number,
): number {
  const d1 = cross(p0x, p0y, p1x, p1y, q0x, q0y), d2 = cross(p0x, p0y, p1x, p1y, q1x, q1y);
  const d3 = cross(q0x, q0y, q1x, q1y, p0x, p0y), d4 = cross(q0x, q0y, q1x, q1y, p1x, p1y);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(
    pointSegment(p0x, p0y, q0x, q0y, q1x, q1y), pointSegment(p1x, p1y, q0x, q0y, q1x, q1y),
    pointSegment(q0x, q0y, p0x, p0y, p1x, p1y), pointSegment(q1x, q1y, p0x, p0y, p1x, p1y),
  );
}
