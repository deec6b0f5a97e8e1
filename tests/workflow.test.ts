import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor, PlanState, ReviewerRole } from '../server/store/types.js';
import { PLAN_STATES, REVIEWER_ROLES, ROLES, WORKFLOW_ACTIONS } from '../server/store/types.js';
import type { WorkflowPlan, WorkflowRequest } from '../server/workflow.js';
import { ACTION_ROLES, applyAction, checkEdit, isInScope, listConcurrences } from '../server/workflow.js';
import { ACTORS } from './helpers/store.js';

function plan(over: Partial<WorkflowPlan> = {}): WorkflowPlan {
  return { state: 'draft', version: 1, round: 0, scope: ['黄贝'], fatalViolations: [], opinions: [], ...over };
}

/** Applies and folds the result into the plan as the store would; throws on a refusal. */
function step(p: WorkflowPlan, req: WorkflowRequest, actor: Actor): WorkflowPlan {
  const r = applyAction(p, req, actor);
  if ('error' in r) throw new Error(`${r.error.code}: ${r.error.message}`);
  const n = r.next;
  const opinions = n.round !== p.round ? [] : n.opinionRole ? [...p.opinions, { role: n.opinionRole, agree: n.agree! }] : p.opinions;
  const concurred = n.action === 'concur' ? [...(p.concurred ?? []), actor.streetOffice!] : p.concurred;
  return { ...p, state: n.state, version: n.version, round: n.round, opinions, ...(concurred ? { concurred } : {}) };
}

function errorOf(p: WorkflowPlan, req: WorkflowRequest, actor: Actor) {
  const r = applyAction(p, req, actor);
  if (!('error' in r)) throw new Error(`expected a refusal, got ${JSON.stringify(r.next)}`);
  return r.error;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

const reviewerActor: Record<ReviewerRole, Actor> = {
  organisation: ACTORS.organisation, 'civil-affairs': ACTORS.civilAffairs, establishment: ACTORS.establishment,
};

function submitted(): WorkflowPlan {
  return step(plan(), { action: 'submit', version: 1 }, ACTORS.huangbei);
}
function withOpinions(p: WorkflowPlan, roles: readonly ReviewerRole[] = REVIEWER_ROLES): WorkflowPlan {
  return roles.reduce((acc, role) => step(acc, { action: 'opinion', version: acc.version, opinion: `${role} 意见`, agree: true }, reviewerActor[role]), p);
}

describe('applyAction: the whole path', () => {
  it('goes draft → submitted → 3 opinions → approved → filed, the version rising by one each time', () => {
    let p = plan();
    const states: PlanState[] = [p.state];
    const versions = [p.version];
    p = step(p, { action: 'submit', version: p.version }, ACTORS.huangbei);
    states.push(p.state); versions.push(p.version);
    expect(p.round).toBe(1);
    for (const role of REVIEWER_ROLES) {
      p = step(p, { action: 'opinion', version: p.version, opinion: '同意', agree: role !== 'establishment' }, reviewerActor[role]);
      states.push(p.state); versions.push(p.version);
    }
    p = step(p, { action: 'approve', version: p.version }, ACTORS.government);
    states.push(p.state); versions.push(p.version);
    p = step(p, { action: 'file', version: p.version }, ACTORS.city);
    states.push(p.state); versions.push(p.version);
    expect(states).toEqual(['draft', 'submitted', 'submitted', 'submitted', 'submitted', 'approved', 'filed']);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('records opinion text trimmed, agree and the reviewer role', () => {
    const r = applyAction(submitted(), { action: 'opinion', version: 2, opinion: '  不同意:规模过大 ', agree: false }, ACTORS.civilAffairs);
    expect('next' in r && r.next).toMatchObject({ opinion: '不同意:规模过大', agree: false, opinionRole: 'civil-affairs', fromState: 'submitted' });
  });

  it('rejection leads to rejected (a draft again) and a resubmission opens a new round needing fresh opinions', () => {
    let p = withOpinions(submitted());
    p = step(p, { action: 'reject', version: p.version, opinion: '户数超标' }, ACTORS.government);
    expect(p.state).toBe('rejected');
    expect(checkEdit(p, { version: p.version }, ACTORS.huangbei, { inPlace: true })).toBeNull();
    p = step(p, { action: 'submit', version: p.version }, ACTORS.huangbei);
    expect(p).toMatchObject({ state: 'submitted', round: 2, opinions: [] });
    expect(errorOf(p, { action: 'approve', version: p.version }, ACTORS.government).code).toBe('opinions-missing');
  });

  it('never mutates its inputs', () => {
    const p = deepFreeze(withOpinions(submitted()));
    const req = deepFreeze({ action: 'approve', version: p.version });
    const actor = deepFreeze({ ...ACTORS.government });
    const before = JSON.stringify([p, req, actor]);
    applyAction(p, req, actor);
    expect(JSON.stringify([p, req, actor])).toBe(before);
  });
});

describe('applyAction: every refusal has its stable code', () => {
  it('unknown-action (400, field action)', () => {
    expect(errorOf(plan(), { action: 'delete', version: 1 }, ACTORS.admin)).toMatchObject({ code: 'unknown-action', status: 400, field: 'action' });
    expect(errorOf(plan(), { action: 'constructor', version: 1 }, ACTORS.admin).code).toBe('unknown-action');
  });

  it('forbidden-role (403) for every role outside ACTION_ROLES, admin included', () => {
    const sub = withOpinions(submitted());
    const byState: Record<string, WorkflowPlan> = {
      concur: plan({ scope: ['黄贝', '东门'] }), submit: plan(), opinion: submitted(), approve: sub, reject: sub, file: { ...sub, state: 'approved' },
    };
    let refused = 0;
    for (const action of WORKFLOW_ACTIONS) {
      for (const role of ROLES) {
        if (ACTION_ROLES[action].includes(role)) continue;
        const actor: Actor = { tokenId: 'x', role, streetOffice: role === 'street-office' ? '黄贝' : null };
        const p = byState[action]!;
        expect(errorOf(p, { action, version: p.version, opinion: 'x', agree: true }, actor)).toMatchObject({ code: 'forbidden-role', status: 403 });
        refused++;
      }
    }
    // concur: street-office; submit: street-office and district-planner; opinion: 3 reviewers; approve, reject, file: 1 each
    expect(refused).toBe(WORKFLOW_ACTIONS.length * ROLES.length - 1 - 2 - 3 - 1 - 1 - 1);
  });

  it('out-of-scope (403): another street office, a plan across offices, an empty scope', () => {
    expect(errorOf(plan(), { action: 'submit', version: 1 }, ACTORS.dongmen)).toMatchObject({ code: 'out-of-scope', status: 403 });
    expect(errorOf(plan({ scope: ['黄贝', '东门'] }), { action: 'submit', version: 1 }, ACTORS.huangbei).code).toBe('out-of-scope');
    expect(errorOf(plan({ scope: [] }), { action: 'submit', version: 1 }, ACTORS.huangbei).code).toBe('out-of-scope');
    expect(isInScope(['黄贝', '东门'], ACTORS.planner)).toBe(true);
    expect(isInScope(['黄贝'], { tokenId: null, role: 'street-office', streetOffice: null })).toBe(false);
  });

  it('version-required (400) and stale-version (409, field version)', () => {
    expect(errorOf(plan(), { action: 'submit' }, ACTORS.huangbei)).toMatchObject({ code: 'version-required', status: 400, field: 'version' });
    expect(errorOf(plan(), { action: 'submit', version: 1.5 }, ACTORS.huangbei).code).toBe('version-required');
    expect(errorOf(plan({ version: 4 }), { action: 'submit', version: 3 }, ACTORS.huangbei))
      .toMatchObject({ code: 'stale-version', status: 409, field: 'version', details: { current: 4, given: 3 } });
  });

  it('invalid-transition (409) for every action from every state it cannot start from', () => {
    const allowed: Record<string, PlanState[]> = {
      concur: ['draft', 'rejected'], submit: ['draft', 'rejected'], opinion: ['submitted'], approve: ['submitted'], reject: ['submitted'], file: ['approved'],
    };
    const actorFor: Record<string, Actor> = {
      concur: ACTORS.huangbei, submit: ACTORS.huangbei, opinion: ACTORS.organisation, approve: ACTORS.government, reject: ACTORS.government, file: ACTORS.city,
    };
    let n = 0;
    for (const action of WORKFLOW_ACTIONS) {
      for (const state of PLAN_STATES) {
        if (allowed[action]!.includes(state)) continue;
        const scope = action === 'concur' ? ['黄贝', '东门'] : ['黄贝'];
        const e = errorOf(plan({ state, version: 9, scope }), { action, version: 9, opinion: 'x', agree: true }, actorFor[action]!);
        expect(e, `${action} from ${state}`).toMatchObject({ code: 'invalid-transition', status: 409 });
        n++;
      }
    }
    expect(n).toBe(6 * 5 - 8);
  });

  it('opinion-required (400): an opinion or a rejection without text (blank counts as none)', () => {
    const s = submitted();
    expect(errorOf(s, { action: 'opinion', version: 2, agree: true }, ACTORS.organisation)).toMatchObject({ code: 'opinion-required', field: 'opinion' });
    expect(errorOf(s, { action: 'opinion', version: 2, opinion: '   ', agree: true }, ACTORS.organisation).code).toBe('opinion-required');
    expect(errorOf(s, { action: 'reject', version: 2 }, ACTORS.government).code).toBe('opinion-required');
  });

  it('agree-required (400, field agree)', () => {
    expect(errorOf(submitted(), { action: 'opinion', version: 2, opinion: '同意' }, ACTORS.organisation))
      .toMatchObject({ code: 'agree-required', status: 400, field: 'agree' });
  });

  it('plan-has-fatal-violations (422) lists the violations', () => {
    const fatal = [{ rule: 'cross-street-office', severity: 'fatal', message: 'x' }];
    expect(errorOf(plan({ fatalViolations: fatal }), { action: 'submit', version: 1 }, ACTORS.huangbei))
      .toMatchObject({ code: 'plan-has-fatal-violations', status: 422, details: fatal });
  });

  it('opinion-already-given (409): one opinion per reviewer and round', () => {
    const p = withOpinions(submitted(), ['organisation']);
    expect(errorOf(p, { action: 'opinion', version: p.version, opinion: '再议', agree: false }, ACTORS.organisation))
      .toMatchObject({ code: 'opinion-already-given', status: 409 });
  });

  it('opinions-missing (409) names the reviewers still to answer', () => {
    const p = withOpinions(submitted(), ['civil-affairs']);
    expect(errorOf(p, { action: 'approve', version: p.version }, ACTORS.government))
      .toMatchObject({ code: 'opinions-missing', status: 409, details: ['organisation', 'establishment'] });
  });
});

describe('checkEdit', () => {
  it('allows drafting roles in scope, refuses frozen plans in place but allows a revision of them', () => {
    const s = submitted();
    expect(checkEdit(s, { version: 2 }, ACTORS.huangbei, { inPlace: true })?.code).toBe('plan-frozen');
    expect(checkEdit(s, { version: 2 }, ACTORS.huangbei, { inPlace: false })).toBeNull();
    expect(checkEdit(s, { version: 2 }, ACTORS.planner, { inPlace: false })).toBeNull();
    expect(checkEdit(s, { version: 2 }, ACTORS.organisation, { inPlace: false })?.code).toBe('forbidden-role');
    expect(checkEdit(s, { version: 2 }, ACTORS.dongmen, { inPlace: false })?.code).toBe('out-of-scope');
    expect(checkEdit(s, { version: 1 }, ACTORS.huangbei, { inPlace: false })?.code).toBe('stale-version');
    expect(checkEdit(plan(), { version: 1 }, ACTORS.huangbei, { inPlace: true })).toBeNull();
  });
});

describe('applyAction: district plans (several street offices)', () => {
  const district = () => plan({ scope: ['黄贝', '东门'] });

  it('each street office concurs once, then the district planner submits; the review round is the same', () => {
    let p = district();
    expect(errorOf(p, { action: 'submit', version: 1 }, ACTORS.planner)).toMatchObject({ code: 'concurrences-missing', status: 409, details: ['黄贝', '东门'] });
    p = step(p, { action: 'concur', version: 1 }, ACTORS.dongmen);
    expect(p).toMatchObject({ state: 'draft', version: 2, round: 0, concurred: ['东门'] });
    expect(errorOf(p, { action: 'concur', version: 2 }, ACTORS.dongmen)).toMatchObject({ code: 'already-concurred', status: 409 });
    expect(errorOf(p, { action: 'submit', version: 2 }, ACTORS.planner)).toMatchObject({ code: 'concurrences-missing', details: ['黄贝'] });
    p = step(p, { action: 'concur', version: 2 }, ACTORS.huangbei);
    expect(errorOf(p, { action: 'submit', version: 3 }, ACTORS.huangbei)).toMatchObject({ code: 'out-of-scope', status: 403 });
    p = step(p, { action: 'submit', version: 3 }, ACTORS.planner);
    expect(p).toMatchObject({ state: 'submitted', round: 1 });
    p = withOpinions(p);
    p = step(p, { action: 'approve', version: p.version }, ACTORS.government);
    p = step(p, { action: 'file', version: p.version }, ACTORS.city);
    expect(p.state).toBe('filed');
  });

  it('refuses a concurrence by an office outside the scope (403), by another role (403), on a one-office plan (409), with fatal violations (422), once submitted (409)', () => {
    const nanhu: Actor = { tokenId: 'tok-nanhu', role: 'street-office', streetOffice: '南湖' };
    expect(errorOf(district(), { action: 'concur', version: 1 }, nanhu)).toMatchObject({ code: 'out-of-scope', status: 403 });
    expect(errorOf(district(), { action: 'concur', version: 1 }, ACTORS.planner)).toMatchObject({ code: 'forbidden-role', status: 403 });
    expect(errorOf(plan(), { action: 'concur', version: 1 }, ACTORS.huangbei)).toMatchObject({ code: 'not-a-district-plan', status: 409 });
    expect(errorOf(plan({ scope: ['黄贝', '东门'], fatalViolations: [{ rule: 'x' }] }), { action: 'concur', version: 1 }, ACTORS.huangbei))
      .toMatchObject({ code: 'plan-has-fatal-violations', status: 422 });
    expect(errorOf(plan({ scope: ['黄贝', '东门'], state: 'submitted' }), { action: 'concur', version: 1 }, ACTORS.huangbei))
      .toMatchObject({ code: 'invalid-transition', status: 409 });
    expect(errorOf(plan(), { action: 'submit', version: 1 }, ACTORS.planner)).toMatchObject({ code: 'forbidden-role', status: 403 });
  });

  it('concurrences stand until the plan\'s content changes (create, edit, revise)', () => {
    const e = (action: string, streetOffice: string | null = null) => ({ action, streetOffice });
    expect(listConcurrences([e('create'), e('concur', '黄贝'), e('concur', '东门'), e('concur', '黄贝')])).toEqual(['黄贝', '东门']);
    expect(listConcurrences([e('create'), e('concur', '黄贝'), e('edit'), e('concur', '东门')])).toEqual(['东门']);
    expect(listConcurrences([e('create'), e('concur', '黄贝'), e('submit'), e('reject'), e('concur', '东门')])).toEqual(['黄贝', '东门']);
    expect(listConcurrences([e('revise'), e('concur', null)])).toEqual([]);
  });
});

describe('applyAction: invariants over random action sequences', () => {
  const actors = Object.values(ACTORS) as Actor[];
  it('success raises the version by exactly one; approval only after all three opinions; filed only from approved', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        action: fc.constantFrom(...WORKFLOW_ACTIONS),
        actor: fc.integer({ min: 0, max: actors.length - 1 }),
        stale: fc.boolean(), agree: fc.boolean(), text: fc.constantFrom('', '意见'),
      }), { maxLength: 40 }),
      (ops) => {
        let p = plan();
        for (const op of ops) {
          const req = { action: op.action, version: op.stale ? p.version - 1 : p.version, opinion: op.text, agree: op.agree };
          const r = applyAction(p, req, actors[op.actor]!);
          if ('error' in r) {
            if (op.stale) expect(['forbidden-role', 'out-of-scope', 'not-a-district-plan', 'stale-version']).toContain(r.error.code);
            continue;
          }
          expect(op.stale).toBe(false);
          expect(r.next.version).toBe(p.version + 1);
          if (r.next.state === 'approved') expect(new Set(p.opinions.map((o) => o.role)).size).toBe(3);
          if (r.next.state === 'filed') expect(p.state).toBe('approved');
          p = step(p, req, actors[op.actor]!);
        }
      }), { seed: 20060601, numRuns: 300 });
  });
});
