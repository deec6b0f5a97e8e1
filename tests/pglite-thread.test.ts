/**
 * Issue 12: the embedded database thread (server/store/pglite-thread.ts) is reopened when it hangs.
 * A statement that never ends (a PL/pgSQL loop: the same busy loop in WebAssembly as PGlite's
 * spin in XLogFlush on a full disk, tested on a tmpfs in tests/storage-full.test.ts) holds the
 * thread past `hangMs`: it fails as 503 `storage-unavailable`, the thread is ended, PGlite is
 * reopened on the same folder by itself, what was stored before is there, and the folder's lock
 * stays this process's throughout and is released at close.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../server/store/open.js';
import { classifyStorageError } from '../server/store/storage-errors.js';
import type { Store } from '../server/store/types.js';
import { pgliteTemplate, sampleCommittees } from './helpers/store.js';

describe('the embedded database thread, hung, is ended and reopened on the same folder', () => {
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'yizhan-hang-'));
    await cp(await pgliteTemplate(), dataDir, { recursive: true });
    store = await openStore({ dataDir, thread: true, hangMs: 10_000 });
  }, 120_000);
  afterAll(async () => {
    await store?.close().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('fails the hung statement as 503, reopens by itself, keeps what was stored, and holds the lock throughout', async () => {
    const before = await store.createDataset({ name: 'before', committees: sampleCommittees() });
    const hung = await store.query('DO $$ BEGIN LOOP END LOOP; END $$').then(() => undefined, (e: unknown) => e);
    expect(classifyStorageError(hung), String(hung)).toMatchObject({ code: 'storage-unavailable', status: 503 });
    expect(String((hung as Error).message)).toMatch(/did not answer for \d+ s \(hung\)/);
    // the folder stays locked by this process while it is down and reopened
    expect(readFileSync(join(dataDir, 'yizhan.lock'), 'utf8').trim()).toBe(String(process.pid));
    await expect(openStore({ dataDir })).rejects.toMatchObject({ code: 'data-folder-in-use' });
    // reopened by itself: a request either waits for the reopening or answers 503 until it is done
    let answer: unknown;
    for (let waited = 0; waited < 120_000; waited += 250) {
      answer = await store.query<{ n: number }>('SELECT 1 AS n').catch((e: unknown) => e);
      if (Array.isArray(answer)) break;
      expect(classifyStorageError(answer), String(answer)).toMatchObject({ code: 'storage-unavailable' });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(answer).toEqual([{ n: 1 }]);
    expect(await store.getDataset(before.id)).toMatchObject({ id: before.id, committeeCount: sampleCommittees().length });
    const after = await store.createDataset({ name: 'after', committees: sampleCommittees() });
    expect((await store.listDatasets()).map((d) => d.name).sort()).toEqual(expect.arrayContaining(['after', 'before']));
    expect(after.committeeCount).toBe(sampleCommittees().length);
    await store.close();
    expect(existsSync(join(dataDir, 'yizhan.lock'))).toBe(false);
  }, 300_000);
});
