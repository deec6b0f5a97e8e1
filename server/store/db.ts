/**
 * The small surface an engine gives the store: parameterised queries, multi-statement scripts and
 * transactions. PGlite (embedded) and `pg` (server) each implement it; everything above is shared SQL.
 */

/** A connection, or a transaction on one. Parameters are `$1, $2 …`; pass objects and arrays as JSON text. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Run a script of several statements (no parameters). */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly engine: 'pglite' | 'pg';
  /** BEGIN … COMMIT on one connection; ROLLBACK and rethrow when `fn` throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Starts (or joins) what the engine left for later at open (PGlite: loading PostGIS). [nothing to do] */
  loadDeferred?(): Promise<void>;
  close(): Promise<void>;
}
