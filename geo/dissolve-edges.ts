/**
 * Fast exact dissolve for topologically clean parts: borders shared by two parts carry the same
 * vertices, so the union's boundary is every edge that no other edge cancels (the same vertex pair
 * in the opposite direction), chained into rings. `dissolve` tries it first and falls back to
 * polyclip-ts whenever it answers `null`.
 */
import type { MultiPolygonCoords, PolygonCoords, Position, Ring } from './types.js';
import { calcRingBBox, calcRingDoubleArea, type BBox } from './planar.js';

/**
 * The union of `parts` by edge cancellation, or `null` when the parts are not topologically clean
 * enough for it (the caller then needs a general polygon union).
 *
 * Steps: every ring is oriented (outer counter-clockwise, holes clockwise) and its directed edges
 * collected; an edge meeting its reverse is dropped with it (a shared border); the rest is chained
 * into rings, turning as far left as possible at a vertex with several ways on (so rings that touch
 * at a point stay separate rings); counter-clockwise rings are outers, clockwise rings holes, and
 * each hole goes to the smallest outer ring around it.
 *
 * Answers `null` (never a wrong union) when: a ring is degenerate (under 3 distinct positions or no
 * area); two edges run the same way between the same vertices (overlapping parts); a vertex has
 * more edges in than out; the chaining is not one way through every edge; a ring has no area (a
 * vertex of one part on the middle of another's edge: a T-junction); two edges of the result meet
 * anywhere but at a common vertex (mismatched or crossing borders); or the rings do not nest as a
 * valid polygon set (an outer ring inside another without a hole between: parts inside parts).
 *
 * Coordinates are compared exactly; round them beforehand (as `dissolve` does) when parts may
 * differ by noise. Holes whose mean width (2·area / perimeter, metres) is below `sliverWidthMeters`
 * are dropped, as `dissolve` does for polyclip's output. The input is never modified.
 *
 * @param parts MultiPolygon coordinates of each part (WGS84, any winding, rings closed or not)
 * @param [options.sliverWidthMeters=2] holes narrower than this on average are dropped
 * @param [options.meanWidthMeters] how the width of a ring is measured, in metres
 * @returns the union as RFC 7946 MultiPolygon coordinates (closed rings, outer CCW, holes CW), or null
 * @example dissolveByEdges([a.geometry, b.geometry], { sliverWidthMeters: 2, meanWidthMeters }) ?? fallback()
 */
export function dissolveByEdges(
  parts: readonly MultiPolygonCoords[],
  options: { sliverWidthMeters?: number; meanWidthMeters: (ring: Ring) => number },
): MultiPolygonCoords | null {
  const sliver = options.sliverWidthMeters ?? 2;
  // 1. Rings, oriented, without repeated positions; their positions flattened.
  const xs: number[] = [];
  const ys: number[] = [];
  const ringStart: number[] = [];
  for (const mp of parts) {
    for (const poly of mp) {
      for (let r = 0; r < poly.length; r++) {
        const ring = poly[r]!;
        const start = xs.length;
        for (const p of ring) {
          const n = xs.length - start;
          if (n > 0 && xs[xs.length - 1] === p[0] && ys[ys.length - 1] === p[1]) continue;
          xs.push(p[0]);
          ys.push(p[1]);
        }
        // drop the closing position(s)
        while (xs.length - start > 1 && xs[xs.length - 1] === xs[start] && ys[ys.length - 1] === ys[start]) {
          xs.pop();
          ys.pop();
        }
        const n = xs.length - start;
        if (n < 3) return null;
        const area = signedArea2Flat(xs, ys, start, xs.length);
        if (area === 0) return null;
        if ((r === 0) !== area > 0) reverseRange(xs, ys, start, xs.length);
        ringStart.push(start);
      }
    }
  }
  ringStart.push(xs.length);
  const nPos = xs.length;
  if (nPos === 0) return [];

  // 2. Vertex ids: equal positions get equal ids.
  const order = Array.from({ length: nPos }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  const vid = new Int32Array(nPos);
  const vx: number[] = [];
  const vy: number[] = [];
  for (let k = 0; k < nPos; k++) {
    const i = order[k]!;
    if (k === 0 || xs[i] !== vx[vx.length - 1] || ys[i] !== vy[vy.length - 1]) {
      vx.push(xs[i]!);
      vy.push(ys[i]!);
    }
    vid[i] = vx.length - 1;
  }
  const nV = vx.length;

  // 3. Directed edges; same-direction duplicates mean overlapping parts.
  const from = new Int32Array(nPos);
  const to = new Int32Array(nPos);
  const edgeOf = new Map<number, number>();
  for (let r = 0; r + 1 < ringStart.length; r++) {
    const s = ringStart[r]!, e = ringStart[r + 1]!;
    for (let i = s; i < e; i++) {
      const a = vid[i]!, b = vid[i + 1 < e ? i + 1 : s]!;
      if (a === b) return null; // cannot happen after dropping repeats; guards odd input
      from[i] = a;
      to[i] = b;
      const key = a * nV + b;
      if (edgeOf.has(key)) return null;
      edgeOf.set(key, i);
    }
  }

  // 4. Cancel shared borders.
  const alive = new Uint8Array(nPos).fill(1);
  for (let i = 0; i < nPos; i++) {
    if (!alive[i]) continue;
    const j = edgeOf.get(to[i]! * nV + from[i]!);
    if (j !== undefined) {
      alive[i] = 0;
      alive[j] = 0;
    }
  }

  // 5. Outgoing edges per vertex (CSR); in-degree must equal out-degree.
  const outCount = new Int32Array(nV + 1);
  const inCount = new Int32Array(nV);
  let live = 0;
  for (let i = 0; i < nPos; i++) {
    if (!alive[i]) continue;
    live++;
    outCount[from[i]! + 1]!++;
    inCount[to[i]!]!++;
  }
  if (live === 0) return [];
  for (let v = 0; v < nV; v++) if (outCount[v + 1] !== inCount[v]) return null;
  for (let v = 0; v < nV; v++) outCount[v + 1]! += outCount[v]!;
  const outEdges = new Int32Array(live);
  const fill = outCount.slice(0, nV);
  for (let i = 0; i < nPos; i++) if (alive[i]) outEdges[fill[from[i]!]!++] = i;

  // 6. Next edge of each live edge: the leftmost turn (first outgoing edge clockwise from the way back).
  const next = new Int32Array(nPos).fill(-1);
  const taken = new Uint8Array(nPos);
  for (let i = 0; i < nPos; i++) {
    if (!alive[i]) continue;
    const v = to[i]!;
    const lo = outCount[v]!, hi = outCount[v + 1]!;
    let chosen = outEdges[lo]!;
    if (hi - lo > 1) {
      const back = Math.atan2(vy[from[i]!]! - vy[v]!, vx[from[i]!]! - vx[v]!);
      let best = Infinity;
      for (let k = lo; k < hi; k++) {
        const o = outEdges[k]!;
        let cw = back - Math.atan2(vy[to[o]!]! - vy[v]!, vx[to[o]!]! - vx[v]!);
        if (cw <= 0) cw += 2 * Math.PI;
        if (cw < best) {
          best = cw;
          chosen = o;
        }
      }
    }
    if (taken[chosen]) return null; // not one way through every edge: rings cross at a vertex
    taken[chosen] = 1;
    next[i] = chosen;
  }

  // 7. Rings: each closed walk, split into simple rings where it passes a vertex twice (a hole
  // that touches its outer ring at a point is walked together with it).
  const rings: Ring[] = [];
  const seen = new Uint8Array(nPos);
  const onStack = new Int32Array(nV).fill(-1);
  for (let i = 0; i < nPos; i++) {
    if (!alive[i] || seen[i]) continue;
    const stack: number[] = [];
    for (let e = i; !seen[e]; e = next[e]!) {
      seen[e] = 1;
      const v = from[e]!;
      const at = onStack[v]!;
      if (at >= 0) {
        const loop = stack.splice(at);
        for (const u of loop) onStack[u] = -1;
        rings.push(makeRing(loop, vx, vy));
      }
      onStack[v] = stack.length;
      stack.push(v);
    }
    for (const u of stack) onStack[u] = -1;
    rings.push(makeRing(stack, vx, vy));
  }

  // 8. Edges of the result meet only at common vertices.
  if (!edgesOnlyMeetAtVertices(rings)) return null;

  // 9. Classify, nest, drop slivers.
  const areas = rings.map((r) => calcRingDoubleArea(r));
  if (areas.some((a) => a === 0)) return null;
  const boxes = rings.map((r) => calcRingBBox(r));
  const depth = rings.map((ring, k) => {
    const probe = midpointOf(ring);
    let d = 0;
    for (let m = 0; m < rings.length; m++) {
      if (m === k || !boxContains(boxes[m]!, boxes[k]!)) continue;
      if (pointInRing(probe, rings[m]!)) d++;
    }
    return d;
  });
  for (let k = 0; k < rings.length; k++) if ((areas[k]! > 0) !== (depth[k]! % 2 === 0)) return null;
  const outers = rings.map((_, k) => k).filter((k) => areas[k]! > 0);
  const polys = new Map<number, PolygonCoords>(outers.map((k) => [k, [rings[k]!]]));
  for (let k = 0; k < rings.length; k++) {
    if (areas[k]! > 0) continue;
    if (options.meanWidthMeters(rings[k]!) < sliver) continue;
    // the smallest outer ring around the hole, one level up
    const probe = midpointOf(rings[k]!);
    let owner = -1;
    for (const o of outers) {
      if (depth[o] !== depth[k]! - 1 || !boxContains(boxes[o]!, boxes[k]!)) continue;
      if (!pointInRing(probe, rings[o]!)) continue;
      if (owner < 0 || areas[o]! < areas[owner]!) owner = o;
    }
    if (owner < 0) return null;
    polys.get(owner)!.push(rings[k]!);
  }
  return outers.map((k) => polys.get(k)!);
}

/** The closed ring through the given vertex ids. */
function makeRing(ids: readonly number[], vx: readonly number[], vy: readonly number[]): Ring {
  const ring: Ring = ids.map((v): Position => [vx[v]!, vy[v]!]);
  ring.push([vx[ids[0]!]!, vy[ids[0]!]!]);
  return ring;
}

/** Twice the signed area of positions [s, e) of the flat arrays (implicitly closed). */
function signedArea2Flat(xs: readonly number[], ys: readonly number[], s: number, e: number): number {
  let sum = 0;
  const x0 = xs[s]!, y0 = ys[s]!;
  for (let i = s + 1; i + 1 < e; i++) sum += (xs[i]! - x0) * (ys[i + 1]! - y0) - (xs[i + 1]! - x0) * (ys[i]! - y0);
  return sum;
}

function reverseRange(xs: number[], ys: number[], s: number, e: number): void {
  for (let i = s, j = e - 1; i < j; i++, j--) {
    const tx = xs[i]!, ty = ys[i]!;
    xs[i] = xs[j]!;
    ys[i] = ys[j]!;
    xs[j] = tx;
    ys[j] = ty;
  }
}

type Box = BBox;

function boxContains(outer: Box, inner: Box): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

/** The midpoint of the ring's first edge: on no other ring (edges meet only at vertices). */
function midpointOf(ring: Ring): Position {
  return [(ring[0]![0] + ring[1]![0]) / 2, (ring[0]![1] + ring[1]![1]) / 2];
}

/** Even–odd point in ring. */
function pointInRing(p: Position, ring: Ring): boolean {
  let inside = false;
  for (let k = 0; k + 1 < ring.length; k++) {
    const a = ring[k]!, b = ring[k + 1]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** Sign of the cross product (b − a) × (c − a). */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const d = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** c lies on the segment a–b (given that the three are collinear). */
function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

/**
 * True when no two edges of the rings meet except at a common end vertex (exact positions): a sweep
 * over the edges sorted by their west end.
 */
function edgesOnlyMeetAtVertices(rings: readonly Ring[]): boolean {
  const seg: number[] = [];
  for (const ring of rings) {
    for (let k = 0; k + 1 < ring.length; k++) seg.push(ring[k]![0], ring[k]![1], ring[k + 1]![0], ring[k + 1]![1]);
  }
  const n = seg.length / 4;
  if (n <= 3) return true;
  const minX = (e: number): number => Math.min(seg[4 * e]!, seg[4 * e + 2]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => minX(a) - minX(b));
  const active: number[] = [];
  for (const e of order) {
    const ax = seg[4 * e]!, ay = seg[4 * e + 1]!, bx = seg[4 * e + 2]!, by = seg[4 * e + 3]!;
    const x0 = Math.min(ax, bx);
    const eMinY = Math.min(ay, by), eMaxY = Math.max(ay, by);
    let w = 0;
    for (let k = 0; k < active.length; k++) {
      const f = active[k]!;
      const cx = seg[4 * f]!, cy = seg[4 * f + 1]!, dx = seg[4 * f + 2]!, dy = seg[4 * f + 3]!;
      if (Math.max(cx, dx) < x0) continue; // ends west of the sweep: drop from the active list
      active[w++] = f;
      if (Math.max(cy, dy) < eMinY || Math.min(cy, dy) > eMaxY) continue;
      if (segmentsMeetElsewhere(ax, ay, bx, by, cx, cy, dx, dy)) return false;
    }
    active.length = w;
    active.push(e);
  }
  return true;
}

/** Segments a–b and c–d have a point in common other than an end vertex they share. */
function segmentsMeetElsewhere(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const sameA = (ax === cx && ay === cy) || (ax === dx && ay === dy);
  const sameB = (bx === cx && by === cy) || (bx === dx && by === dy);
  if (sameA && sameB) return true; // the same edge twice (or reversed): overlap
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (sameA || sameB) {
    // one shared end: they meet elsewhere only when collinear and overlapping
    if (o1 !== 0 || o2 !== 0) return false;
    const [sx, sy, ox, oy] = sameA ? [ax, ay, bx, by] : [bx, by, ax, ay];
    const [px, py] = (cx === sx && cy === sy) ? [dx, dy] : [cx, cy];
    // overlapping when both other ends lie on the same side of the shared vertex
    return (ox - sx) * (px - sx) + (oy - sy) * (py - sy) > 0;
  }
  if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) return true; // proper crossing
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
}
