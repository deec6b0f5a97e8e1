/**
 * Subset-row cuts over row triples (the rank-1 cuts of Jepsen, Petersen, Spoorendonk and Pisinger,
 * 2008) for the set partition of a wide component: for rows S = {a, b, c}, a plan holds at most
 * one column covering two or more of them (two such columns would share a row), so
 *   Σ_{j : |rows(j) ∩ S| ≥ 2} x_j ≤ 1
 * holds for every plan, and cuts off LP points that take, say, {a,b}, {b,c} and {a,c} at ½ each.
 * The LP of a cut-augmented master has cut duals σ ≤ 0; a column's reduced cost is then
 * cost − Σ y − μ − Σ_{cuts it hits} σ, and a plan's value is still ≥ Σ y + Σ σ + μ·k + Σ its
 * reduced costs (each cut's left side is ≤ 1 on a plan and σ ≤ 0; μ ≥ 0 is the price of Σ x ≥ k,
 * which every plan meets): `calcCutDualBound` repairs an LP's prices into such a feasible dual.
 *
 * Why: on 250 generated tracts under the hard objective (cost ≈ 1 per station) the LP is 50.94;
 * every triple cut that the LP violates, added until none is, lifts the least number of columns
 * of the LP to 51.16, so every plan has ≥ 52 stations, which the LP alone cannot say.
 */
import { repairDualPrices } from './frontier.js';

/** A cut: three rows, ascending. */
export type RowTriple = readonly [number, number, number];

/** Whether a column (its rows) counts in the cut: it covers ≥ 2 of the cut's 3 rows. */
export function hitsCut(rows: readonly number[], cut: RowTriple): boolean {
  let n = 0;
  for (const r of rows) if (r === cut[0] || r === cut[1] || r === cut[2]) n++;
  return n >= 2;
}

/** Per row, the indices of the cuts through it (for `cutsHitBy`). */
export function indexCutsByRow(rows: number, cuts: readonly RowTriple[]): number[][] {
  const byRow: number[][] = Array.from({ length: rows }, () => []);
  cuts.forEach((c, k) => { for (const r of c) byRow[r]!.push(k); });
  return byRow;
}

/**
 * The cuts a column hits (indices into the cuts of `byRow`), appended to `out`; `count` is a
 * scratch array of one entry per cut, left at 0.
 */
export function cutsHitBy(rows: readonly number[], byRow: readonly (readonly number[])[], count: Int32Array, out: number[]): void {
  for (const r of rows) for (const k of byRow[r]!) { const n = count[k]! + 1; count[k] = n; if (n === 2) out.push(k); }
  for (const r of rows) for (const k of byRow[r]!) count[k] = 0;
}

export interface CutSeparation {
  /** Violated triples, most violated first. */
  cuts: RowTriple[];
  /** Largest left-hand side found (≤ 1 when none is violated). */
  worst: number;
}

/**
 * Triples whose cut the LP point `x` (one value per column) violates by more than `tol`, most
 * violated first, at most `max`, each row in at most `perRow` of them and none in `known` (keys
 * `a,b,c`). Only triples with two rows together in some column of positive x can be violated
 * (the left side is Σ over pairs inside S of w_pair − 2 · w_S, w = x summed over the columns
 * holding them), so only those are tried.
 */
export function separateSubsetRowCuts(
  rows: number, columns: readonly { rows: readonly number[] }[], x: ArrayLike<number>,
  options: { max?: number; perRow?: number; tol?: number; known?: ReadonlySet<string> } = {},
): CutSeparation {
  const max = options.max ?? 80;
  const perRow = options.perRow ?? 4;
  const tol = options.tol ?? 1e-4;
  const pair = new Map<number, number>();
  const triple = new Map<number, number>();
  const key2 = (a: number, b: number): number => a * rows + b;
  const key3 = (a: number, b: number, c: number): number => (a * rows + b) * rows + c;
  for (let j = 0; j < columns.length; j++) {
    const v = x[j]!;
    if (!(v > 1e-9)) continue;
    const r = columns[j]!.rows;
    for (let a = 0; a < r.length; a++) {
      for (let b = a + 1; b < r.length; b++) {
        const k = key2(r[a]!, r[b]!);
        pair.set(k, (pair.get(k) ?? 0) + v);
        for (let c = b + 1; c < r.length; c++) { const t = key3(r[a]!, r[b]!, r[c]!); triple.set(t, (triple.get(t) ?? 0) + v); }
      }
    }
  }
  const near: number[][] = Array.from({ length: rows }, () => []);
  for (const k of pair.keys()) { const a = Math.floor(k / rows), b = k % rows; near[a]!.push(b); near[b]!.push(a); }
  const w2 = (a: number, b: number): number => pair.get(a < b ? key2(a, b) : key2(b, a)) ?? 0;
  const found: { cut: RowTriple; v: number }[] = [];
  const tried = new Set<number>();
  let worst = 0;
  for (const k of pair.keys()) {
    const a0 = Math.floor(k / rows), b0 = k % rows;
    for (const c0 of [...near[a0]!, ...near[b0]!]) {
      if (c0 === a0 || c0 === b0) continue;
      const [a, b, c] = [a0, b0, c0].sort((p, q) => p - q) as [number, number, number];
      const t = key3(a, b, c);
      if (tried.has(t)) continue;
      tried.add(t);
      const v = w2(a, b) + w2(a, c) + w2(b, c) - 2 * (triple.get(t) ?? 0);
      if (v > worst) worst = v;
      if (v > 1 + tol && !(options.known?.has(`${a},${b},${c}`) ?? false)) found.push({ cut: [a, b, c], v });
    }
  }
  found.sort((p, q) => q.v - p.v || p.cut[0] - q.cut[0] || p.cut[1] - q.cut[1] || p.cut[2] - q.cut[2]);
  const use = new Int32Array(rows);
  const cuts: RowTriple[] = [];
  for (const f of found) {
    if (cuts.length >= max) break;
    if (f.cut.some((r) => use[r]! >= perRow)) continue;
    for (const r of f.cut) use[r]!++;
    cuts.push(f.cut);
  }
  return { cuts, worst };
}

export interface CutDual {
  /** Row prices, repaired: Σ y over a column's rows ≤ its cost − μ − Σ σ of the cuts it hits. */
  y: Float64Array;
  /** Cut prices (≤ 0). */
  sigma: Float64Array;
  /** Price of Σ x ≥ `minCount` (≥ 0; 0 without it). */
  mu: number;
  /** Σ y + Σ σ + μ · minCount: a lower bound on every plan. */
  bound: number;
  /** Reduced cost of each column (≥ 0): a plan's value is ≥ `bound` + Σ of its columns' ones. */
  rc: Float64Array;
}

/**
 * A feasible dual of the cut-augmented LP from an LP's prices (any prices: σ clamped to ≤ 0, μ to
 * ≥ 0, then y lowered where a column would price negative, `repairDualPrices`), so that the
 * bound holds even when the LP was cut short. `minCount`: a number of columns every plan is known
 * to need (0: none). `unitCost`: every column costs 1.
 */
export function calcCutDualBound(
  rows: number, columns: readonly { rows: readonly number[]; cost: number }[], cuts: readonly RowTriple[],
  prices: { rowPrices: ArrayLike<number>; cutPrices?: ArrayLike<number>; countPrice?: number },
  minCount = 0, unitCost = false,
): CutDual {
  const sigma = Float64Array.from({ length: cuts.length }, (_, k) => { const v = prices.cutPrices?.[k]; return v !== undefined && Number.isFinite(v) ? Math.min(0, v) : 0; });
  const mu = minCount > 0 && prices.countPrice !== undefined && Number.isFinite(prices.countPrice) ? Math.max(0, prices.countPrice) : 0;
  const byRow = indexCutsByRow(rows, cuts);
  const scratch = new Int32Array(cuts.length);
  const hit: number[] = [];
  // the cost each row price has to stay under: cost − μ − Σ σ (σ ≤ 0: at least cost − μ)
  const effective = columns.map((c) => {
    hit.length = 0;
    cutsHitBy(c.rows, byRow, scratch, hit);
    let s = (unitCost ? 1 : c.cost) - mu;
    for (const k of hit) s -= sigma[k]!;
    return { rows: c.rows as number[], cost: s };
  });
  const y = repairDualPrices(rows, effective, prices.rowPrices);
  const rc = Float64Array.from(effective, (c) => { let s = c.cost; for (const r of c.rows) s -= y[r]!; return Math.max(0, s); });
  const bound = y.reduce((s, v) => s + v, 0) + sigma.reduce((s, v) => s + v, 0) + mu * minCount;
  return { y, sigma, mu, bound, rc };
}
