/**
 * Issue 12, finding 2, on both engines: a full disk. Embedded: the data folder lives on a small
 * tmpfs this test mounts (root only; skipped by name where mounting is not permitted). PostgreSQL:
 * the committees table and its indexes move to a tablespace on such a tmpfs (the database server
 * on this machine; skipped by name otherwise). Uploads fill it
 * until one answers 507 `storage-full` (before: 500 `internal`, and every later request 500 until a
 * restart); reads, auth and /health go on answering meanwhile; once space is freed (a ballast file
 * on the same filesystem is deleted) the next upload is stored, without a restart.
 *
 * And the embedded engine's worse case: a very compressible upload, whose table grows slowly, so
 * that the write-ahead log is what meets the full disk. PGlite then hangs (it spins in XLogFlush);
 * the server ends its thread, answers 507 meanwhile and reopens the database once space is freed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { issueToken } from '../server/auth.js';
import { openStore } from '../server/store/open.js';
import type { Store } from '../server/store/types.js';
import type { FastifyInstance } from 'fastify';
import { pgliteTemplate, rect } from './helpers/store.js';

/** Whether this process may mount a tmpfs (root in a container that allows it). */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'yizhan-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const MOUNTABLE = canMount();
/** The tmpfs: the template data folder (~63 MiB) plus room for a few uploads and the ballast. */
const SIZE_MB = 100;
const BALLAST_MB = 12;

/**
 * `n` committees with a long remark each, of pseudo-random letters (2.4 KiB a committee on disk),
 * or of one letter repeated when `compressible`: PostgreSQL compresses that to nearly nothing, and
 * then the write-ahead log, not the table, is what meets the full disk.
 */
function upload(n: number, tag: string, compressible = false): string {
  let seed = 12345;
  const letters = (k: number) => compressible ? 'a'.repeat(k) : Array.from({ length: k }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return String.fromCharCode(97 + (seed % 26));
  }).join('');
  return JSON.stringify({
    type: 'FeatureCollection', name: tag,
    features: Array.from({ length: n }, (_, i) => ({
      type: 'Feature',
      properties: { id: `${tag}-${i}`, name: `委员会${i}`, streetOffice: '黄贝', households: 1000 + i, remark: `${tag}${letters(2400)}${i}` },
      geometry: { type: 'Polygon', coordinates: rect(114 + (i % 100) * 0.001, 22.5 + Math.floor(i / 100) * 0.001, 114.001 + (i % 100) * 0.001, 22.501 + Math.floor(i / 100) * 0.001) },
    })),
  });
}

/** Whether the DATABASE_URL server runs on this machine (a tablespace on our tmpfs is then its disk). */
async function isLocalPostgres(): Promise<boolean> {
  if (!process.env.DATABASE_URL) return false;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  try {
    await client.connect();
    const dir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    return existsSync(join(dir, 'PG_VERSION'));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
const LOCAL_PG = MOUNTABLE && await isLocalPostgres();

function fullDiskSuite(engine: 'pglite' | 'pg'): void {
  const mnt = mkdtempSync(join(tmpdir(), 'yizhan-full-'));
  const ballast = join(mnt, 'ballast');
  const schema = `yizhan_full_${Date.now().toString(36)}`;
  let store: Store;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    if (engine === 'pglite') {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m`, 'tmpfs', mnt]);
      mkdirSync(join(mnt, 'data'));
      cpSync(await pgliteTemplate(), join(mnt, 'data'), { recursive: true });
      store = await openStore({ dataDir: join(mnt, 'data'), thread: true });
    } else {
      // the committees (the table an upload fills) and their indexes on a tablespace on the tmpfs
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${BALLAST_MB + 30}m`, 'tmpfs', mnt]);
      mkdirSync(join(mnt, 'ts'));
      execFileSync('chown', ['postgres:postgres', join(mnt, 'ts')]);
      store = await openStore({ databaseUrl: process.env.DATABASE_URL!, schema });
      await store.query(`CREATE TABLESPACE ${schema} LOCATION '${join(mnt, 'ts')}'`);
      await store.query(`ALTER TABLE ${schema}.committees SET TABLESPACE ${schema}`);
      for (const index of ['committees_pkey', 'committees_dataset_id_ord_key', 'committees_geom_gix', 'committees_street_office_idx']) {
        await store.query(`ALTER INDEX ${schema}.${index} SET TABLESPACE ${schema}`);
      }
    }
    writeFileSync(ballast, Buffer.alloc(BALLAST_MB * 2 ** 20, 1));
    token = (await issueToken(store, { role: 'district-planner' })).token;
    app = await buildApp({ store, solveWorkers: 0, taskWorkers: 0, rateLimits: { uploads: { max: 1000 } } });
  }, 300_000);

  afterAll(async () => {
    if (engine === 'pg' && store) {
      await store.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await store.query(`DROP TABLESPACE IF EXISTS ${schema}`).catch(() => {});
    }
    await app?.close().catch(() => {});
    try { execFileSync('umount', ['-l', mnt]); } catch { /* not mounted */ }
    rmSync(mnt, { recursive: true, force: true });
  }, 120_000);

  const call = (method: 'GET' | 'POST', url: string, payload?: string) => callAs(app, token, method, url, payload);

  it('answers 507 storage-full when an upload meets the full disk, keeps reading, and stores again once space is freed, without a restart', async () => {
    const first = await call('POST', '/api/datasets?name=first', upload(200, 'first'));
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const statuses: number[] = [];
    let full: { status: number; json: any } | undefined;
    for (let k = 0; k < 60 && !full; k++) {
      const r = await call('POST', `/api/datasets?name=fill${k}`, upload(2000, `fill${k}`));
      statuses.push(r.status);
      if (r.status !== 201) full = r;
    }
    expect(full, `every upload was stored: ${statuses.join(',')}`).toBeDefined();
    expect(statuses.slice(0, -1).every((s) => s === 201), statuses.join(',')).toBe(true);
    expect([full!.status, full!.json.code], JSON.stringify(full!.json)).toEqual([507, 'storage-full']);
    expect(full!.json.message).toMatch(/disk is full/);
    // reads, auth and /health still work on the full disk; the failed upload left no dataset
    const list = await call('GET', '/api/datasets?limit=500');
    expect(list.status, JSON.stringify(list.json)).toBe(200);
    expect(list.json.total).toBe(statuses.length);
    expect((await call('GET', `/api/datasets/${first.json.id}`)).json).toMatchObject({ id: first.json.id, committeeCount: 200 });
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode, health.body).toBe(200);
    // space freed: the server goes on by itself
    rmSync(ballast);
    const again = await call('POST', '/api/datasets?name=again', upload(200, 'again'));
    expect(again.status, JSON.stringify(again.json)).toBe(201);
    expect((await call('GET', `/api/datasets/${again.json.id}`)).json).toMatchObject({ committeeCount: 200 });
  }, 900_000);
}


/** A request with the token (and a GeoJSON body, if any): its status and its JSON, if it has one. */
async function callAs(app: FastifyInstance, token: string, method: 'GET' | 'POST', url: string, payload?: string): Promise<{ status: number; json: any }> {
  const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/geo+json' } : {}) }, ...(payload ? { payload } : {}) });
  let json: any;
  try { json = r.json(); } catch { json = undefined; }
  return { status: r.statusCode, json };
}
describe.skipIf(!MOUNTABLE)('a full disk on the embedded engine (mounts a tmpfs: root, Linux; skipped where mounting is not permitted)', () => {
  fullDiskSuite('pglite');
});

describe.skipIf(!LOCAL_PG)('a full disk on PostgreSQL, its committees on a tablespace on a tmpfs the test mounts (root, the server on this machine; skipped otherwise) (needs DATABASE_URL; CI sets it)', () => {
  fullDiskSuite('pg');
});

describe.skipIf(!MOUNTABLE)('a full disk as the embedded engine\'s write-ahead log needs a new segment: PGlite hangs, the server answers 507 and reopens it once space is freed (mounts a tmpfs: root, Linux; skipped where mounting is not permitted)', () => {
  const mnt = mkdtempSync(join(tmpdir(), 'yizhan-wal-'));
  const dataDir = join(mnt, 'data');
  const ballast = join(mnt, 'ballast');
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m`, 'tmpfs', mnt]);
    mkdirSync(dataDir);
    cpSync(await pgliteTemplate(), dataDir, { recursive: true });
    // the server's default: a call silent for 10 s while less than a WAL segment is free is a hang
    const store = await openStore({ dataDir, thread: true });
    // the same ballast as above: with it, the disk fills as the log needs its fourth segment (at
    // about 5 MiB free); with more, a table page meets it first. Freed, there is a segment's room.
    writeFileSync(ballast, Buffer.alloc(BALLAST_MB * 2 ** 20, 1));
    token = (await issueToken(store, { role: 'district-planner' })).token;
    app = await buildApp({ store, solveWorkers: 0, taskWorkers: 0, rateLimits: { uploads: { max: 1000 } } });
  }, 300_000);

  afterAll(async () => {
    await app?.close().catch(() => {});
    try { execFileSync('umount', ['-l', mnt]); } catch { /* not mounted */ }
    rmSync(mnt, { recursive: true, force: true });
  }, 120_000);

  const call = (method: 'GET' | 'POST', url: string, payload?: string) => callAs(app, token, method, url, payload);

  it('answers 507 storage-full (reads and /health too) while the database is down, reopens it once space is freed, and keeps every acknowledged upload', async () => {
    const stored = new Map<string, string>(); // dataset id → name, of every upload answered 201
    let full: { status: number; json: any } | undefined;
    let lastName = '';
    for (let k = 0; k < 60 && !full; k++) {
      lastName = `fill${k}`;
      const r = await call('POST', `/api/datasets?name=${lastName}`, upload(2000, lastName, true));
      if (r.status === 201) stored.set(r.json.id, lastName);
      else full = r;
    }
    expect(full, `every upload was stored (${stored.size})`).toBeDefined();
    expect([full!.status, full!.json.code], JSON.stringify(full!.json)).toEqual([507, 'storage-full']);
    // the database itself is down (a table page that cannot be written leaves reads working: not this case)
    for (const url of ['/health', '/api/datasets']) {
      const r = await call('GET', url);
      expect([r.status, r.json?.code], `${url}: ${JSON.stringify(r.json)}`).toEqual([507, 'storage-full']);
    }
    // the folder stays locked by this process meanwhile (no second instance slips in)
    expect(readFileSync(join(dataDir, 'yizhan.lock'), 'utf8').trim()).toBe(String(process.pid));
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'data-folder-in-use' });

    rmSync(ballast);
    // no restart: the server reopens the database by itself (crash recovery replays the log)
    let health = await call('GET', '/health');
    for (let waited = 0; health.status !== 200 && waited < 180_000; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      health = await call('GET', '/health');
    }
    expect(health.status, JSON.stringify(health.json)).toBe(200);
    // every acknowledged upload is there, whole; the one cut short is there whole or not at all
    const list = await call('GET', '/api/datasets?limit=500');
    expect(list.status, JSON.stringify(list.json)).toBe(200);
    const listed = new Map<string, string>(list.json.datasets.map((d: { id: string; name: string }) => [d.id, d.name]));
    for (const [id, name] of stored) expect(listed.get(id), name).toBe(name);
    expect([...listed.values()].every((name) => [...stored.values(), lastName].includes(name))).toBe(true);
    for (const [id, name] of stored) {
      expect((await call('GET', `/api/datasets/${id}`)).json, name).toMatchObject({ id, committeeCount: 2000 });
    }
    const again = await call('POST', '/api/datasets?name=again', upload(200, 'again', true));
    expect(again.status, JSON.stringify(again.json)).toBe(201);
    expect((await call('GET', `/api/datasets/${again.json.id}`)).json).toMatchObject({ committeeCount: 200 });
  }, 900_000);
});
