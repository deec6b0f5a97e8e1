/**
 * The boxes a map's labels, leader lines and marks already take, with a grid over them: whether a
 * new box overlaps one, or a leader line passes through one, is answered from the few boxes of
 * the grid cells it touches instead of from every box placed so far (which made the labels of a
 * 700-committee map most of its run). The answers are exactly those of testing every box.
 */
export interface Box { x0: number; y0: number; x1: number; y1: number }

/** Interiors meet (touching edges do not count). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Whether the segment a–b passes through the box (sampled every 2 px; the boxes are ≥ 8 px). */
export function segmentHitsBox(a: readonly [number, number], b: readonly [number, number], box: Box): boolean {
  const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 2));
  // Only the samples near the part of the segment inside the box (grown by far more than the
  // samples' rounding) can be inside it: clip the segment to that box (Liang–Barsky) and test
  // those samples alone, by the same arithmetic as every sample (so the answer is the same).
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const m = 1e-6 * (1 + Math.max(Math.abs(a[0]), Math.abs(a[1]), Math.abs(b[0]), Math.abs(b[1])));
  // one slab per axis: the part of the line between the box's two sides, grown by m
  clipIn = 0;
  clipOut = 1;
  if (!clipSlab(dx, a[0], box.x0, box.x1, m) || !clipSlab(dy, a[1], box.y0, box.y1, m)) return false;
  const tIn = clipIn, tOut = clipOut;
  if (tIn > tOut) return false;
  const i0 = Math.max(0, Math.floor(tIn * n) - 1), i1 = Math.min(n, Math.ceil(tOut * n) + 1);
  for (let i = i0; i <= i1; i++) {
    const x = a[0] + ((b[0] - a[0]) * i) / n, y = a[1] + ((b[1] - a[1]) * i) / n;
    if (x > box.x0 && x < box.x1 && y > box.y0 && y < box.y1) return true;
  }
  return false;
}

/** The segment's parameter range inside the slabs clipped so far (set by {@link clipSlab}, no allocation per test). */
let clipIn = 0, clipOut = 1;

/** Narrows [clipIn, clipOut] to the slab lo − m … hi + m of one axis (d: the segment's extent, p: its start); false when outside. */
function clipSlab(d: number, p: number, lo: number, hi: number, m: number): boolean {
  if (d === 0) return !(p <= lo - m || p >= hi + m);
  let t1 = (lo - m - p) / d, t2 = (hi + m - p) / d;
  if (t1 > t2) { const t = t1; t1 = t2; t2 = t; }
  if (t1 > clipIn) clipIn = t1;
  if (t2 < clipOut) clipOut = t2;
  return true;
}

const CELL = 32;
/** Cells beyond this many from the origin are merged into the outermost ones (still exact: only fewer cells). */
const LIMIT = 1 << 14;

function cell(v: number): number {
  const c = Math.floor(v / CELL);
  return c < -LIMIT ? -LIMIT : c > LIMIT ? LIMIT : c;
}

/** The dense grid covers at most this many cells; a box beyond it is kept in a list tested every time. */
const MAX_CELLS = 1 << 20;

export class BoxSet {
  private readonly boxes: Box[] = [];
  /** Box indices by cell, row-major over the window [gx0, gx0 + gw) × [gy0, gy0 + gh) of cells. */
  private grid: (number[] | undefined)[] = [];
  private gx0 = 0;
  private gy0 = 0;
  private gw = 0;
  private gh = 0;
  /** Boxes whose cells the window could not take (a box far off or huge): tested on every question. */
  private readonly overflow: number[] = [];

  get length(): number {
    return this.boxes.length;
  }

  push(box: Box): void {
    const i = this.boxes.push(box) - 1;
    const cx0 = cell(box.x0), cx1 = cell(box.x1), cy0 = cell(box.y0), cy1 = cell(box.y1);
    // a NaN side: in no cell (never found, as a box no question's cells can meet)
    if (!(cx0 <= cx1 && cy0 <= cy1)) return;
    if (!this.holds(cx0, cy0, cx1, cy1)) this.grow(cx0, cy0, cx1, cy1);
    if (this.holds(cx0, cy0, cx1, cy1)) this.insert(i, cx0, cy0, cx1, cy1);
    else this.overflow.push(i);
  }

  private holds(cx0: number, cy0: number, cx1: number, cy1: number): boolean {
    return cx0 >= this.gx0 && cy0 >= this.gy0 && cx1 < this.gx0 + this.gw && cy1 < this.gy0 + this.gh;
  }

  private insert(i: number, cx0: number, cy0: number, cx1: number, cy1: number): void {
    for (let cy = cy0; cy <= cy1; cy++) {
      const row = (cy - this.gy0) * this.gw - this.gx0;
      for (let cx = cx0; cx <= cx1; cx++) {
        const list = this.grid[row + cx];
        if (list) list.push(i);
        else this.grid[row + cx] = [i];
      }
    }
  }

  /** Widens the window to take these cells too (with room to spare), unless it would grow past MAX_CELLS. */
  private grow(cx0: number, cy0: number, cx1: number, cy1: number): void {
    const empty = this.gw === 0;
    let x0 = empty ? cx0 : Math.min(cx0, this.gx0), y0 = empty ? cy0 : Math.min(cy0, this.gy0);
    let x1 = empty ? cx1 : Math.max(cx1, this.gx0 + this.gw - 1), y1 = empty ? cy1 : Math.max(cy1, this.gy0 + this.gh - 1);
    const padX = Math.max(8, x1 - x0 + 1), padY = Math.max(8, y1 - y0 + 1);
    x0 -= padX; x1 += padX; y0 -= padY; y1 += padY;
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS) {
      // without the spare room, if that is small enough
      x0 += padX; x1 -= padX; y0 += padY; y1 -= padY;
      if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS) return;
    }
    const overflowed = new Set(this.overflow);
    this.gx0 = x0; this.gy0 = y0; this.gw = x1 - x0 + 1; this.gh = y1 - y0 + 1;
    this.grid = new Array<number[] | undefined>(this.gw * this.gh);
    for (let k = 0; k < this.boxes.length - 1; k++) {
      if (overflowed.has(k)) continue;
      const b = this.boxes[k]!;
      const bx0 = cell(b.x0), bx1 = cell(b.x1), by0 = cell(b.y0), by1 = cell(b.y1);
      if (bx0 <= bx1 && by0 <= by1) this.insert(k, bx0, by0, bx1, by1);
    }
  }

  /** Whether `box` overlaps a box of the set. */
  overlapsAny(box: Box): boolean {
    return this.overlapsRange(box.x0, box.y0, box.x1, box.y1);
  }

  /** {@link overlapsAny} of the box [x0, x1] × [y0, y1], without making it (asked at every spot tried). */
  overlapsRange(x0: number, y0: number, x1: number, y1: number): boolean {
    const boxes = this.boxes;
    for (const k of this.overflow) {
      const b = boxes[k]!;
      if (b.x0 < x1 && x0 < b.x1 && b.y0 < y1 && y0 < b.y1) return true;
    }
    // the cells of the question within the window (no box is in a cell outside it)
    const cx0 = Math.max(cell(x0), this.gx0), cx1 = Math.min(cell(x1), this.gx0 + this.gw - 1);
    const cy0 = Math.max(cell(y0), this.gy0), cy1 = Math.min(cell(y1), this.gy0 + this.gh - 1);
    const grid = this.grid;
    for (let cy = cy0; cy <= cy1; cy++) {
      const row = (cy - this.gy0) * this.gw - this.gx0;
      for (let cx = cx0; cx <= cx1; cx++) {
        const list = grid[row + cx];
        if (!list) continue;
        for (let k = 0; k < list.length; k++) {
          const b = boxes[list[k]!]!;
          if (b.x0 < x1 && x0 < b.x1 && b.y0 < y1 && y0 < b.y1) return true;
        }
      }
    }
    return false;
  }

  /** Whether the segment a–b passes through a box of the set ({@link segmentHitsBox}). */
  hitBySegment(a: readonly [number, number], b: readonly [number, number]): boolean {
    // the samples may stray from the segment's bounding box by rounding: widen it by far more than that
    const m = 1e-6 * (1 + Math.max(Math.abs(a[0]), Math.abs(a[1]), Math.abs(b[0]), Math.abs(b[1])));
    const x0 = Math.min(a[0], b[0]) - m, y0 = Math.min(a[1], b[1]) - m, x1 = Math.max(a[0], b[0]) + m, y1 = Math.max(a[1], b[1]) + m;
    const boxes = this.boxes;
    // a box clear of that box cannot be hit
    const hits = (k: number): boolean => {
      const box = boxes[k]!;
      return box.x1 > x0 && box.x0 < x1 && box.y1 > y0 && box.y0 < y1 && segmentHitsBox(a, b, box);
    };
    for (const k of this.overflow) if (hits(k)) return true;
    // Column by column, only the cells the segment can pass through: a hit is a sample strictly
    // inside a box, and a box is in every cell it meets, so it is in the sample's cell. The
    // samples lie on the segment but for rounding far below 1 + m px: the column's y-range is
    // taken that much wider on each side (a steep or short segment, or a column merged at the
    // grid's limit, simply takes the whole y-range).
    const dx = b[0] - a[0], dy = b[1] - a[1];
    const steep = Math.abs(dx) < 1;
    const margin = 1 + m;
    const cx0 = Math.max(cell(x0), this.gx0), cx1 = Math.min(cell(x1), this.gx0 + this.gw - 1);
    const grid = this.grid;
    for (let cx = cx0; cx <= cx1; cx++) {
      let ylo = y0, yhi = y1;
      if (!steep && cx > -LIMIT && cx < LIMIT) {
        const t0 = (Math.max(x0, cx * CELL) - a[0]) / dx, t1 = (Math.min(x1, (cx + 1) * CELL) - a[0]) / dx;
        const ya = a[1] + dy * t0, yb = a[1] + dy * t1;
        ylo = Math.max(y0, Math.min(ya, yb) - margin);
        yhi = Math.min(y1, Math.max(ya, yb) + margin);
      }
      const cy0 = Math.max(cell(ylo), this.gy0), cy1 = Math.min(cell(yhi), this.gy0 + this.gh - 1);
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = grid[(cy - this.gy0) * this.gw - this.gx0 + cx];
        if (!list) continue;
        for (let k = 0; k < list.length; k++) if (hits(list[k]!)) return true;
      }
    }
    return false;
  }
}
