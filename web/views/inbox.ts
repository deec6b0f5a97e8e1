/** The inbox: what waits for this role, then every plan with filters by state and street office, paged. */
import { PLAN_STATES, type PlanState } from '../../server/store/types.js';
import { api, type Plan } from '../api.js';
import { fill, h } from '../dom.js';
import { stateName, t } from '../i18n.js';
import type { Context } from '../nav.js';
import { byNewest, planRow, planTableHead, waitingFor } from './common.js';

const PAGE = 15;
/** Filters and page survive a visit to a plan and back. */
const filters = { state: '' as PlanState | '', office: '', page: 0 };

export async function showInbox(ctx: Context): Promise<void> {
  fill(ctx.main, h('p', { class: 'loading' }, t('loading')));
  document.title = `${t('inbox')} · ${t('appTitle')}`;
  const plans = (await api.plans()).sort(byNewest);
  const waiting = await waitingFor(ctx.me, plans);

  const inbox = h('section', { 'aria-labelledby': 'inbox-h', 'data-inbox': '' },
    h('h1', { id: 'inbox-h' }, `${t('inbox')} (${waiting.length})`),
    waiting.length === 0 ? h('p', { class: 'muted' }, t('inboxEmpty'))
      : h('table', { class: 'plans' }, planTableHead(), h('tbody', {}, waiting.map((p) => planRow(p, 'data-inbox-plan-id')))));

  const offices = [...new Set(plans.flatMap((p) => p.scope))].sort((a, b) => a.localeCompare(b, 'zh'));
  const stateSel = h('select', { id: 'f-state', name: 'state' },
    h('option', { value: '' }, t('any')), PLAN_STATES.map((s) => h('option', { value: s, selected: filters.state === s }, stateName(s))));
  const officeSel = h('select', { id: 'f-office', name: 'streetOffice' },
    h('option', { value: '' }, t('any')), offices.map((o) => h('option', { value: o, selected: filters.office === o }, o)));
  const body = h('div', {});
  const draw = (): void => {
    const shown = plans.filter((p: Plan) => (filters.state === '' || p.state === filters.state) && (filters.office === '' || p.scope.includes(filters.office)));
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    filters.page = Math.min(filters.page, pages - 1);
    const slice = shown.slice(filters.page * PAGE, filters.page * PAGE + PAGE);
    fill(body,
      h('table', { class: 'plans', 'data-all-plans': '' }, planTableHead(), h('tbody', {}, slice.map((p) => planRow(p, 'data-plan-id')))),
      h('div', { class: 'pager' },
        h('button', { type: 'button', disabled: filters.page === 0, onclick: () => { filters.page--; draw(); } }, t('prev')),
        h('span', {}, t('page', filters.page + 1, pages)),
        h('button', { type: 'button', disabled: filters.page >= pages - 1, onclick: () => { filters.page++; draw(); } }, t('next'))));
  };
  stateSel.addEventListener('change', () => { filters.state = stateSel.value as PlanState | ''; filters.page = 0; draw(); });
  officeSel.addEventListener('change', () => { filters.office = officeSel.value; filters.page = 0; draw(); });
  draw();
  const all = h('section', { 'aria-labelledby': 'all-h' },
    h('h2', { id: 'all-h' }, t('allPlans')),
    h('div', { class: 'filters' },
      h('label', { for: 'f-state' }, t('filterState')), stateSel,
      h('label', { for: 'f-office' }, t('filterOffice')), officeSel),
    body);
  fill(ctx.main, inbox, all);
}
