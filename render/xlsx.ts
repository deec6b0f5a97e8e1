/**
 * plan.xlsx: the plan as a workbook a planner opens in Excel or WPS. Sheets 工作站 (stations),
 * 社区 (committees with their station), 设施达标 (facility attainment before and after against the
 * targets), 人员 (staff per station against the norm), 党组织 (party organisation per station) and
 * 检查 (violations). Numbers are numbers, the header row is bold and frozen, columns are as wide as
 * their text. SpreadsheetML written as text, packaged by render/ooxml.ts.
 */
import type { Committee } from '../geo/types.js';
import { calcExistingUnits, calcPartyOrganisation, classifyFacility, hasPlannedArea } from '../solver/figures.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { FACILITY_KINDS, type FacilityKind, type PartyOrganisation, type Rules, type Station } from '../solver/types.js';
import {
  FACILITY_ZH, HOUSEHOLD_CHECK_ZH, PARTY_ZH, describeViolationZh, formatPunctuationZh, makePartyChanges,
} from './plan-document.js';
import { makeStaffingProposal } from '../solver/staffing.js';
import { makeOoxmlPackage, makeRelationshipsXml, REL, XML_HEADER, type OoxmlPart } from './ooxml.js';
import { escapeXml } from './xml.js';

export type SheetLang = 'zh' | 'en';

export interface PlanWorkbookInput {
  outcome: PlanOutcome;
  committees: readonly Committee[];
  rules: Rules;
  /** Headers and words. ['zh'] */
  lang?: SheetLang;
}

type Cell = string | number | null;

interface SheetSpec {
  name: { zh: string; en: string };
  /** [Chinese header, English header, number format for numeric columns] */
  columns: [string, string, string?][];
  rows: Cell[][];
}

const TYPE_ZH: Record<string, string> = { upscale: '中高档', 'old-residential': '老住宅区', 'urban-village': '城中村', enclave: '插花地' };
const PARTY_SHORT_ZH: Record<PartyOrganisation, string> = { ...PARTY_ZH, none: '无' };

/** Display width of a text: CJK characters count two. */
function textWidth(v: Cell): number {
  if (v === null) return 0;
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : v;
  let w = 0;
  for (const ch of s) w += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return w;
}

/** Facility figures of the stations of today: committees grouped by their existing station, pooled by the rule. */
function calcFacilityBefore(outcome: PlanOutcome, committees: readonly Committee[], rules: Rules): Record<FacilityKind, { met: number; stations: number }> {
  const inScope = new Set(outcome.stations.flatMap((s) => s.committeeIds));
  const units = calcExistingUnits(committees);
  const groups = new Map<number, Committee[]>();
  committees.forEach((c, i) => { if (inScope.has(c.id)) groups.set(units[i]!, [...(groups.get(units[i]!) ?? []), c]); });
  const out = {} as Record<FacilityKind, { met: number; stations: number }>;
  for (const kind of FACILITY_KINDS) {
    const rule = rules.facilities[kind];
    let met = 0;
    for (const g of groups.values()) {
      const values = g.map((c) => c[kind] ?? 0);
      const pooled = rule.pooling === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
      if (pooled >= rule.threshold) met++;
    }
    out[kind] = { met, stations: groups.size };
  }
  return out;
}

function makeSheets(input: PlanWorkbookInput): SheetSpec[] {
  const { outcome, committees, rules } = input;
  const zh = (input.lang ?? 'zh') === 'zh';
  const yes = (b: boolean): string => (zh ? (b ? '是' : '否') : b ? 'yes' : 'no');
  const stationOf = new Map(outcome.stations.flatMap((s) => s.committeeIds.map((id) => [id, s] as const)));
  const inScope = committees.filter((c) => stationOf.has(c.id));
  const label = (s: { committees: string[] }) => s.committees.join('、');
  const targets = outcome.summary.checks.facilityTargets;
  // blank where no committee has an area of the kind in the data: not judged
  const met = (s: Station, kind: FacilityKind): string | null => (targets[kind].noData ? null : yes(s.checks[kind]));

  const stations: SheetSpec = {
    name: { zh: '工作站', en: 'stations' },
    columns: [
      ['序号', 'no.'], ['街道', 'street office'], ['所辖社区', 'committees'], ['社区数', 'committees (n)'], ['驻地社区', 'host'],
      ['户数', 'households', '#,##0'], ['人口', 'population', '#,##0'], ['办公用房(㎡)', 'office m²', '#,##0'], ['公共服务设施(㎡)', 'service m²', '#,##0'],
      ['户外文体广场(㎡)', 'plaza m²', '#,##0'], ['工作人员', 'staff'], ['党员', 'party members'], ['党组织', 'party organisation'],
      ['面积(平方公里)', 'area km²', '0.000'], ['户数检查', 'household check'], ['办公用房达标', 'office met'], ['服务设施达标', 'service met'],
      ['广场达标', 'plaza met'], ['地域相连', 'contiguous'],
    ],
    rows: outcome.stations.map((s, i) => [
      i + 1, s.streetOffice, label(s), s.committees.length, s.host, s.households, s.population, s.office, s.service, s.plaza, s.staff, s.partyMembers,
      zh ? PARTY_SHORT_ZH[s.party] : s.party, s.areaM2 / 1e6, zh ? HOUSEHOLD_CHECK_ZH[s.checks.households]! : s.checks.households,
      met(s, 'office'), met(s, 'service'), met(s, 'plaza'), yes(s.checks.contiguous),
    ]),
  };

  const committeeSheet: SheetSpec = {
    name: { zh: '社区', en: 'committees' },
    columns: [
      ['社区', 'committee'], ['街道', 'street office'], ['类型', 'type'], ['户数', 'households', '#,##0'], ['人口', 'population', '#,##0'],
      ['办公用房(㎡)', 'office m²', '#,##0'], ['公共服务设施(㎡)', 'service m²', '#,##0'], ['户外文体广场(㎡)', 'plaza m²', '#,##0'],
      ['办公用房年内可达(㎡)', 'office planned m²', '#,##0'], ['服务设施年内可达(㎡)', 'service planned m²', '#,##0'], ['广场年内可达(㎡)', 'plaza planned m²', '#,##0'],
      ['工作人员', 'staff'], ['党员', 'party members'], ['所属工作站(所辖社区)', 'station (committees)'], ['驻地', 'host'],
    ],
    rows: inScope.map((c) => {
      const s = stationOf.get(c.id)!;
      return [
        c.name, c.streetOffice, c.type ? (zh ? TYPE_ZH[c.type]! : c.type) : null, c.households, c.population ?? null, c.office ?? null, c.service ?? null,
        c.plaza ?? null, c.officePlanned ?? null, c.servicePlanned ?? null, c.plazaPlanned ?? null,
        c.staff ?? null, c.partyMembers ?? null, label(s), yes(s.host === c.name),
      ];
    }),
  };

  const before = calcFacilityBefore(outcome, committees, rules);
  // with planned areas (年内可达标, seed 004 五(三)): blank when no committee in scope has one
  const planned = outcome.summary.checks.facilityTargetsPlanned;
  const anyPlanned = inScope.some(hasPlannedArea);
  const facilities: SheetSpec = {
    name: { zh: '设施达标', en: 'facilities' },
    columns: [
      ['设施', 'facility'], ['标准(㎡)', 'threshold m²', '#,##0'],
      ['已达标社区', 'committees met'], ['年内可达标社区', 'committees met within the year'], ['年内较难达标社区', 'committees hard to meet'],
      ['整合前达标工作站', 'met before'], ['整合前工作站', 'stations before'],
      ['整合前比例', 'share before', '0.0%'], ['整合后达标工作站', 'met after'], ['整合后工作站', 'stations after'], ['整合后比例', 'share after', '0.0%'],
      ['目标比例', 'target', '0%'], ['达到目标', 'target met'],
      ['计入年内可达标后达标工作站', 'met after with planned'], ['计入后比例', 'share with planned', '0.0%'], ['计入后达到目标', 'target met with planned'],
    ],
    rows: FACILITY_KINDS.map((k) => {
      const status = inScope.map((c) => classifyFacility(c, k, rules));
      const count = (s: string) => status.filter((x) => x === s).length;
      if (targets[k].noData) {
        // no committee has an area of this kind: counts left blank, the target not judged
        return [zh ? FACILITY_ZH[k] : k, rules.facilities[k].threshold, null, null, null, null, before[k].stations, null,
          null, targets[k].stations, null, targets[k].target, zh ? '无数据' : 'no data', null, null, null];
      }
      return [
        zh ? FACILITY_ZH[k] : k, rules.facilities[k].threshold,
        count('met'), anyPlanned ? count('within-year') : null, anyPlanned ? count('hard') : null,
        before[k].met, before[k].stations, before[k].stations ? before[k].met / before[k].stations : 1,
        targets[k].met, targets[k].stations, targets[k].share, targets[k].target, yes(targets[k].ok),
        planned ? planned[k].met : null, planned ? planned[k].share : null, planned ? yes(planned[k].ok) : null,
      ];
    }),
  };

  const staffing = makeStaffingProposal(outcome, rules.staffing ?? 'members');
  const staff: SheetSpec = {
    name: { zh: '人员', en: 'staff' },
    columns: [
      ['街道', 'street office'], ['所辖社区', 'committees'], ['户数', 'households', '#,##0'], ['现有人员', 'staff now'], ['建议人员', 'proposed'],
      ['调整', 'change'], ['站长', 'heads'], ['测算下限(每400户1人)', 'norm min (1 per 400 hh)'], ['测算上限(每300户1人)', 'norm max (1 per 300 hh)'],
      ['低于下限', 'shortfall'],
    ],
    rows: staffing.stations.map((x) => [
      x.station.streetOffice, label(x.station), x.station.households, x.current, x.proposed, x.change, x.heads, x.norm.min, x.norm.max, x.shortfall,
    ]),
  };

  const changes = new Map(makePartyChanges(outcome, committees, rules.party).map((c) => [c.station.id, c]));
  const byId = new Map(committees.map((c) => [c.id, c]));
  const party: SheetSpec = {
    name: { zh: '党组织', en: 'party' },
    columns: [['街道', 'street office'], ['所辖社区', 'committees'], ['党员', 'party members'], ['整合前', 'before'], ['整合后', 'after'], ['改设', 'upgraded']],
    rows: outcome.stations.map((s) => {
      const beforeOrgs = s.committeeIds.map((id) => calcPartyOrganisation(byId.get(id)?.partyMembers ?? 0, rules.party));
      const word = (p: PartyOrganisation) => (zh ? PARTY_SHORT_ZH[p] : p);
      return [s.streetOffice, label(s), s.partyMembers, beforeOrgs.map(word).join('、'), word(s.party), yes(changes.has(s.id))];
    }),
  };

  const stationById = new Map(outcome.stations.map((s) => [s.id, s]));
  const checks: SheetSpec = {
    name: { zh: '检查', en: 'checks' },
    columns: [['程度', 'severity'], ['规则', 'rule'], ['工作站(所辖社区)', 'station (committees)'], ['说明', 'message']],
    rows: outcome.summary.checks.violations.map((v) => {
      const s = v.station === undefined ? undefined : stationById.get(v.station);
      return zh
        ? [v.severity === 'fatal' ? '必须纠正' : '需要说明', null, s ? label(s) : null, formatPunctuationZh(describeViolationZh(v, outcome, rules))]
        : [v.severity, v.rule, s ? label(s) : null, v.message];
    }),
  };
  // the rule column says nothing a Chinese reader needs: drop it in Chinese
  if (zh) {
    checks.columns.splice(1, 1);
    checks.rows = checks.rows.map((r) => [r[0]!, ...r.slice(2)]);
  }
  return [stations, committeeSheet, facilities, staff, party, checks];
}

/** A column's letters: 0 → A, 25 → Z, 26 → AA. */
function columnName(i: number): string {
  let name = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Number formats built into SpreadsheetML (ECMA-376 part 1, 18.8.30); others get ids from 164. */
const BUILTIN_FORMATS: Record<string, number> = { General: 0, '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10 };

/** The cell formats (`cellXfs`) of a workbook: a number format, bold or not. Index 0 is the default. */
class CellStyles {
  private readonly formats = new Map<string, number>();
  private readonly xfs: { format: number; bold: boolean }[] = [{ format: 0, bold: false }];
  private readonly index = new Map<string, number>([['0|false', 0]]);

  /** The style index of a number format (undefined: General) and weight. */
  get(format: string | undefined, bold: boolean): number {
    let id = format === undefined ? 0 : BUILTIN_FORMATS[format] ?? this.formats.get(format);
    if (id === undefined) {
      id = 164 + this.formats.size;
      this.formats.set(format!, id);
    }
    const key = `${id}|${bold}`;
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.xfs.length;
      this.xfs.push({ format: id, bold });
      this.index.set(key, at);
    }
    return at;
  }

  xml(): string {
    const formats = [...this.formats].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`);
    const xfs = this.xfs.map((x) => `<xf numFmtId="${x.format}" fontId="${x.bold ? 1 : 0}" fillId="0" borderId="0" xfId="0"${x.format ? ' applyNumberFormat="1"' : ''}${x.bold ? ' applyFont="1"' : ''}/>`);
    const font = (bold: boolean) => `<font>${bold ? '<b/>' : ''}<sz val="11"/><name val="Calibri"/><family val="2"/></font>`;
    return `${XML_HEADER}<styleSheet xmlns="${SML_NS}">${formats.length ? `<numFmts count="${formats.length}">${formats.join('')}</numFmts>` : ''}`
      + `<fonts count="2">${font(false)}${font(true)}</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>`
      + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
      + `<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
  }
}

/** The shared strings of a workbook: each text once, cells refer to it by index. */
class SharedStrings {
  private readonly index = new Map<string, number>();
  private count = 0;

  get(s: string): number {
    this.count++;
    let at = this.index.get(s);
    if (at === undefined) {
      at = this.index.size;
      this.index.set(s, at);
    }
    return at;
  }

  xml(): string {
    const items = [...this.index.keys()].map((s) => `<si><t xml:space="preserve">${escapeXml(s, '')}</t></si>`);
    return `${XML_HEADER}<sst xmlns="${SML_NS}" count="${this.count}" uniqueCount="${this.index.size}">${items.join('')}</sst>`;
  }
}

const SML_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const SML = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** One worksheet: the header row bold and frozen (a pane below row 1), widths per column, a number format per numeric column. */
function makeSheetXml(spec: SheetSpec, lang: SheetLang, styles: CellStyles, strings: SharedStrings): string {
  const headers = spec.columns.map((c) => (lang === 'zh' ? c[0] : c[1]));
  const names = spec.columns.map((_, i) => columnName(i));
  const formatStyles = spec.columns.map((c) => (c[2] ? styles.get(c[2], false) : 0));
  const bold = styles.get(undefined, true);
  const cols = spec.columns.map((c, i) => {
    const width = Math.max(textWidth(headers[i]!), ...spec.rows.map((r) => textWidth(r[i] ?? null)));
    return `<col min="${i + 1}" max="${i + 1}" width="${Math.min(60, Math.max(6, width + 2))}" customWidth="1"${formatStyles[i] ? ` style="${formatStyles[i]}"` : ''}/>`;
  });
  const rows: string[] = [`<row r="1">${headers.map((h, i) => `<c r="${names[i]}1" s="${bold}" t="s"><v>${strings.get(h)}</v></c>`).join('')}</row>`];
  spec.rows.forEach((r, k) => {
    const n = k + 2;
    let cells = '';
    r.forEach((v, i) => {
      // null (and a number that is none) stays an empty cell
      if (typeof v === 'number' && Number.isFinite(v)) cells += `<c r="${names[i]}${n}"${formatStyles[i] ? ` s="${formatStyles[i]}"` : ''}><v>${v}</v></c>`;
      else if (typeof v === 'string') cells += `<c r="${names[i]}${n}" t="s"><v>${strings.get(v)}</v></c>`;
    });
    rows.push(`<row r="${n}">${cells}</row>`);
  });
  const last = `${names[names.length - 1] ?? 'A'}${spec.rows.length + 1}`;
  return `${XML_HEADER}<worksheet xmlns="${SML_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:${last}"/>`
    + '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    + `<sheetFormatPr defaultRowHeight="15"/><cols>${cols.join('')}</cols><sheetData>${rows.join('')}</sheetData>`
    // printed on A4 (paper 9), as everything else of the plan
    + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="portrait"/></worksheet>';
}

/**
 * The workbook of a plan.
 * @param [input.lang='zh'] Chinese or English sheet names stay Chinese in zh, English in en
 * @returns the bytes of plan.xlsx
 */
export async function makePlanXlsx(input: PlanWorkbookInput): Promise<Buffer> {
  const lang = input.lang ?? 'zh';
  const styles = new CellStyles();
  const strings = new SharedStrings();
  const specs = makeSheets(input);
  const sheets: OoxmlPart[] = specs.map((spec, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, contentType: `${SML}.worksheet+xml`, xml: makeSheetXml(spec, lang, styles, strings) }));
  const workbook = `${XML_HEADER}<workbook xmlns="${SML_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="0"/></bookViews><sheets>${
    specs.map((spec, i) => `<sheet name="${escapeXml(spec.name[lang], '')}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`;
  const relationships = makeRelationshipsXml([
    ...specs.map((_, i) => ({ id: `rId${i + 1}`, type: REL.worksheet, target: `worksheets/sheet${i + 1}.xml` })),
    { id: `rId${specs.length + 1}`, type: REL.styles, target: 'styles.xml' },
    { id: `rId${specs.length + 2}`, type: REL.sharedStrings, target: 'sharedStrings.xml' },
  ]);
  return makeOoxmlPackage('xl/workbook.xml', [
    { name: 'xl/workbook.xml', contentType: `${SML}.sheet.main+xml`, xml: workbook },
    { name: 'xl/_rels/workbook.xml.rels', xml: relationships },
    ...sheets,
    { name: 'xl/styles.xml', contentType: `${SML}.styles+xml`, xml: styles.xml() },
    { name: 'xl/sharedStrings.xml', contentType: `${SML}.sharedStrings+xml`, xml: strings.xml() },
  ], { creator: 'yizhan' });
}
