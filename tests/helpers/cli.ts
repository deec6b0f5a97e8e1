/**
 * The built `yizhan` binary run as a user runs it, in a child process. `npm test` builds first, so
 * dist/ is current; `requireBuiltBin()` says so plainly when it is not.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/bin.js');

export interface CliRun { code: number | null; stdout: string; stderr: string }

/**
 * Runs the CLI without blocking the test worker: a long spawnSync starves vitest's RPC with its
 * worker ("Timeout calling onTaskUpdate") on a loaded machine.
 */
export function yizhan(...args: string[]): Promise<CliRun> {
  return yizhanWith({}, ...args);
}

/** `yizhan(...args)` with more environment variables (`YIZHAN_NO_BUNDLE`, …). */
export function yizhanWith(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => { stdout += t; });
    child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
    child.on('error', reject);
    child.on('close', (code: number | null) => resolve({ code, stdout, stderr }));
  });
}

export function requireBuiltBin(): void {
  if (!existsSync(BIN)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it)');
}

/** A TCP port free on 127.0.0.1 now (for `yizhan serve --port`). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
