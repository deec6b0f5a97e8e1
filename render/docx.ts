/**
 * Lays out an official document (render/plan-document.ts) as .docx (WordprocessingML written as
 * text, packaged by render/ooxml.ts), after
 * GB/T 9704-2012 党政机关公文格式: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
 * (type area 156 × 225 mm); title 2号 方正小标宋简体; body 3号 仿宋_GB2312 on a grid of 22 lines
 * × 28 characters; first-level headings 黑体, second-level 楷体_GB2312; page numbers 4号 宋体
 * "— 1 —", odd pages right and even pages left, one character in from the edge.
 *
 * The fonts are named, never embedded: a government office's Word has them; elsewhere the reader
 * substitutes its own CJK fonts.
 */
import type { Block, DocumentSection, DocumentTable, OfficialDocument } from './plan-document.js';
import { formatDateZh } from './plan-document.js';
import { makeOoxmlPackage, makeRelationshipsXml, REL, XML_HEADER, type OoxmlPart, type Relationship } from './ooxml.js';
import { escapeXml } from './xml.js';

export const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading: '黑体',
  subheading: '楷体_GB2312',
  pageNumber: '宋体',
} as const;

/** Half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 五号 10.5 pt. */
export const SIZES = { title: 44, body: 32, pageNumber: 28, table: 21 } as const;

const MM = 1440 / 25.4; // twips per millimetre
export const PAGE = {
  width: 11906, height: 16838,
  margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) },
} as const;
/** 22 lines in the 225 mm type area: the line pitch, twips (≈ 28.9 pt). */
export const LINE_PITCH = Math.floor((PAGE.height - PAGE.margin.top - PAGE.margin.bottom) / 22);
/**
 * 28 characters of 3号 in the 156 mm type area: each character is 15.79 pt wide instead of 16, so
 * body runs are condensed by this much (twips). A character grid (linesAndChars) would say the same
 * to Word, but LibreOffice spreads CJK text on such a grid to about 17 characters a line.
 */
export const BODY_CHARACTER_SPACING = Math.floor(((PAGE.width - PAGE.margin.left - PAGE.margin.right) / 28 - 16 * 20) - 1);
/** Two characters of 3号 (the first-line indent of a paragraph), twips. */
const INDENT_2 = 2 * 16 * 20;

type Align = 'left' | 'right' | 'center' | 'both';

interface ParagraphOptions {
  align?: Align;
  /** Line pitch, twips, and its rule; space before and after, twips. */
  spacing?: { line: number; rule: 'exact' | 'atLeast'; before?: number; after?: number };
  indent?: { firstLine?: number; left?: number; right?: number };
  pageBreakBefore?: boolean;
  /** The same border on all four sides. */
  border?: { size: number; color: string; space: number };
}

const exact = { line: LINE_PITCH, rule: 'exact', before: 0, after: 0 } as const;

const W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** Text for `w:t`: escaped, and what XML cannot hold dropped. */
function text(s: string): string {
  return escapeXml(s, '');
}

const fontCache = new Map<string, string>();
/** One face for every script: ascii, eastAsia, hAnsi and cs. */
function fontXml(name: string): string {
  let xml = fontCache.get(name);
  if (xml === undefined) {
    const n = text(name);
    xml = `<w:rFonts w:ascii="${n}" w:eastAsia="${n}" w:hAnsi="${n}" w:cs="${n}"/>`;
    fontCache.set(name, xml);
  }
  return xml;
}

/** Run properties; body-size runs are condensed to the 28-character line (BODY_CHARACTER_SPACING). */
function runProperties(face: string, size: number, extra: { bold?: boolean; color?: string } = {}): string {
  return `<w:rPr>${fontXml(face)}${extra.bold ? '<w:b/><w:bCs/>' : ''}${extra.color ? `<w:color w:val="${extra.color}"/>` : ''}${
    size === SIZES.body ? `<w:spacing w:val="${BODY_CHARACTER_SPACING}"/>` : ''}<w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr>`;
}

function run(s: string, face: string, size: number, extra: { bold?: boolean; color?: string } = {}): string {
  return `<w:r>${runProperties(face, size, extra)}<w:t xml:space="preserve">${text(s)}</w:t></w:r>`;
}

/** `w:pPr` in the schema's order: pageBreakBefore, pBdr, spacing, ind, jc. */
function paragraphProperties(o: ParagraphOptions): string {
  let xml = o.pageBreakBefore ? '<w:pageBreakBefore/>' : '';
  if (o.border) {
    const side = (name: string) => `<w:${name} w:val="single" w:color="${o.border!.color}" w:sz="${o.border!.size}" w:space="${o.border!.space}"/>`;
    xml += `<w:pBdr>${side('top')}${side('left')}${side('bottom')}${side('right')}</w:pBdr>`;
  }
  if (o.spacing) {
    const { line, rule, before, after } = o.spacing;
    xml += `<w:spacing${before === undefined ? '' : ` w:before="${before}"`}${after === undefined ? '' : ` w:after="${after}"`} w:line="${line}" w:lineRule="${rule}"/>`;
  }
  if (o.indent) {
    const { firstLine, left, right } = o.indent;
    xml += `<w:ind${left === undefined ? '' : ` w:left="${left}"`}${right === undefined ? '' : ` w:right="${right}"`}${firstLine === undefined ? '' : ` w:firstLine="${firstLine}"`}/>`;
  }
  if (o.align) xml += `<w:jc w:val="${o.align}"/>`;
  return xml === '' ? '' : `<w:pPr>${xml}</w:pPr>`;
}

function paragraph(runs: string, o: ParagraphOptions = {}): string {
  return `<w:p>${paragraphProperties(o)}${runs}</w:p>`;
}

function bodyParagraph(s: string, options: ParagraphOptions = {}, face: string = FONTS.body): string {
  return paragraph(run(s, face, SIZES.body), { spacing: exact, indent: { firstLine: INDENT_2 }, align: 'both', ...options });
}

function blank(): string {
  return paragraph(run('', FONTS.body, SIZES.body), { spacing: exact });
}

/** Characters of 2号 on one line of the type area. */
const TITLE_LINE_CHARS = Math.floor((PAGE.width - PAGE.margin.left - PAGE.margin.right) / (SIZES.title * 10));

/**
 * A title too long for one line, split in two lines of about equal length after a word end
 * (处, 站, 区, 的 …) nearest the middle, as GB/T 9704 7.3.3 asks (no line of one character).
 */
export function splitTitle(text: string): string[] {
  const chars = [...text];
  if (chars.length <= TITLE_LINE_CHARS) return [text];
  const middle = chars.length / 2;
  let best = Math.ceil(middle);
  let bestDistance = Infinity;
  chars.forEach((c, i) => {
    const cut = i + 1;
    if (!'处站局部办的和与及、》'.includes(c) || cut > TITLE_LINE_CHARS || chars.length - cut > TITLE_LINE_CHARS) return;
    if (Math.abs(cut - middle) < bestDistance) { best = cut; bestDistance = Math.abs(cut - middle); }
  });
  return [chars.slice(0, best).join(''), chars.slice(best).join('')];
}

function titleParagraphs(s: string): string[] {
  // GB/T 9704 7.3.3: the title in one or more centred lines of 2号 小标宋
  return splitTitle(s).map((line) => paragraph(run(line, FONTS.title, SIZES.title), { align: 'center', spacing: { line: Math.round(LINE_PITCH * 1.2), rule: 'exact' } }));
}

/** Width of the type area, twips. */
const TYPE_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;

/** Thin single lines around and between the cells. */
const TABLE_BORDERS = `<w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((s) => `<w:${s} w:val="single" w:sz="4" w:space="0" w:color="auto"/>`).join('')}</w:tblBorders>`;

function tableOf(t: DocumentTable): string {
  const total = t.columns.reduce((n, c) => n + (c.width ?? 10), 0);
  // absolute widths and a fixed layout: LibreOffice ignores percentages on cells
  const widths = t.columns.map((c) => Math.floor(((c.width ?? 10) / total) * TYPE_WIDTH));
  const cellSpacing = { line: 280, rule: 'atLeast', before: 20, after: 20 } as const;
  const cell = (s: string, align: Align, face: string, width: number) =>
    `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/><w:tcMar><w:left w:w="60" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tcMar></w:tcPr>${
      paragraph(run(s, face, SIZES.table), { align, spacing: cellSpacing })}</w:tc>`;
  // the header row repeats on every page a table runs over (tblHeader); no row breaks across pages
  const header = `<w:tr><w:trPr><w:tblHeader/></w:trPr>${t.columns.map((c, i) => cell(c.header, 'center', FONTS.heading, widths[i]!)).join('')}</w:tr>`;
  const rows = t.rows.map((r) => `<w:tr><w:trPr><w:cantSplit/></w:trPr>${
    r.map((v, i) => cell(typeof v === 'number' ? String(v) : v, t.columns[i]?.numeric ? 'right' : 'left', FONTS.body, widths[i]!)).join('')}</w:tr>`);
  return `<w:tbl><w:tblPr><w:tblW w:w="${widths.reduce((a, b) => a + b, 0)}" w:type="dxa"/>${TABLE_BORDERS}<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>${
    widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>${header}${rows.join('')}</w:tbl>`;
}

function blockParts(b: Block): string[] {
  switch (b.kind) {
    case 'paragraph': return [bodyParagraph(b.text)];
    case 'subheading': return [bodyParagraph(b.text, {}, FONTS.subheading)];
    case 'table': return [blank(), tableOf(b.table), blank()];
  }
}

function sectionParts(s: DocumentSection): string[] {
  return [...(s.heading ? [bodyParagraph(s.heading, {}, FONTS.heading)] : []), ...s.blocks.flatMap(blockParts)];
}

const BANNER_RED = 'C00000';

function bannerParagraph(s: string): string {
  return paragraph(run(s, FONTS.heading, SIZES.title, { bold: true, color: BANNER_RED }), {
    align: 'center',
    border: { size: 18, color: BANNER_RED, space: 4 },
    spacing: { line: Math.round(LINE_PITCH * 1.5), rule: 'exact', before: 0, after: 0 },
  });
}

/** A failing plan's banner repeated at the top of every page, so that no page passes for a valid plan. */
function bannerHeader(s: string): string {
  return `${XML_HEADER}<w:hdr ${W_NS}>${paragraph(run(s, FONTS.heading, SIZES.pageNumber, { bold: true, color: BANNER_RED }), { align: 'center' })}</w:hdr>`;
}

function pageNumberFooter(alignment: 'left' | 'right'): string {
  // "— 1 —": em dashes around the number (a PAGE field), 4号, one character in from the type area's edge
  const rPr = runProperties(FONTS.pageNumber, SIZES.pageNumber);
  const field = `<w:r>${rPr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>${rPr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>${rPr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>${rPr}<w:fldChar w:fldCharType="end"/></w:r>`;
  const runs = `${run('— ', FONTS.pageNumber, SIZES.pageNumber)}${field}${run(' —', FONTS.pageNumber, SIZES.pageNumber)}`;
  return `${XML_HEADER}<w:ftr ${W_NS}>${paragraph(runs, { align: alignment, indent: alignment === 'right' ? { right: 280 } : { left: 280 } })}</w:ftr>`;
}

/** The parts of the document in reading order: 版头 items, body, signature, annexes (each on a new page). */
function documentParts(doc: OfficialDocument): string[] {
  const parts: string[] = [];
  if (doc.banner) parts.push(bannerParagraph(doc.banner), blank());
  if (doc.documentNumber) parts.push(paragraph(run(doc.documentNumber, FONTS.body, SIZES.body), { align: 'center', spacing: exact }), blank());
  parts.push(...titleParagraphs(doc.title), blank());
  if (doc.recipient) parts.push(paragraph(run(`${doc.recipient}\uFF1A`, FONTS.body, SIZES.body), { spacing: exact }));
  for (const s of doc.sections) parts.push(...sectionParts(s));
  if (doc.attachmentNotes && doc.attachmentNotes.length > 0) {
    parts.push(blank());
    doc.attachmentNotes.forEach((note, i) => {
      const label = i === 0 ? '附件\uFF1A' : '\u3000\u3000\u3000';
      const n = doc.attachmentNotes!.length > 1 ? `${i + 1}.` : '';
      parts.push(bodyParagraph(`${label}${n}${note}`));
    });
  }
  // 署名 and 成文日期: date four characters in from the right, the issuer centred above it
  parts.push(blank(), blank());
  parts.push(paragraph(run(doc.issuer, FONTS.body, SIZES.body), { align: 'right', indent: { right: 2 * INDENT_2 }, spacing: exact }));
  parts.push(paragraph(run(formatDateZh(doc.date), FONTS.body, SIZES.body), { align: 'right', indent: { right: 2 * INDENT_2 }, spacing: exact }));
  const annexes = doc.annexes;
  annexes.forEach((a, i) => {
    const label = annexes.length > 1 ? `附件${i + 1}` : '附件';
    parts.push(paragraph(run(label, FONTS.heading, SIZES.body), { pageBreakBefore: true, spacing: exact }), blank());
    parts.push(...titleParagraphs(a.heading), blank());
    for (const b of a.blocks) parts.push(...blockParts(b));
  });
  return parts;
}

const WML = 'application/vnd.openxmlformats-officedocument.wordprocessingml';

/** Defaults every run and paragraph starts from: the body face and size. */
const STYLES_XML = `${XML_HEADER}<w:styles ${W_NS}><w:docDefaults><w:rPrDefault><w:rPr>${fontXml(FONTS.body)}<w:sz w:val="${SIZES.body}"/><w:szCs w:val="${SIZES.body}"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style></w:styles>`;

/** Different headers and footers on even pages (the page number left there); Word 2013 layout. */
const SETTINGS_XML = `${XML_HEADER}<w:settings ${W_NS}><w:evenAndOddHeaders/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`;

/**
 * The .docx file of an official document.
 * @returns the bytes of the file
 */
export async function makeDocx(doc: OfficialDocument): Promise<Buffer> {
  const relationships: Relationship[] = [
    { id: 'rId1', type: REL.styles, target: 'styles.xml' },
    { id: 'rId2', type: REL.settings, target: 'settings.xml' },
    { id: 'rId3', type: REL.footer, target: 'footer1.xml' },
    { id: 'rId4', type: REL.footer, target: 'footer2.xml' },
  ];
  const parts: OoxmlPart[] = [
    { name: 'word/styles.xml', contentType: `${WML}.styles+xml`, xml: STYLES_XML },
    { name: 'word/settings.xml', contentType: `${WML}.settings+xml`, xml: SETTINGS_XML },
    { name: 'word/footer1.xml', contentType: `${WML}.footer+xml`, xml: pageNumberFooter('right') },
    { name: 'word/footer2.xml', contentType: `${WML}.footer+xml`, xml: pageNumberFooter('left') },
  ];
  let references = '';
  if (doc.banner) {
    relationships.push({ id: 'rId5', type: REL.header, target: 'header1.xml' }, { id: 'rId6', type: REL.header, target: 'header2.xml' });
    parts.push(
      { name: 'word/header1.xml', contentType: `${WML}.header+xml`, xml: bannerHeader(doc.banner) },
      { name: 'word/header2.xml', contentType: `${WML}.header+xml`, xml: bannerHeader(doc.banner) },
    );
    references += '<w:headerReference w:type="default" r:id="rId5"/><w:headerReference w:type="even" r:id="rId6"/>';
  }
  // odd pages (default) number on the right, even pages on the left
  references += '<w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId4"/>';
  const m = PAGE.margin;
  const section = `<w:sectPr>${references}<w:pgSz w:w="${PAGE.width}" w:h="${PAGE.height}"/><w:pgMar w:top="${m.top}" w:right="${m.right}" w:bottom="${m.bottom}" w:left="${m.left}" w:header="851" w:footer="${Math.round(28 * MM) - 600}" w:gutter="0"/><w:docGrid w:linePitch="360"/></w:sectPr>`;
  const document = `${XML_HEADER}<w:document ${W_NS}><w:body>${documentParts(doc).join('')}${section}</w:body></w:document>`;
  return makeOoxmlPackage('word/document.xml', [
    { name: 'word/document.xml', contentType: `${WML}.document.main+xml`, xml: document },
    { name: 'word/_rels/document.xml.rels', xml: makeRelationshipsXml(relationships) },
    ...parts,
  ], { title: doc.title, creator: 'yizhan' });
}
