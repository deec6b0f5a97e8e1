/**
 * Lays out an official document (render/plan-document.ts) as .docx, after GB/T 9704-2012
 * 党政机关公文格式: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area
 * 156 × 225 mm); title 2号 方正小标宋简体; body 3号 仿宋_GB2312 on a grid of 22 lines × 28
 * characters; first-level headings 黑体, second-level 楷体_GB2312; page numbers 4号 宋体 "— 1 —",
 * odd pages right and even pages left, one character in from the edge.
 *
 * The XML is written directly, in exactly the form the `docx` package (9.5.1) gave it before
 * (tests/plan-documents-bytes.test.ts compares every part with that package's output): building the
 * package's object tree and zipping with JSZip cost more than the rest of a plan together.
 *
 * The fonts are named, never embedded: a government office's Word has them; elsewhere the reader
 * substitutes its own CJK fonts.
 */
import * as PARTS from './docx-parts.js';
import type { Block, DocumentSection, DocumentTable, OfficialDocument } from './plan-document.js';
import { formatDateZh } from './plan-document.js';
import { makeZip, type ZipEntry } from './zip.js';

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

/** XML text and attribute values, escaped as the `docx` package escapes them. */
function esc(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;') : text;
}

function fontXml(name: string): string {
  return `<w:rFonts w:ascii="${name}" w:eastAsia="${name}" w:hAnsi="${name}" w:cs="${name}"/>`;
}

/** The run properties of a run: font, bold, colour, the body's condensed spacing, size. */
function runProps(face: string, size: number, extra: { bold?: boolean; color?: string } = {}): string {
  return `<w:rPr>${fontXml(face)}${extra.bold ? '<w:b/><w:bCs/>' : ''}${extra.color ? `<w:color w:val="${extra.color}"/>` : ''}` +
    `${size === SIZES.body ? `<w:spacing w:val="${BODY_CHARACTER_SPACING}"/>` : ''}<w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr>`;
}

function run(text: string, face: string, size: number, extra: { bold?: boolean; color?: string } = {}): string {
  return `<w:r>${runProps(face, size, extra)}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
}

interface ParagraphLayout {
  pageBreakBefore?: boolean;
  /** <w:pBdr> … </w:pBdr> */
  border?: string;
  /** <w:spacing …/> */
  spacing?: string;
  /** <w:ind …/> */
  indent?: string;
  alignment?: 'center' | 'both' | 'left' | 'right';
}

function paragraph(runs: string, p: ParagraphLayout): string {
  const props = `${p.pageBreakBefore ? '<w:pageBreakBefore/>' : ''}${p.border ?? ''}${p.spacing ?? ''}${p.indent ?? ''}${p.alignment ? `<w:jc w:val="${p.alignment}"/>` : ''}`;
  return `<w:p>${props ? `<w:pPr>${props}</w:pPr>` : ''}${runs}</w:p>`;
}

/** Exactly one line of the grid, no space before or after. */
const EXACT = `<w:spacing w:line="${LINE_PITCH}" w:lineRule="exact" w:before="0" w:after="0"/>`;
const FIRST_LINE = `<w:ind w:firstLine="${INDENT_2}"/>`;

function bodyParagraph(text: string, face: string = FONTS.body): string {
  return paragraph(run(text, face, SIZES.body), { spacing: EXACT, indent: FIRST_LINE, alignment: 'both' });
}

const BLANK = paragraph(run('', FONTS.body, SIZES.body), { spacing: EXACT });

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

function titleParagraphs(text: string): string[] {
  // GB/T 9704 7.3.3: the title in one or more centred lines of 2号 小标宋
  const spacing = `<w:spacing w:line="${Math.round(LINE_PITCH * 1.2)}" w:lineRule="exact"/>`;
  return splitTitle(text).map((line) => paragraph(run(line, FONTS.title, SIZES.title), { alignment: 'center', spacing }));
}

/** Width of the type area, twips. */
const TYPE_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;

const TABLE_BORDERS = '<w:tblBorders>' + ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} w:val="single" w:color="auto" w:sz="4"/>`).join('') + '</w:tblBorders>';
const CELL_SPACING = '<w:spacing w:line="280" w:lineRule="atLeast" w:before="20" w:after="20"/>';

function tableOf(t: DocumentTable): string {
  const total = t.columns.reduce((n, c) => n + (c.width ?? 10), 0);
  // absolute widths and a fixed layout: LibreOffice ignores percentages on cells
  const widths = t.columns.map((c) => Math.floor(((c.width ?? 10) / total) * TYPE_WIDTH));
  const cell = (text: string, numeric: boolean, header: boolean, width: number): string =>
    `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${width}"/><w:tcMar><w:left w:type="dxa" w:w="60"/><w:right w:type="dxa" w:w="60"/></w:tcMar></w:tcPr>` +
    paragraph(run(text, header ? FONTS.heading : FONTS.body, SIZES.table), { spacing: CELL_SPACING, alignment: header ? 'center' : numeric ? 'right' : 'left' }) +
    '</w:tc>';
  const out: string[] = [
    `<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="${widths.reduce((a, b) => a + b, 0)}"/>${TABLE_BORDERS}<w:tblLayout w:type="fixed"/></w:tblPr>`,
    `<w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`,
    `<w:tr><w:trPr><w:tblHeader/></w:trPr>${t.columns.map((c, i) => cell(c.header, false, true, widths[i]!)).join('')}</w:tr>`,
  ];
  for (const r of t.rows) {
    out.push(`<w:tr><w:trPr><w:cantSplit/></w:trPr>${r.map((v, i) => cell(typeof v === 'number' ? String(v) : v, !!t.columns[i]?.numeric, false, widths[i]!)).join('')}</w:tr>`);
  }
  out.push('</w:tbl>');
  return out.join('');
}

function blockParts(b: Block): string[] {
  switch (b.kind) {
    case 'paragraph': return [bodyParagraph(b.text)];
    case 'subheading': return [bodyParagraph(b.text, FONTS.subheading)];
    case 'table': return [BLANK, tableOf(b.table), BLANK];
  }
}

function sectionParts(s: DocumentSection): string[] {
  return [...(s.heading ? [bodyParagraph(s.heading, FONTS.heading)] : []), ...s.blocks.flatMap(blockParts)];
}

function bannerParagraph(text: string): string {
  const border = (side: string) => `<w:${side} w:val="single" w:color="C00000" w:sz="18" w:space="4"/>`;
  return paragraph(run(text, FONTS.heading, SIZES.title, { bold: true, color: 'C00000' }), {
    border: `<w:pBdr>${['top', 'bottom', 'left', 'right'].map(border).join('')}</w:pBdr>`,
    spacing: `<w:spacing w:line="${Math.round(LINE_PITCH * 1.5)}" w:lineRule="exact" w:before="0" w:after="0"/>`,
    alignment: 'center',
  });
}

/** A failing plan's banner repeated at the top of every page, so that no page passes for a valid plan. */
function bannerHeader(text: string): string {
  return `${PARTS.HEADER_OPEN}${paragraph(run(text, FONTS.heading, SIZES.pageNumber, { bold: true, color: 'C00000' }), { alignment: 'center' })}</w:hdr>`;
}

function pageNumberFooter(alignment: 'left' | 'right'): string {
  // "— 1 —": em dashes around the number, 4号, one character in from the type area's edge
  const page = `<w:r>${runProps(FONTS.pageNumber, SIZES.pageNumber)}<w:fldChar w:fldCharType="begin"/><w:instrText xml:space="preserve">PAGE</w:instrText><w:fldChar w:fldCharType="separate"/><w:fldChar w:fldCharType="end"/></w:r>`;
  const runs = run('— ', FONTS.pageNumber, SIZES.pageNumber) + page + run(' —', FONTS.pageNumber, SIZES.pageNumber);
  return `${PARTS.FOOTER_OPEN}${paragraph(runs, { indent: alignment === 'right' ? '<w:ind w:right="280"/>' : '<w:ind w:left="280"/>', alignment })}</w:ftr>`;
}

/** The parts of the document in reading order: 版头 items, body, signature, annexes (each on a new page). */
function documentParts(doc: OfficialDocument): string[] {
  const parts: string[] = [];
  if (doc.banner) parts.push(bannerParagraph(doc.banner), BLANK);
  if (doc.documentNumber) parts.push(paragraph(run(doc.documentNumber, FONTS.body, SIZES.body), { spacing: EXACT, alignment: 'center' }), BLANK);
  parts.push(...titleParagraphs(doc.title), BLANK);
  if (doc.recipient) parts.push(paragraph(run(`${doc.recipient}\uFF1A`, FONTS.body, SIZES.body), { spacing: EXACT }));
  for (const s of doc.sections) parts.push(...sectionParts(s));
  if (doc.attachmentNotes && doc.attachmentNotes.length > 0) {
    parts.push(BLANK);
    doc.attachmentNotes.forEach((note, i) => {
      const label = i === 0 ? '附件\uFF1A' : '\u3000\u3000\u3000';
      const n = doc.attachmentNotes!.length > 1 ? `${i + 1}.` : '';
      parts.push(bodyParagraph(`${label}${n}${note}`));
    });
  }
  // 署名 and 成文日期: date four characters in from the right, the issuer centred above it
  parts.push(BLANK, BLANK);
  const signature = { spacing: EXACT, indent: `<w:ind w:right="${2 * INDENT_2}"/>`, alignment: 'right' } as const;
  parts.push(paragraph(run(doc.issuer, FONTS.body, SIZES.body), signature));
  parts.push(paragraph(run(formatDateZh(doc.date), FONTS.body, SIZES.body), signature));
  const annexes = doc.annexes;
  annexes.forEach((a, i) => {
    const label = annexes.length > 1 ? `附件${i + 1}` : '附件';
    parts.push(paragraph(run(label, FONTS.heading, SIZES.body), { pageBreakBefore: true, spacing: EXACT }), BLANK);
    parts.push(...titleParagraphs(a.heading), BLANK);
    for (const b of a.blocks) parts.push(...blockParts(b));
  });
  return parts;
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';

/**
 * The .docx file of an official document.
 * @param [at=new Date()] the creation time written in docProps/core.xml and the ZIP entries
 * @returns the bytes of the file
 */
export async function makeDocx(doc: OfficialDocument, at: Date = new Date()): Promise<Buffer> {
  const banner = !!doc.banner;
  // relationships of word/document.xml, in the package's order: headers (when a banner) and footers before the font table
  const parts = ['styles', 'numbering', 'footnotes', 'settings', 'comments', ...(banner ? ['header1', 'header2'] : []), 'footer1', 'footer2', 'fontTable'];
  const relType = (p: string) => p.replace(/\d$/, '');
  const docRels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    parts.map((p, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/${relType(p)}" Target="${p}.xml"/>`).join('') + '</Relationships>';
  const rId = (p: string) => `rId${parts.indexOf(p) + 1}`;
  const sectPr = '<w:sectPr>' +
    (banner ? `<w:headerReference w:type="default" r:id="${rId('header1')}"/><w:headerReference w:type="even" r:id="${rId('header2')}"/>` : '') +
    `<w:footerReference w:type="default" r:id="${rId('footer1')}"/><w:footerReference w:type="even" r:id="${rId('footer2')}"/>` +
    `<w:pgSz w:w="${PAGE.width}" w:h="${PAGE.height}" w:orient="portrait"/>` +
    `<w:pgMar w:top="${PAGE.margin.top}" w:right="${PAGE.margin.right}" w:bottom="${PAGE.margin.bottom}" w:left="${PAGE.margin.left}" w:header="851" w:footer="${Math.round(28 * MM) - 600}" w:gutter="0"/>` +
    '<w:pgNumType/><w:docGrid w:linePitch="360"/></w:sectPr>';
  const document = `${PARTS.DOCUMENT_OPEN}<w:body>${documentParts(doc).join('')}${sectPr}</w:body></w:document>`;
  const stamp = at.toISOString();
  const core = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${esc(doc.title)}</dc:title><dc:creator>yizhan</dc:creator><cp:lastModifiedBy>Un-named</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified></cp:coreProperties>`;
  const override = (part: string, type: string) => `<Override ContentType="${type}" PartName="/${part}"/>`;
  const contentTypes = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default ContentType="image/png" Extension="png"/><Default ContentType="image/jpeg" Extension="jpeg"/><Default ContentType="image/jpeg" Extension="jpg"/><Default ContentType="image/bmp" Extension="bmp"/><Default ContentType="image/gif" Extension="gif"/><Default ContentType="image/svg+xml" Extension="svg"/>' +
    `<Default ContentType="application/vnd.openxmlformats-package.relationships+xml" Extension="rels"/><Default ContentType="application/xml" Extension="xml"/><Default ContentType="${CT}.obfuscatedFont" Extension="odttf"/>` +
    override('word/document.xml', `${CT}.wordprocessingml.document.main+xml`) + override('word/styles.xml', `${CT}.wordprocessingml.styles+xml`) +
    override('docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml') + override('docProps/custom.xml', `${CT}.custom-properties+xml`) +
    override('docProps/app.xml', `${CT}.extended-properties+xml`) + override('word/numbering.xml', `${CT}.wordprocessingml.numbering+xml`) +
    override('word/footnotes.xml', `${CT}.wordprocessingml.footnotes+xml`) + override('word/settings.xml', `${CT}.wordprocessingml.settings+xml`) +
    override('word/comments.xml', `${CT}.wordprocessingml.comments+xml`) + override('word/fontTable.xml', `${CT}.wordprocessingml.fontTable+xml`) +
    (banner ? override('word/header1.xml', `${CT}.wordprocessingml.header+xml`) + override('word/header2.xml', `${CT}.wordprocessingml.header+xml`) : '') +
    override('word/footer1.xml', `${CT}.wordprocessingml.footer+xml`) + override('word/footer2.xml', `${CT}.wordprocessingml.footer+xml`) + '</Types>';
  const header = banner ? bannerHeader(doc.banner!) : '';
  // the entries in the order the `docx` package zipped them
  const entries: ZipEntry[] = [
    { name: 'word/' }, { name: 'word/_rels/' },
    { name: 'word/_rels/document.xml.rels', content: docRels },
    { name: 'word/document.xml', content: document },
    { name: 'word/styles.xml', content: PARTS.STYLES },
    { name: 'docProps/' }, { name: 'docProps/core.xml', content: core },
    { name: 'word/numbering.xml', content: PARTS.NUMBERING },
    { name: '_rels/' }, { name: '_rels/.rels', content: PARTS.PACKAGE_RELS },
    ...(banner ? [{ name: 'word/_rels/header1.xml.rels', content: PARTS.EMPTY_RELS }, { name: 'word/_rels/header2.xml.rels', content: PARTS.EMPTY_RELS }] : []),
    { name: 'word/_rels/footer1.xml.rels', content: PARTS.EMPTY_RELS }, { name: 'word/_rels/footer2.xml.rels', content: PARTS.EMPTY_RELS },
    ...(banner ? [{ name: 'word/header1.xml', content: header }, { name: 'word/header2.xml', content: header }] : []),
    { name: 'word/footer1.xml', content: pageNumberFooter('right') }, { name: 'word/footer2.xml', content: pageNumberFooter('left') },
    { name: '[Content_Types].xml', content: contentTypes },
    { name: 'docProps/custom.xml', content: PARTS.CUSTOM }, { name: 'docProps/app.xml', content: PARTS.APP },
    { name: 'word/footnotes.xml', content: PARTS.FOOTNOTES }, { name: 'word/_rels/footnotes.xml.rels', content: PARTS.EMPTY_RELS },
    { name: 'word/settings.xml', content: PARTS.SETTINGS },
    { name: 'word/comments.xml', content: PARTS.COMMENTS }, { name: 'word/_rels/comments.xml.rels', content: PARTS.EMPTY_RELS },
    { name: 'word/fontTable.xml', content: PARTS.FONT_TABLE }, { name: 'word/_rels/fontTable.xml.rels', content: PARTS.EMPTY_RELS },
  ];
  return makeZip(entries, at);
}
