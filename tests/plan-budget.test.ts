/**
 * The whole `yizhan plan` command keeps to `solver.timeLimitMs` (+ 10% + 2 s, issue 10): reading,
 * adjacency, solving and writing together, counted from the process's start. The built binary
 * in a child process, spawned without blocking the test worker.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { calcSolveDeadline, MIN_SOLVE_SHARE, WRITE_RESERVE_FACTOR } from '../cli/plan-commands.js';
import type { PlanSummary } from '../solver/types.js';
import { RI_MAPPING, RI_TRACTS_PATH } from './helpers/ri.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');

function yizhan(...args: string[]): Promise<{ code: number | null; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
    child.on('error', reject);
    child.on('close', (code: number | null) => resolve({ code, stderr, ms: Date.now() - t0 }));
  });
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it)');
});

describe('the solve deadline of yizhan plan', () => {
  it('is the budget from the start less a writing reserve, and leaves the solve at least its least share', () => {
    const start = 1_000_000;
    // read in 1 s of a 20 s budget: the solve ends 20 − 1.5 × 1 s after the start
    expect(calcSolveDeadline(start, 20_000, start + 1000)).toBe(start + 20_000 - WRITE_RESERVE_FACTOR * 1000);
    // read in 9 s of a 10 s budget: nothing is left, the solve still gets its least share
    expect(calcSolveDeadline(start, 10_000, start + 9000)).toBe(start + 9000 + MIN_SOLVE_SHARE * 10_000);
    // the longer the reading, the earlier the end
    expect(calcSolveDeadline(start, 60_000, start + 4000)).toBeLessThan(calcSolveDeadline(start, 60_000, start + 2000));
  });
});

describe('yizhan plan within its budget, reading and writing included', () => {
  it('ri-2010, merge weight 0, cap 6 (hard): returns within budget + 10% + 2 s with a checked plan and a bound', async () => {
    const budget = 30_000;
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-plan-budget-'));
    const scenario = join(dir, 'scenario.json');
    writeFileSync(scenario, JSON.stringify({
      name: 'ri-hard', dataset: RI_TRACTS_PATH, mapping: RI_MAPPING,
      rules: { households: { min: 4000, max: 8000 }, maxCommitteesPerStation: 6 }, weights: { merge: 0 }, solver: { timeLimitMs: budget },
    }));
    const r = await yizhan('plan', scenario, '--out', join(dir, 'out'), '--no-map', '--quiet');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect([0, 1]).toContain(r.code);
    expect(r.ms).toBeLessThanOrEqual(budget * 1.1 + 2000);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as PlanSummary;
    expect(['optimal', 'time_limit']).toContain(summary.solver.status);
    expect(summary.solver.bound!).toBeLessThanOrEqual(summary.solver.objective + 1e-9);
    // every tract in exactly one station
    const ids = summary.streetOffices.flatMap((o) => o.stations.flatMap((s) => s.committeeIds));
    expect(ids.length).toBe(244);
    expect(new Set(ids).size).toBe(244);
    expect(summary.checks.violations.filter((v) => v.severity === 'fatal')).toEqual([]);
  }, 120_000);
});
