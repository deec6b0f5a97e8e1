/**
 * A dBASE III table (.dbf) in UTF-8, for Shapefiles. @mapbox/shp-write writes the .shp and .shx;
 * its DBF writer (the `dbf` package) writes one byte per UTF-16 unit, which destroys Chinese text,
 * so the table is written here: field widths in bytes, text cut only at a character boundary,
 * and the .cpg beside it says UTF-8.
 */
import type { Column } from './fields.js';

const enc = new TextEncoder();

interface DbfField {
  name: string;
  column: Column;
  type: 'C' | 'N' | 'L';
  width: number;
  decimals: number;
}

function numberText(v: unknown, decimals: number): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  return decimals > 0 ? v.toFixed(decimals) : String(Math.round(v));
}

/** UTF-8 bytes of `text`, at most `max` of them, never cutting a character. */
function utf8Cut(text: string, max: number): Uint8Array {
  const bytes = enc.encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** The .dbf bytes of `rows` under `columns`, each column named by `dbfNames`. */
export function makeDbf(columns: readonly Column[], dbfNames: readonly string[], rows: readonly Record<string, unknown>[]): Uint8Array {
  const fields: DbfField[] = columns.map((column, i) => {
    const name = dbfNames[i]!;
    if (column.type === 'boolean') return { name, column, type: 'L', width: 1, decimals: 0 };
    if (column.type === 'integer' || column.type === 'real') {
      const decimals = column.type === 'real' ? 6 : 0;
      let width = 1;
      for (const r of rows) width = Math.max(width, numberText(r[column.name], decimals).length);
      return { name, column, type: 'N', width: Math.min(width, 19), decimals };
    }
    let width = 1;
    for (const r of rows) {
      const v = r[column.name];
      if (typeof v === 'string') width = Math.max(width, enc.encode(v).length);
    }
    return { name, column, type: 'C', width: Math.min(width, 254), decimals: 0 };
  });
  const recordLength = 1 + fields.reduce((n, f) => n + f.width, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const out = new Uint8Array(headerLength + recordLength * rows.length + 1);
  const view = new DataView(out.buffer);
  const now = new Date();
  out[0] = 0x03;
  out[1] = now.getUTCFullYear() - 1900;
  out[2] = now.getUTCMonth() + 1;
  out[3] = now.getUTCDate();
  view.setUint32(4, rows.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  out[29] = 0x00; // no language driver: the .cpg says UTF-8
  fields.forEach((f, i) => {
    const at = 32 + i * 32;
    out.set(enc.encode(f.name).subarray(0, 10), at);
    out[at + 11] = f.type.charCodeAt(0);
    out[at + 16] = f.width;
    out[at + 17] = f.decimals;
  });
  out[headerLength - 1] = 0x0d;
  let at = headerLength;
  for (const r of rows) {
    out[at] = 0x20; // not deleted
    let p = at + 1;
    for (const f of fields) {
      const v = r[f.column.name];
      out.fill(0x20, p, p + f.width);
      if (f.type === 'L') out[p] = v === true ? 0x54 : v === false ? 0x46 : 0x3f;
      else if (f.type === 'N') {
        const t = numberText(v, f.decimals);
        out.set(enc.encode(t.slice(0, f.width)), p + f.width - Math.min(t.length, f.width)); // right-aligned
      } else if (typeof v === 'string') out.set(utf8Cut(v, f.width), p);
      p += f.width;
    }
    at += recordLength;
  }
  out[at] = 0x1a;
  return out;
}
