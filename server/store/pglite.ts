/**
 * The embedded engine: PGlite (Postgres in WebAssembly) with PostGIS, persisted in a data folder
 * (in memory when none is given). PGlite has one connection: it runs queries and transactions one
 * at a time (its own exclusive lock), so concurrent transactions of this process serialize.
 *
 * A new data folder is a copy of a prepared template when one is given (initdb and
 * `CREATE EXTENSION postgis` take most of a minute on a busy machine; a copy takes a moment).
 *
 * PostGIS is loaded after the database opens (server/store/postgis-bundle.ts), so that a start
 * does not wait for it: `loadDeferred()` starts the load (the server calls it once it listens),
 * and a query or transaction that needs PostGIS before it is loaded starts it, waits for it and
 * runs again. A statement that fails so has changed nothing (PostgreSQL rolls it back, and a
 * transaction is rolled back whole), so running it again is safe.
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Db, Sql } from './db.js';
import { LOCK_FILE, lockDataFolder } from './folder-lock.js';
import { isPostgisMissing, loadPostgis } from './postgis-bundle.js';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/** `onMissing` hears of each statement that failed for want of PostGIS (the error is rethrown). */
function wrap(q: Queryable, onMissing: () => void = () => {}): Sql {
  const noticing = async <R>(run: () => Promise<R>): Promise<R> => {
    try {
      return await run();
    } catch (e) {
      if (isPostgisMissing(e)) onMissing();
      throw e;
    }
  };
  return {
    query: <T>(text: string, params: readonly unknown[] = []) => noticing(async () => (await q.query<T>(text, [...params])).rows),
    exec: (text: string) => noticing(async () => { await q.exec(text); }),
  };
}

/**
 * Fills a new data folder (no PG_VERSION yet) from `template`, PG_VERSION last: PGlite takes a
 * folder with PG_VERSION for a database, so a copy cut short is copied again next time.
 * @returns whether it copied
 */
function copyTemplate(template: string, dataDir: string): boolean {
  if (existsSync(join(dataDir, 'PG_VERSION')) || !existsSync(join(template, 'PG_VERSION'))) return false;
  for (const entry of readdirSync(template)) {
    if (entry === 'PG_VERSION' || entry === LOCK_FILE) continue;
    cpSync(join(template, entry), join(dataDir, entry), { recursive: true, force: true });
  }
  cpSync(join(template, 'PG_VERSION'), join(dataDir, 'PG_VERSION'));
  return true;
}

/**
 * Opens PGlite; PostGIS is loaded later (see above), or now for a folder that holds no database
 * yet (its migrations create the extension).
 *
 * @param [dataDir] - folder holding the database; created when missing; in memory when absent
 * @param [options.template] - a closed data folder to copy into `dataDir` when that holds no
 *   database yet (under the folder's lock); ignored in memory
 * @param [options.lockHeld] - the caller holds the folder's lock (the owner of the database
 *   thread, which keeps it across reopens): neither taken nor released here
 */
export async function openPglite(dataDir?: string, options: { template?: string; lockHeld?: boolean } = {}): Promise<Db> {
  const release = dataDir === undefined || options.lockHeld ? () => {} : lockDataFolder(dataDir);
  let pg: PGlite;
  let postgis: Promise<void> | undefined;
  const loadDeferred = (): Promise<void> => {
    postgis ??= loadPostgis(pg);
    return postgis;
  };
  try {
    if (dataDir !== undefined && options.template !== undefined) copyTemplate(options.template, dataDir);
    const isNew = dataDir === undefined || !existsSync(join(dataDir, 'PG_VERSION'));
    // loaded here: a server whose database runs in its own thread never loads PGlite in this one
    const { PGlite } = await import('@electric-sql/pglite');
    pg = await PGlite.create(dataDir);
    if (isNew) await loadDeferred();
  } catch (e) {
    release();
    throw e;
  }
  /** Runs `run`; when it failed for want of PostGIS, loads PostGIS and runs it once more. */
  const withPostgis = async <R>(run: (onMissing: () => void) => Promise<R>): Promise<R> => {
    let missing = false;
    try {
      return await run(() => { missing = true; });
    } catch (e) {
      if (!missing && !isPostgisMissing(e)) throw e;
      await loadDeferred();
      return run(() => {});
    }
  };
  return {
    engine: 'pglite',
    query: <T>(text: string, params?: readonly unknown[]) => withPostgis((onMissing) => wrap(pg, onMissing).query<T>(text, params)),
    exec: (text: string) => withPostgis((onMissing) => wrap(pg, onMissing).exec(text)),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => withPostgis((onMissing) => pg.transaction((tx) => fn(wrap(tx, onMissing)))),
    loadDeferred,
    close: async () => {
      try {
        await postgis?.catch(() => {}); // a load in flight writes into the module being closed
        await pg.close();
      } finally {
        release();
      }
    },
  };
}
