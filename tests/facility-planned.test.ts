/**
 * Planned facility areas (年内可达标, seed 004 五(三)): read from the data (officePlanned,
 * servicePlanned, plazaPlanned, or any property the mapping names), pooled per station as the
 * facility rule says, reported beside the as-is figures in summary.json, plan.xlsx (设施达标) and
 * plan.docx (四、基本情况 and the annex table) — each read back and recomputed here from the committees.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCommittees } from '../geo/ingest.js';
import type { Committee } from '../geo/types.js';
import { loadScenario } from '../cli/load.js';
import { runPlan } from '../cli/plan-commands.js';
import { evaluatePlan, makePlanContext } from '../solver/pipeline.js';
import { FACILITY_KINDS, PLANNED_FIELDS, type FacilityKind, type PlanSummary } from '../solver/types.js';
import { readDocx, type DocxContent } from './helpers/docx-read.js';

const dir = mkdtempSync(join(tmpdir(), 'yizhan-planned-'));
const facts = JSON.parse(readFileSync(new URL('../scenarios/luohu-2006/facts.json', import.meta.url), 'utf8'));
const loaded = await loadScenario('luohu-2006');
const committees = loaded.dataset.committees;
const rules = loaded.scenario.rules;
const SEED_KEY: Record<FacilityKind, string> = { office: 'office', service: 'publicService', plaza: 'outdoorPlaza' };

/** Recomputed here, from the committees alone: the area a committee has once its plan is built. */
const after = (c: Committee, k: FacilityKind) => Math.max(c[k] ?? 0, c[PLANNED_FIELDS[k]] ?? 0);
const pool = (cs: Committee[], k: FacilityKind, area: (c: Committee) => number) =>
  rules.facilities[k].pooling === 'max' ? Math.max(...cs.map(area)) : cs.reduce((n, c) => n + area(c), 0);

let summary: PlanSummary;
let docx: DocxContent;
let book: ExcelJS.Workbook;

beforeAll(async () => {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await runPlan('luohu-2006', { out: dir, json: false, quiet: true, map: false })).toBe(0);
  } finally { err.mockRestore(); }
  summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  docx = await readDocx(readFileSync(join(dir, 'plan.docx')));
  book = new ExcelJS.Workbook();
  await book.xlsx.readFile(join(dir, 'plan.xlsx'));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planned facility areas in the data', () => {
  const square = (props: Record<string, unknown>) => ({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { id: 'a', name: 'A', streetOffice: 'X', households: 100, ...props },
      geometry: { type: 'Polygon', coordinates: [[[114, 22.5], [114.01, 22.5], [114.01, 22.51], [114, 22.51], [114, 22.5]]] } }],
  });

  it('reads officePlanned, servicePlanned, plazaPlanned, or the properties a mapping names; refuses text and negatives', () => {
    const r = readCommittees(square({ office: 120, officePlanned: 260, plazaPlanned: 1200 }));
    expect(r.ok).toBe(true);
    expect(r.dataset!.committees[0]).toMatchObject({ office: 120, officePlanned: 260, plazaPlanned: 1200 });
    expect(r.dataset!.committees[0]!.extra).toBeUndefined();
    const mapped = readCommittees(square({ 办公用房规划: 300 }), { mapping: { officePlanned: '办公用房规划' } });
    expect(mapped.dataset!.committees[0]!.officePlanned).toBe(300);
    const text = readCommittees(square({ officePlanned: '300' }));
    expect(text.problems.find((p) => p.severity === 'fatal')).toMatchObject({ code: 'office-planned-not-number', field: 'officePlanned' });
    const negative = readCommittees(square({ servicePlanned: -1 }));
    expect(negative.problems.find((p) => p.severity === 'fatal')).toMatchObject({ code: 'service-planned-negative', field: 'servicePlanned' });
  });

  it('the Luohu data carries the seed\'s counts: met, met within the year, hard to meet', () => {
    for (const k of FACILITY_KINDS) {
      const t = rules.facilities[k].threshold;
      const met = committees.filter((c) => (c[k] ?? 0) >= t).length;
      const within = committees.filter((c) => (c[k] ?? 0) < t && after(c, k) >= t).length;
      const seed = facts.currentSituation.facilities[SEED_KEY[k]];
      expect([met, within, committees.length - met - within], k).toEqual([seed.compliant, seed.compliantWithinYear, seed.hardToComply]);
    }
  });
});

describe('planned facility areas in the plan', () => {
  it('each station pools its members\' planned areas by the facility rule; summary.json counts both ways', () => {
    const byId = new Map(committees.map((c) => [c.id, c]));
    const stations = summary.streetOffices.flatMap((o) => o.stations);
    for (const s of stations) {
      const members = s.committeeIds.map((id) => byId.get(id)!);
      for (const k of FACILITY_KINDS) {
        expect(s[k]).toBe(pool(members, k, (c) => c[k] ?? 0));
        if (s.planned) expect(s.planned[k], `${s.id} ${k}`).toBe(pool(members, k, (c) => after(c, k)));
      }
      expect(s.planned !== undefined).toBe(members.some((c) => FACILITY_KINDS.some((k) => c[PLANNED_FIELDS[k]] !== undefined)));
    }
    const planned = summary.checks.facilityTargetsPlanned!;
    for (const k of FACILITY_KINDS) {
      const t = rules.facilities[k].threshold;
      const met = stations.filter((s) => pool(s.committeeIds.map((id) => byId.get(id)!), k, (c) => after(c, k)) >= t).length;
      expect(planned[k].met, k).toBe(met);
      expect(planned[k].met).toBeGreaterThanOrEqual(summary.checks.facilityTargets[k].met);
      expect(planned[k].share).toBeCloseTo(met / stations.length, 12);
    }
    // the office pools by max: planned areas lift several stations over 200 m² in Luohu
    expect(planned.office.met).toBeGreaterThan(summary.checks.facilityTargets.office.met);
  });

  it('a dataset without planned areas keeps the summary as it was: no planned fields', () => {
    const bare = committees.map((c) => {
      const { officePlanned: _o, servicePlanned: _s, plazaPlanned: _p, ...rest } = c;
      return rest;
    });
    const outcome = evaluatePlan(makePlanContext({ name: 'bare', committees: bare }, loaded.scenario), []);
    expect(outcome.summary.checks.facilityTargetsPlanned).toBeUndefined();
    expect(outcome.stations.some((s) => s.planned !== undefined)).toBe(false);
  });

  it('plan.xlsx 设施达标: committees met / within the year / hard, and stations met with the planned areas', () => {
    const sheet = book.getWorksheet('设施达标')!;
    const head = sheet.getRow(1).values as unknown[];
    const cell = (row: number, h: string) => sheet.getRow(row).getCell(head.indexOf(h)).value;
    FACILITY_KINDS.forEach((k, i) => {
      const seed = facts.currentSituation.facilities[SEED_KEY[k]];
      expect([cell(i + 2, '已达标社区'), cell(i + 2, '年内可达标社区'), cell(i + 2, '年内较难达标社区')], k)
        .toEqual([seed.compliant, seed.compliantWithinYear, seed.hardToComply]);
      expect(cell(i + 2, '整合后达标工作站')).toBe(summary.checks.facilityTargets[k].met);
      expect(cell(i + 2, '计入年内可达标后达标工作站')).toBe(summary.checks.facilityTargetsPlanned![k].met);
      expect(cell(i + 2, '计入后比例')).toBeCloseTo(summary.checks.facilityTargetsPlanned![k].share, 12);
    });
    const cs = book.getWorksheet('社区')!;
    const csHead = cs.getRow(1).values as unknown[];
    const withPlan = committees.filter((c) => c.officePlanned !== undefined).length;
    let n = 0;
    cs.eachRow((row, r) => { if (r > 1 && typeof row.getCell(csHead.indexOf('办公用房年内可达(㎡)')).value === 'number') n++; });
    expect(n).toBe(withPlan);
  });

  it('plan.docx: 四、基本情况 gives the three counts per facility and the stations met both ways; the annex table has both', () => {
    const texts = docx.paragraphs.map((p) => p.text);
    const start = texts.indexOf('四、基本情况');
    const end = texts.indexOf('五、整合方案');
    const basic = texts.slice(start, end).join('');
    const numbers = (s: string) => (s.match(/\d+(?:\.\d+)?/g) ?? []).map(Number);
    for (const k of FACILITY_KINDS) {
      const seed = facts.currentSituation.facilities[SEED_KEY[k]];
      const clause = basic.split(/[;；。]/).find((c) => c.includes(['办公用房', '公共服务设施', '户外文体广场'][FACILITY_KINDS.indexOf(k)]!) && c.includes('年内'))!;
      expect(numbers(clause).slice(1), k).toEqual([seed.compliant, seed.compliantWithinYear, seed.hardToComply]);
    }
    const table = docx.tables.find((t) => t[0]!.includes('计入年内可达标'))!;
    expect(table).toBeDefined();
    const col = table[0]!.indexOf('计入年内可达标');
    expect(table.slice(1).map((r) => Number(r[col]))).toEqual(FACILITY_KINDS.map((k) => summary.checks.facilityTargetsPlanned![k].met));
    const met = table[0]!.indexOf('达标工作站');
    expect(table.slice(1).map((r) => Number(r[met]))).toEqual(FACILITY_KINDS.map((k) => summary.checks.facilityTargets[k].met));
  });
});
