/**
 * Worker thread of the task pool (server/task-pool.ts): answers `{ id, name, input }` with
 * `{ id, ok: true, result }` or `{ id, ok: false, error }` (a StoreError keeps its code and status).
 */
import { parentPort } from 'node:worker_threads';
import { saveCodeCache } from '../scenarios/code-cache.js';
import { lowerThreadPriority } from '../scenarios/thread-priority.js';
import { toWireError } from './store/pglite-thread.js';
import { TASKS, type TaskName } from './tasks.js';

if (!parentPort) throw new Error('server/task-worker.ts runs only as a worker thread');
const port = parentPort;
lowerThreadPriority(); // requests on the main thread come first

port.on('message', (m: { id: number; name: TaskName; input: never }) => {
  void (async () => (TASKS[m.name] as (input: unknown) => unknown)(m.input))().then(
    (result) => { saveCodeCache(); port.postMessage({ id: m.id, ok: true, result }); },
    (e: unknown) => port.postMessage({ id: m.id, ok: false, error: toWireError(e) }),
  );
});
