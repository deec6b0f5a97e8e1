/**
 * Issue 12, finding 2, on both engines: a full disk. Embedded: the data folder lives on a small
 * tmpfs this test mounts (root only; skipped by name where mounting is not permitted). PostgreSQL:
 * the committees table and its indexes move to a tablespace on such a tmpfs (the database server
 * on this machine; skipped by name otherwise). Uploads fill it
 * until one answers 507 `storage-full` (before: 500 `internal`, and every later request 500 until a
 * restart); reads, auth and /health go on answering meanwhile; once space is freed (a ballast file
 * on the same filesystem is deleted) the next upload is stored, without a restart.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
 * `n` committees with a long remark each, of pseudo-random letters (2.4 KiB a committee on disk:
 * PostgreSQL compresses a repetitive one to nearly nothing, and then the write-ahead log, not the
 * table, is what meets the full disk; see the note at the end of this file).
 */
function upload(n: number, tag: string): string {
  let seed = 12345;
  const letters = (k: number) => Array.from({ length: k }, () => {
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

  const call = async (method: 'GET' | 'POST', url: string, payload?: string) => {
    const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/geo+json' } : {}) }, ...(payload ? { payload } : {}) });
    let json: any;
    try { json = r.json(); } catch { json = undefined; }
    return { status: r.statusCode, json };
  };

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

describe.skipIf(!MOUNTABLE)('a full disk on the embedded engine (mounts a tmpfs: root, Linux; skipped where mounting is not permitted)', () => {
  fullDiskSuite('pglite');
});

describe.skipIf(!LOCAL_PG)('a full disk on PostgreSQL, its committees on a tablespace on a tmpfs the test mounts (root, the server on this machine; skipped otherwise) (needs DATABASE_URL; CI sets it)', () => {
  fullDiskSuite('pg');
});

// Left (issue 12): when the disk fills while PostgreSQL needs a new write-ahead-log segment (16 MiB)
// rather than a table page, the embedded database does not answer again (the request hangs; seen
// with a compressible upload on a 100 MiB tmpfs). A table page that cannot be written is the case
// tested above: an error PGlite reports and survives.
