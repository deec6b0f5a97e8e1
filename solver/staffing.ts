/**
 * Staff per station after the merge (seed 004 五: the district total stays fixed and the street
 * office re-assigns the workers). The rule (`rules.staffing`) proposes: `members` keeps each
 * committee's staff with it; `shandong` shares each street office's staff among its stations in
 * proportion to their households (largest remainder, at least one worker, the 站长, per station),
 * the Shandong norm of one worker per 300–400 households (seed 003) telling how far each station
 * is from it. A hand-made plan may set a station's staff itself (the street office's own
 * assignment); then nothing keeps the total, and the `staff-total-changed` check says so.
 */
import type { PlanOutcome } from './outcome.js';
import type { StaffingRule, Station } from './types.js';

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
  /** Staff of the members today. */
  total: number;
  /** Staff proposed in all (equal to `total` unless a hand-made assignment changes it). */
  proposedTotal: number;
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
 * The staff the rule proposes for each station (in the given order): `members` their members'
 * staff; `shandong` each street office's staff shared among its stations by households.
 */
export function proposeStaff(stations: readonly Station[], rule: StaffingRule = 'members'): number[] {
  if (rule === 'members') return stations.map((s) => s.staff);
  const out = new Array<number>(stations.length).fill(0);
  const byOffice = new Map<string, number[]>();
  stations.forEach((s, i) => byOffice.set(s.streetOffice, [...(byOffice.get(s.streetOffice) ?? []), i]));
  for (const idx of byOffice.values()) {
    const total = idx.reduce((n, i) => n + stations[i]!.staff, 0);
    const shares = shareByLargestRemainder(total, idx.map((i) => stations[i]!.households), 1);
    idx.forEach((i, k) => { out[i] = shares[k]!; });
  }
  return out;
}

/**
 * The staff each station gets, with the change against today and the shortfall against the norm:
 * the plan's own proposal (`staffProposed`, set when the plan was made), else the rule's.
 */
export function makeStaffingProposal(outcome: PlanOutcome, rule: StaffingRule = 'members'): StaffingProposal {
  const stations = outcome.stations;
  const byRule = proposeStaff(stations, rule);
  const proposed = stations.map((s, i) => s.staffProposed ?? byRule[i]!);
  return {
    rule,
    total: stations.reduce((n, s) => n + s.staff, 0),
    proposedTotal: proposed.reduce((a, b) => a + b, 0),
    headsBefore: outcome.summary.stationsBefore,
    headsAfter: stations.length,
    stations: stations.map((station, i) => {
      const norm = calcStaffNorm(station.households);
      return { station, current: station.staff, proposed: proposed[i]!, change: proposed[i]! - station.staff, norm, shortfall: Math.max(0, norm.min - proposed[i]!), heads: 1 as const };
    }),
  };
}
