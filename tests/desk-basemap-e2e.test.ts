/**
 * The review desk's basemap and fatal-station hatch in headless Chromium (issue 8). The server is
 * set with a 天地图-style tile template; the browser's requests for those tiles are answered by the
 * test (no internet needed, nothing leaves the machine), then refused outright as on an intranet
 * without internet: the plan is drawn either way. A hand plan that puts all of 黄贝 in one station
 * breaks the household band (fatal): its station is hatched. Screenshots go to out/desk-e2e/.
 * Needs Debian's chromium (CI: apt-get install chromium fonts-noto-cjk); skipped by name without it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBasemap } from '../server/routes/settings.js';
import { hasChromium, startDesk, type Desk } from './helpers/desk.js';

const OUT = fileURLToPath(new URL('../out/desk-e2e/', import.meta.url));
const TEMPLATE = 'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=TEST';
/** A stand-in tile: light grey with a street-like grid, so the screenshot shows where tiles are. */
const TILE = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#ececec"/><path d="M0 64H256M0 192H256M96 0V256M224 0V256" stroke="#ffffff" stroke-width="9"/><path d="M0 128H256" stroke="#f5d58a" stroke-width="12"/></svg>').render().asPng();

describe.skipIf(!hasChromium)('review desk: basemap tiles and the fatal hatch (needs Debian chromium)', () => {
  let desk: Desk;
  let planId = '';
  let fatalCount = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    desk = await startDesk({ basemap: parseBasemap(TEMPLATE, '01234567')! });
    const auth = { authorization: `Bearer ${desk.tokens.planner}`, 'content-type': 'application/json' };
    const { datasets } = (await (await fetch(`${desk.url}/api/datasets`, { headers: auth })).json()) as { datasets: { id: string }[] };
    const fc = (await (await fetch(`${desk.url}/api/datasets/${datasets[0]!.id}/committees.geojson?streetOffice=${encodeURIComponent('黄贝')}`, { headers: auth })).json()) as { features: { properties: { id: string } }[] };
    const res = await fetch(`${desk.url}/api/datasets/${datasets[0]!.id}/plans`, {
      method: 'POST', headers: auth,
      body: JSON.stringify({ name: '黄贝 一站 (超标)', streetOffices: ['黄贝'], stations: [fc.features.map((f) => f.properties.id)] }),
    });
    expect(res.status).toBe(201);
    planId = ((await res.json()) as { id: string }).id;
    const plan = (await (await fetch(`${desk.url}/api/plans/${planId}`, { headers: auth })).json()) as { summary: { checks: { violations: { severity: string; station?: string }[] } } };
    fatalCount = new Set(plan.summary.checks.violations.filter((v) => v.severity === 'fatal' && v.station).flatMap((v) => v.station!.split(','))).size;
  }, 180_000);
  afterAll(async () => { await desk?.close(); });

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${desk.url}/`);
    await page.locator('form[data-login] input[name=token]').fill(desk.tokens.planner);
    await page.locator('form[data-login] input[name=token]').press('Enter');
    await page.locator('[data-logout]').waitFor();
    await page.goto(`${desk.url}/#/plans/${encodeURIComponent(planId)}`);
    await page.locator('[data-map][data-stations-drawn]').waitFor();
    return page;
  }

  it('draws the basemap tiles under the polygons, from the configured hosts, and hatches the station that breaks the band', async () => {
    expect(fatalCount).toBe(1);
    const context = await desk.browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    const asked: string[] = [];
    await context.route(/tianditu\.gov\.cn/, (route) => {
      asked.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: TILE });
    });
    const page = await open(context);
    await page.locator('[data-map] img.leaflet-tile-loaded').first().waitFor();
    expect(asked.length).toBeGreaterThan(0);
    for (const url of asked) expect(url).toMatch(/^https:\/\/t[0-7]\.tianditu\.gov\.cn\/vec_w\/wmts\?.*TILEMATRIX=\d+&TILEROW=\d+&TILECOL=\d+&tk=TEST$/);
    await expect(page.locator('[data-map]').getAttribute('data-fatal-hatched')).resolves.toBe(String(fatalCount));
    // the tiles sit in Leaflet's tile pane, under the overlay pane that holds the polygons' canvas
    const z = await page.evaluate(() => {
      // (browser-side code: typed structurally, the project's lib has no DOM)
      const w = globalThis as unknown as { document: { querySelector(s: string): unknown }; getComputedStyle(e: unknown): { zIndex: string } };
      return ['.leaflet-tile-pane', '.leaflet-overlay-pane'].map((s) => Number(w.getComputedStyle(w.document.querySelector(s)).zIndex));
    });
    expect(z[0]).toBeLessThan(z[1]!);
    await page.screenshot({ path: join(OUT, 'plan-basemap-fatal.png'), fullPage: false });
    await context.close();
  }, 180_000);

  it('without internet (every tile refused) the plan is drawn all the same', async () => {
    const context = await desk.browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    await context.route(/tianditu\.gov\.cn/, (route) => route.abort('internetdisconnected'));
    const page = await open(context);
    await expect(page.locator('[data-map]').getAttribute('data-stations-drawn')).resolves.toBe('1');
    await expect(page.locator('tr[data-station]').count()).resolves.toBe(1);
    await context.close();
    expect(errors).toEqual([]);
  }, 180_000);
});
