/**
 * plan.docx and plan.xlsx written by `yizhan plan` and `evaluate` from dist/ (the bundle, through
 * its code cache) are the files `makePlanDocumentFiles` builds from the summary they wrote, part
 * by part (only the creation times in docProps/core.xml differ); a command that fails says why
 * and exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { makePlanDocumentFiles } from '../cli/plan-documents.js';
import { makeOutcome } from '../solver/outcome.js';
import type { PlanSummary } from '../solver/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'yizhan-docs-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], timeoutMs = 90_000): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); done({ code, stderr, timedOut }); });
  });
}

/** Every part of a ZIP (docx, xlsx) as text, the creation and modification times blanked. */
async function parts(bytes: Uint8Array): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(bytes);
  const out: Record<string, string> = {};
  for (const name of Object.keys(zip.files).sort()) {
    const file = zip.files[name]!;
    if (file.dir) continue;
    let text = await file.async('string');
    if (name === 'docProps/core.xml') text = text.replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*</g, '$1<');
    out[name] = text;
  }
  return out;
}

async function expectSameDocuments(made: Record<string, Uint8Array>, expected: Record<string, Uint8Array>): Promise<void> {
  expect(Object.keys(made).sort()).toEqual(['plan.docx', 'plan.xlsx']);
  for (const name of ['plan.docx', 'plan.xlsx']) {
    const [a, b] = [await parts(made[name]!), await parts(expected[name]!)];
    expect(Object.keys(a).length).toBeGreaterThan(5);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const part of Object.keys(b)) expect(a[part], `${name}: ${part}`).toBe(b[part]);
  }
}

describe('plan.docx and plan.xlsx of the CLI', () => {
  it('yizhan plan and evaluate (dist) write the documents makePlanDocumentFiles makes from their summary', async () => {
    const loaded = await loadScenario('luohu-2006');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: '跨街道', stations: [['碧波', '东门'], ['湖滨', '罗芳', '羲龙', '新秀']] }));
    const runs: { args: string[]; lang: 'zh' | 'en'; code: number }[] = [
      { args: ['plan', 'luohu-2006', '--no-map', '--quiet', '--out', join(dir, 'plan')], lang: 'zh', code: 0 },
      { args: ['evaluate', 'luohu-2006', '--plan', bad, '--lang', 'en', '--quiet', '--out', join(dir, 'bad')], lang: 'en', code: 1 },
    ];
    for (const run of runs) {
      const r = await cli(run.args);
      expect(r.timedOut).toBe(false);
      expect(r.code, r.stderr).toBe(run.code);
      const out = run.args[run.args.length - 1]!;
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as PlanSummary;
      expect(summary.checks.violations.some((v) => v.severity === 'fatal')).toBe(run.code === 1);
      const here = await makePlanDocumentFiles(makeOutcome(summary, loaded.dataset.committees), loaded.dataset, loaded, run.lang);
      await expectSameDocuments({ 'plan.docx': readFileSync(join(out, 'plan.docx')), 'plan.xlsx': readFileSync(join(out, 'plan.xlsx')) }, here);
    }
  }, 240_000);

  it('a command that fails says why, without a stack trace, and exits', async () => {
    const r = await cli(['evaluate', 'luohu-2006', '--plan', join(dir, 'no-such-plan.json'), '--out', join(dir, 'none')], 60_000);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-such-plan\.json/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 90_000);
});
