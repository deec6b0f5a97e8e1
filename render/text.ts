/**
 * The plan text a street office submits, in the phrasing of seed 004 (罗湖区 2006, section 六):
 * "(一)黄贝街道办事处从原来13个社区工作站整合为10个社区工作站,分别是:1.合并碧波、湖滨社区工作站,
 * 合并后为一站两居;…;4.保留水库、怡景、…7个社区工作站。"
 */
import type { StreetOfficePlan } from '../solver/types.js';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** Chinese numeral for 1–99 as used in section numbers: 一, 十, 十一, 二十三. */
export function formatChineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`formatChineseNumber: expected a non-negative integer, got ${n}`);
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 === 0 ? '' : DIGITS[n % 10]}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 === 0 ? '' : DIGITS[n % 10]}`;
  return String(n);
}

/** 一站两居, 一站三居 …: two is 两 when counting. */
export function formatStationSize(n: number): string {
  return `一站${n === 2 ? '两' : formatChineseNumber(n)}居`;
}

/** 黄贝 → 黄贝街道办事处; names that already say 街道 or 街道办事处 keep it. */
export function formatStreetOfficeName(name: string): string {
  if (name.endsWith('街道办事处')) return name;
  if (name.endsWith('街道')) return `${name}办事处`;
  return `${name}街道办事处`;
}

/**
 * The items of one street office, in order: merges first (in the order of their first committee
 * in the data), then one item keeping every station that stays as it is.
 */
export function makeStreetOfficeItems(office: StreetOfficePlan, isUnchanged: (committeeIds: string[]) => boolean) {
  const merges = office.stations.filter((s) => !isUnchanged(s.committeeIds));
  const kept = office.stations.filter((s) => isUnchanged(s.committeeIds));
  return { merges, kept };
}

/**
 * One paragraph per street office, numbered (一)(二)…, in the seed's phrasing.
 * @param isUnchanged true for a station that is one existing station as it stands (保留).
 */
export function makePlanTextZh(offices: readonly StreetOfficePlan[], isUnchanged: (committeeIds: string[]) => boolean): string {
  return offices
    .map((office, i) => {
      const { merges, kept } = makeStreetOfficeItems(office, isUnchanged);
      const items: string[] = merges.map((s) => `合并${s.committees.join('、')}社区工作站,合并后为${formatStationSize(s.committees.length)}`);
      const keptSingles = kept.filter((s) => s.committees.length === 1);
      const keptShared = kept.filter((s) => s.committees.length > 1);
      for (const s of keptShared) items.push(`保留${s.committees.join('、')}社区工作站(${formatStationSize(s.committees.length)})不变`);
      if (keptSingles.length === 1) items.push(`保留${keptSingles[0]!.committees[0]}社区工作站`);
      else if (keptSingles.length > 1) items.push(`保留${keptSingles.map((s) => s.committees[0]).join('、')}${keptSingles.length}个社区工作站`);
      const head = `(${formatChineseNumber(i + 1)})${formatStreetOfficeName(office.name)}`;
      const change =
        office.stationsAfter < office.stationsBefore
          ? `从原来${office.stationsBefore}个社区工作站整合为${office.stationsAfter}个社区工作站`
          : `维持原来${office.stationsBefore}个社区工作站不变`;
      return `${head}${change},分别是:${items.map((t, k) => `${k + 1}.${t}`).join(';')}。`;
    })
    .join('\n');
}

/** The same plan in English, for reviewers who do not read Chinese. */
export function makePlanTextEn(offices: readonly StreetOfficePlan[], isUnchanged: (committeeIds: string[]) => boolean): string {
  return offices
    .map((office, i) => {
      const { merges, kept } = makeStreetOfficeItems(office, isUnchanged);
      const items = merges.map((s) => `merge the workstations of ${s.committees.join(', ')} into one station serving ${s.committees.length} committees`);
      if (kept.length > 0) items.push(`keep ${kept.map((s) => s.committees.join(' + ')).join(', ')} (${kept.length} station${kept.length === 1 ? '' : 's'}) as they are`);
      const change =
        office.stationsAfter < office.stationsBefore
          ? `from ${office.stationsBefore} to ${office.stationsAfter} community workstations`
          : `keeps its ${office.stationsBefore} community workstations`;
      return `(${i + 1}) ${office.name} street office: ${change}: ${items.map((t, k) => `${k + 1}. ${t}`).join('; ')}.`;
    })
    .join('\n');
}
