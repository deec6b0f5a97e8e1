/**
 * The staffing model: the district total stays fixed; `members` keeps each committee's staff,
 * `shandong` shares the total by households (one worker per 300–400 households as the yardstick).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { loadHandPlan, loadScenario } from '../cli/load.js';
import { runEvaluate } from '../cli/plan-commands.js';
import { makePlanDocument } from '../render/plan-document.js';
import { calcStaffNorm, makeStaffingProposal, shareByLargestRemainder } from '../solver/staffing.js';
import { makeScenario } from '../scenarios/resolve.js';
import { evaluatePlan, makePlanContext } from '../solver/pipeline.js';
import type { PlanSummary } from '../solver/types.js';

const loaded = await loadScenario('luohu-2006');
const hand = [['LH-HB-01', 'LH-HB-02'], ['LH-HB-03', 'LH-HB-04']];
const outcome = evaluatePlan(makePlanContext(loaded.dataset, loaded.scenario), hand);
/** The same plan made under the Shandong rule: the proposal is made with the plan (stations' staffProposed). */
const shandongOutcome = evaluatePlan(makePlanContext(loaded.dataset, { ...loaded.scenario, rules: { ...loaded.scenario.rules, staffing: 'shandong' } }), hand);

describe('staffing', () => {
  it('shares a total in whole numbers by weight: the sum kept, everyone at least the floor, larger weights never get less', () => {
    const shares = shareByLargestRemainder(10, [1, 1, 1]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(10);
    expect(shares.sort()).toEqual([3, 3, 4]);
    const weights = [8020, 3000, 12000, 450, 7000];
    const s = shareByLargestRemainder(37, weights, 1);
    expect(s.reduce((a, b) => a + b, 0)).toBe(37);
    for (const x of s) expect(x).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < weights.length; i++) for (let j = 0; j < weights.length; j++) if (weights[i]! > weights[j]!) expect(s[i]!).toBeGreaterThanOrEqual(s[j]!);
    expect(shareByLargestRemainder(2, [5, 5, 5], 1).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('members: each station keeps its members\' staff; shandong: the same total shared by households', () => {
    const total = outcome.stations.reduce((n, s) => n + s.staff, 0);
    const keep = makeStaffingProposal(outcome);
    expect(keep.rule).toBe('members');
    expect(keep.stations.every((x) => x.proposed === x.station.staff && x.change === 0)).toBe(true);
    const norm = makeStaffingProposal(shandongOutcome, 'shandong');
    expect(norm.stations.some((x) => x.change !== 0)).toBe(true);
    expect(norm.stations.map((x) => x.proposed)).toEqual(shandongOutcome.stations.map((s) => s.staffProposed));
    expect(norm.stations.reduce((n, x) => n + x.proposed, 0)).toBe(total);
    expect(norm.stations.reduce((n, x) => n + x.change, 0)).toBe(0);
    for (const x of norm.stations) {
      expect(x.proposed).toBeGreaterThanOrEqual(1);
      expect(x.norm).toEqual(calcStaffNorm(x.station.households));
      expect(x.shortfall).toBe(Math.max(0, Math.ceil(x.station.households / 400) - x.proposed));
    }
    expect([norm.headsBefore, norm.headsAfter]).toEqual([outcome.summary.stationsBefore, outcome.stations.length]);
  });

  it('is a scenario rule (rules.staffing) and 六、人员安置 is written from it', () => {
    const made = makeScenario({ name: 'x', rules: { staffing: 'shandong' } });
    expect(made.scenario!.rules.staffing).toBe('shandong');
    expect(makeScenario({ name: 'x', rules: { staffing: 'per-capita' } }).scenario).toBeUndefined();
    const doc = (staffing: 'members' | 'shandong') => makePlanDocument({
      outcome: staffing === 'members' ? outcome : shandongOutcome, committees: loaded.dataset.committees, datasetName: 'x', rules: { ...loaded.scenario.rules, staffing },
    });
    const text = (d: ReturnType<typeof doc>) => d.sections.find((s) => s.heading === '六、人员安置')!.blocks.map((b) => (b.kind === 'paragraph' ? b.text : '')).join('');
    expect(text(doc('members'))).toContain('各工作站人员为所辖社区原有人员之和');
    const moved = makeStaffingProposal(shandongOutcome, 'shandong').stations.filter((x) => x.change !== 0).length;
    expect(text(doc('shandong'))).toContain(`需调整人员的工作站${moved}个`);
    const table = doc('shandong').annexes[0]!.blocks[0]!;
    if (table.kind !== 'table') throw new Error('no table');
    const col = table.table.columns.findIndex((c) => c.header === '人员');
    expect(table.table.rows.map((r) => r[col])).toEqual(makeStaffingProposal(shandongOutcome, 'shandong').stations.map((x) => x.proposed));
  });
});

describe('party organisation thresholds (rules.party)', () => {
  it('default 3 / 50 / 100; other thresholds change each station\'s organisation, the changes and the document\'s wording', () => {
    const made = makeScenario({ name: 'p', rules: { party: { branch: 3, generalBranch: 200, committee: 400 } } });
    expect(made.scenario!.rules.party).toEqual({ branch: 3, generalBranch: 200, committee: 400 });
    expect(makeScenario({ name: 'p', rules: { party: { branch: 3 } } }).scenario).toBeUndefined();
    const strict = evaluatePlan(makePlanContext(loaded.dataset, { ...loaded.scenario, rules: made.scenario!.rules }), hand);
    for (const [a, b] of outcome.stations.map((s, i) => [s, strict.stations[i]!] as const)) {
      const expected = b.partyMembers >= 400 ? 'committee' : b.partyMembers >= 200 ? 'general-branch' : b.partyMembers >= 3 ? 'branch' : 'none';
      expect(b.party).toBe(expected);
      expect(a.party).toBe(a.partyMembers >= 100 ? 'committee' : a.partyMembers >= 50 ? 'general-branch' : a.partyMembers >= 3 ? 'branch' : 'none');
    }
    expect(strict.stations.some((s, i) => s.party !== outcome.stations[i]!.party)).toBe(true);
    const doc = makePlanDocument({ outcome: strict, committees: loaded.dataset.committees, datasetName: 'x', rules: made.scenario!.rules });
    const seven = doc.sections.find((s) => s.heading === '七、党组织设置')!.blocks.map((b) => (b.kind === 'paragraph' ? b.text : '')).join('');
    expect(seven).toContain('200名以上设立总支');
    expect(seven).toContain('400名以上设立党委');
  });
});

describe('staffing: the total stays fixed, and the check says so when a plan breaks it', () => {
  const ctx = makePlanContext(loaded.dataset, loaded.scenario);
  const plan2006 = JSON.parse(readFileSync(new URL('../scenarios/luohu-2006/plan-2006.json', import.meta.url), 'utf8')) as { stations: string[][] };
  const byName = new Map(loaded.dataset.committees.map((c) => [c.name, c.id]));
  const groups = plan2006.stations.map((g) => g.map((n) => byName.get(n)!));
  const staffOf = (ids: readonly string[]) => ids.reduce((n, id) => n + (loaded.dataset.committees.find((c) => c.id === id)!.staff ?? 0), 0);
  const staffRule = (o: ReturnType<typeof evaluatePlan>) => o.summary.checks.violations.filter((v) => v.rule === 'staff-total-changed');

  it('shandong shares each street office\'s own staff among its stations (workers do not cross street offices)', () => {
    const shandong = evaluatePlan(makePlanContext(loaded.dataset, { ...loaded.scenario, rules: { ...loaded.scenario.rules, staffing: 'shandong' } }), groups);
    for (const office of shandong.summary.streetOffices) {
      expect(office.stations.reduce((n, s) => n + s.staffProposed!, 0), office.name).toBe(office.stations.reduce((n, s) => n + s.staff, 0));
    }
    expect(staffRule(shandong)).toEqual([]);
    expect(shandong.summary.checks.staffAfter).toBe(shandong.summary.checks.staffBefore);
  });

  it('a street office\'s own assignment that moves workers between stations keeps the total: no violation', () => {
    const a = staffOf(groups[0]!), b = staffOf(groups[1]!);
    const moved = evaluatePlan(ctx, groups, [a - 2, b + 2]);
    expect(staffRule(moved)).toEqual([]);
    const [sa, sb] = [groups[0]!, groups[1]!].map((g) => moved.stations.find((s) => s.committeeIds.includes(g[0]!))!);
    expect([sa!.staffProposed, sb!.staffProposed]).toEqual([a - 2, b + 2]);
    expect(makeStaffingProposal(moved).stations.filter((x) => x.change !== 0).map((x) => x.change).sort()).toEqual([-2, 2]);
  });

  it('an assignment that changes the total fails the staff-unchanged check (fatal), in summary.json and the document', () => {
    const a = staffOf(groups[0]!);
    const more = evaluatePlan(ctx, groups, [a + 3]);
    const v = staffRule(more);
    expect(v.map((x) => x.severity)).toEqual(['fatal']);
    expect(more.fatal).toBe(true);
    expect(more.summary.checks.staffAfter - more.summary.checks.staffBefore).toBe(3);
    const doc = makePlanDocument({ outcome: more, committees: loaded.dataset.committees, datasetName: 'x', rules: loaded.scenario.rules });
    const six = doc.sections.find((s) => s.heading === '六、人员安置')!.blocks.map((b) => (b.kind === 'paragraph' ? b.text : '')).join('');
    expect(six).toContain(`由${more.summary.checks.staffBefore}名变为${more.summary.checks.staffAfter}名`);
  });
});

describe('staffing in a plan file (yizhan evaluate)', () => {
  it('reads "staff" beside "stations"; a total that changes makes the plan fail (exit 1), the 人员 sheet read back shows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-staff-'));
    try {
      const file = join(dir, 'plan.json');
      const staff = (outcome.stations.find((s) => s.committeeIds.includes('LH-HB-01'))!.staff) + 4;
      writeFileSync(file, JSON.stringify({ stations: hand, staff: [staff, null] }));
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      let code: number;
      try { code = await runEvaluate('luohu-2006', file, { out: join(dir, 'out'), json: false, quiet: true, map: false }); } finally { err.mockRestore(); out.mockRestore(); }
      expect(code).toBe(1);
      const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as PlanSummary;
      expect(summary.checks.violations.filter((v) => v.rule === 'staff-total-changed').map((v) => v.severity)).toEqual(['fatal']);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(join(dir, 'out', 'plan.xlsx'));
      const sheet = book.getWorksheet('人员')!;
      const head = sheet.getRow(1).values as unknown[];
      let now = 0, proposed = 0;
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        now += row.getCell(head.indexOf('现有人员')).value as number;
        proposed += row.getCell(head.indexOf('建议人员')).value as number;
      });
      expect([now, proposed]).toEqual([summary.checks.staffBefore, summary.checks.staffAfter]);
      expect(proposed - now).toBe(4);

      writeFileSync(file, JSON.stringify({ stations: hand, staff: [3, -1] }));
      await expect(Promise.resolve().then(() => loadHandPlan(file, loaded.dataset))).rejects.toMatchObject({ details: [expect.stringContaining('field staff[1]')] });
      writeFileSync(file, JSON.stringify({ stations: hand, staff: [3] }));
      expect(() => loadHandPlan(file, loaded.dataset)).toThrow(/does not fit/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('an existing station split by a plan', () => {
  it('is one fatal violation naming all its committees in dataset order and the stations it went to', () => {
    const office = loaded.dataset.committees[0]!.streetOffice;
    const ids = loaded.dataset.committees.filter((c) => c.streetOffice === office).slice(0, 3).map((c) => c.id);
    // the first three committees of the office share one station today
    const dataset = { ...loaded.dataset, committees: loaded.dataset.committees.map((c) => (ids.includes(c.id) ? { ...c, station: 'S-1' } : c)) };
    const split = evaluatePlan(makePlanContext(dataset, loaded.scenario), [[ids[0]!, ids[1]!], [ids[2]!]]);
    const found = split.summary.checks.violations.filter((v) => v.rule === 'existing-station-split');
    const names = ids.map((id) => dataset.committees.find((c) => c.id === id)!.name);
    expect(found).toEqual([{
      rule: 'existing-station-split', severity: 'fatal', station: `S-${ids[1]},S-${ids[2]}`,
      message: `committees ${names.join('、')} share a station today and may not be split (stations S-${ids[1]}, S-${ids[2]})`,
    }]);
    const kept = evaluatePlan(makePlanContext(dataset, loaded.scenario), [ids]);
    expect(kept.summary.checks.violations.some((v) => v.rule === 'existing-station-split')).toBe(false);
  });
});
