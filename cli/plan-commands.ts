/** `yizhan plan` and `yizhan evaluate`: same pipeline, same outputs, same checks. */
import { join, resolve } from 'node:path';
import { basename } from 'node:path';
import type { Dataset } from '../geo/types.js';
import { makeCommitteesGeoJson, makePlanCsv, makePlanMarkdown, makeStationsGeoJson } from '../solver/export.js';
import { makePlanMapSvg } from '../solver/map-svg.js';
import type { MultiPolygonCoords } from '../geo/types.js';
import { evaluatePlan, makePlanContext, solvePlan, type PlanOutcome } from '../solver/pipeline.js';
import { loadEngines } from '../solver/solve.js';
import { EXIT } from './errors.js';
import { loadHandPlan, loadScenario } from './load.js';
import { formatPlanReport } from './report.js';
import { writeFilesAtomically } from './write.js';

export interface PlanCommandOptions {
  out?: string;
  json: boolean;
  quiet: boolean;
  /** Draw map.svg: true, false, or undefined = when the plan has at most MAP_AUTO_COMMITTEES committees. */
  map?: boolean;
}

/** Up to this many committees a plan draws its map.svg unless told not to; above, only with --map. */
export const MAP_AUTO_COMMITTEES = 3000;

/** The output files of a plan, by file name: the five of the contract, and map.svg when asked. */
export function makePlanFiles(outcome: PlanOutcome, dataset: Dataset, title: string, options: { map?: boolean } = {}): Record<string, string> {
  const stations = makeStationsGeoJson(outcome, dataset.committees);
  const files: Record<string, string> = {
    'stations.geojson': JSON.stringify(stations) + '\n',
    'committees.geojson': JSON.stringify(makeCommitteesGeoJson(outcome, dataset.committees)) + '\n',
    'plan.zh.md': makePlanMarkdown(outcome, title),
    'plan.csv': makePlanCsv(outcome),
  };
  if (options.map) {
    // The dissolved station outlines are already made for stations.geojson: the map reuses them.
    const stationGeometries = new Map<string, MultiPolygonCoords>(stations.features.map((f) => [f.id!, f.geometry.coordinates as MultiPolygonCoords]));
    files['map.svg'] = makePlanMapSvg(outcome, dataset.committees, { title, stationGeometries });
  }
  // summary.json last: its presence says the set is complete.
  files['summary.json'] = JSON.stringify(outcome.summary, null, 2) + '\n';
  return files;
}

function finish(outcome: PlanOutcome, dataset: Dataset, outDir: string, title: string, options: PlanCommandOptions): number {
  const committees = outcome.stations.reduce((n, s) => n + s.committeeIds.length, 0);
  const files = makePlanFiles(outcome, dataset, title, { map: options.map ?? committees <= MAP_AUTO_COMMITTEES });
  writeFilesAtomically(outDir, files);
  if (options.json) process.stdout.write(JSON.stringify(outcome.summary, null, 2) + '\n');
  else if (!options.quiet) process.stdout.write(formatPlanReport(outcome, !!process.stdout.isTTY) + '\n');
  process.stderr.write(`wrote ${outDir}/{${Object.keys(files).join(',')}}\n`);
  return outcome.fatal ? EXIT.fatal : EXIT.ok;
}

export async function runPlan(scenarioArg: string, options: PlanCommandOptions): Promise<number> {
  const loaded = loadScenario(scenarioArg);
  const engines = await loadEngines();
  const ctx = makePlanContext(loaded.dataset, loaded.scenario);
  const outcome = solvePlan(ctx, engines, (p) => {
    if (process.stderr.isTTY && ctx.offices.length > 1) process.stderr.write(`\r\x1b[Ksolving ${p.done}/${p.total} ${p.streetOffice}`);
  });
  if (process.stderr.isTTY && ctx.offices.length > 1) process.stderr.write('\r\x1b[K');
  const outDir = resolve(options.out ?? join('out', loaded.scenario.name));
  return finish(outcome, loaded.dataset, outDir, `${loaded.scenario.name} 社区工作站整合方案`, options);
}

export async function runEvaluate(scenarioArg: string, planPath: string, options: PlanCommandOptions): Promise<number> {
  const loaded = loadScenario(scenarioArg);
  const hand = loadHandPlan(planPath, loaded.dataset);
  const ctx = makePlanContext(loaded.dataset, loaded.scenario);
  const outcome = evaluatePlan(ctx, hand.stations);
  const outDir = resolve(options.out ?? join('out', `${loaded.scenario.name}-${basename(planPath).replace(/\.json$/i, '')}`));
  return finish(outcome, loaded.dataset, outDir, hand.name, options);
}
