/**
 * The what-if batch, pure part: checks a what-if file (scenarios/whatif-schema.ts), expands its
 * grid into variations with stable ids, builds each variation's scenario input, and turns plan
 * summaries into comparison rows (CSV, Markdown, terminal cells). No I/O.
 */
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Problem } from '../geo/types.js';
import { FACILITY_KINDS, type PlanSummary, type Station } from '../solver/types.js';
import { WHATIF_GRID_ROOTS, WhatIfBaseSchema, WhatIfFileSchema, type WhatIfFile } from './whatif-schema.js';
import { formatCsv } from '../render/csv.js';

/** One combination of the batch. */
export interface Variation {
  /** Stable, file-name-safe id: the dataset's slug and a slug per grid value, joined by `__`. */
  id: string;
  /** Position in the batch order (datasets outermost, the grid's last key fastest). */
  index: number;
  /** Index into the what-if's `datasets`. */
  datasetIndex: number;
  /** The dataset entry as the what-if gives it. */
  dataset: string;
  /** One value per grid key, in the grid's order. */
  values: unknown[];
  /** `min=5000 maxCommitteesPerStation=2`, for people. */
  label: string;
}

/** Most variations one batch may expand to. */
export const MAX_VARIATIONS = 100_000;

/** A grid key that names a scenario field: `rules.households.min`, `locks.together`, … */
function checkGridPath(key: string): string | null {
  const segments = key.split('.');
  if (segments.some((s) => s === '')) return `grid key "${key}": empty segment in the dotted path`;
  if (!WHATIF_GRID_ROOTS.includes(segments[0]!)) {
    return `grid key "${key}": unknown scenario path (it must start with ${WHATIF_GRID_ROOTS.join(', ')})`;
  }
  let schema: TSchema = WhatIfBaseSchema;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const props = (schema as { properties?: Record<string, TSchema> }).properties;
    if (!props || !Object.hasOwn(props, seg)) {
      const known = props ? Object.keys(props).join(', ') : 'none: it is not an object';
      return `grid key "${key}": unknown scenario path at "${segments.slice(0, i + 1).join('.')}" (fields there: ${known})`;
    }
    schema = props[seg]!;
  }
  return null;
}

/**
 * Sets `value` at a dotted path of a plain object; returns a new object (the input is not
 * mutated; objects on the path are copied).
 */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const out = { ...obj };
  if (rest.length === 0) {
    out[head!] = structuredClone(value);
    return out;
  }
  const inner = Object.hasOwn(obj, head!) ? obj[head!] : undefined;
  const next = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  out[head!] = setPath(next, rest.join('.'), value);
  return out;
}

/** Deep merge of plain objects: `over` wins, arrays replace. Never mutates its inputs. */
export function mergeScenarioFields(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(base) || !isObj(over)) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = Object.hasOwn(out, k) ? mergeScenarioFields(out[k], v) : structuredClone(v);
  return out;
}

/** `grid["rules.households.min"][2]`: where a grid value sits, for messages. */
function gridField(key: string, i?: number): string {
  return `grid[${JSON.stringify(key)}]${i === undefined ? '' : `[${i}]`}`;
}

/**
 * Checks a parsed what-if file: the schema, every grid path (an unknown one is named), every grid
 * value against the scenario schema (named by key and index), duplicate datasets, the batch size.
 * `file` is present only when there is no problem.
 */
export function checkWhatIf(input: unknown): { file?: WhatIfFile; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!Value.Check(WhatIfFileSchema, input)) {
    const seen = new Set<string>();
    for (const e of Value.Errors(WhatIfFileSchema, input)) {
      const field = e.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
      const code = e.type === ValueErrorType.ObjectAdditionalProperties ? 'whatif-field-unknown' : 'whatif-field-invalid';
      const message = `${field}: ${e.message}`;
      if (seen.has(message)) continue;
      seen.add(message);
      problems.push({ code, severity: 'fatal', field, message });
    }
    return { problems };
  }
  const file = input;
  const seenDatasets = new Map<string, number>();
  file.datasets.forEach((d, i) => {
    const first = seenDatasets.get(d);
    if (first !== undefined) {
      problems.push({ code: 'whatif-dataset-duplicate', severity: 'fatal', field: `datasets.${i}`, message: `datasets.${i}: "${d}" is listed twice (also datasets.${first})` });
    } else seenDatasets.set(d, i);
  });
  const grid = file.grid ?? {};
  let count = file.datasets.length;
  for (const [key, values] of Object.entries(grid)) {
    count *= values.length;
    const pathError = checkGridPath(key);
    if (pathError) {
      problems.push({ code: 'whatif-grid-path-unknown', severity: 'fatal', field: gridField(key), message: pathError });
      continue;
    }
    values.forEach((value, i) => {
      const probe = setPath({}, key, value);
      if (Value.Check(WhatIfBaseSchema, probe)) return;
      const first = Value.Errors(WhatIfBaseSchema, probe).First();
      const at = first ? first.path.replace(/^\//, '').replace(/\//g, '.') : key;
      problems.push({
        code: 'whatif-grid-value-invalid',
        severity: 'fatal',
        field: gridField(key, i),
        message: `${gridField(key, i)} = ${JSON.stringify(value)}: ${at}: ${first?.message ?? 'invalid'}`,
      });
    });
  }
  if (count > MAX_VARIATIONS) {
    problems.push({ code: 'whatif-too-many', severity: 'fatal', field: 'grid', message: `the grid expands to ${count} variations (at most ${MAX_VARIATIONS})` });
  }
  return problems.length > 0 ? { problems } : { file, problems };
}

/** FNV-1a, 32 bits, hex: a short stable tag (not a security hash). */
export function calcShortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** JSON with object keys sorted, so equal values give equal text. */
export function stringifyCanonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Letters (any script), digits, `.`, `_`, `-`, `+`; everything else becomes `-`. */
function sanitize(text: string): string {
  return text.replace(/[^\p{L}\p{N}._+-]+/gu, '-').replace(/^-+|-+$/g, '') || '-';
}

function slugValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return sanitize(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return value.map((v) => (Array.isArray(v) ? v.map(slugValue).join('+') : slugValue(v))).join(',');
  }
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${sanitize(k)}${slugValue(v)}`).join('-');
}

function shortenSlug(slug: string, limit: number): string {
  return slug.length <= limit ? slug : `${slug.slice(0, limit - 10)}~${calcShortHash(slug)}`;
}

/** The shortest dotted suffix of each key that no other key ends with. */
function makeShortKeys(keys: readonly string[]): string[] {
  const split = keys.map((k) => k.split('.'));
  return split.map((segs) => {
    for (let n = 1; n <= segs.length; n++) {
      const suffix = segs.slice(-n).join('.');
      if (split.every((o) => o === segs || o.slice(-n).join('.') !== suffix)) return suffix;
    }
    return segs.join('.');
  });
}

/**
 * File-name-safe slug of each dataset: its name when given (a scenario's name), else the entry's
 * file stem; clashing slugs take more of the entry's path, then the dataset's position.
 */
function makeDatasetSlugs(datasets: readonly string[], names?: readonly string[]): string[] {
  const stem = (d: string): string => d.replace(/\\/g, '/').split('/').pop()!.replace(/\.(geo)?json$/i, '');
  const first = datasets.map((d, i) => sanitize(names?.[i] ?? stem(d)));
  const clash = (list: string[], i: number): boolean => list.filter((s) => s === list[i]).length > 1;
  const second = datasets.map((d, i) => (clash(first, i) ? sanitize(d.replace(/\.(geo)?json$/i, '').replace(/[\\/]+/g, '-')) : first[i]!));
  return second.map((s, i) => (clash(second, i) ? `${s}-${i + 1}` : s));
}

/** A value as a table cell: numbers and strings as they are, anything else as compact JSON. */
export function formatGridValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Every variation of a checked what-if file, in batch order: datasets outermost, then the grid's
 * keys in the file's order, the last key varying fastest. Ids are stable (they depend only on the
 * dataset entry, the grid keys and the values) and unique: when two slugs collide, each of them
 * gets `~` and a short hash of its dataset and values.
 * @param [options.datasetNames] a name per dataset for the ids (the CLI gives each scenario's
 *   name); [the entries' file stems]
 */
export function expandVariations(file: WhatIfFile, options: { datasetNames?: readonly string[] } = {}): Variation[] {
  const keys = Object.keys(file.grid ?? {});
  const lists = keys.map((k) => file.grid![k]!);
  const shortKeys = makeShortKeys(keys);
  const datasetSlugs = makeDatasetSlugs(file.datasets, options.datasetNames);
  const combos: unknown[][] = [[]];
  for (const list of lists) {
    const next: unknown[][] = [];
    for (const c of combos) for (const v of list) next.push([...c, v]);
    combos.splice(0, combos.length, ...next);
  }
  const out: Variation[] = [];
  file.datasets.forEach((dataset, datasetIndex) => {
    for (const values of combos) {
      const parts = values.map((v, i) => `${shortKeys[i]}-${shortenSlug(slugValue(v), 60)}`);
      out.push({
        id: shortenSlug([datasetSlugs[datasetIndex]!, ...parts].join('__'), 160),
        index: out.length,
        datasetIndex,
        dataset,
        values,
        label: values.map((v, i) => `${shortKeys[i]}=${formatGridValue(v)}`).join(' ') || '(base)',
      });
    }
  });
  const count = new Map<string, number>();
  for (const v of out) count.set(v.id, (count.get(v.id) ?? 0) + 1);
  return out.map((v) => (count.get(v.id)! > 1 ? { ...v, id: `${v.id}~${calcShortHash(stringifyCanonical([v.dataset, v.values]))}` } : v));
}

/**
 * The scenario input of one variation (what `makeScenario` takes): the dataset's scenario fields,
 * then the what-if's `base`, then the variation's grid values, named `name`.
 * @param datasetFields the dataset's own scenario fields (rules, weights, locks, solver, streetOffices)
 */
export function makeVariationInput(file: WhatIfFile, variation: Variation, datasetFields: Record<string, unknown>, name: string): Record<string, unknown> {
  let input = mergeScenarioFields(datasetFields, file.base ?? {}) as Record<string, unknown>;
  Object.keys(file.grid ?? {}).forEach((key, i) => {
    const current = getPath(input, key);
    const value = variation.values[i];
    input = setPath(input, key, mergeScenarioFields(current, value));
  });
  return { ...input, name };
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  let x: unknown = obj;
  for (const seg of path.split('.')) {
    if (x === null || typeof x !== 'object' || Array.isArray(x) || !Object.hasOwn(x, seg)) return undefined;
    x = (x as Record<string, unknown>)[seg];
  }
  return x;
}

/** How a variation ended: the solver's status, or `invalid` when its scenario cannot be built. */
export type VariationStatus = PlanSummary['solver']['status'] | 'invalid';

/** One line of the comparison. Plan figures are null when the variation has no usable plan. */
export interface ComparisonRow {
  variation: string;
  dataset: string;
  /** Grid values, in the grid's order. */
  values: unknown[];
  stationsBefore: number | null;
  stationsAfter: number | null;
  /** Share of stations whose households are in the band or exempt. */
  inBand: number | null;
  /** Share of stations meeting each facility threshold. */
  office: number | null;
  service: number | null;
  plaza: number | null;
  householdsMean: number | null;
  /** Population standard deviation (divides by the number of stations). */
  householdsSd: number | null;
  householdsMin: number | null;
  householdsMax: number | null;
  objective: number | null;
  status: VariationStatus;
  ms: number | null;
  /** Why the variation has no usable plan (infeasible locks, invalid scenario), or its fatal violations. */
  reason: string;
}

/**
 * What `makeComparisonRow` reads of a plan summary, as it reads back from summary.json (a JSON
 * round trip: NaN and Infinity become null, undefined fields go): the same row as from the whole
 * file, without parsing it back (tens of megabytes for a national plan).
 */
export function makeRowSummary(summary: PlanSummary): PlanSummary {
  const read = {
    stationsBefore: summary.stationsBefore,
    stationsAfter: summary.stationsAfter,
    solver: summary.solver,
    checks: {
      violations: summary.checks.violations.filter((v) => v.severity === 'fatal').map((v) => ({ severity: v.severity, message: v.message })),
      facilityTargets: summary.checks.facilityTargets,
    },
    streetOffices: summary.streetOffices.map((o) => ({ name: o.name, solver: o.solver })),
  };
  const row = JSON.parse(JSON.stringify(read)) as PlanSummary;
  // The stations (120,000 in a national plan) without the round trip, which took ~1 s of the
  // batch's tail there: their checks are strings and booleans (the same through JSON), and
  // households a number, which JSON makes null when not finite and +0 when -0.
  summary.streetOffices.forEach((o, i) => {
    row.streetOffices[i]!.stations = o.stations.map((st) => ({ households: roundTripNumber(st.households), checks: st.checks }) as Station);
  });
  return row;
}

/** A number as `JSON.parse(JSON.stringify(x))` gives it back. */
function roundTripNumber(x: number): number {
  return (Number.isFinite(x) ? x + 0 : null) as number;
}

/** Statuses without a usable plan. */
export function isFailedStatus(status: VariationStatus): boolean {
  return status === 'infeasible' || status === 'error' || status === 'invalid';
}

/**
 * The comparison row of a variation from its plan summary (as written to summary.json, so a
 * resumed batch gives the same row), or from the reason it could not be built.
 */
export function makeComparisonRow(variation: Variation, result: { summary: PlanSummary } | { invalid: string }): ComparisonRow {
  const empty = {
    stationsAfter: null, inBand: null, office: null, service: null, plaza: null,
    householdsMean: null, householdsSd: null, householdsMin: null, householdsMax: null, objective: null,
  };
  const head = { variation: variation.id, dataset: variation.dataset, values: variation.values };
  if (Object.hasOwn(result, 'invalid')) {
    const invalid = (result as { invalid: string }).invalid;
    return { ...head, stationsBefore: null, ...empty, status: 'invalid', ms: null, reason: invalid };
  }
  const s = (result as { summary: PlanSummary }).summary;
  const status = s.solver.status;
  const fatal = s.checks.violations.filter((v) => v.severity === 'fatal').map((v) => v.message);
  const timeLimited = s.streetOffices.filter((o) => o.solver?.status === 'time_limit').map((o) => o.name);
  const reason = [...fatal, ...(timeLimited.length > 0 ? [`time limit reached in ${timeLimited.join(', ')}`] : [])].join('; ');
  if (isFailedStatus(status)) {
    return { ...head, stationsBefore: s.stationsBefore, ...empty, status, ms: s.solver.ms, reason: reason || `no plan (${status})` };
  }
  const stations = s.streetOffices.flatMap((o) => o.stations);
  const n = stations.length;
  const hh = stations.map((st) => st.households);
  const mean = n > 0 ? hh.reduce((a, b) => a + b, 0) / n : null;
  const sd = mean !== null ? Math.sqrt(hh.reduce((a, h) => a + (h - mean) ** 2, 0) / n) : null;
  const share = (ok: number): number | null => (n > 0 ? ok / n : null);
  const facility = Object.fromEntries(
    // a kind the data has no areas of is not judged: no share rather than 0%
    FACILITY_KINDS.map((k) => [k, s.checks.facilityTargets?.[k]?.noData ? null : share(stations.filter((st) => st.checks[k]).length)]),
  ) as Record<(typeof FACILITY_KINDS)[number], number | null>;
  return {
    ...head,
    stationsBefore: s.stationsBefore,
    stationsAfter: s.stationsAfter,
    inBand: share(stations.filter((st) => st.checks.households === 'ok' || st.checks.households === 'exempt').length),
    ...facility,
    householdsMean: mean,
    householdsSd: sd,
    householdsMin: n > 0 ? Math.min(...hh) : null,
    householdsMax: n > 0 ? Math.max(...hh) : null,
    objective: s.solver.objective,
    status,
    ms: s.solver.ms,
    reason,
  };
}

const FIGURES = [
  'stationsBefore', 'stationsAfter', 'inBand', 'office', 'service', 'plaza',
  'householdsMean', 'householdsSd', 'householdsMin', 'householdsMax', 'objective',
] as const;

/** The comparison as CSV (RFC 4180, header row, full-precision numbers, empty cells for no value). */
export function formatComparisonCsv(rows: readonly ComparisonRow[], gridKeys: readonly string[]): string {
  const num = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);
  const header = ['variation', 'dataset', ...gridKeys, ...FIGURES.map((f) => (f === 'inBand' || FACILITY_KINDS.includes(f as never) ? `${f}Share` : f)), 'status', 'ms', 'reason'];
  const lines = rows.map((r) => [
    r.variation, r.dataset, ...r.values.map((v) => (typeof v === 'number' ? v : formatGridValue(v))), ...FIGURES.map((f) => num(r[f])), r.status, num(r.ms), r.reason,
  ]);
  return formatCsv([header, ...lines]);
}

/** Headers, alignments and rounded cells of the comparison, for Markdown and terminal tables. */
export function makeComparisonCells(rows: readonly ComparisonRow[], gridKeys: readonly string[]): { headers: string[]; right: boolean[]; cells: string[][] } {
  const shortKeys = makeShortKeys(gridKeys);
  const pct = (x: number | null): string => (x === null ? '' : `${(x * 100).toFixed(1)}%`);
  const int = (x: number | null): string => (x === null || !Number.isFinite(x) ? '' : Math.round(x).toString());
  const headers = [
    'variation', 'dataset', ...shortKeys, 'before', 'after', 'in band', 'office', 'service', 'plaza',
    'hh mean', 'hh sd', 'hh min', 'hh max', 'objective', 'status', 'ms', 'reason',
  ];
  const right = headers.map((h, i) => i >= 2 + shortKeys.length && h !== 'status' && h !== 'reason');
  const cells = rows.map((r) => [
    r.variation, r.dataset, ...r.values.map(formatGridValue),
    int(r.stationsBefore), int(r.stationsAfter), pct(r.inBand), pct(r.office), pct(r.service), pct(r.plaza),
    int(r.householdsMean), int(r.householdsSd), int(r.householdsMin), int(r.householdsMax),
    r.objective === null || !Number.isFinite(r.objective) ? '' : r.objective.toFixed(3), r.status, int(r.ms), r.reason,
  ]);
  return { headers, right, cells };
}

/** The comparison as a Markdown table under a title. */
export function formatComparisonMarkdown(rows: readonly ComparisonRow[], gridKeys: readonly string[], title: string): string {
  const { headers, right, cells } = makeComparisonCells(rows, gridKeys);
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (c: readonly string[]): string => `| ${c.map(esc).join(' | ')} |`;
  return [
    `# ${title}`,
    '',
    line(headers),
    `|${right.map((r) => (r ? '---:' : ':---')).join('|')}|`,
    ...cells.map(line),
    '',
  ].join('\n');
}

/** One line of a sensitivity chart: the other swept values held fixed, `key` on the x axis. */
export interface SensitivitySeries {
  name: string;
  points: [number, number][];
}

/**
 * Stations after against one numeric swept parameter (grid key `keyIndex`): one series per
 * combination of dataset and the other grid values. Failed variations leave gaps (NaN).
 * Returns [] when the key's values are not all numbers or fewer than two.
 */
export function makeSensitivitySeries(rows: readonly ComparisonRow[], gridKeys: readonly string[], keyIndex: number): SensitivitySeries[] {
  const xs = rows.map((r) => r.values[keyIndex]);
  if (!xs.every((x) => typeof x === 'number') || new Set(xs).size < 2) return [];
  const series = new Map<string, SensitivitySeries>();
  for (const r of rows) {
    const others = gridKeys
      .map((k, i) => (i === keyIndex ? null : `${k.split('.').pop()}=${typeof r.values[i] === 'object' ? JSON.stringify(r.values[i]) : String(r.values[i])}`))
      .filter((s): s is string => s !== null);
    const datasets = new Set(rows.map((x) => x.dataset)).size;
    const name = [...(datasets > 1 ? [r.dataset] : []), ...others].join(', ') || 'stations after';
    const s = series.get(name) ?? { name, points: [] };
    s.points.push([r.values[keyIndex] as number, r.stationsAfter ?? Number.NaN]);
    series.set(name, s);
  }
  return [...series.values()];
}
