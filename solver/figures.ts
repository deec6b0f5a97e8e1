import type { Committee } from '../geo/types.js';
import type { FacilityKind, HouseholdCheck, PartyOrganisation, PartyThresholds, Rules } from './types.js';
import { FACILITY_KINDS, PLANNED_FIELDS } from './types.js';

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
  /** The facilities pooled with the members' planned areas (calcPlannedArea); null when no member has one. */
  planned: Record<FacilityKind, number> | null;
}

/** A committee's facility area once what is planned within the year is built: the larger of its area and its planned area. */
export function calcPlannedArea(c: Committee, kind: FacilityKind): number {
  return Math.max(c[kind] ?? 0, c[PLANNED_FIELDS[kind]] ?? 0);
}

/** Whether a committee has a planned area for any facility. */
export function hasPlannedArea(c: Committee): boolean {
  return FACILITY_KINDS.some((k) => c[PLANNED_FIELDS[k]] !== undefined);
}

/** Seed 004 五(三): a committee's facility is met (达标), met within the year with its planned area (年内可达标), hard to meet (年内较难达标), or not reported. */
export type FacilityStatus = 'met' | 'within-year' | 'hard' | 'unknown';

export function classifyFacility(c: Committee, kind: FacilityKind, rules: Rules): FacilityStatus {
  if (c[kind] === undefined && c[PLANNED_FIELDS[kind]] === undefined) return 'unknown';
  const t = rules.facilities[kind].threshold;
  if ((c[kind] ?? 0) >= t) return 'met';
  return calcPlannedArea(c, kind) >= t ? 'within-year' : 'hard';
}

/**
 * Pools the figures of the given committees as one station: households, population, staff and
 * party members add up; each facility pools as its rule says (office `max`: a station sits in
 * one building; service and plaza `sum`). Missing figures count as 0. With `withPlanned` also the
 * facilities with the members' planned areas (the solver's cost does not read them). [false]
 */
export function calcStationFigures(members: readonly Committee[], rules: Rules, withPlanned = false): StationFigures {
  let households = 0, population = 0, staff = 0, partyMembers = 0, host = 0;
  const pooled: Record<FacilityKind, number> = { office: 0, service: 0, plaza: 0 };
  const planned: Record<FacilityKind, number> = { office: 0, service: 0, plaza: 0 };
  let anyPlanned = false;
  members.forEach((c, i) => {
    households += c.households;
    population += c.population ?? 0;
    staff += c.staff ?? 0;
    partyMembers += c.partyMembers ?? 0;
    for (const kind of FACILITY_KINDS) {
      const v = c[kind] ?? 0;
      pooled[kind] = rules.facilities[kind].pooling === 'max' ? Math.max(pooled[kind], v) : pooled[kind] + v;
      if (!withPlanned) continue;
      const w = calcPlannedArea(c, kind);
      planned[kind] = rules.facilities[kind].pooling === 'max' ? Math.max(planned[kind], w) : planned[kind] + w;
    }
    if (withPlanned && hasPlannedArea(c)) anyPlanned = true;
    const best = members[host]!;
    if ((c.office ?? 0) > (best.office ?? 0) || ((c.office ?? 0) === (best.office ?? 0) && c.households > best.households)) host = i;
  });
  return { households, population, staff, partyMembers, host, ...pooled, planned: anyPlanned ? planned : null };
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
