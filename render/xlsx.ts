/**
 * plan.xlsx: the plan as a workbook a planner opens in Excel or WPS. Sheets 工作站 (stations),
 * 社区 (committees with their station), 设施达标 (facility attainment before and after against the
 * targets), 人员 (staff per station against the norm), 党组织 (party organisation per station) and
 * 检查 (violations). Numbers are numbers, the header row is frozen, columns are as wide as their text.
 *
 * The XML is written directly, in exactly the form the `exceljs` package (4.4.0) gave it before
 * (tests/plan-documents-bytes.test.ts compares every part): loading and running exceljs cost more
 * than the rest of a plan together.
 */
import { THEME } from './xlsx-parts.js';
import { makeZip, type ZipEntry } from './zip.js';
import type { Committee } from '../geo/types.js';
import { calcExistingUnits, calcPartyOrganisation } from '../solver/figures.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { FACILITY_KINDS, type FacilityKind, type PartyOrganisation, type Rules } from '../solver/types.js';
import {
  FACILITY_ZH, HOUSEHOLD_CHECK_ZH, PARTY_ZH, describeViolationZh, formatPunctuationZh, makePartyChanges,
} from './plan-document.js';
import { makeStaffingProposal } from './staffing.js';

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
export function textWidth(v: Cell): number {
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

export function makeSheets(input: PlanWorkbookInput): SheetSpec[] {
  const { outcome, committees, rules } = input;
  const zh = (input.lang ?? 'zh') === 'zh';
  const yes = (b: boolean): string => (zh ? (b ? '是' : '否') : b ? 'yes' : 'no');
  const stationOf = new Map(outcome.stations.flatMap((s) => s.committeeIds.map((id) => [id, s] as const)));
  const inScope = committees.filter((c) => stationOf.has(c.id));
  const label = (s: { committees: string[] }) => s.committees.join('、');

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
      yes(s.checks.office), yes(s.checks.service), yes(s.checks.plaza), yes(s.checks.contiguous),
    ]),
  };

  const committeeSheet: SheetSpec = {
    name: { zh: '社区', en: 'committees' },
    columns: [
      ['社区', 'committee'], ['街道', 'street office'], ['类型', 'type'], ['户数', 'households', '#,##0'], ['人口', 'population', '#,##0'],
      ['办公用房(㎡)', 'office m²', '#,##0'], ['公共服务设施(㎡)', 'service m²', '#,##0'], ['户外文体广场(㎡)', 'plaza m²', '#,##0'],
      ['工作人员', 'staff'], ['党员', 'party members'], ['所属工作站(所辖社区)', 'station (committees)'], ['驻地', 'host'],
    ],
    rows: inScope.map((c) => {
      const s = stationOf.get(c.id)!;
      return [
        c.name, c.streetOffice, c.type ? (zh ? TYPE_ZH[c.type]! : c.type) : null, c.households, c.population ?? null, c.office ?? null, c.service ?? null,
        c.plaza ?? null, c.staff ?? null, c.partyMembers ?? null, label(s), yes(s.host === c.name),
      ];
    }),
  };

  const before = calcFacilityBefore(outcome, committees, rules);
  const targets = outcome.summary.checks.facilityTargets;
  const facilities: SheetSpec = {
    name: { zh: '设施达标', en: 'facilities' },
    columns: [
      ['设施', 'facility'], ['标准(㎡)', 'threshold m²', '#,##0'], ['整合前达标工作站', 'met before'], ['整合前工作站', 'stations before'],
      ['整合前比例', 'share before', '0.0%'], ['整合后达标工作站', 'met after'], ['整合后工作站', 'stations after'], ['整合后比例', 'share after', '0.0%'],
      ['目标比例', 'target', '0%'], ['达到目标', 'target met'],
    ],
    rows: FACILITY_KINDS.map((k) => [
      zh ? FACILITY_ZH[k] : k, rules.facilities[k].threshold, before[k].met, before[k].stations, before[k].stations ? before[k].met / before[k].stations : 1,
      targets[k].met, targets[k].stations, targets[k].share, targets[k].target, yes(targets[k].ok),
    ]),
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

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

/** Text as exceljs writes it: the five XML characters escaped, control characters other than tab and line breaks dropped. */
function esc(text: string): string {
  return /[<>&'"\x7F\x00-\x08\x0B\x0C\x0E-\x1F]/.test(text)
    ? text.replace(/[\x7F\x00-\x08\x0B\x0C\x0E-\x1F]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    : text;
}

/** Excel's built-in number formats among those the sheets use; others get ids from 164 on. */
const BUILTIN_FORMATS: Record<string, number> = { General: 0, '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10 };

/** Column letters of column n (1-based). */
function columnName(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The cell formats of a workbook, numbered in the order they are first used (as exceljs does). */
class CellFormats {
  readonly xfs: string[] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
  readonly numFmts: string[] = [];
  private readonly custom = new Map<string, number>();

  /** The index of the format with number format `numFmt` (none: General) and bold or not. */
  id(numFmt: string | undefined, bold: boolean): number {
    let fmt = 0;
    if (numFmt !== undefined) {
      if (Object.hasOwn(BUILTIN_FORMATS, numFmt)) fmt = BUILTIN_FORMATS[numFmt]!;
      else {
        let id = this.custom.get(numFmt);
        if (id === undefined) {
          id = 164 + this.custom.size;
          this.custom.set(numFmt, id);
          this.numFmts.push(`<numFmt numFmtId="${id}" formatCode="${esc(numFmt)}"/>`);
        }
        fmt = id;
      }
    }
    const xf = `<xf numFmtId="${fmt}" fontId="${bold ? 1 : 0}" fillId="0" borderId="0" xfId="0"${fmt ? ' applyNumberFormat="1"' : ''}${bold ? ' applyFont="1"' : ''}/>`;
    const at = this.xfs.indexOf(xf);
    if (at >= 0) return at;
    this.xfs.push(xf);
    return this.xfs.length - 1;
  }
}

/** The shared strings of a workbook, in the order first used. */
class SharedStrings {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  count = 0;

  id(s: string): number {
    this.count++;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(s, i);
      this.list.push(s);
    }
    return i;
  }
}

function sheetXml(spec: SheetSpec, lang: SheetLang, formats: CellFormats, strings: SharedStrings): string {
  const headers = spec.columns.map((c) => (lang === 'zh' ? c[0] : c[1]));
  const widths = spec.columns.map((_, i) => Math.min(60, Math.max(6, Math.max(textWidth(headers[i]!), ...spec.rows.map((r) => textWidth(r[i] ?? null))) + 2)));
  // columns: neighbours of equal width and format share one <col>
  const cols: string[] = [];
  for (let i = 0; i < spec.columns.length;) {
    let j = i;
    while (j + 1 < spec.columns.length && widths[j + 1] === widths[i] && spec.columns[j + 1]![2] === spec.columns[i]![2]) j++;
    const fmt = spec.columns[i]![2];
    const style = fmt ? formats.id(fmt, false) : 0;
    cols.push(`<col min="${i + 1}" max="${j + 1}" width="${widths[i]}"${style ? ` style="${style}"` : ''} customWidth="1"/>`);
    i = j + 1;
  }
  const n = spec.columns.length;
  const rowXml: string[] = [];
  // the header row: bold, as its cells
  const boldRow = formats.id(undefined, true);
  rowXml.push(`<row r="1" spans="1:${n}" s="${boldRow}" customFormat="1" x14ac:dyDescent="0.25">` +
    headers.map((h, i) => `<c r="${columnName(i + 1)}1" s="${formats.id(spec.columns[i]![2], true)}" t="s"><v>${strings.id(h)}</v></c>`).join('') + '</row>');
  let lastRow = 1;
  let lastCol = n;
  spec.rows.forEach((r, k) => {
    const rn = k + 2;
    const cells: string[] = [];
    let first = 0, last = 0;
    r.forEach((v, i) => {
      if (v === undefined) return;
      if (!first) first = i + 1;
      last = i + 1;
      const fmt = spec.columns[i]?.[2];
      const style = fmt ? formats.id(fmt, false) : 0;
      const ref = `${columnName(i + 1)}${rn}`;
      const s = style ? ` s="${style}"` : '';
      if (v === null) { if (style) cells.push(`<c r="${ref}"${s}/>`); }
      else if (typeof v === 'number') cells.push(`<c r="${ref}"${s}><v>${String(v)}</v></c>`);
      else cells.push(`<c r="${ref}"${s} t="s"><v>${strings.id(v)}</v></c>`);
      if (v !== null) { lastRow = rn; lastCol = Math.max(lastCol, i + 1); }
    });
    rowXml.push(`<row r="${rn}"${first ? ` spans="${first}:${last}"` : ''} x14ac:dyDescent="0.25">${cells.join('')}</row>`);
  });
  return `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">` +
    `<dimension ref="A1:${columnName(lastCol)}${lastRow}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" x14ac:dyDescent="55"/>' +
    `<cols>${cols.join('')}</cols><sheetData>${rowXml.join('')}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '<pageSetup orientation="portrait" horizontalDpi="4294967295" verticalDpi="4294967295" scale="100" fitToWidth="1" fitToHeight="1"/></worksheet>';
}

function stylesXml(formats: CellFormats): string {
  return `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">` +
    (formats.numFmts.length ? `<numFmts count="${formats.numFmts.length}">${formats.numFmts.join('')}</numFmts>` : '') +
    '<fonts count="2" x14ac:knownFonts="1"><font><color theme="1"/><family val="2"/><scheme val="minor"/><sz val="11"/><name val="Calibri"/></font><font><b/></font></fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${formats.xfs.length}">${formats.xfs.join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>' +
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
    '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext>' +
    '<ext uri="{9260A510-F301-46a8-8635-F512D64BE5F5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst></styleSheet>';
}

function sharedStringsXml(strings: SharedStrings): string {
  const si = strings.list.map((s) => `<si><t${/^\s|\n|\s$/.test(s) ? ' xml:space="preserve"' : ''}>${esc(s)}</t></si>`).join('');
  return `${XML_HEAD}<sst xmlns="${MAIN_NS}" count="${strings.count}" uniqueCount="${strings.list.length}">${si}</sst>`;
}

/**
 * The workbook of a plan.
 * @param [input.lang='zh'] Chinese or English sheet names stay Chinese in zh, English in en
 * @param [at=new Date()] the creation time written in docProps/core.xml and the ZIP entries
 * @returns the bytes of plan.xlsx
 */
export async function makePlanXlsx(input: PlanWorkbookInput, at: Date = new Date()): Promise<Buffer> {
  const lang = input.lang ?? 'zh';
  const specs = makeSheets(input);
  const formats = new CellFormats();
  const strings = new SharedStrings();
  const sheets = specs.map((spec) => sheetXml(spec, lang, formats, strings));
  const names = specs.map((s) => esc(s.name[lang]));
  const n = specs.length;
  const contentTypes = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/>` +
    sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CT}.spreadsheetml.worksheet+xml"/>`).join('') +
    `<Override PartName="/xl/theme/theme1.xml" ContentType="${CT}.theme+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.spreadsheetml.styles+xml"/>` +
    `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.spreadsheetml.sharedStrings+xml"/><Default Extension="vml" ContentType="${CT}.vmlDrawing"/>` +
    `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="${CT}.extended-properties+xml"/></Types>`;
  const packageRels = `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    `<Relationship Id="rId3" Type="${REL_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>`;
  const workbookRels = `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId2" Type="${REL_NS}/theme" Target="theme/theme1.xml"/><Relationship Id="rId3" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` +
    sheets.map((_, i) => `<Relationship Id="rId${i + 4}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') + '</Relationships>';
  const workbook = `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">` +
    '<fileVersion appName="xl" lastEdited="5" lowestEdited="5" rupBuild="9303"/><workbookPr defaultThemeVersion="164011" filterPrivacy="1"/>' +
    `<sheets>${names.map((name, i) => `<sheet sheetId="${i + 1}" name="${name}" state="visible" r:id="rId${i + 4}"/>`).join('')}</sheets><calcPr calcId="171027"/></workbook>`;
  const app = `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
    '<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>' +
    `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${n}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${n}" baseType="lpstr">${names.map((name) => `<vt:lpstr>${name}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>` +
    '<Company></Company><Manager></Manager><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>';
  const stamp = at.toISOString().replace(/\.\d{3}/, '');
  const core = `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    '<dc:creator>yizhan</dc:creator><dc:title></dc:title><dc:subject></dc:subject><dc:description></dc:description><cp:keywords></cp:keywords><cp:category></cp:category><cp:lastModifiedBy>Unknown</cp:lastModifiedBy>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified></cp:coreProperties>`;
  // the entries in the order exceljs zipped them
  const entries: ZipEntry[] = [
    { name: '[Content_Types].xml', content: contentTypes },
    { name: '_rels/' }, { name: '_rels/.rels', content: packageRels },
    { name: 'xl/' }, { name: 'xl/_rels/' }, { name: 'xl/_rels/workbook.xml.rels', content: workbookRels },
    { name: 'xl/worksheets/' }, ...sheets.map((content, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, content })),
    { name: 'xl/sharedStrings.xml', content: sharedStringsXml(strings) },
    { name: 'xl/theme/' }, { name: 'xl/theme/theme1.xml', content: THEME },
    { name: 'xl/styles.xml', content: stylesXml(formats) },
    { name: 'docProps/' }, { name: 'docProps/app.xml', content: app }, { name: 'docProps/core.xml', content: core },
    { name: 'xl/workbook.xml', content: workbook },
  ];
  return makeZip(entries, at);
}
