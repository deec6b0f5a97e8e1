/**
 * A planar tessellation of a square into `n` convex cells by recursive slanted cuts (a random
 * binary space partition). Cells share vertices by id: a cut that ends on a neighbour's edge
 * inserts the same vertex into both cells, so borders are exact by construction.
 */
import { normal, type Random } from './random.js';

export interface Tessellation {
  /** Vertex coordinates in metres (plane, y to the north). */
  xs: number[];
  ys: number[];
  /** Cells as counter-clockwise lists of vertex ids (not closed; collinear vertices included). */
  cells: number[][];
  /** Side of the square, m. The square is [0, side]². */
  side: number;
  /** The cell on the left of directed edge u→v (its twin v→u belongs to the neighbour, if any). */
  cellOfEdge(u: number, v: number): number | undefined;
}

export interface TessellationOptions {
  /**
   * Quantile function of cell areas, m²: `areaAt(u)` for u in (0, 1). Cells get exactly these
   * areas by rank (up to the cut clamp), laid out by a spatially correlated cascade.
   */
  areaAt: (u: number) => number;
  /** Spread of the cascade's log-area noise per level near the leaves (only the layout depends on it). [0.8] */
  sigma?: number;
  /** A cut never ends closer than this to an existing vertex, m (it snaps to it instead). [12] */
  snap?: number;
}

/** Directed edges u→v with the cell on their left, stored per start vertex as [v, cell, v, cell, …]. */
class EdgeFaces {
  private out: number[][] = [];
  get(u: number, v: number): number | undefined {
    const list = this.out[u];
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i += 2) if (list[i] === v) return list[i + 1];
    return undefined;
  }
  set(u: number, v: number, cell: number): void {
    let list = this.out[u];
    if (list === undefined) this.out[u] = list = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === v) { list[i + 1] = cell; return; }
    list.push(v, cell);
  }
  delete(u: number, v: number): void {
    const list = this.out[u];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i += 2) if (list[i] === v) { list.splice(i, 2); return; }
  }
}

function polygonArea(xs: number[], ys: number[], cell: readonly number[]): number {
  let s = 0;
  for (let i = 0, n = cell.length; i < n; i++) {
    const a = cell[i]!, b = cell[(i + 1) % n]!;
    s += xs[a]! * ys[b]! - xs[b]! * ys[a]!;
  }
  return s / 2;
}

/** Area of the part of a convex polygon where nx·x + ny·y ≤ t. */
function clippedArea(px: Float64Array, py: Float64Array, nx: number, ny: number, t: number): number {
  const n = px.length;
  let s = 0, fx = 0, fy = 0, lx = 0, ly = 0, started = false;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const ax = px[i]!, ay = py[i]!, bx = px[j]!, by = py[j]!;
    const da = nx * ax + ny * ay - t, db = nx * bx + ny * by - t;
    if (da <= 0) {
      if (!started) { fx = ax; fy = ay; started = true; } else s += lx * ay - ax * ly;
      lx = ax; ly = ay;
    }
    if ((da < 0 && db > 0) || (da > 0 && db < 0)) {
      const r = da / (da - db);
      const x = ax + (bx - ax) * r, y = ay + (by - ay) * r;
      if (!started) { fx = x; fy = y; started = true; } else s += lx * y - x * ly;
      lx = x; ly = y;
    }
  }
  if (started) s += lx * fy - fx * ly;
  return s / 2;
}

/**
 * Builds the tessellation. Cells come from a multiplicative cascade: each cut gives each side a
 * share of the committees and a share of the area that differ by a random factor, so cell areas
 * are roughly log-normal and large and small cells cluster, as in a real city.
 */
export function makeTessellation(n: number, rng: Random, options: TessellationOptions): Tessellation {
  const sigma = options.sigma ?? 0.8;
  const snap = options.snap ?? 12;
  // the cut tree: committees per node and a provisional log-area from a multiplicative cascade
  const count: number[] = [n], lower: number[] = [-1], logA: number[] = [0];
  for (let node = 0; node < count.length; node++) {
    const c = count[node]!;
    if (c <= 1) continue;
    const left = Math.min(c - 1, Math.max(1, Math.round(c * (0.35 + 0.3 * rng()))));
    const w = Math.exp((c > 256 ? 0.3 : sigma) * normal(rng));
    const share = (left * w) / (left * w + c - left);
    lower[node] = count.length;
    count.push(left, c - left);
    lower.push(-1, -1);
    logA.push(logA[node]! + Math.log(share), logA[node]! + Math.log(1 - share));
  }
  // areas by rank, then summed up the tree (children always come after their parent)
  const leaves: number[] = [];
  for (let node = 0; node < count.length; node++) if (count[node] === 1) leaves.push(node);
  leaves.sort((a, b) => logA[a]! - logA[b]! || a - b);
  const sum: number[] = new Array(count.length).fill(0);
  leaves.forEach((node, rank) => { sum[node] = options.areaAt((rank + 0.5) / leaves.length); });
  for (let node = count.length - 1; node >= 0; node--) {
    const l = lower[node]!;
    if (l >= 0) sum[node] = sum[l]! + sum[l + 1]!;
  }
  const side = Math.sqrt(sum[0]!);
  const xs = [0, side, side, 0];
  const ys = [0, 0, side, side];
  const cells: number[][] = [[0, 1, 2, 3]];
  const faceOf = new EdgeFaces();
  for (let i = 0; i < 4; i++) faceOf.set(i, (i + 1) % 4, 0);

  /** Inserts vertex w between a and b in cell c (directed edge a→b of c). */
  const insertVertex = (c: number, a: number, b: number, w: number): void => {
    const list = cells[c]!;
    list.splice(list.indexOf(a) + 1, 0, w);
    faceOf.delete(a, b);
    faceOf.set(a, w, c);
    faceOf.set(w, b, c);
  };
  /** Inserts a vertex on directed edge u→v of `cell` (and on the twin edge of its neighbour). */
  const splitEdge = (cellId: number, u: number, v: number, x: number, y: number): number => {
    const w = xs.length;
    xs.push(x);
    ys.push(y);
    insertVertex(cellId, u, v, w);
    const twin = faceOf.get(v, u);
    if (twin !== undefined) insertVertex(twin, v, u, w);
    return w;
  };

  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length > 0) {
    const [cellId, node] = stack.pop()!;
    if (count[node]! <= 1) continue;
    const cell = cells[cellId]!;
    const k = cell.length;
    const px = new Float64Array(k), py = new Float64Array(k);
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < k; i++) {
      const x = xs[cell[i]!]!, y = ys[cell[i]!]!;
      px[i] = x; py[i] = y;
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    const total = polygonArea(xs, ys, cell);
    const lowChild = lower[node]!;
    const share = Math.min(0.85, Math.max(0.15, sum[lowChild]! / sum[node]!));
    let done = false;
    for (let attempt = 0; attempt < 16 && !done; attempt++) {
      // later attempts cut straighter and nearer the middle
      const want = attempt < 8 ? share : 0.5 + (share - 0.5) * (1 - (attempt - 7) / 8);
      // cut across the longer extent, slanted by up to ±0.6 rad (less on later attempts)
      const base = maxX - minX >= maxY - minY ? 0 : Math.PI / 2;
      const angle = base + (rng() - 0.5) * 1.2 * Math.max(0, 1 - attempt / 10);
      const nx = Math.cos(angle), ny = Math.sin(angle);
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < k; i++) {
        const d = nx * px[i]! + ny * py[i]!;
        if (d < lo) lo = d; if (d > hi) hi = d;
      }
      let a = lo, b = hi;
      for (let it = 0; it < 22; it++) {
        const m = (a + b) / 2;
        if (clippedArea(px, py, nx, ny, m) < want * total) a = m; else b = m;
      }
      const t = (a + b) / 2;
      // the two crossing edges, as (index i, ratio r) of edge i→i+1
      const cross: Array<[number, number]> = [];
      for (let i = 0; i < k; i++) {
        const da = nx * px[i]! + ny * py[i]! - t, db = nx * px[(i + 1) % k]! + ny * py[(i + 1) % k]! - t;
        if ((da <= 0 && db > 0) || (da > 0 && db <= 0)) cross.push([i, da / (da - db)]);
      }
      if (cross.length !== 2) continue;
      // each end: snap to an existing vertex when close, else a new vertex on the edge
      const ends: Array<{ i: number; x: number; y: number; snapTo: number }> = [];
      for (const [i, r] of cross) {
        const j = (i + 1) % k;
        const len = Math.hypot(px[j]! - px[i]!, py[j]! - py[i]!);
        const x = px[i]! + (px[j]! - px[i]!) * r, y = py[i]! + (py[j]! - py[i]!) * r;
        ends.push({ i, x, y, snapTo: r * len < snap ? i : (1 - r) * len < snap ? j : -1 });
      }
      const [e0, e1] = ends as [typeof ends[0], typeof ends[0]];
      // positions (in the current list) of both ends; reject cuts along the boundary
      const pos0 = e0.snapTo >= 0 ? e0.snapTo : e0.i + 0.5;
      const pos1 = e1.snapTo >= 0 ? e1.snapTo : e1.i + 0.5;
      const gap = (((pos1 - pos0) % k) + k) % k;
      const between = Math.ceil(pos0 + gap) - Math.floor(pos0) - 1;
      const betweenB = Math.ceil(pos1 + k - gap) - Math.floor(pos1) - 1;
      if (between < 1 || betweenB < 1) continue;
      const x0 = e0.snapTo >= 0 ? px[e0.snapTo]! : e0.x, y0 = e0.snapTo >= 0 ? py[e0.snapTo]! : e0.y;
      const x1 = e1.snapTo >= 0 ? px[e1.snapTo]! : e1.x, y1 = e1.snapTo >= 0 ? py[e1.snapTo]! : e1.y;
      // area of the part that runs from end 0 along the boundary to end 1
      const first = e0.snapTo >= 0 ? e0.snapTo + 1 : e0.i + 1;
      let s2 = 0, lx = x0, ly = y0;
      for (let q = 0; q < between; q++) {
        const ix = (first + q) % k;
        s2 += lx * py[ix]! - px[ix]! * ly;
        lx = px[ix]!; ly = py[ix]!;
      }
      s2 += lx * y1 - x1 * ly + x1 * y0 - x0 * y1;
      const areaA = s2 / 2;
      if (areaA < 0.08 * total || areaA > 0.92 * total) continue;
      if (chordTooSharp(px, py, pos0, pos1, x0, y0, x1, y1)) continue;
      // commit: insert the new vertices, then split the list
      const ids = cell.slice();
      const id0 = e0.snapTo >= 0 ? ids[e0.snapTo]! : splitEdge(cellId, ids[e0.i]!, ids[(e0.i + 1) % k]!, e0.x, e0.y);
      const id1 = e1.snapTo >= 0 ? ids[e1.snapTo]! : splitEdge(cellId, ids[e1.i]!, ids[(e1.i + 1) % k]!, e1.x, e1.y);
      const list = cells[cellId]!;
      const i0 = list.indexOf(id0), i1 = list.indexOf(id1);
      const m = list.length;
      const partA: number[] = [], partB: number[] = [];
      for (let q = i0; ; q = (q + 1) % m) { partA.push(list[q]!); if (q === i1) break; }
      for (let q = i1; ; q = (q + 1) % m) { partB.push(list[q]!); if (q === i0) break; }
      const idB = cells.length;
      cells[cellId] = partA;
      cells.push(partB);
      for (let q = 0; q < partB.length - 1; q++) faceOf.set(partB[q]!, partB[q + 1]!, idB);
      faceOf.set(id1, id0, cellId);
      faceOf.set(id0, id1, idB);
      // partA runs id0 → id1 along the boundary: it lies on the side of edge e0 that follows it
      const aLow = clippedSide(xs, ys, partA, nx, ny, t);
      stack.push([idB, aLow ? lowChild + 1 : lowChild], [cellId, aLow ? lowChild : lowChild + 1]);
      done = true;
    }
    if (!done) throw new Error(`makeTessellation: could not cut cell ${cellId} (${k} vertices) into ${count[node]}`);
  }
  return { xs, ys, cells, side, cellOfEdge: (u, v) => faceOf.get(u, v) };
}

/** Is the part `cell` on the low side (n·p ≤ t) of the cut? Decided by its area-weighted centre. */
function clippedSide(xs: number[], ys: number[], cell: readonly number[], nx: number, ny: number, t: number): boolean {
  let cx = 0, cy = 0;
  for (const v of cell) { cx += xs[v]!; cy += ys[v]!; }
  return nx * (cx / cell.length) + ny * (cy / cell.length) <= t;
}

/**
 * Rejects a chord that meets the boundary at an angle under ~12°: such slivers make thin
 * spikes that wiggling could fold.
 */
function chordTooSharp(px: Float64Array, py: Float64Array, pos0: number, pos1: number, x0: number, y0: number, x1: number, y1: number): boolean {
  return endTooSharp(px, py, pos0, x0, y0, x1 - x0, y1 - y0) || endTooSharp(px, py, pos1, x1, y1, x0 - x1, y0 - y1);
}

function endTooSharp(px: Float64Array, py: Float64Array, pos: number, ox: number, oy: number, dx: number, dy: number): boolean {
  const k = px.length;
  const cl = Math.hypot(dx, dy);
  if (cl === 0) return true;
  const f = Math.floor(pos);
  // boundary neighbours of the chord's end: the vertices either side of it
  const a = pos % 1 === 0 ? (f + k - 1) % k : f;
  const b = (f + 1) % k;
  for (const j of [a, b]) {
    const ex = px[j]! - ox, ey = py[j]! - oy;
    const el = Math.hypot(ex, ey);
    if (el > 0 && (ex * dx + ey * dy) / (el * cl) > 0.978) return true;
  }
  return false;
}
