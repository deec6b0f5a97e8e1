/**
 * The review desk's plan page: time from navigation until the page is interactive (the map drawn,
 * the station table and the actions in place), by Chromium's own clock: the User Timing mark
 * `desk:plan-interactive` that web/views/plan.ts sets, whose startTime counts from the navigation
 * start; beside it the Navigation Timing of the document (DOMContentLoaded, load). Headless Debian
 * Chromium through playwright-core, a real server on the embedded store (tests/helpers/desk.ts).
 *
 * Plans: luohu-2006 whole (115 committees, 10 street offices), its 黄贝 street office, and with
 * `--district N` a generated district of N committees (bench/generate) uploaded and solved too.
 * Each page is opened `--runs` times (default 5), each in a fresh browser context (no cache); the
 * first run of a plan is also the server's first dissolve of its stations (not cached yet).
 *
 * Run: npx tsx bench/desk.ts [--runs 5] [--district 700]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { generateDistrict } from './generate/district.js';
import { startDesk, type Desk } from '../tests/helpers/desk.js';

interface Timing { interactive: number; dcl: number; load: number; signedIn: number; data: number }

async function post<T>(desk: Desk, path: string, token: string, body: unknown, type = 'application/json'): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = type;
  const res = await fetch(`${desk.url}/api${path}`, { method: 'POST', headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, data: (await res.json()) as T };
}

/** Solves a scenario and waits for the plan (201, or 202 and the job). */
async function solve(desk: Desk, scenarioId: string, token: string): Promise<string> {
  const r = await post<{ id?: string; job?: { id: string }; message?: string }>(desk, `/scenarios/${scenarioId}/plans`, token, undefined);
  if (r.status === 201) return r.data.id!;
  if (r.status !== 202) throw new Error(`solve: ${r.status} ${r.data.message}`);
  for (;;) {
    await new Promise((res) => setTimeout(res, 300));
    const job = (await (await fetch(`${desk.url}/api/jobs/${r.data.job!.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; planId: string; error: unknown };
    if (job.status === 'done') return job.planId;
    if (job.status === 'failed') throw new Error(`solve failed: ${JSON.stringify(job.error)}`);
  }
}

async function timePage(desk: Desk, planId: string, token: string): Promise<Timing & { stations: number }> {
  const context = await desk.browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem('yizhan-token', t), token);
  const page = await context.newPage();
  await page.goto(`${desk.url}/#/plans/${encodeURIComponent(planId)}`);
  await page.locator('[data-map][data-stations-drawn]').waitFor({ timeout: 60_000 });
  const t = await page.evaluate(() => {
    // (browser-side code: typed structurally, the project's lib has no DOM)
    const mark = performance.getEntriesByName('desk:plan-interactive')[0] as unknown as { startTime: number; detail: unknown };
    const nav = (performance as unknown as { getEntriesByType(t: string): { domContentLoadedEventEnd: number; loadEventEnd: number }[] }).getEntriesByType('navigation')[0]!;
    // (no named helper here: tsx would wrap it in a __name() the page does not have)
    const [signedIn, data] = ['desk:signed-in', 'desk:plan-data'].map((name) => (performance.getEntriesByName(name)[0] as unknown as { startTime: number } | undefined)?.startTime ?? NaN);
    return { interactive: mark.startTime, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, signedIn: signedIn!, data: data!, stations: (mark.detail as { stations: number }).stations };
  });
  await context.close();
  return t;
}

/** Edits in the editor: each change's time from the select's change to the checks and map redrawn (mark `desk:edit-checks`). */
async function timeEdits(desk: Desk, planId: string, token: string, edits: number): Promise<number[]> {
  const context = await desk.browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem('yizhan-token', t), token);
  const page = await context.newPage();
  await page.goto(`${desk.url}/#/plans/${encodeURIComponent(planId)}/edit`);
  await page.locator('[data-edit-cost]').waitFor({ timeout: 60_000 });
  const out: number[] = [];
  for (let k = 0; k < edits; k++) {
    const selects = page.locator('select[data-move]');
    const n = await selects.count();
    let done = false;
    for (let i = (k * 7) % n, tried = 0; tried < n && !done; i = (i + 1) % n, tried++) {
      const values = await selects.nth(i).locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
      const target = values.find((v) => v !== '' && v !== '*own') ?? values.find((v) => v === '*own');
      if (!target) continue;
      const before = await page.evaluate(() => performance.getEntriesByName('desk:edit-checks').length);
      await selects.nth(i).selectOption(target);
      await page.waitForFunction((b) => performance.getEntriesByName('desk:edit-checks').length > b, before, { timeout: 30_000 });
      done = true;
    }
  }
  const marks = await page.evaluate(() => performance.getEntriesByName('desk:edit-checks').map((m) => ((m as unknown as { detail: { ms: number } }).detail.ms)));
  out.push(...marks);
  await context.close();
  return out;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, district: { type: 'string' } } });
  const runs = Number(values.runs);
  const started = Date.now();
  const desk = await startDesk({ solveWorkers: 1 });
  try {
    const planner = desk.tokens.planner;
    const datasets = (await (await fetch(`${desk.url}/api/datasets`, { headers: { authorization: `Bearer ${planner}` } })).json()) as { datasets: { id: string }[] };
    const luohu = datasets.datasets[0]!.id;
    const plans: { name: string; id: string; committees: number }[] = [];
    const whole = await post<{ id: string }>(desk, '/scenarios', planner, { datasetId: luohu, name: 'luohu-2006' });
    plans.push({ name: 'luohu-2006 (10 street offices)', id: await solve(desk, whole.data.id, planner), committees: 115 });
    const hb = await post<{ id: string }>(desk, '/scenarios', planner, { datasetId: luohu, name: '黄贝', streetOffices: ['黄贝'] });
    plans.push({ name: 'luohu-2006 黄贝', id: await solve(desk, hb.data.id, planner), committees: 13 });
    // the editor on the largest street office of luohu-2006
    const fc = (await (await fetch(`${desk.url}/api/datasets/${luohu}/committees.geojson`, { headers: { authorization: `Bearer ${planner}` } })).json()) as { features: { properties: { streetOffice: string } }[] };
    const sizes = new Map<string, number>();
    for (const f of fc.features) sizes.set(f.properties.streetOffice, (sizes.get(f.properties.streetOffice) ?? 0) + 1);
    const [bigOffice, bigSize] = [...sizes].sort((a, b) => b[1] - a[1])[0]!;
    const big = await post<{ id: string }>(desk, '/scenarios', planner, { datasetId: luohu, name: bigOffice, streetOffices: [bigOffice] });
    const bigPlan = await solve(desk, big.data.id, planner);
    /** Further editors: a street office of about 30 committees and the whole generated district. */
    const editors: { name: string; id: string }[] = [];
    if (values.district) {
      const n = Number(values.district);
      const fc = generateDistrict({ committees: n, seed: 1 });
      const up = await post<{ id: string; message?: string }>(desk, `/datasets?name=generated-${n}`, planner, fc, 'application/geo+json');
      if (up.status !== 201) throw new Error(`upload: ${up.status} ${up.data.message}`);
      const sc = await post<{ id: string }>(desk, '/scenarios', planner, { datasetId: up.data.id, name: `generated-${n}` });
      const whole = await solve(desk, sc.data.id, planner);
      plans.push({ name: `generated district (${n})`, id: whole, committees: n });
      const officeSizes = new Map<string, number>();
      for (const f of fc.features) officeSizes.set(String(f.properties.streetOffice), (officeSizes.get(String(f.properties.streetOffice)) ?? 0) + 1);
      const [office30, size30] = [...officeSizes].sort((a, b) => Math.abs(a[1] - 30) - Math.abs(b[1] - 30))[0]!;
      const sc30 = await post<{ id: string }>(desk, '/scenarios', planner, { datasetId: up.data.id, name: office30, streetOffices: [office30] });
      editors.push({ name: `street office ${office30} of the generated district (${size30} committees)`, id: await solve(desk, sc30.data.id, planner) });
      editors.push({ name: `the whole generated district (${n} committees)`, id: whole });
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown';
    console.log(`review desk plan page, ${runs} runs each, fresh browser context per run; ${os.cpus().length} cores (${cpu}), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
    console.log('plan | committees | stations | interactive first run ms | interactive median ms | max ms | DOMContentLoaded median ms | signed in (GET /api/me) median ms | plan data in median ms');
    for (const p of plans) {
      const times: (Timing & { stations: number })[] = [];
      for (let i = 0; i < runs; i++) times.push(await timePage(desk, p.id, desk.tokens.organisation));
      const inter = times.map((x) => x.interactive);
      console.log(`${p.name} | ${p.committees} | ${times[0]!.stations} | ${inter[0]!.toFixed(0)} | ${median(inter).toFixed(0)} | ${Math.max(...inter).toFixed(0)} | ${median(times.map((x) => x.dcl)).toFixed(0)} | ${median(times.map((x) => x.signedIn)).toFixed(0)} | ${median(times.map((x) => x.data)).toFixed(0)}`);
    }
    for (const e of [{ name: `street office ${bigOffice} (${bigSize} committees)`, id: bigPlan }, ...editors]) {
      const edits = await timeEdits(desk, e.id, planner, 8);
      console.log(`editor, ${e.name}, ${edits.length} edits: change → checks and map redrawn, median ${median(edits).toFixed(0)} ms, max ${Math.max(...edits).toFixed(0)} ms (${edits.map((x) => x.toFixed(0)).join(', ')})`);
    }
    console.log(`(whole run ${((Date.now() - started) / 1000).toFixed(0)} s, load after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  } finally {
    await desk.close();
  }
}

await main();
