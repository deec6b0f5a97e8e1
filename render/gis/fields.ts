/**
 * Attributes of the GIS layers: the properties of stations.geojson / committees.geojson made flat
 * (lists joined with 、), with their column types, and the DBF field names for Shapefiles.
 *
 * DBF names hold at most 10 bytes. The mapping is fixed and documented (README, "GIS formats"):
 * a name of 10 characters or fewer is kept; a longer one is cut to its first 10 characters
 * (`streetOffice` → `streetOffi`, which yizhan reads back as streetOffice), except the names in
 * {@link DBF_NAMES}, chosen where cutting would collide or say nothing.
 */
import type { GeoJsonFeatureCollection } from '../export.js';

export type ColumnType = 'text' | 'integer' | 'real' | 'boolean';

export interface Column {
  /** The property name (as in the GeoJSON). */
  name: string;
  type: ColumnType;
}

/** Long names whose first 10 characters would collide or mislead. */
export const DBF_NAMES: Readonly<Record<string, string>> = {
  checkHouseholds: 'chkHouseh',
  checkOffice: 'chkOffice',
  checkService: 'chkService',
  checkPlaza: 'chkPlaza',
  committeeIds: 'commIds',
  committees: 'committees',
  enclaveLinks: 'enclaveLnk',
  stationCommittees: 'stComms',
  stationSize: 'stSize',
  stationHouseholds: 'stHouseh',
  stationCheckHouseholds: 'stChkHouse',
};

/** The DBF name of a property (see the module comment); unique within `taken`. */
export function dbfFieldName(name: string, taken: Set<string>): string {
  let base = DBF_NAMES[name] ?? (name.length <= 10 ? name : name.slice(0, 10));
  // DBF names are bytes: keep ASCII names; anything else by position
  if (!/^[\x20-\x7e]+$/.test(base)) base = 'field';
  let out = base;
  for (let i = 1; taken.has(out.toLowerCase()); i++) out = `${base.slice(0, 10 - String(i).length)}${i}`;
  taken.add(out.toLowerCase());
  return out;
}

const flatValue = (v: unknown): unknown =>
  Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('、') : v !== null && typeof v === 'object' ? JSON.stringify(v) : v;

/** The collection's properties made flat, and the columns in first-seen order with their types. */
export function flattenCollection(fc: GeoJsonFeatureCollection): { columns: Column[]; rows: Record<string, unknown>[] } {
  const rows = fc.features.map((f) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f.properties)) out[k] = flatValue(v);
    return out;
  });
  const order: string[] = [];
  const kinds = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (!kinds.has(k)) { kinds.set(k, new Set()); order.push(k); }
      if (v === null || v === undefined) continue;
      kinds.get(k)!.add(typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'real') : typeof v);
    }
  }
  const columns = order.map((name): Column => {
    const k = kinds.get(name)!;
    if (k.size === 0 || k.has('string') || k.has('object')) return { name, type: 'text' };
    if (k.has('boolean')) return { name, type: k.size === 1 ? 'boolean' : 'text' };
    return { name, type: k.has('real') ? 'real' : 'integer' };
  });
  for (const c of columns) {
    if (c.type === 'text') for (const r of rows) if (r[c.name] !== null && r[c.name] !== undefined) r[c.name] = String(r[c.name]);
  }
  return { columns, rows };
}
