/**
 * Reads a .docx back for tests: unzips it (jszip) and parses word/document.xml (xml-js) into
 * paragraphs and tables with their text and run properties, so that tests check what a reader
 * sees, not the strings of the templates.
 */
import JSZip from 'jszip';
import { xml2js, type Element } from 'xml-js';

export interface DocxParagraph {
  text: string;
  /** East-Asian font of the first run with text. */
  font: string | undefined;
  /** Half-points of the first run with text. */
  size: number | undefined;
  color: string | undefined;
  pageBreakBefore: boolean;
  align: string | undefined;
}

export interface DocxContent {
  /** Body paragraphs outside tables, in order. */
  paragraphs: DocxParagraph[];
  /** Tables: rows of cell texts. */
  tables: string[][][];
  sectPr: Element;
  footers: string[];
  /** Texts of the page headers. */
  headers: string[];
  parts: string[];
}

function children(e: Element | undefined, name?: string): Element[] {
  return (e?.elements ?? []).filter((c) => c.type === 'element' && (name === undefined || c.name === name));
}

function child(e: Element | undefined, name: string): Element | undefined {
  return children(e, name)[0];
}

export function textOf(e: Element): string {
  if (e.type === 'element' && e.name === 'w:t') return (e.elements ?? []).map((t) => String(t.text ?? '')).join('');
  if (e.type === 'element' && e.name === 'w:instrText') return '';
  return (e.elements ?? []).map(textOf).join('');
}

function paragraph(p: Element): DocxParagraph {
  const runs = children(p, 'w:r').filter((r) => textOf(r) !== '');
  const rPr = child(runs[0], 'w:rPr');
  const pPr = child(p, 'w:pPr');
  const size = child(rPr, 'w:sz')?.attributes?.['w:val'];
  return {
    text: textOf(p),
    font: child(rPr, 'w:rFonts')?.attributes?.['w:eastAsia'] as string | undefined,
    size: size === undefined ? undefined : Number(size),
    color: child(rPr, 'w:color')?.attributes?.['w:val'] as string | undefined,
    pageBreakBefore: child(pPr, 'w:pageBreakBefore') !== undefined,
    align: child(pPr, 'w:jc')?.attributes?.['w:val'] as string | undefined,
  };
}

export async function readDocx(bytes: Uint8Array): Promise<DocxContent> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  const root = xml2js(xml, { compact: false }) as Element;
  const body = child(child(root, 'w:document'), 'w:body')!;
  const paragraphs: DocxParagraph[] = [];
  const tables: string[][][] = [];
  for (const e of children(body)) {
    if (e.name === 'w:p') paragraphs.push(paragraph(e));
    if (e.name === 'w:tbl') tables.push(children(e, 'w:tr').map((tr) => children(tr, 'w:tc').map(textOf)));
  }
  const footers: string[] = [];
  for (const name of Object.keys(zip.files).filter((n) => /^word\/footer\d*\.xml$/.test(n)).sort()) {
    const f = xml2js(await zip.file(name)!.async('string'), { compact: false }) as Element;
    const instr: string[] = [];
    const walk = (e: Element) => { if (e.name === 'w:instrText') instr.push(textOf({ ...e, name: 'w:t' })); (e.elements ?? []).forEach(walk); };
    walk(f);
    footers.push(`${textOf(f)}|${instr.join('')}`);
  }
  const headers: string[] = [];
  for (const name of Object.keys(zip.files).filter((n) => /^word\/header\d*\.xml$/.test(n)).sort()) {
    headers.push(textOf(xml2js(await zip.file(name)!.async('string'), { compact: false }) as Element));
  }
  return { paragraphs, tables, sectPr: child(body, 'w:sectPr')!, footers, headers, parts: Object.keys(zip.files) };
}

/** Attribute of the first element `name` under `e`. */
export function attributeOf(e: Element, name: string, attribute: string): string | undefined {
  const found = child(e, name);
  const v = found?.attributes?.[attribute];
  return v === undefined ? undefined : String(v);
}

/**
 * Texts of the body paragraphs as a reader takes them: a title set on several lines (consecutive
 * paragraphs in the title font) is one text; empty paragraphs are left out.
 */
export function readTexts(d: DocxContent, titleFont = '方正小标宋简体'): string[] {
  const out: string[] = [];
  let previousTitle = false;
  for (const p of d.paragraphs) {
    const isTitle = p.font === titleFont && p.text !== '';
    if (isTitle && previousTitle) out[out.length - 1] += p.text;
    else if (p.text !== '') out.push(p.text);
    previousTitle = isTitle;
  }
  return out;
}
