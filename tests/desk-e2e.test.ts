/**
 * The review desk end to end, in real headless Chromium against a real server on the embedded
 * store: each role signs in through the login form in turn and a 黄贝 plan of luohu-2006 goes from
 * solve to filed through the page alone — a wrong role sees no button and a forged request is
 * refused (403), a stale version is shown to the user (409), the district government rejects and
 * the street office resubmits — then the history is checked through the API. Keyboard use (Enter
 * signs in, an opinion given with the keyboard alone) and form labels are checked too. Screenshots
 * of the inbox, a plan and a comparison go to out/desk-e2e/ (gitignored).
 * Needs Debian's chromium (CI: apt-get install chromium fonts-noto-cjk); skipped by name without it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanSummary } from '../solver/types.js';
import { ROOT } from './helpers/cli.js';
import { hasChromium, startDesk, type Desk } from './helpers/desk.js';

interface PlanRecordView { summary: PlanSummary }

const OUT = fileURLToPath(new URL('../out/desk-e2e/', import.meta.url));

describe.skipIf(!hasChromium)('review desk in headless Chromium (needs Debian chromium)', () => {
  let desk: Desk;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    desk = await startDesk();
    const context = await desk.browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[39]/.test(m.text())) errors.push(m.text()); });
  }, 180_000);

  afterAll(async () => { await desk?.close(); });

  async function signIn(p: Page, token: string): Promise<void> {
    if (!p.url().startsWith(desk.url)) await p.goto(`${desk.url}/`);
    await p.locator('form[data-login] input[name=token]').fill(token);
    await p.locator('form[data-login] input[name=token]').press('Enter');
    await p.locator('[data-logout]').waitFor();
  }
  async function signOut(p: Page): Promise<void> {
    await p.locator('[data-logout]').click();
    await p.locator('form[data-login]').waitFor();
    expect(await p.evaluate(() => sessionStorage.length)).toBe(0);
  }
  /** From the front page, whoever is signed in from the test before: signs out if needed, then in with `token`. */
  async function signInAfresh(token: string): Promise<void> {
    await page.goto(`${desk.url}/`);
    // the page shows the sign-in form or, still signed in from the test before, the sign-out button
    await page.locator('form[data-login], [data-logout]').first().waitFor();
    if (await page.locator('[data-logout]').count()) await signOut(page);
    await signIn(page, token);
  }
  async function openPlan(p: Page, id: string): Promise<void> {
    await p.locator(`[data-plan-id="${id}"]`).click();
    await p.locator('[data-map][data-stations-drawn]').waitFor();
  }
  const state = (p: Page) => p.locator('[data-plan-state]').getAttribute('data-plan-state');
  async function act(p: Page, action: string, opinion?: string, agree?: boolean): Promise<void> {
    if (opinion !== undefined) await p.locator('textarea[name=opinion]').fill(opinion);
    if (agree !== undefined) await p.locator(`input[name=agree][value=${agree}]`).check();
    await p.locator(`button[data-action=${action}]`).click();
    await p.locator('[data-notice-kind]').waitFor();
  }
  const api = async <T>(path: string, token: string): Promise<T> =>
    (await (await fetch(`${desk.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;

  let planId = '';
  let secondPlan = '';

  it('a street office signs in, solves 黄贝 and sees its plan on the map and in the table', async () => {
    await page.goto(`${desk.url}/`);
    await expect(page.locator('label[for=token]').textContent()).resolves.toBe('令牌');
    await signIn(page, desk.tokens.huangbei);
    await expect(page.locator('[data-who]').textContent()).resolves.toContain('街道办事处·黄贝');
    await expect(page.locator('[data-who]').textContent()).resolves.toContain('黄贝街道 王科长');
    await page.locator('[data-nav-solve]').click();
    await page.locator('form[data-solve-form]').waitFor();
    // a street office may plan only its own office: the one box is its own, already ticked
    await expect(page.locator('input[name=streetOffice]').evaluateAll((els) => els.map((e) => [(e as unknown as { value: string; checked: boolean }).value, (e as unknown as { value: string; checked: boolean }).checked])))
      .resolves.toEqual([['黄贝', true]]);
    await page.locator('#s-name').fill('黄贝 2006 方案');
    await page.locator('[data-solve]').click();
    await page.waitForURL(/#\/plans\//, { timeout: 60_000 });
    planId = decodeURIComponent(page.url().split('#/plans/')[1]!);
    const plan = await api<{ scope: string[]; summary: { stationsAfter: number; streetOffices: { stations: { id: string; committeeIds: string[] }[] }[] } }>(`/plans/${planId}`, desk.tokens.organisation);
    expect(plan.scope).toEqual(['黄贝']);
    const n = plan.summary.stationsAfter;
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    expect(await page.locator('[data-map]').getAttribute('data-stations-drawn')).toBe(String(n));
    const rows = await page.locator('[data-station]').evaluateAll((els) => els.map((e) => e.getAttribute('data-station')));
    expect(rows).toEqual(plan.summary.streetOffices.flatMap((o) => o.stations.map((s) => s.id)));
    expect(await state(page)).toBe('draft');
    // every committee of 黄贝 is drawn, on a canvas
    const committees = plan.summary.streetOffices.flatMap((o) => o.stations).reduce((k, st) => k + st.committeeIds.length, 0);
    expect(committees).toBe(13);
    expect(await page.locator('[data-map]').getAttribute('data-committees-drawn')).toBe(String(committees));
    expect(await page.locator('[data-map] canvas').count()).toBeGreaterThan(0);

    // table → map and map → table
    const second = rows[1]!;
    await page.locator(`[data-station="${second}"]`).click();
    await expect(page.locator(`[data-station="${second}"]`).getAttribute('aria-selected')).resolves.toBe('true');
    const badge = page.locator('[data-map] .station-label').first();
    await badge.click();
    await expect(page.locator(`[data-station="${rows[0]}"]`).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.locator(`[data-station="${second}"]`).getAttribute('aria-selected')).resolves.toBe('false');
    // every form field has a label
    const unlabelled = await page.locator('input, textarea, select').evaluateAll((els) =>
      els.filter((e) => (e as unknown as { labels: { length: number } | null }).labels?.length === 0).map((e) => e.outerHTML));
    expect(unlabelled).toEqual([]);
    await page.locator('[data-plan-text]').filter({ hasText: '黄贝' }).waitFor();
    // the solver's status in words, not the summary's token
    const status = (await api<{ summary: { solver: { status: string } } }>(`/plans/${planId}`, desk.tokens.organisation)).summary.solver.status;
    expect(status).toBe('optimal');
    const checksText = await page.locator('[data-checks]').innerText();
    expect(checksText).toContain('求解结果：已证明最优');
    expect(checksText).not.toContain('optimal');
    await page.screenshot({ path: join(OUT, 'plan-draft.png'), fullPage: true });
  });

  it('a wrong role sees no button and a forged request is refused (403)', async () => {
    await signOut(page);
    await signIn(page, desk.tokens.organisation);
    await openPlan(page, planId);
    expect(await page.locator('button[data-action]').count()).toBe(0);
    const forged = await page.evaluate(async ({ id }) => {
      const res = await fetch(`/api/plans/${id}/actions`, {
        method: 'POST', headers: { authorization: `Bearer ${sessionStorage.getItem('yizhan-token')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'submit', version: 1 }),
      });
      return { status: res.status, body: (await res.json()) as { code: string } };
    }, { id: planId });
    expect(forged).toEqual({ status: 403, body: expect.objectContaining({ code: 'forbidden-role' }) });
    expect(await state(page)).toBe('draft');
    // nor may it edit: no link, and the editor's evaluation is refused
    expect(await page.locator('[data-edit]').count()).toBe(0);
    const evaluate = await page.evaluate(async ({ id }) => (await fetch(`/api/plans/${id}/evaluate`, {
      method: 'POST', headers: { authorization: `Bearer ${sessionStorage.getItem('yizhan-token')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stations: [] }),
    })).status, { id: planId });
    expect(evaluate).toBe(403);
  });

  it('the street office submits; two reviewers give opinions, one by keyboard alone', async () => {
    await signOut(page);
    await signIn(page, desk.tokens.huangbei);
    await page.locator(`[data-inbox-plan-id="${planId}"]`).waitFor();
    await openPlan(page, planId);
    expect(await page.locator('button[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['submit']);
    await act(page, 'submit', '黄贝街道申请将工作站整合');
    expect(await state(page)).toBe('submitted');
    expect(await page.locator('button[data-action]').count()).toBe(0);

    await signOut(page);
    await signIn(page, desk.tokens.organisation);
    await page.locator(`[data-inbox-plan-id="${planId}"]`).waitFor();
    await openPlan(page, planId);
    await act(page, 'opinion', '同意整合，党组织设置符合要求', true);
    expect(await page.locator('[data-notice-kind=ok]').count()).toBe(1);
    expect(await page.locator('button[data-action]').count()).toBe(0);

    // the establishment office with the keyboard alone: Tab to the box, type, Tab to "agree", Space, Tab to the button, Enter
    await signOut(page);
    await signIn(page, desk.tokens.establishment);
    await openPlan(page, planId);
    await page.locator('textarea[name=opinion]').focus();
    await page.keyboard.type('编制不变，同意');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.locator('input[name=agree][value=true]').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.locator('button[data-action=opinion]').evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('[data-notice-kind=ok]').waitFor();
  });

  it('a stale version is shown to the user: the page reloads and says someone else acted (409)', async () => {
    await signOut(page);
    await signIn(page, desk.tokens.civil);
    await openPlan(page, planId);
    const seen = await page.locator('[data-plan-state]').getAttribute('data-plan-state');
    expect(seen).toBe('submitted');
    // meanwhile, in another browser, the government rejects? No: it may not before all opinions. The street office cannot act
    // either. Someone with a legal step must act: the civil affairs bureau itself, from a second window.
    const other = await desk.browser.newContext({ viewport: { width: 1200, height: 800 } });
    const second = await other.newPage();
    await second.goto(`${desk.url}/`);
    await signIn(second, desk.tokens.civil);
    await openPlan(second, planId);
    await act(second, 'opinion', '驻地社区距离较远，不同意', false);
    await other.close();

    await act(page, 'opinion', '同意', true);
    const notice = await page.locator('[data-notice-kind=error]').textContent();
    expect(notice).toContain('其他人刚刚处理了这个方案');
    expect(notice).toContain('版本 5');
    await expect(page.locator('button[data-action]').count()).resolves.toBe(0); // reloaded: its opinion is in
    await page.screenshot({ path: join(OUT, 'plan-stale.png'), fullPage: false });
  });

  it('the district government rejects; the street office resubmits; three opinions; approved and filed', async () => {
    await signOut(page);
    await signIn(page, desk.tokens.government);
    await page.locator(`[data-inbox-plan-id="${planId}"]`).waitFor();
    await page.screenshot({ path: join(OUT, 'inbox.png'), fullPage: true });
    await openPlan(page, planId);
    expect(await page.locator('button[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['approve', 'reject']);
    await act(page, 'reject', '请先答复区民政局关于驻地距离的意见');
    expect(await state(page)).toBe('rejected');

    await signOut(page);
    await signIn(page, desk.tokens.huangbei);
    await openPlan(page, planId);
    await act(page, 'submit', '已现场核实距离，重新报送');
    expect(await state(page)).toBe('submitted');

    for (const [who, text] of [['organisation', '同意'], ['civil', '核实无误，同意'], ['establishment', '同意']] as const) {
      await signOut(page);
      await signIn(page, desk.tokens[who]);
      await openPlan(page, planId);
      await act(page, 'opinion', text, true);
    }
    await signOut(page);
    await signIn(page, desk.tokens.government);
    await openPlan(page, planId);
    await act(page, 'approve', '批准');
    expect(await state(page)).toBe('approved');

    await signOut(page);
    await signIn(page, desk.tokens.city);
    await page.locator(`[data-inbox-plan-id="${planId}"]`).waitFor();
    await openPlan(page, planId);
    await act(page, 'file', '已备案');
    expect(await state(page)).toBe('filed');
    await page.locator('[data-history] li').nth(11).waitFor();
    await page.screenshot({ path: join(OUT, 'plan-filed.png'), fullPage: true });
  });

  it('the history through the API has every step, every opinion and the rejection', async () => {
    const h = await api<{ entries: { seq: number; action: string; role: string; toState: string; version: number; opinion: string | null }[]; opinions: { round: number; role: string; agree: boolean }[] }>(
      `/plans/${planId}/history`, desk.tokens.organisation);
    expect(h.entries.map((e) => [e.action, e.role, e.toState, e.version])).toEqual([
      ['create', 'street-office', 'draft', 1],
      ['submit', 'street-office', 'submitted', 2],
      ['opinion', 'organisation', 'submitted', 3],
      ['opinion', 'establishment', 'submitted', 4],
      ['opinion', 'civil-affairs', 'submitted', 5],
      ['reject', 'district-government', 'rejected', 6],
      ['submit', 'street-office', 'submitted', 7],
      ['opinion', 'organisation', 'submitted', 8],
      ['opinion', 'civil-affairs', 'submitted', 9],
      ['opinion', 'establishment', 'submitted', 10],
      ['approve', 'district-government', 'approved', 11],
      ['file', 'city-civil-affairs', 'filed', 12],
    ]);
    expect(h.entries[5]!.opinion).toBe('请先答复区民政局关于驻地距离的意见');
    expect(h.opinions.filter((o) => o.round === 1).map((o) => [o.role, o.agree]))
      .toEqual(expect.arrayContaining([['organisation', true], ['establishment', true], ['civil-affairs', false]]));
    expect(h.opinions.filter((o) => o.round === 2).every((o) => o.agree)).toBe(true);
  });

  it('compares the filed plan with a second solve, in English', async () => {
    await signOut(page);
    await signIn(page, desk.tokens.planner);
    await page.locator('[data-lang]').click();
    await expect(page.locator('[data-logout]').textContent()).resolves.toBe('Sign out');
    await page.locator('[data-nav-solve]').click();
    await page.locator('input[name=streetOffice][value="黄贝"]').check();
    await page.locator('#s-min').fill('8000');
    await page.locator('#s-max').fill('16000');
    await page.locator('#s-name').fill('黄贝 8000–16000');
    await page.locator('[data-solve]').click();
    await page.waitForURL(/#\/plans\//, { timeout: 60_000 });
    const other = decodeURIComponent(page.url().split('#/plans/')[1]!);
    expect(other).not.toBe(planId);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    await page.locator('#compare-with').selectOption(planId);
    await page.locator('form[data-compare-form] button').click();
    await page.locator('[data-compare-side=b][data-stations-drawn]').waitFor();
    const cmp = await api<{ changed: unknown[] }>(`/plans/${other}/compare/${planId}`, desk.tokens.planner);
    expect(cmp.changed.length).toBeGreaterThan(0);
    expect(await page.locator('[data-changed-committee]').count()).toBe(cmp.changed.length);
    await page.screenshot({ path: join(OUT, 'compare.png'), fullPage: true });
    await page.locator('[data-lang]').click();
    secondPlan = other;
  });

  it('edits a draft: a committee moves to a neighbouring station, the cost rises above the optimum, saved as a hand plan', async () => {
    await page.goto(`${desk.url}/#/plans/${encodeURIComponent(secondPlan)}`);
    await page.locator('[data-edit]').click();
    const cost = page.locator('[data-edit-cost]');
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    await expect(cost.textContent()).resolves.toContain('+0.0%');
    const optimum = Number(await cost.getAttribute('data-cost'));
    // the first committee that may join a neighbouring station
    const selects = page.locator('select[data-move]');
    let moved = '';
    for (let i = 0; i < (await selects.count()); i++) {
      const values = await selects.nth(i).locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
      const join = values.find((v) => v !== '' && v !== '*own');
      if (join) { moved = (await selects.nth(i).getAttribute('data-move'))!; await selects.nth(i).selectOption(join); break; }
    }
    expect(moved).not.toBe('');
    await page.locator('[data-undo]:not([disabled])').waitFor();
    const after = Number(await cost.getAttribute('data-cost'));
    expect(after).toBeGreaterThanOrEqual(optimum - 1e-9); // the solved plan is proven optimal
    await expect(page.locator('[data-edit-changes]').textContent()).resolves.not.toMatch(/^已调整 0 /);
    await page.screenshot({ path: join(OUT, 'edit.png'), fullPage: true });
    await page.locator('[data-save=hand]').click();
    await page.waitForURL((u) => !u.hash.includes(secondPlan) && u.hash.startsWith('#/plans/'));
    const saved = decodeURIComponent(page.url().split('#/plans/')[1]!);
    const plan = await api<{ kind: string; state: string; summary: { solver: { objective: number }; streetOffices: { stations: { committeeIds: string[] }[] }[] } }>(`/plans/${saved}`, desk.tokens.planner);
    expect(plan.kind).toBe('hand');
    expect(plan.summary.solver.objective).toBeCloseTo(after, 6);
    expect((plan.summary.solver as { status?: string }).status).toBe('evaluated');
    await page.locator('[data-checks]').filter({ hasText: '求解结果：人工方案，已按规则检查' }).waitFor();
    expect(await page.locator('[data-checks]').innerText()).not.toContain('evaluated');
    const parent = await api<{ summary: { streetOffices: { stations: { committeeIds: string[] }[] }[] } }>(`/plans/${secondPlan}`, desk.tokens.planner);
    const stationOf = (p: typeof parent, c: string) => p.summary.streetOffices.flatMap((o) => o.stations).find((s) => s.committeeIds.includes(c))!.committeeIds;
    expect(stationOf(plan, moved)).not.toEqual(stationOf(parent, moved));
  });

  it('a district plan: the street office concurs with the concur button; the planner\'s submit waits for the others', async () => {
    const datasets = await api<{ datasets: { id: string }[] }>('/datasets', desk.tokens.planner);
    const res = await fetch(`${desk.url}/api/datasets/${datasets.datasets[0]!.id}/plans`, {
      method: 'POST', headers: { authorization: `Bearer ${desk.tokens.planner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '黄贝南湖联合方案', streetOffices: ['黄贝', '南湖'], stations: [] }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    if (await page.locator('[data-logout]').count() > 0) await signOut(page);
    await signIn(page, desk.tokens.huangbei);
    await page.goto(`${desk.url}/#/plans/${encodeURIComponent(id)}`);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    expect(await page.locator('button[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['concur']);
    await act(page, 'concur');
    expect(await state(page)).toBe('draft');
    await page.locator('[data-history-action=concur]').waitFor();
    expect(await page.locator('button[data-action]').count()).toBe(0);
    await signOut(page);
    await signIn(page, desk.tokens.planner);
    await page.goto(`${desk.url}/#/plans/${encodeURIComponent(id)}`);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    expect(await page.locator('button[data-action=submit]').isDisabled()).toBe(true);
    await expect(page.locator('[data-actions]').textContent()).resolves.toContain('南湖');
  });

  it('data without facility areas (census tracts): the checks say so, the table shows — rather than 0 ✗', async () => {
    const post = async (path: string, body?: string, type = 'application/json') => fetch(`${desk.url}/api${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${desk.tokens.planner}`, ...(body === undefined ? {} : { 'content-type': type }) }, body,
    });
    const ri = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/real/ri-tracts-2010.geojson'), 'utf8')) as { features: { properties: { county_fips: string } }[] };
    ri.features = ri.features.filter((f) => f.properties.county_fips === '44001');
    const mapping = encodeURIComponent(JSON.stringify({ id: 'GEOID10', name: 'name', households: 'households2010', streetOffice: 'county_fips', population: 'pop2010' }));
    const uploaded = await post(`/datasets?name=bristol&mapping=${mapping}`, JSON.stringify(ri), 'application/geo+json');
    expect(uploaded.status).toBe(201);
    const datasetId = ((await uploaded.json()) as { id: string }).id;
    const scenario = await post('/scenarios', JSON.stringify({ datasetId, name: 'bristol', rules: { households: { min: 4000, max: 8000 }, maxCommitteesPerStation: 5 } }));
    expect(scenario.status).toBe(201);
    const solved = await post(`/scenarios/${((await scenario.json()) as { id: string }).id}/plans`);
    expect([201, 202]).toContain(solved.status);
    let answer = (await solved.json()) as { id?: string; job?: { id: string; status: string; planId?: string } };
    while (answer.job && answer.job.status !== 'done') {
      expect(['queued', 'running']).toContain(answer.job.status);
      await new Promise((r) => setTimeout(r, 200));
      answer = { job: await api(`/jobs/${answer.job.id}`, desk.tokens.planner) };
    }
    const bristol = answer.id ?? answer.job!.planId!;
    const plan = await api<PlanRecordView>(`/plans/${bristol}`, desk.tokens.planner);
    for (const k of ['office', 'service', 'plaza'] as const) expect(plan.summary.checks.facilityTargets[k].noData, k).toBe(true);

    await signInAfresh(desk.tokens.planner);
    await page.goto(`${desk.url}/#/plans/${encodeURIComponent(bristol)}`);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    await expect(page.locator('[data-checks] [data-no-data]').count()).resolves.toBe(3);
    const checksText = await page.locator('[data-checks]').innerText();
    expect(checksText).toContain('办公用房：数据中没有此项，未检查');
    expect(checksText).not.toMatch(/达标的工作站 0 \//);
    expect(checksText).toContain('数据中没有各社区的办公用房、服务用房、广场面积，相应的达标情况未检查');
    expect(checksText).not.toContain('no committee has');
    const cells = await page.locator('[data-station] td:nth-child(4)').allInnerTexts();
    expect(cells).toHaveLength(plan.summary.stationsAfter);
    for (const c of cells) expect(c).toBe('— / — / —');
    await page.screenshot({ path: join(OUT, 'plan-no-facilities.png'), fullPage: true });
  });

  it('a committee named with HTML shows as text in the map tooltip, never as markup (red team: Leaflet wrote it as HTML)', async () => {
    const post = async (path: string, body: unknown, type = 'application/json') => fetch(`${desk.url}/api${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${desk.tokens.planner}`, 'content-type': type }, body: JSON.stringify(body),
    });
    // a form in a tooltip could ask a reviewer for their token (CSP does not restrict form-action)
    const name = '<form data-injected action="https://example.invalid/"><input name="t"></form>甲';
    const square = [[[114, 22.5], [114.01, 22.5], [114.01, 22.51], [114, 22.51], [114, 22.5]]];
    const up = await post('/datasets?name=markup', { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 'm1', name, streetOffice: '黄贝', households: 4000 }, geometry: { type: 'Polygon', coordinates: square } },
    ] }, 'application/geo+json');
    expect(up.status).toBe(201);
    const plan = await post(`/datasets/${((await up.json()) as { id: string }).id}/plans`, { name: 'markup', streetOffices: ['黄贝'], stations: [['m1']] });
    expect(plan.status).toBe(201);
    const id = ((await plan.json()) as { id: string }).id;
    await signInAfresh(desk.tokens.planner);
    await page.goto(`${desk.url}/#/plans/${encodeURIComponent(id)}`);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    const box = (await page.locator('[data-map]').boundingBox())!;
    // inside the committee, clear of the station's badge at its centre
    const [x, y] = [box.x + box.width / 2 - box.height * 0.3, box.y + box.height / 2 - box.height * 0.3];
    await page.mouse.move(x, y);
    await page.mouse.move(x + 3, y + 3);
    const tooltip = page.locator('.leaflet-tooltip').first();
    await tooltip.waitFor();
    expect(await page.locator('[data-injected]').count()).toBe(0);
    await expect(tooltip.textContent()).resolves.toContain(name);
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
