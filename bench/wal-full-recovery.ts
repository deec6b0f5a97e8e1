/**
 * Issue 12: the embedded engine on a disk that fills as the write-ahead log needs a new segment
 * (the case of tests/storage-full.test.ts, as the server runs it: PGlite in its thread). Mounts a
 * 100 MiB tmpfs (root, Linux), fills it with compressible uploads of 2,000 committees until one is
 * not stored, frees the 12 MiB ballast, and prints: how long the failing upload took to be
 * answered, what /health and a read answered while the disk was full, how long after the freeing
 * a read (GET /api/datasets) answered 200 again, and whether every acknowledged dataset is there.
 * Each wait is cut at 120 s.
 * Run: npx tsx bench/wal-full-recovery.ts <root of a checkout> (this one, or a baseline's clone).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.argv[2] ?? process.cwd();
const { buildApp } = await import(`${root}/server/app.ts`);
const { issueToken } = await import(`${root}/server/auth.ts`);
const { openStore } = await import(`${root}/server/store/open.ts`);
const { pgliteTemplate, rect } = await import(`${root}/tests/helpers/store.ts`);
const CUT_MS = 120_000;

const upload = (n: number, tag: string): string => JSON.stringify({
  type: 'FeatureCollection', name: tag,
  features: Array.from({ length: n }, (_, i) => ({
    type: 'Feature', properties: { id: `${tag}-${i}`, name: `委员会${i}`, streetOffice: '黄贝', households: 1000 + i, remark: `${tag}${'a'.repeat(2400)}${i}` },
    geometry: { type: 'Polygon', coordinates: rect(114 + (i % 100) * 0.001, 22.5 + Math.floor(i / 100) * 0.001, 114.001 + (i % 100) * 0.001, 22.501 + Math.floor(i / 100) * 0.001) },
  })),
});
const within = <T>(p: Promise<T>, ms = CUT_MS): Promise<T | 'no answer'> =>
  Promise.race([p, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);

const mnt = mkdtempSync(join(tmpdir(), 'yizhan-bench-wal-'));
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=100m', 'tmpfs', mnt]);
try {
  mkdirSync(join(mnt, 'data'));
  cpSync(await pgliteTemplate(), join(mnt, 'data'), { recursive: true });
  const store = await openStore({ dataDir: join(mnt, 'data'), thread: true });
  writeFileSync(join(mnt, 'ballast'), Buffer.alloc(12 * 2 ** 20, 1));
  const token = (await issueToken(store, { role: 'district-planner' })).token;
  const app = await buildApp({ store, solveWorkers: 0, taskWorkers: 0, rateLimits: { uploads: { max: 1000 } } });
  type Reply = { statusCode: number; json(): any };
  const inject = (method: string, url: string, payload?: string): Promise<Reply> => app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/geo+json' } : {}) }, ...(payload ? { payload } : {}) });
  const acked: string[] = [];
  let failed = '';
  let failedMs = 0;
  for (let k = 0; k < 60 && !failed; k++) {
    const t = performance.now();
    const r = await within(inject('POST', `/api/datasets?name=fill${k}`, upload(2000, `fill${k}`)));
    if (r !== 'no answer' && r.statusCode === 201) { acked.push(r.json().id); continue; }
    failedMs = performance.now() - t;
    failed = r === 'no answer' ? 'no answer' : `${r.statusCode} ${r.json().code}`;
  }
  const answered = async (url: string): Promise<string> => {
    const r = await within(inject('GET', url), 10_000);
    return r === 'no answer' ? 'no answer in 10 s' : `${r.statusCode} ${r.json().code ?? r.json().store ?? ''}`;
  };
  const whileFull = { health: await answered('/health'), read: await answered('/api/datasets?limit=1') };
  const t0 = performance.now();
  rmSync(join(mnt, 'ballast'));
  let backMs: number | 'never' = 'never';
  while (performance.now() - t0 < CUT_MS) {
    const r = await within(inject('GET', '/api/datasets?limit=1'), CUT_MS - (performance.now() - t0));
    if (r !== 'no answer' && r.statusCode === 200) { backMs = Math.round(performance.now() - t0); break; }
    if (r === 'no answer') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let kept = 'not checked';
  if (backMs !== 'never') {
    const found = await within(Promise.all(acked.map(async (id) => (await inject('GET', `/api/datasets/${id}`)).json().committeeCount === 2000)));
    kept = found === 'no answer' ? 'no answer' : `${found.filter(Boolean).length}/${acked.length}`;
  }
  console.log(JSON.stringify({ root, acked: acked.length, failedUpload: failed, failedAnsweredMs: Math.round(failedMs), whileFull, readOkAfterFreeMs: backMs, ackedKept: kept }));
  if (backMs !== 'never') await within(app.close(), 30_000);
} finally {
  try { execFileSync('umount', ['-l', mnt]); } catch { /* not mounted */ }
  rmSync(mnt, { recursive: true, force: true });
  process.exit(0);
}
