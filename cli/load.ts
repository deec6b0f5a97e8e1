/**
 * Reading the CLI's inputs: scenario files (or built-in names), datasets, hand-made plans.
 * Every failure becomes an InputError that lists each problem with its place.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { readDatasetSource } from '../geo/ingest.js';
import type { DatasetSource, ReadSourceOptions, SourceReport } from '../geo/ingest.js';
import type { Dataset, FieldMapping, Problem } from '../geo/types.js';
import type { TopologyItem } from '../geo/validate-topology.js';
import { makeScenario, makeCommitteeLookup, resolveCommitteeRef, resolveLocks } from '../scenarios/resolve.js';
import type { ScenarioFile } from '../scenarios/schema.js';
import type { Scenario } from '../solver/types.js';
import { InputError } from './errors.js';
import { builtinScenarioDir, listBuiltinScenarios } from './paths.js';
import { suggest } from './suggest.js';

/** `[fatal] households-negative  feature 3 (id LH-01), field households: …` */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.feature !== undefined) where.push(`feature ${p.feature}${p.id !== undefined ? ` (id ${p.id})` : ''}`);
  else if (p.id !== undefined) where.push(`id ${p.id}`);
  if (p.field) where.push(`field ${p.field}`);
  if (p.other) where.push(`and feature ${p.other.feature}${p.other.id !== undefined ? ` (id ${p.other.id})` : ''}`);
  return `[${p.severity}] ${p.code}${where.length ? `  ${where.join(', ')}` : ''}: ${p.message}`;
}

export function readTextFile(path: string, what: string): string {
  if (!existsSync(path)) throw new InputError(`${what} not found: ${path}`);
  if (statSync(path).isDirectory()) throw new InputError(`${what} is a folder, not a file: ${path}`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The path of a scenario argument: a built-in name (`luohu-2006`) or a file. */
export function resolveScenarioPath(arg: string): string {
  if (extname(arg) === '' && !arg.includes('/')) {
    const builtin = resolve(builtinScenarioDir(arg), 'scenario.json');
    if (existsSync(builtin)) return builtin;
    if (!existsSync(arg)) {
      const builtins = listBuiltinScenarios();
      const near = suggest(arg, builtins);
      throw new InputError(`no built-in scenario "${arg}" and no such file${near ? `; did you mean "${near}"?` : ''} (built-in: ${builtins.join(', ')})`);
    }
  }
  // A dataset is not a scenario: the rules a plan follows are written down beside it, not assumed.
  if (/\.geojson$/i.test(arg)) {
    const stem = basename(arg).replace(/\.geojson$/i, '');
    throw new InputError(`${arg} is a dataset, not a scenario: a plan needs a scenario file naming it`, [
      `write ${stem}.scenario.json beside it: {"name": "${stem}", "dataset": "${basename(arg)}"} (rules, weights and mapping left out take the defaults, README "Scenario files")`,
      `then: yizhan plan ${join(dirname(arg), `${stem}.scenario.json`)}`,
      `check the data first with: yizhan validate ${arg}`,
    ]);
  }
  return resolve(arg);
}

export interface LoadedScenario {
  path: string;
  file: ScenarioFile;
  scenario: Scenario;
  dataset: Dataset;
  datasetPath: string;
  warnings: Problem[];
  /** With `topologyElsewhere`: the overlap and gap checks done and noted. */
  topologyDone?: Promise<void>;
}

/**
 * Above this many features, `plan`, `evaluate` and `batch` skip the overlap and gap checks between
 * committees (warnings only, about 10 s of a 120,000-committee run) and say so on stderr;
 * `yizhan validate` always runs them.
 */
export const TOPOLOGY_CHECK_MAX_FEATURES = 20_000;

/** Problems that stop a file from being read at all (rather than its committees being wrong). */
const UNREADABLE = new Set(['not-json', 'format-unreadable', 'shapefile-incomplete', 'shapefile-mismatch', 'encoding-mismatch', 'encoding-unknown', 'layer-missing', 'layer-ambiguous']);

/** How a dataset file is read: field mapping, CRS, and for the binary formats the layer and the DBF encoding. */
export interface DatasetReading {
  mapping?: FieldMapping;
  crs?: string;
  /** GeoPackage table or Shapefile base name in a zip, when there are several. */
  layer?: string;
  /** Text encoding of a Shapefile's DBF (GBK, GB18030, UTF-8), over its .cpg. */
  encoding?: string;
}

/** A dataset file's bytes; a bare .shp comes with its .dbf/.shx/.prj/.cpg siblings (any case). */
export function readDatasetFile(path: string): DatasetSource {
  if (!existsSync(path)) throw new InputError(`dataset not found: ${path}`);
  if (statSync(path).isDirectory()) throw new InputError(`dataset is a folder, not a file: ${path}`);
  const read = (p: string): Buffer => {
    try {
      return readFileSync(p);
    } catch (e) {
      throw new InputError(`cannot read dataset ${p}: ${(e as Error).message}`);
    }
  };
  const source: DatasetSource = { name: basename(path), bytes: read(path) };
  if (/\.shp$/i.test(path)) {
    const stem = path.slice(0, -4);
    const siblings: NonNullable<DatasetSource['siblings']> = {};
    for (const ext of ['dbf', 'shx', 'prj', 'cpg'] as const) {
      const hit = [`${stem}.${ext}`, `${stem}.${ext.toUpperCase()}`].find((p) => existsSync(p));
      if (hit) siblings[ext] = read(hit);
    }
    source.siblings = siblings;
  }
  return source;
}

/**
 * Reads a dataset file of any format (GeoJSON, zipped or bare Shapefile, GeoPackage, FlatGeobuf)
 * and validates it; never throws for a bad file: the problems are in the report.
 * @param [options.topologyMaxFeatures] skip the overlap/gap checks above this many committees [always run]
 */
export async function readDatasetReport(
  path: string, options: DatasetReading & Pick<ReadSourceOptions, 'topology' | 'topologyMaxFeatures'> & { onBytes?: (bytes: Uint8Array) => void } = {},
): Promise<SourceReport> {
  const source = readDatasetFile(path);
  const { mapping, crs, layer, encoding, onBytes, ...rest } = options;
  onBytes?.(source.bytes);
  return readDatasetSource(source, {
    ...rest,
    ...(mapping ? { mapping } : {}),
    ...(crs ? { crs } : {}),
    ...(layer ? { layer } : {}),
    ...(encoding ? { encoding } : {}),
    name: basename(path).replace(/\.(geo)?json$|\.gpkg$|\.fgb$|\.shp$|\.shp\.zip$|\.zip$/i, ''),
  });
}

/**
 * Reads a dataset file through the given mapping and CRS; fatal problems throw with the full list.
 * Any format that {@link readDatasetReport} reads. Overlap and gap warnings are counted on stderr
 * (`yizhan validate` lists them); above {@link TOPOLOGY_CHECK_MAX_FEATURES} features they are not
 * looked for, and stderr says so.
 * @param [options.topology] run the overlap and gap checks [up to TOPOLOGY_CHECK_MAX_FEATURES features]
 * @param [options.onBytes] given the file's bytes as read (a bare .shp: the .shp's), e.g. to hash them without a second read
 * @param [options.note] where the notes go [stderr]
 */
export async function loadDataset(
  path: string,
  options: DatasetReading & {
    topology?: boolean; note?: (line: string) => void; onBytes?: (bytes: Uint8Array) => void;
    /**
     * Runs the overlap and gap checks elsewhere (a worker of the batch): the dataset comes back
     * without them, their note is written when they are done (`topologyDone`), and `warnings` lacks them.
     */
    topologyElsewhere?: (items: TopologyItem[]) => Promise<Problem[]>;
  } = {},
): Promise<{ dataset: Dataset; warnings: Problem[]; topologyDone?: Promise<void> }> {
  const { topology, note = (line: string) => void process.stderr.write(`${line}\n`), topologyElsewhere, ...reading } = options;
  const report = await readDatasetReport(path, {
    ...reading, ...(topologyElsewhere ? { topology: false } : topology !== undefined ? { topology } : {}), topologyMaxFeatures: TOPOLOGY_CHECK_MAX_FEATURES,
  });
  if (!report.ok || !report.dataset) {
    if (report.problems.some((p) => UNREADABLE.has(p.code))) throw new InputError(`dataset ${path} cannot be read`, report.problems.map(formatProblem));
    throw new InputError(`dataset ${path}: ${report.fatal} fatal problem(s), ${report.warnings} warning(s)`, report.problems.map(formatProblem));
  }
  if (report.format !== 'geojson') {
    note(`note: read ${report.dataset.committees.length} committees from ${report.format}${report.layer !== undefined ? ` layer "${report.layer}"` : ''}`);
  }
  for (const p of report.problems) if (p.code === 'crs-approximate' || p.code === 'crs-conflict') note(`note: ${p.message}`);
  const noteTopology = (problems: readonly Problem[]): void => {
    const topo = problems.filter((p) => p.code === 'overlap' || p.code === 'gap').length;
    if (topo > 0) note(`note: ${topo} overlap/gap warning(s) between committees; \`yizhan validate ${path}\` lists them`);
  };
  if (topologyElsewhere && (topology ?? report.features <= TOPOLOGY_CHECK_MAX_FEATURES)) {
    // (a dataset read whole has one committee per feature, in order)
    const items = report.dataset.committees.map((c, i): TopologyItem => ({ feature: i, id: c.id, streetOffice: c.streetOffice, geometry: c.geometry }));
    return { dataset: report.dataset, warnings: report.problems, topologyDone: topologyElsewhere(items).then(noteTopology) };
  }
  if (!report.topologyChecked) {
    note(`note: ${report.features} committees: overlaps and gaps between committees were not checked (done up to ${TOPOLOGY_CHECK_MAX_FEATURES}); run \`yizhan validate ${path}\`${reading.mapping ? ' with the mapping' : ''} for them`);
  } else noteTopology(report.problems);
  return { dataset: report.dataset, warnings: report.problems };
}

/** Reads a scenario (file or built-in), its dataset, and resolves its locks by name. */
export async function loadScenario(
  arg: string, options: Pick<NonNullable<Parameters<typeof loadDataset>[1]>, 'onBytes' | 'topologyElsewhere' | 'note'> = {},
): Promise<LoadedScenario> {
  const path = resolveScenarioPath(arg);
  const raw = readJsonFile(path, 'scenario');
  const made = makeScenario(raw);
  if (!made.scenario || !made.file) throw new InputError(`scenario ${path} is not valid`, made.problems.map(formatProblem));
  const file = made.file;
  if (!file.dataset) throw new InputError(`scenario ${path} names no dataset`, ['[fatal] scenario-field-invalid  field dataset: give the path of the committees file (GeoJSON, .shp/.zip, .gpkg, .fgb), relative to the scenario file']);
  const datasetPath = resolve(dirname(path), file.dataset);
  const { dataset, warnings, topologyDone } = await loadDataset(datasetPath, {
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    ...(options.topologyElsewhere ? { topologyElsewhere: options.topologyElsewhere } : {}),
    ...(options.note ? { note: options.note } : {}),
    ...(file.mapping ? { mapping: file.mapping as FieldMapping } : {}),
    ...(file.crs ? { crs: file.crs } : {}),
    ...(typeof (file as { layer?: unknown }).layer === 'string' ? { layer: (file as unknown as { layer: string }).layer } : {}),
    ...(typeof (file as { encoding?: unknown }).encoding === 'string' ? { encoding: (file as unknown as { encoding: string }).encoding } : {}),
  });
  const resolved = resolveLocks(made.scenario, dataset.committees);
  if (!resolved.scenario) throw new InputError(`scenario ${path} does not fit its dataset`, resolved.problems.map(formatProblem));
  return { path, file, scenario: resolved.scenario, dataset, datasetPath, warnings, ...(topologyDone ? { topologyDone } : {}) };
}

/**
 * A hand-made plan file: `{ "name"?: "…", "stations": [["碧波", "湖滨"], …], "staff"?: [12, null, …] }`,
 * committees by name or id; committees not named keep their current station; `staff` the workers
 * the street office assigns to each listed station (null: the staffing rule's). Unknown or
 * ambiguous names are reported with their place (`stations[3][1]`), bad staff with `staff[i]`.
 */
export function loadHandPlan(path: string, dataset: Dataset): { name: string; stations: string[][]; staff?: (number | null)[] } {
  const raw = readJsonFile(path, 'plan');
  const errors: string[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Array.isArray((raw as { stations?: unknown }).stations)) {
    throw new InputError(`plan ${path} must be an object with "stations": an array of arrays of committee names`);
  }
  const obj = raw as { name?: unknown; stations: unknown[]; staff?: unknown };
  const lookup = makeCommitteeLookup(dataset.committees);
  const stations: string[][] = [];
  obj.stations.forEach((group, i) => {
    if (!Array.isArray(group) || group.length === 0) {
      errors.push(`[fatal] plan-station-invalid  field stations[${i}]: expected a non-empty array of committee names`);
      return;
    }
    const ids: string[] = [];
    group.forEach((ref, j) => {
      if (typeof ref !== 'string') {
        errors.push(`[fatal] plan-committee-invalid  field stations[${i}][${j}]: expected a committee name or id, got ${JSON.stringify(ref)}`);
        return;
      }
      const r = resolveCommitteeRef(ref, lookup);
      if (r.error) errors.push(`[fatal] plan-committee-unknown  field stations[${i}][${j}]: ${r.error}`);
      else ids.push(r.committee!.id);
    });
    stations.push(ids);
  });
  let staff: (number | null)[] | undefined;
  if (obj.staff !== undefined) {
    if (!Array.isArray(obj.staff) || obj.staff.length !== obj.stations.length) {
      errors.push(`[fatal] plan-staff-invalid  field staff: expected an array with one entry (a number of workers, or null) per station, ${obj.stations.length} in all`);
    } else {
      staff = obj.staff.map((n, i) => {
        if (n === null) return null;
        if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1_000_000) return n;
        errors.push(`[fatal] plan-staff-invalid  field staff[${i}]: expected a whole number of workers (0 or more) or null, got ${JSON.stringify(n)}`);
        return null;
      });
    }
  }
  if (errors.length > 0) throw new InputError(`plan ${path} does not fit the dataset`, errors);
  return { name: typeof obj.name === 'string' ? obj.name : basename(path), stations, ...(staff ? { staff } : {}) };
}
