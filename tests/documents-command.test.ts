/**
 * `yizhan documents <plan-dir>`: plan.docx and plan.xlsx redrawn from a plan folder's summary.json
 * and its scenario (the document block as edited since), for a batch variation with --scenario,
 * and clear errors for a folder that holds no plan or a plan of another dataset. Also: plan.zh.md
 * of `yizhan plan` is titled from document.title (default "<dataset name>社区工作站整合方案").
 * Spawns dist/ (run `npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDocx } from './helpers/docx-read.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');
const GRID = join(root, 'tests/fixtures/whatif/grid.geojson');

function yizhan(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const firstText = async (path: string): Promise<string> => (await readDocx(readFileSync(path))).paragraphs.find((p) => p.text)!.text;

describe('yizhan documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-documents-'));
  const scenario = join(dir, 'hb.json');
  const out = join(dir, 'out');
  const writeScenario = (extra: Record<string, unknown>) =>
    writeFileSync(scenario, JSON.stringify({ name: 'hb', dataset: GRID, streetOffices: ['街道0-0'], ...extra }));

  beforeAll(() => {
    if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build`');
    writeScenario({});
    const r = yizhan('plan', scenario, '--out', out, '--quiet');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
  }, 120_000);

  it('titles plan.zh.md like plan.docx: "<dataset name>社区工作站整合方案" without a document block, never the scenario id', async () => {
    const md = readFileSync(join(out, 'plan.zh.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('# grid社区工作站整合方案');
    expect(md).not.toContain('hb 社区');
    expect(await firstText(join(out, 'plan.docx'))).toBe('grid社区工作站整合方案');
  });

  it('redraws plan.docx, plan.xlsx and plan.zh.md from summary.json after the document block is edited, leaving the other files', async () => {
    const mdBefore = readFileSync(join(out, 'plan.zh.md'), 'utf8');
    const before = Object.fromEntries(readdirSync(out).filter((f) => !['plan.docx', 'plan.xlsx', 'plan.zh.md'].includes(f)).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    rmSync(join(out, 'plan.xlsx'));
    writeScenario({ document: { title: '街道0-0社区工作站整合方案（修改稿）', district: '测试区' } });
    const r = yizhan('documents', out, '--scenario', scenario);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('plan.docx');
    expect(await firstText(join(out, 'plan.docx'))).toBe('街道0-0社区工作站整合方案（修改稿）');
    // plan.zh.md: the new title, the text below it as yizhan plan wrote it
    const md = readFileSync(join(out, 'plan.zh.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('# 街道0-0社区工作站整合方案（修改稿）');
    expect(md.split('\n').slice(1)).toEqual(mdBefore.split('\n').slice(1));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'plan.xlsx'));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const sheet = book.worksheets[0]!;
    expect(sheet.actualRowCount - 1).toBeGreaterThanOrEqual(summary.stationsAfter);
    for (const [f, text] of Object.entries(before)) expect(readFileSync(join(out, f), 'utf8'), f).toBe(text);
  }, 60_000);

  it('writes the documents of a batch variation given its scenario, and says which rules they take', async () => {
    const tiny = join(dir, 'tiny.json');
    writeFileSync(tiny, JSON.stringify({ name: 't', datasets: [scenario], grid: { 'weights.station': [1] } }));
    expect(yizhan('batch', tiny, '--out', join(dir, 'batch'), '--quiet', '--workers', '0').code).toBe(0);
    const variation = readdirSync(join(dir, 'batch')).map((f) => join(dir, 'batch', f)).find((f) => statSync(f).isDirectory())!;
    expect(existsSync(join(variation, 'plan.docx'))).toBe(false);
    const named = yizhan('documents', variation);
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/give it with --scenario FILE/);
    expect(named.stderr).not.toMatch(/\n\s+at /);
    const r = yizhan('documents', variation, '--scenario', scenario, '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/batch variation/);
    expect(await firstText(join(variation, 'plan.docx'))).toBe('街道0-0社区工作站整合方案（修改稿）');
    expect(existsSync(join(variation, 'plan.xlsx'))).toBe(true);
  }, 120_000);

  it('refuses a folder without summary.json, a plan of another dataset and a wrong --lang, naming the problem', () => {
    const empty = mkdtempSync(join(tmpdir(), 'yizhan-documents-empty-'));
    const none = yizhan('documents', empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no summary.json in ${empty}`);
    const luohu = yizhan('documents', out, '--scenario', 'luohu-2006');
    expect(luohu.code).toBe(1);
    expect(luohu.stderr).toMatch(/does not fit the dataset of scenario .*unknown committee ids: g\d/s);
    expect(luohu.stderr).not.toMatch(/\n\s+at /);
    const lang = yizhan('documents', out, '--lang', 'fr');
    expect(lang.code).toBe(2);
    expect(lang.stderr).toMatch(/--lang must be zh or en/);
  });

  it('has per-option help', () => {
    const r = yizhan('documents', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: yizhan documents <plan-dir> \[--scenario FILE\] \[--lang zh\|en\]/);
    expect(r.stdout).toMatch(/--scenario FILE\s+the scenario/);
  });
});
