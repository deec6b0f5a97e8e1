/**
 * The review desk's upload view in headless Chromium (1366×768): the district planner uploads the
 * Rhode Island tracts file with the README's mapping typed into the field boxes, and the solve view
 * opens with the new dataset chosen; then a file with a duplicate id, and the page lists the problem
 * (code, feature, field, message) and stores nothing. A street office has no upload link (the API
 * refuses it). The status line shows the progress, then that the data is being checked. Screenshots go to out/desk-upload/ (gitignored). Needs Debian's chromium; skipped by
 * name without it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { hasChromium, signInFresh, startDesk, type Desk } from './helpers/desk.js';
import { RI_MAPPING } from './helpers/ri.js';

const OUT = process.env.DESK_UPLOAD_SHOTS ?? fileURLToPath(new URL('../out/desk-upload/', import.meta.url));

describe.skipIf(!hasChromium)('review desk: uploading a dataset (needs Debian chromium)', () => {
  let desk: Desk;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    desk = await startDesk();
    const context = await desk.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // the 422 of the bad file is the browser's console error by design; nothing else is
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 422/.test(m.text())) errors.push(m.text()); });
  }, 180_000);

  afterAll(async () => { await desk?.close(); });

  const signIn = (token: string): Promise<void> => signInFresh(page, desk, token);
  const datasetNames = async (): Promise<string[]> => {
    const res = await fetch(`${desk.url}/api/datasets`, { headers: { authorization: `Bearer ${desk.tokens.planner}` } });
    return ((await res.json()) as { datasets: { name: string }[] }).datasets.map((d) => d.name);
  };

  it('a planner uploads RI tracts with a mapping (solve opens on it), then a duplicate id (the problem is listed, nothing stored)', async () => {
    await signIn(desk.tokens.huangbei);
    expect(await page.locator('[data-nav-upload]').count()).toBe(0);

    await signIn(desk.tokens.planner);
    await page.locator('[data-nav-upload]').click();
    await page.locator('form[data-upload-form]').waitFor();
    await page.locator('#u-file').setInputFiles(join(ROOT, 'tests/fixtures/real/ri-tracts-2010.geojson'));
    await expect(page.locator('#u-name').inputValue()).resolves.toBe('ri-tracts-2010');
    await page.locator('#u-name').fill('ri-2010');
    for (const [field, source] of Object.entries(RI_MAPPING)) await page.locator(`input[data-map-field=${field}]`).fill(source);
    // every text the status line shows, in order (a MutationObserver sees each, however brief)
    await page.evaluate(`window.statuses = [];
      new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) window.statuses.push(n.textContent); })
        .observe(document.querySelector('[data-upload-status]'), { childList: true });`);
    await page.locator('[data-upload]').click();
    await page.waitForURL(/#\/solve\//, { timeout: 120_000 });
    await page.locator('form[data-solve-form]').waitFor();
    const datasetId = decodeURIComponent(page.url().split('#/solve/')[1]!);
    await expect(page.locator('#s-dataset').inputValue()).resolves.toBe(datasetId);
    await expect(page.locator('#s-dataset option:checked').textContent()).resolves.toBe('ri-2010（244 个社区）');
    await expect(page.locator('input[name=streetOffice]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)))
      .resolves.toEqual(['44001', '44003', '44005', '44007', '44009']);
    await expect(page.locator('[data-notice-kind=ok]').textContent()).resolves.toMatch(/^已上传数据集“ri-2010”：244 个社区/);
    const statuses = (await page.evaluate('window.statuses')) as string[];
    expect(statuses[0]).toBe('正在上传… 0%');
    expect(statuses).toContain('已上传，正在检查数据…');
    await page.screenshot({ path: join(OUT, 'upload-ok.png') });

    await page.locator('[data-nav-upload]').click();
    await page.locator('form[data-upload-form]').waitFor();
    await page.locator('#u-file').setInputFiles(join(ROOT, 'tests/fixtures/invalid/id-duplicate.geojson'));
    await page.locator('[data-upload]').click();
    const row = page.locator('table[data-problems] tr[data-problem-code=id-duplicate]');
    await row.waitFor({ timeout: 60_000 });
    await expect(page.locator('table[data-problems] th').allTextContents()).resolves.toEqual(['级别', '代码', '要素', '字段', '说明']);
    await expect(row.locator('td').allTextContents()).resolves.toEqual(
      ['硬性', 'id-duplicate', '#2 (c1) ↔ #0 (c1)', 'id', 'feature 2 has the id "c1" of feature 0; ids must be unique']);
    await expect(page.locator('[data-notice-kind=error]').textContent()).resolves.toMatch(/^数据有 1 个硬性问题/);
    expect(await datasetNames()).not.toContain('id-duplicate');
    await page.screenshot({ path: join(OUT, 'upload-problems.png') });
    expect(errors).toEqual([]);
  }, 240_000);
});
