/**
 * The 方案 as .docx and the plan as .xlsx and .csv, read back from the files `yizhan plan` and
 * `yizhan evaluate` write (unzipped and parsed) and checked against summary.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { runEvaluate, runPlan } from '../cli/plan-commands.js';
import { formatCsv, formatCsvCell } from '../render/csv.js';
import { splitTitle } from '../render/docx.js';
import { makePlanCsv } from '../render/export.js';
import { FAIL_BANNER, formatDateZh, formatPunctuationZh as f, makeDefaultSchedule, makePlanDocument } from '../render/plan-document.js';
import { formatComparisonCsv, type ComparisonRow } from '../scenarios/batch.js';
import { makeOutcome } from '../solver/outcome.js';
import type { PlanSummary } from '../solver/types.js';
import { attributeOf, readDocx, type DocxContent } from './helpers/docx-read.js';

const dir = mkdtempSync(join(tmpdir(), 'yizhan-docs-'));
const SECTIONS = ['一、目的意义', '二、指导思想和工作原则', '三、整合标准', '四、基本情况', '五、整合方案', '六、人员安置', '七、党组织设置', '八、工作站领导', '九、实施步骤', '十、保障措施'];

async function quietly(run: () => Promise<number>): Promise<number> {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try { return await run(); } finally { err.mockRestore(); }
}

let summary: PlanSummary;
let docx: DocxContent;

beforeAll(async () => {
  expect(await quietly(() => runPlan('luohu-2006', { out: join(dir, 'plan'), json: false, quiet: true, map: false }))).toBe(0);
  summary = JSON.parse(readFileSync(join(dir, 'plan', 'summary.json'), 'utf8'));
  docx = await readDocx(readFileSync(join(dir, 'plan', 'plan.docx')));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plan.docx (the 方案)', () => {
  it('is titled from the scenario\'s document.title, in 2号 方正小标宋简体, and has the ten sections of seed 004 in order', () => {
    const title = docx.paragraphs.find((p) => p.text.trim() !== '')!;
    expect(title.text).toBe('罗湖区社区工作站整合方案');
    expect([title.font, title.size, title.align]).toEqual(['方正小标宋简体', 44, 'center']);
    const headings = docx.paragraphs.filter((p) => /^[一二三四五六七八九十]+、/.test(p.text));
    expect(headings.map((h) => h.text)).toEqual(SECTIONS);
    for (const h of headings) expect([h.font, h.size]).toEqual(['黑体', 32]);
    const body = docx.paragraphs.filter((p) => p.font === '仿宋_GB2312' && p.text.length > 20);
    expect(body.length).toBeGreaterThan(20);
    for (const p of body) expect(p.size).toBe(32);
  });

  it('lays the page out after GB/T 9704: A4, margins 37/35/28/26 mm, page numbers "— N —" odd right and even left', () => {
    expect(attributeOf(docx.sectPr, 'w:pgSz', 'w:w')).toBe('11906');
    expect(attributeOf(docx.sectPr, 'w:pgSz', 'w:h')).toBe('16838');
    const mm = (a: string) => Number(attributeOf(docx.sectPr, 'w:pgMar', a)) * 25.4 / 1440;
    expect([mm('w:top'), mm('w:bottom'), mm('w:left'), mm('w:right')].map(Math.round)).toEqual([37, 35, 28, 26]);
    expect(docx.footers.length).toBeGreaterThanOrEqual(2);
    for (const f of docx.footers) expect(f).toMatch(/^— +— *\|\s*PAGE/);
  });

  it('writes 五 in the seed\'s phrasing, one paragraph per street office, and the station table of 附件1 equals summary.json', () => {
    const start = docx.paragraphs.findIndex((p) => p.text === '五、整合方案');
    const end = docx.paragraphs.findIndex((p) => p.text === '六、人员安置');
    const part = docx.paragraphs.slice(start + 1, end).map((p) => p.text);
    expect(part[0]).toBe(f(`将罗湖区目前${summary.stationsBefore}个社区工作站调整合并为${summary.stationsAfter}个社区工作站,具体如下:`));
    expect(part.slice(1).map((t) => /^\uFF08[一二三四五六七八九十]+\uFF09(.+?)街道办事处/.exec(t)?.[1])).toEqual(summary.streetOffices.map((o) => o.name));
    const table = docx.tables[0]!;
    const stations = summary.streetOffices.flatMap((o) => o.stations);
    expect(table).toHaveLength(stations.length + 1);
    expect(table[0]).toContain('户数');
    const col = (h: string) => table[0]!.indexOf(h);
    stations.forEach((s, i) => {
      const row = table[i + 1]!;
      expect(row[col('所辖社区')]).toBe(s.committees.join('、'));
      expect(Number(row[col('户数')])).toBe(s.households);
      expect(Number(row[col('人员')])).toBe(s.staff);
    });
    expect(stations.reduce((n, s) => n + s.staff, 0)).toBe(summary.checks.staffAfter);
  });

  it('states staff, party organisation and heads from the plan\'s figures', () => {
    const all = docx.paragraphs.map((p) => p.text).join('\n');
    expect(all).toContain(`保持${summary.checks.staffAfter}名不变`);
    expect(all).toContain(`站长由原来${summary.stationsBefore}名调整为${summary.stationsAfter}名`);
    const stations = summary.streetOffices.flatMap((o) => o.stations);
    expect(all).toContain(`设党委的工作站${stations.filter((s) => s.party === 'committee').length}个`);
  });

  it('holds nothing English and no internal id; the checks are in a Chinese annex, not in the body', () => {
    const texts = docx.paragraphs.map((p) => p.text).concat(docx.tables.flat(2));
    for (const t of texts) expect(t, t).not.toMatch(/[A-Za-z]/);
    // an official document prints full-width punctuation
    for (const p of docx.paragraphs) expect(p.text, p.text).not.toMatch(/[,;:()]/);
    const annex = docx.paragraphs.findIndex((p) => p.pageBreakBefore && /^附件/.test(p.text));
    expect(annex).toBeGreaterThan(0);
    const body = docx.paragraphs.slice(0, annex).map((p) => p.text).join('\n');
    expect(body).not.toMatch(/检查情况|低于每站/);
    const annexText = docx.paragraphs.slice(annex).map((p) => p.text).join('\n');
    expect(annexText).toContain('方案检查情况');
    const warnings = summary.checks.violations.filter((v) => v.severity === 'warning').length;
    expect(annexText).toContain('需要说明的情况');
    expect(docx.paragraphs.slice(annex).filter((p) => /^\d+\./.test(p.text))).toHaveLength(warnings);
    expect(body).not.toContain(f(FAIL_BANNER));
  });

  it('bannering a plan with fatal violations: 未通过检查,不得上报, the list marked as a draft, the violations named in Chinese', async () => {
    const handPlan = join(dir, 'bad.json');
    writeFileSync(handPlan, JSON.stringify({ name: '跨街道', stations: [['碧波', '东门'], ['湖滨', '罗芳', '羲龙', '新秀']] }));
    expect(await quietly(() => runEvaluate('luohu-2006', handPlan, { out: join(dir, 'bad'), json: false, quiet: true, map: false }))).toBe(1);
    const bad = await readDocx(readFileSync(join(dir, 'bad', 'plan.docx')));
    const badSummary = JSON.parse(readFileSync(join(dir, 'bad', 'summary.json'), 'utf8')) as PlanSummary;
    const first = bad.paragraphs.find((p) => p.text.trim() !== '')!;
    expect(bad.headers.length).toBeGreaterThanOrEqual(2);
    for (const h of bad.headers) expect(h).toBe(f(FAIL_BANNER));
    expect(docx.headers).toEqual([]);
    expect(first.text).toBe(f(FAIL_BANNER));
    expect(first.text).toBe('未通过检查\uFF0C不得上报');
    expect(first.color).toBe('C00000');
    const texts = bad.paragraphs.map((p) => p.text);
    expect(texts).toContain(f('五、整合方案(草案,未通过检查)'));
    expect(texts.join('\n')).not.toMatch(/调整合并为\d+个社区工作站.具体如下/);
    const fatal = badSummary.checks.violations.filter((v) => v.severity === 'fatal');
    expect(fatal.length).toBeGreaterThan(0);
    expect(texts.join('\n')).toContain('碧波、东门社区工作站跨街道办事处设置');
    expect(texts.join('\n')).toContain('超过每站最多3个社区的规定');
    for (const t of texts) expect(t).not.toMatch(/[A-Za-z]/);
    // plan.zh.md says the same, in Chinese, without ids
    const md = readFileSync(join(dir, 'bad', 'plan.zh.md'), 'utf8');
    expect(md).toContain(`**${FAIL_BANNER}**`);
    expect(md).toContain('必须纠正:碧波、东门社区工作站跨街道办事处设置');
    expect(md.split('\n').slice(1).join('\n')).not.toMatch(/[A-Za-z]/);
  }, 60_000);

  it('defaults the title to "<dataset name>社区工作站整合方案" and takes the schedule and texts of the document block', async () => {
    const loaded = await loadScenario('luohu-2006');
    const outcome = makeOutcome(summary, loaded.dataset.committees);
    const base = { outcome, committees: loaded.dataset.committees, rules: loaded.scenario.rules, datasetName: '深圳市罗湖区' };
    const plain = makePlanDocument({ ...base, today: new Date(2006, 4, 20) });
    expect(plain.title).toBe('深圳市罗湖区社区工作站整合方案');
    expect(plain.date).toBe('2006-05-20');
    const steps = plain.sections.find((s) => s.heading === '九、实施步骤')!;
    expect(steps.blocks.map((b) => (b.kind === 'paragraph' ? b.text.slice(0, 40) : ''))[0]).toContain(f('(一)调查摸底、宣传发动阶段(2006年6月1日至7月31日)'));
    const custom = makePlanDocument({ ...base, settings: { title: '黄贝方案', purpose: ['甲,乙。'], schedule: [{ stage: '动员', from: '2007-01-02', to: '2008-03-04' }] } });
    expect(custom.title).toBe('黄贝方案');
    expect(custom.sections[0]!.blocks).toEqual([{ kind: 'paragraph', text: f('甲,乙。') }]);
    expect(custom.sections[8]!.blocks).toEqual([{ kind: 'paragraph', text: f('(一)动员(2007年1月2日至2008年3月4日)。') }]);
    expect(() => makePlanDocument({ ...base, settings: { date: '2006-13-01' } })).toThrow(/document.date.*2006-13-01/);
    expect(formatDateZh('2006-08-04')).toBe('2006年8月4日');
    expect(makeDefaultSchedule('2006-12-10').map((s) => [s.from, s.to])).toEqual([['2007-01-01', '2007-02-28'], ['2007-03-01', '2007-03-31'], ['2007-04-01', '2007-04-15']]);
  });
});

describe('titles', () => {
  it('a title longer than a line is split in two balanced lines after a word, never leaving one character', () => {
    expect(splitTitle('罗湖区社区工作站整合方案')).toEqual(['罗湖区社区工作站整合方案']);
    expect(splitTitle('关于黄贝街道办事处社区工作站整合方案的请示')).toEqual(['关于黄贝街道办事处', '社区工作站整合方案的请示']);
    const long = '关于清水河街道办事处与莲塘街道办事处社区工作站整合方案的请示';
    const lines = splitTitle(long);
    expect(lines.join('')).toBe(long);
    for (const l of lines) expect([...l].length).toBeGreaterThan(5);
  });
});

describe('plan.xlsx', () => {
  async function readBook(file: string): Promise<ExcelJS.Workbook> {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    return book;
  }

  it('has the six sheets with Chinese headers, frozen header rows, numbers as numbers equal to summary.json', async () => {
    const book = await readBook(join(dir, 'plan', 'plan.xlsx'));
    expect(book.worksheets.map((w) => w.name)).toEqual(['工作站', '社区', '设施达标', '人员', '党组织', '检查']);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      for (const h of headers) expect(h).not.toMatch(/[A-Za-z]{2}/);
    }
    const stations = summary.streetOffices.flatMap((o) => o.stations);
    const ws = book.getWorksheet('工作站')!;
    expect(ws.rowCount).toBe(stations.length + 1);
    const head = (ws.getRow(1).values as unknown[]);
    const col = (h: string) => head.indexOf(h);
    stations.forEach((s, i) => {
      const row = ws.getRow(i + 2);
      expect(row.getCell(col('户数')).value).toBe(s.households);
      expect(row.getCell(col('所辖社区')).value).toBe(s.committees.join('、'));
    });
    expect(ws.getColumn(col('所辖社区')).width).toBeGreaterThan(ws.getColumn(col('序号')).width!);
    const committees = book.getWorksheet('社区')!;
    expect(committees.rowCount - 1).toBe(stations.reduce((n, s) => n + s.committees.length, 0));
    const fac = book.getWorksheet('设施达标')!;
    const t = summary.checks.facilityTargets;
    const facHead = fac.getRow(1).values as unknown[];
    expect([2, 3, 4].map((r) => fac.getRow(r).getCell(facHead.indexOf('整合后达标工作站')).value)).toEqual([t.office.met, t.service.met, t.plaza.met]);
    const staff = book.getWorksheet('人员')!;
    for (const h of ['现有人员', '建议人员']) {
      let total = 0;
      staff.eachRow((row, n) => { if (n > 1) total += row.getCell((staff.getRow(1).values as unknown[]).indexOf(h)).value as number; });
      expect(total, h).toBe(summary.checks.staffAfter);
    }
    expect(book.getWorksheet('检查')!.rowCount - 1).toBe(summary.checks.violations.length);
  });

  it('--lang en gives English headers and English words', async () => {
    expect(await quietly(() => runPlan('luohu-2006', { out: join(dir, 'en'), json: false, quiet: true, map: false, lang: 'en' }))).toBe(0);
    const book = await readBook(join(dir, 'en', 'plan.xlsx'));
    expect(book.worksheets.map((w) => w.name)).toEqual(['stations', 'committees', 'facilities', 'staff', 'party', 'checks']);
    expect((book.getWorksheet('stations')!.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['no.', 'street office', 'committees']);
    const csv = readFileSync(join(dir, 'en', 'plan.csv'), 'utf8');
    expect(csv.slice(1, 40)).toMatch(/^station,streetOffice,committees,/);
  }, 60_000);
});

describe('CSV', () => {
  it('plan.csv has Chinese headers and words by default, one row per station', () => {
    const csv = readFileSync(join(dir, 'plan', 'plan.csv'), 'utf8');
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['工作站编号', '街道', '所辖社区']);
    expect(lines).toHaveLength(summary.stationsAfter + 1);
    expect(lines[1]).not.toMatch(/true|false/);
  });

  it('guards formula injection in every cell that starts with = + - @ TAB or CR; numbers stay numbers', () => {
    for (const s of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      const cell = formatCsvCell(s);
      expect(cell.replace(/^"/, '').startsWith("'"), JSON.stringify(s)).toBe(true);
    }
    expect(formatCsvCell(-5)).toBe('-5');
    expect(formatCsvCell('a,"b"')).toBe('"a,""b"""');
    expect(formatCsvCell(null)).toBe('');
    expect(formatCsv([['a', 1]], { bom: true })).toBe('\uFEFFa,1\r\n');
  });

  it('applies the guard to plan.csv (a committee named =cmd) and to the batch comparison.csv', async () => {
    const evil = structuredClone(summary);
    evil.streetOffices[0]!.stations[0]!.committees = ['=cmd|calc', '@x'];
    const csv = makePlanCsv(makeOutcome(evil, (await loadScenario('luohu-2006')).dataset.committees));
    expect(csv.split('\r\n')[1]).toContain(",'=cmd|calc、@x,");
    const row = { variation: '=1+1', dataset: '-x', values: [-0.5, '+y'], status: 'optimal', ms: 3, reason: '@r' } as unknown as ComparisonRow;
    const out = formatComparisonCsv([row], ['a', 'b']).split('\r\n')[1]!;
    expect(out.startsWith("'=1+1,'-x,-0.5,'+y,")).toBe(true);
    expect(out.endsWith(",'@r")).toBe(true);
  });
});
