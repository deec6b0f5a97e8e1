/**
 * render/zip-deflate.ts: a ZIP written stored by JSZip (what docx and exceljs write for plan.docx
 * and plan.xlsx) comes back with every non-empty entry deflated by zlib, and the same names,
 * order, folders, times and contents; what it does not handle it refuses.
 */
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { deflateStoredZip } from '../render/zip-deflate.js';

/** Name, method and compressed size of each entry, from the central directory. */
function listEntries(zip: Buffer): { name: string; method: number; compressed: number }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; method: number; compressed: number }[] = [];
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    out.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), method: zip.readUInt16LE(at + 10), compressed: zip.readUInt32LE(at + 20) });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

describe('deflateStoredZip', () => {
  it('deflates every stored entry; JSZip reads back the same names, folders, times and contents', async () => {
    const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 6));
    const source = new JSZip();
    const xml = `<?xml version="1.0"?><w:document>${'<w:p><w:r><w:t>罗湖区 社区工作站</w:t></w:r></w:p>'.repeat(500)}</w:document>`;
    source.file('[Content_Types].xml', '<Types/>', { date });
    source.folder('word')!.file('document.xml', xml, { date });
    source.file('word/empty.xml', '', { date });
    source.file('docProps/名称.xml', '<x>工作站</x>', { date });
    const stored = await source.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
    const deflated = deflateStoredZip(stored);
    expect(deflated.length).toBeLessThan(stored.length / 4);
    const before = listEntries(stored), after = listEntries(deflated);
    expect(after.map((e) => e.name)).toEqual(before.map((e) => e.name));
    for (const e of after) expect([e.name, e.method]).toEqual([e.name, e.compressed > 0 && !e.name.endsWith('/') ? 8 : 0]);
    expect(after.find((e) => e.name === 'word/document.xml')!.compressed).toBeLessThan(xml.length / 10);
    const back = await JSZip.loadAsync(deflated);
    expect(Object.keys(back.files)).toEqual(Object.keys((await JSZip.loadAsync(stored)).files));
    for (const [name, file] of Object.entries(back.files)) {
      expect(file.dir).toBe(name.endsWith('/'));
      if (file.dir) continue;
      expect(file.date.getTime(), name).toBe(date.getTime());
      expect(await file.async('string'), name).toBe(await source.files[name]!.async('string'));
    }
  });

  it('refuses what is not a ZIP', () => {
    expect(() => deflateStoredZip(Buffer.from('not a zip at all, just some text that is long enough'))).toThrow(/end of central directory/);
  });
});
