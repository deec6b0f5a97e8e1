/**
 * Writing a ZIP archive (the package of plan.docx and plan.xlsx, render/ooxml.ts): each entry
 * deflated by Node's zlib (raw deflate, method 8) with its CRC-32, local headers, the central
 * directory and its end record. No ZIP64 (at most 65,535 entries and 4 GiB), no data
 * descriptors, no encryption: what an OOXML package needs and every reader takes. Names are
 * written as UTF-8 (flag bit 11).
 */
import * as zlib from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading `/`. */
  name: string;
  /** Text (written as UTF-8) or bytes. */
  data: string | Uint8Array;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const DEFLATED = 8;
const STORED = 0;
const UTF8_NAMES = 0x0800;
const VERSION = 20; // 2.0: deflate

let crcTable: Int32Array | undefined;

/** CRC-32 (ISO 3309) in JavaScript, for a Node without `zlib.crc32` (before 20.15). */
function crc32Js(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const crc32: (data: Uint8Array) => number = typeof zlib.crc32 === 'function' ? (d) => zlib.crc32(d) : crc32Js;

/** MS-DOS time and date of a moment, local time (what ZIP readers show); 1980 at the earliest. */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * A ZIP archive of the entries, in their order.
 * @param [options.date=new Date()] modification time of every entry
 * @param [options.level=6] zlib's compression level
 * @returns the bytes of the archive
 * @example makeZip([{ name: 'a.txt', data: 'hello' }])
 */
export function makeZip(entries: readonly ZipEntry[], options: { date?: Date; level?: number } = {}): Buffer {
  if (entries.length > 0xffff) throw new Error(`makeZip: ${entries.length} entries, at most 65535 without ZIP64`);
  const { time, date } = dosTime(options.date ?? new Date());
  const level = options.level ?? 6;
  const chunks: Uint8Array[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const deflated = raw.length > 0 ? zlib.deflateRawSync(raw, { level }) : undefined;
    // an entry that deflate cannot shrink is stored
    const method = deflated && deflated.length < raw.length ? DEFLATED : STORED;
    const data = method === DEFLATED ? deflated! : raw;
    const crc = crc32(raw);
    if (offset + 30 + name.length + data.length > 0xffffffff) throw new Error('makeZip: archive over 4 GiB needs ZIP64');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(VERSION, 4); // made by: MS-DOS, 2.0
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    chunks.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}
