/**
 * Our own OOXML writers, read back as a reader takes them: render/zip-write.ts's archives through
 * JSZip (CRCs checked), and plan.docx and plan.xlsx through their package — every part listed in
 * [Content_Types].xml, every relationship pointing at a part, every part well-formed XML — then
 * the structure that makes the layout: evenAndOddHeaders with the page numbers right on odd pages
 * and left on even ones, the banner header on every page, tables with a fixed layout, a repeated
 * header row and rows that do not split; the workbook's frozen bold header row, the number format
 * of each column, numbers stored as numbers, empty cells for nothing.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { xml2js, type Element } from 'xml-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { makeDocx } from '../render/docx.js';
import { makePlanDocument, type OfficialDocument } from '../render/plan-document.js';
import { makePlanXlsx } from '../render/xlsx.js';
import { makeZip } from '../render/zip-write.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { evaluatePlan, makePlanContext } from '../solver/pipeline.js';
import type { Rules } from '../solver/types.js';
import type { Committee } from '../geo/types.js';

/** Name, method and flags of each entry, from the central directory. */
function listEntries(zip: Buffer): { name: string; method: number; flags: number }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; method: number; flags: number }[] = [];
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    out.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), method: zip.readUInt16LE(at + 10), flags: zip.readUInt16LE(at + 8) });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

describe('makeZip', () => {
  it('writes entries JSZip reads back with their CRCs, names (UTF-8), order, time and contents; deflated unless deflate cannot shrink them', async () => {
    const date = new Date(2026, 0, 2, 3, 4, 6); // local time: what a ZIP holds
    const xml = `<?xml version="1.0"?><w:document>${'<w:p><w:r><w:t>罗湖区 社区工作站</w:t></w:r></w:p>'.repeat(500)}</w:document>`;
    const noise = randomBytes(4096);
    const entries = [
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: xml },
      { name: 'word/empty.xml', data: '' },
      { name: 'docProps/名称.xml', data: '<x>工作站</x>' },
      { name: 'media/noise.bin', data: noise },
    ];
    const zip = makeZip(entries, { date });
    const listed = listEntries(zip);
    expect(listed.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    for (const e of listed) expect(e.flags & 0x0800, e.name).toBe(0x0800);
    expect(Object.fromEntries(listed.map((e) => [e.name, e.method]))).toEqual({
      '[Content_Types].xml': 0, 'word/document.xml': 8, 'word/empty.xml': 0, 'docProps/名称.xml': 0, 'media/noise.bin': 0,
    });
    expect(zip.length).toBeLessThan(xml.length / 10 + noise.length + 1000);
    const back = await JSZip.loadAsync(zip, { checkCRC32: true });
    expect(Object.keys(back.files)).toEqual(entries.map((e) => e.name));
    for (const e of entries) {
      const file = back.file(e.name)!;
      expect(file.date.getTime(), e.name).toBe(date.getTime() - date.getTimezoneOffset() * 60_000); // JSZip reads DOS time as UTC
      if (typeof e.data === 'string') expect(await file.async('string'), e.name).toBe(e.data);
      else expect(Buffer.from(await file.async('uint8array')).equals(Buffer.from(e.data)), e.name).toBe(true);
    }
  });

  it('a corrupted entry fails its CRC check', async () => {
    const zip = makeZip([{ name: 'a.txt', data: 'stored text' }]);
    const at = 30 + 'a.txt'.length; // the first byte of the (stored) data
    zip.writeUInt8(zip.readUInt8(at) ^ 1, at);
    await expect(JSZip.loadAsync(zip, { checkCRC32: true })).rejects.toThrow(/crc32/i);
  });
});

/** Every part of an OOXML package, parsed (xml-js parses strictly: malformed XML throws). */
async function readPackage(bytes: Buffer): Promise<Map<string, Element>> {
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  const parts = new Map<string, Element>();
  for (const name of Object.keys(zip.files)) {
    const text = await zip.file(name)!.async('string');
    parts.set(name, xml2js(text, { compact: false }) as Element);
  }
  return parts;
}

function all(e: Element | undefined, name: string): Element[] {
  const out: Element[] = [];
  const walk = (x: Element) => {
    if (x.type === 'element' && x.name === name) out.push(x);
    (x.elements ?? []).forEach(walk);
  };
  if (e) walk(e);
  return out;
}

function first(e: Element | undefined, name: string): Element | undefined {
  return all(e, name)[0];
}

function attr(e: Element | undefined, name: string): string | undefined {
  const v = e?.attributes?.[name];
  return v === undefined ? undefined : String(v);
}

function textOf(e: Element): string {
  if (e.type === 'text') return String(e.text ?? '');
  return (e.elements ?? []).map(textOf).join('');
}

/** The content types are complete and every relationship's target is a part of the package. */
function expectConsistentPackage(parts: Map<string, Element>, mainType: string): void {
  const types = parts.get('[Content_Types].xml')!;
  const overrides = new Map(all(types, 'Override').map((o) => [attr(o, 'PartName')!.slice(1), attr(o, 'ContentType')!]));
  const defaults = new Map(all(types, 'Default').map((d) => [attr(d, 'Extension')!, attr(d, 'ContentType')!]));
  for (const name of parts.keys()) {
    if (name === '[Content_Types].xml') continue;
    const type = overrides.get(name) ?? defaults.get(name.split('.').pop()!);
    expect(type, name).toBeDefined();
    if (name.endsWith('.rels')) expect(type).toBe('application/vnd.openxmlformats-package.relationships+xml');
  }
  for (const name of overrides.keys()) expect(parts.has(name), `override of a missing part ${name}`).toBe(true);
  for (const [name, rels] of parts) {
    if (!name.endsWith('.rels')) continue;
    const folder = name.replace(/_rels\/[^/]*\.rels$/, '');
    const ids = all(rels, 'Relationship').map((r) => attr(r, 'Id'));
    expect(new Set(ids).size, name).toBe(ids.length);
    for (const r of all(rels, 'Relationship')) expect(parts.has(folder + attr(r, 'Target')!), `${name} → ${attr(r, 'Target')}`).toBe(true);
  }
  const root = all(parts.get('_rels/.rels'), 'Relationship');
  const main = root.find((r) => attr(r, 'Type')!.endsWith('/officeDocument'))!;
  expect(overrides.get(attr(main, 'Target')!)).toBe(mainType);
  expect(root.some((r) => attr(r, 'Type')!.endsWith('/core-properties') && attr(r, 'Target') === 'docProps/core.xml')).toBe(true);
}

/** The relationships of a part, by id: the part each points at. */
function relationsOf(parts: Map<string, Element>, part: string): Map<string, string> {
  const folder = part.slice(0, part.lastIndexOf('/') + 1);
  const rels = parts.get(`${folder}_rels/${part.slice(folder.length)}.rels`);
  return new Map(all(rels, 'Relationship').map((r) => [attr(r, 'Id')!, folder + attr(r, 'Target')!]));
}

let outcome: PlanOutcome;
let committees: readonly Committee[];
let rules: Rules;

beforeAll(async () => {
  const loaded = await loadScenario('luohu-2006');
  const hand = JSON.parse(readFileSync(new URL('../scenarios/luohu-2006/plan-2006.json', import.meta.url), 'utf8')) as { stations: string[][] };
  outcome = evaluatePlan(makePlanContext(loaded.dataset, loaded.scenario), hand.stations.map((names) =>
    names.map((n) => loaded.dataset.committees.find((c) => c.name === n)!.id)));
  committees = loaded.dataset.committees;
  rules = loaded.scenario.rules;
}, 60_000);

describe('plan.docx as a package', () => {
  const WML = 'application/vnd.openxmlformats-officedocument.wordprocessingml';

  it('has its parts, content types and relationships; title and creator in docProps/core.xml', async () => {
    const doc = makePlanDocument({ outcome, committees, datasetName: 'x', rules, settings: { title: '罗湖区社区工作站整合方案', district: '罗湖区', date: '2006-05-20' } });
    const parts = await readPackage(await makeDocx(doc));
    expect([...parts.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', '_rels/.rels', 'docProps/core.xml', 'word/document.xml', 'word/_rels/document.xml.rels', 'word/styles.xml', 'word/settings.xml']));
    expectConsistentPackage(parts, `${WML}.document.main+xml`);
    const core = parts.get('docProps/core.xml')!;
    expect(textOf(first(core, 'dc:title')!)).toBe('罗湖区社区工作站整合方案');
    expect(textOf(first(core, 'dc:creator')!)).toBe('yizhan');
    expect(Number.isNaN(Date.parse(textOf(first(core, 'dcterms:created')!)))).toBe(false);

    // odd and even pages: "— PAGE —" right on odd (default) pages, left on even ones
    expect(first(parts.get('word/settings.xml'), 'w:evenAndOddHeaders')).toBeDefined();
    const body = parts.get('word/document.xml')!;
    const sectPr = first(body, 'w:sectPr')!;
    const rels = relationsOf(parts, 'word/document.xml');
    const footer = (type: string) => parts.get(rels.get(attr(all(sectPr, 'w:footerReference').find((f) => attr(f, 'w:type') === type), 'r:id')!)!)!;
    for (const [type, side] of [['default', 'right'], ['even', 'left']] as const) {
      const f = footer(type);
      expect(attr(first(f, 'w:jc'), 'w:val'), type).toBe(side);
      expect(attr(first(f, 'w:ind'), `w:${side}`), type).toBe('280');
      expect(all(f, 'w:t').map(textOf).join('')).toBe('—  —');
      expect(all(f, 'w:instrText').map(textOf).join('').trim()).toBe('PAGE');
      expect(all(f, 'w:fldChar').map((c) => attr(c, 'w:fldCharType'))).toEqual(['begin', 'separate', 'end']);
    }
    expect(all(sectPr, 'w:headerReference')).toEqual([]); // no banner on a valid plan

    // every table: fixed layout, absolute widths, the header row repeated, no row split across pages
    const tables = all(body, 'w:tbl');
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      expect(attr(first(t, 'w:tblLayout'), 'w:type')).toBe('fixed');
      const grid = all(t, 'w:gridCol').map((g) => Number(attr(g, 'w:w')));
      expect(grid.reduce((a, b) => a + b, 0)).toBe(Number(attr(first(t, 'w:tblW'), 'w:w')));
      const rows = all(t, 'w:tr');
      expect(first(rows[0], 'w:tblHeader')).toBeDefined();
      for (const r of rows.slice(1)) expect([first(r, 'w:cantSplit') !== undefined, first(r, 'w:tblHeader')]).toEqual([true, undefined]);
      for (const r of rows) expect(all(r, 'w:tcW').map((w) => [attr(w, 'w:type'), Number(attr(w, 'w:w'))])).toEqual(grid.map((w) => ['dxa', w]));
    }
    // the annexes start on a new page
    const breaks = all(body, 'w:p').filter((p) => first(p, 'w:pageBreakBefore'));
    expect(breaks.map((p) => all(p, 'w:t').map(textOf).join(''))).toEqual(doc.annexes.length > 1 ? doc.annexes.map((_, i) => `附件${i + 1}`) : ['附件']);
  });

  it('a banner: bordered red paragraph, and a header on odd and even pages; text escaped, characters XML forbids dropped', async () => {
    const doc: OfficialDocument = {
      title: '关于<罗湖区>社区工作站整合的"请示"', banner: '未通过检查,不得上报', issuer: 'A & B', date: '2006-05-20',
      sections: [{ heading: '一、目的', blocks: [{ kind: 'paragraph', text: "x < y & 'z' \u0001\u001f\u000b end\ttab" }] }], annexes: [],
    };
    const parts = await readPackage(await makeDocx(doc));
    expectConsistentPackage(parts, `${WML}.document.main+xml`);
    const body = parts.get('word/document.xml')!;
    const texts = all(body, 'w:p').map((p) => all(p, 'w:t').map(textOf).join('')).filter((t) => t !== '');
    expect(texts).toEqual(expect.arrayContaining(['未通过检查,不得上报', '一、目的', "x < y & 'z'  end\ttab", 'A & B']));
    expect(texts).toContain(doc.title);
    const banner = all(body, 'w:p').find((p) => all(p, 'w:t').map(textOf).join('') === '未通过检查,不得上报')!;
    for (const side of ['w:top', 'w:left', 'w:bottom', 'w:right']) expect(attr(first(first(banner, 'w:pBdr'), side), 'w:color'), side).toBe('C00000');
    expect(attr(first(banner, 'w:color'), 'w:val')).toBe('C00000');
    const sectPr = first(body, 'w:sectPr')!;
    const rels = relationsOf(parts, 'word/document.xml');
    const headers = all(sectPr, 'w:headerReference');
    expect(headers.map((h) => attr(h, 'w:type')).sort()).toEqual(['default', 'even']);
    for (const h of headers) expect(all(parts.get(rels.get(attr(h, 'r:id')!)!), 'w:t').map(textOf).join('')).toBe('未通过检查,不得上报');
    expect(textOf(first(parts.get('docProps/core.xml'), 'dc:title')!)).toBe(doc.title);
  });
});

describe('plan.xlsx as a package', () => {
  const SML = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
  const BUILTIN: Record<string, string> = { 0: 'General', 3: '#,##0', 9: '0%' };

  it('has six sheets with a frozen bold header row, the number format of each column, numbers as numbers and empty cells for nothing', async () => {
    const parts = await readPackage(await makePlanXlsx({ outcome, committees, rules }));
    expectConsistentPackage(parts, `${SML}.sheet.main+xml`);
    expect(textOf(first(parts.get('docProps/core.xml'), 'dc:creator')!)).toBe('yizhan');
    const workbook = parts.get('xl/workbook.xml')!;
    const sheets = all(workbook, 'sheet');
    expect(sheets.map((s) => attr(s, 'name'))).toEqual(['工作站', '社区', '设施达标', '人员', '党组织', '检查']);
    const rels = relationsOf(parts, 'xl/workbook.xml');
    const shared = all(parts.get([...rels.values()].find((p) => p.endsWith('sharedStrings.xml'))!), 'si').map(textOf);
    const styles = parts.get([...rels.values()].find((p) => p.endsWith('styles.xml'))!)!;
    const formats = new Map(all(styles, 'numFmt').map((f) => [attr(f, 'numFmtId')!, attr(f, 'formatCode')!]));
    const fonts = all(first(styles, 'fonts'), 'font');
    const xfs = all(first(styles, 'cellXfs'), 'xf');
    const formatOf = (s: string | undefined) => { const id = attr(xfs[Number(s ?? 0)], 'numFmtId')!; return formats.get(id) ?? BUILTIN[id]; };
    const boldOf = (s: string | undefined) => first(fonts[Number(attr(xfs[Number(s ?? 0)], 'fontId'))], 'b') !== undefined;

    const read = (sheet: Element) => {
      const rows = all(sheet, 'row');
      return rows.map((r) => {
        const cells = new Map<string, { v: string | number; format: string | undefined; bold: boolean }>();
        for (const c of all(r, 'c')) {
          const v = textOf(first(c, 'v')!);
          // a number has no type (or t="n"); text is a shared string
          cells.set(attr(c, 'r')!.replace(/\d+$/, ''), { v: attr(c, 't') === 's' ? shared[Number(v)]! : Number(v), format: formatOf(attr(c, 's')), bold: boldOf(attr(c, 's')) });
          if (attr(c, 't') !== 's') expect([attr(c, 't'), v]).toEqual([undefined, String(Number(v))]);
        }
        return cells;
      });
    };
    const bySheet = new Map(sheets.map((s) => [attr(s, 'name')!, parts.get(rels.get(attr(s, 'r:id')!)!)!]));
    for (const [name, sheet] of bySheet) {
      const pane = first(sheet, 'pane')!;
      expect([attr(pane, 'state'), attr(pane, 'ySplit'), attr(pane, 'topLeftCell')], name).toEqual(['frozen', '1', 'A2']);
      const rows = read(sheet);
      expect(rows.length, name).toBeGreaterThan(1);
      for (const c of rows[0]!.values()) expect([typeof c.v, c.bold], name).toEqual(['string', true]);
      for (const r of rows.slice(1)) for (const c of r.values()) expect(c.bold).toBe(false);
      const cols = all(sheet, 'col');
      expect(cols.length, name).toBe(rows[0]!.size);
      for (const c of cols) expect(Number(attr(c, 'width'))).toBeGreaterThanOrEqual(6);
    }

    // 工作站: the columns' formats, and a row equal to its station
    const stationRows = read(bySheet.get('工作站')!);
    const column = (header: string) => [...stationRows[0]!].find(([, c]) => c.v === header)![0];
    expect(stationRows.length).toBe(outcome.stations.length + 1);
    outcome.stations.forEach((s, i) => {
      const row = stationRows[i + 1]!;
      expect(row.get(column('户数'))).toEqual({ v: s.households, format: '#,##0', bold: false });
      expect(row.get(column('面积(平方公里)'))).toEqual({ v: s.areaM2 / 1e6, format: '0.000', bold: false });
      expect(row.get(column('所辖社区'))!.v).toBe(s.committees.join('、'));
      expect(row.get(column('序号'))).toEqual({ v: i + 1, format: 'General', bold: false });
    });
    // 设施达标: shares as 0.0%, the target as 0%
    const facilityRows = read(bySheet.get('设施达标')!);
    const fcol = (header: string) => [...facilityRows[0]!].find(([, c]) => c.v === header)![0];
    for (const r of facilityRows.slice(1)) {
      expect(r.get(fcol('整合后比例'))!.format).toBe('0.0%');
      expect(r.get(fcol('目标比例'))).toMatchObject({ format: '0%' });
      expect(typeof r.get(fcol('目标比例'))!.v).toBe('number');
    }
    // 社区: numbers where the committee has the figure, no cell where it has none
    const committeeRows = read(bySheet.get('社区')!);
    const ccol = (header: string) => [...committeeRows[0]!].find(([, c]) => c.v === header)![0];
    const inScope = committees.filter((c) => outcome.stations.some((s) => s.committeeIds.includes(c.id)));
    expect(inScope.some((c) => c.officePlanned === undefined) && inScope.some((c) => c.officePlanned !== undefined)).toBe(true);
    expect(committeeRows.slice(1).map((r) => r.get(ccol('办公用房年内可达(㎡)')) ?? null)).toEqual(
      inScope.map((c) => (c.officePlanned === undefined ? null : { v: c.officePlanned, format: '#,##0', bold: false })));
  });

  it('English sheet names and headers with lang en', async () => {
    const parts = await readPackage(await makePlanXlsx({ outcome, committees, rules, lang: 'en' }));
    expect(all(parts.get('xl/workbook.xml'), 'sheet').map((s) => attr(s, 'name'))).toEqual(['stations', 'committees', 'facilities', 'staff', 'party', 'checks']);
  });
});
