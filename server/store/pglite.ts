/**
 * The embedded engine: PGlite (Postgres in WebAssembly) with PostGIS, persisted in a data folder
 * (in memory when none is given). PGlite has one connection: it runs queries and transactions one
 * at a time (its own exclusive lock), so concurrent transactions of this process serialize.
 */
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Db, Sql } from './db.js';
import { lockDataFolder } from './folder-lock.js';

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
 * Opens PGlite with the PostGIS extension loaded (not yet created: see migrations).
 *
 * @param [dataDir] - folder holding the database; created when missing; in memory when absent
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const release = dataDir === undefined ? () => {} : lockDataFolder(dataDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir, { extensions: { postgis } });
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
