/**
 * Upload committees (POST /api/datasets): a file, a name, the field mapping as one box per field of
 * ours (the data's own field name; empty reads the field under our name), and the CRS, DBF encoding
 * and layer the API takes. Shows progress while the bytes go up; then opens the new dataset in the
 * solve view (or, for the admin, who does not plan, says it is stored), or lists every problem.
 */
import { CANONICAL_FIELDS } from '../../geo/validate-properties.js';
import type { CanonicalField } from '../../geo/types.js';
import { api, ApiError, type Me, type Problem } from '../api.js';
import { fill, h } from '../dom.js';
import { fieldName, t } from '../i18n.js';
import { go, type Context } from '../nav.js';
import { mayPlan } from './solve.js';

/** The roles POST /api/datasets admits (server/routes/datasets.ts). */
export const mayUpload = (me: Me): boolean => me.role === 'district-planner' || me.role === 'admin';

/** The fields most data names differently; the rest are under "more fields". */
const MAIN_FIELDS: readonly CanonicalField[] = ['id', 'name', 'streetOffice', 'households', 'population'];

/** A problem's feature: its index in the file and its id, and the second feature involved. */
function featureText(p: Problem): string {
  const one = (feature: number, id?: string): string => `#${feature}${id !== undefined ? ` (${id})` : ''}`;
  if (p.feature === undefined) return '';
  return p.other ? `${one(p.feature, p.id)} ↔ ${one(p.other.feature, p.other.id)}` : one(p.feature, p.id);
}

function problemTable(problems: Problem[]): HTMLTableElement {
  return h('table', { class: 'plans problems', 'data-problems': '' },
    h('caption', { class: 'visually-hidden' }, t('problems')),
    h('thead', {}, h('tr', {}, (['colSeverity', 'colCode', 'colFeature', 'colField', 'colMessage'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, problems.map((p) => h('tr', { 'data-problem-code': p.code, class: `severity-${p.severity}` },
      h('td', {}, t(p.severity === 'fatal' ? 'severity_fatal' : 'severity_warning')),
      h('td', {}, h('code', {}, p.code)),
      h('td', { 'data-problem-feature': '' }, featureText(p)),
      h('td', {}, p.field ?? ''),
      h('td', {}, p.message)))));
}

export function showUpload(ctx: Context): void {
  document.title = `${t('uploadTitle')} · ${t('appTitle')}`;
  const file = h('input', { id: 'u-file', name: 'file', type: 'file', required: true, accept: '.geojson,.json,.zip,.gpkg,.fgb' });
  const name = h('input', { id: 'u-name', name: 'name', type: 'text', maxlength: 200 });
  file.addEventListener('change', () => {
    // the file's name without its extension, unless the user has typed one
    const f = file.files?.[0];
    if (f && name.value.trim() === '') name.value = f.name.replace(/\.[^.]+$/, '');
  });
  const fieldInput = (f: CanonicalField) => h('div', {},
    h('label', { for: `u-map-${f}` }, `${fieldName(f)} `, h('code', {}, f)),
    h('input', { id: `u-map-${f}`, name: `map-${f}`, 'data-map-field': f, type: 'text', placeholder: f, autocomplete: 'off' }));
  const text = (id: string, placeholder: string) => h('input', { id, name: id, type: 'text', placeholder, autocomplete: 'off' });
  const crs = text('u-crs', 'EPSG:4547');
  const encoding = text('u-encoding', 'GBK');
  const layer = text('u-layer', '');
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'data-upload-progress': '' });
  const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-upload-status': '' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-upload': '' }, t('upload'));
  const result = h('div', { 'data-upload-result': '' });

  const form = h('form', { class: 'card solve upload', 'data-upload-form': '', onsubmit: (e) => { e.preventDefault(); void run(); } },
    h('h1', {}, t('uploadTitle')),
    h('p', { class: 'help' }, t('uploadHelp')),
    h('label', { for: 'u-file' }, t('uploadFile')), file,
    h('label', { for: 'u-name' }, t('uploadName')), name,
    h('fieldset', { class: 'mapping' },
      h('legend', {}, t('uploadMapping')),
      h('p', { class: 'help' }, t('uploadMappingHelp')),
      h('div', { class: 'fields' }, MAIN_FIELDS.map(fieldInput)),
      h('details', {}, h('summary', {}, t('uploadMoreFields')),
        h('div', { class: 'fields' }, CANONICAL_FIELDS.filter((f) => !MAIN_FIELDS.includes(f)).map(fieldInput)))),
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: 'u-crs' }, t('uploadCrs')), crs),
      h('div', {}, h('label', { for: 'u-encoding' }, t('uploadEncoding')), encoding),
      h('div', {}, h('label', { for: 'u-layer' }, t('uploadLayer')), layer)),
    h('div', { class: 'row' }, submit, progress), status);
  fill(ctx.main, form, result);

  async function run(): Promise<void> {
    const chosen = file.files?.[0];
    if (!chosen) { ctx.notify(t('uploadChooseFile'), 'error'); file.focus(); return; }
    const mapping: Record<string, string> = {};
    for (const input of form.querySelectorAll<HTMLInputElement>('input[data-map-field]')) {
      if (input.value.trim() !== '') mapping[input.dataset.mapField!] = input.value.trim();
    }
    const query: Record<string, string> = {};
    if (name.value.trim() !== '') query.name = name.value.trim();
    if (Object.keys(mapping).length > 0) query.mapping = JSON.stringify(mapping);
    for (const [key, input] of [['crs', crs], ['encoding', encoding], ['layer', layer]] as const) {
      if (input.value.trim() !== '') query[key] = input.value.trim();
    }
    submit.disabled = true;
    fill(result);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t('uploadSending', 0);
    try {
      const created = await api.uploadDataset(chosen, query, (sent) => {
        progress.value = sent;
        status.textContent = sent < 1 ? t('uploadSending', Math.floor(sent * 100)) : t('uploadChecking');
      });
      const done = t('uploadDone', created.name, created.committeeCount, created.report.warnings);
      if (mayPlan(ctx.me)) { go(`#/solve/${encodeURIComponent(created.id)}`, done, 'ok'); return; }
      ctx.notify(done, 'ok');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'dataset-invalid') {
        const report = e.details as { fatal: number; warnings: number; problems: Problem[] };
        ctx.notify(t('uploadInvalid', report.fatal, report.warnings), 'error');
        const heading = h('h2', { id: 'problems-h', tabindex: -1 }, t('problems'));
        fill(result, h('section', { class: 'card', 'aria-labelledby': 'problems-h' }, heading, problemTable(report.problems)));
        heading.focus(); // the table is below the form: bring it into view
      } else {
        ctx.notify(t('uploadFailed', e instanceof Error ? e.message : String(e)), 'error');
      }
    } finally {
      submit.disabled = false;
      progress.hidden = true;
      status.textContent = '';
    }
  }
}
