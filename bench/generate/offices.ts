/**
 * Street offices as contiguous groups of cells: grown one at a time from the first free cell in
 * Hilbert order, nearest cells first, to a sampled size. A leftover too small to stand alone
 * joins its smallest neighbouring office if that stays within the maximum, else takes spare
 * cells from its neighbours, else is pooled with its smallest neighbour and the pool cut in two.
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

function smallestNeighbour(group: number[], id: number, neighbours: readonly number[][], office: number[], members: number[][]): number {
  let best = -1;
  for (const c of group) {
    for (const d of neighbours[c]!) {
      const o = office[d]!;
      if (o === -1 || o === id) continue;
      const size = members[o]!.length;
      if (best === -1 || size < members[best]!.length || (size === members[best]!.length && o < best)) best = o;
    }
  }
  return best;
}

/** Are `group`'s cells other than `without` connected through each other? */
function isConnectedWithout(group: number[], without: number, neighbours: readonly number[][]): boolean {
  const inGroup = new Set(group);
  inGroup.delete(without);
  const start = group.find((c) => c !== without);
  if (start === undefined) return false;
  const seen = new Set<number>([start]);
  const queue = [start];
  for (let h = 0; h < queue.length; h++) {
    for (const d of neighbours[queue[h]!]!) if (inGroup.has(d) && !seen.has(d)) { seen.add(d); queue.push(d); }
  }
  return seen.size === inGroup.size;
}

/**
 * Cuts a connected group in two connected parts, each within [minSize, maxSize], as even as
 * possible: a part grows from a peripheral cell, nearest first, and the rest must hold together.
 */
function splitInTwo(group: number[], neighbours: readonly number[][], cx: readonly number[], cy: readonly number[], minSize: number, maxSize: number): [number[], number[]] | null {
  const n = group.length;
  if (n < 2 * minSize) return null;
  const inGroup = new Set(group);
  let mx = 0, my = 0;
  for (const c of group) { mx += cx[c]!; my += cy[c]!; }
  mx /= n; my /= n;
  const starts = group.slice().sort((a, b) => Math.hypot(cx[b]! - mx, cy[b]! - my) - Math.hypot(cx[a]! - mx, cy[a]! - my) || a - b);
  const lo = Math.max(minSize, n - maxSize), hi = Math.min(maxSize, n - minSize);
  const sizes: number[] = [];
  for (let k = lo; k <= hi; k++) sizes.push(k);
  sizes.sort((a, b) => Math.abs(a - n / 2) - Math.abs(b - n / 2) || a - b);
  for (const start of starts.slice(0, 24)) {
    const order: number[] = [];
    const heap = new MinHeap();
    const queued = new Set<number>([start]);
    heap.push(start, 0);
    while (heap.size > 0) {
      const c = heap.pop();
      order.push(c);
      for (const d of neighbours[c]!) {
        if (!inGroup.has(d) || queued.has(d)) continue;
        queued.add(d);
        heap.push(d, Math.hypot(cx[d]! - cx[start]!, cy[d]! - cy[start]!));
      }
    }
    for (const k of sizes) {
      const rest = order.slice(k);
      if (rest.length > 0 && isConnectedWithout(rest, -1, neighbours)) return [order.slice(0, k), rest];
    }
  }
  return null;
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
    // too small: join the smallest neighbouring office that stays within the maximum …
    const best = smallestNeighbour(group, id, neighbours, office, members);
    if (best !== -1 && members[best]!.length + group.length <= maxSize) {
      for (const c of group) office[c] = best;
      members[best]!.push(...group);
      members.pop();
      continue;
    }
    // … or take cells from neighbouring offices that can spare them without breaking apart
    while (group.length < minSize) {
      let take = -1, takeDist = Infinity;
      for (const c of group) {
        for (const d of neighbours[c]!) {
          const o = office[d]!;
          if (o === -1 || o === id || members[o]!.length <= minSize) continue;
          const dist = Math.hypot(cx[d]! - cx[seed]!, cy[d]! - cy[seed]!);
          if (dist < takeDist && isConnectedWithout(members[o]!, d, neighbours)) { take = d; takeDist = dist; }
        }
      }
      if (take === -1) break;
      const from = office[take]!;
      members[from] = members[from]!.filter((d) => d !== take);
      office[take] = id;
      group.push(take);
    }
    if (group.length < minSize && best !== -1) {
      // last resort: pool with a neighbour (smallest first) and cut the pool in two valid offices
      const around = new Set<number>();
      for (const c of group) for (const d of neighbours[c]!) if (office[d] !== -1 && office[d] !== id) around.add(office[d]!);
      const candidates = [...around].sort((a, b) => members[a]!.length - members[b]!.length || a - b);
      let host = best;
      let halves: [number[], number[]] | null = null;
      for (const o of candidates) {
        halves = splitInTwo([...members[o]!, ...group], neighbours, cx, cy, minSize, maxSize);
        if (halves) { host = o; break; }
      }
      const [a, b] = halves ?? [[...members[best]!, ...group], []];
      members[host] = a;
      for (const c of a) office[c] = host;
      if (b.length > 0) {
        members[id] = b;
        for (const c of b) office[c] = id;
      } else {
        members.pop();
      }
    }
  }
  return { office, members };
}
