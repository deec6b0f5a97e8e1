/**
 * Parses plan text in the phrasing of seed 004 (section 六) into station lists, so that the
 * text yizhan writes can be compared with the published one station for station. Tolerates
 * the seed's own slips (a repeated item number in 南湖, a missing count in 桂园).
 */
export interface ParsedStreetOffice {
  office: string;
  before: number;
  after: number;
  merges: string[][];
  keep: string[];
}

export function parseSeedPlanText(text: string): ParsedStreetOffice[] {
  const out: ParsedStreetOffice[] = [];
  const para = /[(（][一二三四五六七八九十]+[)）](.+?)街道办事处从原来(\d+)个社区工作站整合为(\d+)个社区工作站[,，]分别是[:：](.+?)。/g;
  for (const m of text.matchAll(para)) {
    const items = m[4]!.split(/[;；]/).map((s) => s.replace(/^\d+\./, ''));
    const merges: string[][] = [];
    const keep: string[] = [];
    for (const item of items) {
      const merge = /^合并(.+?)社区工作站[,，]合并后为一站.居$/.exec(item);
      const kept = /^保留(.+?)(\d+个)?社区工作站$/.exec(item);
      if (merge) merges.push(merge[1]!.split('、'));
      else if (kept) keep.push(...kept[1]!.split('、'));
      else throw new Error(`unparsed item in ${m[1]}: ${item}`);
    }
    out.push({ office: m[1]!, before: Number(m[2]), after: Number(m[3]), merges, keep });
  }
  return out;
}
