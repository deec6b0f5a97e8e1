/**
 * A small pool of worker threads for the CPU-heavy steps of requests (server/tasks.ts), so that no
 * request holds the event loop: `/health` and reads keep answering while an upload is validated, a
 * plan's adjacency is computed or a large export is built. The solver has its own pool
 * (scenarios/solve-pool.ts); both are sized by the machine. Workers start on the first task; a
 * worker that dies fails its task and is replaced.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../scenarios/start-worker.js';
import { fromWireError, type WireError } from './store/pglite-thread.js';
import { TASKS, type TaskInput, type TaskName, type TaskOutput } from './tasks.js';

export interface TaskPool {
  /** Worker threads (0: tasks run in this thread, on a later turn of the event loop). */
  readonly workers: number;
  run<K extends TaskName>(name: K, input: TaskInput<K>): Promise<TaskOutput<K>>;
  /** Stops the workers; tasks in flight reject. Idempotent. */
  close(): Promise<void>;
}

export class TaskPoolClosedError extends Error {
  override name = 'TaskPoolClosedError';
  constructor() {
    super('the task pool was closed');
  }
}

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; inFlight: Map<number, Pending> }

/**
 * @param [options.workers=min(2, os.availableParallelism())] worker threads; 0 runs tasks inline
 * @example const tasks = makeTaskPool(); const report = await tasks.run('readUpload', input); await tasks.close();
 */
export function makeTaskPool(options: { workers?: number } = {}): TaskPool {
  const count = options.workers ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(count) || count < 0) throw new Error(`makeTaskPool: workers must be an integer ≥ 0, got ${String(count)}`);
  let closed = false;
  if (count === 0) {
    return {
      workers: 0,
      run: (name, input) => {
        if (closed) return Promise.reject(new TaskPoolClosedError());
        return new Promise((resolve, reject) => {
          setImmediate(() => { void (async () => (TASKS[name] as (i: unknown) => unknown)(input))().then(resolve as (v: unknown) => void, reject); });
        });
      },
      close: async () => { closed = true; },
    };
  }
  const slots: Slot[] = [];
  let nextId = 0;
  let turn = 0;
  const makeSlot = (): Slot => {
    const slot: Slot = { worker: startWorker(import.meta.url, './task-worker'), inFlight: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (m: { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError }) => {
      const p = slot.inFlight.get(m.id);
      if (!p) return;
      slot.inFlight.delete(m.id);
      if (slot.inFlight.size === 0) slot.worker.unref();
      if (m.ok) p.resolve(m.result);
      else p.reject(fromWireError(m.error));
    });
    const fail = (error: Error): void => {
      for (const p of slot.inFlight.values()) p.reject(error);
      slot.inFlight.clear();
      const k = slots.indexOf(slot);
      if (k >= 0 && !closed) slots[k] = makeSlot();
    };
    slot.worker.on('error', (e) => fail(new Error(`a task worker failed: ${e.message}`)));
    slot.worker.on('exit', (code) => fail(new Error(`a task worker exited (${code})`)));
    return slot;
  };
  return {
    workers: count,
    run(name, input) {
      if (closed) return Promise.reject(new TaskPoolClosedError());
      while (slots.length < count) slots.push(makeSlot());
      // the least busy worker (ties: in turn)
      turn = (turn + 1) % count;
      let slot = slots[turn]!;
      for (const s of slots) if (s.inFlight.size < slot.inFlight.size) slot = s;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        slot.inFlight.set(id, { resolve: resolve as (v: unknown) => void, reject });
        slot.worker.ref();
        slot.worker.postMessage({ id, name, input });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const all = slots.splice(0);
      for (const s of all) for (const p of s.inFlight.values()) p.reject(new TaskPoolClosedError());
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
