/**
 * Staff per station after the merge (seed 004 五: the district total stays fixed and the street
 * office re-assigns the workers). `members` keeps each committee's staff with it; `shandong` shares
 * the same total among the stations in proportion to their households (largest remainder, at
 * least one worker, the 站长, per station), the Shandong norm of one worker per 300–400 households
 * (seed 003) telling how far each station is from it.
 */
import type { PlanOutcome } from '../solver/outcome.js';
import type { StaffingRule, Station } from '../solver/types.js';

/** Shandong 2018 (seed 003): one community worker per 300–400 households. */
export const STAFF_NORM_HOUSEHOLDS = { min: 300, max: 400 } as const;

/** Workers a station of `households` needs by the norm: at 400 and at 300 households a worker. */
export function calcStaffNorm(households: number): { min: number; max: number } {
  return { min: Math.ceil(households / STAFF_NORM_HOUSEHOLDS.max), max: Math.ceil(households / STAFF_NORM_HOUSEHOLDS.min) };
}

export interface StationStaffing {
  station: Station;
  /** Staff of the members today (the sum). */
  current: number;
  proposed: number;
  /** proposed − current. */
  change: number;
  norm: { min: number; max: number };
  /** Workers missing to the norm's minimum (0 when none). */
  shortfall: number;
  /** One head (站长) per station, no deputy (seed 004 七). */
  heads: 1;
}

export interface StaffingProposal {
  rule: StaffingRule;
  total: number;
  stations: StationStaffing[];
  headsBefore: number;
  headsAfter: number;
}

/** Shares `total` by `weights` in whole numbers (largest remainder), each share at least `floor` when the total allows. */
export function shareByLargestRemainder(total: number, weights: readonly number[], floor = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const base = total >= floor * n ? floor : 0;
  const rest = total - base * n;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (sum > 0 ? (rest * w) / sum : rest / n));
  const shares = exact.map(Math.floor);
  let left = rest - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) { if (left <= 0) break; shares[i]!++; left--; }
  return shares.map((s) => s + base);
}

/**
 * The staff each station gets under the rule, with the change against today and the shortfall
 * against the norm; the total is the plan's (equal to today's when the plan keeps the staff rule).
 */
export function makeStaffingProposal(outcome: PlanOutcome, rule: StaffingRule = 'members'): StaffingProposal {
  const stations = outcome.stations;
  const total = stations.reduce((n, s) => n + s.staff, 0);
  const proposed = rule === 'members' ? stations.map((s) => s.staff) : shareByLargestRemainder(total, stations.map((s) => s.households), 1);
  return {
    rule,
    total,
    headsBefore: outcome.summary.stationsBefore,
    headsAfter: stations.length,
    stations: stations.map((station, i) => {
      const norm = calcStaffNorm(station.households);
      return { station, current: station.staff, proposed: proposed[i]!, change: proposed[i]! - station.staff, norm, shortfall: Math.max(0, norm.min - proposed[i]!), heads: 1 as const };
    }),
  };
}
