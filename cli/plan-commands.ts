/** `yizhan plan` and `yizhan evaluate`: same pipeline, same outputs, same checks. */
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { dissolve } from '../geo/dissolve.js';
import type { Dataset, MultiPolygonCoords } from '../geo/types.js';
import { makeSolvePool, solvePlanWithPool } from '../scenarios/solve-pool.js';
import { makeCommitteesGeoJson, makeOutlineKey, makePlanCsv, makePlanMarkdown, makeStationsGeoJson } from '../render/export.js';
import { makePlanMapSvg } from '../render/map-svg.js';
import { calcWeightBesideLargest, evaluatePlan, makePlanContext, solvePlanLoadingEngines, type PlanContext } from '../solver/pipeline.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { SOLVER_DEFAULTS } from '../solver/defaults.js';
import { loadEngines } from '../solver/solve.js';
import type { AlternativesReport, PlanSummary, SolveResult } from '../solver/types.js';
import { MAP_AUTO_COMMITTEES } from './defaults.js';
import { EXIT } from './errors.js';
import { addGisFiles } from './gis-output.js';
import type { GisOutputOptions } from './gis-flags.js';
import { loadHandPlan, loadScenario, type LoadedScenario } from './load.js';
import { makePlanTitle } from '../scenarios/defaults.js';
import { makePlanDocumentFiles } from './plan-documents.js';
import { formatPlanReport } from './report.js';
import { toFolderName, writeFilesAtomically } from './write.js';

export interface PlanCommandOptions extends GisOutputOptions {
  out?: string;
  json: boolean;
  quiet: boolean;
  /** Draw map.svg: true, false, or undefined = when the plan has at most MAP_AUTO_COMMITTEES committees. */
  map?: boolean;
  /** Headers of plan.csv and plan.xlsx. ['zh'] */
  lang?: 'zh' | 'en';
  /** `--alternatives K`: scenario.solver.alternatives for this run. [the scenario's] */
  alternatives?: number;
  /** `--regret`: scenario.solver.regret for this run. [the scenario's] */
  regret?: boolean;
  /**
   * `Date.now()` when the command started (the process's start for `yizhan plan`): the solve ends
   * so that reading, solving and writing together keep to `solver.timeLimitMs`. [runPlan's start]
   */
  startedAt?: number;
}

export { MAP_AUTO_COMMITTEES };

/**
 * From this many street offices `yizhan plan` solves them in worker threads (one per core, as
 * `yizhan batch`; the plan is the same); below, starting the workers costs more than it saves.
 */
export const PLAN_WORKERS_FROM_OFFICES = 200;

/**
 * `yizhan plan` solves in worker threads also when the offices besides the largest weigh this
 * much (`calcWeightBesideLargest`: committees² summed; about two offices of 100 committees): then
 * solving, not starting the workers, is what takes the time (tracts-5000: 31 offices of 140–200
 * tracts were solved one after another on one core, leaving the other idle).
 */
export const PLAN_WORKERS_FROM_WEIGHT = 20_000;

/**
 * Dissolves the outlines of one solved street office's merged stations into `into` (keys:
 * `makeOutlineKey`), so that the outlines are made while other offices are still being solved.
 * Stations of one committee are left out (their outline is the committee's geometry).
 */
export function addOfficeOutlines(ctx: PlanContext, office: string, result: SolveResult, into: Map<string, MultiPolygonCoords>): void {
  const members = ctx.byOffice.get(office) ?? [];
  for (const group of result.groups) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a - b); // office members are in dataset order
    const committees = sorted.map((i) => members[i]!.committee);
    into.set(makeOutlineKey(committees.map((c) => c.id)), dissolve(committees.map((c) => c.geometry)));
  }
}

/** Every file a plan run may write; those a run does not write are removed from its folder. */
export const PLAN_OUTPUT_NAMES = [
  'stations.geojson', 'committees.geojson', 'plan.zh.md', 'plan.csv', 'plan.docx', 'plan.xlsx', 'map.svg', 'alternatives.json', 'summary.json',
  ...['stations', 'committees'].flatMap((layer) => [`${layer}.gpkg`, `${layer}.shp.zip`, `${layer}.fgb`, `${layer}.qml`]),
] as const;

/** The output files of a plan, by file name: the five of the contract, and map.svg when asked. */
export function makePlanFiles(
  outcome: PlanOutcome,
  dataset: Dataset,
  title: string,
  options: {
    map?: boolean; outlines?: ReadonlyMap<string, MultiPolygonCoords>; lang?: 'zh' | 'en';
    /** The two GeoJSON files already made (scenarios/solve-pool.ts `solvePlanRendered`; not with `map`). */
    rendered?: { stationsGeoJson: string; committeesGeoJson: string };
    /** The two GeoJSON files are written already (streamed by the batch): left out here (not with `map`). */
    geoJsonWritten?: boolean;
  } = {},
): Record<string, string> {
  const { rendered, geoJsonWritten = false } = options;
  if ((rendered || geoJsonWritten) && options.map) throw new Error('makePlanFiles: map.svg needs the station outlines, not rendered GeoJSON');
  const stations = rendered || geoJsonWritten ? null : makeStationsGeoJson(outcome, dataset.committees, options.outlines ? { outlines: options.outlines } : {});
  const files: Record<string, string> = geoJsonWritten ? {} : {
    'stations.geojson': (rendered ? rendered.stationsGeoJson : JSON.stringify(stations)) + '\n',
    'committees.geojson': (rendered ? rendered.committeesGeoJson : JSON.stringify(makeCommitteesGeoJson(outcome, dataset.committees))) + '\n',
  };
  files['plan.zh.md'] = makePlanMarkdown(outcome, title);
  files['plan.csv'] = makePlanCsv(outcome, options.lang);
  if (options.map) {
    // The dissolved station outlines are already made for stations.geojson: the map reuses them.
    const stationGeometries = new Map<string, MultiPolygonCoords>(stations!.features.map((f) => [f.id!, f.geometry.coordinates as MultiPolygonCoords]));
    files['map.svg'] = makePlanMapSvg(outcome, dataset.committees, { title, stationGeometries });
  }
  if (outcome.summary.alternatives) files['alternatives.json'] = JSON.stringify(makeAlternativesFile(outcome.summary), null, 2) + '\n';
  // summary.json last: its presence says the set is complete.
  files['summary.json'] = JSON.stringify(outcome.summary, null, 2) + '\n';
  return files;
}

export { makePlanDocumentFiles } from './plan-documents.js';

async function finish(
  outcome: PlanOutcome, loaded: LoadedScenario, outDir: string, title: string, options: PlanCommandOptions,
  outlines?: ReadonlyMap<string, MultiPolygonCoords>,
): Promise<number> {
  const dataset = loaded.dataset;
  // plan.docx and plan.xlsx in this thread: a worker of their own cost more than building them
  // (BENCHMARKS.md, "Our own OOXML writers")
  const documentFiles = makePlanDocumentFiles(outcome, dataset, loaded, options.lang ?? 'zh');
  const committees = outcome.stations.reduce((n, s) => n + s.committeeIds.length, 0);
  const made = makePlanFiles(outcome, dataset, title, { map: options.map ?? committees <= MAP_AUTO_COMMITTEES, ...(outlines ? { outlines } : {}), lang: options.lang ?? 'zh' });
  const { 'summary.json': summaryJson, ...rest } = made;
  // summary.json stays last: its presence says the set is complete
  const withGis = await addGisFiles(rest, outcome, dataset, options, outlines);
  const files: Record<string, string | Uint8Array> = { ...withGis, ...(await documentFiles), 'summary.json': summaryJson! };
  writeFilesAtomically(outDir, files, { owned: PLAN_OUTPUT_NAMES });
  if (options.json) process.stdout.write(JSON.stringify(outcome.summary, null, 2) + '\n');
  else if (!options.quiet) process.stdout.write(formatPlanReport(outcome, !!process.stdout.isTTY) + '\n');
  process.stderr.write(`wrote ${outDir}/{${Object.keys(files).join(',')}}\n`);
  return outcome.fatal ? EXIT.fatal : EXIT.ok;
}

/** alternatives.json: summary.alternatives with the scenario's name (README "Alternatives"). */
export function makeAlternativesFile(summary: PlanSummary): { scenario: string } & AlternativesReport {
  return { scenario: summary.scenario, ...summary.alternatives! };
}

/**
 * Writing the files takes about this many times what reading took (both grow with the committees
 * and with the machine's load): ri-2010 on a loaded machine read in 9.2 s and wrote in 12.5 s.
 */
export const WRITE_RESERVE_FACTOR = 1.5;
/** The solve keeps at least this share of the budget, however long reading took. */
export const MIN_SOLVE_SHARE = 0.25;

/**
 * When the solve of a command that started at `startedAt` must end: the budget from the start,
 * less a reserve for writing (`WRITE_RESERVE_FACTOR` × the time taken so far), and at least
 * `MIN_SOLVE_SHARE` of the budget from now.
 */
export function calcSolveDeadline(startedAt: number, budgetMs: number, now = Date.now()): number {
  const elapsed = Math.max(0, now - startedAt);
  const end = startedAt + budgetMs - WRITE_RESERVE_FACTOR * elapsed;
  return Math.round(Math.max(end, now + MIN_SOLVE_SHARE * budgetMs));
}

export async function runPlan(scenarioArg: string, options: PlanCommandOptions): Promise<number> {
  return solveAndFinish(scenarioArg, { ...options, startedAt: options.startedAt ?? Date.now() });
}

async function solveAndFinish(scenarioArg: string, options: PlanCommandOptions & { startedAt: number }): Promise<number> {
  const { startedAt } = options;
  const loaded = await loadScenario(scenarioArg);
  if (options.alternatives !== undefined) loaded.scenario.solver.alternatives = options.alternatives;
  if (options.regret) loaded.scenario.solver.regret = true;
  const ctx = makePlanContext(loaded.dataset, loaded.scenario);
  ctx.deadline = calcSolveDeadline(startedAt, loaded.scenario.solver?.timeLimitMs ?? SOLVER_DEFAULTS.timeLimitMs);
  const show = (done: number, office: string): void => {
    if (process.stderr.isTTY && ctx.offices.length > 1) process.stderr.write(`\r\x1b[Ksolving ${done}/${ctx.offices.length} ${office}`);
  };
  let outcome: PlanOutcome;
  let outlines: Map<string, MultiPolygonCoords> | undefined;
  const heavy = ctx.offices.length >= PLAN_WORKERS_FROM_OFFICES || calcWeightBesideLargest(ctx) >= PLAN_WORKERS_FROM_WEIGHT;
  if (heavy && availableParallelism() > 1) {
    // workers solve; this thread dissolves the outlines of each office as it comes back
    const pool = await makeSolvePool({ workers: availableParallelism() });
    const made = new Map<string, MultiPolygonCoords>();
    let done = 0;
    try {
      // the pool is this command's alone: time that offices finished early left goes to those
      // stopped by their share (a second turn)
      outcome = await solvePlanWithPool(ctx, pool, (p) => {
        addOfficeOutlines(ctx, p.streetOffice, p.result, made);
        if (!p.again) show(++done, p.streetOffice);
      }, { secondTurn: true });
    } finally {
      await pool.close();
    }
    outlines = made;
  } else {
    // HiGHS is loaded only if an office needs an integer program (luohu-2006's do not)
    outcome = await solvePlanLoadingEngines(ctx, loadEngines, (p) => show(p.done, p.streetOffice));
  }
  if (process.stderr.isTTY && ctx.offices.length > 1) process.stderr.write('\r\x1b[K');
  const outDir = resolve(options.out ?? join('out', toFolderName(loaded.scenario.name)));
  return finish(outcome, loaded, outDir, makePlanTitle(loaded.file, loaded.dataset.name), options, outlines);
}

export async function runEvaluate(scenarioArg: string, planPath: string, options: PlanCommandOptions): Promise<number> {
  const loaded = await loadScenario(scenarioArg);
  const hand = loadHandPlan(planPath, loaded.dataset);
  const ctx = makePlanContext(loaded.dataset, loaded.scenario);
  const outcome = evaluatePlan(ctx, hand.stations, hand.staff);
  const outDir = resolve(options.out ?? join('out', toFolderName(`${loaded.scenario.name}-${basename(planPath).replace(/\.json$/i, '')}`)));
  return finish(outcome, loaded, outDir, makePlanTitle(loaded.file, loaded.dataset.name), options);
}
