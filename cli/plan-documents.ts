/**
 * plan.docx (the 方案, GB/T 9704 layout) and plan.xlsx of a plan: the one place they are built,
 * in the calling thread (`makePlanDocumentFiles`) or in a worker thread that `yizhan plan` and
 * `evaluate` start at their very start (`startPlanDocumentsWorker`), so that loading the renderers
 * and building both files run on the other core while the plan is read, solved and its other
 * files made. Either way the files are the same (tests compare them).
 */
import type { Committee, Dataset } from '../geo/types.js';
import type { PlanDocumentSettings } from '../render/plan-document.js';
import { makeDocumentSettings } from '../scenarios/defaults.js';
import { startWorker } from '../scenarios/start-worker.js';
import { makeOutcome, type PlanOutcome } from '../solver/outcome.js';
import type { PlanSummary, Rules } from '../solver/types.js';
import type { LoadedScenario } from './load.js';

/** What the documents read besides the outcome: plain data (it crosses to the worker). */
export interface PlanDocumentData {
  committees: readonly Committee[];
  datasetName: string;
  rules: Rules;
  settings: PlanDocumentSettings;
  /** Headers of plan.xlsx. */
  lang: 'zh' | 'en';
}

/**
 * The renderers, loaded on first use: `yizhan batch` and the solver workers never load them.
 */
export function loadDocumentRenderers() {
  return Promise.all([import('../render/docx.js'), import('../render/plan-document.js'), import('../render/xlsx.js')]);
}

export function makePlanDocumentData(dataset: Dataset, loaded: Pick<LoadedScenario, 'file' | 'scenario'>, lang: 'zh' | 'en' = 'zh'): PlanDocumentData {
  return { committees: dataset.committees, datasetName: dataset.name, rules: loaded.scenario.rules, settings: makeDocumentSettings(loaded.file), lang };
}

/** plan.docx and plan.xlsx, by file name. */
export async function makePlanDocumentBuffers(outcome: PlanOutcome, data: PlanDocumentData): Promise<Record<string, Buffer>> {
  const [{ makeDocx }, { makePlanDocument }, { makePlanXlsx }] = await loadDocumentRenderers();
  const doc = makePlanDocument({ outcome, committees: data.committees, datasetName: data.datasetName, rules: data.rules, settings: data.settings });
  return { 'plan.docx': await makeDocx(doc), 'plan.xlsx': await makePlanXlsx({ outcome, committees: data.committees, rules: data.rules, lang: data.lang }) };
}

/** plan.docx and plan.xlsx of a plan, by file name, built in this thread. */
export async function makePlanDocumentFiles(outcome: PlanOutcome, dataset: Dataset, loaded: Pick<LoadedScenario, 'file' | 'scenario'>, lang: 'zh' | 'en' = 'zh'): Promise<Record<string, Buffer>> {
  return makePlanDocumentBuffers(outcome, makePlanDocumentData(dataset, loaded, lang));
}

/** The outcome the worker rebuilds from a summary (an outcome holds a function: it cannot be posted). */
export function makePlanDocumentBuffersFromSummary(summary: PlanSummary, data: PlanDocumentData): Promise<Record<string, Buffer>> {
  return makePlanDocumentBuffers(makeOutcome(summary, data.committees), data);
}

/** Messages to the worker (cli/documents-worker.ts), in this order, and its one answer. */
export type DocumentsRequest = { data: PlanDocumentData } | { summary: PlanSummary };
export type DocumentsAnswer = { files: Record<string, Uint8Array> } | { error: string };

/** A worker thread building one plan's documents; it loads the renderers as soon as it starts. */
export interface PlanDocumentsWorker {
  /** Sends what the documents read besides the outcome (as soon as the dataset is loaded). */
  prepare(data: PlanDocumentData): void;
  /**
   * The documents of this plan (after `prepare`). Rejects with a message naming the documents if
   * the worker fails or stops, never hangs.
   */
  build(summary: PlanSummary): Promise<Record<string, Uint8Array>>;
  /** Stops the worker (on every path: a running worker keeps the process alive). Idempotent. */
  close(): Promise<void>;
}

export function startPlanDocumentsWorker(): PlanDocumentsWorker {
  const worker = startWorker(import.meta.url, './documents-worker');
  let failure: Error | undefined;
  let pending: { resolve: (files: Record<string, Uint8Array>) => void; reject: (e: Error) => void } | undefined;
  let closed = false;
  const fail = (message: string): void => {
    failure ??= new Error(`cannot make plan.docx and plan.xlsx: ${message}`);
    pending?.reject(failure);
    pending = undefined;
  };
  worker.on('message', (answer: DocumentsAnswer) => {
    if ('error' in answer) fail(answer.error);
    else {
      pending?.resolve(answer.files);
      pending = undefined;
    }
  });
  worker.on('error', (e) => fail(e.message ?? String(e)));
  worker.on('exit', (code) => fail(closed ? 'the documents worker was stopped' : `the documents worker stopped (exit code ${code})`));
  return {
    prepare(data) {
      if (!failure) worker.postMessage({ data } satisfies DocumentsRequest);
    },
    build(summary) {
      const made = new Promise<Record<string, Uint8Array>>((resolve, reject) => {
        if (failure) return reject(failure);
        if (pending) return reject(new Error('cannot make plan.docx and plan.xlsx: the documents worker builds one plan'));
        pending = { resolve, reject };
        worker.postMessage({ summary } satisfies DocumentsRequest);
      });
      made.catch(() => undefined); // awaited by the caller, who may throw before it does
      return made;
    },
    async close() {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}
