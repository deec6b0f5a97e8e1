/**
 * Scan lines through a polygon in pixels, answered from its edges bucketed by y (and by x), so
 * that a horizontal (vertical) line visits only the edges of its bucket instead of every edge:
 * the map's labels ask hundreds of such questions per polygon (candidate points, "does this box
 * fit", "is this point inside"). The answers are exactly those of visiting every edge: the same
 * test and the same arithmetic per edge, and an edge the line can cross is always in its bucket.
 */
export type ScanPt = readonly [number, number];
export type ScanPoly = readonly (readonly ScanPt[])[];

/** Edges a→b of every ring (a the previous vertex, as `for (i, j = n - 1; …; j = i++)`), bucketed along one axis. */
class EdgeBuckets {
  private readonly lo: number;
  private readonly width: number;
  private readonly n: number;
  /** Edge indices of bucket k: items[start[k] .. start[k + 1]). */
  private readonly start: Int32Array;
  private readonly items: Int32Array;

  constructor(
    /** along: the axis of the scan line's position (1: y for horizontal lines, 0: x for vertical ones). */
    readonly ax: Float64Array, readonly ay: Float64Array, readonly bx: Float64Array, readonly by: Float64Array,
    along: 0 | 1,
  ) {
    const count = ax.length;
    const p = along === 1 ? ay : ax, q = along === 1 ? by : bx;
    let lo = Infinity, hi = -Infinity;
    for (let e = 0; e < count; e++) {
      const a = p[e]!, b = q[e]!;
      if (a < lo) lo = a;
      if (b < lo) lo = b;
      if (a > hi) hi = a;
      if (b > hi) hi = b;
    }
    // a committee's few edges are scanned whole: buckets pay from a few dozen edges
    this.n = count < 48 ? 1 : Math.min(256, Math.ceil(Math.sqrt(count)));
    this.lo = lo;
    this.width = hi > lo ? (hi - lo) / this.n : 1;
    const counts = new Int32Array(this.n + 1);
    for (let e = 0; e < count; e++) {
      const k0 = this.bucket(Math.min(p[e]!, q[e]!)), k1 = this.bucket(Math.max(p[e]!, q[e]!));
      for (let k = k0; k <= k1; k++) counts[k + 1]!++;
    }
    for (let k = 0; k < this.n; k++) counts[k + 1]! += counts[k]!;
    this.start = counts.slice();
    const items = new Int32Array(counts[this.n]!);
    for (let e = 0; e < count; e++) {
      const k0 = this.bucket(Math.min(p[e]!, q[e]!)), k1 = this.bucket(Math.max(p[e]!, q[e]!));
      for (let k = k0; k <= k1; k++) items[counts[k]!++] = e;
    }
    this.items = items;
  }

  /** Bucket of a position (monotone in v, clamped: an edge spanning v is in v's bucket). */
  bucket(v: number): number {
    const k = Math.floor((v - this.lo) / this.width);
    return k < 0 ? 0 : k >= this.n ? this.n - 1 : k;
  }

  first(k: number): number {
    return this.start[k]!;
  }

  end(k: number): number {
    return this.start[k + 1]!;
  }

  edge(m: number): number {
    return this.items[m]!;
  }
}

/** The scan-line index of one polygon (every ring; holes count). */
export class PolyScan {
  private readonly byY: EdgeBuckets;
  private readonly byX: EdgeBuckets;
  private readonly ax: Float64Array;
  private readonly ay: Float64Array;
  private readonly bx: Float64Array;
  private readonly by: Float64Array;

  constructor(poly: ScanPoly) {
    let count = 0;
    for (const ring of poly) count += ring.length;
    const ax = new Float64Array(count), ay = new Float64Array(count), bx = new Float64Array(count), by = new Float64Array(count);
    let e = 0;
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[j]!, b = ring[i]!;
        ax[e] = a[0]; ay[e] = a[1]; bx[e] = b[0]; by[e] = b[1];
        e++;
      }
    }
    this.ax = ax; this.ay = ay; this.bx = bx; this.by = by;
    this.byY = new EdgeBuckets(ax, ay, bx, by, 1);
    this.byX = new EdgeBuckets(ax, ay, bx, by, 0);
  }

  /** Sorted x of the crossings of the horizontal line at y with every ring. */
  crossingsX(y: number): number[] {
    return this.crossingsAlong(this.byY, y, this.ay, this.by, this.ax, this.bx);
  }

  /** Sorted y of the crossings of the vertical line at x with every ring. */
  crossingsY(x: number): number[] {
    return this.crossingsAlong(this.byX, x, this.ax, this.bx, this.ay, this.by);
  }

  /**
   * Sorted crossings of the line where one coordinate is `at` (`a`/`b`: the edges' ends in that
   * coordinate) with every ring, as the other coordinate (`oa`/`ob`).
   */
  private crossingsAlong(buckets: EdgeBuckets, at: number, a: Float64Array, b: Float64Array, oa: Float64Array, ob: Float64Array): number[] {
    const out: number[] = [];
    const k = buckets.bucket(at);
    for (let m = buckets.first(k), end = buckets.end(k); m < end; m++) {
      const e = buckets.edge(m);
      const a1 = a[e]!, b1 = b[e]!;
      if ((a1 > at) !== (b1 > at)) out.push(oa[e]! + ((at - a1) / (b1 - a1)) * (ob[e]! - oa[e]!));
    }
    return out.sort((p, q) => p - q);
  }

  private scratch = new Float64Array(16);

  /** The crossings of the line at `at` (horizontal when `across` is byY) sorted into the scratch; their count. */
  private sortedCrossings(at: number, horizontal: boolean): number {
    const { ax, ay, bx, by } = this;
    const idx = horizontal ? this.byY : this.byX;
    let out = this.scratch;
    let n = 0;
    const k = idx.bucket(at);
    for (let m = idx.first(k), end = idx.end(k); m < end; m++) {
      const e = idx.edge(m);
      let c: number;
      if (horizontal) {
        const a1 = ay[e]!, b1 = by[e]!;
        if ((a1 > at) === (b1 > at)) continue;
        c = ax[e]! + ((at - a1) / (b1 - a1)) * (bx[e]! - ax[e]!);
      } else {
        const a0 = ax[e]!, b0 = bx[e]!;
        if ((a0 > at) === (b0 > at)) continue;
        c = ay[e]! + ((at - a0) / (b0 - a0)) * (by[e]! - ay[e]!);
      }
      if (n === out.length) {
        const grown = new Float64Array(2 * n);
        grown.set(out);
        this.scratch = out = grown;
      }
      // insertion sort as they come (a line crosses few edges)
      let y = n - 1;
      while (y >= 0 && out[y]! > c) { out[y + 1] = out[y]!; y--; }
      out[y + 1] = c;
      n++;
    }
    return n;
  }

  /**
   * Whether the inside run of the line at `at` that contains `v` (the first pair of sorted
   * crossings c[k] ≤ v ≤ c[k + 1], k even) reaches from `lo` to `hi` at least: what
   * `runAt(crossings, v)` then `!(run[0] > lo) && !(run[1] < hi)` answers, without the arrays.
   */
  runCovers(at: number, horizontal: boolean, v: number, lo: number, hi: number): boolean {
    const n = this.sortedCrossings(at, horizontal);
    const c = this.scratch;
    for (let k = 0; k + 1 < n; k += 2) {
      if (c[k]! <= v && v <= c[k + 1]!) return !(c[k]! > lo) && !(c[k + 1]! < hi);
    }
    return false;
  }

  /** Ends of the run found by the last {@link runAround} that found one. */
  runLo = NaN;
  runHi = NaN;

  /**
   * The inside run of the line at `at` that contains `v` (the first pair of sorted crossings
   * c[k] ≤ v ≤ c[k + 1], k even): whether there is one, its ends left in `runLo` and `runHi`.
   * `runCovers(at, h, v, lo, hi)` is `runAround(at, h, v) && !(runLo > lo) && !(runHi < hi)`.
   */
  runAround(at: number, horizontal: boolean, v: number): boolean {
    const n = this.sortedCrossings(at, horizontal);
    const c = this.scratch;
    for (let k = 0; k + 1 < n; k += 2) {
      if (c[k]! <= v && v <= c[k + 1]!) {
        this.runLo = c[k]!;
        this.runHi = c[k + 1]!;
        return true;
      }
    }
    return false;
  }

  /** Even-odd point in polygon (holes count). */
  contains(x: number, y: number): boolean {
    const { ax, ay, bx, by, byY } = this;
    let inside = false;
    const k = byY.bucket(y);
    for (let m = byY.first(k), end = byY.end(k); m < end; m++) {
      const e = byY.edge(m);
      const a1 = ay[e]!, b1 = by[e]!;
      if ((a1 > y) !== (b1 > y) && x < ax[e]! + ((y - a1) / (b1 - a1)) * (bx[e]! - ax[e]!)) inside = !inside;
    }
    return inside;
  }
}

const scans = new WeakMap<ScanPoly, PolyScan>();

/** The scan-line index of `poly`, made on first use (the polygon must not change after). */
export function polyScan(poly: ScanPoly): PolyScan {
  let s = scans.get(poly);
  if (!s) {
    s = new PolyScan(poly);
    scans.set(poly, s);
  }
  return s;
}
