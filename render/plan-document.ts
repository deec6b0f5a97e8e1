/**
 * The 方案 a district or street office submits, as a structured document model: title, sections
 * 一 to 十 in the order of seed 004 (罗湖区 2006), and annexes (附件) holding the station table and
 * the checks. Renderers (render/docx.ts) only lay it out; every word is chosen here.
 *
 * Nothing English and no internal ids: stations are named by their committees, rules by what they
 * say. A plan with fatal violations carries the banner 未通过检查,不得上报 and its list reads as a
 * draft that failed, never as a merge to carry out.
 */
import { calcAreaM2 } from '../geo/measure.js';
import type { Committee, CommitteeType } from '../geo/types.js';
import { DEFAULT_PARTY_THRESHOLDS, calcPartyOrganisation, classifyFacility, hasPlannedArea, type FacilityStatus } from '../solver/figures.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { FACILITY_KINDS, type FacilityKind, type PartyOrganisation, type PartyThresholds, type Rules, type Station, type Violation } from '../solver/types.js';
import { STAFF_NORM_HOUSEHOLDS, calcStaffNorm, makeStaffingProposal, proposeStaff } from '../solver/staffing.js';
import { formatChineseNumber, formatStreetOfficeName, makePlanTextZh } from './text.js';

export { STAFF_NORM_HOUSEHOLDS, calcStaffNorm };

/** One stage of 九、实施步骤. Dates as YYYY-MM-DD. */
export interface ScheduleStage {
  stage: string;
  from: string;
  to: string;
  tasks?: string;
}

/**
 * The scenario's `document` block (scenarios/schema.ts): every field optional, defaults below.
 * Text blocks are lists of paragraphs.
 */
export interface PlanDocumentSettings {
  /** 方案 title; default "<dataset name>社区工作站整合方案". */
  title?: string;
  /** The district, e.g. 罗湖区; default: none (texts say 本区). */
  district?: string;
  /** Who issues the 方案; default the street office (one in scope) or the district government. */
  issuer?: string;
  /** 成文日期, YYYY-MM-DD; default today. */
  date?: string;
  /** 发文字号, e.g. 罗府〔2006〕45号. */
  documentNumber?: string;
  purpose?: string[];
  principles?: string[];
  safeguards?: string[];
  schedule?: ScheduleStage[];
}

export type TableCell = string | number;

export interface DocumentTable {
  columns: { header: string; numeric?: boolean; width?: number }[];
  rows: TableCell[][];
}

export type Block =
  /** (一)-level heading inside a section (楷体 in the layout). */
  | { kind: 'subheading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; caption: string; table: DocumentTable };

export interface DocumentSection {
  /** 一、目的意义 … with the numeral. */
  heading: string;
  blocks: Block[];
}

/**
 * Any official document the renderers lay out (GB/T 9704-2012 parts): 发文字号, title, 主送机关,
 * body sections, 附件说明, 署名, 成文日期 and the annexes.
 */
export interface OfficialDocument {
  title: string;
  /** 主送机关, e.g. 罗湖区人民政府 (rendered with a full-width colon). */
  recipient?: string;
  /** Present when the plan fails a fatal check: 未通过检查,不得上报. */
  banner?: string;
  issuer: string;
  /** YYYY-MM-DD. */
  date: string;
  documentNumber?: string;
  sections: DocumentSection[];
  /** 附件1 …: heading without the 附件N label (the renderer numbers them). */
  annexes: DocumentSection[];
  /** 附件说明 for attachments that are separate documents (the 方案 attached to a 请示). */
  attachmentNotes?: string[];
}

export interface PlanDocument extends OfficialDocument {
  /** True when the plan has no fatal violation and may be submitted. */
  valid: boolean;
}

export interface PlanDocumentInput {
  outcome: PlanOutcome;
  /** The dataset's committees (those outside the plan's street offices are ignored). */
  committees: readonly Committee[];
  datasetName: string;
  /** The rules the plan was made and checked with. */
  rules: Rules;
  settings?: PlanDocumentSettings;
  /** Today, for the default date. [new Date()] */
  today?: Date;
}

export const FAIL_BANNER = '未通过检查,不得上报';

const TYPE_ZH: Record<CommitteeType, string> = { upscale: '中高档社区', 'old-residential': '老住宅区社区', 'urban-village': '“城中村”社区', enclave: '“插花地”社区' };
export const PARTY_ZH: Record<PartyOrganisation, string> = { none: '不足以单独建立党组织', branch: '党支部', 'general-branch': '党总支', committee: '党委' };
const PARTY_RANK: Record<PartyOrganisation, number> = { none: 0, branch: 1, 'general-branch': 2, committee: 3 };
export const FACILITY_ZH: Record<FacilityKind, string> = { office: '办公用房', service: '公共服务设施', plaza: '户外文体广场' };
export const HOUSEHOLD_CHECK_ZH: Record<string, string> = { ok: '符合', under: '低于标准', over: '超过标准', exempt: '大型社区单独设站' };


const DEFAULT_PURPOSE = [
  '社区工作站与社区居委会一一对应设立以来,理顺了政府与社区居委会的关系,增强了基层的执行力。但不少社区工作站服务的户数偏少,与社区居委会的规模不相适应,办公和服务场地分散,资源难以统筹。',
  '整合社区工作站、推行“一站多居”,有利于夯实基层基础,形成社区建设的合力,提高社区管理和服务水平;有利于社区居委会回归群众性自治组织的本位,促进基层民主的发展。',
];

const DEFAULT_PRINCIPLES = [
  '坚持以人为本,按照“精简、集中、高效”的原则,以较小规模的社区居委会方便居民自治,以较大规模的社区工作站整合社区资源,合理配置办公、服务和活动场地。',
  '保留现有社区居委会,只对社区工作站进行调整合并,社区工作站只减不增。整合后的社区工作站是政府设在基层的服务平台,社区居委会承担自我管理、自我教育、自我服务和自我监督的任务。',
];

const DEFAULT_SAFEGUARDS = [
  '(一)加强组织领导。成立整合工作领导小组,统筹指导、协调、监督和检查整合工作;各街道办事处成立相应的领导小组,拟定本街道实施方案并组织实施。',
  '(二)做好人员稳定工作。做好社区工作站工作人员的宣传和思想教育工作,妥善安排人员,确保整合期间人心安定、队伍稳定、工作有序。',
  '(三)规范资产和经费管理。整合期间对原社区工作站的资产进行清理登记,严格执行财务规定,规范经费支出管理,接受审计和财政部门的监督检查。',
  '(四)明晰责任边界。整合后及时调整社区工作站的服务范围,明确各社区工作站的责任边界,并向社会公布。',
];

const FULL_WIDTH: Record<string, string> = { ',': '\uFF0C', ';': '\uFF1B', ':': '\uFF1A', '(': '\uFF08', ')': '\uFF09', '?': '\uFF1F', '!': '\uFF01' };

/**
 * Chinese text with full-width punctuation, as an official document prints it (the seeds, as
 * received, and the plan text keep the half-width forms). Dots stay: 1.合并, 1.5万.
 */
export function formatPunctuationZh(text: string): string {
  return text.replace(/[,;:()?!]/g, (c) => FULL_WIDTH[c]!);
}

/** The same document with every text in full-width punctuation. */
export function withFullWidthPunctuation<T extends OfficialDocument>(doc: T): T {
  const f = formatPunctuationZh;
  const blocks = (bs: Block[]): Block[] => bs.map((b) => b.kind === 'table'
    ? { ...b, caption: f(b.caption), table: { columns: b.table.columns.map((c) => ({ ...c, header: f(c.header) })), rows: b.table.rows.map((r) => r.map((v) => (typeof v === 'string' ? f(v) : v))) } }
    : { ...b, text: f(b.text) });
  const sections = (ss: DocumentSection[]) => ss.map((s) => ({ heading: f(s.heading), blocks: blocks(s.blocks) }));
  return {
    ...doc,
    title: f(doc.title),
    ...(doc.banner !== undefined ? { banner: f(doc.banner) } : {}),
    ...(doc.recipient !== undefined ? { recipient: f(doc.recipient) } : {}),
    sections: sections(doc.sections),
    annexes: sections(doc.annexes),
    ...(doc.attachmentNotes ? { attachmentNotes: doc.attachmentNotes.map(f) } : {}),
  };
}

/** YYYY-MM-DD of a date in local time. */
function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function parseIsoDate(s: string, what: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
  if (!m || !d || d.getMonth() !== Number(m[2]) - 1) throw new RangeError(`plan document: ${what} must be a date YYYY-MM-DD, got ${JSON.stringify(s)}`);
  return d;
}

/** 2006-08-14 → 2006年8月14日 (GB/T 9704: Arabic numerals, no leading zeros). */
export function formatDateZh(iso: string): string {
  const d = parseIsoDate(iso, 'date');
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

/**
 * The default timetable of seed 004 七 moved to the document's date: survey and publicity two
 * months from the first of the next month, implementation one month, inspection half a month.
 */
export function makeDefaultSchedule(dateIso: string): ScheduleStage[] {
  const d = parseIsoDate(dateIso, 'date');
  const start = new Date(d.getFullYear(), d.getMonth() + 1, 1);
  const day = (y: number, m: number, dd: number) => isoDate(new Date(y, m, dd));
  const y = start.getFullYear(), m = start.getMonth();
  return [
    { stage: '调查摸底、宣传发动阶段', from: day(y, m, 1), to: day(y, m + 2, 0), tasks: '掌握社区类型、规模、人员、资产等情况,广泛宣传,做到底子清、情况明。' },
    { stage: '组织实施阶段', from: day(y, m + 2, 1), to: day(y, m + 3, 0), tasks: '各街道办事处根据本方案拟定本街道具体实施方案并组织实施。' },
    { stage: '检查验收阶段', from: day(y, m + 3, 1), to: day(y, m + 3, 15), tasks: '检查组织实施情况,整合后办公用房、服务设施、户外广场的落实情况,以及党组织、工作站、居委会的建章立制情况。' },
  ];
}

function formatPeriodZh(from: string, to: string): string {
  const a = formatDateZh(from);
  const b = formatDateZh(to);
  // the second date drops the year when it is the same (2006年6月1日至7月31日)
  return `${a}至${from.slice(0, 4) === to.slice(0, 4) ? b.replace(/^\d+年/, '') : b}`;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const num = (x: number) => String(Math.round(x));

/** A station named as the seed does: 碧波、湖滨社区工作站. */
export function formatStationNameZh(s: Pick<Station, 'committees'>): string {
  return `${s.committees.join('、')}社区工作站`;
}

interface Bracket { label: string; test: (x: number) => boolean }

const POPULATION_BRACKETS: Bracket[] = [
  { label: '2万以上人口', test: (p) => p >= 20000 },
  { label: '1.5万至2万人口', test: (p) => p >= 15000 && p < 20000 },
  { label: '1万至1.5万人口', test: (p) => p >= 10000 && p < 15000 },
  { label: '0.5万至1万人口', test: (p) => p >= 5000 && p < 10000 },
  { label: '0.5万以下人口', test: (p) => p < 5000 },
];
const AREA_BRACKETS: Bracket[] = [
  { label: '2平方公里以上', test: (a) => a >= 2 },
  { label: '1平方公里至2平方公里', test: (a) => a >= 1 && a < 2 },
  { label: '0.5平方公里至1平方公里', test: (a) => a >= 0.5 && a < 1 },
  { label: '0.2平方公里至0.5平方公里', test: (a) => a >= 0.2 && a < 0.5 },
  { label: '0.2平方公里以下', test: (a) => a < 0.2 },
];

function countBrackets(values: number[], brackets: Bracket[]): { label: string; count: number }[] {
  return brackets.map((b) => ({ label: b.label, count: values.filter(b.test).length }));
}

/** The figures of 四、基本情况, from the committees in the plan's scope. */
export interface BasicFacts {
  committees: number;
  stationsBefore: number;
  types: { label: string; count: number }[];
  population: { label: string; count: number }[] | null;
  area: { label: string; count: number }[];
  /**
   * Committees by facility status (seed 004 五(三)): met today; not met today, of which `withinYear`
   * meet it with their planned area (年内可达标) and `hard` do not (年内较难达标); not reported.
   */
  facilities: Record<FacilityKind, { met: number; notMet: number; withinYear: number; hard: number; unknown: number }>;
  /** Whether any committee in scope has a planned area (the text then speaks of 年内可达标). */
  planned: boolean;
  staff: number;
  partyMembers: number;
}

export function makeBasicFacts(outcome: PlanOutcome, committees: readonly Committee[], rules: Rules): BasicFacts {
  const inScope = new Set(outcome.stations.flatMap((s) => s.committeeIds));
  const cs = committees.filter((c) => inScope.has(c.id));
  const typeCounts = new Map<string, number>();
  for (const c of cs) {
    const label = c.type ? TYPE_ZH[c.type] : '未注明类型的社区';
    typeCounts.set(label, (typeCounts.get(label) ?? 0) + 1);
  }
  const order = [...Object.values(TYPE_ZH), '未注明类型的社区'];
  const facilities = {} as BasicFacts['facilities'];
  for (const kind of FACILITY_KINDS) {
    const status = cs.map((c) => classifyFacility(c, kind, rules));
    const count = (s: FacilityStatus) => status.filter((x) => x === s).length;
    const withinYear = count('within-year'), hard = count('hard');
    facilities[kind] = { met: count('met'), notMet: withinYear + hard, withinYear, hard, unknown: count('unknown') };
  }
  const withPopulation = cs.filter((c) => c.population !== undefined);
  return {
    committees: cs.length,
    stationsBefore: outcome.summary.stationsBefore,
    types: order.filter((l) => typeCounts.has(l)).map((label) => ({ label, count: typeCounts.get(label)! })),
    population: withPopulation.length === cs.length && cs.length > 0 ? countBrackets(cs.map((c) => c.population!), POPULATION_BRACKETS) : null,
    area: countBrackets(cs.map((c) => calcAreaM2(c.geometry) / 1e6), AREA_BRACKETS),
    facilities,
    planned: cs.some(hasPlannedArea),
    staff: cs.reduce((n, c) => n + (c.staff ?? 0), 0),
    partyMembers: cs.reduce((n, c) => n + (c.partyMembers ?? 0), 0),
  };
}

/** One station's party organisation before (the strongest among its committees) and after. */
export interface PartyChange {
  station: Station;
  before: PartyOrganisation;
  after: PartyOrganisation;
}

/** Stations whose party organisation is upgraded by the merge (改设总支或党委, seed 004 六). */
export function makePartyChanges(outcome: PlanOutcome, committees: readonly Committee[], thresholds?: PartyThresholds): PartyChange[] {
  const byId = new Map(committees.map((c) => [c.id, c]));
  return outcome.stations
    .filter((s) => !outcome.isUnchanged(s.committeeIds))
    .map((s) => {
      const before = s.committeeIds
        .map((id) => calcPartyOrganisation(byId.get(id)?.partyMembers ?? 0, thresholds))
        .reduce<PartyOrganisation>((a, b) => (PARTY_RANK[b] > PARTY_RANK[a] ? b : a), 'none');
      return { station: s, before, after: s.party };
    })
    .filter((c) => PARTY_RANK[c.after] > PARTY_RANK[c.before]);
}


const stationIndexCache = new WeakMap<readonly Station[], Map<string, Station>>();

/** The plan's stations by id (the first of an id), made once per plan: a national plan has 70,000 stations and thousands of violations. */
function stationById(outcome: PlanOutcome, id: string): Station | undefined {
  let index = stationIndexCache.get(outcome.stations);
  if (!index) {
    index = new Map();
    for (const s of outcome.stations) if (!index.has(s.id)) index.set(s.id, s);
    stationIndexCache.set(outcome.stations, index);
  }
  return index.get(id);
}

/** A violation in Chinese, naming stations by their committees (never by id); thresholds named when `rules` are given. */
export function describeViolationZh(v: Violation, outcome: PlanOutcome, rules?: Rules): string {
  const station = v.station === undefined ? undefined : stationById(outcome, v.station);
  const name = station ? formatStationNameZh(station) : '有关社区工作站';
  const committee = v.committee ?? '有关社区';
  switch (v.rule) {
    case 'committee-duplicate': return `${committee}社区被编入两个社区工作站。`;
    case 'committee-missing': return `${committee}社区未编入任何社区工作站。`;
    case 'existing-station-split': return '现有同一社区工作站服务的社区被拆分到不同工作站,社区工作站只能合并,不得拆分。';
    case 'cross-street-office': return `${name}跨街道办事处设置,社区工作站的整合不跨街道办事处。`;
    case 'max-committees': return `${name}辖${station?.committees.length ?? '过多'}个社区,超过每站最多${rules ? `${rules.maxCommitteesPerStation}个` : '可辖'}社区的规定。`;
    case 'households-over': return `${name}服务${station ? num(station.households) : ''}户,超过每站${rules ? `${rules.households.max}户` : '户数'}的上限。`;
    case 'households-under': return `${name}服务${station ? num(station.households) : ''}户,低于每站${rules ? `${rules.households.min}户` : '户数'}的标准。`;
    case 'not-contiguous': return `${name}所辖社区地域不相连,不构成完整的服务区域。`;
    case 'enclave-link': return `${name}所辖社区之间无共同边界,经“插花地”就近合并。`;
    case 'self-contained-merged': return `${committee}社区为相对独立完整的大型社区,应单独设立社区工作站,不宜合并。`;
    case 'lock-separate': return `${name}包含了规划要求分设的社区。`;
    case 'lock-together': return '规划要求同站设置的社区被分到不同工作站。';
    case 'lock-keep': return `${committee}社区的工作站应保持不变,方案对其作了调整。`;
    case 'station-count-up': return `整合后社区工作站数量多于现有数量,社区工作站只减不增。`;
    case 'staff-total-changed': return `整合后工作人员总数由${outcome.summary.checks.staffBefore}名变为${outcome.summary.checks.staffAfter}名,人员总量应保持不变。`;
    case 'infeasible': return '在现行规则下找不到满足全部条件的整合方案。';
    case 'facility-data-missing': {
      const kinds = FACILITY_KINDS.filter((k) => outcome.summary.checks.facilityTargets[k].noData).map((k) => FACILITY_ZH[k]);
      return `数据中没有各社区的${kinds.join('、') || '设施'}面积,相应的设施达标情况未作检查。`;
    }
    default: {
      const m = /^facility-target-(office|service|plaza)$/.exec(v.rule);
      if (m) {
        const kind = m[1] as FacilityKind;
        const t = outcome.summary.checks.facilityTargets[kind];
        return `${FACILITY_ZH[kind]}${rules ? `达到${rules.facilities[kind].threshold}平方米以上` : '达标'}的工作站${t.met}个,占${pct(t.share)},低于${pct(t.target)}的目标。`;
      }
      return '方案不符合一项整合规则。';
    }
  }
}

/** A figure the data cannot give (a facility kind that no committee has an area of). */
const NO_DATA = '无数据';

function stationTable(outcome: PlanOutcome, staff: readonly number[]): DocumentTable {
  return {
    columns: [
      { header: '序号', numeric: true, width: 5 }, { header: '街道', width: 8 }, { header: '所辖社区', width: 22 },
      { header: '户数', numeric: true, width: 8 }, { header: '人口', numeric: true, width: 8 }, { header: '办公用房(㎡)', numeric: true, width: 9 },
      { header: '服务设施(㎡)', numeric: true, width: 9 }, { header: '广场(㎡)', numeric: true, width: 8 }, { header: '人员', numeric: true, width: 6 },
    ],
    rows: outcome.stations.map((s, i) => [
      i + 1, s.streetOffice, s.committees.join('、'), s.households, s.population, s.office, s.service, s.plaza, staff[i]!,
    ]),
  };
}

/**
 * The 方案 of a plan.
 * @param input.settings the scenario's `document` block; absent fields take the defaults above
 * @returns the document model, ready for render/docx.ts
 */
export function makePlanDocument(input: PlanDocumentInput): PlanDocument {
  const { outcome, committees, rules } = input;
  const settings = input.settings ?? {};
  const { summary } = outcome;
  const date = settings.date ?? isoDate(input.today ?? new Date());
  parseIsoDate(date, 'document.date');
  const district = settings.district ?? '';
  const area = district || '本区';
  const offices = summary.streetOffices;
  const single = offices.length === 1;
  const scopeName = single ? formatStreetOfficeName(offices[0]!.name) : area;
  const issuer = settings.issuer ?? (single ? formatStreetOfficeName(offices[0]!.name) : district ? `${district}人民政府` : '区人民政府');
  const title = settings.title ?? `${input.datasetName}社区工作站整合方案`;
  const fatal = summary.checks.violations.filter((v) => v.severity === 'fatal');
  const valid = fatal.length === 0 && !outcome.fatal;
  const facts = makeBasicFacts(outcome, committees, rules);
  const sections: DocumentSection[] = [];
  const p = (text: string): Block => ({ kind: 'paragraph', text });
  const sub = (text: string): Block => ({ kind: 'subheading', text });
  const section = (n: number, heading: string, blocks: Block[]) => sections.push({ heading: `${formatChineseNumber(n)}、${heading}`, blocks });

  section(1, '目的意义', (settings.purpose ?? DEFAULT_PURPOSE).map(p));
  section(2, '指导思想和工作原则', (settings.principles ?? DEFAULT_PRINCIPLES).map(p));

  // 三、整合标准: from the rules actually used
  const h = rules.households;
  const f = rules.facilities;
  const standards = [
    `(一)社区工作站的整合以社区人口规模为主要依据,一般以每个社区工作站辖常住人口${h.min}—${h.max}户为标准,并参考社区类型、面积等因素;相对独立完整、物业管理完善的大型社区,可以单独设立社区工作站。`,
    `(二)每个社区工作站所辖社区一般不超过${rules.maxCommitteesPerStation}个,保留现有社区居委会,社区工作站只减不增。`,
    `(三)社区工作站的整合不跨街道办事处,合并的社区应地域相连(共同边界不少于${rules.minSharedBorderMeters}米);与本街道其他社区均不相连的“插花地”社区,可与${rules.enclaveLinkMeters}米以内的社区就近合并。`,
    `(四)统筹考虑硬件设施达标情况,力争整合后拥有${f.office.threshold}平方米以上办公用房的社区工作站达到${pct(f.office.target)},拥有${f.service.threshold}平方米以上公共服务设施的达到${pct(f.service.target)},拥有${f.plaza.threshold}平方米以上户外文体广场的达到${pct(f.plaza.target)}。`,
    '(五)整合前后社区工作站工作人员总量保持不变,工作人员各项待遇和工作经费保持不变。',
  ];
  section(3, '整合标准', standards.map(p));

  // 四、基本情况
  const basic: Block[] = [];
  basic.push(sub('(一)社区类型。'));
  basic.push(p(`目前,${scopeName}共有${facts.committees}个社区居委会、${facts.stationsBefore}个社区工作站。按社区功能分类:${facts.types.map((t) => `${t.label}${t.count}个`).join(',')}。`));
  if (facts.population) basic.push(p(`按社区人口规模分类:${facts.population.map((b) => `${b.label}社区${b.count}个`).join(',')}。`));
  basic.push(p(`按社区面积规模分类:${facts.area.map((b) => `${b.label}社区${b.count}个`).join(',')}。`));
  basic.push(sub('(二)社区设施。'));
  basic.push(p(FACILITY_KINDS.map((k) => {
    const x = facts.facilities[k];
    if (summary.checks.facilityTargets[k].noData) return `数据中没有各社区的${FACILITY_ZH[k]}面积,未作统计`;
    const rest = facts.planned ? `,年内可达标的社区${x.withinYear}个,年内较难达标的社区${x.hard}个` : `,未达到的${x.notMet}个`;
    return `${FACILITY_ZH[k]}${f[k].threshold}平方米以上已达标的社区${x.met}个${rest}${x.unknown > 0 ? `,未填报的${x.unknown}个` : ''}`;
  }).join(';') + '。'));
  const planned = summary.checks.facilityTargetsPlanned;
  if (planned) {
    const now = summary.checks.facilityTargets;
    basic.push(p(`按本方案整合后,${FACILITY_KINDS.map((k) => `${FACILITY_ZH[k]}达标的社区工作站按现状为${now[k].met}个(占${pct(now[k].share)}),计入年内可达标的设施后为${planned[k].met}个(占${pct(planned[k].share)})`).join(';')}。`));
  }
  basic.push(sub('(三)社区队伍。'));
  basic.push(p(`社区工作站现有工作人员${facts.staff}名,社区党员${facts.partyMembers}名。`));
  section(4, '基本情况', basic);

  // 五、整合方案
  const plan: Block[] = [];
  if (!valid) {
    plan.push(p(`经检查,下列调整存在${fatal.length}项不符合整合规则的问题(见附件2),${FAIL_BANNER}。以下内容仅供修改参考,不作为整合方案执行。`));
  } else {
    plan.push(p(`将${scopeName}目前${summary.stationsBefore}个社区工作站调整合并为${summary.stationsAfter}个社区工作站,具体如下:`));
  }
  for (const para of makePlanTextZh(offices, outcome.isUnchanged).split('\n')) if (para) plan.push(p(para));
  section(5, valid ? '整合方案' : '整合方案(草案,未通过检查)', plan);

  // 六、人员安置: from the staffing model (solver/staffing.ts)
  const staffBefore = summary.checks.staffBefore;
  const staffAfter = summary.checks.staffAfter;
  const staffing = makeStaffingProposal(outcome, rules.staffing ?? 'members');
  const norm = staffing.stations.reduce((a, s) => ({ min: a.min + s.norm.min, max: a.max + s.norm.max }), { min: 0, max: 0 });
  const short = staffing.stations.filter((s) => s.shortfall > 0);
  const moved = staffing.stations.filter((s) => s.change !== 0);
  const movedIn = moved.filter((s) => s.change > 0).reduce((n, s) => n + s.change, 0);
  const movedOut = -moved.filter((s) => s.change < 0).reduce((n, s) => n + s.change, 0);
  const byRule = proposeStaff(outcome.stations, staffing.rule);
  const ownAssignment = staffing.stations.some((x, i) => x.proposed !== byRule[i]);
  const staffText = [
    `整合前后,社区工作站工作人员总量${staffBefore === staffAfter ? `保持${staffAfter}名不变` : `由${staffBefore}名变为${staffAfter}名(须保持不变)`},工作人员各项待遇和工作经费不变。整合后,工作人员由街道办事处统一调整安排,实行定岗定责。`,
    ownAssignment
      ? `街道办事处对${moved.length}个工作站的人员作出调整,调入${movedIn}名、调出${movedOut}名${movedIn === movedOut ? '' : `,人员总量${movedIn > movedOut ? `增加${movedIn - movedOut}` : `减少${movedOut - movedIn}`}名,须调整至总量不变`}。`
      : staffing.rule === 'members'
      ? '工作人员随所在社区编入新的社区工作站,各工作站人员为所辖社区原有人员之和。'
      : `按每${STAFF_NORM_HOUSEHOLDS.min}—${STAFF_NORM_HOUSEHOLDS.max}户配备1名社区工作者的标准,在总量不变的前提下按各工作站服务户数重新配备人员,每站至少1名;需调整人员的工作站${moved.length}个,调入${movedIn}名、调出${movedOut}名。`,
    `按每${STAFF_NORM_HOUSEHOLDS.min}—${STAFF_NORM_HOUSEHOLDS.max}户配备1名社区工作者测算,整合后${summary.stationsAfter}个社区工作站共需${norm.min}—${norm.max}名;${short.length > 0 ? `其中${short.length}个工作站的人员少于测算下限,共缺${short.reduce((n, s) => n + s.shortfall, 0)}名,由街道办事处在本街道范围内统筹调剂。` : '各工作站人员均不少于测算下限。'}各工作站人员见附件1。`,
  ];
  section(6, '人员安置', staffText.map(p));

  // 七、党组织设置
  const changes = makePartyChanges(outcome, committees, rules.party);
  const pt = rules.party ?? DEFAULT_PARTY_THRESHOLDS;
  const partyCounts = (['committee', 'general-branch', 'branch'] as const).map((k) => ({ k, n: outcome.stations.filter((s) => s.party === k).length }));
  const party: Block[] = [
    p('社区党组织的调整设置与社区工作站的整合同步进行,采取小调整、大稳定、支部基本不动的方式。调整后的社区党组织与整合后的社区工作站相对应。'),
    p(`按党员人数测算(正式党员${pt.branch}名以上设立支部,${pt.generalBranch}名以上设立总支,${pt.committee}名以上设立党委),整合后${partyCounts.map(({ k, n }) => `设${PARTY_ZH[k]}的工作站${n}个`).join(',')}。`),
  ];
  if (changes.length > 0) {
    party.push(p(`合并后符合条件、需改设总支或党委的有${changes.length}个:${changes.map((c) => `${formatStationNameZh(c.station)}(由${PARTY_ZH[c.before]}改设${PARTY_ZH[c.after]})`).join(';')}。上述调整报区委组织部备案。`));
  } else {
    party.push(p('整合后无需改设总支或党委的社区党组织。'));
  }
  section(7, '党组织设置', party);

  // 八、工作站领导
  section(8, '工作站领导', [
    p(`整合后的社区工作站只设站长,不设副站长,可设党组织副书记1名;规模较大、确有需要的工作站可设站长助理1名。社区工作站站长由原来${summary.stationsBefore}名调整为${summary.stationsAfter}名。`),
    p('提倡交叉任职,社区一级党组织书记兼任社区工作站站长。社区工作站人员的任命和调配由街道党工委制定方案,报区有关部门备案。'),
  ]);

  // 九、实施步骤
  const schedule = settings.schedule ?? makeDefaultSchedule(date);
  section(9, '实施步骤', schedule.map((s, i) => {
    parseIsoDate(s.from, `document.schedule.${i}.from`);
    parseIsoDate(s.to, `document.schedule.${i}.to`);
    return p(`(${formatChineseNumber(i + 1)})${s.stage}(${formatPeriodZh(s.from, s.to)})${s.tasks ? `:${s.tasks}` : '。'}`);
  }));

  section(10, '保障措施', (settings.safeguards ?? DEFAULT_SAFEGUARDS).map(p));

  // 附件
  const annexes: DocumentSection[] = [
    { heading: '整合后社区工作站一览表', blocks: [{ kind: 'table', caption: '整合后社区工作站一览表', table: stationTable(outcome, staffing.stations.map((x) => x.proposed)) }] },
  ];
  const t = summary.checks.facilityTargets;
  const tp = summary.checks.facilityTargetsPlanned;
  const checks: Block[] = [
    p(valid ? '经检查,本方案符合全部必须遵守的整合规则。' : `经检查,本方案有${fatal.length}项不符合必须遵守的整合规则,${FAIL_BANNER}。`),
    { kind: 'table', caption: '设施达标情况', table: tp ? {
      columns: [{ header: '设施', width: 16 }, { header: '标准(㎡)', numeric: true, width: 12 }, { header: '达标工作站', numeric: true, width: 12 }, { header: '工作站总数', numeric: true, width: 12 }, { header: '达标比例', width: 12 }, { header: '计入年内可达标', numeric: true, width: 12 }, { header: '计入后比例', width: 12 }, { header: '目标', width: 12 }],
      rows: FACILITY_KINDS.map((k) => (t[k].noData ? [FACILITY_ZH[k], rules.facilities[k].threshold, NO_DATA, t[k].stations, NO_DATA, NO_DATA, NO_DATA, pct(t[k].target)]
        : [FACILITY_ZH[k], rules.facilities[k].threshold, t[k].met, t[k].stations, pct(t[k].share), tp[k].met, pct(tp[k].share), pct(t[k].target)])),
    } : {
      columns: [{ header: '设施', width: 25 }, { header: '标准(㎡)', numeric: true, width: 15 }, { header: '达标工作站', numeric: true, width: 15 }, { header: '工作站总数', numeric: true, width: 15 }, { header: '达标比例', width: 15 }, { header: '目标', width: 15 }],
      rows: FACILITY_KINDS.map((k) => (t[k].noData ? [FACILITY_ZH[k], rules.facilities[k].threshold, NO_DATA, t[k].stations, NO_DATA, pct(t[k].target)]
        : [FACILITY_ZH[k], rules.facilities[k].threshold, t[k].met, t[k].stations, pct(t[k].share), pct(t[k].target)])),
    } },
  ];
  const listed = summary.checks.violations;
  const byKind = (sev: Violation['severity']) => listed.filter((v) => v.severity === sev);
  if (byKind('fatal').length > 0) {
    checks.push(sub('(一)必须纠正的问题'));
    byKind('fatal').forEach((v, i) => checks.push(p(`${i + 1}.${describeViolationZh(v, outcome, rules)}`)));
  }
  if (byKind('warning').length > 0) {
    checks.push(sub(`(${byKind('fatal').length > 0 ? '二' : '一'})需要说明的情况`));
    byKind('warning').forEach((v, i) => checks.push(p(`${i + 1}.${describeViolationZh(v, outcome, rules)}`)));
  }
  annexes.push({ heading: '方案检查情况', blocks: checks });

  return withFullWidthPunctuation({
    title,
    ...(valid ? {} : { banner: FAIL_BANNER }),
    issuer,
    date,
    ...(settings.documentNumber ? { documentNumber: settings.documentNumber } : {}),
    sections,
    annexes,
    valid,
  });
}
