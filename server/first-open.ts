/**
 * Opening the store for use, the same for every command (`serve`, `token create`): a new embedded
 * data folder starts as a copy of the prepared template (server/prepare.ts) when there is a
 * current one; an empty store gets the built-in luohu-2006 dataset and its scenario; and the first
 * opening of an embedded folder, by whichever command, makes an admin token and prints it once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { issueToken } from './auth.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';
import { builtinScenarioDir, currentTemplate } from './template.js';

/**
 * Loads the built-in luohu-2006 dataset and its scenario into an empty store (one transaction).
 * @returns the ids, or null when the store already holds a dataset
 */
export async function seedBuiltinDataset(store: Store): Promise<{ datasetId: string; scenarioId: string } | null> {
  if ((await store.listDatasets()).length > 0) return null;
  const { readCommittees } = await import('../geo/ingest.js'); // only for an empty store
  const dir = builtinScenarioDir();
  const file = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as Record<string, unknown> & { name: string; dataset: string };
  const report = readCommittees(JSON.parse(readFileSync(resolve(dir, file.dataset), 'utf8')), { name: file.name });
  if (!report.dataset) throw new Error(`the built-in dataset ${file.name} has ${report.fatal} fatal problem(s)`);
  const dataset = report.dataset;
  const { dataset: _path, mapping: _mapping, crs: _crs, ...body } = file;
  return store.transaction(async (tx) => {
    const ds = await tx.createDataset({ name: file.name, committees: dataset.committees, meta: { source: 'built-in', builtin: file.name } });
    const sc = await tx.createScenario({ datasetId: ds.id, name: file.name, body });
    return { datasetId: ds.id, scenarioId: sc.id };
  });
}

export interface OpenForUseOptions {
  /** `postgres://…` selects PostgreSQL. [none: the embedded data folder] */
  databaseUrl?: string;
  /** The embedded data folder. ['.data'] */
  dataDir?: string;
  /** Where the one-time `admin token: …` line goes. [process.stdout] */
  out?: { write(text: string): unknown };
  /** Embedded only: the database in a worker thread (see OpenStoreOptions.thread). [false] */
  thread?: boolean;
}

export interface OpenedStore {
  store: Store;
  /** The admin token made (and printed) by this opening: the folder's first. Else null. */
  adminToken: string | null;
}

/**
 * Opens the store, seeds it when empty and, on the first opening of an embedded folder (it holds
 * no token yet), makes an admin token and writes `admin token: <token>` to `out`. On PostgreSQL no
 * token is made: the first admin token comes from `yizhan token create --role admin`.
 * @example const { store, adminToken } = await openForUse({ dataDir: '.data', out: process.stderr });
 */
export async function openForUse(options: OpenForUseOptions = {}): Promise<OpenedStore> {
  const useServer = options.databaseUrl !== undefined && options.databaseUrl !== '';
  const dataDir = options.dataDir ?? '.data';
  const template = useServer || existsSync(join(dataDir, 'PG_VERSION')) ? undefined : currentTemplate();
  const store = await openStore(useServer
    ? { databaseUrl: options.databaseUrl! }
    : { dataDir, ...(template !== undefined ? { template } : {}), ...(options.thread ? { thread: true } : {}) });
  try {
    const firstOpening = !useServer && (await store.listTokens()).length === 0;
    await seedBuiltinDataset(store);
    let adminToken: string | null = null;
    if (firstOpening) {
      adminToken = (await issueToken(store, { role: 'admin', label: 'first start' })).token;
      (options.out ?? process.stdout).write(`admin token: ${adminToken}\n`);
    }
    return { store, adminToken };
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
}
