/**
 * Issue 12, findings 3, 6 and 8 and the rate limit: every list pages (keyset, nextCursor, total),
 * the schema refuses oversized strings and arrays as 422 naming the field, tokens are listed,
 * revoked and expire, a street-office token needs a known street office, and solves and uploads are
 * rate-limited per token. On both engines.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { issueToken, nearestName } from '../server/auth.js';
import { makeRateLimitHook } from '../server/rate-limit.js';
import { LIMITS } from '../scenarios/limits.js';
import type { Store } from '../server/store/types.js';
import { ACTORS, openTestPg, openTestPglite, rect, sampleCommittees } from './helpers/store.js';

interface Reply { status: number; headers: Headers; json: any }

describe('nearestName and the rate-limit window', () => {
  it('finds the street office one typo away', () => {
    expect(nearestName('黄呗', ['东门', '黄贝', '南湖'])).toBe('黄贝');
    expect(nearestName('x', [])).toBeUndefined();
  });

  it('counts per token in a fixed window and tells how long to wait', async () => {
    let t = 1_000_000;
    const hook = makeRateLimitHook('solves', { max: 2, windowMs: 10_000 }, () => t);
    const headers: Record<string, string> = {};
    const reply = { header: (k: string, v: string) => { headers[k] = v; return reply; } } as any;
    const req = (tokenId: string) => ({ actor: { tokenId, role: 'district-planner', streetOffice: null }, ip: '127.0.0.1' }) as any;
    await hook(req('a'), reply);
    await hook(req('a'), reply);
    await hook(req('b'), reply); // another token has its own window
    t += 4_000;
    await expect(hook(req('a'), reply)).rejects.toMatchObject({ code: 'rate-limited', status: 429 });
    expect(headers['retry-after']).toBe('6');
    t += 6_000; // the window is over
    await hook(req('a'), reply);
  });
});

function limitsSuite(open: () => Promise<{ store: Store; cleanup(): Promise<void> }>): void {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let planner: string;
  let planner2: string;
  let admin: string;
  let datasetId: string;

  async function call(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${token ?? planner}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: method as 'GET', url: path, headers, ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    let json: any;
    try { json = JSON.parse(res.body); } catch { json = undefined; }
    return { status: res.statusCode, headers: new Headers(res.headers as Record<string, string>), json };
  }

  beforeAll(async () => {
    ({ store, cleanup } = await open());
    planner = (await issueToken(store, { role: 'district-planner' })).token;
    planner2 = (await issueToken(store, { role: 'district-planner' })).token;
    admin = (await issueToken(store, { role: 'admin' })).token;
    app = await buildApp({ store, solveWorkers: 0, rateLimits: { uploads: { max: 3 }, solves: { max: 2 } } });
    datasetId = (await store.createDataset({ name: 'paging', committees: sampleCommittees() })).id;
    for (let i = 0; i < 55; i++) {
      const scope = i % 5 === 0 ? ['东门'] : ['黄贝'];
      await store.createPlan({ datasetId, kind: 'hand', name: `p${i}`, scope, summary: {} as never, groups: [] }, ACTORS.planner);
    }
    for (let i = 0; i < 3; i++) await store.createScenario({ datasetId, name: `s${i}`, body: { name: `s${i}` } });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  }, 60_000);

  it('pages plans: 50 by default, keyset pages that add up to every plan once, in order', async () => {
    const first = await call('GET', '/api/plans');
    expect(first.status).toBe(200);
    expect(first.json.plans).toHaveLength(LIMITS.pageDefault);
    expect(first.json.total).toBe(55);
    expect(typeof first.json.nextCursor).toBe('string');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Reply = await call('GET', `/api/plans?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.json.total).toBe(55);
      seen.push(...page.json.plans.map((p: { id: string }) => p.id));
      cursor = page.json.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);
    expect(pages).toBe(8);
    expect(new Set(seen).size).toBe(55);
    const all = await store.listPlans();
    expect(seen).toEqual(all.map((p) => p.id));
  });

  it('bounds the streetOffice filter by the same paging', async () => {
    const page = await call('GET', `/api/plans?streetOffice=${encodeURIComponent('东门')}&limit=5`);
    expect(page.json.total).toBe(11);
    expect(page.json.plans).toHaveLength(5);
    expect(page.json.plans.every((p: { scope: string[] }) => p.scope.includes('东门'))).toBe(true);
    const next = await call('GET', `/api/plans?streetOffice=${encodeURIComponent('东门')}&limit=500&cursor=${page.json.nextCursor}`);
    expect(next.json.plans).toHaveLength(6);
    expect(next.json.nextCursor).toBeNull();
  });

  it('refuses a limit over the maximum, a limit of 0 and a forged cursor as 422 naming the parameter', async () => {
    const big = await call('GET', `/api/plans?limit=${LIMITS.pageMax + 1}`);
    expect([big.status, big.json.field]).toEqual([422, 'limit']); // checked in code: the message names the maximum
    expect((await call('GET', '/api/plans?limit=0')).json.field).toBe('limit');
    expect((await call('GET', '/api/plans?limit=-3')).json.field).toBe('querystring.limit'); // the schema's pattern
    const forged = await call('GET', `/api/plans?cursor=${Buffer.from('["1; DROP TABLE plans","x"]').toString('base64url')}`);
    expect([forged.status, forged.json.code, forged.json.field]).toEqual([422, 'invalid-cursor', 'cursor']);
  });

  it('pages datasets and scenarios, keeping their list fields', async () => {
    const ds = await call('GET', '/api/datasets?limit=1');
    expect(ds.status).toBe(200);
    expect(ds.json.datasets).toHaveLength(1);
    expect(ds.json.total).toBeGreaterThanOrEqual(1);
    const sc = await call('GET', `/api/scenarios?datasetId=${datasetId}&limit=2`);
    expect([sc.json.scenarios.length, sc.json.total]).toEqual([2, 3]);
    const rest = await call('GET', `/api/scenarios?datasetId=${datasetId}&limit=2&cursor=${sc.json.nextCursor}`);
    expect(rest.json.scenarios.map((s: { name: string }) => s.name)).toEqual(['s2']);
    expect(rest.json.nextCursor).toBeNull();
  });

  it('refuses a 5 MB dataset name and 100,000 copies of one street office in the schema, naming the field', async () => {
    const fc = { type: 'FeatureCollection', name: 'n'.repeat(5 * 1024 * 1024), features: [{ type: 'Feature', properties: { id: 'c1', name: 'c1', streetOffice: '黄贝', households: 10 }, geometry: { type: 'Polygon', coordinates: rect(114, 22.5, 114.01, 22.51) } }] };
    const before = (await store.listDatasets()).length;
    const name = await call('POST', '/api/datasets', fc, planner2);
    expect([name.status, name.json.code, name.json.field]).toEqual([422, 'invalid-request', 'name']);
    expect((await store.listDatasets()).length).toBe(before);
    const copies = await call('POST', '/api/scenarios', { datasetId, name: 'many', streetOffices: Array(100_000).fill('黄贝') });
    expect([copies.status, copies.json.field]).toEqual([422, 'streetOffices']);
    const twice = await call('POST', '/api/scenarios', { datasetId, name: 'twice', streetOffices: ['黄贝', '黄贝'] });
    expect([twice.status, twice.json.field]).toEqual([422, 'streetOffices']);
    const desc = await call('POST', '/api/scenarios', { datasetId, name: 'long', description: 'd'.repeat(LIMITS.description + 1) });
    expect([desc.status, desc.json.field]).toEqual([422, 'description']);
    const lock = await call('POST', '/api/scenarios', { datasetId, name: 'lock', locks: { keep: ['x'.repeat(LIMITS.name + 1)] } });
    expect([lock.status, lock.json.field]).toEqual([422, 'locks.keep[0]']);
    const label = await call('POST', '/api/tokens', { role: 'organisation', label: 'l'.repeat(LIMITS.label + 1) }, admin);
    expect([label.status, label.json.field]).toEqual([422, 'label']);
    const opinion = await call('POST', '/api/plans/x/actions', { action: 'opinion', agree: true, opinion: 'o'.repeat(LIMITS.opinion + 1), version: 1 });
    expect([opinion.status, opinion.json.field]).toEqual([422, 'opinion']);
    const crs = await call('POST', `/api/datasets?crs=${'E'.repeat(LIMITS.crs + 1)}`, { type: 'FeatureCollection', features: [] }, planner2);
    expect([crs.status, crs.json.field]).toEqual([422, 'querystring.crs']);
  });

  it('makes a street-office token only for a known street office (naming the nearest) unless forced', async () => {
    const typo = await call('POST', '/api/tokens', { role: 'street-office', streetOffice: '黄呗' }, admin);
    expect([typo.status, typo.json.code, typo.json.field, typo.json.details?.nearest]).toEqual([422, 'street-office-unknown', 'streetOffice', '黄贝']);
    expect(typo.json.message).toContain('黄贝');
    const forced = await call('POST', '/api/tokens', { role: 'street-office', streetOffice: '黄呗', force: true }, admin);
    expect(forced.status).toBe(201);
    const known = await call('POST', '/api/tokens', { role: 'street-office', streetOffice: '东门', label: '东门街道' }, admin);
    expect([known.status, known.json.expiresAt]).toEqual([201, null]);
  });

  it('lists tokens for an admin without the token, revokes one (401 token-revoked), and expires one (401 token-expired)', async () => {
    const made = await call('POST', '/api/tokens', { role: 'organisation', label: 'to revoke', expiresInDays: 30 }, admin);
    expect(made.status).toBe(201);
    const days = (Date.parse(made.json.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    expect((await call('GET', '/api/me', undefined, made.json.token)).status).toBe(200);

    const list = await call('GET', '/api/tokens', undefined, admin);
    expect(list.status).toBe(200);
    const mine = list.json.tokens.find((t: { id: string }) => t.id === made.json.id);
    expect(mine).toMatchObject({ role: 'organisation', label: 'to revoke', expiresAt: made.json.expiresAt, revokedAt: null });
    expect(Object.keys(mine).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'label', 'revokedAt', 'role', 'streetOffice']);
    expect(JSON.stringify(list.json)).not.toContain(made.json.token);
    expect((await call('GET', '/api/tokens')).status).toBe(403);
    expect((await call('DELETE', `/api/tokens/${made.json.id}`)).status).toBe(403);

    const revoked = await call('DELETE', `/api/tokens/${made.json.id}`, undefined, admin);
    expect(revoked.status).toBe(200);
    expect(typeof revoked.json.revokedAt).toBe('string');
    const refused = await call('GET', '/api/me', undefined, made.json.token);
    expect([refused.status, refused.json.code]).toEqual([401, 'token-revoked']);
    expect((await call('DELETE', `/api/tokens/${made.json.id}`, undefined, admin)).status).toBe(409);
    expect((await call('DELETE', '/api/tokens/no-such-token', undefined, admin)).json.code).toBe('token-not-found');

    const soon = await call('POST', '/api/tokens', { role: 'organisation', expiresInDays: 1 }, admin);
    expect((await call('GET', '/api/plans?limit=1', undefined, soon.json.token)).status).toBe(200);
    await store.query("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [soon.json.id]);
    const expired = await call('GET', '/api/plans?limit=1', undefined, soon.json.token);
    expect([expired.status, expired.json.code]).toEqual([401, 'token-expired']);
    expect((await call('POST', '/api/tokens', { role: 'organisation', expiresInDays: 0 }, admin)).json.field).toBe('expiresInDays');
  });

  it('rate-limits solves and uploads per token with 429 rate-limited and Retry-After', async () => {
    const empty = { type: 'FeatureCollection', features: [] };
    const uploads: number[] = [];
    for (let i = 0; i < 4; i++) uploads.push((await call('POST', '/api/datasets?name=rl', empty, admin)).status);
    expect(uploads.slice(0, 3).every((s) => s !== 429)).toBe(true);
    const limited = await call('POST', '/api/datasets?name=rl', empty, admin);
    expect([limited.status, limited.json.code]).toEqual([429, 'rate-limited']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    const solves: number[] = [];
    for (let i = 0; i < 3; i++) solves.push((await call('POST', '/api/scenarios/no-such-scenario/plans', undefined, planner)).status);
    expect(solves).toEqual([404, 404, 429]);
    // another token is not held back by this one
    expect((await call('POST', '/api/scenarios/no-such-scenario/plans', undefined, planner2)).status).toBe(404);
  });
}

describe('paging, limits, tokens and rate limits on embedded PGlite + PostGIS', () => {
  limitsSuite(async () => {
    const { store, remove } = await openTestPglite();
    return { store, cleanup: remove };
  });
});

describe.skipIf(!process.env.DATABASE_URL)('paging, limits, tokens and rate limits on PostgreSQL server (needs DATABASE_URL; CI sets it)', () => {
  limitsSuite(async () => {
    const { store, drop } = await openTestPg(process.env.DATABASE_URL!);
    return { store, cleanup: drop };
  });
});

const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

function yizhan(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.DATABASE_URL; // the embedded folder of the test
    execFile(process.execPath, [bin, ...args], { env, timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('yizhan token create / list / revoke (CLI from dist/)', () => {
  let work: string;
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it)');
    work = mkdtempSync(join(tmpdir(), 'yizhan-token-cli-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses a street office no dataset has (naming the nearest) unless --force, lists without tokens, revokes by id', async () => {
    const data = join(work, 'data');
    const typo = await yizhan('token', 'create', '--role', 'street-office', '--street-office', '黄呗', '--data', data);
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain('黄贝');
    expect(typo.stdout).toBe('');
    const made = await yizhan('token', 'create', '--role', 'street-office', '--street-office', '黄呗', '--force', '--label', 'typo', '--expires-in-days', '7', '--data', data);
    expect(made.status).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await yizhan('token', 'list', '--data', data);
    expect(list.status).toBe(0);
    expect(list.stdout).not.toContain(token);
    const row = list.stdout.split('\n').find((l) => l.includes('\ttypo\t'))!.split('\t');
    expect(row.slice(1, 4)).toEqual(['street-office', '黄呗', 'typo']);
    expect(row[6]).toBe('-');
    const days = (Date.parse(row[5]!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    const revoked = await yizhan('token', 'revoke', row[0]!, '--data', data);
    expect([revoked.status, revoked.stdout.trim()]).toEqual([0, `revoked ${row[0]}`]);
    const after = (await yizhan('token', 'list', '--data', data)).stdout.split('\n').find((l) => l.startsWith(row[0]!))!.split('\t');
    expect(after[6]).not.toBe('-');
    const again = await yizhan('token', 'revoke', row[0]!, '--data', data);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('revoked already');
    expect((await yizhan('token', 'revoke', '--data', data)).status).toBe(2);
  }, 600_000);
});

/** A database made before migration 002 (tokens without expiry) is upgraded in place; its tokens keep working. */
async function checkUpgrade(db: import('../server/store/db.js').Db): Promise<void> {
  const { MIGRATIONS, migrate } = await import('../server/store/migrations.js');
  const { makeStore } = await import('../server/store/sql.js');
  const { hashToken, authenticate } = await import('../server/auth.js');
  expect(await migrate(db, MIGRATIONS.filter((m) => m.version === 1))).toEqual([1]);
  const token = 't'.repeat(43);
  await db.query("INSERT INTO tokens (id, hash, role) VALUES ('old', $1, 'organisation')", [hashToken(token)]);
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 1).map((m) => m.version));
  const store = makeStore(db);
  expect((await store.listTokens()).find((t) => t.id === 'old')).toMatchObject({ expiresAt: null, revokedAt: null });
  expect(await authenticate(store, `Bearer ${token}`)).toMatchObject({ tokenId: 'old', role: 'organisation' });
}

describe('migration 002 over an existing database', () => {
  it('upgrades an embedded database made with migration 001 only', async () => {
    const { openPglite } = await import('../server/store/pglite.js');
    const db = await openPglite();
    try { await checkUpgrade(db); } finally { await db.close(); }
  }, 180_000);

  it.skipIf(!process.env.DATABASE_URL)('upgrades a PostgreSQL schema made with migration 001 only (needs DATABASE_URL)', async () => {
    const { openPg } = await import('../server/store/pg.js');
    const schema = `yizhan_upgrade_${Date.now().toString(36)}`;
    const db = await openPg(process.env.DATABASE_URL!, { schema });
    try { await checkUpgrade(db); } finally {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await db.close();
    }
  }, 180_000);
});
