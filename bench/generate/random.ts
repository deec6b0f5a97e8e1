/**
 * Seeded randomness for the district generator: small, fast and identical on every platform
 * (32-bit integer arithmetic only; `Math.sin`/`exp` are never used to make random numbers).
 */

import { apportion, mulberry32, normal, shuffle, type Random } from '../../scenarios/random.js';

export { apportion, normal, shuffle as shuffled, type Random };

/** splitmix32: scrambles a 32-bit integer; used to derive seeds and hashes. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hash of several integers to a number in [0, 1). Order matters. */
export function hashUnit(...values: number[]): number {
  let h = 0x2545f491;
  for (const v of values) h = mix32(h ^ mix32(v | 0) ^ Math.floor(v / 4294967296));
  return h / 4294967296;
}

/**
 * A seeded stream per `stream` number, so that each stage of the generator has its own stream
 * (changing how names are drawn never moves a border). The generator is scenarios/random.ts's
 * mulberry32, the one PRNG of the project; the seed and stream are scrambled into its seed.
 * @example const rng = makeRandom(1, 7); rng() // 0 ≤ x < 1
 */
export function makeRandom(seed: number, stream: number): Random {
  return mulberry32(mix32(mix32(seed ^ 0x51ed270b) ^ mix32(stream)));
}

/** Integer in [lo, hi] inclusive. */
export function intBetween(rng: Random, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Min-heap of integer items keyed by a number; ties pop the smaller item first (deterministic). */
export class MinHeap {
  private keys: number[] = [];
  private items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(item: number, key: number): void {
    const { keys, items } = this;
    let i = items.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! < key || (keys[p] === key && items[p]! < item)) break;
      keys[i] = keys[p]!;
      items[i] = items[p]!;
      i = p;
    }
    keys[i] = key;
    items[i] = item;
  }
  /** Removes and returns the smallest item, or -1 when empty. */
  pop(): number {
    const { keys, items } = this;
    if (items.length === 0) return -1;
    const top = items[0]!;
    const lastKey = keys.pop()!;
    const lastItem = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && (keys[r]! < keys[l]! || (keys[r] === keys[l] && items[r]! < items[l]!))) c = r;
        if (keys[c]! > lastKey || (keys[c] === lastKey && items[c]! > lastItem)) break;
        keys[i] = keys[c]!;
        items[i] = items[c]!;
        i = c;
      }
      keys[i] = lastKey;
      items[i] = lastItem;
    }
    return top;
  }
}
