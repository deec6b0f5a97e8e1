/**
 * Edit a plan by hand: move a committee to a neighbouring station (a station holding one of its
 * neighbours, by shared border or enclave link, in its street office) or make it a station of its
 * own. Each change is evaluated by the server without storing anything (POST
 * /api/plans/:id/evaluate, the same evaluation as a stored hand plan); the checks, the map and the
 * cost beside the proven optimum update at once. Save as a hand plan or as a revision.
 */
import type { PlanSummary, Station } from '../../solver/types.js';
import { api, ApiError, type FeatureCollection, type Plan } from '../api.js';
import { fill, h } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { go, type Context } from '../nav.js';
import { drawPlanMap, type PlanMap } from '../map.js';
import { byNewest, planName } from './common.js';
import { describeStation, fatalStations, legend, planChecks, stationsOf } from './plan.js';

/** The proven optimum of the plan's scenario: its own objective when solved, else a solved plan of the same scenario. */
async function findOptimum(plan: Plan): Promise<number | null> {
  const optimal = (p: Plan) => p.kind === 'solved' && p.summary.solver.status === 'optimal';
  if (optimal(plan)) return plan.summary.solver.objective;
  if (plan.scenarioId === null) return null;
  const same = (await api.plans()).filter((p) => p.scenarioId === plan.scenarioId && optimal(p)).sort(byNewest);
  return same[0]?.summary.solver.objective ?? null;
}

export async function showEdit(ctx: Context, id: string): Promise<void> {
  fill(ctx.main, h('p', { class: 'loading' }, t('loading')));
  const [plan, base] = await Promise.all([api.plan(id), api.committees(id)]);
  const optimum = await findOptimum(plan);
  document.title = `${t('editTitle', planName(plan))} · ${t('appTitle')}`;
  const original = new Map<string, string>();
  for (const s of stationsOf(plan)) for (const c of s.committeeIds) original.set(c, s.id);
  let groups = stationsOf(plan).map((s) => [...s.committeeIds]);
  let evaluated = await api.evaluate(id, groups);
  const history: string[][][] = [];

  const costEl = h('p', { class: 'cost', 'data-edit-cost': '', 'aria-live': 'polite' });
  const checksSlot = h('div', { 'data-edit-checks': '' });
  let mapEl = h('div', { class: 'map', 'data-map': '', role: 'img', 'aria-label': t('map') });
  const tableSlot = h('div', {});
  const name = h('input', { id: 'e-name', name: 'name', type: 'text', value: `${planName(plan)} (${t('kind_hand')})`, maxlength: 200 });
  const undo = h('button', { type: 'button', 'data-undo': '', disabled: true, onclick: () => { const prev = history.pop(); if (prev) void change(prev); } }, t('undo'));
  const changedEl = h('span', { class: 'muted', 'data-edit-changes': '' });
  let map: PlanMap | null = null;

  const committeeName = new Map(base.features.map((f) => [String(f.properties.id), String(f.properties.name)]));
  const officeOf = new Map(base.features.map((f) => [String(f.properties.id), String(f.properties.streetOffice)]));

  function draw(summary: PlanSummary, ms: number | null): void {
    const stations = stationsOf({ summary });
    const stationOf = new Map<string, Station>();
    stations.forEach((s) => s.committeeIds.forEach((c) => stationOf.set(c, s)));
    const no = new Map(stations.map((s, i) => [s.id, i + 1]));
    const cost = summary.solver.objective;
    fill(costEl, optimum === null ? t('costNoOptimum', cost.toFixed(1))
      : t('costLine', cost.toFixed(1), optimum.toFixed(1), `${cost >= optimum ? '+' : ''}${(((cost - optimum) / Math.max(1e-9, Math.abs(optimum))) * 100).toFixed(1)}%`));
    costEl.dataset.cost = String(cost);
    fill(checksSlot, planChecks({ summary }));
    const moved = [...stationOf].filter(([c, s]) => original.get(c) !== s.id || s.committeeIds.some((x) => original.get(x) !== original.get(c))).length;
    fill(changedEl, t('changes', moved));
    // the map, as the stations are now
    const committees: FeatureCollection = {
      type: 'FeatureCollection',
      features: base.features.map((f) => ({ ...f, properties: { ...f.properties, station: stationOf.get(String(f.properties.id))?.id ?? '' } })),
    };
    // A fresh container each time: Leaflet's own teardown may still have a frame pending on the old one.
    const old = map;
    map = null;
    try { old?.destroy(); } catch { /* the old map is dropped either way */ }
    const fresh = mapEl.cloneNode(false) as HTMLDivElement;
    mapEl.replaceWith(fresh);
    mapEl = fresh;
    map = drawPlanMap(mapEl, {
      stations, committees, fatal: fatalStations({ summary }), describe: describeStation,
      householdsText: (n) => t('households', formatNumber(n)),
      onSelect: (sid) => tableSlot.querySelector<HTMLSelectElement>(`tr[data-station-of="${CSS.escape(sid)}"] select`)?.focus(),
    });
    // one row per committee, with where it may go
    fill(tableSlot, h('table', { class: 'stations', 'data-edit-table': '' },
      h('thead', {}, h('tr', {}, ...(['colNo', 'committee', 'colHouseholds', 'colStationMembers'] as const).map((k) => h('th', { scope: 'col' }, t(k))), h('th', { scope: 'col' }, t('moveTo', '')))),
      h('tbody', {}, stations.flatMap((s) => s.committeeIds.map((c) => {
        const targets = new Map<string, Station>();
        for (const n of evaluated.neighbours[c] ?? []) {
          const st = stationOf.get(n);
          if (st && st.id !== s.id && officeOf.get(n) === officeOf.get(c)) targets.set(st.id, st);
        }
        const selectId = `move-${c}`;
        const select = h('select', { id: selectId, name: selectId, 'data-move': c },
          h('option', { value: '' }, t('stay', no.get(s.id)!)),
          [...targets.values()].map((st) => h('option', { value: st.id }, t('joinStation', no.get(st.id)!, st.committees.join('、')))),
          s.committeeIds.length > 1 ? h('option', { value: '*own' }, t('ownStation')) : null);
        select.addEventListener('change', () => {
          if (select.value === '') return;
          const next = groups.map((g) => g.filter((x) => x !== c)).filter((g) => g.length > 0);
          if (select.value === '*own') next.push([c]);
          else {
            const target = targets.get(select.value)!;
            const g = next.find((x) => x.includes(target.committeeIds[0]!));
            g?.push(c);
          }
          history.push(groups);
          void change(next);
        });
        return h('tr', { 'data-committee': c, 'data-station-of': s.id },
          h('td', { class: 'num' }, h('span', { class: 'badge' }, no.get(s.id)!)),
          h('td', {}, committeeName.get(c) ?? c),
          h('td', { class: 'num' }, formatNumber(Number(base.features.find((f) => f.properties.id === c)?.properties.households ?? 0))),
          h('td', {}, s.committees.join('、')),
          h('td', {}, h('label', { for: selectId, class: 'visually-hidden' }, t('moveTo', committeeName.get(c) ?? c)), select));
      })))));
    undo.disabled = history.length === 0;
    if (ms !== null) performance.mark('desk:edit-checks', { detail: { ms } });
  }

  async function change(next: string[][]): Promise<void> {
    const t0 = performance.now();
    try {
      evaluated = await api.evaluate(id, next);
      groups = next;
      draw(evaluated.summary, performance.now() - t0);
    } catch (e) {
      console.error('edit', e instanceof Error ? e.stack : e);
      ctx.notify(t('error', e instanceof Error ? e.message : String(e)), 'error');
    }
  }

  async function save(kind: 'hand' | 'revision'): Promise<void> {
    try {
      const created = kind === 'hand'
        ? await api.handPlan(plan.datasetId, { name: name.value.trim() || planName(plan), streetOffices: plan.scope, stations: groups, ...(plan.scenarioId ? { scenarioId: plan.scenarioId } : {}) })
        : await api.revise(plan.id, { version: plan.version, name: name.value.trim() || planName(plan), stations: groups });
      go(`#/plans/${encodeURIComponent(created.id)}`, t('saved'), 'ok');
    } catch (e) {
      ctx.notify(e instanceof ApiError && e.code === 'stale-version' ? t('staleReloaded', '') : t('error', (e as Error).message), 'error');
    }
  }

  fill(ctx.main,
    h('p', {}, h('a', { href: `#/plans/${encodeURIComponent(plan.id)}` }, t('back'))),
    h('h1', {}, t('editTitle', planName(plan))),
    h('p', { class: 'help' }, t('editHelp')),
    h('div', { class: 'plan-grid' },
      h('section', { class: 'card map-card' }, costEl, h('div', { class: 'row' }, changedEl, undo), mapEl, legend()),
      h('div', { class: 'side' }, checksSlot,
        h('section', { class: 'card' },
          h('label', { for: 'e-name' }, t('planName')), name,
          h('div', { class: 'row', style: 'margin-top:0.6rem' },
            h('button', { type: 'button', class: 'primary', 'data-save': 'hand', onclick: () => void save('hand') }, t('saveHand')),
            h('button', { type: 'button', 'data-save': 'revision', onclick: () => void save('revision') }, t('saveRevision')))))),
    h('section', { class: 'card' }, tableSlot));
  draw(evaluated.summary, null);
}
