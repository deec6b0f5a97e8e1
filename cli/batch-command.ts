/**
 * `yizhan batch <whatif.json>`: runs every variation of a what-if file (scenarios/whatif-schema.ts)
 * and compares them.
 *
 * Outputs, in `--out DIR` (default `out/<what-if name>`):
 * - `DIR/<variation id>/{summary.json, stations.geojson, committees.geojson, plan.zh.md, plan.csv}`,
 *   the files of `yizhan plan`; summary.json carries an extra `whatif` field (name, variation,
 *   dataset, values, inputHash) and is renamed into place last, so its presence with the current
 *   input hash means the variation is complete; with `--gis gpkg,shp,fgb [--out-crs EPSG:xxxx]`
 *   also the GIS files of `yizhan plan --gis` (formats and CRS count as input for the resume);
 * - `DIR/comparison.csv` and `DIR/comparison.md`, and the table on stdout (`--json`: the rows).
 *
 * Street offices are solved in `--workers N` worker threads (default: the number of cores;
 * 0 solves in the main thread); plans are assembled in the main thread in a fixed order, so the
 * outputs are the same for any N (only the `ms` timings differ).
 *
 * Resume: a rerun skips every variation whose summary.json exists with the same input hash
 * (dataset file, mapping, crs and the complete resolved scenario) and says so. SIGINT/SIGTERM stop
 * the workers; files are only ever written under temporary names and renamed, and temporaries
 * left by a killed run are removed on the next start. Do not run two batches into one folder.
 *
 * A variation whose scenario cannot be built (e.g. a band with min above max, a lock naming a
 * committee the dataset lacks) is `invalid`; one whose locks cannot be satisfied is `infeasible`;
 * both are rows with their reason and the batch goes on.
 * Exit codes: 0 the batch ran (some variations may have failed), 1 bad input or every variation
 * failed (invalid, infeasible or error), 2 usage error, 130 interrupted (rerun to resume).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import type { Dataset, MultiPolygonCoords, Problem } from '../geo/types.js';
import {
  checkWhatIf, expandVariations, formatComparisonCsv, formatComparisonMarkdown, isFailedStatus, makeComparisonCells,
  makeComparisonRow, makeRowSummary, makeSensitivitySeries, makeVariationInput, stringifyCanonical, type ComparisonRow, type Variation,
} from '../scenarios/batch.js';
import { makeLineChartSvg } from '../render/chart-svg.js';
import { PoolClosedError, canFinishByOffice, makeSolvePool, solvePlanStreamed, solvePlanWithPool, type SolvePool } from '../scenarios/solve-pool.js';
import { FEATURE_COLLECTION_HEAD, FEATURE_COLLECTION_TAIL } from '../scenarios/office-job.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { makeScenario, resolveLocks } from '../scenarios/resolve.js';
import type { WhatIfFile } from '../scenarios/whatif-schema.js';
import { makePlanContext, makePlanContextWith, type PlanContext } from '../solver/pipeline.js';
import type { PlanSummary, Scenario } from '../solver/types.js';
import { EXIT, InputError } from './errors.js';
import { formatProblem, loadDataset, loadScenario, readJsonFile } from './load.js';
import type { GisOutputOptions } from './gis-flags.js';
import { addGisFiles } from './gis-output.js';
import { PLAN_OUTPUT_NAMES, addOfficeOutlines, makePlanFiles } from './plan-commands.js';
import { makeBatchProgress } from './progress.js';
import { formatTable, makePainter } from './table.js';
import { toFolderName, writeFilesAtomically, writeStreamedFile, type StreamedFile } from './write.js';

export interface BatchCommandOptions extends GisOutputOptions {
  out?: string;
  /** Worker threads; 0 = main thread. [os.availableParallelism()] */
  workers?: number;
  json: boolean;
  quiet: boolean;
  /** Draw map.svg in every variation folder (off by default: batches can be national). */
  map?: boolean;
}

/** Exit code of an interrupted batch (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Bumped when the outputs of a variation change for the same input: older results are redone. */
const BATCH_FORMAT = 1;
const SCENARIO_FIELDS = ['rules', 'weights', 'locks', 'solver', 'streetOffices'] as const;
/** Variations solved at the same time (the next one keeps the workers busy during a tail). */
const VARIATIONS_IN_FLIGHT = 2;

interface LoadedDataset {
  entry: string;
  /** The scenario's name, or the dataset's (file stem) for a GeoJSON entry: names the variations. */
  name: string;
  dataset: Dataset;
  /** The dataset's own scenario fields (from its scenario file), before `base` and the grid. */
  fields: Record<string, unknown>;
  /** sha256 of the dataset file and how it is read. */
  fingerprint: string;
}

/** What the summary.json of a batch variation carries beyond `yizhan plan`'s. */
export interface WhatIfStamp {
  name: string;
  variation: string;
  dataset: string;
  values: Record<string, unknown>;
  inputHash: string;
}

function sha256(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

function isBuiltinName(entry: string): boolean {
  return extname(entry) === '' && !entry.includes('/') && !entry.includes('\\');
}

/** How a dataset is read for the batch: its overlap and gap checks handed elsewhere (a worker), its notes kept. */
type BatchReading = Pick<NonNullable<Parameters<typeof loadDataset>[1]>, 'topologyElsewhere' | 'note'>;

async function loadWhatIfDataset(entry: string, index: number, baseDir: string, batchReading: BatchReading): Promise<LoadedDataset & { topologyDone?: Promise<void> }> {
  try {
    const isGeoJson = /\.(geojson|gpkg|fgb|shp|zip)$/i.test(entry);
    if (isGeoJson) {
      const path = resolve(baseDir, entry);
      // the file hashed from the bytes read for the dataset (a second read of a national file took seconds)
      const h = createHash('sha256');
      const { dataset, topologyDone } = await loadDataset(path, { ...batchReading, onBytes: (bytes) => void h.update(bytes) });
      return { entry, name: dataset.name, dataset, fields: {}, fingerprint: h.digest('hex'), ...(topologyDone ? { topologyDone } : {}) };
    }
    const h = createHash('sha256');
    const loaded = await loadScenario(isBuiltinName(entry) ? entry : resolve(baseDir, entry), { ...batchReading, onBytes: (bytes) => void h.update(bytes) });
    const fields: Record<string, unknown> = {};
    for (const k of SCENARIO_FIELDS) if (loaded.file[k] !== undefined) fields[k] = loaded.file[k];
    const reading = stringifyCanonical({ mapping: loaded.file.mapping ?? null, crs: loaded.file.crs ?? null });
    h.update(reading);
    return { entry, name: loaded.scenario.name, dataset: loaded.dataset, fields, fingerprint: h.digest('hex'), ...(loaded.topologyDone ? { topologyDone: loaded.topologyDone } : {}) };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`datasets.${index} (${entry}): ${e.message}`, e.details);
    throw e;
  }
}

/** A variation ready to run (or already decided). */
interface Prepared {
  variation: Variation;
  data: LoadedDataset;
  scenario?: Scenario;
  invalid?: string;
  inputHash: string;
  dir: string;
}

function prepareVariation(file: WhatIfFile, v: Variation, data: LoadedDataset, outDir: string, gis: GisOutputOptions): Prepared {
  const dir = join(outDir, v.id);
  const input = makeVariationInput(file, v, data.fields, `${file.name}/${v.id}`);
  const problemsText = (problems: Problem[]): string => problems.map((p) => p.message).join('; ');
  const made = makeScenario(input);
  if (!made.scenario) return { variation: v, data, invalid: problemsText(made.problems), inputHash: '', dir };
  const resolved = resolveLocks(made.scenario, data.dataset.committees);
  if (!resolved.scenario) return { variation: v, data, invalid: problemsText(resolved.problems), inputHash: '', dir };
  // GIS files asked for count as input: a rerun with other formats or another CRS redoes the variation
  const gisInput = gis.gis ? { gis: { formats: gis.gis, crs: gis.outCrs ?? 'EPSG:4326' } } : {};
  const inputHash = sha256(stringifyCanonical({ format: BATCH_FORMAT, dataset: data.fingerprint, scenario: resolved.scenario, ...gisInput }));
  return { variation: v, data, scenario: resolved.scenario, inputHash, dir };
}

/** The finished summary of a variation, when its folder holds one for this very input. */
function readDoneSummary(p: Prepared): PlanSummary | null {
  const path = join(p.dir, 'summary.json');
  if (!existsSync(path)) return null;
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as PlanSummary & { whatif?: WhatIfStamp };
    return summary.whatif?.inputHash === p.inputHash ? summary : null;
  } catch {
    return null;
  }
}

const TEMPORARY = /\.tmp-\d+-\d+$/;

/** Removes temporaries (`name.tmp-<pid>-<time>`) that a killed run left in the batch folders. */
function removeTemporaries(outDir: string, ids: readonly string[]): number {
  let removed = 0;
  for (const dir of [outDir, ...ids.map((id) => join(outDir, id))]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) {
      if (!TEMPORARY.test(name)) continue;
      rmSync(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** One plan context per dataset and adjacency rules: measures and adjacency do not depend on the rest. */
function makeContextCache(pool: SolvePool | null): (p: Prepared) => Promise<PlanContext> {
  const cache = new Map<string, PlanContext>();
  return async (p) => {
    const s = p.scenario!;
    const key = stringifyCanonical([
      p.variation.datasetIndex, s.rules.minSharedBorderMeters, s.rules.snapToleranceMeters, s.rules.enclaveLinkMeters, s.streetOffices ?? [],
    ]);
    const hit = cache.get(key);
    if (hit) return { ...hit, scenario: s };
    // the shared borders computed by the workers, a range of committees each
    const ctx = pool ? await makePlanContextWith(p.data.dataset, s, (segs, tol) => pool.calcBorderPairs(segs, tol)) : makePlanContext(p.data.dataset, s);
    cache.set(key, ctx);
    return ctx;
  };
}

/** A FeatureCollection file written feature by feature (`writeStreamedFile`): the bytes of `JSON.stringify` + a newline. */
interface FeatureCollectionFile {
  file: StreamedFile;
  /** One or more features (UTF-8, joined by `,`). */
  add: (features: Uint8Array) => void;
  /** Writes the end of the collection and closes the file. */
  end: () => void;
}

function openFeatureCollection(dir: string, name: string): FeatureCollectionFile {
  const file = writeStreamedFile(dir, name);
  file.write(FEATURE_COLLECTION_HEAD);
  let first = true;
  return {
    file,
    add: (features) => {
      if (!first) file.write(',');
      first = false;
      file.write(features);
    },
    end: () => {
      file.write(`${FEATURE_COLLECTION_TAIL}\n`);
      file.end();
    },
  };
}

function stamp(file: WhatIfFile, p: Prepared): WhatIfStamp {
  const keys = Object.keys(file.grid ?? {});
  return {
    name: file.name,
    variation: p.variation.id,
    dataset: p.variation.dataset,
    values: Object.fromEntries(keys.map((k, i) => [k, p.variation.values[i]])),
    inputHash: p.inputHash,
  };
}

/** Runs `task` over `items` with at most `limit` at a time, in order of start. */
async function runLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export async function runBatch(whatifArg: string, options: BatchCommandOptions): Promise<number> {
  const whatifPath = resolve(whatifArg);
  const checked = checkWhatIf(readJsonFile(whatifPath, 'what-if file'));
  if (!checked.file) throw new InputError(`what-if file ${whatifPath} is not valid`, checked.problems.map(formatProblem));
  // The workers start (and load the solver engines) while this thread reads the datasets.
  const starting = makeSolvePool({ workers: options.workers ?? availableParallelism() });
  starting.catch(() => {}); // (its error, if any, is met where the pool is awaited)
  try {
    return await runBatchWith(checked.file, whatifPath, options, () => starting);
  } finally {
    await (await starting).close(); // (idempotent)
  }
}

async function runBatchWith(file: WhatIfFile, whatifPath: string, options: BatchCommandOptions, takePool: () => Promise<SolvePool>): Promise<number> {
  const gridKeys = Object.keys(file.grid ?? {});
  const data: LoadedDataset[] = [];
  // The overlap and gap checks of each dataset run in a worker once the plan contexts are made (they
  // only give a note, written at the end), instead of holding up the reading.
  const topologyStarts: (() => void)[] = [];
  const topologyNotes: string[] = [];
  let noteTo = (line: string): void => void process.stderr.write(`${line}\n`);
  const reading: BatchReading = {
    note: (line) => noteTo(line),
    topologyElsewhere: (items) => new Promise((resolve, reject) => {
      topologyStarts.push(() => void takePool().then((pool) => pool.findTopologyProblems(items)).then(resolve, reject));
    }),
  };
  const topologyDone: Promise<void>[] = [];
  for (const [i, entry] of file.datasets.entries()) {
    const loaded = await loadWhatIfDataset(entry, i, dirname(whatifPath), reading);
    if (loaded.topologyDone) topologyDone.push(loaded.topologyDone);
    data.push(loaded);
  }
  // the notes that come later (the checks') wait for the progress lines to end
  noteTo = (line) => void topologyNotes.push(line);
  const startTopology = (): void => { for (const start of topologyStarts.splice(0)) start(); };
  /** The checks done (nothing if the pool was stopped). */
  const awaitTopology = async (): Promise<void> => {
    startTopology();
    await Promise.all(topologyDone.splice(0)).catch((e: unknown) => { if (!(e instanceof PoolClosedError)) throw e; });
  };
  const variations = expandVariations(file, { datasetNames: data.map((d) => d.name) });
  const outDir = resolve(options.out ?? join('out', toFolderName(file.name)));
  const prepared = variations.map((v) => prepareVariation(file, v, data[v.datasetIndex]!, outDir, options));
  const err = (s: string): void => void process.stderr.write(s);

  const removed = removeTemporaries(outDir, variations.map((v) => v.id));
  if (removed > 0) err(`removed ${removed} temporary file(s) left by an interrupted run\n`);

  const rows = new Map<number, ComparisonRow>();
  const pending: Prepared[] = [];
  let alreadyDone = 0;
  for (const p of prepared) {
    if (p.invalid !== undefined) {
      rows.set(p.variation.index, makeComparisonRow(p.variation, { invalid: p.invalid }));
      continue;
    }
    const done = readDoneSummary(p);
    if (done) {
      rows.set(p.variation.index, makeComparisonRow(p.variation, { summary: done }));
      alreadyDone++;
    } else pending.push(p);
  }
  if (alreadyDone > 0) {
    err(pending.length > 0
      ? `${alreadyDone} of ${variations.length} variations already done, resuming\n`
      : `all ${alreadyDone} variations already done\n`);
  }

  const pool: SolvePool | null = pending.length > 0 ? await takePool() : null;
  const contextOf = makeContextCache(pool);
  const contexts = new Map<number, PlanContext>();
  for (const p of pending) contexts.set(p.variation.index, await contextOf(p));
  startTopology();
  const officesTotal = [...contexts.values()].reduce((s, c) => s + c.offices.length, 0);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    err(`\n${signal}: stopping the workers…\n`);
    void pool?.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = makeBatchProgress({ write: err, isTty: !!process.stderr.isTTY, variations: pending.length, offices: officesTotal });
  try {
    if (pending.length === 0) await awaitTopology();
    if (pending.length > 0) {
      const current = pool!;
      if (interrupted) await current.close();
      await runLimited(pending, VARIATIONS_IN_FLIGHT, async (p) => {
        if (interrupted) return;
        let outcome: PlanOutcome;
        const ctx = contexts.get(p.variation.index)!;
        // outlines of merged stations, for map.svg and the GIS files
        const outlines = new Map<string, MultiPolygonCoords>();
        // stations.geojson and committees.geojson written as the offices come in, under temporary names
        const streamed = !options.map && (options.gis?.length ?? 0) === 0 && canFinishByOffice(ctx);
        const geoJson = streamed ? [openFeatureCollection(p.dir, 'stations.geojson'), openFeatureCollection(p.dir, 'committees.geojson')] : [];
        try {
          try {
            if (streamed) {
              // each street office finished by its worker: stations, outlines, GeoJSON features
              const [stations, committees] = geoJson as [FeatureCollectionFile, FeatureCollectionFile];
              outcome = await solvePlanStreamed(ctx, current, p.data.dataset.committees, { station: stations.add, committee: committees.add }, () => progress.office());
              for (const f of geoJson) f.end();
            } else {
              // dissolved here while the workers solve the other offices
              outcome = await solvePlanWithPool(ctx, current, (r) => {
                if (options.map || (options.gis?.length ?? 0) > 0) addOfficeOutlines(ctx, r.streetOffice, r.result, outlines);
                progress.office();
              });
            }
          } catch (e) {
            if (interrupted && e instanceof PoolClosedError) return;
            throw e;
          }
          if (interrupted) return;
          const summary = { ...outcome.summary, whatif: stamp(file, p) };
          const title = `${file.name} ${p.variation.label} 社区工作站整合方案`;
          // Drop an outdated summary first: until the new one lands the folder does not count as done.
          rmSync(join(p.dir, 'summary.json'), { force: true });
          const made = makePlanFiles({ ...outcome, summary }, p.data.dataset, title, { map: !!options.map, outlines, geoJsonWritten: streamed });
          const files = await addGisFiles(made, { ...outcome, summary }, p.data.dataset, options, outlines); // summary.json stays last
          writeFilesAtomically(p.dir, files, { owned: PLAN_OUTPUT_NAMES, written: geoJson.map((f) => f.file) });
          // the row from the summary as written (its JSON), so that a resumed batch gives the same row
          const row = makeComparisonRow(p.variation, { summary: makeRowSummary(summary) });
          rows.set(p.variation.index, row);
          const after = row.stationsAfter === null ? row.reason : `${row.stationsBefore} → ${row.stationsAfter} stations`;
          progress.variation(`[${rows.size}/${variations.length}] ${p.variation.id}: ${row.status}, ${after}, ${Math.round(row.ms ?? 0)} ms`);
        } finally {
          for (const f of geoJson) f.file.discard(); // (nothing once renamed into place)
          if (streamed && !rows.has(p.variation.index)) {
            // a variation folder is complete or absent: the one the streams made goes when left empty
            try { rmdirSync(p.dir); } catch { /* not empty, or gone */ }
          }
        }
      });
      await awaitTopology();
    }
  } catch (e) {
    progress.finish();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
  }
  progress.finish();
  for (const line of topologyNotes.splice(0)) err(`${line}\n`);
  if (interrupted) {
    const kept = prepared.filter((p) => p.invalid === undefined && rows.has(p.variation.index)).length;
    err(`interrupted: ${kept} of ${variations.length} variations done and kept in ${outDir}; rerun the same command to resume\n`);
    return EXIT_INTERRUPTED;
  }

  const ordered = variations.map((v) => rows.get(v.index)!);
  writeFilesAtomically(outDir, {
    'comparison.csv': formatComparisonCsv(ordered, gridKeys),
    'comparison.md': formatComparisonMarkdown(ordered, gridKeys, `${file.name}: ${variations.length} variations`),
    ...makeSensitivityCharts(ordered, gridKeys, file.name),
  });
  if (options.json) process.stdout.write(JSON.stringify(ordered, null, 2) + '\n');
  else if (!options.quiet) process.stdout.write(formatComparisonTable(ordered, gridKeys, !!process.stdout.isTTY) + '\n');
  const failed = ordered.filter((r) => isFailedStatus(r.status)).length;
  err(`wrote ${outDir}/comparison.{csv,md} and ${variations.length - ordered.filter((r) => r.status === 'invalid').length} variation folder(s)` +
    `${failed > 0 ? `; ${failed} of ${variations.length} variation(s) have no plan (see status and reason)` : ''}\n`);
  if (failed === ordered.length) {
    err('every variation failed: check the base scenario and the locks\n');
    return EXIT.fatal;
  }
  return EXIT.ok;
}

/** The comparison for a terminal: padded columns, failed statuses in red when colour is on. */
/** `sensitivity-<key>.svg`: stations after against each numeric swept parameter. */
export function makeSensitivityCharts(rows: readonly ComparisonRow[], gridKeys: readonly string[], name: string): Record<string, string> {
  const out: Record<string, string> = {};
  gridKeys.forEach((key, i) => {
    const series = makeSensitivitySeries(rows, gridKeys, i);
    if (series.length === 0) return;
    const slug = key.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
    out[`sensitivity-${slug}.svg`] = makeLineChartSvg(series, { title: `${name}: stations after vs ${key}`, xLabel: key, yLabel: 'stations after (工作站数)' });
  });
  return out;
}

export function formatComparisonTable(rows: readonly ComparisonRow[], gridKeys: readonly string[], isTty: boolean): string {
  const paint = makePainter(isTty);
  const { headers, right, cells } = makeComparisonCells(rows, gridKeys);
  const statusAt = headers.indexOf('status');
  const painted = cells.map((c, i) => c.map((cell, j) => (j === statusAt && isFailedStatus(rows[i]!.status) ? paint.red(cell) : cell)));
  return formatTable(headers.map((h, i) => ({ header: h, align: right[i] ? 'right' as const : 'left' as const })), painted);
}
