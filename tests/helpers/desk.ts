/**
 * The review desk's test and benchmark harness: a real server (startServer, embedded PGlite in a
 * copy of the migrated template, seeded with luohu-2006), the client built with the same esbuild
 * step as `npm run build`, into a folder of its own served through $YIZHAN_WEB_DIR), a token per role, and headless Debian Chromium through playwright-core
 * (no browser download). `hasChromium` says whether the browser is there.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Basemap } from '../../server/routes/settings.js';
import type { Role } from '../../server/store/types.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { buildWeb } from '../../web/build.mjs';
import { pgliteTemplate } from './store.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export type DeskRole = Exclude<Role, 'admin'> | 'admin';
export interface Desk {
  server: RunningServer;
  url: string;
  tokens: Record<'huangbei' | 'planner' | 'organisation' | 'civil' | 'establishment' | 'government' | 'city' | 'admin', string>;
  browser: Browser;
  close(): Promise<void>;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Builds the client, starts the server on a fresh data folder, makes the tokens, launches Chromium. */
export async function startDesk(options: { solveWorkers?: number; basemap?: Basemap } = {}): Promise<Desk> {
  const dir = await mkdtemp(join(tmpdir(), 'yizhan-desk-'));
  // A build of its own (the same esbuild step as npm run build): test files running at once never share a folder.
  process.env.YIZHAN_WEB_DIR = await buildWeb(join(dir, 'web'));
  const dataDir = join(dir, 'data');
  await cp(await pgliteTemplate(), dataDir, { recursive: true });
  const server = await startServer({
    port: 0, dataDir, logger: false, handleSignals: false, out: { write: () => true },
    app: { solveWorkers: options.solveWorkers ?? 1, ...(options.basemap ? { basemap: options.basemap } : {}) },
  });
  const admin = server.adminToken!;
  const mk = async (role: Role, streetOffice?: string, label?: string): Promise<string> => {
    const res = await fetch(`${server.url}/api/tokens`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role, ...(streetOffice ? { streetOffice } : {}), ...(label ? { label } : {}) }),
    });
    if (res.status !== 201) throw new Error(`token for ${role}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const tokens = {
    admin,
    huangbei: await mk('street-office', '黄贝', '黄贝街道 王科长'),
    planner: await mk('district-planner', undefined, '区规划'),
    organisation: await mk('organisation', undefined, '组织部 李'),
    civil: await mk('civil-affairs', undefined, '民政局 张'),
    establishment: await mk('establishment', undefined, '编办 陈'),
    government: await mk('district-government', undefined, '区政府办'),
    city: await mk('city-civil-affairs', undefined, '市民政局 赵'),
  };
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    server, url: server.url, tokens, browser,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs `page` in with `token` from a clean tab: the desk's front page, sessionStorage cleared, the token entered. */
export async function signInFresh(page: Page, desk: Desk, token: string): Promise<void> {
  await page.goto(`${desk.url}/`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.locator('form[data-login] input[name=token]').fill(token);
  await page.locator('form[data-login] input[name=token]').press('Enter');
  await page.locator('[data-logout]').waitFor();
}
