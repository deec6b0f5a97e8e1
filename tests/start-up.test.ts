/**
 * Start-up of the embedded store (issue 7: first start ≤ 5 s, later ≤ 2 s; timed by
 * tools/start-time.ts, not here). What is checked is that what start-up now defers still works:
 * PostGIS is loaded after the database opens, so a geometry query that comes before the load
 * loads it and runs; a route's schemas are compiled on its first request, so validation and
 * serialization still answer as before. And `yizhan serve` works on a new folder and on it again.
 * The CLI runs from dist/ (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/cli.js';
import { buildApp } from '../server/app.js';
import { issueToken } from '../server/auth.js';
import { seedBuiltinDataset } from '../server/first-open.js';
import { storeOnceOpen } from '../server/main.js';
import { openStore } from '../server/store/open.js';
import { isPostgisMissing, tarFiles } from '../server/store/postgis-bundle.js';
import type { Store } from '../server/store/types.js';
import { currentTemplate } from '../server/template.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');

describe('the PostGIS bundle as files', () => {
  it('lists the files of a ustar archive with their data, long names included, directories left out', () => {
    const block = (name: string, size: number, type: string): Buffer => {
      const h = Buffer.alloc(512);
      h.write(name, 0);
      h.write(size.toString(8).padStart(11, '0'), 124);
      h.write(type, 156);
      return h;
    };
    const pad = (text: string): Buffer => Buffer.concat([Buffer.from(text)], Math.ceil(text.length / 512) * 512);
    const long = `share/proj/${'x'.repeat(120)}.tif`;
    const tar = Buffer.concat([
      block('lib/', 0, '5'),
      block('lib/a.so', 3, '0'), pad('AAA'),
      block('././@LongLink', long.length, 'L'), pad(long),
      block('ignored-short-name', 700, '0'), pad('y'.repeat(700)),
      Buffer.alloc(1024),
    ]);
    const files = tarFiles(tar);
    expect(files.map((f) => [f.name, Buffer.from(f.data).toString()])).toEqual([['lib/a.so', 'AAA'], [long, 'y'.repeat(700)]]);
  });

  it('knows PostgreSQL\'s error for a library not loaded yet from other errors', () => {
    expect(isPostgisMissing({ code: '58P01', message: 'could not access file "postgis-3": No such file or directory' })).toBe(true);
    expect(isPostgisMissing({ code: '58P01', message: 'could not access file "other": No such file or directory' })).toBe(false);
    expect(isPostgisMissing({ code: '42P01', message: 'relation "postgis" does not exist' })).toBe(false);
    expect(isPostgisMissing(null)).toBe(false);
  });
});

// An existing folder opens without PostGIS; the first geometry query loads it. The folder is a
// copy of the prepared template, or (without one) a folder made and closed here first.
describe('PostGIS loaded after the embedded database opens', () => {
  let work: string;
  let folder: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'yizhan-start-up-'));
    folder = join(work, 'data');
    const template = currentTemplate();
    if (template !== undefined) {
      cpSync(template, folder, { recursive: true });
    } else {
      const store = await openStore({ dataDir: folder });
      await seedBuiltinDataset(store);
      await store.close();
    }
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
    const store = await openStore({ dataDir: folder });
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  it('answers a geometry query asked before the load, and reads that need no geometry', () => withStore(async (store) => {
    const [tokens] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM tokens');
    expect(tokens!.n).toBeGreaterThanOrEqual(0);
    const [row] = await store.query<{ wkt: string; area: number }>(
      `SELECT ST_AsText(ST_Centroid(g)) AS wkt, ST_Area(g) AS area FROM (SELECT ST_GeomFromText('POLYGON((0 0,2 0,2 2,0 2,0 0))') AS g) s`);
    expect(row).toEqual({ wkt: 'POINT(1 1)', area: 4 });
    const [dataset] = await store.listDatasets();
    const committees = await store.getCommittees(dataset!.id);
    expect(committees).toHaveLength(115);
    expect(committees![0]!.geometry.length).toBeGreaterThan(0);
  }), 300_000);

  it('runs a transaction that needs PostGIS before the load again, whole, once it is loaded', () => withStore(async (store) => {
    const before = (await store.listDatasets()).length;
    const ds = await store.transaction((tx) => tx.createDataset({
      name: 'square',
      committees: [{ id: 'c1', name: '一', streetOffice: '甲', households: 100, geometry: [[[[114, 22.5], [114.01, 22.5], [114.01, 22.51], [114, 22.51], [114, 22.5]]]] }],
      meta: {},
    }));
    expect((await store.listDatasets()).length).toBe(before + 1); // once, not twice
    const [back] = (await store.getCommittees(ds.id))!;
    expect(back!.geometry[0]![0]![1]).toEqual([114.01, 22.5]);
  }), 300_000);

  it('loads it on request (what the server does once it listens), once', () => withStore(async (store) => {
    await Promise.all([store.loadDeferred(), store.loadDeferred()]);
    const [row] = await store.query<{ v: string }>('SELECT postgis_lib_version() AS v');
    expect(row!.v).toMatch(/^3\./);
  }), 300_000);
});

// What `serve` uses: the database in its own thread. A transaction no longer waits for PostGIS
// at BEGIN; one whose statement met PostGIS not yet loaded is run again whole from this side.
describe('PostGIS loaded after open, the database in its own thread', () => {
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'yizhan-start-up-thread-'));
    const template = currentTemplate();
    if (template !== undefined) {
      cpSync(template, join(work, 'template'), { recursive: true });
    } else {
      const store = await openStore({ dataDir: join(work, 'template') });
      await seedBuiltinDataset(store);
      await store.close();
    }
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  let copies = 0;
  async function withThreadStore(fn: (store: Store) => Promise<void>): Promise<void> {
    const folder = join(work, `data-${copies++}`);
    cpSync(join(work, 'template'), folder, { recursive: true });
    const store = await openStore({ dataDir: folder, thread: true });
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  it('runs a transaction that needs PostGIS first again, whole, once it is loaded; one that needs none does not wait for it', () => withThreadStore(async (store) => {
    const { token } = await issueToken(store, { role: 'admin', label: 'thread' }); // a transaction, no geometry
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const before = (await store.listDatasets()).length;
    let runs = 0;
    const id = await store.transaction(async (tx) => {
      runs++;
      const ds = await tx.createDataset({
        name: 'square',
        committees: [{ id: 'c1', name: '一', streetOffice: '甲', households: 100, geometry: [[[[114, 22.5], [114.01, 22.5], [114.01, 22.51], [114, 22.51], [114, 22.5]]]] }],
        meta: {},
      });
      return ds.id;
    });
    expect(runs).toBeGreaterThanOrEqual(1);
    expect((await store.listDatasets()).length).toBe(before + 1); // stored once, however many runs
    const [back] = (await store.getCommittees(id))!;
    expect(back!.geometry[0]![0]![1]).toEqual([114.01, 22.5]);
  }), 300_000);

  it('rolls back and does not run again a transaction that failed for another reason', () => withThreadStore(async (store) => {
    const before = (await store.listTokens()).length;
    let runs = 0;
    await expect(store.transaction(async (tx) => {
      runs++;
      await tx.createToken({ role: 'admin', hash: 'a'.repeat(64), label: 'rolled back' });
      throw new Error('not this one');
    })).rejects.toThrow('not this one');
    expect(runs).toBe(1);
    expect((await store.listTokens()).length).toBe(before);
  }), 300_000);
});

describe('storeOnceOpen: the store the server builds its app over while the database opens', () => {
  it('has the engine at once; each method waits for the opening, then is the opened store\'s', async () => {
    let open!: (s: Store) => void;
    const opening = new Promise<Store>((resolve) => { open = resolve; });
    const facade = storeOnceOpen(opening, 'pglite');
    expect(facade.engine).toBe('pglite');
    const calls: string[] = [];
    const real = {
      engine: 'pglite',
      listDatasets: async () => { calls.push('listDatasets'); return []; },
      query: async () => { calls.push('query'); return [{}]; },
      close: async () => { calls.push('close'); },
    } as unknown as Store;
    const listed = facade.listDatasets();
    const app = await buildApp({ store: facade, solveWorkers: 0, taskWorkers: 0 }); // Fastify takes it as the store
    expect(calls).toEqual([]); // nothing reached a store that is not open
    open(real);
    expect(await listed).toEqual([]);
    expect((await app.inject('/health')).json()).toMatchObject({ status: 'ok', engine: 'pglite', store: 'ok' });
    await app.close(); // closes the opened store through the facade
    expect(calls).toEqual(['listDatasets', 'query', 'close']);
  }, 300_000);

  it('fails each call as the opening failed', async () => {
    const opening = Promise.reject(new Error('folder in use'));
    const facade = storeOnceOpen(opening, 'pglite');
    await expect(facade.listTokens()).rejects.toThrow('folder in use');
    await expect(facade.close()).rejects.toThrow('folder in use');
  });
});

describe('schemas compiled on first use', () => {
  it('validates and serializes as before: a bad query is refused, the answer has its schema\'s fields only', async () => {
    const store = await openStore();
    const app = await buildApp({ store, solveWorkers: 0 });
    try {
      const health = await app.inject('/health');
      expect(health.statusCode).toBe(200);
      expect(Object.keys(health.json() as object).sort()).toEqual(['engine', 'status', 'store', 'uptimeS']);
      const { token } = await issueToken(store, { role: 'admin', label: 'test' });
      const headers = { authorization: `Bearer ${token}` };
      const bad = await app.inject({ method: 'GET', url: '/api/plans?limit=abc', headers });
      expect(bad.statusCode).toBe(422); // the API answers a validation failure 422 (server/plugins/errors.ts)
      expect(bad.body).toMatch(/limit/);
      const again = await app.inject({ method: 'GET', url: '/api/plans?limit=abc', headers }); // the compiled validator, second time
      expect(again.statusCode).toBe(422);
      expect(again.body).toBe(bad.body);
      const list = await app.inject({ method: 'GET', url: '/api/plans?limit=5', headers });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toMatchObject({ plans: [] });
    } finally {
      await app.close();
    }
  }, 300_000);
});

describe('yizhan serve on a new folder, then on it again (CLI from dist/)', () => {
  let work: string;
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it)');
    work = mkdtempSync(join(tmpdir(), 'yizhan-serve-twice-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Starts serve, waits for /health, asks the committees of the built-in dataset at once (geometry), stops. */
  async function serveOnce(data: string): Promise<{ token: string | undefined; features: number; health: { status: string; engine: string } }> {
    const port = await freePort();
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--data', data, '--quiet'],
      { cwd: root, env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    server.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    server.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      let health: Response | undefined;
      while (health?.status !== 200) {
        if (server.exitCode !== null) throw new Error(`serve exited with ${server.exitCode}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      }
      const token = /admin token: (\S+)/.exec(stdout)?.[1] ?? tokenOfFolder;
      const auth = { authorization: `Bearer ${token}` };
      const { datasets } = (await (await fetch(`http://127.0.0.1:${port}/api/datasets`, { headers: auth })).json()) as { datasets: { id: string }[] };
      const fc = (await (await fetch(`http://127.0.0.1:${port}/api/datasets/${datasets[0]!.id}/committees.geojson`, { headers: auth })).json()) as { features: unknown[] };
      return { token: /admin token: (\S+)/.exec(stdout)?.[1], features: fc.features.length, health: (await health.json()) as { status: string; engine: string } };
    } finally {
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }
  let tokenOfFolder: string | undefined;

  it('first start: prints the admin token, serves the built-in dataset with its geometry; later start: the same, no new token', async () => {
    const data = join(work, 'data');
    const first = await serveOnce(data);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.health).toMatchObject({ status: 'ok', engine: 'pglite' });
    expect(first.features).toBe(115);
    tokenOfFolder = first.token;
    const later = await serveOnce(data);
    expect(later.token).toBeUndefined();
    expect(later.features).toBe(115);
  }, 300_000);
});
