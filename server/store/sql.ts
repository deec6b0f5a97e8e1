/**
 * The Store over any engine: one set of SQL for PGlite and PostgreSQL, one module per resource
 * (datasets, scenarios, plans with their history and opinions, tokens, jobs). Objects and arrays
 * travel as JSON text parameters (`$n::jsonb`) so both drivers see the same thing.
 */
import type { Db, Sql } from './db.js';
import { makeDatasetOps } from './datasets.js';
import { makeJobOps } from './jobs.js';
import { makePlanOps } from './plans.js';
import type { InTx } from './rows.js';
import { makeScenarioOps } from './scenarios.js';
import { makeTokenOps } from './tokens.js';
import type { Store, StoreOps } from './types.js';

function makeOps(db: Sql, inTx: InTx, topLevel = false): StoreOps {
  return {
    ...makeDatasetOps(db, inTx, topLevel),
    ...makeScenarioOps(db, inTx),
    ...makePlanOps(db, inTx),
    ...makeTokenOps(db, inTx),
    ...makeJobOps(db, inTx),
  };
}

/**
 * Builds the Store over an open, migrated engine. Each write method runs in its own transaction;
 * `store.transaction(fn)` hands `fn` the same methods bound to one transaction.
 */
export function makeStore(db: Db): Store {
  const ops = makeOps(db, (fn) => db.transaction(fn), true);
  return {
    ...ops,
    engine: db.engine,
    transaction: <T>(fn: (tx: StoreOps) => Promise<T>) =>
      db.transaction((tx) => fn(makeOps(tx, (inner) => inner(tx)))),
    query: <T = Record<string, unknown>>(text: string, params?: readonly unknown[]) => db.query<T>(text, params),
    loadDeferred: async () => { await db.loadDeferred?.(); },
    close: () => db.close(),
  };
}
