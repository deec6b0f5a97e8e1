import type { Committee } from '../geo/types.js';
import type { FacilityKind, HouseholdCheck, PartyOrganisation, PartyThresholds, Rules } from './types.js';
import { FACILITY_KINDS } from './types.js';

/** The pooled figures of a would-be station. */
export interface StationFigures {
  households: number;
  population: number;
  office: number;
  service: number;
  plaza: number;
  staff: number;
  partyMembers: number;
  /** Index (into the given members) of the host committee: largest office, then most households, then first. */
  host: number;
}

/**
 * Pools the figures of the given committees as one station: households, population, staff and
 * party members add up; each facility pools as its rule says (office `max`: a station sits in
 * one building; service and plaza `sum`). Missing figures count as 0.
 */
export function calcStationFigures(members: readonly Committee[], rules: Rules): StationFigures {
  let households = 0, population = 0, staff = 0, partyMembers = 0, host = 0;
  const pooled: Record<FacilityKind, number> = { office: 0, service: 0, plaza: 0 };
  members.forEach((c, i) => {
    households += c.households;
    population += c.population ?? 0;
    staff += c.staff ?? 0;
    partyMembers += c.partyMembers ?? 0;
    for (const kind of FACILITY_KINDS) {
      const v = c[kind] ?? 0;
      pooled[kind] = rules.facilities[kind].pooling === 'max' ? Math.max(pooled[kind], v) : pooled[kind] + v;
    }
    const best = members[host]!;
    if ((c.office ?? 0) > (best.office ?? 0) || ((c.office ?? 0) === (best.office ?? 0) && c.households > best.households)) host = i;
  });
  return { households, population, staff, partyMembers, host, ...pooled };
}

/**
 * Household check of a station against the band. Above the maximum is `exempt` only for a
 * station that is one existing station as it stands (nothing to split; a self-contained large
 * community stays on its own), otherwise `over`.
 */
export function classifyHouseholds(households: number, rules: Rules, singleExisting: boolean): HouseholdCheck {
  if (households > rules.households.max) return singleExisting ? 'exempt' : 'over';
  if (households < rules.households.min) return 'under';
  return 'ok';
}

/** Does a pooled facility meet its threshold? */
export function isFacilityMet(kind: FacilityKind, area: number, rules: Rules): boolean {
  return area >= rules.facilities[kind].threshold;
}

/** Seed 001 art. 12: a branch from 3 full members, a general branch from 50; a committee from 100 (not in the seeds). */
export const DEFAULT_PARTY_THRESHOLDS: PartyThresholds = { branch: 3, generalBranch: 50, committee: 100 };

/** Party organisation a station calls for by full members (`rules.party`, default 3 / 50 / 100). */
export function calcPartyOrganisation(members: number, thresholds: PartyThresholds = DEFAULT_PARTY_THRESHOLDS): PartyOrganisation {
  if (members >= thresholds.committee) return 'committee';
  if (members >= thresholds.generalBranch) return 'general-branch';
  if (members >= thresholds.branch) return 'branch';
  return 'none';
}

/**
 * Existing stations as units: committees with the same `station` value share one today;
 * a committee without one is its own station. Returns unit index per committee (first-seen order).
 */
export function calcExistingUnits(committees: readonly Committee[]): number[] {
  const byStation = new Map<string, number>();
  let next = 0;
  return committees.map((c) => {
    if (c.station === undefined || c.station === '') return next++;
    const seen = byStation.get(c.station);
    if (seen !== undefined) return seen;
    byStation.set(c.station, next);
    return next++;
  });
}
