/**
 * Escaping text for XML 1.0 (the SVG drawings, the QGIS style, the OOXML parts of plan.docx and
 * plan.xlsx): one pass over the text, and none at all for the usual text that needs nothing.
 */

/** What XML 1.0 forbids (control characters but tab, line feed and carriage return; U+FFFE, U+FFFF) and what must be escaped. */
const SPECIAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<>"']/;
const SPECIAL_ALL = new RegExp(SPECIAL.source, 'g');
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Text and attribute escaping: & < > " ' become entities.
 * @param [forbidden='\uFFFD'] what a character XML 1.0 forbids becomes (the drawings show U+FFFD;
 * the documents drop it, as Word does)
 */
export function escapeXml(s: string, forbidden = '\uFFFD'): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIAL_ALL, (c) => ENTITY[c] ?? forbidden);
}
