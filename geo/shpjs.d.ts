// shpjs ships no type declarations; these are the two parsers yizhan uses (lib/index.js).
declare module 'shpjs' {
  /** Shapes of a .shp as GeoJSON geometries (null shapes as null), reprojected only when `prj` is given. */
  export function parseShp(shp: ArrayBuffer | ArrayBufferView | DataView, prj?: string): unknown[];
  /** The records of a .dbf, text decoded with `encoding` (a TextDecoder label; UTF-8 when absent). */
  export function parseDbf(dbf: ArrayBuffer | ArrayBufferView | DataView, encoding?: string): Record<string, unknown>[];
}
