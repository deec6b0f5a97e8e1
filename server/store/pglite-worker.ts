/**
 * The worker thread of server/store/pglite-thread.ts: opens the embedded database with
 * `openPglite` (its folder lock and template included) and answers the requests one by one, as
 * PGlite's own queue orders them. A transaction is PGlite's `transaction`, held open until this
 * thread hears COMMIT or ROLLBACK.
 *
 * A ping is answered at once, from this thread's event loop: that it goes unanswered tells the
 * owner that one PGlite call has held the thread too long (hung). When PGlite itself has died (the
 * WebAssembly instance aborted or exited: a PANIC), the thread exits without answering; the owner
 * reopens the database in a new thread either way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { saveCodeCache } from '../../scenarios/code-cache.js';
import type { Db, Sql } from './db.js';
import { openPglite } from './pglite.js';
import { toWireError, type PgliteAnswer, type PgliteRequest } from './pglite-thread.js';

if (!parentPort) throw new Error('server/store/pglite-worker.ts runs only as a worker thread');
const port = parentPort;
const { dataDir, options } = workerData as { dataDir?: string; options: { template?: string; lockHeld?: boolean } };

/** Thrown inside PGlite's transaction to make it roll back (not an error of the caller's). */
const ROLLBACK = Symbol('rollback');
interface OpenTx { tx: Sql; end(commit: boolean): Promise<void> }
const transactions = new Map<number, OpenTx>();
const opening: Promise<Db> = openPglite(dataDir, options);
opening.catch(() => {}); // reported to the first request

/** Whether `e` means the WebAssembly instance is gone (abort, `exit`): no later call can work. */
function isFatal(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'RuntimeError' || name === 'ExitStatus';
}

function answer(id: number, work: () => Promise<unknown>): void {
  work().then(
    (result) => { saveCodeCache(); port.postMessage({ id, ok: true, result } satisfies PgliteAnswer); },
    (e: unknown) => {
      if (isFatal(e)) process.exit(70); // ends this thread only; its owner fails the request and reopens
      port.postMessage({ id, ok: false, error: toWireError(e) } satisfies PgliteAnswer);
    },
  );
}

let lastTx = 0;

/** Starts PGlite's transaction and resolves with its id once it has begun (PGlite's lock taken). */
function begin(db: Db): Promise<number> {
  const txId = ++lastTx;
  return new Promise<number>((started, failed) => {
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => { decide = resolve; });
    let begun = false;
    const done = db.transaction(async (tx) => {
      begun = true;
      transactions.set(txId, {
        tx,
        end: (commit) => {
          decide(commit);
          return done.then(() => {}, (e: unknown) => { if (e !== ROLLBACK) throw e; }).finally(() => transactions.delete(txId));
        },
      });
      started(txId);
      if (!(await decided)) throw ROLLBACK;
    });
    done.catch((e: unknown) => { if (!begun) failed(e); });
  });
}

port.on('message', (m: PgliteRequest) => {
  if (m.op === 'ping') {
    port.postMessage({ id: m.id, ok: true } satisfies PgliteAnswer);
    return;
  }
  answer(m.id, async () => {
    const db = await opening;
    const on = (tx: number | undefined): Sql => {
      if (tx === undefined) return db;
      const open = transactions.get(tx);
      if (!open) throw new Error(`no open transaction ${tx}`);
      return open.tx;
    };
    switch (m.op) {
      case 'query': return on(m.tx).query(m.text, m.params);
      case 'exec': return on(m.tx).exec(m.text);
      case 'loadDeferred': return db.loadDeferred?.();
      // a transaction does not wait for PostGIS: its statements come one by one from the other
      // thread, which runs the whole transaction again when one failed for want of it
      case 'begin': return begin(db);
      case 'commit': case 'rollback': {
        const open = transactions.get(m.tx);
        if (!open) throw new Error(`no open transaction ${m.tx}`);
        return open.end(m.op === 'commit');
      }
      case 'close': return db.close();
      default: throw new Error(`unknown request ${JSON.stringify(m)}`);
    }
  });
});
