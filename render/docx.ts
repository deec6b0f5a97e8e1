/**
 * Lays out an official document (render/plan-document.ts) as .docx with the `docx` package, after
 * GB/T 9704-2012 党政机关公文格式: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
 * (type area 156 × 225 mm); title 2号 方正小标宋简体; body 3号 仿宋_GB2312 on a grid of 22 lines
 * × 28 characters; first-level headings 黑体, second-level 楷体_GB2312; page numbers 4号 宋体
 * "— 1 —", odd pages right and even pages left, one character in from the edge.
 *
 * The fonts are named, never embedded: a government office's Word has them; elsewhere the reader
 * substitutes its own CJK fonts.
 */
import {
  AlignmentType, BorderStyle, Document, Footer, Header, LineRuleType, Packer, PageNumber, Paragraph, Table, TableCell,
  TableLayoutType, TableRow, TextRun, WidthType, type IParagraphOptions, type ParagraphChild,
} from 'docx';
import type { Block, DocumentSection, DocumentTable, OfficialDocument } from './plan-document.js';
import { formatDateZh } from './plan-document.js';
import { deflateStoredZip } from './zip-deflate.js';

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

const exact = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 } as const;

function font(name: string) {
  return { ascii: name, eastAsia: name, hAnsi: name, cs: name };
}

function run(text: string, face: string, size: number, extra: { bold?: boolean; color?: string } = {}): TextRun {
  return new TextRun({ text, font: font(face), size, ...(size === SIZES.body ? { characterSpacing: BODY_CHARACTER_SPACING } : {}), ...extra });
}

function bodyParagraph(text: string, options: Partial<IParagraphOptions> = {}, face: string = FONTS.body): Paragraph {
  return new Paragraph({ children: [run(text, face, SIZES.body)], spacing: exact, indent: { firstLine: INDENT_2 }, alignment: AlignmentType.JUSTIFIED, ...options });
}

function blank(): Paragraph {
  return new Paragraph({ children: [run('', FONTS.body, SIZES.body)], spacing: exact });
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

function titleParagraphs(text: string): Paragraph[] {
  // GB/T 9704 7.3.3: the title in one or more centred lines of 2号 小标宋
  return splitTitle(text).map((line) => new Paragraph({ children: [run(line, FONTS.title, SIZES.title)], alignment: AlignmentType.CENTER, spacing: { line: Math.round(LINE_PITCH * 1.2), lineRule: LineRuleType.EXACT } }));
}

/** Width of the type area, twips. */
const TYPE_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;

function tableOf(t: DocumentTable): Table {
  const total = t.columns.reduce((n, c) => n + (c.width ?? 10), 0);
  // absolute widths and a fixed layout: LibreOffice ignores percentages on cells
  const widths = t.columns.map((c) => Math.floor(((c.width ?? 10) / total) * TYPE_WIDTH));
  const cell = (text: string, numeric: boolean, header: boolean, width: number) => new TableCell({
    width: { size: width, type: WidthType.DXA },
    margins: { left: 60, right: 60 },
    children: [new Paragraph({
      children: [run(text, header ? FONTS.heading : FONTS.body, SIZES.table)],
      alignment: header ? AlignmentType.CENTER : numeric ? AlignmentType.RIGHT : AlignmentType.LEFT,
      spacing: { line: 280, lineRule: LineRuleType.AT_LEAST, before: 20, after: 20 },
    })],
  });
  return new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, children: t.columns.map((c, i) => cell(c.header, false, true, widths[i]!)) }),
      ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((v, i) => cell(typeof v === 'number' ? String(v) : v, !!t.columns[i]?.numeric, false, widths[i]!)) })),
    ],
  });
}

function blockParts(b: Block): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'paragraph': return [bodyParagraph(b.text)];
    case 'subheading': return [bodyParagraph(b.text, {}, FONTS.subheading)];
    case 'table': return [blank(), tableOf(b.table), blank()];
  }
}

function sectionParts(s: DocumentSection): (Paragraph | Table)[] {
  return [...(s.heading ? [bodyParagraph(s.heading, {}, FONTS.heading)] : []), ...s.blocks.flatMap(blockParts)];
}

function bannerParagraph(text: string): Paragraph {
  const border = { style: BorderStyle.SINGLE, size: 18, color: 'C00000', space: 4 };
  return new Paragraph({
    children: [run(text, FONTS.heading, SIZES.title, { bold: true, color: 'C00000' })],
    alignment: AlignmentType.CENTER,
    border: { top: border, bottom: border, left: border, right: border },
    spacing: { line: Math.round(LINE_PITCH * 1.5), lineRule: LineRuleType.EXACT, before: 0, after: 0 },
  });
}

/** A failing plan's banner repeated at the top of every page, so that no page passes for a valid plan. */
function bannerHeader(text: string): Header {
  return new Header({ children: [new Paragraph({ children: [run(text, FONTS.heading, SIZES.pageNumber, { bold: true, color: 'C00000' })], alignment: AlignmentType.CENTER })] });
}

function pageNumberFooter(alignment: 'left' | 'right'): Footer {
  // "— 1 —": em dashes around the number, 4号, one character in from the type area's edge
  const children: ParagraphChild[] = [run('— ', FONTS.pageNumber, SIZES.pageNumber), new TextRun({ children: [PageNumber.CURRENT], font: font(FONTS.pageNumber), size: SIZES.pageNumber }), run(' —', FONTS.pageNumber, SIZES.pageNumber)];
  return new Footer({
    children: [new Paragraph({
      children,
      alignment: alignment === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
      indent: alignment === 'right' ? { right: 280 } : { left: 280 },
    })],
  });
}

/** The parts of the document in reading order: 版头 items, body, signature, annexes (each on a new page). */
function documentParts(doc: OfficialDocument): (Paragraph | Table)[] {
  const parts: (Paragraph | Table)[] = [];
  if (doc.banner) parts.push(bannerParagraph(doc.banner), blank());
  if (doc.documentNumber) parts.push(new Paragraph({ children: [run(doc.documentNumber, FONTS.body, SIZES.body)], alignment: AlignmentType.CENTER, spacing: exact }), blank());
  parts.push(...titleParagraphs(doc.title), blank());
  if (doc.recipient) parts.push(new Paragraph({ children: [run(`${doc.recipient}\uFF1A`, FONTS.body, SIZES.body)], spacing: exact }));
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
  parts.push(new Paragraph({ children: [run(doc.issuer, FONTS.body, SIZES.body)], alignment: AlignmentType.RIGHT, indent: { right: 2 * INDENT_2 }, spacing: exact }));
  parts.push(new Paragraph({ children: [run(formatDateZh(doc.date), FONTS.body, SIZES.body)], alignment: AlignmentType.RIGHT, indent: { right: 2 * INDENT_2 }, spacing: exact }));
  const annexes = doc.annexes;
  annexes.forEach((a, i) => {
    const label = annexes.length > 1 ? `附件${i + 1}` : '附件';
    parts.push(new Paragraph({ children: [run(label, FONTS.heading, SIZES.body)], pageBreakBefore: true, spacing: exact }), blank());
    parts.push(...titleParagraphs(a.heading), blank());
    for (const b of a.blocks) parts.push(...blockParts(b));
  });
  return parts;
}

/**
 * The .docx file of an official document.
 * @returns the bytes of the file
 */
export async function makeDocx(doc: OfficialDocument): Promise<Buffer> {
  const document = new Document({
    creator: 'yizhan',
    title: doc.title,
    evenAndOddHeaderAndFooters: true,
    styles: { default: { document: { run: { font: font(FONTS.body), size: SIZES.body } } } },
    sections: [{
      properties: {
        page: { size: { width: PAGE.width, height: PAGE.height }, margin: { ...PAGE.margin, header: 851, footer: Math.round(28 * MM) - 600 } },
      },
      footers: { default: pageNumberFooter('right'), even: pageNumberFooter('left') },
      ...(doc.banner ? { headers: { default: bannerHeader(doc.banner), even: bannerHeader(doc.banner) } } : {}),
      children: documentParts(doc),
    }],
  });
  return packDocx(document);
}

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * `Packer.toBuffer` with the parts zipped stored and deflated natively (render/zip-deflate.ts):
 * the same parts, deflated by zlib instead of JSZip's JavaScript. Packer's compiler (private in
 * docx's types, docx pinned in package.json) gives the JSZip of the parts; should a version of
 * docx not have it, Packer.toBuffer makes the file.
 */
async function packDocx(document: Document): Promise<Buffer> {
  const compiler = (Packer as unknown as { compiler?: { compile?(file: Document, prettify?: string): { generateAsync(o: object): Promise<Buffer> } } }).compiler;
  if (typeof compiler?.compile !== 'function') return Packer.toBuffer(document);
  const stored = await compiler.compile(document, undefined).generateAsync({ type: 'nodebuffer', mimeType: DOCX_MIME, compression: 'STORE' });
  return deflateStoredZip(stored);
}
