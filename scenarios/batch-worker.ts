/**
 * Worker thread of the batch pool (scenarios/batch-pool.ts): loads the solver engines once, then
 * answers `{ id, problem }` with `{ id, result }` (or `{ id, error }` if the solver threw, which
 * it should never do). Plain data both ways (structured clone keeps Maps, NaN and Infinity).
 */
import { parentPort } from 'node:worker_threads';
import { loadEngines, solveStreetOffice } from '../solver/solve.js';
import type { Problem } from '../solver/types.js';

if (!parentPort) throw new Error('scenarios/batch-worker.ts runs only as a worker thread');
const port = parentPort;
const engines = loadEngines();

port.on('message', (message: { id: number; problem: Problem }) => {
  engines.then(
    (loaded) => {
      try {
        port.postMessage({ id: message.id, result: solveStreetOffice(message.problem, loaded) });
      } catch (e) {
        port.postMessage({ id: message.id, error: (e as Error).message ?? String(e) });
      }
    },
    (e: unknown) => port.postMessage({ id: message.id, error: `cannot load the solver engines: ${(e as Error).message ?? String(e)}` }),
  );
});
