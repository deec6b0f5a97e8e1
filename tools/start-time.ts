/**
 * Measures how long `yizhan serve` (from dist/) takes until it answers GET /health: on a new data
 * folder (first start) and on that folder again (later start). Median of N runs each.
 *
 *   npx tsx tools/start-time.ts [--runs 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server, polls /health every 20 ms, stops it; returns ms from spawn to the first 200. */
async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', dataDir, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let ms = -1;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.status === 200) { ms = performance.now() - t0; break; }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGTERM');
  await exited;
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const first: number[] = [];
const later: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-start-'));
  try {
    first.push(await timeStart(join(dir, 'data')));
    later.push(await timeStart(join(dir, 'data')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const s = (xs: number[]): string => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
process.stdout.write(`first start: median ${(median(first) / 1000).toFixed(2)} s (runs: ${s(first)})\n`);
process.stdout.write(`later start: median ${(median(later) / 1000).toFixed(2)} s (runs: ${s(later)})\n`);
