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
  let tIn = 0, tOut = 1;
  // one slab per axis: the part of the line between the box's two sides, grown by m
  for (const [d, p, lo, hi] of [[dx, a[0], box.x0, box.x1], [dy, a[1], box.y0, box.y1]] as const) {
    if (d === 0) {
      if (p <= lo - m || p >= hi + m) return false;
      continue;
    }
    let t1 = (lo - m - p) / d, t2 = (hi + m - p) / d;
    if (t1 > t2) { const t = t1; t1 = t2; t2 = t; }
    if (t1 > tIn) tIn = t1;
    if (t2 < tOut) tOut = t2;
  }
  if (tIn > tOut) return false;
  const i0 = Math.max(0, Math.floor(tIn * n) - 1), i1 = Math.min(n, Math.ceil(tOut * n) + 1);
  for (let i = i0; i <= i1; i++) {
    const x = a[0] + ((b[0] - a[0]) * i) / n, y = a[1] + ((b[1] - a[1]) * i) / n;
    if (x > box.x0 && x < box.x1 && y > box.y0 && y < box.y1) return true;
  }
  return false;
}

const CELL = 32;
/** Cells beyond this many from the origin are merged into the outermost ones (still exact: only fewer cells). */
const LIMIT = 1 << 14;

function cell(v: number): number {
  const c = Math.floor(v / CELL);
  return c < -LIMIT ? -LIMIT : c > LIMIT ? LIMIT : c;
}

export class BoxSet {
  private readonly boxes: Box[] = [];
  private readonly cells = new Map<number, number[]>();

  get length(): number {
    return this.boxes.length;
  }

  push(box: Box): void {
    const i = this.boxes.push(box) - 1;
    const cx0 = cell(box.x0), cx1 = cell(box.x1), cy0 = cell(box.y0), cy1 = cell(box.y1);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const key = cx * (4 * LIMIT) + cy;
        const list = this.cells.get(key);
        if (list) list.push(i);
        else this.cells.set(key, [i]);
      }
    }
  }

  /** Whether `test` holds for a box whose cells meet the range [x0, x1] × [y0, y1] (a box may be tested more than once). */
  private some(x0: number, y0: number, x1: number, y1: number, test: (b: Box) => boolean): boolean {
    const cx0 = cell(x0), cx1 = cell(x1), cy0 = cell(y0), cy1 = cell(y1);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(cx * (4 * LIMIT) + cy);
        if (list) for (const i of list) if (test(this.boxes[i]!)) return true;
      }
    }
    return false;
  }

  /** Whether `box` overlaps a box of the set. */
  overlapsAny(box: Box): boolean {
    return this.overlapsRange(box.x0, box.y0, box.x1, box.y1);
  }

  /** {@link overlapsAny} of the box [x0, x1] × [y0, y1], without making it (asked at every spot tried). */
  overlapsRange(x0: number, y0: number, x1: number, y1: number): boolean {
    const cx0 = cell(x0), cx1 = cell(x1), cy0 = cell(y0), cy1 = cell(y1);
    const boxes = this.boxes;
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(cx * (4 * LIMIT) + cy);
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
    // a box clear of that box cannot be hit
    return this.some(x0, y0, x1, y1, (box) => box.x1 > x0 && box.x0 < x1 && box.y1 > y0 && box.y0 < y1 && segmentHitsBox(a, b, box));
  }
}
