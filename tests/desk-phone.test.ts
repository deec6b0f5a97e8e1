/**
 * The review desk on a phone (390×844) in headless Chromium: the street office solves and submits,
 * the organisation department gives its opinion. Pins what a pass at that size found: wide tables
 * scroll inside their card instead of widening the page; the plan's documents (plan.docx, the
 * 请示, each 意见) are there to download (the API needs the bearer token, so a plain link could
 * not fetch them); an opinion without text or without agree/disagree is answered in Chinese by the
 * page, not with the API's English 400; Leaflet's zoom buttons are named in Chinese; the dataset's committee count carries its unit.
 * Screenshots go to out/desk-phone/ (gitignored). Needs Debian's chromium; skipped by name without it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, signInFresh, startDesk, type Desk } from './helpers/desk.js';

const OUT = fileURLToPath(new URL('../out/desk-phone/', import.meta.url));

describe.skipIf(!hasChromium)('review desk on a phone, 390×844 (needs Debian chromium)', () => {
  let desk: Desk;
  let page: Page;
  const errors: string[] = [];
  const actionPosts: string[] = [];
  let planId = '';

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    desk = await startDesk();
    const context = await desk.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/actions')) actionPosts.push(r.postData() ?? ''); });
  }, 180_000);

  afterAll(async () => { await desk?.close(); });

  const signIn = (token: string): Promise<void> => signInFresh(page, desk, token);
  /** The page is no wider than the phone: nothing makes the whole page scroll sideways. */
  const pageWidth = async (): Promise<number> => (await page.evaluate('document.documentElement.scrollWidth')) as number;
  const documents = () => page.locator('[data-document]').evaluateAll((els) => els.map((e) => e.getAttribute('data-document')));
  async function download(file: string): Promise<Buffer> {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-document="${file}"]`).click()]);
    expect(dl.suggestedFilename()).toBe(file);
    const bytes = readFileSync((await dl.path())!);
    await page.locator('[data-notice-kind=ok]').filter({ hasText: '已下载' }).waitFor();
    return bytes;
  }

  it('the street office solves on a phone: the committee count has its unit, the plan fits the width, plan.docx downloads', async () => {
    await signIn(desk.tokens.huangbei);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.locator('[data-nav-solve]').click();
    await expect(page.locator('#s-dataset option').first().textContent()).resolves.toMatch(/^luohu-2006（\d+ 个社区）$/);
    await page.locator('[data-solve]').click();
    await page.waitForURL(/#\/plans\//, { timeout: 90_000 });
    planId = decodeURIComponent(page.url().split('#/plans/')[1]!);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    // the station table scrolls inside its card
    const table = await page.locator('table[data-stations]').evaluate((e) => ({ box: e.getBoundingClientRect().right, scroll: e.scrollWidth, client: e.clientWidth }));
    expect(table.box).toBeLessThanOrEqual(390);
    // Leaflet's zoom buttons are named in the page's language
    await expect(page.locator('.leaflet-control-zoom-in').getAttribute('aria-label')).resolves.toBe('放大');
    await expect(page.locator('.leaflet-control-zoom-out').getAttribute('title')).resolves.toBe('缩小');
    expect(await documents()).toEqual(['plan.docx', 'plan.xlsx']);
    const docx = await download('plan.docx');
    expect(docx.subarray(0, 2).toString()).toBe('PK');
    await page.screenshot({ path: join(OUT, 'plan-draft.png'), fullPage: true });
    await page.locator('button[data-action=submit]').click();
    await page.locator('[data-notice-kind=ok]').filter({ hasText: '已办理' }).waitFor();
    await page.locator('[data-plan-state=submitted]').waitFor();
  }, 180_000);

  it('the organisation department: its inbox fits, an opinion without text or agree is refused in Chinese before any request, then given', async () => {
    await signIn(desk.tokens.organisation);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.locator(`[data-inbox-plan-id="${planId}"]`).click();
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    expect(await documents()).toEqual(['plan.docx', 'plan.xlsx', 'request.docx']);
    const sent = actionPosts.length;
    await page.locator('button[data-action=opinion]').click();
    const notice = page.locator('[data-notice-kind=error]');
    await expect(notice.textContent()).resolves.toBe('请先填写意见，再提出意见。');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('opinion');
    await page.locator('textarea[name=opinion]').fill('同意，请补充办公用房不足的说明');
    await page.locator('button[data-action=opinion]').click();
    await expect(notice.textContent()).resolves.toBe('请先选择同意或不同意。');
    expect(actionPosts.length).toBe(sent); // nothing went to the API
    await page.locator('input[name=agree][value=true]').check();
    await page.locator('button[data-action=opinion]').click();
    await page.locator('[data-notice-kind=ok]').filter({ hasText: '已办理' }).waitFor();
    await page.locator('[data-history-action=opinion]').waitFor();
    expect(await documents()).toEqual(['plan.docx', 'plan.xlsx', 'request.docx', 'opinion-organisation.docx']);
    const opinion = await download('opinion-organisation.docx');
    expect(opinion.subarray(0, 2).toString()).toBe('PK');
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUT, 'plan-opinion.png'), fullPage: true });
  }, 180_000);

  it('logged no page errors', () => { expect(errors).toEqual([]); });
});
