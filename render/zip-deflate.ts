/**
 * Deflating the entries of a ZIP written uncompressed ("stored"), with Node's zlib. The docx and
 * exceljs packages zip their parts with JSZip, whose deflate is JavaScript (pako): on a fresh
 * thread, before the JIT has warmed it, deflating a plan's two files took about a quarter of the
 * documents' time. So they write the ZIP stored (which costs next to nothing) and this
 * recompresses each entry natively; everything else in the archive (names, order, times, flags,
 * CRCs: a CRC is of the uncompressed bytes) stays as the package wrote it.
 *
 * Only what JSZip writes is accepted: no ZIP64, no data descriptors, no encryption, no
 * multi-disk archives; anything else throws.
 */
import { deflateRawSync } from 'node:zlib';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;

/** The end-of-central-directory record: the last 22 bytes when there is no archive comment. */
function findEnd(zip: Buffer): number {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END) return at;
  }
  throw new Error('deflateStoredZip: no end of central directory');
}

/**
 * The same archive with each stored, non-empty entry deflated.
 * @param zip - a ZIP whose entries are stored (JSZip `compression: 'STORE'`)
 * @param [level] zlib's compression level [6, zlib's default]
 */
export function deflateStoredZip(zip: Buffer, level = 6): Buffer {
  const end = findEnd(zip);
  const entries = zip.readUInt16LE(end + 10);
  let central = zip.readUInt32LE(end + 16);
  if (zip.readUInt16LE(end + 4) !== 0 || zip.readUInt16LE(end + 8) !== entries || central === 0xffffffff) {
    throw new Error('deflateStoredZip: multi-disk or ZIP64 archives are not handled');
  }
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(central) !== CENTRAL) throw new Error('deflateStoredZip: broken central directory');
    const flags = zip.readUInt16LE(central + 8);
    const method = zip.readUInt16LE(central + 10);
    const compressedSize = zip.readUInt32LE(central + 20);
    const size = zip.readUInt32LE(central + 24);
    const centralLength = 46 + zip.readUInt16LE(central + 28) + zip.readUInt16LE(central + 30) + zip.readUInt16LE(central + 32);
    const local = zip.readUInt32LE(central + 42);
    if (zip.readUInt32LE(local) !== LOCAL) throw new Error('deflateStoredZip: broken local header');
    if ((flags & 0x9) !== 0) throw new Error('deflateStoredZip: encrypted entries or data descriptors are not handled');
    const headerLength = 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const stored = zip.subarray(local + headerLength, local + headerLength + compressedSize);
    const deflate = method === STORED && size > 0;
    const data = deflate ? deflateRawSync(stored, { level }) : stored;
    const localHeader = Buffer.from(zip.subarray(local, local + headerLength));
    const centralHeader = Buffer.from(zip.subarray(central, central + centralLength));
    if (deflate) {
      localHeader.writeUInt16LE(DEFLATED, 8);
      localHeader.writeUInt32LE(data.length, 18);
      centralHeader.writeUInt16LE(DEFLATED, 10);
      centralHeader.writeUInt32LE(data.length, 20);
    }
    centralHeader.writeUInt32LE(offset, 42);
    locals.push(localHeader, data);
    centrals.push(centralHeader);
    offset += headerLength + data.length;
    central += centralLength;
  }
  const centralBytes = Buffer.concat(centrals);
  const endRecord = Buffer.from(zip.subarray(end));
  endRecord.writeUInt32LE(centralBytes.length, 12);
  endRecord.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, endRecord]);
}
