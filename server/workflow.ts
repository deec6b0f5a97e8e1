/**
 * The approval procedure of DOMAIN.md rule 9 as a pure state machine: no database, no clock.
 *
 *   draft ──submit (street office)──▶ submitted ──opinion ×3 (organisation, civil affairs,
 *   establishment)──▶ … ──approve (district government)──▶ approved ──file (city civil affairs)──▶ filed
 *                                    └─reject (district government, reasons)──▶ rejected
 *
 * `rejected` is a draft again (its content may be edited and it may be submitted again); every
 * submission opens a new review round, so opinions are given afresh.
 *
 * A district plan (its scope several street offices, as seed 004) is submitted by the district
 * planner on the district's behalf, once every street office of its scope has concurred
 * (`concur`, by a token of that street office, once each; a change of the plan's content voids
 * the concurrences given before it). A plan of one street office is submitted by that office.
 */
import type { Actor, PlanState, ReviewerRole, Role, WorkflowAction } from './store/types.js';
import { REVIEWER_ROLES, WORKFLOW_ACTIONS } from './store/types.js';

/** What the state machine needs to know of a plan. */
export interface WorkflowPlan {
  state: PlanState;
  version: number;
  round: number;
  scope: readonly string[];
  /** Fatal violations of the plan's checks (blocks `submit`). */
  fatalViolations: readonly unknown[];
  /** Opinions given in the current round. */
  opinions: readonly { role: ReviewerRole; agree: boolean }[];
  /** Street offices whose concurrence stands (listConcurrences of the history). [none] */
  concurred?: readonly string[];
}

export interface WorkflowRequest {
  action: string;
  version?: number | null;
  opinion?: string | null;
  agree?: boolean | null;
}

export interface WorkflowError {
  code: string;
  status: number;
  message: string;
  field?: string;
  details?: unknown;
}

export interface WorkflowNext {
  state: PlanState;
  version: number;
  round: number;
  action: WorkflowAction;
  fromState: PlanState;
  /** Trimmed opinion text, or null. */
  opinion: string | null;
  agree: boolean | null;
  /** Set for `opinion`: the reviewer role whose opinion this is. */
  opinionRole: ReviewerRole | null;
}

/** Roles allowed to take each action. */
export const ACTION_ROLES: Readonly<Record<WorkflowAction, readonly Role[]>> = {
  concur: ['street-office'],
  /** street-office for a plan of its own street office; district-planner for a district plan. */
  submit: ['street-office', 'district-planner'],
  opinion: REVIEWER_ROLES,
  approve: ['district-government'],
  reject: ['district-government'],
  file: ['city-civil-affairs'],
};

/** States each action may start from, and where it leads. */
const TRANSITIONS: Readonly<Record<WorkflowAction, { from: readonly PlanState[]; to: (s: PlanState) => PlanState }>> = {
  concur: { from: ['draft', 'rejected'], to: (s) => s },
  submit: { from: ['draft', 'rejected'], to: () => 'submitted' },
  opinion: { from: ['submitted'], to: () => 'submitted' },
  approve: { from: ['submitted'], to: () => 'approved' },
  reject: { from: ['submitted'], to: () => 'rejected' },
  file: { from: ['approved'], to: () => 'filed' },
};

/** Roles that may change a plan's content (edit a draft, make a revision). */
export const EDIT_ROLES: readonly Role[] = ['street-office', 'district-planner'];
/** States in which a plan's content may be changed in place. */
export const EDITABLE_STATES: readonly PlanState[] = ['draft', 'rejected'];

function fail(code: string, status: number, message: string, field?: string, details?: unknown): { error: WorkflowError } {
  const error: WorkflowError = { code, status, message };
  if (field !== undefined) error.field = field;
  if (details !== undefined) error.details = details;
  return { error };
}

/**
 * Whether `actor` may act on a plan covering `scope`: a `street-office` token only on plans whose
 * scope is its own street office (every entry, and not empty); every other role on any plan of the district.
 */
export function isInScope(scope: readonly string[], actor: Actor): boolean {
  if (actor.role !== 'street-office') return true;
  return actor.streetOffice !== null && scope.length > 0 && scope.every((s) => s === actor.streetOffice);
}

/** A plan whose scope is several street offices: the district submits it after each has concurred. */
export function isDistrictPlan(scope: readonly string[]): boolean {
  return new Set(scope).size > 1;
}

/** Actions that change a plan's content (in the history): concurrences given before them no longer stand. */
const CONTENT_ACTIONS: readonly string[] = ['create', 'edit', 'revise'];

/**
 * The street offices whose concurrence stands, in the order given: `concur` entries of the history
 * after the last change of the plan's content (create, edit, revise).
 * @param entries - the plan's history in order (`action`, and the actor's `streetOffice`)
 */
export function listConcurrences(entries: readonly { action: string; streetOffice: string | null }[]): string[] {
  let out: string[] = [];
  for (const e of entries) {
    if (CONTENT_ACTIONS.includes(e.action)) out = [];
    else if (e.action === 'concur' && e.streetOffice !== null && !out.includes(e.streetOffice)) out.push(e.streetOffice);
  }
  return out;
}

function checkVersion(plan: { version: number }, version: number | null | undefined): { error: WorkflowError } | null {
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return fail('version-required', 400, 'give the plan version you saw (an integer)', 'version');
  }
  if (version !== plan.version) {
    return fail('stale-version', 409, `the plan is at version ${plan.version}, not ${version}: reload it and try again`, 'version',
      { current: plan.version, given: version });
  }
  return null;
}

/**
 * Applies one workflow action to a plan. Checks, in this order: the action is known, the actor's
 * role may take it, the plan is in the actor's scope, the version is the one the caller saw, the
 * plan's state allows the action, then the action's own conditions (opinion text, agree, no fatal
 * violations, all opinions given, one opinion per reviewer and round).
 *
 * @param plan - the plan as it is now (never mutated)
 * @param request - `{ action, version, opinion?, agree? }`
 * @param actor - who acts
 * @returns `{ next }` (state, version + 1, round, the history fields) or `{ error: { code, status, message, field? } }`.
 *   Codes: `unknown-action` 400, `forbidden-role` 403, `out-of-scope` 403, `version-required` 400,
 *   `stale-version` 409, `invalid-transition` 409, `opinion-required` 400, `agree-required` 400,
 *   `plan-has-fatal-violations` 422 (details: the violations), `opinion-already-given` 409,
 *   `opinions-missing` 409 (details: the missing roles); for district plans `not-a-district-plan` 409
 *   (concur on a plan of one street office), `already-concurred` 409, `concurrences-missing` 409
 *   (details: the street offices that have not concurred).
 * @example
 * applyAction({ state: 'draft', version: 1, round: 0, scope: ['黄贝'], fatalViolations: [], opinions: [] },
 *   { action: 'submit', version: 1 }, { tokenId: 't', role: 'street-office', streetOffice: '黄贝' })
 * // → { next: { state: 'submitted', version: 2, round: 1, … } }
 */
export function applyAction(
  plan: WorkflowPlan, request: WorkflowRequest, actor: Actor,
): { next: WorkflowNext } | { error: WorkflowError } {
  const action = request.action as WorkflowAction;
  if (!(WORKFLOW_ACTIONS as readonly string[]).includes(request.action)) {
    return fail('unknown-action', 400, `unknown action "${String(request.action)}"; one of ${WORKFLOW_ACTIONS.join(', ')}`, 'action');
  }
  const roles = ACTION_ROLES[action];
  if (!roles.includes(actor.role)) {
    return fail('forbidden-role', 403, `the role ${actor.role} may not ${action}; only ${roles.join(', ')}`);
  }
  const district = isDistrictPlan(plan.scope);
  if (action === 'concur') {
    if (actor.streetOffice === null || !plan.scope.includes(actor.streetOffice)) {
      return fail('out-of-scope', 403, `the plan covers ${plan.scope.join(', ') || 'no street office'}; ${actor.streetOffice ?? '(none)'} is not one of them and cannot concur`);
    }
    if (!district) {
      return fail('not-a-district-plan', 409, 'only a plan of several street offices needs their concurrence; a street office submits its own plan', 'action');
    }
  } else if (action === 'submit' && district) {
    if (actor.role !== 'district-planner') {
      return fail('out-of-scope', 403, `the plan covers ${plan.scope.length} street offices (${plan.scope.join(', ')}): the district planner submits it once each has concurred`);
    }
  } else if (action === 'submit' && actor.role !== 'street-office') {
    return fail('forbidden-role', 403, `the plan covers one street office (${plan.scope.join(', ') || 'none'}): that street office submits it`);
  } else if (!isInScope(plan.scope, actor)) {
    return fail('out-of-scope', 403, `the plan covers ${plan.scope.join(', ') || 'no street office'}, not only ${actor.streetOffice ?? '(none)'}`);
  }
  const stale = checkVersion(plan, request.version);
  if (stale) return stale;
  const t = TRANSITIONS[action];
  if (!t.from.includes(plan.state)) {
    return fail('invalid-transition', 409, `cannot ${action} a plan in state ${plan.state} (needs ${t.from.join(' or ')})`, 'action',
      { state: plan.state });
  }
  const text = typeof request.opinion === 'string' ? request.opinion.trim() : '';
  const opinion = text === '' ? null : text;
  let agree: boolean | null = null;
  let opinionRole: ReviewerRole | null = null;
  let round = plan.round;

  const concurred = plan.concurred ?? [];
  if (action === 'submit' || action === 'concur') {
    if (plan.fatalViolations.length > 0) {
      return fail('plan-has-fatal-violations', 422,
        `the plan breaks ${plan.fatalViolations.length} fatal rule(s); fix them before ${action === 'submit' ? 'submitting' : 'concurring'}`, undefined, plan.fatalViolations);
    }
  }
  if (action === 'concur') {
    if (concurred.includes(actor.streetOffice!)) {
      return fail('already-concurred', 409, `${actor.streetOffice} has already concurred with this version of the plan`);
    }
  } else if (action === 'submit') {
    if (district) {
      const missing = plan.scope.filter((s) => !concurred.includes(s));
      if (missing.length > 0) {
        return fail('concurrences-missing', 409, `waiting for the concurrence of ${missing.join(', ')}`, undefined, missing);
      }
    }
    round = plan.round + 1;
  } else if (action === 'opinion') {
    if (opinion === null) return fail('opinion-required', 400, 'an opinion needs its text', 'opinion');
    if (typeof request.agree !== 'boolean') return fail('agree-required', 400, 'an opinion says agree: true or false', 'agree');
    opinionRole = actor.role as ReviewerRole;
    if (plan.opinions.some((o) => o.role === opinionRole)) {
      return fail('opinion-already-given', 409, `the ${opinionRole} opinion of this round is already given`);
    }
    agree = request.agree;
  } else if (action === 'reject') {
    if (opinion === null) return fail('opinion-required', 400, 'a rejection gives its reasons as opinion text', 'opinion');
  } else if (action === 'approve') {
    const given = new Set(plan.opinions.map((o) => o.role));
    const missing = REVIEWER_ROLES.filter((r) => !given.has(r));
    if (missing.length > 0) {
      return fail('opinions-missing', 409, `waiting for the opinion of ${missing.join(', ')}`, undefined, missing);
    }
  }
  return {
    next: {
      state: t.to(plan.state), version: plan.version + 1, round, action, fromState: plan.state,
      opinion, agree, opinionRole,
    },
  };
}

/**
 * Checks that `actor` may change a plan's content: role (`street-office` or `district-planner`),
 * scope and version; with `inPlace` also that the plan is a draft (or rejected), else `plan-frozen`.
 *
 * @returns null when allowed, else the error (same codes as applyAction, plus `plan-frozen` 409).
 */
export function checkEdit(
  plan: { state: PlanState; version: number; scope: readonly string[] },
  request: { version?: number | null },
  actor: Actor,
  options: { inPlace: boolean },
): WorkflowError | null {
  if (!EDIT_ROLES.includes(actor.role)) {
    return fail('forbidden-role', 403, `the role ${actor.role} may not change plans; only ${EDIT_ROLES.join(', ')}`).error;
  }
  if (!isInScope(plan.scope, actor)) {
    return fail('out-of-scope', 403, `the plan covers ${plan.scope.join(', ') || 'no street office'}, not only ${actor.streetOffice ?? '(none)'}`).error;
  }
  const stale = checkVersion(plan, request.version);
  if (stale) return stale.error;
  if (options.inPlace && !EDITABLE_STATES.includes(plan.state)) {
    return fail('plan-frozen', 409, `a ${plan.state} plan is frozen: make a revision instead`, undefined, { state: plan.state }).error;
  }
  return null;
}
