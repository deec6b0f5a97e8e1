/**
 * Property checks of one feature: canonical fields read through the field mapping, numbers checked.
 */
import { COMMITTEE_TYPES } from './types.js';
import type { CanonicalField, Committee, CommitteeType, FieldMapping } from './types.js';
import type { FeatureProblem } from './validate-geometry.js';

export const CANONICAL_FIELDS: readonly CanonicalField[] = [
  'id', 'name', 'streetOffice', 'households', 'population', 'type',
  'office', 'service', 'plaza', 'officePlanned', 'servicePlanned', 'plazaPlanned', 'staff', 'partyMembers', 'station', 'selfContained',
];

/** Optional numeric fields; `integer` ones get a warning when they have a fraction. */
const NUMBER_FIELDS: readonly { field: CanonicalField; integer: boolean }[] = [
  { field: 'population', integer: true },
  { field: 'office', integer: false },
  { field: 'service', integer: false },
  { field: 'plaza', integer: false },
  { field: 'officePlanned', integer: false },
  { field: 'servicePlanned', integer: false },
  { field: 'plazaPlanned', integer: false },
  { field: 'staff', integer: true },
  { field: 'partyMembers', integer: true },
];

/** Longest id, name, street office or station accepted (an index row must hold it; no real name is longer). */
export const MAX_TEXT_LENGTH = 200;
/** Largest count accepted (households, population, staff, party members): what the store's integer columns hold. */
export const MAX_COUNT = 2 ** 31 - 1;
/** Deepest nesting of a property value kept in `extra` (objects and arrays). */
export const MAX_PROPERTY_DEPTH = 32;
const COUNT_FIELDS: ReadonlySet<CanonicalField> = new Set(['households', 'population', 'staff', 'partyMembers']);
/**
 * Characters no name or opinion needs, refused wherever text comes in: C0 controls other than tab,
 * line feed and carriage return (NUL included: PostgreSQL cannot store it), DEL and the C1
 * controls; the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 * which make a name display other than it reads (U+202E shows "abc\u202Edef" as "abcfed"; the
 * marks U+200E/U+200F reorder nothing and stay allowed); and UTF-16 surrogates without their pair,
 * which are not Unicode (PostgreSQL refuses them in JSON: they were a 500).
 */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The number a text spells, for the hint of a `*-not-number` problem (never read as the value:
 * numbers must be numbers): "1234", " 1234.0 ", and "1,234" / "1,234,567.5" as spreadsheets export
 * them with thousands separators.
 */
export function readNumberText(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const t = v.trim();
  const plain = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t) ? t.replace(/,/g, '') : t;
  const n = Number(plain);
  return Number.isFinite(n) ? n : undefined;
}

/** Nesting depth of a JSON value (0 for a scalar), counted without recursion and stopping past `limit`. */
export function calcJsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > deepest) deepest = d + 1;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return deepest;
}

/** Accepted spellings of committee types: the English codes and the seed's Chinese terms. */
const TYPE_ALIASES = new Map<string, CommitteeType>([
  ...COMMITTEE_TYPES.map((t): [string, CommitteeType] => [t, t]),
  ['中高档', 'upscale'],
  ['中高档社区', 'upscale'],
  ['老住宅区', 'old-residential'],
  ['城中村', 'urban-village'],
  ['插花地', 'enclave'],
]);

/** `partyMembers` → `party-members`, for problem codes. */
export const kebab = (field: string): string => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The values read from one feature's properties (fields with fatal problems are left out). */
export type PropertyValues = Partial<Omit<Committee, 'geometry' | 'extra'>> & { extra: Record<string, unknown> };

export interface ValidatePropertiesOptions {
  /** canonical → source property name; fields not named are read under their canonical name. [{}] */
  mapping?: FieldMapping;
  /** The feature's top-level `id` member, used when the id property is absent and not mapped. */
  featureId?: unknown;
  /** Fields whose absence is reported once for the whole dataset, not per feature. [none] */
  reportedMissing?: ReadonlySet<CanonicalField>;
  /** Source property names read as canonical fields (see {@link consumedNames}); computed when absent. */
  consumed?: ReadonlySet<string>;
}

/** The source property names that a mapping reads as canonical fields (the rest goes to `extra`). */
export function consumedNames(mapping: FieldMapping | undefined): Set<string> {
  return new Set(CANONICAL_FIELDS.map((f) => sourceName(f, mapping)));
}

/** Source property name of a canonical field under a mapping. */
export function sourceName(field: CanonicalField, mapping: FieldMapping | undefined): string {
  const m = mapping && Object.hasOwn(mapping, field) ? mapping[field] : undefined;
  return m ?? field;
}

/**
 * Reads and checks the canonical fields of one feature's properties. Never throws.
 *
 * Fatal: `id-missing`, `street-office-missing`, `households-missing`, `households-not-number`
 * (a numeric string such as "1234" included: numbers must be JSON numbers), `households-negative`,
 * `households-not-integer`, `households-too-large` (and for population, staff, party-members: above
 * MAX_COUNT), `id-too-long`, `name-too-long`, `street-office-too-long`, `station-too-long` (above
 * MAX_TEXT_LENGTH), `<text field>-control-character` (NUL and the other C0 controls but tab and line
 * breaks), `property-too-deep` (an extra property nested above MAX_PROPERTY_DEPTH),
 * `<field>-not-number` and `<field>-negative` for population, office, service, plaza, their
 * planned areas (office-planned, service-planned, plaza-planned), staff,
 * party-members; `type-unknown`, `station-invalid`, `self-contained-not-boolean`.
 * Warning: `name-missing` (the id is used as name), `<field>-not-integer` for population, staff,
 * party-members (kept as given).
 *
 * Properties not read as a canonical field are kept in `extra`.
 */
export function validateProperties(
  properties: Record<string, unknown>,
  options: ValidatePropertiesOptions = {},
): { values: PropertyValues; problems: FeatureProblem[] } {
  const { mapping, reportedMissing } = options;
  const problems: FeatureProblem[] = [];
  const get = (field: CanonicalField): unknown => {
    const src = sourceName(field, mapping);
    return Object.hasOwn(properties, src) ? properties[src] : undefined;
  };
  const push = (code: string, severity: 'fatal' | 'warning', field: CanonicalField, message: string): void => {
    problems.push({ code, severity, message, field });
  };
  const label = (field: CanonicalField): string => {
    const src = sourceName(field, mapping);
    return src === field ? `"${field}"` : `"${field}" (property "${src}")`;
  };
  const missing = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  const values: PropertyValues = { extra: {} };
  /** A text field's value, or undefined with a fatal problem when it is too long or holds a control character. */
  const text = (field: CanonicalField, v: string): string | undefined => {
    if (v.length > MAX_TEXT_LENGTH) {
      push(`${kebab(field)}-too-long`, 'fatal', field, `${label(field)} has ${v.length} characters; at most ${MAX_TEXT_LENGTH} are accepted`);
      return undefined;
    }
    if (CONTROL_CHARACTER.test(v)) {
      push(`${kebab(field)}-control-character`, 'fatal', field, `${label(field)} contains a control character (U+${v.codePointAt(v.search(CONTROL_CHARACTER))!.toString(16).toUpperCase().padStart(4, '0')})`);
      return undefined;
    }
    return v;
  };

  // id
  let id = get('id');
  if (missing(id) && !(mapping && Object.hasOwn(mapping, 'id'))) id = options.featureId;
  if (typeof id === 'number' && Number.isFinite(id)) values.id = String(id);
  else if (typeof id === 'string' && id.trim() !== '') values.id = text('id', id);
  else if (!reportedMissing?.has('id')) {
    push('id-missing', 'fatal', 'id', `${label('id')} is ${missing(id) ? 'missing' : JSON.stringify(id)}; each committee needs a string or number id`);
  }

  // name
  const name = get('name');
  if (typeof name === 'string' && name.trim() !== '') values.name = text('name', name);
  else if (typeof name === 'number' && Number.isFinite(name)) values.name = String(name);
  else if (values.id !== undefined) {
    values.name = values.id;
    push('name-missing', 'warning', 'name', `${label('name')} is ${missing(name) ? 'missing' : JSON.stringify(name)}; the id is used as the name`);
  }

  // street office
  const so = get('streetOffice');
  if (so === '*') {
    // "*" is rules.stations' key for the district total (and exports' usual placeholder for "unknown")
    push('street-office-missing', 'fatal', 'streetOffice', `${label('streetOffice')} is "*", which stands for every street office in a scenario (rules.stations); give the street office its name`);
  } else if (typeof so === 'string' && so.trim() !== '') values.streetOffice = text('streetOffice', so);
  else if (typeof so === 'number' && Number.isFinite(so)) values.streetOffice = String(so);
  else if (!reportedMissing?.has('streetOffice')) {
    push('street-office-missing', 'fatal', 'streetOffice', `${label('streetOffice')} is ${missing(so) ? 'missing or empty' : JSON.stringify(so)}; each committee belongs to a street office`);
  }

  // households
  const hh = get('households');
  if (hh === undefined || hh === null) {
    // a census tract of water only has 0 households, which the source may have left null
    if (!reportedMissing?.has('households')) push('households-missing', 'fatal', 'households', `${label('households')} is ${hh === null ? 'null' : 'missing'}; a committee without households has 0`);
  } else if (typeof hh !== 'number') {
    const n = readNumberText(hh);
    const hint = n !== undefined ? `: it is the text ${JSON.stringify(hh)}; write it as a JSON number (${n}), without quotes` : '';
    push('households-not-number', 'fatal', 'households', `${label('households')} is ${JSON.stringify(hh)}, not a number${hint}`);
  } else if (!Number.isFinite(hh)) {
    push('households-not-number', 'fatal', 'households', `${label('households')} is not a finite number`);
  } else if (hh < 0) {
    push('households-negative', 'fatal', 'households', `${label('households')} is ${hh}; households cannot be negative`);
  } else if (!Number.isInteger(hh)) {
    push('households-not-integer', 'fatal', 'households', `${label('households')} is ${hh}; households are a whole number`);
  } else if (hh > MAX_COUNT) {
    push('households-too-large', 'fatal', 'households', `${label('households')} is ${hh}; at most ${MAX_COUNT} is accepted`);
  } else values.households = hh;

  // optional numbers
  for (const { field, integer } of NUMBER_FIELDS) {
    const v = get(field);
    if (v === undefined || v === null) continue;
    const code = kebab(field);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const n = readNumberText(v);
      const hint = n !== undefined ? `; write it as a JSON number (${n}), without quotes` : '';
      push(`${code}-not-number`, 'fatal', field, `${label(field)} is ${JSON.stringify(v)}, not a number${hint}`);
    } else if (v < 0) {
      push(`${code}-negative`, 'fatal', field, `${label(field)} is ${v}; it cannot be negative`);
    } else if (COUNT_FIELDS.has(field) && v > MAX_COUNT) {
      push(`${code}-too-large`, 'fatal', field, `${label(field)} is ${v}; at most ${MAX_COUNT} is accepted`);
    } else {
      if (integer && !Number.isInteger(v)) {
        push(`${code}-not-integer`, 'warning', field, `${label(field)} is ${v}; expected a whole number (kept as given)`);
      }
      values[field as 'population'] = v;
    }
  }

  // type
  const type = get('type');
  if (!missing(type)) {
    const t = typeof type === 'string' ? TYPE_ALIASES.get(type.trim()) : undefined;
    if (t) values.type = t;
    else {
      push('type-unknown', 'fatal', 'type', `${label('type')} is ${JSON.stringify(type)}; expected one of ${[...TYPE_ALIASES.keys()].join(', ')}`);
    }
  }

  // station
  const st = get('station');
  if (typeof st === 'string' && st.trim() !== '') values.station = text('station', st);
  else if (typeof st === 'number' && Number.isFinite(st)) values.station = String(st);
  else if (!missing(st)) push('station-invalid', 'fatal', 'station', `${label('station')} is ${JSON.stringify(st)}; expected a station id (string or number)`);

  // selfContained
  const sc = get('selfContained');
  if (typeof sc === 'boolean') values.selfContained = sc;
  else if (sc === 0 || sc === 1) values.selfContained = sc === 1;
  else if (sc !== undefined && sc !== null) {
    push('self-contained-not-boolean', 'fatal', 'selfContained', `${label('selfContained')} is ${JSON.stringify(sc)}; expected true or false`);
  }

  const consumed = options.consumed ?? consumedNames(mapping);
  for (const k of Object.keys(properties)) {
    if (consumed.has(k)) continue;
    const v = properties[k];
    if (calcJsonDepth(v, MAX_PROPERTY_DEPTH) > MAX_PROPERTY_DEPTH) {
      problems.push({ code: 'property-too-deep', severity: 'fatal', message: `property "${k}" is nested more than ${MAX_PROPERTY_DEPTH} levels deep` });
      continue;
    }
    values.extra[k] = v;
  }
  return { values, problems };
}
