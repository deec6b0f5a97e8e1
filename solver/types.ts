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
   * there, or the reason there is none. The key `"*"` (DISTRICT_TOTAL_KEY) asks for a total over
   * all the street offices of the plan: the best allocation of that many stations among them
   * (offices named beside it keep their own count). [free]
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
  /**
   * The K best distinct plans in cost order (the first the proven optimum), summary.alternatives
   * and alternatives.json. [none]
   */
  alternatives?: number;
  /** The regret of each station (summary station.regret) and the price of each lock (summary.lockPrices). [false] */
  regret?: boolean;
}

/** The key of `rules.stations` that asks for a district total. */
export const DISTRICT_TOTAL_KEY = '*';

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
  /** The answers a planner asks next (solver/answers.ts), when the scenario asks for them. */
  answers?: OfficeAnswers;
}

/** One plan of a street office: groups (committee indices, as SolveResult.groups) and cost. */
export interface RankedPlan {
  groups: number[][];
  objective: number;
}

/** What the answers of one street office could not compute, or a value. */
export interface AnswerValue {
  /** null when it could not be computed (`reason` says why). */
  value: number | null;
  reason?: string;
}

/** A planner lock of the scenario, by its place in `scenario.locks`. */
export interface LockRef {
  kind: 'together' | 'separate' | 'keep';
  index: number;
}

/** The answers of one street office (solver/answers.ts). */
export interface OfficeAnswers {
  /** Its best plans in cost order, the first the solved plan; each checked by verifyPartition. */
  alternatives?: {
    plans: RankedPlan[];
    /** No other plan exists (the list is shorter than asked because there are no more). */
    exhausted: boolean;
    /** Why the list stopped short of what was asked, when not exhausted. */
    reason?: string;
  };
  /** Per group of SolveResult.groups: optimum with that station forbidden − the plan's cost. */
  regret?: AnswerValue[];
  /** The locks naming a committee of this office: optimum with the lock − optimum without it (≥ 0). */
  locks?: (LockRef & AnswerValue)[];
  /** The optimum per station count (for a district total); counts outside [min, max] have no plan. */
  byCount?: {
    plans: (RankedPlan & { count: number })[];
    /** Every count from min to max is listed (false: the clock stopped it; `reason`). */
    complete: boolean;
    reason?: string;
  };
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
  /**
   * With `solver.regret`: the optimal cost of the street office with this station (this exact set
   * of committees) forbidden, minus the plan's cost; null when it could not be computed
   * (`regretReason`: no plan without it, the clock, a plan not proven optimal).
   */
  regret?: number | null;
  regretReason?: string;
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

/** One facility target of a plan: how many stations meet the kind's threshold, against the target share. */
export interface FacilityTarget {
  met: number;
  stations: number;
  share: number;
  target: number;
  ok: boolean;
  /**
   * Present (true) when no committee in the plan's scope has an area of this kind in its data, nor a
   * planned one (census tracts, say): the target cannot be judged, and no warning is raised for it.
   */
  noData?: true;
}

export interface PlanSummary {
  scenario: string;
  stationsBefore: number;
  stationsAfter: number;
  solver: { status: SolveStatus | 'evaluated'; objective: number; bound?: number; gap?: number; ms: number };
  streetOffices: StreetOfficePlan[];
  checks: {
    violations: Violation[];
    facilityTargets: Record<FacilityKind, FacilityTarget>;
    /** The same counted with the planned areas (年内可达标); present only when a station has one. */
    facilityTargetsPlanned?: Record<FacilityKind, FacilityTarget>;
    staffBefore: number;
    /** Staff the plan proposes in all (Σ staffProposed); must equal staffBefore. */
    staffAfter: number;
  };
  /** With `solver.alternatives`: the K best distinct plans (alternatives.json; README "Alternatives"). */
  alternatives?: AlternativesReport;
  /** With `solver.regret`: the price of each planner lock. */
  lockPrices?: LockPrice[];
  /** With `rules.stations["*"]`: the district total asked for and how it was allocated. */
  stationsTotal?: StationsTotalReport;
}

/** One station of an alternative that the plan does not have. */
export interface AlternativeStation {
  committees: string[];
  committeeIds: string[];
  households: number;
}

/** One of the K best distinct plans. */
export interface Alternative {
  /** 1 = the plan itself. */
  rank: number;
  objective: number;
  /** objective − the plan's objective (≥ 0). */
  delta: number;
  /** `optimal`: proven to be the rank-th best distinct plan (every listed one is). */
  status: 'optimal';
  gap: number;
  stationsAfter: number;
  /** Passed the independent checker (solver/verify.ts) street office by street office. */
  checked: boolean;
  /** Street offices where it differs from the plan: the plan's stations it drops, the stations it adds. */
  differences: { streetOffice: string; removed: { id: string; committees: string[] }[]; added: AlternativeStation[] }[];
}

export interface AlternativesReport {
  requested: number;
  /** All requested plans are listed, or there are no more distinct plans. */
  complete: boolean;
  /** Why the list is shorter than asked (the clock, a street office not proven optimal). */
  reasons: string[];
  plans: Alternative[];
}

export interface LockPrice extends LockRef {
  /** The lock's committees, by name. */
  committees: string[];
  /** Optimal cost with the lock − optimal cost without it (≥ 0); null when not computed. */
  price: number | null;
  reason?: string;
}

export interface StationsTotalReport {
  requested: number;
  status: 'optimal' | 'infeasible' | 'time_limit';
  /** Least and most stations in all that a plan can have (when known). */
  min?: number;
  max?: number;
  reason?: string;
  /** Stations per street office of the chosen allocation. */
  byOffice?: Record<string, number>;
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
