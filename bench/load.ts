/**
 * Load benchmark of the HTTP API: the server in a child process (this file with `--child`), on the
 * embedded default (PGlite + PostGIS in a fresh data folder) and, when DATABASE_URL is set, on
 * PostgreSQL too (in a throw-away schema, dropped at the end). autocannon drives it over loopback,
 * each scenario for a fixed time:
 *   reads   GET /api/plans/:id, /api/plans/:id/stations.geojson, /api/datasets/:id/committees.geojson
 *   solves  POST /api/scenarios/:id/plans on luohu-2006 (10 street offices, 115 committees) and on
 *           a one-street-office scenario (黄贝, 13 committees), several connections at once
 *   mixed   every connection cycles: plan, stations, committees, a 黄贝 solve
 * Solves answer 201 when done (the child waits up to 120 s before a 202, so a request's latency is
 * its whole solve). It also times the cold start (empty data folder: initdb, PostGIS, migrations,
 * seeding) and the warm start (the same folder again).
 * Any error, timeout or non-2xx answer fails the run (exit 1) after the table is printed.
 *
 * With --blocking, only the test of issue 12: /health and a plan read while a 49 MiB upload, a
 * scenario on 50,000 committees and 20 solves run, then 200 connections reading a plan.
 * --server-dist <dir> runs another build's server (a baseline's dist/).
 * Run: npm run build && npx tsx bench/load.ts [--duration 10] [--connections 8] [--solve-connections 4] [--engines pglite,pg] [--blocking] [--server-dist dir]
 *   or npx tsx bench/load.ts [same flags]. `--quick` is --duration 3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

// ---- the child: one server, its tokens on stdout, closes on SIGTERM ---------------------------

interface ChildReady {
  url: string;
  startMs: number;
  tokens: { planner: string; huangbei: string; admin: string };
}

async function runChild(spec: { dataDir?: string; databaseUrl?: string; dist?: string }): Promise<void> {
  // the shipped code (dist/, or another build's with --server-dist), so that the cold start is not tsx compiling the sources
  const dist = spec.dist !== undefined ? pathToFileURL(`${spec.dist}/`) : new URL('../dist/', import.meta.url);
  const { startServer } = (await import(new URL('server/main.js', dist).href)) as typeof import('../server/main.js');
  const { issueToken } = (await import(new URL('server/auth.js', dist).href)) as typeof import('../server/auth.js');
  const t0 = performance.now();
  const server = await startServer({
    port: 0, host: '127.0.0.1', logger: false, handleSignals: false, out: { write: () => true },
    ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : { dataDir: spec.dataDir! }),
    // throughput is measured here, not the per-token rate limit (30 solves a minute by default)
    app: { solveSyncWaitMs: 120_000, rateLimits: { solves: { max: 1_000_000 }, uploads: { max: 1_000_000 } } },
  });
  const startMs = performance.now() - t0;
  const token = async (role: 'district-planner' | 'street-office' | 'admin', streetOffice?: string) =>
    (await issueToken(server.store, { role, label: 'bench', ...(streetOffice ? { streetOffice } : {}) })).token;
  const ready: ChildReady = {
    url: server.url, startMs,
    tokens: { planner: await token('district-planner'), huangbei: await token('street-office', '黄贝'), admin: await token('admin') },
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.once('SIGTERM', () => { void server.close().then(() => process.exit(0)); });
}

// ---- the parent -------------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  ready: ChildReady;
  /** Spawn to ready, ms (node start, module load, startServer, tokens). */
  wallMs: number;
}

const self = fileURLToPath(import.meta.url);

function startChild(spec: { dataDir?: string; databaseUrl?: string; dist?: string }): Promise<Child> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...process.execArgv, self, '--child', JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' },
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    // (what the server says on stderr after it is ready, a crash included, goes to ours)
    let ready = false;
    proc.stderr!.setEncoding('utf8').on('data', (t: string) => { if (ready) process.stderr.write(`  server: ${t}`); else err += t; });
    proc.stdout!.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        try {
          resolve({ proc, ready: JSON.parse(line) as ChildReady, wallMs: performance.now() - t0 });
          ready = true;
        } catch (e) {
          reject(new Error(`the server child printed ${line}: ${String(e)}`));
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`the server child exited with ${code} before it was ready:\n${err}`)));
  });
}

async function stopChild(child: Child): Promise<void> {
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

interface AutocannonRequest { method?: string; path: string; headers?: Record<string, string>; body?: string }
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  throughput: { average: number };
  errors: number; timeouts: number; non2xx: number; '2xx': number; duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Row {
  engine: string;
  scenario: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mbPerS: number;
}

async function call(url: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, json: JSON.parse(text) };
}

async function runEngine(engine: string, spec: { dataDir?: string; databaseUrl?: string; dist?: string },
  options: { duration: number; connections: number; solveConnections: number; blocking: boolean }): Promise<{ rows: Row[]; cold: Child; warm: Child }> {
  // cold start on an empty store, then a warm start on the same store
  const cold = await startChild(spec);
  await stopChild(cold);
  const warm = await startChild(spec);
  const rows: Row[] = [];
  try {
    const { url, tokens } = warm.ready;
    const dataset = (await call(url, 'GET', '/api/datasets', tokens.planner)).json.datasets[0] as { id: string; name: string };
    const scenario = ((await call(url, 'GET', `/api/scenarios?datasetId=${dataset.id}`, tokens.planner)).json.scenarios as { id: string; name: string }[])
      .find((s) => s.name === 'luohu-2006')!;
    const small = (await call(url, 'POST', '/api/scenarios', tokens.huangbei, { datasetId: dataset.id, name: 'bench 黄贝' })).json as { id: string };
    const solved = await call(url, 'POST', `/api/scenarios/${scenario.id}/plans`, tokens.planner);
    if (solved.status !== 201) throw new Error(`the warm-up solve answered ${solved.status}`);
    await call(url, 'POST', `/api/scenarios/${small.id}/plans`, tokens.huangbei);
    const planId = solved.json.id as string;
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    if (options.blocking) {
      rows.push(...await runBlocking(engine, url, tokens, { datasetId: dataset.id, scenarioId: scenario.id, planId }, options.duration));
      return { rows, cold, warm };
    }
    const scenarios: { name: string; connections: number; requests: AutocannonRequest[] }[] = [
      { name: 'GET /api/plans/:id', connections: options.connections, requests: [{ path: `/api/plans/${planId}`, headers: auth(tokens.planner) }] },
      { name: 'GET /api/plans/:id/stations.geojson', connections: options.connections, requests: [{ path: `/api/plans/${planId}/stations.geojson`, headers: auth(tokens.planner) }] },
      { name: 'GET /api/datasets/:id/committees.geojson', connections: options.connections, requests: [{ path: `/api/datasets/${dataset.id}/committees.geojson`, headers: auth(tokens.planner) }] },
      { name: 'POST solve luohu-2006 (115 committees)', connections: options.solveConnections, requests: [{ method: 'POST', path: `/api/scenarios/${scenario.id}/plans`, headers: auth(tokens.planner) }] },
      { name: 'POST solve 黄贝 (13 committees)', connections: options.solveConnections, requests: [{ method: 'POST', path: `/api/scenarios/${small.id}/plans`, headers: auth(tokens.huangbei) }] },
      { name: 'mixed: plan, stations, committees, 黄贝 solve', connections: options.connections, requests: [
        { path: `/api/plans/${planId}`, headers: auth(tokens.planner) },
        { path: `/api/plans/${planId}/stations.geojson`, headers: auth(tokens.planner) },
        { path: `/api/datasets/${dataset.id}/committees.geojson`, headers: auth(tokens.planner) },
        { method: 'POST', path: `/api/scenarios/${small.id}/plans`, headers: auth(tokens.huangbei) },
      ] },
    ];
    for (const s of scenarios) {
      const plansBefore = ((await call(url, 'GET', '/api/plans', tokens.planner)).json.plans as unknown[]).length;
      const r = await autocannon({ url, connections: s.connections, duration: options.duration, timeout: 120, requests: s.requests });
      const plansAfter = ((await call(url, 'GET', '/api/plans', tokens.planner)).json.plans as unknown[]).length;
      rows.push({
        engine, scenario: s.name, connections: s.connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99,
        max: r.latency.max, ok: r['2xx'], errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, mbPerS: r.throughput.average / 1e6,
      });
      const solves = s.requests.filter((q) => q.method === 'POST').length;
      if (solves > 0) process.stderr.write(`  ${s.name}: ${plansAfter - plansBefore} plans stored\n`);
      process.stderr.write(`  ${engine} ${s.name}: ${r.requests.average.toFixed(1)} req/s, p99 ${r.latency.p99} ms\n`);
    }
  } finally {
    await stopChild(warm);
  }
  return { rows, cold, warm };
}

/**
 * A FeatureCollection of `n` committees on a grid (500 to a street office), each a square ring of
 * `4 * perSide` vertices and a `remark` of that many characters: with perSide 6 and a remark of
 * 100, 50,000 committees are about 49 MiB of JSON.
 */
export function makeBigCollection(n: number, perSide: number, name: string, remark = 0): string {
  const side = Math.ceil(Math.sqrt(n));
  const d = 0.001;
  const features: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = 113.9 + (i % side) * d;
    const y0 = 22.4 + Math.floor(i / side) * d;
    const ring: number[][] = [];
    const corners = [[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d]];
    for (let c = 0; c < 4; c++) {
      const [ax, ay] = corners[c]!;
      const [bx, by] = corners[(c + 1) % 4]!;
      for (let k = 0; k < perSide; k++) ring.push([ax! + ((bx! - ax!) * k) / perSide, ay! + ((by! - ay!) * k) / perSide]);
    }
    ring.push(ring[0]!);
    features.push({
      type: 'Feature',
      properties: { id: `c${i}`, name: `委员会${i}`, streetOffice: `街道${Math.floor(i / 500)}`, households: 800 + (i % 900), ...(remark > 0 ? { remark: '备'.repeat(remark / 3) + 'x'.repeat(remark % 3) } : {}) },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
  }
  return JSON.stringify({ type: 'FeatureCollection', name, features });
}

/**
 * The blocking test of issue 12: while a 49 MiB upload, a scenario on a 50,000-committee dataset
 * and 20 solves run, autocannon reads /health and a plan (p99 and max say whether anything held
 * the event loop); then 200 connections read the plan (timeouts).
 */
async function runBlocking(engine: string, url: string, tokens: ChildReady['tokens'], ids: { datasetId: string; scenarioId: string; planId: string }, duration: number): Promise<Row[]> {
  const auth = { authorization: `Bearer ${tokens.planner}` };
  // node:http on a connection of its own (undici's fetch lost large bodies here to EPIPE)
  const upload = (body: string): Promise<{ status: number; ms: number; json: any }> => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const bytes = Buffer.from(body);
    const req = httpRequest(`${url}/api/datasets`, {
      method: 'POST', agent: false,
      headers: { ...auth, 'content-type': 'application/geo+json', 'content-length': String(bytes.length) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (t: string) => { text += t; }).on('end', () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = text; }
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, json });
      });
    });
    req.on('error', reject);
    req.end(bytes);
  });
  const small = makeBigCollection(50_000, 1, 'bench 50,000');
  const big = makeBigCollection(50_000, 6, 'bench 49 MiB', 100);
  process.stderr.write('  blocking: uploading the 50,000-committee dataset (setup)\n');
  const setup = await upload(small);
  if (setup.status !== 201) throw new Error(`the 50,000-committee upload answered ${setup.status}: ${JSON.stringify(setup.json).slice(0, 300)}`);
  process.stderr.write(`  blocking: setup upload ${(small.length / 2 ** 20).toFixed(1)} MiB in ${(setup.ms / 1000).toFixed(1)} s\n`);
  const work = async (): Promise<string> => {
    const t0 = performance.now();
    const results = await Promise.all([
      upload(big).then((r) => `upload ${(big.length / 2 ** 20).toFixed(1)} MiB: ${r.status} in ${(r.ms / 1000).toFixed(1)} s`),
      (async () => {
        const t = performance.now();
        const r = await fetch(`${url}/api/scenarios`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ datasetId: setup.json.id, name: 'bench 50,000' }) });
        await r.text();
        return `scenario on 50,000: ${r.status} in ${((performance.now() - t) / 1000).toFixed(1)} s`;
      })(),
      ...Array.from({ length: 20 }, async () => {
        const r = await fetch(`${url}/api/scenarios/${ids.scenarioId}/plans`, { method: 'POST', headers: auth });
        await r.text();
        return r.status;
      }),
    ]);
    const solves = results.slice(2);
    return `${results[0]}; ${results[1]}; 20 solves: ${solves.filter((s) => s === 201).length} × 201, all done in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  };
  const rows: Row[] = [];
  const toRow = (scenario: string, connections: number, r: AutocannonResult): Row => ({
    engine, scenario, connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99,
    max: r.latency.max, ok: r['2xx'], errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, mbPerS: r.throughput.average / 1e6,
  });
  const during = work();
  const [health, plan] = await Promise.all([
    autocannon({ url, connections: 2, duration, timeout: 30, requests: [{ path: '/health' }] }),
    autocannon({ url, connections: 2, duration, timeout: 30, requests: [{ path: `/api/plans/${ids.planId}`, headers: auth }] }),
  ]);
  rows.push(toRow('GET /health during upload+scenario+20 solves', 2, health), toRow('GET /api/plans/:id during the same', 2, plan));
  process.stderr.write(`  blocking: ${await during}\n`);
  const many = await autocannon({ url, connections: 200, duration, timeout: 10, requests: [{ path: `/api/plans/${ids.planId}`, headers: auth }] });
  rows.push(toRow('GET /api/plans/:id, 200 connections', 200, many));
  return rows;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const duration = Number(flag('--duration') ?? (args.includes('--quick') ? 3 : 10));
  const connections = Number(flag('--connections') ?? 8);
  const solveConnections = Number(flag('--solve-connections') ?? 4);
  const databaseUrl = process.env.DATABASE_URL;
  const engines = (flag('--engines') ?? (databaseUrl ? 'pglite,pg' : 'pglite')).split(',');
  // --blocking: only the issue-12 test (a large upload, a 50,000 scenario, 20 solves; 200 readers)
  const blocking = args.includes('--blocking');
  const dist = flag('--server-dist');
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? '?'} ×${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`node ${process.version}, ${new Date().toISOString()}, autocannon over loopback, ${duration} s per scenario, solve workers: server default, server ${dist ?? 'dist/'}`);

  const rows: Row[] = [];
  const starts: string[] = [];
  for (const engine of engines) {
    if (engine === 'pglite') {
      const dir = await mkdtemp(join(os.tmpdir(), 'yizhan-load-'));
      try {
        const r = await runEngine('pglite', { dataDir: join(dir, 'data'), ...(dist ? { dist } : {}) }, { duration, connections, solveConnections, blocking });
        rows.push(...r.rows);
        starts.push(`pglite start: cold ${r.cold.ready.startMs.toFixed(0)} ms (spawn to ready ${r.cold.wallMs.toFixed(0)} ms), warm ${r.warm.ready.startMs.toFixed(0)} ms (${r.warm.wallMs.toFixed(0)} ms)`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else if (engine === 'pg') {
      if (!databaseUrl) throw new Error('--engines pg needs DATABASE_URL');
      const schema = `yizhan_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const u = new URL(databaseUrl);
      u.searchParams.set('options', `-c search_path=${schema},public`);
      try {
        const r = await runEngine('pg', { databaseUrl: u.toString(), ...(dist ? { dist } : {}) }, { duration, connections, solveConnections, blocking });
        rows.push(...r.rows);
        starts.push(`pg start: cold ${r.cold.ready.startMs.toFixed(0)} ms (spawn to ready ${r.cold.wallMs.toFixed(0)} ms), warm ${r.warm.ready.startMs.toFixed(0)} ms (${r.warm.wallMs.toFixed(0)} ms)`);
      } finally {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      }
    } else {
      throw new Error(`unknown engine "${engine}" (pglite, pg)`);
    }
  }

  for (const s of starts) console.log(s);
  console.log('engine  scenario                                        conn   req/s    p50 ms   p99 ms   max ms     2xx  errors timeouts non2xx   MB/s');
  for (const r of rows) {
    console.log(`${r.engine.padEnd(7)} ${r.scenario.padEnd(47)} ${String(r.connections).padStart(4)} ${r.rps.toFixed(1).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.max).padStart(8)} ${String(r.ok).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.timeouts).padStart(8)} ${String(r.non2xx).padStart(6)} ${r.mbPerS.toFixed(2).padStart(6)}`);
  }
  const bad = rows.filter((r) => r.errors + r.timeouts + r.non2xx > 0 || r.ok === 0);
  if (bad.length > 0) {
    console.error(`LOAD BENCHMARK FAILED: errors, timeouts, non-2xx answers or no answers in: ${bad.map((r) => `${r.engine} ${r.scenario}`).join('; ')}`);
    return 1;
  }
  return 0;
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  await runChild(JSON.parse(process.argv[childAt + 1]!) as { dataDir?: string; databaseUrl?: string; dist?: string });
} else if (process.argv[1] === self) {
  process.exitCode = await main();
}
