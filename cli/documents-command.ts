/**
 * `yizhan documents <dir>`: plan.docx (the 方案), plan.xlsx and plan.zh.md of a plan already written to `dir`
 * (by `yizhan plan`, `evaluate` or a `batch` variation), from its summary.json and the scenario it
 * names (or `--scenario`): the document block, rules and dataset come from that scenario (plan.zh.md
 * is rewritten so that its title stays that of plan.docx). For
 * redrawing the documents after editing the scenario's `document` block, without solving again,
 * and for the variations of a batch (which writes no documents).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makePlanMarkdown } from '../render/export.js';
import { makePlanTitle } from '../scenarios/defaults.js';
import { makeOutcome } from '../solver/outcome.js';
import type { PlanSummary } from '../solver/types.js';
import { InputError } from './errors.js';
import { loadScenario, readJsonFile, type LoadedScenario } from './load.js';
import { makePlanDocumentFiles } from './plan-documents.js';
import { writeFilesAtomically } from './write.js';

export interface DocumentsCommandOptions {
  /** The scenario (file or built-in name) instead of the one summary.json names. */
  scenario?: string;
  /** Language of plan.xlsx's headers. ['zh'] */
  lang?: 'zh' | 'en';
}

/** summary.json of `dir`, checked enough to draw documents from. */
function readSummary(dir: string): PlanSummary {
  const path = join(dir, 'summary.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`no folder ${dir}: give the output folder of yizhan plan, evaluate or a batch variation`);
  if (!existsSync(path)) throw new InputError(`no summary.json in ${dir}: give the output folder of yizhan plan, evaluate or a batch variation`);
  const summary = readJsonFile(path, 'plan summary') as Partial<PlanSummary> | null;
  const offices = summary?.streetOffices;
  if (typeof summary?.scenario !== 'string' || !Array.isArray(offices) || !offices.every((o) => typeof o?.name === 'string' && Array.isArray(o.stations))
    || typeof summary.checks !== 'object' || !Array.isArray(summary.checks?.violations)) {
    throw new InputError(`${path} is not a plan summary (summary.json of yizhan plan): it needs scenario, streetOffices[].stations and checks`);
  }
  return summary as PlanSummary;
}

export async function runDocuments(dirArg: string, options: DocumentsCommandOptions = {}): Promise<number> {
  const dir = resolve(dirArg);
  const summary = readSummary(dir);
  let loaded: LoadedScenario;
  try {
    loaded = await loadScenario(options.scenario ?? summary.scenario);
  } catch (e) {
    if (options.scenario !== undefined || !(e instanceof InputError)) throw e;
    throw new InputError(`summary.json names scenario "${summary.scenario}", which cannot be loaded: give it with --scenario FILE`, [e.message, ...e.details]);
  }
  const outcome = makeOutcome(summary, loaded.dataset.committees);
  const known = new Set(loaded.dataset.committees.map((c) => c.id));
  const missing = outcome.stations.flatMap((s) => s.committeeIds).filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new InputError(`the plan in ${dir} does not fit the dataset of scenario ${loaded.path}: ${missing.length} committee(s) unknown there`, [
      `unknown committee ids: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      'give the scenario the plan was made with: --scenario FILE',
    ]);
  }
  if ('whatif' in summary) {
    process.stderr.write(`note: a batch variation; the documents take the rules of ${loaded.path}, not the variation's grid values\n`);
  }
  const files: Record<string, string | Uint8Array> = {
    'plan.zh.md': makePlanMarkdown(outcome, makePlanTitle(loaded.file, loaded.dataset.name)),
    ...(await makePlanDocumentFiles(outcome, loaded.dataset, loaded, options.lang ?? 'zh')),
  };
  writeFilesAtomically(dir, files);
  process.stderr.write(`wrote ${dir}/{${Object.keys(files).join(',')}}\n`);
  return 0;
}
