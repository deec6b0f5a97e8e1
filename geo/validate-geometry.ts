/**
 * Geometry checks and normalisation of one feature: structure, numbers, range, CRS, rings.
 */
import type { CrsReader } from './crs.js';
import type { MultiPolygonCoords, PolygonCoords, Position, Problem, Ring } from './types.js';
import { calcRingDoubleArea } from './planar.js';

/** A problem about one feature before ingest adds the feature's index and id. */
export type FeatureProblem = Omit<Problem, 'feature' | 'id'>;

export interface GeometryResult {
  /** Normalised geometry, present only when the feature's geometry has no fatal problem. */
  geometry?: MultiPolygonCoords;
  problems: FeatureProblem[];
}

export interface ValidateGeometryOptions {
  /** How to read coordinates; undefined when no CRS is declared (lon/lat expected). */
  crs?: CrsReader;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fmt = (p: readonly number[]): string => `[${p.map((x) => +x.toPrecision(10)).join(', ')}]`;

/**
 * Checks one feature's geometry and returns it normalised to a MultiPolygon in WGS84 lon/lat:
 * projected coordinates reprojected, z dropped, consecutive duplicate positions removed, rings closed,
 * outer rings counter-clockwise and holes clockwise (RFC 7946). Never throws.
 *
 * Codes (all fatal except `ring-unclosed`): `geometry-missing`, `geometry-type`, `geometry-malformed`,
 * `geometry-empty`, `coordinate-not-number`, `coordinates-out-of-range`, `ring-too-few-points`,
 * `ring-degenerate`, `ring-self-intersection`, `rings-cross`, `hole-outside`, `polygons-overlap`
 * (see {@link findRingConflict}); `ring-unclosed` is a warning: the ring is closed by
 * repeating its first position (the intent is unambiguous).
 *
 * @param geometry the feature's `geometry` member as parsed
 * @param [options.crs] the CRS reader; without it coordinates must be lon/lat
 */
export function validateGeometry(geometry: unknown, options: ValidateGeometryOptions = {}): GeometryResult {
  const problems: FeatureProblem[] = [];
  const fatal = (code: string, message: string): void => {
    problems.push({ code, severity: 'fatal', message, field: 'geometry' });
  };
  if (geometry === undefined || geometry === null) {
    fatal('geometry-missing', 'the feature has no geometry');
    return { problems };
  }
  if (!isObject(geometry) || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    const t = isObject(geometry) ? JSON.stringify(geometry.type) : Array.isArray(geometry) ? 'an array' : typeof geometry;
    fatal('geometry-type', `geometry type is ${t}; a committee needs a Polygon or MultiPolygon`);
    return { problems };
  }
  const coords = geometry.coordinates;
  const polygonsRaw: unknown[] | undefined =
    geometry.type === 'Polygon' ? (Array.isArray(coords) ? [coords] : undefined) : Array.isArray(coords) ? coords : undefined;
  if (!polygonsRaw) {
    fatal('geometry-malformed', `${geometry.type} coordinates are not an array`);
    return { problems };
  }
  if (polygonsRaw.length === 0 || polygonsRaw.every((p) => Array.isArray(p) && p.length === 0)) {
    fatal('geometry-empty', `the ${geometry.type} has no rings`);
    return { problems };
  }
  const crs = options.crs;
  const projection = crs?.kind === 'projected' ? crs.projection : undefined;
  let outOfRange: { raw: number[]; count: number } | undefined;
  const out: MultiPolygonCoords = [];
  let broken = false;

  for (let pi = 0; pi < polygonsRaw.length; pi++) {
    const polyRaw = polygonsRaw[pi];
    const where = (ri: number): string => (geometry.type === 'MultiPolygon' ? `polygon ${pi} ring ${ri}` : `ring ${ri}`);
    if (!Array.isArray(polyRaw) || polyRaw.length === 0) {
      fatal('geometry-malformed', `${geometry.type === 'MultiPolygon' ? `polygon ${pi}` : 'the polygon'} is not a non-empty array of rings`);
      broken = true;
      continue;
    }
    const polygon: PolygonCoords = [];
    for (let ri = 0; ri < polyRaw.length; ri++) {
      const ringRaw = polyRaw[ri];
      if (!Array.isArray(ringRaw)) {
        fatal('geometry-malformed', `${where(ri)} is not an array of positions`);
        broken = true;
        continue;
      }
      // 1. numbers
      let bad: string | undefined;
      for (let k = 0; k < ringRaw.length && bad === undefined; k++) {
        const p = ringRaw[k];
        if (!Array.isArray(p) || p.length < 2) bad = `position ${k} of ${where(ri)} is ${JSON.stringify(p)}, not [x, y]`;
        else if (typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          bad = `position ${k} of ${where(ri)} is ${JSON.stringify(p)}: coordinates must be numbers`;
        }
      }
      if (bad !== undefined) {
        fatal('coordinate-not-number', bad);
        broken = true;
        continue;
      }
      const raw = ringRaw as number[][];
      // 2. range (raw when no CRS, after reprojection otherwise), dedupe consecutive duplicates
      const ring: Ring = [];
      let prevX = NaN, prevY = NaN;
      for (const p of raw) {
        const x = p[0]!, y = p[1]!;
        if (x === prevX && y === prevY) continue;
        prevX = x;
        prevY = y;
        const q: Position = projection ? projection.inverse([x, y]) : [x, y];
        if (!(Math.abs(q[0]) <= 180 && Math.abs(q[1]) <= 90)) {
          if (outOfRange) outOfRange.count++;
          else outOfRange = { raw: p, count: 1 };
        }
        ring.push(q);
      }
      // 3. closure: compare raw positions so that a projected ring closes exactly
      const first = raw[0], last = raw[raw.length - 1];
      if (ring.length > 1 && first && last && (first[0] !== last[0] || first[1] !== last[1])) {
        problems.push({
          code: 'ring-unclosed',
          severity: 'warning',
          message: `${where(ri)} does not end where it starts; closed by repeating its first position`,
          field: 'geometry',
        });
        ring.push([ring[0]![0], ring[0]![1]]);
      }
      polygon.push(ring);
    }
    out.push(polygon);
  }
  if (outOfRange) {
    const advice = crs
      ? `after reading them as ${crs.code}: is that the right CRS?`
      : 'they look projected: declare the CRS with a top-level "crs" member or the crs option (e.g. EPSG:4547, EPSG:32650, EPSG:3857)';
    fatal(
      'coordinates-out-of-range',
      `${outOfRange.count} position(s) outside lon [-180, 180] / lat [-90, 90], first ${fmt(outOfRange.raw)}; ${advice}`,
    );
    return { problems };
  }
  if (broken) return { problems };

  // 4. rings: size, area, simplicity, orientation
  const result: MultiPolygonCoords = [];
  for (let pi = 0; pi < out.length; pi++) {
    const polygon = out[pi]!;
    const where = (ri: number): string => (geometry.type === 'MultiPolygon' ? `polygon ${pi} ring ${ri}` : `ring ${ri}`);
    const normal: PolygonCoords = [];
    for (let ri = 0; ri < polygon.length; ri++) {
      const ring = polygon[ri]!;
      if (ring.length < 4) {
        fatal('ring-too-few-points', `${where(ri)} has ${Math.max(0, ring.length - 1)} distinct position(s); a ring needs at least 3`);
        broken = true;
        continue;
      }
      if (isCollinear(ring)) {
        fatal('ring-degenerate', `${where(ri)} has zero area (its positions are on one line)`);
        broken = true;
        continue;
      }
      const crossing = findRingSelfIntersection(ring);
      if (crossing) {
        fatal('ring-self-intersection', `${where(ri)} crosses or touches itself near ${fmt(crossing)}`);
        broken = true;
        continue;
      }
      const a2 = calcRingDoubleArea(ring);
      const wantCcw = ri === 0;
      normal.push(a2 > 0 === wantCcw ? ring : ring.slice().reverse());
    }
    result.push(normal);
  }
  if (broken) return { problems };
  const conflict = findRingConflict(result);
  if (conflict) {
    const name = (pi: number, ri: number): string => (geometry.type === 'MultiPolygon' ? `polygon ${pi} ring ${ri}` : `ring ${ri}`);
    if (conflict.kind === 'cross') {
      fatal('rings-cross', `${name(conflict.a[0], conflict.a[1])} and ${name(conflict.b[0], conflict.b[1])} cross near ${fmt(conflict.at)}`);
    } else if (conflict.kind === 'hole-outside') {
      fatal('hole-outside', `${name(conflict.a[0], conflict.a[1])} is a hole but lies outside its outer ring (ring 0${geometry.type === 'MultiPolygon' ? ` of polygon ${conflict.a[0]}` : ''}); a hole must be inside it`);
    } else {
      const [a, b] = [conflict.a[0], conflict.b[0]];
      fatal('polygons-overlap', conflict.kind === 'same'
        ? `polygons ${a} and ${b} of the MultiPolygon are the same polygon; its area would count twice: drop one`
        : `polygon ${b} of the MultiPolygon lies inside polygon ${a}; its area would count twice: if it is a hole, make it a ring of polygon ${a} (in a Shapefile a hole runs counter-clockwise), else dissolve them`);
    }
    return { problems };
  }
  return { geometry: result, problems };
}

type RingRef = [polygon: number, ring: number];
type RingConflict =
  | { kind: 'cross'; a: RingRef; b: RingRef; at: Position }
  | { kind: 'hole-outside'; a: RingRef }
  | { kind: 'inside' | 'same'; a: RingRef; b: RingRef };

/** Whether p lies on an edge of the closed ring. */
function isOnRing(p: Position, ring: Ring): boolean {
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!, b = ring[i + 1]!;
    if (orient(a[0], a[1], b[0], b[1], p[0], p[1]) === 0 && onSegment(a[0], a[1], b[0], b[1], p[0], p[1])) return true;
  }
  return false;
}

/** Whether p lies strictly inside the closed ring (p not on it: see isOnRing). Even-odd rule. */
function isInRing(p: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i + 1 < ring.length; j = i++) {
    const a = ring[i]!, b = ring[j]!;
    if ((a[1] > p[1]) !== (b[1] > p[1]) && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** Whether `ring` lies inside `other` (judged by its first position off `other`); undefined when all are on it. */
function liesInside(ring: Ring, other: Ring): boolean | undefined {
  for (const p of ring) if (!isOnRing(p, other)) return isInRing(p, other);
  return undefined;
}

const sameRing = (a: Ring, b: Ring): boolean => {
  if (a.length !== b.length) return false;
  const key = (p: Position): string => `${p[0]},${p[1]}`;
  const set = new Set(a.map(key));
  return b.every((p) => set.has(key(p)));
};

/**
 * How the simple rings of one feature fail to make valid polygons, or undefined: two rings that
 * cross (touching at a point or along an edge is allowed: real parts often share a border), a
 * hole outside its outer ring (or around it: its area would be negative), a polygon of a
 * MultiPolygon inside another or repeated (an island in another polygon's hole is fine; without
 * crossings, one position inside means the whole ring is). A sweep over
 * all edges by x finds crossings in near-linear time; then one position per ring settles containment.
 */
export function findRingConflict(polygons: MultiPolygonCoords): RingConflict | undefined {
  const rings: { ref: RingRef; ring: Ring; box: [number, number, number, number] }[] = [];
  polygons.forEach((poly, pi) => poly.forEach((ring, ri) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of ring) { x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]); }
    rings.push({ ref: [pi, ri], ring, box: [x0, y0, x1, y1] });
  }));
  if (rings.length < 2) return undefined;
  // edges of every ring, sorted by their least x
  const edges: { r: number; i: number; x0: number; x1: number; y0: number; y1: number }[] = [];
  rings.forEach(({ ring }, r) => {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!, b = ring[i + 1]!;
      edges.push({ r, i, x0: Math.min(a[0], b[0]), x1: Math.max(a[0], b[0]), y0: Math.min(a[1], b[1]), y1: Math.max(a[1], b[1]) });
    }
  });
  edges.sort((a, b) => a.x0 - b.x0);
  for (let m = 0; m < edges.length; m++) {
    const e = edges[m]!;
    for (let k = m + 1; k < edges.length && edges[k]!.x0 <= e.x1; k++) {
      const f = edges[k]!;
      if (f.r === e.r || f.y0 > e.y1 || f.y1 < e.y0) continue;
      const re = rings[e.r]!.ring, rf = rings[f.r]!.ring;
      const a = re[e.i]!, b = re[e.i + 1]!, c = rf[f.i]!, d = rf[f.i + 1]!;
      const d1 = orient(c[0], c[1], d[0], d[1], a[0], a[1]), d2 = orient(c[0], c[1], d[0], d[1], b[0], b[1]);
      const d3 = orient(a[0], a[1], b[0], b[1], c[0], c[1]), d4 = orient(a[0], a[1], b[0], b[1], d[0], d[1]);
      if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        const t = d1 / (d1 - d2);
        const [first, second] = e.r < f.r ? [e.r, f.r] : [f.r, e.r];
        return { kind: 'cross', a: rings[first]!.ref, b: rings[second]!.ref, at: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])] };
      }
    }
  }
  // holes inside their outer ring
  for (const poly of polygons.keys()) {
    const shell = polygons[poly]![0]!;
    for (let ri = 1; ri < polygons[poly]!.length; ri++) {
      if (liesInside(polygons[poly]![ri]!, shell) === false) return { kind: 'hole-outside', a: [poly, ri] };
    }
  }
  // polygons apart, or one in a hole of the other
  const shells = rings.filter((r) => r.ref[1] === 0);
  for (let i = 0; i < shells.length; i++) {
    for (let j = i + 1; j < shells.length; j++) {
      const A = shells[i]!, B = shells[j]!;
      if (A.box[2] < B.box[0] || B.box[2] < A.box[0] || A.box[3] < B.box[1] || B.box[3] < A.box[1]) continue;
      if (sameRing(A.ring, B.ring)) return { kind: 'same', a: A.ref, b: B.ref };
      for (const [inner, outer] of [[B, A], [A, B]] as const) {
        if (liesInside(inner.ring, outer.ring) !== true) continue;
        const holes = polygons[outer.ref[0]]!.slice(1);
        if (!holes.some((h) => liesInside(inner.ring, h) !== false)) return { kind: 'inside', a: outer.ref, b: inner.ref };
      }
    }
  }
  return undefined;
}

/**
 * True when every position of the ring lies on one line (within 1e-12 of the ring's size squared):
 * a ring of zero area in every sense, not merely a bow-tie whose lobes cancel.
 */
export function isCollinear(ring: Ring): boolean {
  const p0 = ring[0]!;
  let far = p0;
  let best = 0;
  for (const p of ring) {
    const d = Math.abs(p[0] - p0[0]) + Math.abs(p[1] - p0[1]);
    if (d > best) {
      best = d;
      far = p;
    }
  }
  if (best === 0) return true;
  const eps = 1e-12 * best * best;
  for (const p of ring) {
    if (Math.abs(orient(p0[0], p0[1], far[0], far[1], p[0], p[1])) > eps) return false;
  }
  return true;
}

/** Twice the signed planar area of a closed ring (positive when counter-clockwise); geo/planar.ts. */
export { calcRingDoubleArea };

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number =>
  (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);

/** Whether (rx, ry) lies in the box of the segment p–q (with orient 0: on the segment). */
function onSegment(px: number, py: number, qx: number, qy: number, rx: number, ry: number): boolean {
  return Math.min(px, qx) <= rx && rx <= Math.max(px, qx) && Math.min(py, qy) <= ry && ry <= Math.max(py, qy);
}

/**
 * Finds a place where a closed ring crosses or touches itself (two non-consecutive edges meeting,
 * or two consecutive edges folding back over each other), or undefined when the ring is simple.
 * Consecutive duplicate positions must have been removed. Sweep over edges sorted by min x: near-linear
 * for the rings of real data, O(n²) only when many edges share the same x span.
 */
export function findRingSelfIntersection(ring: Ring): Position | undefined {
  const n = ring.length - 1;
  if (n < 3) return undefined;
  const xs = new Float64Array(n + 1);
  const ys = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    xs[i] = ring[i]![0];
    ys[i] = ring[i]![1];
  }
  const check = (i: number, j: number): Position | undefined => {
    // i < j; edge i is (i, i+1)
    const adjacent = j === i + 1 || (i === 0 && j === n - 1);
    const ax = xs[i]!, ay = ys[i]!, bx = xs[i + 1]!, by = ys[i + 1]!;
    const cx = xs[j]!, cy = ys[j]!, dx = xs[j + 1]!, dy = ys[j + 1]!;
    if (adjacent) {
      // shared vertex s, other ends u (of edge i) and v (of edge j): fold-back when collinear and same direction from s
      let sx: number, sy: number, ux: number, uy: number, vx: number, vy: number;
      if (j === i + 1) { sx = bx; sy = by; ux = ax; uy = ay; vx = dx; vy = dy; }
      else { sx = ax; sy = ay; ux = bx; uy = by; vx = cx; vy = cy; }
      if (orient(sx, sy, ux, uy, vx, vy) === 0 && (ux - sx) * (vx - sx) + (uy - sy) * (vy - sy) > 0) return [sx, sy];
      return undefined;
    }
    const d1 = orient(cx, cy, dx, dy, ax, ay);
    const d2 = orient(cx, cy, dx, dy, bx, by);
    const d3 = orient(ax, ay, bx, by, cx, cy);
    const d4 = orient(ax, ay, bx, by, dx, dy);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
      const t = d1 / (d1 - d2);
      return [ax + t * (bx - ax), ay + t * (by - ay)];
    }
    if (d1 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return [ax, ay];
    if (d2 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return [bx, by];
    if (d3 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return [cx, cy];
    if (d4 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return [dx, dy];
    return undefined;
  };
  if (n <= 16) {
    for (let i = 0; i < n; i++) {
      const x0 = Math.min(xs[i]!, xs[i + 1]!), x1 = Math.max(xs[i]!, xs[i + 1]!);
      const y0 = Math.min(ys[i]!, ys[i + 1]!), y1 = Math.max(ys[i]!, ys[i + 1]!);
      for (let j = i + 1; j < n; j++) {
        // edges whose boxes are apart can neither cross nor touch (adjacent ones are checked for folds)
        const adjacent = j === i + 1 || (i === 0 && j === n - 1);
        if (!adjacent && (Math.max(xs[j]!, xs[j + 1]!) < x0 || Math.min(xs[j]!, xs[j + 1]!) > x1 ||
          Math.max(ys[j]!, ys[j + 1]!) < y0 || Math.min(ys[j]!, ys[j + 1]!) > y1)) continue;
        const hit = check(i, j);
        if (hit) return hit;
      }
    }
    return undefined;
  }
  const minX = new Float64Array(n), maxX = new Float64Array(n), minY = new Float64Array(n), maxY = new Float64Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    minX[i] = Math.min(xs[i]!, xs[i + 1]!);
    maxX[i] = Math.max(xs[i]!, xs[i + 1]!);
    minY[i] = Math.min(ys[i]!, ys[i + 1]!);
    maxY[i] = Math.max(ys[i]!, ys[i + 1]!);
    order[i] = i;
  }
  order.sort((a, b) => minX[a]! - minX[b]!);
  for (let a = 0; a < n; a++) {
    const i = order[a]!;
    const hi = maxX[i]!;
    for (let b = a + 1; b < n; b++) {
      const j = order[b]!;
      if (minX[j]! > hi) break;
      if (minY[j]! > maxY[i]! || maxY[j]! < minY[i]!) continue;
      const hit = i < j ? check(i, j) : check(j, i);
      if (hit) return hit;
    }
  }
  return undefined;
}
