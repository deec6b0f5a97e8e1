/**
 * The review desk's optional basemap (issue 8): off by default (GET /api/settings answers null and
 * the page's CSP admits no outside host), set by `yizhan serve --basemap` or YIZHAN_BASEMAP (the
 * settings route hands the templates to signed-in pages, the CSP admits exactly their hosts), and
 * a bad setting refused when the server starts, naming it. The browser side (tiles under the
 * polygons, from a local tile server) is in tests/desk-e2e.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBasemap } from '../server/routes/settings.js';
import { buildWeb } from '../web/build.mjs';
import { startTestApi, type TestApi } from './helpers/api.js';

const TIANDITU = 'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY';
const LABELS = TIANDITU.replace(/vec/g, 'cva');

describe('the basemap setting', () => {
  it('is none when unset or blank; reads one or more templates and the {s} subdomains', () => {
    expect(parseBasemap(undefined, undefined)).toBeNull();
    expect(parseBasemap('  ', '0123')).toBeNull();
    expect(parseBasemap(`${TIANDITU} ${LABELS}`, '01234567')).toEqual({ urls: [TIANDITU, LABELS], subdomains: '01234567' });
    expect(parseBasemap('http://tiles.intranet/{z}/{x}/{y}.png', undefined)).toEqual({ urls: ['http://tiles.intranet/{z}/{x}/{y}.png'], subdomains: 'abc' });
  });

  it('refuses what is not a tile URL template, naming the setting', () => {
    expect(() => parseBasemap('tiles/{z}/{x}/{y}.png', undefined, 'YIZHAN_BASEMAP')).toThrow(/^YIZHAN_BASEMAP: "tiles\/\{z\}\/\{x\}\/\{y\}\.png" is not a URL/);
    expect(() => parseBasemap('ftp://host/{z}/{x}/{y}', undefined)).toThrow(/--basemap: .* must start with http/);
    expect(() => parseBasemap('https://host/{z}/{x}.png', undefined)).toThrow(/lacks \{y\}/);
    expect(() => parseBasemap(TIANDITU, '0,1')).toThrow(/subdomains must be letters or digits/);
  });
});

describe('GET /api/settings and the page\'s CSP', () => {
  let webDir: string;
  let plain: TestApi;
  let withMap: TestApi;

  beforeAll(async () => {
    webDir = await buildWeb(await mkdtemp(join(tmpdir(), 'yizhan-web-')));
    process.env.YIZHAN_WEB_DIR = webDir; // read when an app registers the web plugin
    const tokens = { gov: 'district-government' } as const;
    plain = await startTestApi({ tokens, defaultToken: 'gov' });
    withMap = await startTestApi({ tokens, defaultToken: 'gov', app: { basemap: parseBasemap(`${TIANDITU} ${LABELS}`, '01234567') } });
  }, 120_000);
  afterAll(async () => {
    await withMap?.close();
    await plain?.close();
    delete process.env.YIZHAN_WEB_DIR;
    if (webDir) await rm(webDir, { recursive: true, force: true });
  }, 60_000);

  const settings = (api: TestApi, auth = true) => api.call('GET', '/api/settings', auth ? {} : { token: null });
  const csp = async (api: TestApi) => String((await api.call('GET', '/')).headers.get('content-security-policy'));

  it('off by default: no basemap, and a page that loads nothing from outside', async () => {
    expect((await settings(plain)).json).toEqual({ basemap: null });
    const policy = await csp(plain);
    expect(policy).toContain("img-src 'self' data:;");
    expect(policy).not.toMatch(/https?:/);
  });

  it('set: signed-in pages get the templates; the CSP admits images from exactly their hosts', async () => {
    expect((await settings(withMap, false)).status).toBe(401);
    expect((await settings(withMap)).json).toEqual({ basemap: { urls: [TIANDITU, LABELS], subdomains: '01234567' } });
    const policy = await csp(withMap);
    const img = /img-src ([^;]*)/.exec(policy)![1]!.split(' ');
    expect(img).toEqual(["'self'", 'data:', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `https://t${i}.tianditu.gov.cn`)]);
    expect(policy).toContain("connect-src 'self';"); // tiles are images: nothing else may leave
    expect(policy.replace(/img-src [^;]*/, '')).not.toMatch(/https?:/);
  });
});

describe('yizhan serve --basemap (CLI from dist/)', () => {
  const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'dist/cli/bin.js');
  it.skipIf(!existsSync(bin))('refuses a bad setting before opening anything: usage error, exit 2, naming the setting', async () => {
    const run = (args: string[], env: Record<string, string>) => new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, ...env }, encoding: 'utf8' },
        (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stderr }));
    });
    const flag = await run(['--basemap', 'ftp://x/{z}/{x}/{y}', '--data', join(tmpdir(), 'yizhan-never-made')], {});
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--basemap: "ftp:\/\/x\/\{z\}\/\{x\}\/\{y\}" must start with http/);
    const env = await run(['--data', join(tmpdir(), 'yizhan-never-made')], { YIZHAN_BASEMAP: 'https://x/{z}/{x}' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/YIZHAN_BASEMAP: .* lacks \{y\}/);
    expect(existsSync(join(tmpdir(), 'yizhan-never-made'))).toBe(false);
  }, 120_000);
});
