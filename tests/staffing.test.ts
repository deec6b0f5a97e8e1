/**
 * The staffing model: the district total stays fixed; `members` keeps each committee's staff,
 * `shandong` shares the total by households (one worker per 300–400 households as the yardstick).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { makePlanDocument } from '../render/plan-document.js';
import { calcStaffNorm, makeStaffingProposal, shareByLargestRemainder } from '../render/staffing.js';
import { makeScenario } from '../scenarios/resolve.js';
import { evaluatePlan, makePlanContext } from '../solver/pipeline.js';

const loaded = await loadScenario('luohu-2006');
const hand = [['LH-HB-01', 'LH-HB-02'], ['LH-HB-03', 'LH-HB-04']];
const outcome = evaluatePlan(makePlanContext(loaded.dataset, loaded.scenario), hand);

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
    const norm = makeStaffingProposal(outcome, 'shandong');
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
      outcome, committees: loaded.dataset.committees, datasetName: 'x', rules: { ...loaded.scenario.rules, staffing },
    });
    const text = (d: ReturnType<typeof doc>) => d.sections.find((s) => s.heading === '六、人员安置')!.blocks.map((b) => (b.kind === 'paragraph' ? b.text : '')).join('');
    expect(text(doc('members'))).toContain('各工作站人员为所辖社区原有人员之和');
    const moved = makeStaffingProposal(outcome, 'shandong').stations.filter((x) => x.change !== 0).length;
    expect(text(doc('shandong'))).toContain(`需调整人员的工作站${moved}个`);
    const table = doc('shandong').annexes[0]!.blocks[0]!;
    if (table.kind !== 'table') throw new Error('no table');
    const col = table.table.columns.findIndex((c) => c.header === '人员');
    expect(table.table.rows.map((r) => r[col])).toEqual(makeStaffingProposal(outcome, 'shandong').stations.map((x) => x.proposed));
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
