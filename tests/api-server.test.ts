/**
 * `startServer` on the embedded default: the first start seeds luohu-2006 and prints an admin token
 * once; `yizhan token create --data DIR` makes a working token while the server is stopped; a
 * second start on the same data keeps everything, prints no token and fails jobs a killed process
 * left running; closing lets a running solve store its plan; bad `serve` flags are usage errors. (The SIGKILL crash test builds on this.)
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { startServer, type RunningServer } from '../server/main.js';
import { openStore } from '../server/store/open.js';
import { pgliteTemplate } from './helpers/store.js';

describe('startServer on the embedded data folder', () => {
  let dir: string;
  let dataDir: string;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'yizhan-serve-'));
    dataDir = join(dir, 'data');
    await cp(await pgliteTemplate(), dataDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, token?: string) =>
    fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('seeds luohu-2006, prints the admin token once, keeps everything across a restart', async () => {
    const lines: string[] = [];
    const out = { write: (t: string) => lines.push(t) };
    server = await startServer({ port: 0, dataDir, logger: false, handleSignals: false, out });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^admin token: [A-Za-z0-9_-]{43}\n$/);
    const admin = lines[0]!.slice('admin token: '.length).trim();
    expect(server.adminToken).toBe(admin);

    expect(((await (await get(`${server.url}/health`)).json()) as { status: string }).status).toBe('ok');
    const datasets = (await (await get(`${server.url}/api/datasets`, admin)).json()) as { datasets: { id: string; name: string; committeeCount: number }[] };
    expect(datasets.datasets.map((d) => [d.name, d.committeeCount])).toEqual([['luohu-2006', 115]]);
    const scenarios = (await (await get(`${server.url}/api/scenarios`, admin)).json()) as { scenarios: { name: string; datasetId: string }[] };
    expect(scenarios.scenarios).toEqual([expect.objectContaining({ name: 'luohu-2006', datasetId: datasets.datasets[0]!.id })]);
    await server.close();
    await server.close(); // idempotent
    server = undefined;

    // the CLI makes a token while the server is stopped, printed alone on stdout
    const printed: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((t) => { printed.push(String(t)); return true; });
    let code: number;
    vi.stubEnv('DATABASE_URL', ''); // this test is about the data folder, whatever the environment says
    try {
      code = await main(['token', 'create', '--role', 'street-office', '--street-office', '黄贝', '--data', dataDir]);
    } finally {
      stdout.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(code).toBe(0);
    expect(printed.join('')).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const huangbei = printed.join('').trim();

    // a job left running by a killed process
    const before = await openStore({ dataDir });
    const abandoned = await before.createJob({ params: { kind: 'solve' } });
    await before.updateJob(abandoned.id, { status: 'running' });
    await before.close();

    lines.length = 0;
    server = await startServer({ port: 0, dataDir, logger: false, handleSignals: false, out, app: { solveSyncWaitMs: 1, solveWorkers: 1 } });
    const job = (await (await get(`${server.url}/api/jobs/${abandoned.id}`, admin)).json()) as { status: string; error: { code: string } };
    expect(job).toMatchObject({ status: 'failed', error: { code: 'server-restarted' } });
    expect(lines).toEqual([]);
    expect(server.adminToken).toBeNull();
    const again = (await (await get(`${server.url}/api/datasets`, admin)).json()) as { datasets: unknown[] };
    expect(again.datasets).toHaveLength(1);
    const own = await fetch(`${server.url}/api/scenarios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${huangbei}`, 'content-type': 'application/json' },
      body: JSON.stringify({ datasetId: datasets.datasets[0]!.id, name: '黄贝' }),
    });
    expect(own.status).toBe(201);
    const scenario = (await own.json()) as { id: string; body: { streetOffices: string[] } };
    expect(scenario.body.streetOffices).toEqual(['黄贝']);

    // closing while a solve runs: the solve finishes within the grace period and its plan is kept
    const solving = await fetch(`${server.url}/api/scenarios/${scenario.id}/plans`, { method: 'POST', headers: { authorization: `Bearer ${huangbei}` } });
    expect(solving.status).toBe(202);
    const { job: running } = (await solving.json()) as { job: { id: string } };
    await server.close();
    server = undefined;
    const after = await openStore({ dataDir });
    try {
      const finished = await after.getJob(running.id);
      expect(finished).toMatchObject({ status: 'done' });
      expect((await after.getPlan(finished!.planId!))?.scope).toEqual(['黄贝']);
    } finally {
      await after.close();
    }
  }, 120_000);

  it('refuses bad serve and token flags as usage errors (exit 2)', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['serve', '--port', 'eighty'])).toBe(2);
      expect(await main(['serve', '--port', '70000'])).toBe(2);
      expect(await main(['serve', '--nope'])).toBe(2);
      expect(await main(['token', 'create', '--role', 'mayor'])).toBe(2);
      expect(await main(['token', 'create', '--role', 'street-office'])).toBe(2);
      expect(await main(['token', 'create', '--role', 'admin', '--street-office', '黄贝'])).toBe(2);
      expect(await main(['token', 'delete', '--role', 'admin'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
