/**
 * Issue 12, finding 2: storage errors are classified and survived. A full disk answers 507
 * `storage-full`, a database that cannot be reached answers 503 `storage-unavailable` (never 500
 * `internal`), /health runs a real query and answers 503 while the store is broken, and the server
 * recovers by itself once the cause is gone. PostgreSQL: the connection is cut (a TCP proxy in
 * front of the server is stopped, then started again on the same port; and every backend is
 * terminated with pg_terminate_backend).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.js';
import { issueToken } from '../server/auth.js';
import { classifyStorageError } from '../server/store/storage-errors.js';
import { openStore } from '../server/store/open.js';
import { StoreError, type Store } from '../server/store/types.js';
import { rect } from './helpers/store.js';

describe('classifyStorageError', () => {
  const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it('tells a full disk (507), an unreachable or read-only database (503) and anything else (not a storage error) apart', () => {
    expect(classifyStorageError(err('53100', 'could not extend file "base/5/16384": No space left on device'))).toMatchObject({ code: 'storage-full', status: 507 });
    expect(classifyStorageError(new Error('could not write to file "pg_wal/xlogtemp.1": No space left on device'))).toMatchObject({ code: 'storage-full', status: 507 });
    expect(classifyStorageError(err('ENOSPC'))).toMatchObject({ code: 'storage-full' });
    for (const code of ['57P01', '08006', '25006', 'ECONNREFUSED', 'ECONNRESET', 'EROFS']) {
      expect(classifyStorageError(err(code)), code).toMatchObject({ code: 'storage-unavailable', status: 503 });
    }
    expect(classifyStorageError(new Error('Connection terminated unexpectedly'))).toMatchObject({ code: 'storage-unavailable' });
    expect(classifyStorageError(err('42601', 'syntax error'))).toBeUndefined();
    expect(classifyStorageError(err('23505', 'duplicate key'))).toBeUndefined();
    expect(classifyStorageError(new StoreError('plan-not-found', 404, 'no plan'))).toBeUndefined();
    expect(classifyStorageError(new TypeError('x is undefined'))).toBeUndefined();
  });
});

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, the port closed) and restored on the same port. */
async function startProxy(target: { host: string; port: number }): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { port = (server!.address() as { port: number }).port; resolve(); });
  });
  const cut = async () => {
    await new Promise<void>((resolve) => { server!.close(() => resolve()); for (const s of sockets) s.destroy(); });
  };
  await listen();
  return { get port() { return port; }, cut, restore: listen, close: cut };
}

describe.skipIf(!process.env.DATABASE_URL)('storage errors on PostgreSQL server (needs DATABASE_URL; CI sets it)', () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://x@127.0.0.1:5432/x');
  const schema = `yizhan_storage_${Date.now().toString(36)}`;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let store: Store;
  let app: FastifyInstance;
  let token: string;
  let datasetId: string;

  beforeAll(async () => {
    proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const through = new URL(url.toString());
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    store = await openStore({ databaseUrl: through.toString(), schema });
    app = await buildApp({ store, solveWorkers: 0, taskWorkers: 0 });
    token = (await issueToken(store, { role: 'district-planner', label: 'storage' })).token;
    datasetId = (await store.createDataset({ name: 'd', committees: [{ id: 'a', name: 'A', streetOffice: 'S', households: 10, geometry: [rect(114, 22, 114.01, 22.01)] }], meta: {} })).id;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    await proxy?.close().catch(() => {});
  }, 60_000);

  const get = (path: string) => app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });

  it('answers 503 storage-unavailable (reads, writes, auth and /health) while the database cannot be reached, and recovers when it is back', async () => {
    expect((await get('/health')).json()).toMatchObject({ status: 'ok', store: 'ok' });
    await proxy.cut();
    for (const path of ['/health', `/api/datasets/${datasetId}`, '/api/datasets']) {
      const r = await get(path);
      expect(r.statusCode, path).toBe(503);
      expect(r.json(), path).toMatchObject({ code: 'storage-unavailable' });
      expect(r.json().message).toMatch(/database is unavailable|has not answered/);
    }
    const write = await app.inject({ method: 'POST', url: '/api/scenarios', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { datasetId, name: 's' } });
    expect(write.statusCode).toBe(503);
    await proxy.restore();
    // nothing to restart: the next requests work again
    expect((await get('/health')).statusCode).toBe(200);
    expect((await get(`/api/datasets/${datasetId}`)).json()).toMatchObject({ id: datasetId, committeeCount: 1 });
    const again = await app.inject({ method: 'POST', url: '/api/scenarios', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { datasetId, name: 's' } });
    expect(again.statusCode).toBe(201);
  }, 120_000);

  it('survives pg_terminate_backend of every connection: no 500, the pool reconnects', async () => {
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ''`);
    await admin.end();
    const statuses: number[] = [];
    for (let k = 0; k < 4; k++) statuses.push((await get(`/api/datasets/${datasetId}`)).statusCode);
    expect(statuses.every((s) => s === 200 || s === 503), statuses.join(',')).toBe(true);
    expect(statuses.at(-1)).toBe(200);
    expect((await get('/health')).statusCode).toBe(200);
  }, 60_000);
});
