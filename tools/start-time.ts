/**
 * Measures how long `yizhan serve` (from dist/) takes until it answers GET /health: on a new data
 * folder (first start) and on that folder again (later start). Median of N runs each, as wall
 * time and as the CPU time the server process used until then (user + system, from /proc: on a
 * busy machine the wall time mostly measures the other processes).
 *
 *   npx tsx tools/start-time.ts [--runs 3] [--bin path/to/dist/cli/bin.js]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const BIN = arg('--bin') ?? join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');

/** CPU seconds (user + system) a process has used so far; NaN where /proc is missing. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

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

/** Starts the server, polls /health every 20 ms, stops it; returns ms from spawn to the first 200, and CPU s. */
async function timeStart(dataDir: string): Promise<{ ms: number; cpu: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', dataDir, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let ms = -1;
  let cpu = NaN;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.status === 200) { ms = performance.now() - t0; cpu = cpuSeconds(child.pid!); break; }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGTERM');
  await exited;
  return { ms, cpu };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const runs = Number(arg('--runs') ?? 3);
const first: { ms: number; cpu: number }[] = [];
const later: { ms: number; cpu: number }[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-start-'));
  try {
    first.push(await timeStart(join(dir, 'data')));
    later.push(await timeStart(join(dir, 'data')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const show = (label: string, xs: { ms: number; cpu: number }[]): string =>
  `${label}: median ${(median(xs.map((x) => x.ms)) / 1000).toFixed(2)} s wall, ${median(xs.map((x) => x.cpu)).toFixed(2)} s CPU`
  + ` (runs: ${xs.map((x) => `${(x.ms / 1000).toFixed(2)} s / ${x.cpu.toFixed(2)} s`).join(', ')})\n`;
process.stdout.write(show('first start', first) + show('later start', later));
