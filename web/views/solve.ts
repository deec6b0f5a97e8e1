/**
 * Solve a new plan: a dataset, its street offices (a street office: only its own), the household
 * band and the cap. Makes a scenario (the dataset's first scenario as the base, so its weights and
 * locks carry over), solves it, and polls the job until the plan opens. `#/solve/ID` preselects a
 * dataset (the upload view opens its new dataset there).
 */
import { api, ApiError, type Dataset, type Me, type ScenarioRequest } from '../api.js';
import { fill, h } from '../dom.js';
import { t } from '../i18n.js';
import { go, type Context } from '../nav.js';

export const mayPlan = (me: Me): boolean => me.role === 'street-office' || me.role === 'district-planner';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function showSolve(ctx: Context, datasetId?: string): Promise<void> {
  document.title = `${t('solveTitle')} · ${t('appTitle')}`;
  fill(ctx.main, h('p', { class: 'loading' }, t('loading')));
  const datasets = await api.datasets();
  const dsSel = h('select', { id: 's-dataset', name: 'datasetId' }, datasets.map((d) => h('option', { value: d.id, selected: d.id === datasetId }, t('datasetOption', d.name, d.committeeCount))));
  const officesBox = h('fieldset', { class: 'offices', 'data-offices': '' });
  const num = (id: string, name: string, value: number, min: number) =>
    h('input', { id, name, type: 'number', value, min, step: 1, required: true, inputmode: 'numeric' });
  const min = num('s-min', 'min', 6000, 0);
  const max = num('s-max', 'max', 10000, 1);
  const cap = num('s-cap', 'cap', 3, 1);
  const name = h('input', { id: 's-name', name: 'name', type: 'text', required: true, maxlength: 200 });
  const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-job-status': '' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-solve': '' }, t('solve'));

  const drawOffices = (d: Dataset | undefined): void => {
    const own = ctx.me.role === 'street-office' ? ctx.me.streetOffice : null;
    fill(officesBox, h('legend', {}, t('offices')), (d?.streetOffices ?? []).filter((o) => own === null || o === own).map((o) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'streetOffice', value: o, checked: own !== null }), ` ${o}`)));
    name.value = `${d?.name ?? ''}${own ? ` ${own}` : ''}`;
  };
  dsSel.addEventListener('change', () => drawOffices(datasets.find((d) => d.id === dsSel.value)));
  drawOffices(datasets.find((d) => d.id === dsSel.value));

  const form = h('form', { class: 'card solve', 'data-solve-form': '', onsubmit: (e) => { e.preventDefault(); void run(); } },
    h('h1', {}, t('solveTitle')),
    h('label', { for: 's-dataset' }, t('dataset')), dsSel,
    officesBox,
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: 's-min' }, t('bandMin')), min),
      h('div', {}, h('label', { for: 's-max' }, t('bandMax')), max),
      h('div', {}, h('label', { for: 's-cap' }, t('cap')), cap)),
    h('label', { for: 's-name' }, t('planName')), name,
    h('div', { class: 'row' }, submit), status);
  fill(ctx.main, form);

  async function run(): Promise<void> {
    const offices = [...officesBox.querySelectorAll<HTMLInputElement>('input[name=streetOffice]:checked')].map((i) => i.value);
    if (offices.length === 0) { ctx.notify(t('chooseOffice'), 'error'); return; }
    submit.disabled = true;
    // feedback at once: making the scenario is a round trip before the job exists
    status.textContent = t('jobStarting');
    const started = Date.now();
    try {
      const base = (await api.scenarios(dsSel.value))[0]?.body as Partial<ScenarioRequest> | undefined;
      const rules = { ...(base?.rules ?? {}), households: { min: Number(min.value), max: Number(max.value) }, maxCommitteesPerStation: Number(cap.value) };
      const scenario = await api.createScenario({
        ...(base ?? {}), datasetId: dsSel.value, name: name.value.trim() || 'plan', streetOffices: offices, rules: rules as ScenarioRequest['rules'],
      });
      status.textContent = t('jobRunning', 0);
      const res = await api.solve(scenario.id);
      if ('id' in res.data) { go(`#/plans/${encodeURIComponent(res.data.id)}`); return; }
      const jobId = res.data.job.id;
      for (;;) {
        await sleep(500);
        const job = await api.job(jobId);
        if (job.status === 'done' && job.planId) { go(`#/plans/${encodeURIComponent(job.planId)}`); return; }
        if (job.status === 'failed') throw new ApiError(422, job.error?.code ?? 'job-failed', job.error?.message ?? 'failed');
        status.textContent = t('jobRunning', Math.round((Date.now() - started) / 1000));
      }
    } catch (e) {
      submit.disabled = false;
      status.textContent = '';
      ctx.notify(t('jobFailed', e instanceof Error ? e.message : String(e)), 'error');
    }
  }
}
