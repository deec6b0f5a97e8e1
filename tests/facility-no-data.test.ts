/**
 * Data without facility areas (census tracts, say): a facility kind that no committee has an area
 * of, as it is or planned, is reported as not in the data — one warning, no "0 of N stations" target
 * warnings, "—" or blank where a station's check would read ✗ — in summary.json, the terminal table,
 * plan.csv, plan.zh.md, plan.xlsx and plan.docx, each read back here. A kind that some committee has
 * keeps its check.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACILITY_KINDS, type PlanSummary } from '../solver/types.js';
import { readDocx, type DocxContent } from './helpers/docx-read.js';
import { ROOT, requireBuiltBin, yizhan, type CliRun } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'yizhan-no-facilities-'));
const luohu = JSON.parse(readFileSync(join(ROOT, 'scenarios/luohu-2006/committees.geojson'), 'utf8'));
const AREA_FIELDS = ['service', 'plaza', 'servicePlanned', 'plazaPlanned'];

/** Luohu's committees with service and plaza areas taken out (office kept), planned ones too. */
function writeScenario(): string {
  const features = luohu.features.map((f: { properties: Record<string, unknown> }) => ({
    ...f, properties: Object.fromEntries(Object.entries(f.properties).filter(([k]) => !AREA_FIELDS.includes(k))),
  }));
  writeFileSync(join(dir, 'committees.geojson'), JSON.stringify({ ...luohu, features }));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ name: 'no-facilities', dataset: 'committees.geojson' }));
  return file;
}

let run: CliRun;
let summary: PlanSummary;

beforeAll(async () => {
  requireBuiltBin();
  run = await yizhan('plan', writeScenario(), '--out', join(dir, 'out'), '--no-map');
  summary = JSON.parse(readFileSync(join(dir, 'out/summary.json'), 'utf8'));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a facility kind missing from the data', () => {
  it('summary.json: noData on the kinds no committee has, one facility-data-missing warning, no target warnings for them', () => {
    expect(run.code, run.stderr).toBe(0);
    const t = summary.checks.facilityTargets;
    expect(t.office.noData).toBeUndefined();
    expect(t.service.noData).toBe(true);
    expect(t.plaza.noData).toBe(true);
    const rules = summary.checks.violations.map((v) => v.rule);
    expect(rules.filter((r) => r === 'facility-data-missing')).toHaveLength(1);
    expect(rules).not.toContain('facility-target-service');
    expect(rules).not.toContain('facility-target-plaza');
    const missing = summary.checks.violations.find((v) => v.rule === 'facility-data-missing')!;
    expect(missing.severity).toBe('warning');
    expect(missing.message).toContain('public service facilities');
    expect(missing.message).toContain('outdoor plaza');
    expect(missing.message).not.toContain('office space');
    // office is in the data: its target is judged as before (luohu's offices fall short of 100%)
    expect(t.office.met).toBeGreaterThan(0);
    expect(rules).toContain('facility-target-office');
  });

  it('the terminal table: "—" for the missing kinds, the office area with its mark', () => {
    expect(run.stdout).toMatch(/facility targets: office \d+\/\d+ [\d.]+% \(target 100\.0%\), service not in the data, plaza not in the data/);
    const firstStation = summary.streetOffices[0]!.stations[0]!;
    const row = run.stdout.split('\n').find((l) => l.startsWith(firstStation.committees.join('、')))!;
    expect(row).toBeDefined();
    expect(row).toMatch(new RegExp(`${firstStation.office.toLocaleString('en-US')} [✓✗]\\s+—\\s+—`));
  });

  it('plan.csv: the missing kinds\' check columns blank, the office one 是/否', () => {
    const rows = readFileSync(join(dir, 'out/plan.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split('\n').map((l) => l.split(','));
    const head = rows[0]!;
    for (const row of rows.slice(1)) {
      expect(row[head.indexOf('服务设施达标')]).toBe('');
      expect(row[head.indexOf('广场达标')]).toBe('');
      expect(['是', '否']).toContain(row[head.indexOf('办公用房达标')]);
    }
  });

  it('plan.zh.md: the missing kinds read 未检查, the office line its count', () => {
    const md = readFileSync(join(dir, 'out/plan.zh.md'), 'utf8');
    expect(md).toContain('- 公共服务设施达标的工作站: 数据中没有此项,未检查');
    expect(md).toContain('- 户外文体广场达标的工作站: 数据中没有此项,未检查');
    expect(md).toContain(`- 办公用房≥200㎡的工作站: ${summary.checks.facilityTargets.office.met}/${summary.stationsAfter}`);
  });

  it('plan.xlsx: 设施达标 says 无数据 and leaves the counts blank for the missing kinds; 工作站 leaves their checks blank', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'out/plan.xlsx'));
    const sheet = book.getWorksheet('设施达标')!;
    const head = sheet.getRow(1).values as unknown[];
    const cell = (row: number, h: string) => sheet.getRow(row).getCell(head.indexOf(h)).value;
    FACILITY_KINDS.forEach((k, i) => {
      const t = summary.checks.facilityTargets[k];
      if (t.noData) {
        expect(cell(i + 2, '达到目标'), k).toBe('无数据');
        expect(cell(i + 2, '整合后达标工作站'), k).toBeNull();
        expect(cell(i + 2, '已达标社区'), k).toBeNull();
      } else {
        expect(cell(i + 2, '整合后达标工作站'), k).toBe(t.met);
      }
      expect(cell(i + 2, '整合后工作站'), k).toBe(summary.stationsAfter);
    });
    const stations = book.getWorksheet('工作站')!;
    const sHead = stations.getRow(1).values as unknown[];
    stations.eachRow((row, r) => {
      if (r === 1) return;
      expect(row.getCell(sHead.indexOf('服务设施达标')).value).toBeNull();
      expect(['是', '否']).toContain(row.getCell(sHead.indexOf('办公用房达标')).value);
    });
  });

  it('plan.docx: 四、基本情况 and the annex say the areas are not in the data; the annex table reads 无数据', async () => {
    const docx: DocxContent = await readDocx(readFileSync(join(dir, 'out/plan.docx')));
    const texts = docx.paragraphs.map((p) => p.text).join('\n');
    // the document sets Chinese punctuation full-width
    expect(texts).toContain('数据中没有各社区的公共服务设施面积，未作统计');
    expect(texts).toContain('数据中没有各社区的户外文体广场面积，未作统计');
    expect(texts).toContain('数据中没有各社区的公共服务设施、户外文体广场面积，相应的设施达标情况未作检查。');
    const table = docx.tables.find((t) => t[0]!.includes('达标工作站'))!;
    const met = table[0]!.indexOf('达标工作站');
    expect(table.slice(1).map((r) => r[met])).toEqual([String(summary.checks.facilityTargets.office.met), '无数据', '无数据']);
  });

  it('data with every kind (luohu-2006 as it is) has no noData and no facility-data-missing', async () => {
    const full = await yizhan('plan', 'luohu-2006', '--out', join(dir, 'full'), '--no-map', '--quiet');
    expect(full.code, full.stderr).toBe(0);
    const s: PlanSummary = JSON.parse(readFileSync(join(dir, 'full/summary.json'), 'utf8'));
    for (const k of FACILITY_KINDS) expect(s.checks.facilityTargets[k].noData, k).toBeUndefined();
    expect(s.checks.violations.map((v) => v.rule)).not.toContain('facility-data-missing');
  }, 120_000);
});
