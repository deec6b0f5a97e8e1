/**
 * A plan: its map and station table (selecting one selects the other), the plan-level checks in
 * words, the actions this role may take now (decided by the server's own state machine,
 * server/workflow.ts, so the page never offers what the API would refuse), the plan text in
 * Chinese or English and the history. Every action sends the version shown; a 409 reloads.
 */
import { applyAction, type WorkflowPlan } from '../../server/workflow.js';
import { REVIEWER_ROLES, WORKFLOW_ACTIONS, type ReviewerRole, type WorkflowAction } from '../../server/store/types.js';
import type { FacilityKind, PlanSummary, Station, Violation } from '../../solver/types.js';
import { EDIT_ROLES, isInScope, listConcurrences } from '../../server/workflow.js';
import { FACILITY_KINDS } from '../../solver/types.js';
import { api, ApiError, type History, type Me, type Plan } from '../api.js';
import { fill, h } from '../dom.js';
import {
  actionName, formatNumber, formatTime, getLang, householdCheckName, partyName, roleName, ruleName, solverStatusWords, stateName, t, type Lang,
} from '../i18n.js';
import { go, type Context } from '../nav.js';
import { drawPlanMap, type PlanMap } from '../map.js';
import { renderMarkdown } from '../markdown.js';
import { byNewest, planName, stateBadge } from './common.js';

/** Stations that break a fatal rule, as map.svg marks them. */
export function fatalStations(plan: { summary: PlanSummary }): Set<string> {
  const out = new Set<string>();
  for (const v of plan.summary.checks.violations) if (v.severity === 'fatal' && v.station) for (const id of v.station.split(',')) out.add(id);
  for (const o of plan.summary.streetOffices) for (const s of o.stations) if (s.checks.households === 'over' || !s.checks.contiguous) out.add(s.id);
  return out;
}

export const stationsOf = (plan: { summary: PlanSummary }): Station[] => plan.summary.streetOffices.flatMap((o) => o.stations);

export function describeStation(s: Station, no: number): string {
  return `${t('station')} ${no}: ${s.committees.join('、')} · ${t('households', formatNumber(s.households))} · ${householdCheckName(s.checks.households)}`;
}

/** The actions the state machine allows this actor now (a plan with fatal breaks still shows submit, disabled). */
export function allowedActions(plan: Plan, me: Me, history: History): { action: WorkflowAction; blocked: string | null }[] {
  const wf: WorkflowPlan = {
    state: plan.state, version: plan.version, round: plan.round, scope: plan.scope,
    fatalViolations: plan.summary.checks.violations.filter((v) => v.severity === 'fatal'),
    opinions: history.opinions.filter((o) => o.round === plan.round && (REVIEWER_ROLES as readonly string[]).includes(o.role))
      .map((o) => ({ role: o.role as ReviewerRole, agree: o.agree })),
    concurred: listConcurrences(history.entries),
  };
  const actor = { tokenId: me.tokenId, role: me.role, streetOffice: me.streetOffice };
  return WORKFLOW_ACTIONS.flatMap((action): { action: WorkflowAction; blocked: string | null }[] => {
    const r = applyAction(wf, { action, version: plan.version, opinion: '—', agree: true }, actor);
    if ('next' in r) return [{ action, blocked: null }];
    if (r.error.code === 'plan-has-fatal-violations') return [{ action, blocked: t('blockedFatal', wf.fatalViolations.length) }];
    if (r.error.code === 'concurrences-missing') return [{ action, blocked: t('blockedConcurrences', (r.error.details as string[]).join(t('listSep'))) }];
    return [];
  });
}

/** The facility kinds that no committee has an area of in the data: shown as "no data", not as short. */
function findNoDataKinds(plan: { summary: PlanSummary }): Set<FacilityKind> {
  return new Set(FACILITY_KINDS.filter((k) => plan.summary.checks.facilityTargets[k].noData));
}

function checkWords(s: Station, noData: ReadonlySet<FacilityKind>): string[] {
  const words = [householdCheckName(s.checks.households)];
  for (const k of FACILITY_KINDS) if (!noData.has(k)) words.push(t(`${k}_${s.checks[k] ? 'ok' : 'no'}` as 'office_ok'));
  words.push(t(s.checks.contiguous ? 'contiguous' : 'notContiguous'));
  return words;
}

function stationTable(stations: Station[], fatal: Set<string>, noData: ReadonlySet<FacilityKind>, onSelect: (id: string) => void): HTMLTableElement {
  const yes = (b: boolean) => (b ? '✓' : '✗');
  const facility = (s: Station, k: FacilityKind) => (noData.has(k) ? '—' : `${formatNumber(s[k])} ${yes(s.checks[k])}`);
  return h('table', { class: 'stations', 'data-stations': '' },
    h('caption', {}, `${t('stations')} (${stations.length})`),
    h('thead', {}, h('tr', {}, ...(['colNo', 'colCommittees', 'colHouseholds', 'colFacilities', 'colChecks', 'colParty'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, stations.map((s, i) => {
      const problems = fatal.has(s.id) ? 'row-fatal' : s.checks.households === 'under' ? 'row-under' : '';
      return h('tr', { 'data-station': s.id, tabindex: 0, class: `clickable ${problems}`, 'aria-selected': 'false',
        onclick: () => onSelect(s.id),
        onkeydown: (e) => { const k = (e as KeyboardEvent).key; if (k === 'Enter' || k === ' ') { e.preventDefault(); onSelect(s.id); } } },
      h('td', { class: 'num' }, h('span', { class: `badge${fatal.has(s.id) ? ' badge-fatal' : ''}` }, i + 1)),
      h('td', {}, s.committees.flatMap((c, j) => [j > 0 ? '、' : '', c === s.host ? h('strong', { title: t('colHost') }, c) : c])),
      h('td', { class: 'num' }, formatNumber(s.households)),
      h('td', { class: 'num' }, FACILITY_KINDS.map((k) => facility(s, k)).join(' / ')),
      h('td', {}, checkWords(s, noData).join('，')),
      h('td', {}, partyName(s.party)));
    })));
}

/** A violation in the page's language: the English message as it is, in Chinese the stations it names by number. */
function violationWords(plan: { summary: PlanSummary }, v: Violation): string {
  if (getLang() === 'en') return v.message;
  const stations = stationsOf(plan);
  const named = (v.station ?? '').split(',').filter((id) => id !== '').map((id) => {
    const i = stations.findIndex((s) => s.id === id);
    const s = stations[i];
    return s ? `${t('stationNo', i + 1)}（${s.committees.join('、')}，${t('households', formatNumber(s.households))}）` : id;
  });
  if (named.length > 0) return named.join('；');
  if (v.committee) return v.committee;
  if (v.rule === 'facility-data-missing') return t('facilityDataMissing', [...findNoDataKinds(plan)].map((k) => t(`fac_${k}`)).join(t('listSep')));
  const kind = /^facility-target-(office|service|plaza)$/.exec(v.rule)?.[1] as 'office' | undefined;
  if (kind) {
    const f = plan.summary.checks.facilityTargets[kind];
    return t('facilityTarget', t(`fac_${kind}`), f.met, f.stations, `${Math.round(f.share * 100)}%`, `${Math.round(f.target * 100)}%`);
  }
  return v.message;
}

export function planChecks(plan: { summary: PlanSummary }): HTMLElement {
  const c = plan.summary.checks;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return h('section', { class: 'card', 'aria-labelledby': 'checks-h', 'data-checks': '' },
    h('h2', { id: 'checks-h' }, t('checks')),
    h('ul', {},
      h('li', {}, t('stationsBeforeAfter', plan.summary.stationsBefore, plan.summary.stationsAfter)),
      h('li', {}, t('staff', c.staffBefore, c.staffAfter)),
      FACILITY_KINDS.map((k) => {
        const f = c.facilityTargets[k];
        if (f.noData) return h('li', { class: 'muted', 'data-no-data': k }, '— ', t('facilityNoData', t(`fac_${k}`)));
        return h('li', { class: f.ok ? 'ok' : 'bad' }, `${f.ok ? '✓' : '✗'} `, t('facilityTarget', t(`fac_${k}`), f.met, f.stations, pct(f.share), pct(f.target)), ` (${t(f.ok ? 'met' : 'notMet')})`);
      }),
      h('li', {}, t('solverLine', solverStatusWords(plan.summary.solver.status), plan.summary.solver.objective.toFixed(2)))),
    c.violations.length === 0 ? h('p', { class: 'ok' }, t('noViolations'))
      : [h('h3', {}, `${t('violations')} (${c.violations.length})`),
        h('ul', { class: 'violations' }, c.violations.map((v) =>
          h('li', { class: v.severity === 'fatal' ? 'bad' : 'warn' }, h('strong', {}, `[${t(v.severity)}] ${ruleName(v.rule)}`), ` ${violationWords(plan, v)}`)))]);
}

function historyList(history: History): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'history-h' },
    h('h2', { id: 'history-h' }, t('history')),
    h('ol', { class: 'timeline', 'data-history': '' }, history.entries.map((e) =>
      h('li', { 'data-history-action': e.action },
        h('div', { class: 'when' }, formatTime(e.at)),
        h('div', {}, h('strong', {}, roleName(e.role)), e.streetOffice ? ` (${e.streetOffice})` : '', ` · ${actionName(e.action)} · `,
          e.fromState ? `${stateName(e.fromState)} → ` : '', stateName(e.toState), ` · ${t('version', e.version)}`,
          e.agree === null ? null : h('span', { class: e.agree ? 'agree' : 'disagree' }, ` ${t(e.agree ? 'agreed' : 'disagreed')}`)),
        e.opinion ? h('blockquote', {}, e.opinion) : null))));
}

function actionPanel(ctx: Context, plan: Plan, history: History): HTMLElement {
  const allowed = allowedActions(plan, ctx.me, history);
  const section = h('section', { class: 'card actions', 'aria-labelledby': 'actions-h', 'data-actions': '' }, h('h2', { id: 'actions-h' }, t('actions')));
  if (allowed.length === 0) { section.append(h('p', { class: 'muted' }, t('noActions'))); return section; }
  const needsText = allowed.some((a) => a.action === 'opinion' || a.action === 'reject');
  const opinion = h('textarea', { id: 'opinion', name: 'opinion', rows: 4, 'aria-describedby': needsText ? 'opinion-help' : null });
  section.append(h('label', { for: 'opinion' }, t('opinion')), opinion);
  if (needsText) section.append(h('p', { id: 'opinion-help', class: 'help' }, t('opinionHelp')));
  if (allowed.some((a) => a.action === 'opinion')) {
    section.append(h('fieldset', { class: 'agree' }, h('legend', {}, t('agreeLegend')),
      h('label', {}, h('input', { type: 'radio', name: 'agree', value: 'true' }), ` ${t('agree')}`),
      h('label', {}, h('input', { type: 'radio', name: 'agree', value: 'false' }), ` ${t('disagree')}`)));
  }
  const buttons = h('div', { class: 'row' });
  for (const { action, blocked } of allowed) {
    const button = h('button', { type: 'button', 'data-action': action, class: action === 'reject' ? 'danger' : 'primary', disabled: blocked !== null, title: blocked });
    button.textContent = actionName(action);
    button.addEventListener('click', () => void act(ctx, plan, action, section, button));
    buttons.append(button);
  }
  section.append(buttons);
  if (allowed.some((a) => a.blocked)) section.append(h('p', { class: 'bad' }, allowed.find((a) => a.blocked)!.blocked!));
  return section;
}

async function act(ctx: Context, plan: Plan, action: WorkflowAction, panel: HTMLElement, button: HTMLButtonElement): Promise<void> {
  const text = (panel.querySelector('textarea[name=opinion]') as HTMLTextAreaElement | null)?.value.trim() ?? '';
  const agreeInput = panel.querySelector('input[name=agree]:checked') as HTMLInputElement | null;
  const hash = `#/plans/${encodeURIComponent(plan.id)}`;
  // what the API would refuse with an English 400, said here in the page's language, with the focus on the field
  if ((action === 'opinion' || action === 'reject') && text === '') {
    ctx.notify(t('opinionMissing', actionName(action)), 'error');
    panel.querySelector<HTMLTextAreaElement>('textarea[name=opinion]')?.focus();
    return;
  }
  if (action === 'opinion' && !agreeInput) {
    ctx.notify(t('agreeMissing'), 'error');
    panel.querySelector<HTMLInputElement>('input[name=agree]')?.focus();
    return;
  }
  button.disabled = true;
  try {
    await api.act(plan.id, {
      action, version: plan.version,
      ...(text !== '' ? { opinion: text } : {}),
      ...(action === 'opinion' && agreeInput ? { agree: agreeInput.value === 'true' } : {}),
    });
    go(hash, t('done', actionName(action)), 'ok');
  } catch (e) {
    button.disabled = false;
    if (e instanceof ApiError && (e.code === 'stale-version' || e.code === 'invalid-transition' || e.code === 'opinion-already-given' || e.code === 'already-concurred')) {
      const fresh = await api.plan(plan.id);
      go(hash, t('staleReloaded', fresh.version), 'error');
    } else if (e instanceof ApiError && e.status === 403) {
      ctx.notify(`${t('forbidden')} (${e.message})`, 'error');
    } else {
      ctx.notify(t('error', e instanceof Error ? e.message : String(e)), 'error');
    }
  }
}

type DocumentKey = 'doc_plan_docx' | 'doc_plan_xlsx' | 'doc_request' | `doc_opinion-${ReviewerRole}` | 'doc_reply' | 'doc_filing' | 'doc_party-filing';

/**
 * The documents this plan has now, as server/routes/documents.ts makes them from the history
 * (render/approval-documents.ts): the 请示 after a submission, each reviewer's 意见 of the latest
 * round with opinions, the 批复 after a decision, the 备案 and the party report after an approval.
 */
export function availableDocuments(history: History): { file: string; key: DocumentKey }[] {
  const docs: { file: string; key: DocumentKey }[] = [{ file: 'plan.docx', key: 'doc_plan_docx' }, { file: 'plan.xlsx', key: 'doc_plan_xlsx' }];
  const has = (a: string): boolean => history.entries.some((e) => e.action === a);
  if (has('submit')) docs.push({ file: 'request.docx', key: 'doc_request' });
  const round = history.opinions.reduce((m, o) => Math.max(m, o.round), 0);
  for (const role of REVIEWER_ROLES) {
    if (history.opinions.some((o) => o.round === round && o.role === role)) docs.push({ file: `opinion-${role}.docx`, key: `doc_opinion-${role}` });
  }
  const decision = [...history.entries].reverse().find((e) => e.action === 'approve' || e.action === 'reject');
  if (decision) docs.push({ file: 'reply.docx', key: 'doc_reply' });
  if (decision?.action === 'approve') docs.push({ file: 'filing.docx', key: 'doc_filing' }, { file: 'party-filing.docx', key: 'doc_party-filing' });
  return docs;
}

/** The documents as buttons: the API wants the bearer token, so each is fetched and handed to the browser as a file. */
function documentsSection(ctx: Context, plan: Plan, history: History): HTMLElement {
  const item = ({ file, key }: { file: string; key: DocumentKey }): HTMLElement => {
    const name = t(key);
    const button = h('button', { type: 'button', class: 'link', 'data-document': file }, name);
    button.addEventListener('click', () => void (async () => {
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      ctx.notify(t('downloading', name), 'info');
      try {
        const blob = await api.document(plan.id, file);
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: file, hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        ctx.notify(t('downloaded', name), 'ok');
      } catch (e) {
        if (e instanceof ApiError && e.code === 'document-not-ready') ctx.notify(t('documentNotReady', name), 'error');
        else ctx.notify(t('error', e instanceof Error ? e.message : String(e)), 'error');
      } finally {
        button.disabled = false;
        button.removeAttribute('aria-busy');
      }
    })());
    return h('li', {}, button);
  };
  return h('section', { class: 'card documents', 'aria-labelledby': 'documents-h', 'data-documents': '' },
    h('h2', { id: 'documents-h' }, t('documents')),
    h('p', { class: 'help' }, t('documentsHelp')),
    h('ul', {}, availableDocuments(history).map(item)));
}

function textSection(plan: Plan): HTMLElement {
  const body = h('div', { class: 'plan-text', 'data-plan-text': '', lang: 'zh-CN' });
  const buttons = (['zh', 'en'] as Lang[]).map((l) => h('button', { type: 'button', 'data-text-lang': l, 'aria-pressed': 'false', onclick: () => void load(l) }, t(l === 'zh' ? 'textZh' : 'textEn')));
  async function load(l: Lang): Promise<void> {
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.textLang === l)));
    body.setAttribute('lang', l === 'zh' ? 'zh-CN' : 'en');
    fill(body, t('loading'));
    try {
      const text = await api.text(plan.id, l);
      fill(body, ...(l === 'zh' ? renderMarkdown(text) : text.split('\n').filter((x) => x.trim() !== '').map((x) => h('p', {}, x))));
    } catch (e) {
      fill(body, t('error', (e as Error).message));
    }
  }
  void load(getLang());
  return h('section', { class: 'card', 'aria-labelledby': 'text-h' }, h('div', { class: 'row' }, h('h2', { id: 'text-h' }, t('planText')), ...buttons), body);
}

function compareForm(plan: Plan, plans: Plan[]): HTMLElement | null {
  const others = plans.filter((p) => p.datasetId === plan.datasetId && p.id !== plan.id).sort(byNewest);
  if (others.length === 0) return null;
  const select = h('select', { id: 'compare-with', name: 'compareWith' }, others.map((p) =>
    h('option', { value: p.id }, `${planName(p)} · ${p.scope.join('、')} · ${stateName(p.state)} · ${formatTime(p.createdAt)}`)));
  return h('form', { class: 'card row', 'data-compare-form': '', onsubmit: (e) => {
    e.preventDefault();
    go(`#/compare/${encodeURIComponent(plan.id)}/${encodeURIComponent(select.value)}`);
  } }, h('label', { for: 'compare-with' }, t('compareWith')), select, h('button', { type: 'submit' }, t('compare')));
}

export async function showPlan(ctx: Context, id: string): Promise<void> {
  fill(ctx.main, h('p', { class: 'loading' }, t('loading')));
  const [plan, history, committees, outlines] = await Promise.all([api.plan(id), api.history(id), api.committees(id), api.stations(id)]);
  performance.mark('desk:plan-data');
  document.title = `${planName(plan)} · ${t('appTitle')}`;
  const stations = stationsOf(plan);
  const fatal = fatalStations(plan);
  const mapEl = h('div', { class: 'map', 'data-map': '', role: 'img', 'aria-label': `${t('map')}: ${t('stationsBeforeAfter', plan.summary.stationsBefore, plan.summary.stationsAfter)}` });
  let map: PlanMap | null = null;
  const select = (sid: string, from: 'map' | 'table'): void => {
    map?.select(sid);
    for (const row of ctx.main.querySelectorAll<HTMLTableRowElement>('tr[data-station]')) {
      const on = row.dataset.station === sid;
      row.setAttribute('aria-selected', String(on));
      if (on && from === 'map') { row.scrollIntoView({ block: 'nearest' }); row.focus({ preventScroll: true }); }
    }
  };
  const compareSlot = h('div', {});
  fill(ctx.main,
    h('p', {}, h('a', { href: '#/' }, t('back'))),
    h('div', { class: 'plan-head' },
      h('h1', { tabindex: -1 }, t('planTitle', planName(plan))),
      stateBadge(plan.state, { 'data-plan-state': plan.state }),
      h('span', { class: 'muted' }, `${plan.scope.join('、')} · ${t(plan.kind === 'solved' ? 'kind_solved' : 'kind_hand')} · ${t('version', plan.version)} · ${t('revision', plan.revision)}${plan.round > 0 ? ` · ${t('round', plan.round)}` : ''}`),
      mayEdit(ctx.me, plan) ? h('a', { href: `#/plans/${encodeURIComponent(plan.id)}/edit`, class: 'button-link', 'data-edit': '' }, t('editPlan')) : null),
    h('div', { class: 'plan-grid' },
      h('section', { class: 'card map-card', 'aria-labelledby': 'map-h' },
        h('h2', { id: 'map-h' }, t('map')), h('p', { class: 'help' }, t('mapHelp')), mapEl, legend()),
      h('div', { class: 'side' }, actionPanel(ctx, plan, history), planChecks(plan), documentsSection(ctx, plan, history))),
    h('section', { class: 'card' }, stationTable(stations, fatal, findNoDataKinds(plan), (sid) => select(sid, 'table'))),
    compareSlot,
    textSection(plan),
    historyList(history));
  map = drawPlanMap(mapEl, { stations, committees, outlines, fatal, onSelect: (sid) => select(sid, 'map'), describe: describeStation, householdsText: (n: number) => t('households', formatNumber(n)) });
  // The page is usable from here (map, table, actions): bench/desk.ts reads this mark.
  performance.mark('desk:plan-interactive', { detail: { stations: stations.length } });
  void api.plans().then((plans) => { const f = compareForm(plan, plans); if (f) compareSlot.append(f); }).catch(() => {});
}

/** Street offices (in scope) and district planners may change a plan: in place while a draft, else as a revision. */
export const mayEdit = (me: Me, plan: Plan): boolean =>
  EDIT_ROLES.includes(me.role) && isInScope(plan.scope, { tokenId: me.tokenId, role: me.role, streetOffice: me.streetOffice });

export function legend(): HTMLElement {
  return h('ul', { class: 'legend', 'aria-label': t('legend') },
    h('li', {}, h('span', { class: 'swatch swatch-fill' }), t('legendMerged')),
    h('li', {}, h('span', { class: 'swatch swatch-single' }), t('legendSingle')),
    h('li', {}, h('span', { class: 'under-mark' }, '▼'), t('legendUnder')),
    h('li', {}, h('span', { class: 'swatch swatch-fatal' }), t('legendFatal')));
}
