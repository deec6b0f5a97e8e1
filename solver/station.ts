import type { AdjacencyGraph, Committee, CommitteeMeasures } from '../geo/types.js';
import { calcPartyOrganisation, calcStationFigures, classifyHouseholds, isFacilityMet } from './figures.js';
import type { Rules, Station } from './types.js';

/** One committee as the plan layer sees it: the committee, its measures, its existing unit. */
export interface Member {
  committee: Committee;
  measures: CommitteeMeasures;
  /** Existing-station unit id (solver/figures.ts calcExistingUnits), dataset-wide. */
  unit: number;
}

/**
 * How the members of a station hang together: connected through shared borders alone, through
 * enclave links as well, or not at all. `links` lists the enclave links a spanning tree needs
 * (border edges first).
 */
export interface Connectivity {
  connected: boolean;
  links: [string, string][];
}

export function calcConnectivity(ids: readonly string[], graph: AdjacencyGraph): Connectivity {
  const index = new Map(ids.map((id, i) => [id, i]));
  const parent = ids.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const union = (a: number, b: number): boolean => {
    const ra = find(a), rb = find(b);
    if (ra === rb) return false;
    parent[Math.max(ra, rb)] = Math.min(ra, rb);
    return true;
  };
  for (const [i, id] of ids.entries()) {
    for (const other of graph.border.get(id)?.keys() ?? []) {
      const j = index.get(other);
      if (j !== undefined) union(i, j);
    }
  }
  const links: [string, string][] = [];
  for (const [i, id] of ids.entries()) {
    const near = [...(graph.links.get(id)?.entries() ?? [])].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    for (const [other] of near) {
      const j = index.get(other);
      if (j !== undefined && union(i, j)) links.push([id, other]);
    }
  }
  const root = find(0);
  return { connected: ids.every((_, i) => find(i) === root), links };
}

/**
 * Makes one station from its members: pooled figures, host, party organisation, checks.
 * `singleExisting` is true when the members are exactly one existing station as it stands.
 * Members must be given in dataset order (ids and names are listed in that order).
 */
export function makeStation(members: readonly Member[], graph: AdjacencyGraph, rules: Rules, cost: number): Station {
  const committees = members.map((m) => m.committee);
  const figures = calcStationFigures(committees, rules, true);
  const host = committees[figures.host]!;
  const units = new Set(members.map((m) => m.unit));
  const singleExisting = units.size === 1;
  const ids = committees.map((c) => c.id);
  const connectivity = calcConnectivity(ids, graph);
  const nameOf = new Map(committees.map((c) => [c.id, c.name]));
  const offices = [...new Set(committees.map((c) => c.streetOffice))];
  return {
    id: `S-${host.id}`,
    streetOffice: offices.join('+'),
    committeeIds: ids,
    committees: committees.map((c) => c.name),
    host: host.name,
    households: figures.households,
    population: figures.population,
    office: figures.office,
    service: figures.service,
    plaza: figures.plaza,
    staff: figures.staff,
    partyMembers: figures.partyMembers,
    party: calcPartyOrganisation(figures.partyMembers, rules.party),
    areaM2: members.reduce((s, m) => s + m.measures.areaM2, 0),
    enclaveLinks: connectivity.links.map(([a, b]) => [nameOf.get(a)!, nameOf.get(b)!]),
    checks: {
      households: classifyHouseholds(figures.households, rules, singleExisting),
      office: isFacilityMet('office', figures.office, rules),
      service: isFacilityMet('service', figures.service, rules),
      plaza: isFacilityMet('plaza', figures.plaza, rules),
      contiguous: connectivity.connected,
    },
    ...(figures.planned ? {
      planned: {
        ...figures.planned,
        checks: {
          office: isFacilityMet('office', figures.planned.office, rules),
          service: isFacilityMet('service', figures.planned.service, rules),
          plaza: isFacilityMet('plaza', figures.planned.plaza, rules),
        },
      },
    } : {}),
    cost,
  };
}
