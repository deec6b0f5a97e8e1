/**
 * The server engine: PostgreSQL with PostGIS through a `pg` Pool. A transaction holds one client
 * from BEGIN to COMMIT (or ROLLBACK); row locks (`FOR UPDATE`) serialize concurrent transitions.
 */
import pg from 'pg';
import type { Db, Sql } from './db.js';

interface Client {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

function wrap(c: Client): Sql {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      const r = params && params.length > 0 ? await c.query(text, [...params]) : await c.query(text);
      return r.rows as T[];
    },
    async exec(text: string): Promise<void> {
      await c.query(text);
    },
  };
}

/**
 * Opens a Pool on `databaseUrl`.
 *
 * @param databaseUrl - `postgres://user@host:port/db`
 * @param [options.schema] - work in this schema (created when missing; PostGIS stays reachable in
 *   `public`): lets tests use a throw-away schema of a shared database
 * @param [options.max=10] - pool size
 */
export async function openPg(databaseUrl: string, options: { schema?: string; max?: number } = {}): Promise<Db> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`openPg: schema "${schema}" must be a lower-case SQL identifier`);
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema},public` } : {}),
  });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const base = wrap(pool);
  return {
    engine: 'pg',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // a client whose ROLLBACK fails is discarded rather than returned to the pool
        await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
