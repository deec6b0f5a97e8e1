import Flatbush from 'flatbush';
import type { AdjacencyOptions, Committee } from './types.js';
import {
  type BoundarySegments, M_PER_DEG, makeBoundarySegments, metersToLatDegrees, metersToLonDegrees,
} from './segment-index.js';
import { RAD } from './planar.js';


/** Default vertex snapping tolerance, m. */
export const DEFAULT_SNAP_TOLERANCE_M = 2;

/**
 * Shared border lengths of committees, in metres on the ground, for every pair whose
 * boundaries come within the snapping tolerance of each other (any length > 0).
 *
 * Definition: for each segment s of a's boundary (outer rings and holes), take the parts of the
 * other committees' boundary segments lying within `snapToleranceMeters` of s's line and project
 * them perpendicularly onto s; each piece of s covered by such projections goes to the committee
 * whose boundary is nearest there (ties to all tied). `L(a→b)` is the total length of a's
 * boundary that goes to b, and the shared border is `(L(a→b) + L(b→a)) / 2`.
 * So slivers and gaps narrower than `tol`, vertices offset by less than `tol`, T-junctions and
 * different vertex densities on the two sides count in full; touching at a point gives 0; and on
 * topologically clean data (borders matching vertex for vertex) the result is the exact shared
 * length, `ST_Length(ST_Intersection(ST_Boundary(a), ST_Boundary(b)))`, except where a's and b's
 * boundaries part at an angle φ < 90° with nobody's boundary along the way (the edge of the
 * dataset): there the border counts on for up to `tol·cot φ`.
 *
 * Distances use a local equirectangular projection at each segment's mid-latitude, so the
 * result is valid anywhere (national datasets included) to well under 0.1%.
 *
 * @param committees committees with MultiPolygon coordinates (WGS84) and unique ids
 * @param [options.snapToleranceMeters=2] boundaries closer than this count as one border
 * @returns `m.get(a).get(b)` = shared border in metres (symmetric); every committee id has an
 *   entry (empty when it touches nobody)
 * @throws Error naming the committee (index and id) for malformed geometry or duplicate ids
 * @example calcSharedBorders(committees).get('c1')?.get('c2') // ≈ 250.3
 */
export function calcSharedBorders(
  committees: readonly Committee[],
  options: Pick<AdjacencyOptions, 'snapToleranceMeters'> = {},
): Map<string, Map<string, number>> {
  const fn = 'calcSharedBorders';
  const tol = readTolerance(options, fn);
  const segs = makeBoundarySegments(committees, fn);
  const out = makeIdMap<number>(committees, fn);
  const pairs = calcSharedBorderPairs(segs, tol);
  for (let k = 0; k < pairs.length; k += 3) {
    const a = committees[pairs[k]!]!.id;
    const b = committees[pairs[k + 1]!]!.id;
    out.get(a)!.set(b, pairs[k + 2]!);
    out.get(b)!.set(a, pairs[k + 2]!);
  }
  return out;
}

/** Reads and checks `snapToleranceMeters` (finite, ≥ 0). */
export function readTolerance(options: Pick<AdjacencyOptions, 'snapToleranceMeters'>, fn: string): number {
  const tol = options.snapToleranceMeters ?? DEFAULT_SNAP_TOLERANCE_M;
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) {
    throw new RangeError(`${fn}: options.snapToleranceMeters must be a finite number ≥ 0, got ${String(tol)}`);
  }
  return tol;
}

/** A Map with an empty entry per committee id; throws on a duplicate id. */
export function makeIdMap<V>(committees: readonly Committee[], fn: string): Map<string, Map<string, V>> {
  const out = new Map<string, Map<string, V>>();
  committees.forEach((c, i) => {
    if (out.has(c.id)) throw new Error(`${fn}: committee ${i} (id ${JSON.stringify(c.id)}): field id is a duplicate`);
    out.set(c.id, new Map());
  });
  return out;
}

/**
 * The core of {@link calcSharedBorders} over flat segments: a flat array of triplets
 * `[i, j, metres, i, j, metres, …]` with committee indices `i < j` and metres > 0.
 */
export function calcSharedBorderPairs(segs: BoundarySegments, tol: number): number[] {
  return combineBorderRows(segs.count, [calcDirectedBorderRows(segs, tol)]);
}

/**
 * Directed border lengths L(i→j) of the committees `from` ≤ i < `to`, in CSR form: row i holds
 * (`cols`, `vals`) from `rowStart[i - from]` to `rowStart[i - from + 1]`. Each row reads only the
 * segments (and the index over all of them), so ranges of rows can be computed apart (in worker
 * threads) and put together with {@link combineBorderRows}: the same pairs as one pass.
 */
export interface DirectedBorderRows {
  from: number;
  to: number;
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** The boxes of the live committees (those with segments) grown by `tol`, indexed. */
function indexLive(segs: BoundarySegments, tol: number): { live: number[]; index: Flatbush | null } {
  const { count, start, bbox } = segs;
  const live: number[] = [];
  for (let i = 0; i < count; i++) if (start[i + 1]! > start[i]!) live.push(i);
  if (live.length < 2) return { live, index: null };
  const tolLat = metersToLatDegrees(tol);
  const index = new Flatbush(live.length);
  for (const i of live) {
    const tolLon = metersToLonDegrees(tol, bbox[4 * i + 1]!, bbox[4 * i + 3]!);
    index.add(bbox[4 * i]! - tolLon, bbox[4 * i + 1]! - tolLat, bbox[4 * i + 2]! + tolLon, bbox[4 * i + 3]! + tolLat);
  }
  index.finish();
  return { live, index };
}

/** {@link DirectedBorderRows} of the committees `from` ≤ i < `to` (all by default). */
export function calcDirectedBorderRows(segs: BoundarySegments, tol: number, from = 0, to = segs.count): DirectedBorderRows {
  const { bbox } = segs;
  const rowStart = new Int32Array(to - from + 1);
  const { live, index } = indexLive(segs, tol);
  if (!index) return { from, to, rowStart, cols: new Int32Array(0), vals: new Float64Array(0) };
  const tolLat = metersToLatDegrees(tol);
  const work = new CommitteeWork(segs, tol);
  let cols = new Int32Array(1024);
  let vals = new Float64Array(1024);
  let nnz = 0;
  const owners: number[] = [];
  const lengths: number[] = [];
  // k: position in `live` of the first live committee at or after `from`
  let k = 0;
  while (k < live.length && live[k]! < from) k++;
  for (let i = from; i < to; i++) {
    rowStart[i - from] = nnz;
    if (live[k] !== i) continue;
    const tolLon = metersToLonDegrees(tol, bbox[4 * i + 1]!, bbox[4 * i + 3]!);
    const found = index.search(
      bbox[4 * i]! - tolLon, bbox[4 * i + 1]! - tolLat, bbox[4 * i + 2]! + tolLon, bbox[4 * i + 3]! + tolLat,
    );
    work.begin(i);
    for (const k2 of found) if (k2 !== k) work.addNeighbour(live[k2]!);
    k++;
    owners.length = 0;
    lengths.length = 0;
    work.resolve(owners, lengths);
    if (nnz + owners.length > cols.length) {
      const c2 = new Int32Array(2 * (nnz + owners.length));
      c2.set(cols);
      cols = c2;
      const v2 = new Float64Array(c2.length);
      v2.set(vals);
      vals = v2;
    }
    for (let m = 0; m < owners.length; m++) {
      cols[nnz] = owners[m]!;
      vals[nnz] = lengths[m]!;
      nnz++;
    }
  }
  rowStart[to - from] = nnz;
  return { from, to, rowStart, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
}

/**
 * The pairs of {@link calcSharedBorderPairs} from directed rows covering committees 0 to
 * `count` - 1, given in order of `from`.
 */
export function combineBorderRows(count: number, parts: readonly DirectedBorderRows[]): number[] {
  const rowStart = new Int32Array(count + 1);
  let nnz = 0;
  for (const p of parts) nnz += p.cols.length;
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  let at = 0, row = 0;
  for (const p of parts) {
    if (p.from !== row) throw new Error(`combineBorderRows: rows ${row} to ${p.from - 1} are missing`);
    for (let i = p.from; i < p.to; i++) rowStart[i] = at + p.rowStart[i - p.from]!;
    cols.set(p.cols, at);
    vals.set(p.vals, at);
    at += p.cols.length;
    row = p.to;
  }
  if (row !== count) throw new Error(`combineBorderRows: rows ${row} to ${count - 1} are missing`);
  rowStart[count] = at;
  const result: number[] = [];
  const find = (i: number, j: number): number => {
    for (let e = rowStart[i]!, end = rowStart[i + 1]!; e < end; e++) if (cols[e] === j) return vals[e]!;
    return 0;
  };
  for (let i = 0; i < count; i++) {
    for (let e = rowStart[i]!, end = rowStart[i + 1]!; e < end; e++) {
      const j = cols[e]!;
      if (j > i) result.push(i, j, (vals[e]! + find(j, i)) / 2);
      else if (find(j, i) === 0) result.push(j, i, vals[e]! / 2); // measured from i's side only
    }
  }
  return result;
}

/**
 * The work for one committee A at a time, with reusable buffers (no allocation per pair):
 * `begin(A)`, `addNeighbour(B)` for each nearby committee, then `resolve()` gives L(A→B) per B.
 *
 * Each segment s of A collects intervals from the neighbours' segments (projections onto s of
 * their parts within tol of s's line, with the across distance α + β·u along s). Where intervals
 * of several neighbours overlap, each piece of s goes to the nearest neighbour there (ties to all
 * tied), so that where A's boundary runs along C after parting from B, it is C's border, not B's.
 */
class CommitteeWork {
  private readonly segs: BoundarySegments;
  private readonly tol: number;
  private readonly tolLat: number;
  private a = -1;
  private candA: Int32Array;
  private candB: Int32Array;
  private west: Float64Array;
  // interval entries of the current committee
  private n = 0;
  private eSeg: Int32Array;
  private eOwner: Int32Array;
  private eLo: Float64Array;
  private eHi: Float64Array;
  private eAlpha: Float64Array;
  private eBeta: Float64Array;
  // scratch for resolve
  private order: Int32Array;
  private counts: Int32Array;

  constructor(segs: BoundarySegments, tol: number) {
    this.segs = segs;
    this.tol = tol;
    this.tolLat = metersToLatDegrees(tol);
    let most = 0;
    for (let i = 0; i < segs.count; i++) most = Math.max(most, segs.start[i + 1]! - segs.start[i]!);
    this.candA = new Int32Array(most);
    this.candB = new Int32Array(most);
    this.west = new Float64Array(most);
    this.counts = new Int32Array(most + 1);
    const cap = 256;
    this.eSeg = new Int32Array(cap);
    this.eOwner = new Int32Array(cap);
    this.eLo = new Float64Array(cap);
    this.eHi = new Float64Array(cap);
    this.eAlpha = new Float64Array(cap);
    this.eBeta = new Float64Array(cap);
    this.order = new Int32Array(cap);
  }

  begin(a: number): void {
    this.a = a;
    this.n = 0;
  }

  private push(s: number, owner: number, lo: number, hi: number, alpha: number, beta: number): void {
    if (this.n === this.eSeg.length) {
      const cap = this.n * 2;
      const grow = <T extends Int32Array | Float64Array>(arr: T, Ctor: new (n: number) => T): T => {
        const next = new Ctor(cap);
        next.set(arr);
        return next;
      };
      this.eSeg = grow(this.eSeg, Int32Array);
      this.eOwner = grow(this.eOwner, Int32Array);
      this.eLo = grow(this.eLo, Float64Array);
      this.eHi = grow(this.eHi, Float64Array);
      this.eAlpha = grow(this.eAlpha, Float64Array);
      this.eBeta = grow(this.eBeta, Float64Array);
      this.order = new Int32Array(cap);
    }
    const k = this.n++;
    this.eSeg[k] = s;
    this.eOwner[k] = owner;
    this.eLo[k] = lo;
    this.eHi[k] = hi;
    this.eAlpha[k] = alpha;
    this.eBeta[k] = beta;
  }

  /** Segments of committee `i` whose box comes within tol of committee `j`'s box. */
  private collect(i: number, j: number, into: Int32Array): number {
    const { start, ax, ay, bx, by, bbox } = this.segs;
    const tolLon = metersToLonDegrees(this.tol, bbox[4 * j + 1]!, bbox[4 * j + 3]!);
    const x0 = bbox[4 * j]! - tolLon, y0 = bbox[4 * j + 1]! - this.tolLat;
    const x1 = bbox[4 * j + 2]! + tolLon, y1 = bbox[4 * j + 3]! + this.tolLat;
    let n = 0;
    for (let s = start[i]!, e = start[i + 1]!; s < e; s++) {
      const sx0 = ax[s]!, sx1 = bx[s]!, sy0 = ay[s]!, sy1 = by[s]!;
      if ((sx0 < x0 && sx1 < x0) || (sx0 > x1 && sx1 > x1) || (sy0 < y0 && sy1 < y0) || (sy0 > y1 && sy1 > y1)) continue;
      into[n++] = s;
    }
    return n;
  }

  /** Intervals on A's segments from neighbour `b`'s segments. */
  addNeighbour(b: number): void {
    const nA = this.collect(this.a, b, this.candA);
    if (nA === 0) return;
    const nB = this.collect(b, this.a, this.candB);
    if (nB === 0) return;
    const { ax, ay, bx, by } = this.segs;
    const { tol, tolLat, candA } = this;
    // Many candidates (long detailed borders): sort them by west end, so that each segment of A
    // scans only those whose x-range can reach it.
    const candB = this.candB.subarray(0, nB);
    let maxW = Infinity;
    const west = this.west;
    if (nB > 24) {
      candB.sort((p, q) => Math.min(ax[p]!, bx[p]!) - Math.min(ax[q]!, bx[q]!));
      maxW = 0;
      for (let q = 0; q < nB; q++) {
        const t = candB[q]!;
        west[q] = Math.min(ax[t]!, bx[t]!);
        const w = Math.abs(bx[t]! - ax[t]!);
        if (w > maxW) maxW = w;
      }
    }
    for (let p = 0; p < nA; p++) {
      const s = candA[p]!;
      const sx0 = ax[s]!, sy0 = ay[s]!, sx1 = bx[s]!, sy1 = by[s]!;
      const my = M_PER_DEG;
      const mx = M_PER_DEG * Math.cos(((sy0 + sy1) / 2) * RAD);
      const tolLon = tol / mx;
      const minX = Math.min(sx0, sx1) - tolLon, maxX = Math.max(sx0, sx1) + tolLon;
      const minY = Math.min(sy0, sy1) - tolLat, maxY = Math.max(sy0, sy1) + tolLat;
      let q0 = 0, q1 = nB;
      if (maxW !== Infinity) {
        // first candidate whose west end is ≥ minX − maxW; stop past maxX
        let lo = 0, hi = nB;
        const from = minX - maxW;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (west[mid]! < from) lo = mid + 1;
          else hi = mid;
        }
        q0 = lo;
        lo = q0;
        hi = nB;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (west[mid]! <= maxX) lo = mid + 1;
          else hi = mid;
        }
        q1 = lo;
      }
      // Fast path: the same segment on the other side (shared vertices, the common case).
      let same = false;
      for (let q = q0; q < q1; q++) {
        const t = candB[q]!;
        if ((ax[t] === sx1 && ay[t] === sy1 && bx[t] === sx0 && by[t] === sy0) ||
          (ax[t] === sx0 && ay[t] === sy0 && bx[t] === sx1 && by[t] === sy1)) {
          same = true;
          break;
        }
      }
      if (same) {
        this.push(s, b, 0, 1, 0, 0);
        continue;
      }
      const dx = (sx1 - sx0) * mx, dy = (sy1 - sy0) * my;
      for (let q = q0; q < q1; q++) {
        const t = candB[q]!;
        const tx0 = ax[t]!, tx1 = bx[t]!, ty0 = ay[t]!, ty1 = by[t]!;
        if ((tx0 < minX && tx1 < minX) || (tx0 > maxX && tx1 > maxX) || (ty0 < minY && ty1 < minY) || (ty0 > maxY && ty1 > maxY)) continue;
        clipNear(dx, dy, (tx0 - sx0) * mx, (ty0 - sy0) * my, (tx1 - sx0) * mx, (ty1 - sy0) * my, tol);
        if (clipHi > clipLo) this.push(s, b, clipLo, clipHi, clipAlpha, clipBeta);
      }
    }
  }

  /** L(A→B) for every neighbour B with a positive length, appended to owners/lengths. */
  resolve(owners: number[], lengths: number[]): void {
    const n = this.n;
    if (n === 0) return;
    const { start, ax, ay, bx, by } = this.segs;
    const s0 = start[this.a]!;
    const nS = start[this.a + 1]! - s0;
    // counting sort of the entries by segment
    const counts = this.counts;
    counts.fill(0, 0, nS + 1);
    for (let k = 0; k < n; k++) counts[this.eSeg[k]! - s0 + 1]!++;
    for (let k = 0; k < nS; k++) counts[k + 1]! += counts[k]!;
    const order = this.order;
    for (let k = 0; k < n; k++) order[counts[this.eSeg[k]! - s0]!++] = k;
    this.nAcc = 0;
    let g = 0;
    while (g < n) {
      const s = this.eSeg[order[g]!]!;
      let h = g + 1;
      while (h < n && this.eSeg[order[h]!]! === s) h++;
      const sy0 = ay[s]!, sy1 = by[s]!;
      const mx = M_PER_DEG * Math.cos(((sy0 + sy1) / 2) * RAD);
      const dx = (bx[s]! - ax[s]!) * mx, dy = (sy1 - sy0) * M_PER_DEG;
      const len = Math.sqrt(dx * dx + dy * dy);
      let single = true;
      let exact = false;
      const first = this.eOwner[order[g]!]!;
      for (let m = g; m < h; m++) {
        const e = order[m]!;
        if (this.eOwner[e] !== first) single = false;
        if (this.eAlpha[e] === 0 && this.eBeta[e] === 0 && this.eLo[e] === 0 && this.eHi[e] === 1) exact = true;
      }
      if (single) this.add(first, len * this.unionMeasure(g, h));
      else if (exact) {
        // the same segment on another side: distance 0 all along, nobody is nearer; owners
        // running exactly along s (distance 0, overlapping data) tie with it
        let last = -1;
        for (let m = g; m < h; m++) {
          const e = order[m]!;
          if (this.eAlpha[e] === 0 && this.eBeta[e] === 0 && this.eOwner[e] !== last) {
            last = this.eOwner[e]!;
            this.add(last, len * (this.eHi[e]! - this.eLo[e]!));
          }
        }
      } else this.nearestOwners(g, h, len);
      g = h;
    }
    for (let m = 0; m < this.nAcc; m++) {
      if (this.accLen[m]! > 0) {
        owners.push(this.accOwner[m]!);
        lengths.push(this.accLen[m]!);
      }
    }
  }

  private nAcc = 0;
  private accOwner: number[] = [];
  private accLen: number[] = [];

  private add(owner: number, len: number): void {
    for (let m = 0; m < this.nAcc; m++) {
      if (this.accOwner[m] === owner) {
        this.accLen[m]! += len;
        return;
      }
    }
    this.accOwner[this.nAcc] = owner;
    this.accLen[this.nAcc] = len;
    this.nAcc++;
  }

  private scratch = new Float64Array(64);
  private ks = new Int32Array(32);

  /** Copies entries order[g..h) into this.ks, sorted by interval start (insertion sort: few). */
  private sortedEntries(g: number, h: number): number {
    const m = h - g;
    if (this.ks.length < m) this.ks = new Int32Array(2 * m);
    const ks = this.ks;
    const eLo = this.eLo;
    for (let x = 0; x < m; x++) {
      const k = this.order[g + x]!;
      const lo = eLo[k]!;
      let y = x - 1;
      while (y >= 0 && eLo[ks[y]!]! > lo) {
        ks[y + 1] = ks[y]!;
        y--;
      }
      ks[y + 1] = k;
    }
    return m;
  }

  /** Measure of the union of the intervals order[g..h). */
  private unionMeasure(g: number, h: number): number {
    if (h - g === 1) {
      const k = this.order[g]!;
      return this.eHi[k]! - this.eLo[k]!;
    }
    const m = this.sortedEntries(g, h);
    const ks = this.ks;
    let total = 0;
    let curLo = this.eLo[ks[0]!]!, curHi = this.eHi[ks[0]!]!;
    for (let x = 1; x < m; x++) {
      const lo = this.eLo[ks[x]!]!, hi = this.eHi[ks[x]!]!;
      if (lo > curHi) {
        total += curHi - curLo;
        curLo = lo;
        curHi = hi;
      } else if (hi > curHi) curHi = hi;
    }
    return total + (curHi - curLo);
  }

  private cover = new Int32Array(32);
  private sub = new Float64Array(64);

  /**
   * Splits segment s (entries order[g..h), several owners) at the intervals' ends; a piece
   * covered by one owner goes to it; a piece covered by several is split again where their
   * distances cross, and each sub-piece goes to the owner(s) at the smallest distance there.
   */
  private nearestOwners(g: number, h: number, len: number): void {
    const { eLo, eHi, eOwner, order } = this;
    const m = h - g;
    if (this.scratch.length < 2 * m) this.scratch = new Float64Array(4 * m);
    if (this.cover.length < m) this.cover = new Int32Array(2 * m);
    const cuts = this.scratch;
    let nc = 0;
    for (let x = g; x < h; x++) {
      const k = order[x]!;
      cuts[nc++] = eLo[k]!;
      cuts[nc++] = eHi[k]!;
    }
    sortNumbers(cuts, nc);
    const cover = this.cover;
    for (let c = 0; c + 1 < nc; c++) {
      const u0 = cuts[c]!, u1 = cuts[c + 1]!;
      if (u1 <= u0) continue;
      const mid = (u0 + u1) / 2;
      let nCover = 0;
      let owner = -1;
      let several = false;
      for (let x = g; x < h; x++) {
        const k = order[x]!;
        if (eLo[k]! <= mid && mid <= eHi[k]!) {
          cover[nCover++] = k;
          if (owner === -1) owner = eOwner[k]!;
          else if (eOwner[k] !== owner) several = true;
        }
      }
      if (nCover === 0) continue;
      if (!several) this.add(owner, (u1 - u0) * len);
      else this.splitByDistance(u0, u1, nCover, len);
    }
  }

  /** The piece [u0, u1] covered by entries cover[0..n) of several owners. */
  private splitByDistance(u0: number, u1: number, n: number, len: number): void {
    const { eAlpha, eBeta, eOwner, cover } = this;
    if (this.sub.length < 2 + n * n) this.sub = new Float64Array(2 * (2 + n * n));
    const sub = this.sub;
    let ns = 0;
    sub[ns++] = u0;
    sub[ns++] = u1;
    for (let x = 0; x < n; x++) {
      const p = cover[x]!;
      for (let y = x + 1; y < n; y++) {
        const q = cover[y]!;
        if (eOwner[p] === eOwner[q]) continue;
        // |αp + βp·u| = |αq + βq·u|
        const d1 = eBeta[p]! - eBeta[q]!, d2 = eBeta[p]! + eBeta[q]!;
        if (d1 !== 0) {
          const u = (eAlpha[q]! - eAlpha[p]!) / d1;
          if (u > u0 && u < u1) sub[ns++] = u;
        }
        if (d2 !== 0) {
          const u = -(eAlpha[p]! + eAlpha[q]!) / d2;
          if (u > u0 && u < u1) sub[ns++] = u;
        }
      }
    }
    sortNumbers(sub, ns);
    const eps = 1e-9 * (this.tol + 1);
    for (let c = 0; c + 1 < ns; c++) {
      const v0 = sub[c]!, v1 = sub[c + 1]!;
      if (v1 <= v0) continue;
      const mid = (v0 + v1) / 2;
      let best = Infinity;
      for (let x = 0; x < n; x++) {
        const k = cover[x]!;
        const d = Math.abs(eAlpha[k]! + eBeta[k]! * mid);
        if (d < best) best = d;
      }
      let lastOwner = -1;
      for (let x = 0; x < n; x++) {
        const k = cover[x]!;
        if (eOwner[k] !== lastOwner && Math.abs(eAlpha[k]! + eBeta[k]! * mid) <= best + eps) {
          // an owner with several covering intervals counts once (entries are grouped by owner)
          lastOwner = eOwner[k]!;
          this.add(lastOwner, (v1 - v0) * len);
        }
      }
    }
  }
}

/** Insertion sort of arr[0..n) (n is small). */
function sortNumbers(arr: Float64Array, n: number): void {
  for (let x = 1; x < n; x++) {
    const v = arr[x]!;
    let y = x - 1;
    while (y >= 0 && arr[y]! > v) {
      arr[y + 1] = arr[y]!;
      y--;
    }
    arr[y + 1] = v;
  }
}

let clipLo = 0;
let clipHi = 0;
let clipAlpha = 0;
let clipBeta = 0;

/**
 * The part u ∈ [0, 1] of segment S: P(u) = u·(dx, dy) onto which the part of segment T0–T1
 * lying within `tol` of S's line projects perpendicularly; result in clipLo/clipHi (empty when
 * clipHi ≤ clipLo), and T's signed distance from S's line over it as clipAlpha + clipBeta·u (m).
 * A segment of T crossing S at an angle φ adds at most 2·tol·cot φ, one at right angles adds
 * nothing; so a boundary leaving a shared border adds little and touching at a point adds nothing.
 */
function clipNear(dx: number, dy: number, t0x: number, t0y: number, t1x: number, t1y: number, tol: number): void {
  clipLo = 1;
  clipHi = 0;
  const dd = Math.sqrt(dx * dx + dy * dy);
  if (dd === 0) return;
  const ux = dx / dd, uy = dy / dd;
  // T in S's frame: along a(v) = a0 + a1·v, across c(v) = c0 + c1·v, v ∈ [0, 1]
  const ex = t1x - t0x, ey = t1y - t0y;
  const a0 = t0x * ux + t0y * uy, a1 = ex * ux + ey * uy;
  const c0 = t0y * ux - t0x * uy, c1 = ey * ux - ex * uy;
  if (a1 === 0) return; // at right angles: projects to a point
  let v0 = 0, v1 = 1;
  if (c1 === 0) {
    if (c0 < -tol || c0 > tol) return;
  } else {
    let w0 = (-tol - c0) / c1, w1 = (tol - c0) / c1;
    if (w0 > w1) { const w = w0; w0 = w1; w1 = w; }
    if (w0 > v0) v0 = w0;
    if (w1 < v1) v1 = w1;
    if (v1 <= v0) return;
  }
  let lo = (a0 + a1 * v0) / dd, hi = (a0 + a1 * v1) / dd;
  if (lo > hi) { const w = lo; lo = hi; hi = w; }
  clipLo = lo < 0 ? 0 : lo;
  clipHi = hi > 1 ? 1 : hi;
  // across as a function of u: v = (u·dd − a0) / a1
  clipBeta = (c1 * dd) / a1;
  clipAlpha = c0 - (c1 * a0) / a1;
}
