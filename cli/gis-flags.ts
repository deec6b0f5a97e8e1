/**
 * The flags `--gis gpkg,shp,fgb` and `--out-crs EPSG:xxxx` of `yizhan plan|evaluate`, checked
 * before the solve. Light on purpose (main.ts loads it at start): the writers load when used.
 */
import { explainCrsWriter } from '../geo/crs.js';
import { UsageError } from './errors.js';

export const GIS_FORMATS = ['gpkg', 'shp', 'fgb'] as const;
export type GisFormat = (typeof GIS_FORMATS)[number];

export interface GisOutputOptions {
  gis?: GisFormat[];
  outCrs?: string;
}

export const GIS_OUTPUT_FLAGS = { gis: { type: 'string' }, 'out-crs': { type: 'string' } } as const;

/** `gpkg,shp,fgb` → the formats, or a sentence saying what is wrong. */
export function parseGisFormats(text: string): GisFormat[] | string {
  const out: GisFormat[] = [];
  for (const part of text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) {
    const f = part === 'geopackage' ? 'gpkg' : part === 'shapefile' ? 'shp' : part === 'flatgeobuf' ? 'fgb' : part;
    if (!(GIS_FORMATS as readonly string[]).includes(f)) return `unknown GIS format "${part}"; formats: ${GIS_FORMATS.join(', ')}`;
    if (!out.includes(f as GisFormat)) out.push(f as GisFormat);
  }
  return out.length > 0 ? out : `no GIS format named; formats: ${GIS_FORMATS.join(', ')}`;
}

/** The GIS options from parsed flags; a UsageError names a wrong format or CRS. */
export function readGisOutputFlags(v: Record<string, string | boolean | undefined>): GisOutputOptions {
  const out: GisOutputOptions = {};
  if (typeof v.gis === 'string') {
    const formats = parseGisFormats(v.gis);
    if (typeof formats === 'string') throw new UsageError(`--gis: ${formats}`);
    out.gis = formats;
  }
  if (typeof v['out-crs'] === 'string') {
    if (!out.gis) throw new UsageError('--out-crs applies to the GIS files: give --gis gpkg,shp,fgb too');
    const crs = explainCrsWriter(v['out-crs']);
    if (typeof crs === 'string') throw new UsageError(`--out-crs: ${crs}`);
    out.outCrs = crs.code;
  }
  return out;
}
