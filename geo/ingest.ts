/**
 * Reading committees: field mapping, CRS, validation of everything, normalisation. GeoJSON is read
 * here; Shapefile, GeoPackage and FlatGeobuf are decoded by read-*.ts into the same
 * FeatureCollection shape and go through the same checks ({@link readDatasetSource}).
 */
import { explainCrs, normaliseCrsCode } from './crs.js';
import type { CrsReader } from './crs.js';
import type { CanonicalField, Committee, FieldMapping, Problem, ValidationReport } from './types.js';
import { isFlatGeobuf } from './read-flatgeobuf.js';
import type { DatasetFormat, DecodedSource } from './read-source.js';
import { validateGeometry } from './validate-geometry.js';
import type { FeatureProblem } from './validate-geometry.js';
import { CANONICAL_FIELDS, consumedNames, kebab, validateProperties } from './validate-properties.js';
import { findTopologyProblems } from './validate-topology.js';
import type { TopologyItem } from './validate-topology.js';

export interface ReadCommitteesOptions {
  /** Canonical field → source property name. Fields not named are read under their canonical name. [{}] */
  mapping?: FieldMapping;
  /** CRS of the coordinates, e.g. "EPSG:4547"; overrides the file's legacy `crs` member. [the file's, else lon/lat] */
  crs?: string;
  /** Dataset name. [the collection's `name` member, else "dataset"] */
  name?: string;
  /**
   * The CRS that a binary format's own definition names (a .prj, a GeoPackage srs table), resolved
   * by the format's reader (a string: why it could not be); `label` says where it was read. The `crs`
   * option wins over it (with a `crs-conflict` warning when they differ). [none]
   */
  sourceCrs?: { label: string; reader: CrsReader | string };
  /** See {@link findTopologyProblems}. [100] */
  overlapToleranceM2?: number;
  /** See {@link findTopologyProblems}. [2] */
  gapToleranceM?: number;
  /** Run the overlap and gap checks (cost grows with the number of neighbouring pairs). [true] */
  topology?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : isObject(v) ? `an object of type ${JSON.stringify(v.type)}` : typeof v;

/**
 * Parses GeoJSON text. A syntax error becomes a fatal `not-json` problem with line and column
 * (1-based). A leading byte-order mark is ignored. Never throws.
 * @example parseGeoJsonText('{"type": "FeatureCollection", "features": []}').value
 */
export function parseGeoJsonText(text: string): { value?: unknown; problem?: Problem } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { problem: { code: 'not-json', severity: 'fatal', message: 'the file is empty' } };
  try {
    return { value: JSON.parse(body) as unknown };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : findJsonErrorOffset(body);
    let where = '';
    if (pos !== undefined) {
      const at = Math.min(pos, body.length);
      const before = body.slice(0, at);
      const line = before.split('\n').length;
      const column = at - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${column}${at >= body.length ? ' (the text ends too early)' : ''}`;
    }
    return { problem: { code: 'not-json', severity: 'fatal', message: `not valid JSON${where}: ${msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/,\s*(\.\.\.)?"[\s\S]*" is not valid JSON$/, '').replace(/ (in JSON )?at position \d+$/, '')}` } };
  }
}

/**
 * Offset of the first JSON syntax error (V8's messages do not always carry it), or undefined
 * when the text is too deeply nested to scan.
 */
function findJsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (depth: number): void => {
    if (depth > 1000) throw undefined;
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (ch === '"') string();
    else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      else i += m[0].length;
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : undefined;
  } catch (at) {
    return typeof at === 'number' ? at : undefined;
  }
}

/** The CRS named by a legacy GeoJSON `crs` member, or a problem. */
function readCrsMember(crs: unknown): { code?: string; problem?: string } {
  if (typeof crs === 'string') return { code: crs };
  if (isObject(crs) && isObject(crs.properties)) {
    const p = crs.properties;
    if (typeof p.name === 'string') return { code: p.name };
    if (typeof p.code === 'number' || typeof p.code === 'string') return { code: `EPSG:${p.code}` };
  }
  return { problem: `the "crs" member ${JSON.stringify(crs)} does not name a CRS; expected {"type":"name","properties":{"name":"EPSG:xxxx"}}` };
}

function finish(problems: Problem[], dataset?: ValidationReport['dataset']): ValidationReport {
  let fatal = 0;
  for (const p of problems) if (p.severity === 'fatal') fatal++;
  const report: ValidationReport = { ok: fatal === 0, fatal, warnings: problems.length - fatal, problems };
  if (fatal === 0 && dataset) report.dataset = dataset;
  return report;
}

/**
 * Reads a FeatureCollection of committees and checks everything at once. Never throws: every
 * defect of the input becomes a {@link Problem} with a stable code; `report.dataset` is set only
 * when no problem is fatal.
 *
 * Normalisation: Polygon → MultiPolygon, reprojected to WGS84 lon/lat, rings closed, outer rings
 * counter-clockwise and holes clockwise (RFC 7946), consecutive duplicate positions dropped, z dropped,
 * ids as strings, properties that yizhan does not interpret kept in `extra`. Numbers must be JSON
 * numbers: "1234" in quotes is a fatal `households-not-number`.
 *
 * Dataset-level codes (fatal): `not-feature-collection`, `no-features`, `crs-unsupported`,
 * `mapping-key-unknown`, `mapping-invalid`, `mapping-field-missing`, `id-missing` / `street-office-missing` /
 * `households-missing` without a feature index when no feature has the property. Warning: `crs-conflict`.
 * Per feature: see {@link validateGeometry} and {@link validateProperties}, and `feature-not-feature`,
 * `properties-not-object`. Between features: `id-duplicate`, `station-across-street-offices` (fatal),
 * `overlap`, `gap`, `overlap-check-failed` (warnings; see {@link findTopologyProblems}).
 *
 * @param input parsed JSON (see {@link parseGeoJsonText})
 * @param [options.mapping={}] canonical field → source property
 * @param [options.crs] e.g. "EPSG:4547"; else the file's `crs` member; else lon/lat
 * @param [options.name] dataset name
 * @param [options.overlapToleranceM2=100]
 * @param [options.gapToleranceM=2]
 * @param [options.topology=true] run the overlap and gap checks
 * @example readCommittees(json, { mapping: { id: 'GEOID10', households: 'households2010', streetOffice: 'county_fips' } })
 */
export function readCommittees(input: unknown, options: ReadCommitteesOptions = {}): ValidationReport {
  const problems: Problem[] = [];
  const fatal = (code: string, message: string, extra: Partial<Problem> = {}): void => {
    problems.push({ code, severity: 'fatal', message, ...extra });
  };

  // mapping
  const mapping: FieldMapping = {};
  if (options.mapping !== undefined && !isObject(options.mapping)) {
    fatal('mapping-invalid', `the field mapping must be an object of canonical field → property name, got ${describe(options.mapping)}`);
  } else if (options.mapping) {
    const canonical = new Set<string>(CANONICAL_FIELDS);
    for (const [k, v] of Object.entries(options.mapping)) {
      if (!canonical.has(k)) {
        fatal('mapping-key-unknown', `the mapping names "${k}", which is not a committee field; fields are ${CANONICAL_FIELDS.join(', ')}`);
      } else if (typeof v !== 'string' || v === '') {
        fatal('mapping-invalid', `the mapping of "${k}" must be a property name, got ${JSON.stringify(v)}`, { field: k });
      } else mapping[k as CanonicalField] = v;
    }
  }

  // collection
  if (!isObject(input) || input.type !== 'FeatureCollection' || !Array.isArray(input.features)) {
    const hint = isObject(input) && input.type === 'Feature' ? ': wrap the feature in a FeatureCollection' : '';
    const what = isObject(input) && input.type === 'FeatureCollection' ? 'a FeatureCollection whose "features" is not an array' : describe(input);
    fatal('not-feature-collection', `expected a GeoJSON FeatureCollection, got ${what}${hint}`);
    return finish(problems);
  }
  const features = input.features as unknown[];
  const name = options.name ?? (typeof input.name === 'string' && input.name !== '' ? input.name : 'dataset');

  // CRS
  let crs: CrsReader | undefined;
  let crsBroken = false;
  const fileCrs = input.crs === undefined || input.crs === null ? undefined : readCrsMember(input.crs);
  if (fileCrs?.problem && options.crs === undefined) {
    fatal('crs-unsupported', fileCrs.problem);
    crsBroken = true;
  }
  const source = options.sourceCrs;
  const declared = options.crs ?? fileCrs?.code ?? (source ? (typeof source.reader === 'string' ? source.label : source.reader.code) : undefined);
  if (declared !== undefined && !crsBroken) {
    const code = typeof declared === 'string' ? normaliseCrsCode(declared) : undefined;
    const reader = options.crs === undefined && source ? source.reader : code ? explainCrs(code) : undefined;
    if (reader !== undefined && typeof reader !== 'string') {
      crs = reader;
      if (reader.warning) problems.push({ code: 'crs-approximate', severity: 'warning', message: reader.warning });
    } else {
      const why = typeof reader === 'string' ? `: ${reader}` : '';
      fatal('crs-unsupported', `CRS ${JSON.stringify(code ?? declared)} is not supported${why}; use an EPSG code of a geographic or projected CRS (e.g. EPSG:4326, EPSG:4490, EPSG:4547, EPSG:32650, EPSG:27700) or the pseudo-CRS GCJ-02 or BD-09`);
      crsBroken = true;
    }
    if (options.crs !== undefined && source && typeof source.reader !== 'string' && source.reader.code !== code) {
      problems.push({ code: 'crs-conflict', severity: 'warning', message: `${source.label} says ${source.reader.code} but the crs option says ${options.crs}; using the option` });
    }
    if (options.crs !== undefined && fileCrs?.code !== undefined) {
      const fileCode = normaliseCrsCode(fileCrs.code);
      if (fileCode !== code) {
        problems.push({ code: 'crs-conflict', severity: 'warning', message: `the file declares ${fileCrs.code} but the crs option says ${options.crs}; using the option` });
      }
    }
  }

  if (features.length === 0) {
    fatal('no-features', 'the FeatureCollection has no features');
    return finish(problems);
  }

  // fields present nowhere: reported once, not per feature
  const present = new Set<string>();
  let anyFeatureId = false;
  for (const f of features) {
    if (!isObject(f)) continue;
    if (f.id !== undefined && f.id !== null) anyFeatureId = true;
    if (isObject(f.properties)) for (const k of Object.keys(f.properties)) present.add(k);
  }
  const reportedMissing = new Set<CanonicalField>();
  const seen = [...present].slice(0, 20).join(', ');
  for (const [field, src] of Object.entries(mapping) as [CanonicalField, string][]) {
    if (!present.has(src)) {
      fatal('mapping-field-missing', `the mapping reads "${field}" from property "${src}", which no feature has (properties found: ${seen || 'none'})`, { field });
      reportedMissing.add(field);
    }
  }
  for (const field of ['id', 'streetOffice', 'households'] as const) {
    if (Object.hasOwn(mapping, field) || present.has(field) || (field === 'id' && anyFeatureId)) continue;
    fatal(`${kebab(field)}-missing`, `no feature has a property "${field}"; give a field mapping naming the property that holds it (properties found: ${seen || 'none'})`, { field });
    reportedMissing.add(field);
  }

  // features
  const committees: (Committee | undefined)[] = [];
  const consumed = consumedNames(mapping);
  const partial = new Map<number, { id: string; streetOffice?: string; station?: string }>();
  for (let i = 0; i < features.length; i++) {
    const f = features[i];
    if (!isObject(f) || f.type !== 'Feature') {
      fatal('feature-not-feature', `feature ${i} is ${describe(f)}, not a GeoJSON Feature`, { feature: i });
      committees.push(undefined);
      continue;
    }
    const own: FeatureProblem[] = [];
    let props: Record<string, unknown> = {};
    if (isObject(f.properties)) props = f.properties;
    else if (f.properties !== undefined && f.properties !== null) {
      own.push({ code: 'properties-not-object', severity: 'fatal', message: `"properties" is ${describe(f.properties)}, not an object` });
    }
    const { values, problems: pp } = validateProperties(props, { mapping, featureId: f.id, reportedMissing, consumed });
    own.push(...pp);
    const geo = crsBroken ? undefined : validateGeometry(f.geometry, crs ? { crs } : {});
    if (geo) own.push(...geo.problems);
    const rawId = values.id;
    for (const p of own) {
      const full: Problem = { ...p, feature: i };
      if (rawId !== undefined) full.id = rawId;
      full.message = `feature ${i}${rawId !== undefined ? ` ("${rawId}")` : ''}: ${p.message}`;
      problems.push(full);
    }
    if (geo?.geometry && values.id !== undefined && values.name !== undefined && values.streetOffice !== undefined && values.households !== undefined) {
      const c: Committee = { id: values.id, name: values.name, streetOffice: values.streetOffice, households: values.households, geometry: geo.geometry };
      for (const k of ['population', 'type', 'office', 'service', 'plaza', 'officePlanned', 'servicePlanned', 'plazaPlanned', 'staff', 'partyMembers', 'station', 'selfContained'] as const) {
        if (values[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = values[k];
      }
      if (Object.keys(values.extra).length > 0) c.extra = values.extra;
      committees.push(c);
    } else {
      committees.push(undefined);
      // keep what is known for the cross-feature checks
      if (values.id !== undefined) partial.set(i, { id: values.id, streetOffice: values.streetOffice, station: values.station });
    }
  }

  // between features: ids, stations
  const info = (i: number): { id: string; streetOffice?: string; station?: string } | undefined => committees[i] ?? partial.get(i);
  const firstById = new Map<string, number>();
  const stationHome = new Map<string, { feature: number; id: string; streetOffice: string }>();
  for (let i = 0; i < features.length; i++) {
    const c = info(i);
    if (!c) continue;
    const prev = firstById.get(c.id);
    if (prev !== undefined) {
      fatal('id-duplicate', `feature ${i} has the id "${c.id}" of feature ${prev}; ids must be unique`, { feature: i, id: c.id, field: 'id', other: { feature: prev, id: c.id } });
    } else firstById.set(c.id, i);
    if (c.station !== undefined && c.streetOffice !== undefined) {
      const home = stationHome.get(c.station);
      if (!home) stationHome.set(c.station, { feature: i, id: c.id, streetOffice: c.streetOffice });
      else if (home.streetOffice !== c.streetOffice) {
        fatal(
          'station-across-street-offices',
          `station "${c.station}" serves "${home.id}" (street office "${home.streetOffice}") and "${c.id}" (street office "${c.streetOffice}"); a station never crosses street offices`,
          { feature: i, id: c.id, field: 'station', other: { feature: home.feature, id: home.id } },
        );
      }
    }
  }

  // between features: geometry
  if (options.topology !== false) {
    const items: TopologyItem[] = [];
    for (let i = 0; i < committees.length; i++) {
      const c = committees[i];
      if (c) items.push({ feature: i, id: c.id, streetOffice: c.streetOffice, geometry: c.geometry });
    }
    const topo: Parameters<typeof findTopologyProblems>[1] = {};
    if (options.overlapToleranceM2 !== undefined) topo.overlapToleranceM2 = options.overlapToleranceM2;
    if (options.gapToleranceM !== undefined) topo.gapToleranceM = options.gapToleranceM;
    problems.push(...findTopologyProblems(items, topo));
  }

  const complete = committees.every((c) => c !== undefined);
  return finish(problems, complete ? { name, committees: committees as Committee[] } : undefined);
}


/** A dataset as bytes: a file's name (its extension helps tell the format) and content. */
export interface DatasetSource {
  name: string;
  bytes: Uint8Array;
  /** For a bare .shp: its sibling files by extension. */
  siblings?: Partial<Record<'dbf' | 'shx' | 'prj' | 'cpg', Uint8Array>>;
}

export interface ReadSourceOptions extends ReadCommitteesOptions {
  /** GeoPackage table or Shapefile base name, when the file holds several. [the only one] */
  layer?: string;
  /** Text encoding of a Shapefile's DBF (GBK, GB18030, UTF-8…). [the .cpg, else UTF-8] */
  encoding?: string;
  /** Skip the overlap and gap checks above this many features (unless `topology` is set). [none] */
  topologyMaxFeatures?: number;
}

export interface SourceReport extends ValidationReport {
  format: DatasetFormat;
  /** The layer read, for GeoPackage and zipped Shapefile. */
  layer?: string;
  /** Features in the file (0 when it could not be read). */
  features: number;
  /** Whether the overlap and gap checks ran. */
  topologyChecked: boolean;
}

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

/**
 * The format of a dataset, by its content (zip, .shp, SQLite, FlatGeobuf magic numbers), else by
 * its extension, else GeoJSON.
 */
export function detectFormat(name: string, bytes: Uint8Array): DatasetFormat {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x00, 0x00, 0x27, 0x0a])) return 'shapefile';
  if (startsWith(bytes, [...'SQLite format 3'].map((c) => c.charCodeAt(0)))) return 'geopackage';
  if (isFlatGeobuf(bytes)) return 'flatgeobuf';
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'zip' || ext === 'shp') return 'shapefile';
  if (ext === 'gpkg') return 'geopackage';
  if (ext === 'fgb') return 'flatgeobuf';
  return 'geojson';
}

/** The file's own reading: its FeatureCollection (source coordinates), CRS and reading problems. */
async function decodeSource(source: DatasetSource, format: DatasetFormat, options: ReadSourceOptions): Promise<DecodedSource> {
  const label = source.name;
  switch (format) {
    case 'geojson': {
      const parsed = parseGeoJsonText(new TextDecoder('utf-8').decode(source.bytes));
      if (parsed.problem) return { format, problems: [parsed.problem] };
      return { format, value: parsed.value as DecodedSource['value'], problems: [] };
    }
    case 'shapefile': {
      const shp = { ...(options.encoding !== undefined ? { encoding: options.encoding } : {}), ...(options.mapping ? { mapping: options.mapping } : {}) };
      // the format readers are loaded when a file needs them
      const { readShapefileParts, readShapefileZip } = await import('./read-shapefile.js');
      if (startsWith(source.bytes, [0x50, 0x4b, 0x03, 0x04]) || /\.zip$/i.test(source.name)) {
        return readShapefileZip(source.bytes, { ...shp, label, ...(options.layer !== undefined ? { layer: options.layer } : {}) });
      }
      return readShapefileParts({ shp: source.bytes, ...source.siblings }, { ...shp, label });
    }
    case 'geopackage':
      return (await import('./read-geopackage.js')).readGeoPackage(source.bytes, { label, ...(options.layer !== undefined ? { layer: options.layer } : {}) });
    case 'flatgeobuf':
      return (await import('./read-flatgeobuf.js')).readFlatGeobuf(source.bytes, { label });
  }
}

/**
 * Reads committees from GeoJSON, a zipped or bare Shapefile, a GeoPackage or a FlatGeobuf file,
 * and validates them exactly as {@link readCommittees} does GeoJSON: the binary formats are
 * decoded into a FeatureCollection in their own coordinates, their CRS (.prj, srs table, header)
 * passed as `sourceCrs`, and every check runs on that. The problems of decoding (an unreadable
 * file, a missing .dbf, a wrong text encoding, an ambiguous layer) come first. Never throws.
 */
export async function readDatasetSource(source: DatasetSource, options: ReadSourceOptions = {}): Promise<SourceReport> {
  const format = detectFormat(source.name, source.bytes);
  const { layer: _layer, encoding: _encoding, topologyMaxFeatures, ...reading } = options;
  const decoded = await decodeSource(source, format, options);
  const base = { format, ...(decoded.layer !== undefined ? { layer: decoded.layer } : {}) };
  const value = decoded.value;
  const count = isObject(value) && Array.isArray(value.features) ? value.features.length : 0;
  if (decoded.problems.some((p) => p.severity === 'fatal')) {
    return { ...finish(decoded.problems), ...base, features: count, topologyChecked: false };
  }
  const topology = options.topology ?? (topologyMaxFeatures === undefined || count <= topologyMaxFeatures);
  const report = readCommittees(value, {
    ...reading,
    topology,
    ...(decoded.sourceCrs ? { sourceCrs: decoded.sourceCrs } : {}),
  });
  const problems = [...decoded.problems, ...report.problems];
  return { ...finish(problems, report.dataset), ...base, features: count, topologyChecked: topology };
}
