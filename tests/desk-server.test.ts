/**
 * The review desk's server side, without a browser: GET / and the bundled assets (built by the
 * same esbuild step as `npm run build`), their headers (CSP allowing no outside origin, ETag,
 * 304), and GET /api/me, the one route the client needs that the API lacked (role, street office,
 * label of the caller's own token; 401 without one; never the token or its hash).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { issueToken } from '../server/auth.js';
import { buildWeb } from '../web/build.mjs';
import { openTestPglite } from './helpers/store.js';

describe('review desk: static client and GET /api/me', () => {
  let app: FastifyInstance;
  let remove: () => Promise<void>;
  let webDir: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    webDir = await buildWeb(await mkdtemp(join(tmpdir(), 'yizhan-web-')));
    process.env.YIZHAN_WEB_DIR = webDir;
    const t = await openTestPglite();
    remove = t.remove;
    tokens.huangbei = (await issueToken(t.store, { role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' })).token;
    tokens.gov = (await issueToken(t.store, { role: 'district-government' })).token;
    app = await buildApp({ store: t.store, solveWorkers: 0 });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await remove?.();
    delete process.env.YIZHAN_WEB_DIR;
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  it('serves the page with a CSP that allows nothing from outside, and its assets', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toBe(readFileSync(join(webDir, 'index.html'), 'utf8'));
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const scripts = [...page.body.matchAll(/(?:src|href)="(\/web\/[^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/web/app.css', '/web/app.js']);
    for (const url of scripts) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body.length, url).toBeGreaterThan(1000);
      // offline: nothing is loaded from an outside host (Leaflet's own attribution link is a link, not a load)
      const loads = res.body.match(/(?:\bsrc\s*=|url\(|@import)\s*["']?https?:\/\/[^"')\s]*/g) ?? [];
      expect(loads, url).toEqual([]);
      const again = await app.inject({ method: 'GET', url, headers: { 'if-none-match': String(res.headers.etag) } });
      expect(again.statusCode).toBe(304);
    }
    const missing = await app.inject({ method: 'GET', url: '/web/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'web-not-built' });
    // the web plugin changed nothing of the API's own answers
    expect((await app.inject({ method: 'GET', url: '/api/plans' })).statusCode).toBe(401);
  });

  it('GET /api/me says who the token is, never the token', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'unauthenticated' });
    const bad = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer x'.padEnd(50, 'x') } });
    expect(bad.statusCode).toBe(401);
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${tokens.huangbei}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ tokenId: expect.any(String), role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' });
    expect(me.body).not.toContain(tokens.huangbei);
    const gov = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${tokens.gov}` } });
    expect(gov.json()).toEqual({ tokenId: expect.any(String), role: 'district-government', streetOffice: null, label: null });
    const doc = (await app.inject({ method: 'GET', url: '/documentation/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/me');
    expect(Object.keys(doc.paths)).not.toContain('/');
  });
});
