/**
 * Checks between committees: overlaps anywhere in the dataset, gaps (near-miss borders) inside a street office.
 */
import Flatbush from 'flatbush';
import { intersection } from 'polyclip-ts';
import { calcAreaM2 } from './measure.js';
import type { MultiPolygonCoords, Position, Problem } from './types.js';
import { calcBBox, M_PER_DEG, RAD, type BBox } from './planar.js';

/** One committee as the topology checks see it. */
export interface TopologyItem {
  /** Index of the feature in the collection. */
  feature: number;
  id: string;
  /** Street office, when known (gaps are looked for only inside one street office). */
  streetOffice?: string;
  /** Normalised geometry: WGS84, closed rings, outer counter-clockwise. */
  geometry: MultiPolygonCoords;
}

export interface TopologyOptions {
  /** Overlaps with a larger area than this are reported, m². [100] */
  overlapToleranceM2?: number;
  /** Vertices this close to a neighbour's border without lying on it are a gap, m. [2] */
  gapToleranceM?: number;
  /** Check overlaps. [true] */
  overlaps?: boolean;
  /** Check gaps. [true] */
  gaps?: boolean;
}

/** A vertex closer than this to a border lies on it, m. */
const ON_BORDER_M = 0.01;
const SMALL = 32;


/** Edges of one committee, with a spatial index when there are many. */
interface Edges {
  /** x0, y0, x1, y1 per edge, degrees. */
  seg: Float64Array;
  count: number;
  index?: Flatbush;
}

function makeEdges(geometry: MultiPolygonCoords): Edges {
  let count = 0;
  for (const polygon of geometry) for (const ring of polygon) count += Math.max(0, ring.length - 1);
  const seg = new Float64Array(count * 4);
  let k = 0;
  for (const polygon of geometry) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        seg[k++] = ring[i]![0];
        seg[k++] = ring[i]![1];
        seg[k++] = ring[i + 1]![0];
        seg[k++] = ring[i + 1]![1];
      }
    }
  }
  if (count <= SMALL) return { seg, count };
  const index = new Flatbush(count);
  for (let e = 0; e < count; e++) {
    const x0 = seg[4 * e]!, y0 = seg[4 * e + 1]!, x1 = seg[4 * e + 2]!, y1 = seg[4 * e + 3]!;
    index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
  }
  index.finish();
  return { seg, count, index };
}

/**
 * The edges whose box may meet the query box: the spatial index's hits, or null for "every edge"
 * (a small committee). The loops below are written out rather than given a callback: they run
 * once per vertex of every pair of neighbours, and a closure per call was most of their cost.
 */
function edgesNear(edges: Edges, minX: number, minY: number, maxX: number, maxY: number): number[] | null {
  return edges.index ? edges.index.search(minX, minY, maxX, maxY) : null;
}

/**
 * Distance in metres from (px, py) to the nearest edge within `tolM`; a distance above `tolM`
 * or Infinity when there is none (callers compare it only with thresholds up to `tolM`). Edges
 * whose box is not within `tolM` of the point are skipped: they cannot be that near.
 */
function nearestEdgeM(edges: Edges, px: number, py: number, tolM: number): number {
  const my = M_PER_DEG;
  const mx = M_PER_DEG * Math.cos(py * RAD);
  // a hair wider than the tolerance, so that rounding never drops an edge at exactly tolM
  const dx = (tolM / mx) * (1 + 1e-9), dy = (tolM / my) * (1 + 1e-9);
  const minX = px - dx, maxX = px + dx, minY = py - dy, maxY = py + dy;
  let best = Infinity;
  const s = edges.seg;
  const hits = edgesNear(edges, minX, minY, maxX, maxY);
  const n = hits ? hits.length : edges.count;
  for (let h = 0; h < n; h++) {
    const e = hits ? hits[h]! : h;
    const x0 = s[4 * e]!, y0 = s[4 * e + 1]!, x1 = s[4 * e + 2]!, y1 = s[4 * e + 3]!;
    if ((x0 < minX && x1 < minX) || (x0 > maxX && x1 > maxX) || (y0 < minY && y1 < minY) || (y0 > maxY && y1 > maxY)) continue;
    const ax = (x0 - px) * mx, ay = (y0 - py) * my;
    const bx = (x1 - px) * mx, by = (y1 - py) * my;
    const vx = bx - ax, vy = by - ay;
    const len2 = vx * vx + vy * vy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * vx + ay * vy) / len2)) : 0;
    const d = Math.hypot(ax + t * vx, ay + t * vy);
    if (d < best) best = d;
  }
  return best;
}

/** Even–odd point in polygon over all rings (a MultiPolygon's pieces and holes). */
function containsPoint(edges: Edges, px: number, py: number): boolean {
  let inside = false;
  const s = edges.seg;
  const hits = edgesNear(edges, px, py, Infinity, py);
  const n = hits ? hits.length : edges.count;
  for (let h = 0; h < n; h++) {
    const e = hits ? hits[h]! : h;
    const x0 = s[4 * e]!, y0 = s[4 * e + 1]!, x1 = s[4 * e + 2]!, y1 = s[4 * e + 3]!;
    if (y0 > py !== y1 > py && px < ((x1 - x0) * (py - y0)) / (y1 - y0) + x0) inside = !inside;
  }
  return inside;
}

/**
 * A point strictly inside (farther than {@link ON_BORDER_M} from the border) the committee of
 * `edges`. The border first: most points probed lie on a shared border, and that query is small.
 */
function strictlyInside(edges: Edges, px: number, py: number): boolean {
  return nearestEdgeM(edges, px, py, ON_BORDER_M) > ON_BORDER_M && containsPoint(edges, px, py);
}

/** Whether an edge of `to` crosses the segment p–q properly (each strictly on both sides of the other). */
function crossesProperly(to: Edges, px: number, py: number, qx: number, qy: number): boolean {
  const minX = Math.min(px, qx), minY = Math.min(py, qy), maxX = Math.max(px, qx), maxY = Math.max(py, qy);
  const t = to.seg;
  const hits = edgesNear(to, minX, minY, maxX, maxY);
  const n = hits ? hits.length : to.count;
  for (let h = 0; h < n; h++) {
    const f = hits ? hits[h]! : h;
    const ax = t[4 * f]!, ay = t[4 * f + 1]!, bx = t[4 * f + 2]!, by = t[4 * f + 3]!;
    // a proper crossing needs the boxes to meet
    if ((ax < minX && bx < minX) || (ax > maxX && bx > maxX) || (ay < minY && by < minY) || (ay > maxY && by > maxY)) continue;
    const d1 = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    const d2 = (bx - ax) * (qy - ay) - (by - ay) * (qx - ax);
    const d3 = (qx - px) * (ay - py) - (qy - py) * (ax - px);
    const d4 = (qx - px) * (by - py) - (qy - py) * (bx - px);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  }
  return false;
}

/**
 * Whether an edge of `from` in the box [x0, y0, x1, y1] has its first vertex or its midpoint
 * (inside the box) strictly inside `to`, or crosses an edge of `to` properly.
 */
function probeEdges(from: Edges, to: Edges, x0: number, y0: number, x1: number, y1: number): boolean {
  const s = from.seg;
  const hits = edgesNear(from, x0, y0, x1, y1);
  const n = hits ? hits.length : from.count;
  for (let h = 0; h < n; h++) {
    const e = hits ? hits[h]! : h;
    const px = s[4 * e]!, py = s[4 * e + 1]!, qx = s[4 * e + 2]!, qy = s[4 * e + 3]!;
    if (px >= x0 && px <= x1 && py >= y0 && py <= y1 && strictlyInside(to, px, py)) return true;
    const mx = (px + qx) / 2, my = (py + qy) / 2;
    if (mx >= x0 && mx <= x1 && my >= y0 && my <= y1 && strictlyInside(to, mx, my)) return true;
    if (crossesProperly(to, px, py, qx, qy)) return true;
  }
  return false;
}

/**
 * Cheap test whether the interiors of two committees can meet: a vertex or an edge midpoint of one
 * strictly inside the other, two edges crossing properly, or equal bounding boxes (duplicates).
 * False means they only touch along borders or not at all.
 */
function interiorsMayMeet(ea: Edges, ba: BBox, eb: Edges, bb: BBox): boolean {
  if (ba[0] === bb[0] && ba[1] === bb[1] && ba[2] === bb[2] && ba[3] === bb[3]) return true;
  const x0 = Math.max(ba[0], bb[0]), y0 = Math.max(ba[1], bb[1]), x1 = Math.min(ba[2], bb[2]), y1 = Math.min(ba[3], bb[3]);
  return probeEdges(ea, eb, x0, y0, x1, y1) || probeEdges(eb, ea, x0, y0, x1, y1);
}


/**
 * Overlap and gap warnings between committees. Never throws (a clipping failure becomes an
 * `overlap-check-failed` warning).
 *
 * - `overlap` (warning): two committees of the dataset whose interiors share more than
 *   `overlapToleranceM2`. Pairs come from a Flatbush index of bounding boxes; a pair whose common
 *   bounding box is smaller than the tolerance (neighbours touching along a straight border, every
 *   pair of a grid) is dismissed without clipping; the others are intersected with polyclip-ts.
 * - `gap` (warning): inside one street office, two committees whose borders run near each other
 *   without coinciding: a vertex of one lies outside the other at a distance d from its border with
 *   1 cm < d ≤ `gapToleranceM`, and on no third committee (a sliver or a crack that the adjacency
 *   snapping has to bridge). At least two such vertices are needed: one vertex alone is a border that
 *   ends near a neighbour's corner (a junction with a coast), not two borders running side by side.
 *   One warning per pair, with the number of such vertices and the widest distance. Cost: one
 *   indexed nearest-edge query per vertex that falls in a neighbour's bounding box. Not detected:
 *   cracks wider than the tolerance, holes of the union enclosed by the street office's committees
 *   (a lake or a park is not an error), gaps between street offices.
 *
 * @param items committees with valid geometry
 * @param [options.overlapToleranceM2=100]
 * @param [options.gapToleranceM=2]
 * @param [options.overlaps=true]
 * @param [options.gaps=true]
 */
export function findTopologyProblems(items: readonly TopologyItem[], options: TopologyOptions = {}): Problem[] {
  const overlapTol = options.overlapToleranceM2 ?? 100;
  const gapTol = options.gapToleranceM ?? 2;
  const doOverlaps = options.overlaps ?? true;
  const doGaps = (options.gaps ?? true) && gapTol > 0;
  const problems: Problem[] = [];
  if (items.length < 2 || (!doOverlaps && !doGaps)) return problems;

  const boxes = items.map((it) => calcBBox(it.geometry));
  const index = new Flatbush(items.length);
  // Boxes grown by the gap tolerance, so that near-miss neighbours are found too.
  const grow = doGaps ? gapTol / M_PER_DEG : 0;
  for (const b of boxes) {
    const gx = grow / Math.max(0.01, Math.cos((((b[1] + b[3]) / 2) * Math.PI) / 180));
    index.add(b[0] - gx, b[1] - grow, b[2] + gx, b[3] + grow);
  }
  index.finish();
  const edgeCache = new Map<number, Edges>();
  const edgesOf = (i: number): Edges => {
    let e = edgeCache.get(i);
    if (!e) {
      e = makeEdges(items[i]!.geometry);
      edgeCache.set(i, e);
    }
    return e;
  };

  /** True when p lies on the border or inside a committee other than i and j (a junction, not a gap). */
  const filledByThird = (p: Position, i: number, j: number): boolean => {
    for (const k of index.search(p[0], p[1], p[0], p[1])) {
      if (k === i || k === j) continue;
      const e = edgesOf(k);
      if (nearestEdgeM(e, p[0], p[1], ON_BORDER_M) <= ON_BORDER_M || containsPoint(e, p[0], p[1])) return true;
    }
    return false;
  };

  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    const ba = boxes[i]!;
    const gx = grow / Math.max(0.01, Math.cos((((ba[1] + ba[3]) / 2) * Math.PI) / 180));
    const near = index.search(ba[0] - gx, ba[1] - grow, ba[2] + gx, ba[3] + grow);
    for (const j of near) {
      if (j <= i) continue;
      const b = items[j]!;
      const bb = boxes[j]!;
      // overlap: clip only pairs whose common bbox can hold more than the tolerance and whose
      // interiors provably meet (a vertex or edge midpoint strictly inside the other, a proper
      // crossing of edges, or equal bounding boxes)
      if (doOverlaps) {
        const w = Math.min(ba[2], bb[2]) - Math.max(ba[0], bb[0]);
        const h = Math.min(ba[3], bb[3]) - Math.max(ba[1], bb[1]);
        const midLat = (Math.max(ba[1], bb[1]) + Math.min(ba[3], bb[3])) / 2;
        if (
          w > 0 && h > 0 &&
          w * h * M_PER_DEG * M_PER_DEG * Math.cos(midLat * RAD) > overlapTol &&
          interiorsMayMeet(edgesOf(i), ba, edgesOf(j), bb)
        ) {
          try {
            const common = intersection(a.geometry, b.geometry);
            const area = calcAreaM2(common);
            if (area > overlapTol) {
              problems.push({
                code: 'overlap',
                severity: 'warning',
                message: `committees "${a.id}" and "${b.id}" overlap by ${area.toFixed(0)} m² (tolerance ${overlapTol} m²)`,
                feature: a.feature,
                id: a.id,
                field: 'geometry',
                other: { feature: b.feature, id: b.id },
              });
            }
          } catch (err) {
            problems.push({
              code: 'overlap-check-failed',
              severity: 'warning',
              message: `could not intersect "${a.id}" and "${b.id}" to check for overlap (${err instanceof Error ? err.message : String(err)})`,
              feature: a.feature,
              id: a.id,
              field: 'geometry',
              other: { feature: b.feature, id: b.id },
            });
          }
        }
      }
      // gap
      if (doGaps && a.streetOffice !== undefined && a.streetOffice === b.streetOffice) {
        let count = 0;
        let widest = 0;
        let where: Position | undefined;
        const scan = (from: MultiPolygonCoords, to: Edges, box: BBox): void => {
          const gxb = grow / Math.max(0.01, Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180));
          for (const polygon of from) {
            for (const ring of polygon) {
              for (let k = 0; k + 1 < ring.length; k++) {
                const p = ring[k]!;
                if (p[0] < box[0] - gxb || p[0] > box[2] + gxb || p[1] < box[1] - grow || p[1] > box[3] + grow) continue;
                const d = nearestEdgeM(to, p[0], p[1], gapTol);
                if (d > ON_BORDER_M && d <= gapTol && !containsPoint(to, p[0], p[1]) && !filledByThird(p, i, j)) {
                  count++;
                  if (d > widest) {
                    widest = d;
                    where = p;
                  }
                }
              }
            }
          }
        };
        scan(a.geometry, edgesOf(j), bb);
        scan(b.geometry, edgesOf(i), ba);
        if (count >= 2 && where) {
          problems.push({
            code: 'gap',
            severity: 'warning',
            message:
              `the borders of "${a.id}" and "${b.id}" run up to ${widest.toFixed(2)} m apart without meeting ` +
              `(${count} vertices, widest near [${where[0]}, ${where[1]}]; tolerance ${gapTol} m)`,
            feature: a.feature,
            id: a.id,
            field: 'geometry',
            other: { feature: b.feature, id: b.id },
          });
        }
      }
    }
  }
  return problems;
}
