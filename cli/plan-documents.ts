/**
 * plan.docx (the 方案, GB/T 9704 layout) and plan.xlsx of a plan: the one place they are built
 * (`yizhan plan`, `evaluate` and `documents`), in the calling thread, after the solve. They used
 * to be built in a worker thread started with the command, which paid while the docx and exceljs
 * packages were loaded for them; our own writers (render/docx.ts, render/xlsx.ts) build both in
 * less than a worker costs to start (BENCHMARKS.md, "Our own OOXML writers").
 */
import type { Dataset } from '../geo/types.js';
import { makeDocumentSettings } from '../scenarios/defaults.js';
import type { PlanOutcome } from '../solver/outcome.js';
import type { LoadedScenario } from './load.js';

/**
 * plan.docx and plan.xlsx of a plan, by file name. The renderers are loaded on first use:
 * `yizhan batch` and the solver workers never run them.
 */
export async function makePlanDocumentFiles(outcome: PlanOutcome, dataset: Dataset, loaded: Pick<LoadedScenario, 'file' | 'scenario'>, lang: 'zh' | 'en' = 'zh'): Promise<Record<string, Buffer>> {
  const [{ makeDocx }, { makePlanDocument }, { makePlanXlsx }] = await Promise.all([import('../render/docx.js'), import('../render/plan-document.js'), import('../render/xlsx.js')]);
  const { committees, name } = dataset;
  const rules = loaded.scenario.rules;
  const doc = makePlanDocument({ outcome, committees, datasetName: name, rules, settings: makeDocumentSettings(loaded.file) });
  return { 'plan.docx': await makeDocx(doc), 'plan.xlsx': await makePlanXlsx({ outcome, committees, rules, lang }) };
}
