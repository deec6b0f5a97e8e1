/**
 * The embedded engine: PGlite (Postgres in WebAssembly) with PostGIS, persisted in a data folder
 * (in memory when none is given). PGlite has one connection: it runs queries and transactions one
 * at a time (its own exclusive lock), so concurrent transactions of this process serialize.
 *
 * A new data folder is a copy of a prepared template when one is given (initdb and
 * `CREATE EXTENSION postgis` take most of a minute on a busy machine; a copy takes a moment).
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Sql } from './db.js';
import { LOCK_FILE, lockDataFolder } from './folder-lock.js';
import { postgisExtension } from './postgis-bundle.js';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

function wrap(q: Queryable): Sql {
  return {
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const r = await q.query<T>(text, [...params]);
      return r.rows;
    },
    async exec(text: string): Promise<void> {
      await q.exec(text);
    },
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
 * Opens PGlite with the PostGIS extension loaded (not yet created: see migrations).
 *
 * @param [dataDir] - folder holding the database; created when missing; in memory when absent
 * @param [options.template] - a closed data folder to copy into `dataDir` when that holds no
 *   database yet (under the folder's lock); ignored in memory
 */
export async function openPglite(dataDir?: string, options: { template?: string } = {}): Promise<Db> {
  const release = dataDir === undefined ? () => {} : lockDataFolder(dataDir);
  let pg: PGlite;
  try {
    if (dataDir !== undefined && options.template !== undefined) copyTemplate(options.template, dataDir);
    pg = await PGlite.create(dataDir, { extensions: { postgis: postgisExtension() } });
  } catch (e) {
    release();
    throw e;
  }
  const base = wrap(pg);
  return {
    engine: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => pg.transaction((tx) => fn(wrap(tx))),
    close: async () => {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}
