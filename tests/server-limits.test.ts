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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestName } from '../server/auth.js';
import { makeRateLimitHook } from '../server/rate-limit.js';
import { LIMITS } from '../scenarios/limits.js';
import type { Store } from '../server/store/types.js';
import { describeEngines, startTestApi, type TestApi, type TestEngine, type TestReply } from './helpers/api.js';
import { ACTORS, rect, sampleCommittees } from './helpers/store.js';

type Reply = TestReply;

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

function limitsSuite(engine: TestEngine): void {
  let api: TestApi;
  let store: Store;
  let planner: string;
  let planner2: string;
  let admin: string;
  let datasetId: string;

  async function call(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
    return api.call(method, path, { token: token ?? planner, ...(typeof body === 'string' ? { raw: body, contentType: 'application/json' } : body !== undefined ? { body } : {}) });
  }

  beforeAll(async () => {
    api = await startTestApi({
      engine, app: { solveWorkers: 0, rateLimits: { uploads: { max: 3 }, solves: { max: 2 } } },
      tokens: { planner: 'district-planner', planner2: 'district-planner', admin: 'admin' },
    });
    ({ store } = api);
    ({ planner, planner2, admin } = api.tokens as { planner: string; planner2: string; admin: string });
    datasetId = (await store.createDataset({ name: 'paging', committees: sampleCommittees() })).id;
    for (let i = 0; i < 55; i++) {
      const scope = i % 5 === 0 ? ['东门'] : ['黄贝'];
      await store.createPlan({ datasetId, kind: 'hand', name: `p${i}`, scope, summary: {} as never, groups: [] }, ACTORS.planner);
    }
    for (let i = 0; i < 3; i++) await store.createScenario({ datasetId, name: `s${i}`, body: { name: `s${i}` } });
  }, 180_000);

  afterAll(async () => {
    await api?.close();
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

  it('pages a plan\'s history: 50 steps by default, keyset pages on the step number, each step once, in order', async () => {
    let plan = await store.createPlan({ datasetId, kind: 'hand', name: 'many steps', scope: ['黄贝'], summary: {} as never, groups: [] }, ACTORS.planner);
    for (let i = 0; i < 59; i++) plan = await store.updatePlan(plan.id, { version: plan.version, name: `step ${i}`, actor: ACTORS.planner });
    const first = await call('GET', `/api/plans/${plan.id}/history`);
    expect(first.status).toBe(200);
    expect([first.json.entries.length, first.json.total]).toEqual([50, 60]);
    expect(first.json.opinions).toEqual([]);
    const seqs: number[] = first.json.entries.map((e: { seq: number }) => e.seq);
    let cursor: string | null = first.json.nextCursor;
    while (cursor !== null) {
      const page = await call('GET', `/api/plans/${plan.id}/history?limit=4&cursor=${cursor}`);
      expect(page.status).toBe(200);
      expect(page.json.entries.length).toBeLessThanOrEqual(4);
      seqs.push(...page.json.entries.map((e: { seq: number }) => e.seq));
      cursor = page.json.nextCursor;
    }
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await store.getPlanHistory(plan.id)).map((e) => e.seq)).toEqual(seqs);
    const big = await call('GET', `/api/plans/${plan.id}/history?limit=${LIMITS.pageMax + 1}`);
    expect([big.status, big.json.field]).toEqual([422, 'limit']);
    const forged = await call('GET', `/api/plans/${plan.id}/history?cursor=${Buffer.from('["seq",-1]').toString('base64url')}`);
    expect([forged.status, forged.json.code, forged.json.field]).toEqual([422, 'invalid-cursor', 'cursor']);
    const planListCursor = (await call('GET', '/api/plans?limit=1')).json.nextCursor as string; // another list's cursor
    expect((await call('GET', `/api/plans/${plan.id}/history?cursor=${planListCursor}`)).json.code).toBe('invalid-cursor');
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

describeEngines('paging, limits, tokens and rate limits', limitsSuite);

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
  await db.query("INSERT INTO datasets (id, name) VALUES ('old-dataset', 'before 003')");
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 1).map((m) => m.version));
  const store = makeStore(db);
  // migration 003: a dataset stored before uploads went in steps is complete, so still listed
  expect((await store.getDataset('old-dataset'))?.name).toBe('before 003');
  expect((await store.listDatasets()).map((d) => d.id)).toEqual(['old-dataset']);
  expect((await store.listTokens()).find((t) => t.id === 'old')).toMatchObject({ expiresAt: null, revokedAt: null });
  expect(await authenticate(store, `Bearer ${token}`)).toMatchObject({ tokenId: 'old', role: 'organisation' });
}

describe('migrations 002 and 003 over an existing database', () => {
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
