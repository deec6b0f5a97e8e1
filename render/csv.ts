/**
 * CSV cells and rows, in one place for every CSV yizhan writes (plan.csv, the batch's
 * comparison.csv). RFC 4180 quoting, and a guard against formula injection (OWASP "CSV
 * injection"): a text cell that starts with = + - @ TAB or CR would be run as a formula by a
 * spreadsheet, so it gets a leading apostrophe and shows as the text it is. Numbers stay numbers
 * (a negative number is not a formula).
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: null and undefined are empty, finite numbers as they are (non-finite empty),
 * booleans as true/false, everything else as text, guarded and quoted when needed.
 * @example formatCsvCell('=1+2') // "'=1+2"
 */
export function formatCsvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A whole CSV file: rows of cells joined with CRLF, a final CRLF.
 * @param [options.bom=false] start with a UTF-8 byte-order mark, so that Excel reads Chinese text
 */
export function formatCsv(rows: readonly (readonly unknown[])[], options: { bom?: boolean } = {}): string {
  return (options.bom ? '\uFEFF' : '') + rows.map((r) => r.map(formatCsvCell).join(',')).join('\r\n') + '\r\n';
}
