/**
 * The cost of one would-be station (a merge group), the objective of the partition.
 *
 * ## The model
 * **Units.** Committees that share a current station (`station` property) are one unit and are
 * never split (rule 7: stations only decrease). A `together` lock joins units into one block;
 * a `keep` lock or `selfContained: true` makes the committee's existing unit a station of its
 * own (no one joins). A `separate` lock forbids two of its committees in one station.
 *
 * **Admissible candidate.** A set S of committees of the street office that is a union of whole
 * blocks, connected through `graph.border` edges between its members plus `graph.links`
 * (enclave links), with at most `rules.maxCommitteesPerStation` committees and households
 * ≤ `rules.households.max`, respecting the locks. A candidate that is exactly one existing unit
 * is always admissible, whatever its size, households or shape (it cannot be split).
 *
 * **Cost of a candidate S** (all weights from `scenario.weights`; figures pooled by
 * `calcStationFigures`):
 * ```
 * cost(S) = station
 *         + merge · (existing stations in S − 1)
 *         + under · max(0, min − h) / min
 *         + over  · max(0, h − max) / max
 *         + |S| · Σ_k facility[k] · [pooled k < threshold_k]    k ∈ office, service, plaza
 *         + |S| · compactness · (1 − PP(S)),   PP = min(1, 4π·A / P²)
 *              A = Σ areas, P = Σ perimeters − 2 · Σ shared borders between members
 *         + typeMix · (distinct committee types in S − 1)      (undefined types ignored)
 *         + enclaveLink · (link edges of a spanning forest that uses border edges first)
 * ```
 * |S| is the number of committees: facility and shape terms count per committee served, so a
 * merge is not rewarded merely for making fewer stations. With merge > station (defaults 1.1
 * and 1) a merge by itself costs 0.1 per absorbed station and is made only where it brings
 * households into the band or committees up to a facility threshold.
 * The link count equals (components of S by border edges) − (components by border and link
 * edges): 0 for a single committee. A degenerate shape (P ≤ 0) counts as compact (PP = 1).
 * Each candidate cost is rounded to 1e-9 (`roundCost`) so that ties are exact and comparisons
 * deterministic.
 *
 * **Exact partition.** Choose candidates covering every committee exactly once with the least
 * total cost: a set-partitioning integer program (solver/partition.ts).
 */
import type { Committee } from '../geo/types.js';
import { calcExistingUnits, calcStationFigures, isFacilityMet } from './figures.js';
import type { Problem } from './types.js';
import { FACILITY_KINDS } from './types.js';

/** Indexed view of a problem's graph: neighbours by committee index, only inside the street office. */
export interface IndexedGraph {
  /** `border[i].get(j)` = shared border length in metres. */
  border: Map<number, number>[];
  /** `links[i].get(j)` = enclave link gap in metres. */
  links: Map<number, number>[];
  /** Existing station (unit) of each committee (solver/figures.ts calcExistingUnits). */
  unitOf: number[];
}

/**
 * Builds the index-based adjacency of a problem: border and link edges between its committees
 * (edges to committees outside the problem are ignored). Both directions are recorded even when
 * the input lists only one.
 */
export function calcIndexedGraph(problem: Problem): IndexedGraph {
  const index = new Map<string, number>();
  problem.committees.forEach((c, i) => { if (!index.has(c.id)) index.set(c.id, i); });
  const n = problem.committees.length;
  const border = Array.from({ length: n }, () => new Map<number, number>());
  const links = Array.from({ length: n }, () => new Map<number, number>());
  const fill = (source: Map<string, Map<string, number>>, into: Map<number, number>[]): void => {
    for (const [a, row] of source) {
      const i = index.get(a);
      if (i === undefined) continue;
      for (const [b, len] of row) {
        const j = index.get(b);
        if (j === undefined || j === i) continue;
        into[i]!.set(j, Math.max(into[i]!.get(j) ?? 0, len));
        into[j]!.set(i, Math.max(into[j]!.get(i) ?? 0, len));
      }
    }
  };
  fill(problem.graph.border, border);
  fill(problem.graph.links, links);
  return { border, links, unitOf: calcExistingUnits(problem.committees) };
}

/** Rounds a cost to 1e-9 so that ties are exact. */
export function roundCost(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Number of connected components of `members` using the given edge lists. */
function countComponents(members: readonly number[], edges: readonly Map<number, number>[][]): number {
  const parent = new Map<number, number>();
  for (const m of members) parent.set(m, m);
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  let count = members.length;
  for (const m of members) {
    for (const list of edges) {
      for (const other of list[m]!.keys()) {
        if (!parent.has(other)) continue;
        const a = find(m), b = find(other);
        if (a !== b) { parent.set(a, b); count--; }
      }
    }
  }
  return count;
}

/** The terms of a candidate's cost, before weighting (for explanations and tests). */
export interface CostTerms {
  households: number;
  /** (min − h)/min when under the band, else 0. */
  under: number;
  /** (h − max)/max when over the band, else 0. */
  over: number;
  /** Facility kinds whose pooled area misses the threshold. */
  facilityMissed: { office: boolean; service: boolean; plaza: boolean };
  /** Polsby–Popper compactness of the dissolved shape, 0–1. */
  polsbyPopper: number;
  /** Distinct committee types − 1 (0 when none or one). */
  typeMix: number;
  /** Enclave links the station relies on. */
  enclaveLinks: number;
  /** Existing stations merged into this one, minus one (0 for a station as it stands). */
  merged: number;
}

/**
 * The unweighted terms of the cost of station `members` (committee indices of `problem`).
 * @param graph from `calcIndexedGraph(problem)` (pass it when calling many times)
 */
export function calcCostTerms(problem: Problem, members: readonly number[], graph: IndexedGraph = calcIndexedGraph(problem)): CostTerms {
  const { rules } = problem.scenario;
  const comms: Committee[] = members.map((i) => problem.committees[i]!);
  const fig = calcStationFigures(comms, rules);
  const h = fig.households;
  const { min, max } = rules.households;
  const under = h < min && min > 0 ? (min - h) / min : 0;
  const over = h > max && max > 0 ? (h - max) / max : 0;
  let area = 0, perimeter = 0;
  for (const i of members) {
    area += problem.measures[i]!.areaM2;
    perimeter += problem.measures[i]!.perimeterM;
  }
  const inS = new Set(members);
  let shared = 0;
  for (const i of members) {
    for (const [j, len] of graph.border[i]!) if (j > i && inS.has(j)) shared += len;
  }
  const p = perimeter - 2 * shared;
  const polsbyPopper = p > 0 ? Math.min(1, (4 * Math.PI * area) / (p * p)) : 1;
  const types = new Set<string>();
  for (const c of comms) if (c.type !== undefined) types.add(c.type);
  const enclaveLinks = members.length <= 1 ? 0
    : countComponents(members, [graph.border]) - countComponents(members, [graph.border, graph.links]);
  return {
    households: h,
    under,
    over,
    facilityMissed: {
      office: !isFacilityMet('office', fig.office, rules),
      service: !isFacilityMet('service', fig.service, rules),
      plaza: !isFacilityMet('plaza', fig.plaza, rules),
    },
    polsbyPopper,
    typeMix: Math.max(0, types.size - 1),
    enclaveLinks,
    merged: new Set(members.map((i) => graph.unitOf[i]!)).size - 1,
  };
}

/**
 * Cost of one would-be station made of `members` (committee indices), rounded to 1e-9.
 * See the module comment for the formula. Does not check admissibility.
 * @param graph from `calcIndexedGraph(problem)` (pass it when calling many times)
 * @example calcCandidateCost(problem, [0, 3]) // ≈ 1.07
 */
export function calcCandidateCost(problem: Problem, members: readonly number[], graph: IndexedGraph = calcIndexedGraph(problem)): number {
  const w = problem.scenario.weights;
  const t = calcCostTerms(problem, members, graph);
  let cost = w.station + (w.merge ?? 0) * t.merged + w.under * t.under + w.over * t.over;
  // Facility and shape terms count per committee served, so that a merge is neither rewarded
  // nor punished merely for changing the number of stations (seed 004 counts 社区, communities).
  const n = members.length;
  for (const k of FACILITY_KINDS) if (t.facilityMissed[k]) cost += w.facility[k] * n;
  cost += w.compactness * (1 - t.polsbyPopper) * n;
  cost += w.typeMix * t.typeMix;
  cost += w.enclaveLink * t.enclaveLinks;
  return roundCost(cost);
}
