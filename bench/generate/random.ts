/**
 * Seeded randomness for the district generator: small, fast and identical on every platform
 * (32-bit integer arithmetic only; `Math.sin`/`exp` are never used to make random numbers).
 */

/** A stream of uniform numbers in [0, 1). */
export type Random = () => number;

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
 * sfc32 seeded from `seed` and a `stream` number, so that each stage of the generator has its own
 * stream (changing how names are drawn never moves a border).
 * @example const rng = makeRandom(1, 7); rng() // 0 ≤ x < 1
 */
export function makeRandom(seed: number, stream: number): Random {
  let a = mix32(seed ^ 0x51ed270b);
  let b = mix32(a ^ stream);
  let c = mix32(b + 0x6a09e667);
  let d = mix32(c ^ 0xbb67ae85) | 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Standard normal deviate (Box–Muller, one of the pair). */
export function normal(rng: Random): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Integer in [lo, hi] inclusive. */
export function intBetween(rng: Random, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** A shuffled copy of `items` (Fisher–Yates); the input is not touched. */
export function shuffled<T>(items: readonly T[], rng: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * Splits `n` into whole counts proportional to `weights` (largest remainder), so that a
 * distribution is met exactly rather than by chance.
 * @example apportion(10, [1, 1, 2]) // [3, 2, 5] or [2, 3, 5]: sums to 10
 */
export function apportion(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || n <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map((e) => Math.floor(e));
  let left = n - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((p, q) => q.r - p.r || p.i - q.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k]!.i]! += 1;
  return counts;
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
