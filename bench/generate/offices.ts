/**
 * Street offices as contiguous groups of cells: grown one at a time from the first free cell in
 * Hilbert order, nearest cells first, to a sampled size; a leftover too small to stand alone
 * joins its smallest neighbouring office.
 */
import { MinHeap, normal, type Random } from './random.js';

export interface OfficeGrowthInput {
  /** Cells taking part (others are ignored). */
  active: readonly boolean[];
  /** Strong neighbours per cell (share a border long enough to count). */
  neighbours: readonly number[][];
  cx: readonly number[];
  cy: readonly number[];
  /** Side of the square holding the cells, m. */
  side: number;
  minSize: number;
  maxSize: number;
}

export interface OfficeGrowth {
  /** Office index per cell, -1 for inactive cells. */
  office: number[];
  /** Members per office in growth order. */
  members: number[][];
}

/** Hilbert index of (x, y) in a 2^16 grid. */
function hilbert(x: number, y: number): number {
  let d = 0;
  for (let s = 1 << 15; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) { x = s - 1 - x; y = s - 1 - y; }
      const t = x; x = y; y = t;
    }
  }
  return d;
}

/**
 * Grows the offices. Target sizes are log-normal around 12 committees (Luohu 11.5, Shenzhen
 * ≈ 9.5, China ≈ 13), clamped to [minSize, maxSize].
 */
export function growOffices(input: OfficeGrowthInput, rng: Random): OfficeGrowth {
  const { active, neighbours, cx, cy, side, minSize, maxSize } = input;
  const n = active.length;
  const order: number[] = [];
  const key: number[] = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue;
    order.push(i);
    key[i] = hilbert(Math.floor((cx[i]! / side) * 65535), Math.floor((cy[i]! / side) * 65535));
  }
  order.sort((a, b) => key[a]! - key[b]! || a - b);
  const office: number[] = new Array(n).fill(-1);
  const members: number[][] = [];
  const median = Math.min(maxSize, Math.max(minSize, 12));
  let cursor = 0;
  for (;;) {
    while (cursor < order.length && office[order[cursor]!] !== -1) cursor++;
    if (cursor >= order.length) break;
    const seed = order[cursor]!;
    const target = Math.min(maxSize, Math.max(minSize, Math.round(median * Math.exp(0.35 * normal(rng)))));
    const id = members.length;
    const group: number[] = [];
    const heap = new MinHeap();
    const queued = new Set<number>([seed]);
    heap.push(seed, 0);
    while (heap.size > 0 && group.length < target) {
      const c = heap.pop();
      if (office[c] !== -1) continue;
      office[c] = id;
      group.push(c);
      for (const d of neighbours[c]!) {
        if (!active[d] || office[d] !== -1 || queued.has(d)) continue;
        queued.add(d);
        heap.push(d, Math.hypot(cx[d]! - cx[seed]!, cy[d]! - cy[seed]!));
      }
    }
    members.push(group);
    if (group.length >= minSize) continue;
    // too small: join the smallest neighbouring office that stays within the maximum
    let best = -1;
    for (const c of group) {
      for (const d of neighbours[c]!) {
        const o = office[d]!;
        if (o === -1 || o === id) continue;
        const size = members[o]!.length;
        if (best === -1 || size < members[best]!.length || (size === members[best]!.length && o < best)) best = o;
      }
    }
    if (best !== -1 && members[best]!.length + group.length <= maxSize) {
      for (const c of group) office[c] = best;
      members[best]!.push(...group);
      members.pop();
    }
  }
  return { office, members };
}
