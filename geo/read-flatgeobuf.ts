/**
 * FlatGeobuf (.fgb), read with the flatgeobuf package; the CRS from its header (an EPSG code, else
 * its WKT). The package is loaded on first use.
 */
import { explainCrs, explainWktCrs } from './crs.js';
import type { CrsReader } from './crs.js';
import { cleanProperties, fatalProblem } from './read-source.js';
import type { DecodedSource } from './read-source.js';

/** "fgb", major version 3, "fgb", patch version. */
const FGB_MAGIC: (number | undefined)[] = [0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, undefined];

export const isFlatGeobuf = (bytes: Uint8Array): boolean => bytes.length >= 8 && FGB_MAGIC.every((b, i) => b === undefined || bytes[i] === b);

/** Reads a FlatGeobuf file into a FeatureCollection (source coordinates). Never throws. */
export async function readFlatGeobuf(bytes: Uint8Array, options: { label?: string } = {}): Promise<DecodedSource> {
  const label = options.label ?? 'the FlatGeobuf file';
  const out: DecodedSource = { format: 'flatgeobuf', problems: [] };
  if (!isFlatGeobuf(bytes)) {
    out.problems.push(fatalProblem('format-unreadable', `${label} is not FlatGeobuf (it does not start with the "fgb" magic bytes)`));
    return out;
  }
  // the header's size comes first; the package loops on a header that runs past the end
  const headerSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (bytes.length < 12 || headerSize === 0 || 12 + headerSize > bytes.length) {
    out.problems.push(fatalProblem('format-unreadable', `${label} cannot be read: its header claims ${headerSize} bytes but the file has ${Math.max(0, bytes.length - 12)} after the magic bytes (truncated or not FlatGeobuf)`));
    return out;
  }
  const { deserialize } = await import('flatgeobuf/lib/mjs/geojson.js');
  const features: unknown[] = [];
  let crs: { org: string | null; code: number; wkt: string | null; name: string | null } | null = null;
  try {
    for await (const f of deserialize(bytes, { headerMetaFn: (h: { crs: typeof crs }) => { crs = h.crs; } } as Parameters<typeof deserialize>[1])) {
      features.push({ type: 'Feature', properties: cleanProperties((f.properties ?? {}) as Record<string, unknown>), geometry: f.geometry ?? null });
    }
  } catch (e) {
    out.problems.push(fatalProblem('format-unreadable', `${label} cannot be read after ${features.length} feature(s) (${(e as Error).message || String(e)})`));
    return out;
  }
  const c = crs as { org: string | null; code: number; wkt: string | null; name: string | null } | null;
  if (c && (c.code > 0 || c.wkt)) {
    const reader: CrsReader | string =
      c.code > 0 && (c.org === null || c.org.toUpperCase() === 'EPSG') ? explainCrs(`EPSG:${c.code}`) : explainWktCrs(c.wkt ?? '');
    out.sourceCrs = { label: `the header of ${label}${c.name ? ` (${c.name})` : ''}`, reader };
  }
  out.value = { type: 'FeatureCollection', features };
  return out;
}
