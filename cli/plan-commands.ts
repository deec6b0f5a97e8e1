/** `yizhan plan` and `yizhan evaluate`: same pipeline, same outputs, same checks. */
import { join, resolve } from 'node:path';
import { basename } from 'node:path';
import type { Dataset } from '../geo/types.js';
import { makeCommitteesGeoJson, makePlanCsv, makePlanMarkdown, makeStationsGeoJson } from '../solver/export.js';
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
}

/** The five output files of a plan, by file name. */
export function makePlanFiles(outcome: PlanOutcome, dataset: Dataset, title: string): Record<string, string> {
  return {
    'stations.geojson': JSON.stringify(makeStationsGeoJson(outcome, dataset.committees)) + '\n',
    'committees.geojson': JSON.stringify(makeCommitteesGeoJson(outcome, dataset.committees)) + '\n',
    'plan.zh.md': makePlanMarkdown(outcome, title),
    'plan.csv': makePlanCsv(outcome),
    // summary.json last: its presence says the set is complete.
    'summary.json': JSON.stringify(outcome.summary, null, 2) + '\n',
  };
}

function finish(outcome: PlanOutcome, dataset: Dataset, outDir: string, title: string, options: PlanCommandOptions): number {
  writeFilesAtomically(outDir, makePlanFiles(outcome, dataset, title));
  if (options.json) process.stdout.write(JSON.stringify(outcome.summary, null, 2) + '\n');
  else if (!options.quiet) process.stdout.write(formatPlanReport(outcome, !!process.stdout.isTTY) + '\n');
  process.stderr.write(`wrote ${outDir}/{summary.json,stations.geojson,committees.geojson,plan.zh.md,plan.csv}\n`);
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
