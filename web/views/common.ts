/** Pieces several views share: the plan's display name, its table row, the opinions of its round. */
import type { PlanState } from '../../server/store/types.js';
import { REVIEWER_ROLES } from '../../server/store/types.js';
import { api, type Me, type Plan } from '../api.js';
import { go } from '../nav.js';
import { h } from '../dom.js';
import { formatTime, stateName, t } from '../i18n.js';

export const planName = (p: Plan): string => p.name ?? t('unnamed');

/** Newest first (creation time, then id so that the order is stable). */
export const byNewest = (a: Plan, b: Plan): number => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

export function stateBadge(state: PlanState, attrs: Record<string, string> = {}): HTMLElement {
  return h('span', { class: `state state-${state}`, ...attrs }, stateName(state));
}

/** One plan as a table row; a click, Enter or Space opens it. `hook` is the attribute naming its id. */
export function planRow(p: Plan, hook: string): HTMLTableRowElement {
  const open = (): void => go(`#/plans/${encodeURIComponent(p.id)}`);
  return h('tr', { [hook]: p.id, class: 'clickable', tabindex: 0, onclick: open,
    onkeydown: (e) => { const k = (e as KeyboardEvent).key; if (k === 'Enter' || k === ' ') { e.preventDefault(); open(); } } },
  h('td', {}, h('a', { href: `#/plans/${encodeURIComponent(p.id)}`, tabindex: -1 }, planName(p))),
  h('td', {}, p.scope.join('、')),
  h('td', {}, stateBadge(p.state)),
  h('td', {}, t(p.kind === 'solved' ? 'kind_solved' : 'kind_hand')),
  h('td', { class: 'num' }, `${p.summary.stationsBefore} → ${p.summary.stationsAfter}`),
  h('td', { class: 'num' }, p.version),
  h('td', {}, formatTime(p.createdAt)));
}

export function planTableHead(): HTMLTableSectionElement {
  return h('thead', {}, h('tr', {},
    ...(['colName', 'colOffices', 'colState', 'colKind', 'colStations', 'colVersion', 'colCreated'] as const).map((k) => h('th', { scope: 'col' }, t(k)))));
}

/** Roles whose opinion of the plan's current round is in. */
export async function opinionsOfRound(p: Plan): Promise<Set<string>> {
  if (p.state !== 'submitted') return new Set();
  const history = await api.history(p.id);
  return new Set(history.opinions.filter((o) => o.round === p.round).map((o) => o.role));
}

/** The plans waiting for this role (issue 8: drafts for street offices, the current round for reviewers …). */
export async function waitingFor(me: Me, plans: Plan[]): Promise<Plan[]> {
  const own = (p: Plan): boolean => me.role !== 'street-office' || (p.scope.length > 0 && p.scope.every((s) => s === me.streetOffice));
  switch (me.role) {
    case 'street-office':
    case 'district-planner':
      return plans.filter((p) => own(p) && (p.state === 'draft' || p.state === 'rejected'));
    case 'organisation':
    case 'civil-affairs':
    case 'establishment': {
      const submitted = plans.filter((p) => p.state === 'submitted');
      const given = await Promise.all(submitted.map(opinionsOfRound));
      return submitted.filter((_, i) => !given[i]!.has(me.role));
    }
    case 'district-government': {
      const submitted = plans.filter((p) => p.state === 'submitted');
      const given = await Promise.all(submitted.map(opinionsOfRound));
      return submitted.filter((_, i) => REVIEWER_ROLES.every((r) => given[i]!.has(r)));
    }
    case 'city-civil-affairs':
      return plans.filter((p) => p.state === 'approved');
    default:
      return [];
  }
}
