/**
 * A plan read (store.getPlan) every 20 ms while a 50,000-committee dataset is stored, on the
 * embedded engine in its thread (as the server runs it); prints the upload's wall time, this
 * thread's CPU, and the reads answered during the upload with their p50 / p99 / max.
 * Run: npx tsx bench/read-during-upload.ts <root of a checkout> (this one, or a baseline's clone).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.argv[2] ?? process.cwd();
const { openStore } = await import(`${root}/server/store/open.ts`);
const { pgliteTemplate, rect, sampleCommittees, ACTORS } = await import(`${root}/tests/helpers/store.ts`);
const dir = await mkdtemp(join(tmpdir(), 'sh2-rw-'));
await cp(await pgliteTemplate(), dir, { recursive: true });
const store = await openStore({ dataDir: dir, thread: true });
const ds = await store.createDataset({ name: 'small', committees: sampleCommittees() });
const plan = await store.createPlan({ datasetId: ds.id, kind: 'hand', name: 'p', scope: ['黄贝'], summary: {} as never, groups: [] }, ACTORS.planner);
const committees = Array.from({ length: 50_000 }, (_, i) => ({ id: `c${i}`, name: `n${i}`, streetOffice: `s${Math.floor(i / 500)}`, households: 900,
  geometry: [rect(113.9 + (i % 224) * 0.001, 22.4 + Math.floor(i / 224) * 0.001, 113.901 + (i % 224) * 0.001, 22.401 + Math.floor(i / 224) * 0.001)] }));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let done = false;
const up = store.createDataset({ name: 'big', committees }).finally(() => { done = true; });
const lat: number[] = [];
while (!done) { const s = performance.now(); await store.getPlan(plan.id); if (!done) lat.push(performance.now() - s); await new Promise((r) => setTimeout(r, 20)); }
await up;
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
lat.sort((a, b) => a - b);
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]?.toFixed(0);
console.log(JSON.stringify({ root, uploadMs: Math.round(ms), cpuS: ((cpu.user + cpu.system) / 1e6).toFixed(1), reads: lat.length, p50: q(0.5), p99: q(0.99), max: lat.at(-1)?.toFixed(0), load: (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ') }));
await store.close();
await rm(dir, { recursive: true, force: true });
