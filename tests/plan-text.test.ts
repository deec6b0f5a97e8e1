import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatChineseNumber, formatStationSize, formatStreetOfficeName, makePlanTextZh } from '../render/text.js';
import type { Station, StreetOfficePlan } from '../solver/types.js';
import { parseSeedPlanText } from './helpers/seed-plan-text.js';

const seedText = readFileSync(new URL('../scenarios/luohu-2006/seed-004-plan.txt', import.meta.url), 'utf8');

function station(names: string[]): Station {
  return {
    id: `S-${names[0]}`, streetOffice: 'x', committeeIds: names, committees: names, host: names[0]!, households: 0, population: 0, office: 0,
    service: 0, plaza: 0, staff: 0, partyMembers: 0, party: 'none', areaM2: 0, enclaveLinks: [],
    checks: { households: 'ok', office: true, service: true, plaza: true, contiguous: true }, cost: 0,
  };
}

describe('plan text in the phrasing of seed 004', () => {
  it('numbers sections the Chinese way', () => {
    expect([1, 9, 10, 11, 20, 23, 99].map(formatChineseNumber)).toEqual(['一', '九', '十', '十一', '二十', '二十三', '九十九']);
    expect(formatStationSize(2)).toBe('一站两居');
    expect(formatStationSize(3)).toBe('一站三居');
    expect(formatStationSize(5)).toBe('一站五居');
    expect(formatStreetOfficeName('黄贝')).toBe('黄贝街道办事处');
    expect(formatStreetOfficeName('黄贝街道')).toBe('黄贝街道办事处');
    expect(formatStreetOfficeName('黄贝街道办事处')).toBe('黄贝街道办事处');
  });

  it('parses the published seed text into the 10 street offices of the facts file', () => {
    const facts = JSON.parse(readFileSync(new URL('../scenarios/luohu-2006/facts.json', import.meta.url), 'utf8'));
    const parsed = parseSeedPlanText(seedText);
    expect(parsed.map((p) => p.office)).toEqual(facts.streetOffices.map((s: { name: string }) => s.name));
    for (const [i, p] of parsed.entries()) {
      const f = facts.streetOffices[i];
      expect(p.merges).toEqual(f.merge);
      expect(p.keep).toEqual(f.keep);
      expect(p.after).toBe(f.after);
    }
  });

  it('writes the Huangbei paragraph exactly as the seed does', () => {
    const office: StreetOfficePlan = {
      name: '黄贝', stationsBefore: 13, stationsAfter: 10, solver: null,
      stations: [['碧波', '湖滨'], ['罗芳', '羲龙'], ['新秀', '新湖'], ['水库'], ['怡景'], ['新谊'], ['凤凰'], ['文华'], ['新兴'], ['黄贝岭']].map(station),
    };
    const text = makePlanTextZh([office], (ids) => ids.length === 1);
    const seedParagraph = seedText.split('\n').find((l) => l.startsWith('(一)'))!;
    expect(text).toBe(seedParagraph.trim());
  });

  it('writes a kept single station without a count, and an unchanged street office plainly', () => {
    const office: StreetOfficePlan = { name: '莲塘', stationsBefore: 2, stationsAfter: 2, solver: null, stations: [['畔山'], ['鹏兴']].map(station) };
    expect(makePlanTextZh([office], () => true)).toBe('(一)莲塘街道办事处维持原来2个社区工作站不变,分别是:1.保留畔山、鹏兴2个社区工作站。');
    const one: StreetOfficePlan = { name: '莲塘', stationsBefore: 3, stationsAfter: 2, solver: null, stations: [['畔山', '鹏兴'], ['莲花']].map(station) };
    expect(makePlanTextZh([one], (ids) => ids.length === 1)).toBe('(一)莲塘街道办事处从原来3个社区工作站整合为2个社区工作站,分别是:1.合并畔山、鹏兴社区工作站,合并后为一站两居;2.保留莲花社区工作站。');
  });

  it('round-trips through the seed parser', () => {
    const office: StreetOfficePlan = {
      name: '东晓', stationsBefore: 6, stationsAfter: 3, solver: null,
      stations: [['名地', '绿景'], ['港发', '木棉花', '木棉岭'], ['松泉']].map(station),
    };
    const parsed = parseSeedPlanText(makePlanTextZh([office], (ids) => ids.length === 1));
    expect(parsed).toEqual([{ office: '东晓', before: 6, after: 3, merges: [['名地', '绿景'], ['港发', '木棉花', '木棉岭']], keep: ['松泉'] }]);
  });
});
