/**
 * Rule checks of a whole plan, recomputed from the raw input: the same checks run on a solved
 * plan and on a plan written by hand. Each violation names its rule, station or committee.
 */
import type { Committee } from '../geo/types.js';
import type { Member } from './station.js';
import { FACILITY_KINDS, PLANNED_FIELDS, type FacilityKind, type PlanSummary, type Scenario, type Station, type Violation } from './types.js';

export type FacilityTargets = PlanSummary['checks']['facilityTargets'];

/**
 * Share of stations meeting each facility threshold, against the plan targets; with `planned`, as
 * they will once the planned areas are built (a station without any counts as it is).
 */
export function calcFacilityTargets(
  stations: readonly Station[], scenario: Scenario, planned = false, inData: Record<FacilityKind, boolean> = ALL_IN_DATA,
): FacilityTargets {
  const out = {} as FacilityTargets;
  for (const kind of FACILITY_KINDS) {
    const met = stations.filter((s) => (planned ? s.planned?.checks[kind] ?? s.checks[kind] : s.checks[kind])).length;
    const share = stations.length === 0 ? 1 : met / stations.length;
    const target = scenario.rules.facilities[kind].target;
    out[kind] = { met, stations: stations.length, share, target, ok: share + 1e-12 >= target, ...(inData[kind] ? {} : { noData: true as const }) };
  }
  return out;
}

const ALL_IN_DATA: Record<FacilityKind, boolean> = { office: true, service: true, plaza: true };

/**
 * For each facility kind, whether any of the committees has an area of it, or a planned one, in its
 * data. Real data often has none (census tracts): its targets are then not judged.
 */
export function findFacilityKindsInData(committees: Iterable<Committee>): Record<FacilityKind, boolean> {
  const out = { office: false, service: false, plaza: false };
  for (const c of committees) {
    for (const kind of FACILITY_KINDS) if (c[kind] !== undefined || c[PLANNED_FIELDS[kind]] !== undefined) out[kind] = true;
    if (out.office && out.service && out.plaza) break;
  }
  return out;
}

const FACILITY_NAMES: Record<FacilityKind, string> = { office: 'office space', service: 'public service facilities', plaza: 'outdoor plaza' };

/**
 * Every rule a plan must keep. `members` are the committees in the plan's scope (each must be
 * in exactly one station); `units` gives each committee's existing station.
 */
export function makeViolations(stations: readonly Station[], members: readonly Member[], scenario: Scenario): Violation[] {
  const { rules, locks } = scenario;
  const out: Violation[] = [];
  const stationOf = new Map<string, Station>();
  const committeeById = new Map<string, Committee>(members.map((m) => [m.committee.id, m.committee]));
  for (const s of stations) {
    for (const id of s.committeeIds) {
      const seen = stationOf.get(id);
      if (seen) out.push({ rule: 'committee-duplicate', severity: 'fatal', station: s.id, committee: committeeById.get(id)?.name ?? id, message: `committee ${committeeById.get(id)?.name ?? id} is in two stations (${seen.id} and ${s.id})` });
      else stationOf.set(id, s);
    }
  }
  for (const m of members) {
    if (!stationOf.has(m.committee.id)) out.push({ rule: 'committee-missing', severity: 'fatal', committee: m.committee.name, message: `committee ${m.committee.name} (${m.committee.id}) is in no station` });
  }
  // Existing stations are never split.
  const unitStations = new Map<number, Set<string>>();
  const unitNames = new Map<number, string[]>();
  for (const m of members) {
    const s = stationOf.get(m.committee.id);
    if (!s) continue;
    const names = unitNames.get(m.unit);
    if (names) {
      names.push(m.committee.name);
      unitStations.get(m.unit)!.add(s.id);
    } else {
      // (one array and one set per existing station, not a copy per committee)
      unitNames.set(m.unit, [m.committee.name]);
      unitStations.set(m.unit, new Set([s.id]));
    }
  }
  for (const [unit, ss] of unitStations) {
    if (ss.size > 1) out.push({ rule: 'existing-station-split', severity: 'fatal', station: [...ss].join(','), message: `committees ${unitNames.get(unit)!.join('、')} share a station today and may not be split (stations ${[...ss].join(', ')})` });
  }
  const unitOf = new Map(members.map((m) => [m.committee.id, m.unit]));
  for (const s of stations) {
    const units = new Set(s.committeeIds.map((id) => unitOf.get(id)));
    const singleExisting = units.size === 1;
    if (s.streetOffice.includes('+')) out.push({ rule: 'cross-street-office', severity: 'fatal', station: s.id, message: `station ${s.id} (${s.committees.join('、')}) spans street offices ${s.streetOffice.split('+').join(', ')}` });
    if (!singleExisting && s.committeeIds.length > rules.maxCommitteesPerStation) {
      out.push({ rule: 'max-committees', severity: 'fatal', station: s.id, message: `station ${s.id} has ${s.committeeIds.length} committees; at most ${rules.maxCommitteesPerStation} may share a station` });
    }
    if (s.checks.households === 'over') {
      out.push({ rule: 'households-over', severity: 'fatal', station: s.id, message: `station ${s.id} (${s.committees.join('、')}) serves ${s.households} households, above the maximum ${rules.households.max}` });
    } else if (s.checks.households === 'under') {
      out.push({ rule: 'households-under', severity: 'warning', station: s.id, message: `station ${s.id} (${s.committees.join('、')}) serves ${s.households} households, below the norm's minimum ${rules.households.min}` });
    }
    if (!s.checks.contiguous) out.push({ rule: 'not-contiguous', severity: 'fatal', station: s.id, message: `station ${s.id} (${s.committees.join('、')}) is not one connected territory` });
    else if (s.enclaveLinks.length > 0) out.push({ rule: 'enclave-link', severity: 'warning', station: s.id, message: `station ${s.id} joins ${s.enclaveLinks.map(([a, b]) => `${a}–${b}`).join(', ')} through an enclave link, without a shared border` });
    if (!singleExisting) {
      for (const id of s.committeeIds) {
        const c = committeeById.get(id);
        if (c?.selfContained) out.push({ rule: 'self-contained-merged', severity: 'fatal', station: s.id, committee: c.name, message: `committee ${c.name} is a self-contained large community and stays a station of its own` });
      }
    }
  }
  // Locks.
  const nameOf = (id: string) => committeeById.get(id)?.name ?? id;
  locks.separate.forEach((group, i) => {
    const byStation = new Map<string, string[]>();
    for (const id of group) {
      const s = stationOf.get(id);
      if (s) byStation.set(s.id, [...(byStation.get(s.id) ?? []), nameOf(id)]);
    }
    for (const [sid, names] of byStation) {
      if (names.length > 1) out.push({ rule: 'lock-separate', severity: 'fatal', station: sid, message: `locks.separate.${i}: ${names.join('、')} must be in different stations` });
    }
  });
  locks.together.forEach((group, i) => {
    const ss = new Set(group.map((id) => stationOf.get(id)?.id));
    if (ss.size > 1) out.push({ rule: 'lock-together', severity: 'fatal', message: `locks.together.${i}: ${group.map(nameOf).join('、')} must share one station` });
  });
  for (const id of locks.keep) {
    const s = stationOf.get(id);
    const unit = unitOf.get(id);
    if (!s || unit === undefined) continue;
    const unitIds = members.filter((m) => m.unit === unit).map((m) => m.committee.id);
    if (s.committeeIds.length !== unitIds.length || !unitIds.every((u) => s.committeeIds.includes(u))) {
      out.push({ rule: 'lock-keep', severity: 'fatal', station: s.id, committee: nameOf(id), message: `locks.keep: the station of ${nameOf(id)} must stay as it is` });
    }
  }
  // Plan-level: stations only decrease, staff total unchanged, facility targets.
  const before = new Set(members.map((m) => m.unit)).size;
  if (stations.length > before) out.push({ rule: 'station-count-up', severity: 'fatal', message: `the plan has ${stations.length} stations, more than the ${before} of today: stations only decrease (只减不增)` });
  const staffBefore = members.reduce((s, m) => s + (m.committee.staff ?? 0), 0);
  const staffAfter = stations.reduce((s, st) => s + (st.staffProposed ?? st.staff), 0);
  if (staffBefore !== staffAfter) out.push({ rule: 'staff-total-changed', severity: 'fatal', message: `station staff total changes from ${staffBefore} to ${staffAfter}: it must stay the same` });
  const inData = findFacilityKindsInData(members.map((m) => m.committee));
  const targets = calcFacilityTargets(stations, scenario, false, inData);
  const missing = FACILITY_KINDS.filter((kind) => !inData[kind]);
  if (missing.length > 0 && stations.length > 0) {
    out.push({
      rule: 'facility-data-missing',
      severity: 'warning',
      message: `no committee has ${missing.map((k) => FACILITY_NAMES[k]).join(', ')} in the data: ${missing.length === 1 ? 'its target is' : 'their targets are'} not checked`,
    });
  }
  for (const kind of FACILITY_KINDS) {
    const t = targets[kind];
    if (!t.ok && !t.noData) {
      out.push({
        rule: `facility-target-${kind}`,
        severity: 'warning',
        message: `${t.met} of ${t.stations} stations (${(t.share * 100).toFixed(1)}%) have ${FACILITY_NAMES[kind]} of ${rules.facilities[kind].threshold} m² or more; the target is ${(t.target * 100).toFixed(0)}%`,
      });
    }
  }
  return out;
}
