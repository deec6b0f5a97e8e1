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
import { statfsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../scenarios/start-worker.js';
import type { Db, Sql } from './db.js';
import { lockDataFolder } from './folder-lock.js';
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
  | { id: number; op: 'close' }
  | { id: number; op: 'ping' };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type PgliteAnswer = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: WireError };

export interface PgliteThreadOptions {
  /** A prepared data folder a new `dataDir` starts as a copy of. */
  template?: string;
  /**
   * How long one PGlite call may hold the thread before it is taken for hung and the database
   * reopened, ms; while the disk has less than a WAL segment free, at most `FULL_DISK_HANG_MS`. [600000]
   */
  hangMs?: number;
}

/** PostgreSQL's write-ahead-log segment: with less free than this, the disk counts as full. */
const WAL_SEGMENT_BYTES = 16 * 2 ** 20;
/** How often the thread is pinged while it owes an answer, ms. */
const PING_MS = 1000;
/** A new thread may take this long to load its modules and open PGlite (initdb, crash recovery), ms. */
const START_MS = 120_000;
/**
 * With less than a WAL segment free, a call silent this long is taken for hung, ms. The one hang
 * seen (PGlite spinning in XLogFlush) comes with a full disk; elsewhere a long silence is more
 * likely a long statement on a loaded machine, which is left alone for `hangMs`.
 */
const FULL_DISK_HANG_MS = 10_000;
/** Waits between reopening attempts (the last one repeats), ms. */
const RETRY_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** One database thread: it is replaced, never revived, when it dies or hangs. */
interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
  /** When it last answered anything (or began to owe an answer), ms. */
  heard: number;
  /** Whether it has answered a request yet (PGlite is open; a ping is answered while it opens). */
  started: boolean;
  /** Why it is gone. */
  dead?: string;
  pinger: NodeJS.Timeout;
}

/**
 * Opens PGlite (with PostGIS) in a worker thread; the same arguments as `openPglite`, and `hangMs`.
 * @param [dataDir] - the data folder; in memory when absent (not reopened then: nothing to reopen)
 */
export async function openPgliteThread(dataDir?: string, options: PgliteThreadOptions = {}): Promise<Db> {
  const hangMs = options.hangMs ?? 600_000;
  const isDiskFull = (): boolean => {
    const free = dataDir === undefined ? undefined : freeBytes(dataDir);
    return free !== undefined && free < WAL_SEGMENT_BYTES;
  };
  const release = dataDir === undefined ? () => {} : lockDataFolder(dataDir);
  const workerOptions = { ...(options.template !== undefined ? { template: options.template } : {}), lockHeld: true };
  let nextId = 0;
  let closed = false;
  let postgisAsked = false;
  let current: Thread;
  /** The reopening attempt in progress (a request waits for it), if any. */
  let attempt: Promise<void> | undefined;
  let retry: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  let failures = 0;

  /** The error of a request the database cannot take: 507 on a full disk, else 503 (storage-errors.ts). */
  const downError = (why: string): Error => {
    const free = dataDir === undefined ? undefined : freeBytes(dataDir);
    if (free !== undefined && free < WAL_SEGMENT_BYTES) {
      return Object.assign(new Error(`the embedded database ${why}; its disk has ${(free / 2 ** 20).toFixed(1)} MiB free: no space left on device`), { code: 'ENOSPC' });
    }
    return new Error(`the embedded database stopped (${why})${dataDir === undefined || closed ? '' : '; it is being reopened'}`);
  };

  const kill = (t: Thread, why: string): void => {
    if (t.dead !== undefined) return;
    t.dead = why;
    clearInterval(t.pinger);
    const error = downError(why);
    for (const p of t.pending.values()) p.reject(error);
    t.pending.clear();
    t.worker.unref();
    void t.worker.terminate(); // stops a busy loop in WebAssembly too
    if (t === current && !closed && dataDir !== undefined) scheduleReopen();
  };

  const spawn = (): Thread => {
    const worker: Worker = startWorker(import.meta.url, './pglite-worker', { workerData: { dataDir, options: workerOptions } });
    const t: Thread = {
      worker, pending: new Map(), heard: Date.now(), started: false,
      pinger: setInterval(() => {
        if (t.pending.size === 0) return;
        const silent = Date.now() - t.heard;
        const limit = t.started ? (isDiskFull() ? Math.min(hangMs, FULL_DISK_HANG_MS) : hangMs) : Math.max(hangMs, START_MS);
        if (silent > limit) kill(t, `did not answer for ${Math.round(silent / 1000)} s (hung)`);
        else worker.postMessage({ id: -1, op: 'ping' } satisfies PgliteRequest);
      }, PING_MS),
    };
    t.pinger.unref();
    worker.on('message', (m: PgliteAnswer) => {
      t.heard = Date.now();
      const p = t.pending.get(m.id);
      if (!p) return;
      t.started = true;
      t.pending.delete(m.id);
      if (t.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.result);
      else p.reject(fromWireError(m.error));
    });
    worker.on('error', (e) => kill(t, `its thread failed: ${e.message}`));
    worker.on('exit', (code) => kill(t, `its thread exited (${code})`));
    return t;
  };

  // the thread keeps the process alive only while it owes an answer (as an in-process PGlite does)
  const send = <T>(t: Thread, request: WithoutId<PgliteRequest>): Promise<T> => {
    if (t.dead !== undefined) return Promise.reject(downError(t.dead));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (t.pending.size === 0) t.heard = Date.now();
      t.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      t.worker.ref();
      t.worker.postMessage({ ...request, id });
    });
  };

  /** Opens the database in a new thread; it answers the first message once PGlite is open. */
  const start = async (): Promise<Thread> => {
    const t = spawn();
    try {
      await send<void>(t, { op: 'query', text: 'SELECT 1', params: [] });
    } catch (e) {
      clearInterval(t.pinger);
      t.dead ??= 'failed to open';
      await t.worker.terminate();
      throw e;
    }
    return t;
  };

  function scheduleReopen(): void {
    if (retry || attempt || closed) return;
    const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!;
    const timer = setTimeout(() => { retry = undefined; reopen(); }, wait);
    timer.unref();
    retry = { timer, wake: () => { clearTimeout(timer); retry = undefined; } };
  }

  function reopen(): void {
    if (closed || attempt) return;
    if (isDiskFull()) {
      // opening would replay the log and write a checkpoint: wait for room first
      scheduleReopen();
      return;
    }
    attempt = start().then((t) => {
      failures = 0;
      current = t;
      if (postgisAsked) send(t, { op: 'loadDeferred' }).catch(() => {});
    }, () => {
      failures++;
    }).finally(() => {
      attempt = undefined;
      if (current.dead !== undefined) scheduleReopen();
    });
  }

  /** The live thread, after the reopening in progress if any; throws while the database is down. */
  const live = async (): Promise<Thread> => {
    if (attempt) await attempt;
    if (closed) throw new Error('the embedded database stopped: the store is closed');
    if (current.dead !== undefined) throw downError(current.dead);
    return current;
  };
  const call = async <T>(request: WithoutId<PgliteRequest>): Promise<T> => send<T>(await live(), request);

  /** `onMissing` hears of each statement that failed for want of PostGIS (the error is rethrown). */
  const sql = (run: <T>(request: WithoutId<PgliteRequest>) => Promise<T>, tx?: number, onMissing: () => void = () => {}): Sql => {
    const noticing = <R>(p: Promise<R>): Promise<R> => p.catch((e: unknown) => {
      if (isPostgisMissing(e)) onMissing();
      throw e;
    });
    return {
      query: <T>(text: string, params: readonly unknown[] = []) =>
        noticing(run<T[]>({ op: 'query', text, params: [...params], ...(tx !== undefined ? { tx } : {}) })),
      exec: (text: string) => noticing(run<void>({ op: 'exec', text, ...(tx !== undefined ? { tx } : {}) })),
    };
  };
  const runTransaction = async <T>(fn: (tx: Sql) => Promise<T>, onMissing: () => void): Promise<T> => {
    // a transaction belongs to its thread: when that one is gone, so is the transaction
    const t = await live();
    const on = <R>(request: WithoutId<PgliteRequest>) => send<R>(t, request);
    const tx = await on<number>({ op: 'begin' });
    let result: T;
    try {
      result = await fn(sql(on, tx, onMissing));
    } catch (e) {
      await on({ op: 'rollback', tx }).catch(() => {});
      throw e;
    }
    await on({ op: 'commit', tx });
    return result;
  };

  try {
    current = await start();
  } catch (e) {
    release();
    throw e;
  }
  const base = sql(call);
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
    loadDeferred: () => {
      postgisAsked = true;
      return call<void>({ op: 'loadDeferred' });
    },
    close() {
      closing ??= (async () => {
        closed = true;
        retry?.wake();
        await attempt;
        const t = current;
        if (t.dead === undefined) await send(t, { op: 'close' }).catch(() => {});
        clearInterval(t.pinger);
        t.dead ??= 'closed';
        await t.worker.terminate();
        release();
      })();
      return closing;
    },
  };
}
