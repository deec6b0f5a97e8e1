/**
 * The embedded engine in its own worker thread: PGlite runs Postgres in WebAssembly on the thread
 * that calls it, so a large insert (a 50,000-committee upload: tens of seconds of PostGIS work) or
 * read held the server's event loop, and every other request waited. Here the database lives in a
 * worker (server/store/pglite-worker.ts, which opens it with `openPglite`) and this side forwards
 * the same `Db` surface as messages: queries, scripts, and transactions (BEGIN in the worker, the
 * statements of `fn` as they come, COMMIT or ROLLBACK when `fn` settles). PGlite's one connection
 * still serializes everything, as before; only the waiting no longer blocks.
 *
 * PostGIS is loaded after the database opens (server/store/pglite.ts): a single statement that
 * needs it first is run again by the worker once it is loaded; a transaction in which a statement
 * failed for want of it is rolled back and run again whole, once it is loaded, from this side
 * (which has `fn`), as openPglite does in one thread. So a start's transactions (the migrations,
 * the first admin token) need not wait for PostGIS.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../scenarios/start-worker.js';
import type { Db, Sql } from './db.js';
import { isPostgisMissing } from './postgis-bundle.js';
import { StoreError } from './types.js';

/** An error as it crosses the thread boundary: its name, message and own plain fields. */
export interface WireError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export function toWireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v)) fields[k] = v;
    else if (k === 'details') { try { fields[k] = structuredClone(v); } catch { /* not cloneable: dropped */ } }
  }
  return { name: e.name, message: e.message, fields };
}

export function fromWireError(w: WireError): Error {
  if (w.name === 'StoreError') {
    const f = w.fields as { code: string; status: number; field?: string; details?: unknown };
    return new StoreError(f.code, f.status, w.message, f.field, f.details);
  }
  const e = new Error(w.message);
  Object.assign(e, w.fields);
  e.name = w.name;
  return e;
}

/** What this side sends; the worker answers `{ id, ok: true, result }` or `{ id, ok: false, error }`. */
export type PgliteRequest =
  | { id: number; op: 'query'; text: string; params: unknown[]; tx?: number }
  | { id: number; op: 'exec'; text: string; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'loadDeferred' }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type PgliteAnswer = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: WireError };

/**
 * Opens PGlite (with PostGIS) in a worker thread; the same arguments as `openPglite`.
 * @param [dataDir] - the data folder; in memory when absent
 * @param [options.template] - a prepared data folder a new `dataDir` starts as a copy of
 */
export async function openPgliteThread(dataDir?: string, options: { template?: string } = {}): Promise<Db> {
  const worker: Worker = startWorker(import.meta.url, './pglite-worker', { workerData: { dataDir, options } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let broken: Error | undefined;
  const failAll = (error: Error): void => {
    broken ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker.unref();
  };
  worker.on('message', (m: PgliteAnswer) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.ok) p.resolve(m.result);
    else p.reject(fromWireError(m.error));
  });
  worker.on('error', (e) => failAll(new Error(`the embedded database stopped: ${e.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the embedded database thread exited (${code})`)));
  // the thread keeps the process alive only while it owes an answer (as an in-process PGlite does)
  const call = <T>(request: WithoutId<PgliteRequest>): Promise<T> => {
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  };
  /** `onMissing` hears of each statement that failed for want of PostGIS (the error is rethrown). */
  const sql = (tx?: number, onMissing: () => void = () => {}): Sql => {
    const noticing = <R>(p: Promise<R>): Promise<R> => p.catch((e: unknown) => {
      if (isPostgisMissing(e)) onMissing();
      throw e;
    });
    return {
      query: <T>(text: string, params: readonly unknown[] = []) =>
        noticing(call<T[]>({ op: 'query', text, params: [...params], ...(tx !== undefined ? { tx } : {}) })),
      exec: (text: string) => noticing(call<void>({ op: 'exec', text, ...(tx !== undefined ? { tx } : {}) })),
    };
  };
  const runTransaction = async <T>(fn: (tx: Sql) => Promise<T>, onMissing: () => void): Promise<T> => {
    const tx = await call<number>({ op: 'begin' });
    let result: T;
    try {
      result = await fn(sql(tx, onMissing));
    } catch (e) {
      await call({ op: 'rollback', tx }).catch(() => {});
      throw e;
    }
    await call({ op: 'commit', tx });
    return result;
  };
  // the worker answers the first message once the database is open (or with the error that stopped it)
  await call<void>({ op: 'query', text: 'SELECT 1', params: [] }).catch(async (e: Error) => {
    await worker.terminate();
    throw e;
  });
  const base = sql();
  let closing: Promise<void> | undefined;
  return {
    engine: 'pglite',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      let missing = false;
      try {
        return await runTransaction(fn, () => { missing = true; });
      } catch (e) {
        // rolled back whole: nothing of it is stored; run again once PostGIS is there
        if (!missing && !isPostgisMissing(e)) throw e;
        await call<void>({ op: 'loadDeferred' });
        return runTransaction(fn, () => {});
      }
    },
    loadDeferred: () => call<void>({ op: 'loadDeferred' }),
    close() {
      closing ??= (async () => {
        if (!broken) await call({ op: 'close' }).catch(() => {});
        await worker.terminate();
      })();
      return closing;
    },
  };
}
