/**
 * Opens the store: PostgreSQL when a database URL is given, else embedded PGlite in `dataDir`
 * (in memory when neither is given). Runs the migrations before returning.
 */
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPgliteThread } from './pglite-thread.js';
import { makeStore } from './sql.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** PGlite data folder (created when missing). Ignored when `databaseUrl` is set. [in memory] */
  dataDir?: string;
  /** `postgres://…`; the server engine. [process.env.DATABASE_URL is NOT read here: pass it] */
  databaseUrl?: string;
  /** PostgreSQL only: work in this schema (tests use a throw-away one). [search_path as configured] */
  schema?: string;
  /**
   * Embedded only: a prepared, closed data folder that a new `dataDir` starts as a copy of
   * (see server/prepare.ts). [none: a new folder runs initdb and every migration]
   */
  template?: string;
  /**
   * Embedded only: run the database in a worker thread (server/store/pglite-thread.ts), so that
   * its work does not block this thread's event loop (the server does). [false: in this thread]
   */
  thread?: boolean;
  /**
   * Embedded in a thread only: how long one statement may hold the database thread before it is
   * taken for hung, and the database reopened (see server/store/pglite-thread.ts), ms; 10 s at most
   * while the disk has less than 16 MiB free. [600000]
   */
  hangMs?: number;
}

/**
 * @example
 * const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: '.yizhan/db' });
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const url = options.databaseUrl;
  const db: Db = url !== undefined && url !== ''
    // pg is loaded only when asked for: the embedded start need not pay for it
    ? await (await import('./pg.js')).openPg(url, options.schema !== undefined ? { schema: options.schema } : {})
    : options.thread
      ? await openPgliteThread(options.dataDir, { ...(options.template !== undefined ? { template: options.template } : {}), ...(options.hangMs !== undefined ? { hangMs: options.hangMs } : {}) })
      : await openPglite(options.dataDir, options.template !== undefined ? { template: options.template } : {});
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return makeStore(db);
}
