/**
 * Domain types of the solver and the plan. One home: everything else imports these.
 */
import type { AdjacencyGraph, Committee, CommitteeMeasures } from '../geo/types.js';

export type FacilityKind = 'office' | 'service' | 'plaza';
export const FACILITY_KINDS: readonly FacilityKind[] = ['office', 'service', 'plaza'];
/** The committee field of each facility's planned area (年内可达标, seed 004 五(三)). */
export const PLANNED_FIELDS: Readonly<Record<FacilityKind, 'officePlanned' | 'servicePlanned' | 'plazaPlanned'>> = {
  office: 'officePlanned', service: 'servicePlanned', plaza: 'plazaPlanned',
};

/** How members' floor areas add up in one station. */
export type Pooling = 'max' | 'sum';

export interface FacilityRule {
  /** m² a station needs to meet the standard. */
  threshold: number;
  /** Share of stations (0–1) that should meet it after the merge. */
  target: number;
  /** office: `max` (a station sits in one building); service, plaza: `sum`. */
  pooling: Pooling;
}

/** Every rule of DOMAIN.md, with the seed's value as default (see scenarios/defaults). */
export interface Rules {
  households: { min: number; max: number };
  maxCommitteesPerStation: number;
  minSharedBorderMeters: number;
  snapToleranceMeters: number;
  enclaveLinkMeters: number;
  facilities: Record<FacilityKind, FacilityRule>;
  /**
   * Fixed station counts by street office name: the best plan with exactly that many stations
   * there, or the reason there is none. [free]
   */
  stations?: Record<string, number>;
  /**
   * How staff are proposed per station (the district total stays fixed, seed 004 五): `members`
   * keeps each committee's staff with it; `shandong` shares each street office's staff among its
   * stations by households, against the Shandong norm of one worker per 300–400 households
   * (seed 003). A hand-made plan may assign a station's staff itself. [members]
   */
  staffing?: StaffingRule;
  /**
   * Full party members from which a station forms a branch, a general branch, a committee: 3 and 50
   * by seed 001 art. 12; 100 for a committee is not in the seeds (party practice). [3, 50, 100]
   */
  party?: PartyThresholds;
}

export interface PartyThresholds {
  branch: number;
  generalBranch: number;
  committee: number;
}

export type StaffingRule = 'members' | 'shandong';

/** Weights of the objective (README: "The objective"). All ≥ 0. */
export interface Weights {
  /** Cost of each station: what consolidation saves. */
  station: number;
  /**
   * Cost of each existing station absorbed into another (a station of k existing stations pays
   * (k − 1) · merge): the disruption of a merge. With merge > station a merge alone does not pay;
   * it is made only where it brings stations into the band or up to the facility thresholds.
   */
  merge: number;
  /** Per unit of relative shortfall below the band's minimum: (min − h) / min. */
  under: number;
  /** Per unit of relative excess above the maximum (only exempt stations can be there): (h − max) / max. */
  over: number;
  /** Per station that misses a facility threshold. */
  facility: Record<FacilityKind, number>;
  /** Per unit of non-compactness of a merged station: 1 − Polsby–Popper of the dissolved shape. */
  compactness: number;
  /** Per extra community type mixed in one station (distinct types − 1). */
  typeMix: number;
  /** Per enclave link a station relies on (members joined without a shared border). */
  enclaveLink: number;
}

/** Planner's locks, by committee id or name (resolved at scenario load). */
export interface Locks {
  /** Pairs (or groups) of committees that must be in different stations. */
  separate: string[][];
  /** Groups that must share one station. */
  together: string[][];
  /** Committees whose current station stays exactly as it is (no one joins, no one leaves). */
  keep: string[];
}

export interface SolverOptions {
  /**
   * Wall-clock budget of the whole solve (every street office of the command), ms: the solve
   * returns within it (+ 10% + 2 s) with the best checked plan and its bound. [SOLVER_DEFAULTS.timeLimitMs]
   */
  timeLimitMs: number;
  /** Cap for one street office within that budget, ms. [none] */
  officeTimeLimitMs?: number;
  /** Which integer-programming engine. ['highs'] */
  engine: 'highs' | 'jslp';
}

export interface Scenario {
  name: string;
  rules: Rules;
  weights: Weights;
  locks: Locks;
  /** Street offices to plan; empty or absent = all. */
  streetOffices?: string[];
  solver: SolverOptions;
}

/**
 * A street office's problem as the solver sees it: committees (by index into `committees`),
 * adjacency, measures, the scenario. Read-only plain data.
 */
export interface Problem {
  streetOffice: string;
  committees: Committee[];
  measures: CommitteeMeasures[];
  graph: AdjacencyGraph;
  scenario: Scenario;
}

/** One admissible merge group: committee indices (ascending) into Problem.committees, and its cost. */
export interface Candidate {
  members: number[];
  cost: number;
}

export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'time_limit' | 'error';

/** Result of the partition solver for one street office. Never thrown for infeasible or timed out. */
export interface SolveResult {
  status: SolveStatus;
  /** Chosen groups (committee indices), empty when none was found. */
  groups: number[][];
  objective: number;
  /** Best proven lower bound on the objective. */
  bound: number;
  /** (objective − bound) / max(1, |objective|); 0 when proven optimal. */
  gap: number;
  ms: number;
  candidates: number;
  /** Why it is infeasible: the committee or lock that cannot be satisfied, in words. */
  reasons?: InfeasibleReason[];
  engine: string;
  /** What limited the solve, in words (a budget that stopped the enumeration, the clock). */
  notes?: string[];
}

export interface InfeasibleReason {
  code: string;
  message: string;
  committees?: string[];
}

export type HouseholdCheck = 'ok' | 'under' | 'over' | 'exempt';
export type PartyOrganisation = 'none' | 'branch' | 'general-branch' | 'committee';

export interface StationChecks {
  households: HouseholdCheck;
  office: boolean;
  service: boolean;
  plaza: boolean;
  contiguous: boolean;
}

export interface Station {
  /** Stable id: street office + host committee id. */
  id: string;
  streetOffice: string;
  /** Committee ids, in the order of the dataset. */
  committeeIds: string[];
  /** Committee names, as in the dataset. */
  committees: string[];
  /** Name of the host committee (where the station sits: the member with the largest office). */
  host: string;
  households: number;
  population: number;
  office: number;
  service: number;
  plaza: number;
  /** Staff of the members today (the sum). */
  staff: number;
  /**
   * Staff the plan proposes (solver/staffing.ts: the rule's, or the hand-made plan's own
   * assignment). Absent in plans stored before it existed: the rule's proposal then.
   */
  staffProposed?: number;
  partyMembers: number;
  party: PartyOrganisation;
  areaM2: number;
  /** Member pairs joined only by an enclave link (names). */
  enclaveLinks: [string, string][];
  checks: StationChecks;
  /**
   * The facilities once the members' planned areas are built (each member counts the larger of its
   * area and its planned area, pooled as the rule says) and whether they then meet the thresholds.
   * Present only when a member has a planned area.
   */
  planned?: StationPlanned;
  cost: number;
}

export interface StationPlanned {
  office: number;
  service: number;
  plaza: number;
  checks: Record<FacilityKind, boolean>;
}

export interface Violation {
  rule: string;
  severity: 'fatal' | 'warning';
  station?: string;
  committee?: string;
  message: string;
}

export interface StreetOfficePlan {
  name: string;
  stationsBefore: number;
  stationsAfter: number;
  stations: Station[];
  /** How the solver did on this street office; null for an evaluated (hand-made) plan. */
  solver: SolveReport | null;
}

/** A SolveResult without the raw groups, as summaries report it. */
export type SolveReport = Omit<SolveResult, 'groups'>;

export interface PlanSummary {
  scenario: string;
  stationsBefore: number;
  stationsAfter: number;
  solver: { status: SolveStatus | 'evaluated'; objective: number; bound?: number; gap?: number; ms: number };
  streetOffices: StreetOfficePlan[];
  checks: {
    violations: Violation[];
    facilityTargets: Record<FacilityKind, { met: number; stations: number; share: number; target: number; ok: boolean }>;
    /** The same counted with the planned areas (年内可达标); present only when a station has one. */
    facilityTargetsPlanned?: Record<FacilityKind, { met: number; stations: number; share: number; target: number; ok: boolean }>;
    staffBefore: number;
    /** Staff the plan proposes in all (Σ staffProposed); must equal staffBefore. */
    staffAfter: number;
  };
}

/** A plan written by hand: merge groups by committee name (or id), per street office optional. */
export interface HandPlan {
  name?: string;
  /** Each entry is one station's committees; committees not named stay single stations. */
  stations: string[][];
  /**
   * The staff the street office assigns to each station of `stations` (same order; null: the
   * rule's proposal). Nothing keeps the total: the `staff-total-changed` check does. [none]
   */
  staff?: (number | null)[];
}
