/**
 * `yizhan plan --alternatives K --regret` end to end (issue 10): alternatives.json (the K best
 * distinct plans in cost order, the first the plan), each alternative re-checked with
 * `yizhan evaluate` at the cost it states; the regret column of the table; a stale
 * alternatives.json removed by a run that does not ask; bad values refused with exit 2.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBin, ROOT, yizhan } from './helpers/cli.js';
import type { AlternativesReport, PlanSummary } from '../solver/types.js';


beforeAll(() => {
  requireBuiltBin();
});

describe('yizhan plan --alternatives K --regret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-answers-'));
  const out = join(dir, 'plan');
  let run: { code: number | null; stdout: string; stderr: string };
  let summary: PlanSummary;
  let file: AlternativesReport & { scenario: string };

  beforeAll(async () => {
    run = await yizhan('plan', 'luohu-2006', '--alternatives', '4', '--regret', '--out', out, '--no-map');
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    file = JSON.parse(readFileSync(join(out, 'alternatives.json'), 'utf8'));
  }, 240_000);

  it('writes alternatives.json: K plans in cost order, the first the proven optimum, equal to summary.alternatives', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(file.scenario).toBe('luohu-2006');
    expect(file.requested).toBe(4);
    expect(file.complete).toBe(true);
    expect(file.plans).toHaveLength(4);
    expect(summary.solver.status).toBe('optimal');
    expect(file.plans[0]!.objective).toBeCloseTo(summary.solver.objective, 6);
    expect(file.plans[0]!.differences).toEqual([]);
    file.plans.slice(1).forEach((a, i) => {
      expect(a.objective).toBeGreaterThanOrEqual(file.plans[i]!.objective - 1e-9);
      expect(a.differences.length).toBeGreaterThan(0);
    });
    const { scenario: _s, ...rest } = file;
    expect(rest).toEqual(summary.alternatives);
  });

  it('each alternative, written as a plan and checked by yizhan evaluate, costs what alternatives.json says', async () => {
    for (const a of file.plans.slice(1)) {
      const removed = new Set(a.differences.flatMap((d) => d.removed.map((s) => s.id)));
      const stations = [
        ...summary.streetOffices.flatMap((o) => o.stations).filter((s) => !removed.has(s.id)).map((s) => s.committeeIds),
        ...a.differences.flatMap((d) => d.added.map((s) => s.committeeIds)),
      ];
      const planFile = join(dir, `alt-${a.rank}.json`);
      writeFileSync(planFile, JSON.stringify({ stations }));
      const ev = await yizhan('evaluate', 'luohu-2006', '--plan', planFile, '--out', join(dir, `alt-${a.rank}`), '--json', '--no-map');
      expect(ev.code, ev.stderr).toBe(0);
      const s = JSON.parse(ev.stdout) as PlanSummary;
      expect(s.solver.objective).toBeCloseTo(a.objective, 6);
      expect(s.stationsAfter).toBe(a.stationsAfter);
    }
  }, 240_000);

  it('prints a regret column and puts a regret (or null and the reason) on every station of summary.json', () => {
    const header = run.stdout.split('\n').find((l) => l.startsWith('committees'))!;
    expect(header).toMatch(/regret$/);
    expect(run.stdout).toContain('alternatives: 4 of 4 best plans');
    for (const s of summary.streetOffices.flatMap((o) => o.stations)) {
      expect(s.regret === null ? typeof s.regretReason : typeof s.regret).toBe(s.regret === null ? 'string' : 'number');
    }
  });

  it('a run without --alternatives removes the alternatives.json of the previous one', async () => {
    const again = await yizhan('plan', 'luohu-2006', '--out', out, '--no-map', '--quiet');
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(out, 'alternatives.json'))).toBe(false);
    const plain = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as PlanSummary;
    expect(plain.alternatives).toBeUndefined();
    expect(plain.streetOffices[0]!.stations[0]!.regret).toBeUndefined();
  }, 240_000);

  it('refuses --alternatives that is not a whole number from 1 to 100 (exit 2, the usage)', async () => {
    for (const k of ['0', '101', '2.5', 'x']) {
      const r = await yizhan('plan', 'luohu-2006', '--alternatives', k, '--out', join(dir, 'bad'));
      expect(r.code, k).toBe(2);
      expect(r.stderr).toContain('--alternatives must be a whole number');
    }
  }, 60_000);
});
