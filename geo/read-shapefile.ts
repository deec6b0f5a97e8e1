/// <reference path="./shpjs.d.ts" />
/**
 * Shapefiles: a .zip holding .shp/.dbf/.shx/.prj/.cpg, or a bare .shp with its siblings given as
 * bytes. Geometry by shpjs's parseShp, attributes by its DBF parser (parsedbf), the archive by
 * fflate; the CRS from the .prj (see explainWktCrs), the text encoding from the `encoding` option,
 * else the .cpg, else the DBF's language driver byte (GBK for code page 936), else UTF-8.
 *
 * A wrong encoding is detected, not stored: text that decodes to U+FFFD replacement characters is
 * a fatal `encoding-mismatch` naming the feature and field and, when another Chinese encoding
 * decodes it cleanly, that encoding; a DBF declared GBK/GB18030 whose text is valid UTF-8 with
 * non-ASCII characters is the same problem the other way round.
 *
 * DBF field names are cut at 10 characters: a field named like the first ten characters of a
 * committee field (`streetOffi`, `partyMembe`, `selfContai`) is read as that field when no field
 * has the full name and the mapping does not name it; a property the mapping names
 * (`households2010`, `常住人口数`) is read from the one field that is its 10-byte cut (`households`,
 * `常住人�`) when no field has its full name.
 */
import { unzipSync } from 'fflate';
import { parseDbf, parseShp } from 'shpjs';
import { explainWktCrs } from './crs.js';
import { cleanProperties, fatalProblem } from './read-source.js';
import type { DecodedSource } from './read-source.js';
import type { FieldMapping, Problem } from './types.js';
import { CANONICAL_FIELDS } from './validate-properties.js';

export interface ShapefileParts {
  shp: Uint8Array;
  dbf?: Uint8Array;
  shx?: Uint8Array;
  prj?: Uint8Array;
  cpg?: Uint8Array;
}

export interface ReadShapefileOptions {
  /** Text encoding of the DBF (`GBK`, `GB18030`, `UTF-8`, …); wins over the .cpg. */
  encoding?: string;
  /** Base name of the shapefile to read when a zip holds several. */
  layer?: string;
  /** The field mapping, whose source names are never renamed. */
  mapping?: FieldMapping;
  /** Name used in messages. ['the shapefile'] */
  label?: string;
}

const utf8 = new TextDecoder('utf-8');

/**
 * The most the shapefile parts of one zip may unpack to, together. The sizes a zip declares bound
 * what fflate allocates, so they are checked before anything is inflated: a 1.5 MB zip of zeros
 * declared 1.5 GB held the reader 30 s and 1.6 GB of memory, and a 50 MB upload of such entries
 * would exhaust the server's. A city's small areas unpack to tens of MB.
 */
export const MAX_UNZIPPED_BYTES = 512 * 1024 * 1024;

const SHAPEFILE_PART = /^(.*)\.(shp|dbf|shx|prj|cpg)$/i;
const isShapefilePart = (path: string): boolean => !path.includes('__MACOSX/') && !path.endsWith('/') && SHAPEFILE_PART.test(path);

/** The shapefiles in a zip, by base name (folder kept), with their siblings; or the problem. */
export function listZipShapefiles(zip: Uint8Array, maxUnzippedBytes = MAX_UNZIPPED_BYTES): Map<string, ShapefileParts> | Problem {
  let entries: Record<string, Uint8Array>;
  const others: string[] = [];
  let declared = 0;
  let tooLarge: { name: string; size: number } | undefined;
  try {
    // only the shapefile parts are inflated, and only while their declared sizes fit
    entries = unzipSync(zip, {
      filter: (f) => {
        if (!isShapefilePart(f.name)) {
          if (others.length < 10) others.push(f.name);
          return false;
        }
        declared += f.originalSize;
        if (declared > maxUnzippedBytes) tooLarge ??= { name: f.name, size: f.originalSize };
        return tooLarge === undefined;
      },
    });
  } catch (e) {
    return fatalProblem('format-unreadable', `not a readable zip archive (${(e as Error).message})`);
  }
  if (tooLarge) {
    const mib = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
    return fatalProblem('zip-too-large', `the zip's shapefile parts unpack to more than ${mib(maxUnzippedBytes)} (${tooLarge.name} alone declares ${mib(tooLarge.size)}); nothing was read: unzip it and read the .shp beside its siblings, or convert it to GeoPackage or FlatGeobuf`);
  }
  const byBase = new Map<string, Partial<ShapefileParts>>();
  for (const [path, bytes] of Object.entries(entries)) {
    const m = SHAPEFILE_PART.exec(path)!;
    const base = m[1]!;
    const key = [...byBase.keys()].find((k) => k.toLowerCase() === base.toLowerCase()) ?? base;
    const parts = byBase.get(key) ?? {};
    parts[m[2]!.toLowerCase() as keyof ShapefileParts] = bytes;
    byBase.set(key, parts);
  }
  const out = new Map<string, ShapefileParts>();
  for (const [base, parts] of byBase) if (parts.shp) out.set(base, parts as ShapefileParts);
  if (out.size === 0) {
    const names = [...Object.keys(entries), ...others].slice(0, 10).join(', ');
    return fatalProblem('format-unreadable', `the zip holds no .shp file (it holds: ${names || 'nothing'})`);
  }
  return out;
}

/** The DBF's language driver id (byte 29) → encoding, for the code pages GDAL maps to Chinese. */
function encodingFromLdid(dbf: Uint8Array): string | undefined {
  const ldid = dbf.length > 29 ? dbf[29] : 0;
  return ldid === 0x4d || ldid === 0x7a ? 'GBK' : undefined;
}

function normaliseEncodingLabel(label: string): string {
  const t = label.trim();
  if (/^(ANSI\s*)?936$|^CP936$/i.test(t)) return 'GBK';
  if (/^(ANSI\s*)?54936$/i.test(t)) return 'GB18030';
  if (/^\d+$/.test(t)) return `windows-${t}`;
  return t;
}

function isValidUtf8WithNonAscii(bytes: Uint8Array): boolean {
  let nonAscii = false;
  for (const b of bytes) if (b >= 0x80) { nonAscii = true; break; }
  if (!nonAscii) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The records area of a DBF (after the header), where the text is. */
function dbfRecords(dbf: Uint8Array): Uint8Array {
  const headerLen = dbf.length >= 10 ? dbf[8]! | (dbf[9]! << 8) : 0;
  return dbf.subarray(Math.min(headerLen, dbf.length));
}

/**
 * Whether the DBF field `name` is `full` cut at the format's 10 bytes: in UTF-8 (where GDAL may cut
 * a character in two, read back as U+FFFD: 常住人口数 → 常住人�) or in GBK (街道办事处名 → 街道办事处).
 * A prefix much shorter than 10 bytes (`name` of `name_cn`) is another field, not a cut.
 */
export function isDbfCutOf(name: string, full: string): boolean {
  const whole = name.replace(/\uFFFD+$/, '');
  if (whole === '' || whole.length >= full.length || !full.startsWith(whole)) return false;
  const utf8Bytes = new TextEncoder().encode(whole).length;
  let gbkBytes = 0;
  for (const ch of whole) gbkBytes += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return (utf8Bytes >= 8 && utf8Bytes <= 10) || (gbkBytes >= 9 && gbkBytes <= 10);
}

/** Reads one shapefile's parts into a FeatureCollection (source coordinates). Never throws. */
export function readShapefileParts(parts: ShapefileParts, options: ReadShapefileOptions = {}): DecodedSource {
  const label = options.label ?? 'the shapefile';
  const problems: Problem[] = [];
  const out: DecodedSource = { format: 'shapefile', problems };
  if (!parts.dbf) {
    problems.push(fatalProblem('shapefile-incomplete', `${label} has no .dbf beside its .shp: the attributes (id, name, streetOffice, households) are in the .dbf`));
    return out;
  }
  if (parts.prj) {
    const wkt = utf8.decode(parts.prj);
    out.sourceCrs = { label: `the .prj of ${label}`, reader: explainWktCrs(wkt) };
  }
  // encoding
  let encoding: string;
  let encodingFrom: string;
  if (options.encoding !== undefined) {
    encoding = normaliseEncodingLabel(options.encoding);
    encodingFrom = 'the encoding option';
  } else if (parts.cpg && utf8.decode(parts.cpg).trim() !== '') {
    encoding = normaliseEncodingLabel(utf8.decode(parts.cpg));
    encodingFrom = 'the .cpg';
  } else {
    encoding = encodingFromLdid(parts.dbf) ?? 'UTF-8';
    encodingFrom = encoding === 'UTF-8' ? 'the default (no .cpg)' : 'the DBF language driver (code page 936)';
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    problems.push(fatalProblem('encoding-unknown', `${encodingFrom} names the text encoding "${encoding}", which is not known; use e.g. UTF-8, GBK or GB18030`));
    return out;
  }
  const chinese = /^(gbk|gb18030|gb2312)$/i.test(decoder.encoding);
  if (chinese && isValidUtf8WithNonAscii(dbfRecords(parts.dbf))) {
    problems.push(fatalProblem('encoding-mismatch', `${label}: ${encodingFrom} says ${encoding}, but the DBF text is UTF-8; nothing was read (give encoding UTF-8, or fix the .cpg)`));
    return out;
  }
  // geometry and attributes; the .shp header gives its length in 16-bit words
  const shpView = new DataView(parts.shp.buffer, parts.shp.byteOffset, parts.shp.byteLength);
  const declaredBytes = parts.shp.length >= 100 ? shpView.getInt32(24) * 2 : -1;
  if (parts.shp.length < 100 || shpView.getInt32(0) !== 9994) {
    problems.push(fatalProblem('format-unreadable', `the .shp of ${label} is not a shapefile (no file code 9994 in a 100-byte header)`));
    return out;
  }
  if (declaredBytes > parts.shp.length) {
    problems.push(fatalProblem('format-unreadable', `the .shp of ${label} is truncated: its header says ${declaredBytes} bytes, the file has ${parts.shp.length}`));
    return out;
  }
  let geometries: unknown[];
  let records: Record<string, unknown>[];
  try {
    geometries = parseShp(parts.shp) as unknown[];
  } catch (e) {
    problems.push(fatalProblem('format-unreadable', `the .shp of ${label} cannot be read (${(e as Error).message || String(e)}): is it a complete shapefile?`));
    return out;
  }
  try {
    records = parseDbf(parts.dbf, decoder.encoding) as Record<string, unknown>[];
  } catch (e) {
    problems.push(fatalProblem('format-unreadable', `the .dbf of ${label} cannot be read (${(e as Error).message || String(e)})`));
    return out;
  }
  if (records.length !== geometries.length) {
    problems.push(fatalProblem('shapefile-mismatch', `${label}: the .shp has ${geometries.length} shapes but the .dbf ${records.length} records; they must match one to one`));
    return out;
  }
  // a wrong guess shows as replacement characters
  const alternatives = ['GB18030', 'UTF-8'].filter((e) => e.toLowerCase() !== decoder.encoding);
  for (let i = 0; i < records.length; i++) {
    for (const [field, v] of Object.entries(records[i]!)) {
      if (typeof v === 'string' && v.includes('\uFFFD')) {
        const clean = alternatives.find((alt) => {
          try {
            const again = parseDbf(parts.dbf!, alt) as Record<string, unknown>[];
            return again.every((r) => Object.values(r).every((x) => typeof x !== 'string' || !x.includes('\uFFFD')));
          } catch {
            return false;
          }
        });
        problems.push(fatalProblem('encoding-mismatch', `the text of feature ${i} does not decode as ${encoding} (from ${encodingFrom}): ${JSON.stringify(v)}; ${clean ? `it reads cleanly as ${clean}: give encoding ${clean} or a .cpg saying ${clean}` : 'give the right encoding'}; nothing was read`, { feature: i, field }));
        return out;
      }
    }
  }
  // DBF names cut at 10 characters → committee fields
  const names = new Set(records.length > 0 ? Object.keys(records[0]!) : []);
  const mapped = new Set(Object.values(options.mapping ?? {}));
  const rename = new Map<string, string>();
  for (const field of CANONICAL_FIELDS) {
    const cut = field.slice(0, 10);
    if (cut !== field && names.has(cut) && !names.has(field) && !mapped.has(cut) && !Object.hasOwn(options.mapping ?? {}, field)) rename.set(cut, field);
  }
  // the mapping names the data's fields as its documentation spells them; the DBF holds them cut
  for (const src of mapped) {
    if (names.has(src)) continue;
    const cuts = [...names].filter((n) => !mapped.has(n) && !rename.has(n) && isDbfCutOf(n, src));
    if (cuts.length === 1) rename.set(cuts[0]!, src);
  }
  const features = geometries.map((geometry, i) => {
    const props = cleanProperties(records[i]!);
    for (const [from, to] of rename) {
      if (Object.hasOwn(props, from)) {
        props[to] = props[from];
        delete props[from];
      }
    }
    return { type: 'Feature', properties: props, geometry: geometry ?? null };
  });
  out.value = { type: 'FeatureCollection', features };
  return out;
}

/** Reads a zipped shapefile (the only one, or `options.layer`). Never throws. */
export function readShapefileZip(zip: Uint8Array, options: ReadShapefileOptions = {}): DecodedSource {
  const listed = listZipShapefiles(zip);
  if (!(listed instanceof Map)) return { format: 'shapefile', problems: [{ ...listed, message: `${options.label ?? 'the zip'}: ${listed.message}` }] };
  let base: string;
  if (options.layer !== undefined) {
    const hit = [...listed.keys()].find((k) => k === options.layer || k.split('/').pop() === options.layer);
    if (!hit) return { format: 'shapefile', problems: [fatalProblem('layer-missing', `the zip has no shapefile "${options.layer}"; it has: ${[...listed.keys()].join(', ')}`)] };
    base = hit;
  } else if (listed.size > 1) {
    return { format: 'shapefile', problems: [fatalProblem('layer-ambiguous', `the zip holds ${listed.size} shapefiles (${[...listed.keys()].join(', ')}); name one with the layer option`)] };
  } else base = [...listed.keys()][0]!;
  const read = readShapefileParts(listed.get(base)!, { ...options, label: `${base}.shp` });
  return { ...read, layer: base };
}
