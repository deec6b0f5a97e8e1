/** Two plans of one dataset side by side: committees whose station changed marked on both maps, their table, the check figures of both. */
import { api, type Plan } from '../api.js';
import { fill, h } from '../dom.js';
import { formatNumber, stateName, t } from '../i18n.js';
import type { Context } from '../nav.js';
import { drawPlanMap } from '../map.js';
import { planName } from './common.js';
import { describeStation, fatalStations, legend, stationsOf } from './plan.js';

export async function showCompare(ctx: Context, a: string, b: string): Promise<void> {
  fill(ctx.main, h('p', { class: 'loading' }, t('loading')));
  const [cmp, pa, pb, ca, cb, sa, sb] = await Promise.all([
    api.compare(a, b), api.plan(a), api.plan(b), api.committees(a), api.committees(b), api.stations(a), api.stations(b),
  ]);
  document.title = `${t('compareTitle')} · ${t('appTitle')}`;
  const marked = new Set(cmp.changed.map((c) => c.committeeId));
  const side = (p: Plan, key: 'a' | 'b') => {
    const el = h('div', { class: 'map map-half', 'data-map': '', 'data-compare-side': key, role: 'img', 'aria-label': `${t('map')}: ${planName(p)}` });
    const card = h('section', { class: 'card' },
      h('h2', {}, h('a', { href: `#/plans/${encodeURIComponent(p.id)}` }, planName(p)), ' ', h('span', { class: `state state-${p.state}` }, stateName(p.state))),
      h('p', { class: 'muted' }, t('stationsBeforeAfter', p.summary.stationsBefore, p.summary.stationsAfter)), el);
    return { el, card };
  };
  const A = side(pa, 'a');
  const B = side(pb, 'b');
  const ka = cmp.checks.plan as Record<string, number>, kb = cmp.checks.other as Record<string, number>;
  const figure = (label: string, key: string) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, String(ka[key] ?? '')), h('td', { class: 'num' }, String(kb[key] ?? '')));
  const stationsText = (s: { committees: string[] } | null) => (s ? s.committees.join('、') : t('none'));
  fill(ctx.main,
    h('h1', {}, t('compareTitle')),
    h('div', { class: 'compare-grid' }, A.card, B.card),
    legend(),
    h('section', { class: 'card' },
      h('h2', {}, t('checkFigures')),
      h('table', { class: 'figures', 'data-compare-figures': '' },
        h('thead', {}, h('tr', {}, h('th', {}), h('th', { scope: 'col' }, planName(pa)), h('th', { scope: 'col' }, planName(pb)))),
        h('tbody', {},
          figure(t('figStationsAfter'), 'stationsAfter'), figure(t('figFatal'), 'fatal'), figure(t('figWarnings'), 'warnings'),
          h('tr', {}, h('th', { scope: 'row' }, t('figStaff')), h('td', { class: 'num' }, `${formatNumber(ka.staffBefore ?? 0)} → ${formatNumber(ka.staffAfter ?? 0)}`),
            h('td', { class: 'num' }, `${formatNumber(kb.staffBefore ?? 0)} → ${formatNumber(kb.staffAfter ?? 0)}`)),
          cmp.streetOffices.map((o) => h('tr', {}, h('th', { scope: 'row' }, t('officeBefore', o.name, o.stationsBefore)),
            h('td', { class: 'num' }, String(o.plan ?? '—')), h('td', { class: 'num' }, String(o.other ?? '—'))))))),
    h('section', { class: 'card' },
      h('h2', {}, t('changedCommittees', cmp.changed.length)),
      cmp.changed.length === 0 ? h('p', {}, t('noChanges')) : h('table', { 'data-changed': '' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('colCommittees')), h('th', { scope: 'col' }, t('from')), h('th', { scope: 'col' }, t('to')))),
        h('tbody', {}, cmp.changed.map((c) => h('tr', { 'data-changed-committee': c.committeeId },
          h('td', {}, c.name), h('td', {}, stationsText(c.from)), h('td', {}, stationsText(c.to))))))));
  drawPlanMap(A.el, { stations: stationsOf(pa), committees: ca, outlines: sa, fatal: fatalStations(pa), marked, describe: describeStation, householdsText: (n: number) => t('households', formatNumber(n)) });
  drawPlanMap(B.el, { stations: stationsOf(pb), committees: cb, outlines: sb, fatal: fatalStations(pb), marked, describe: describeStation, householdsText: (n: number) => t('households', formatNumber(n)) });
}
