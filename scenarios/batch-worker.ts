/**
 * Worker thread of the batch pool (scenarios/batch-pool.ts): loads the solver engines once, then
 * answers `{ jobs: [{ id, problem }, …] }` with `{ results: [{ id, result }, …] }` (`{ id, error }`
 * for a job whose solver threw, which it should never do). Plain data both ways (structured clone keeps Maps, NaN and Infinity).
 */
import { parentPort } from 'node:worker_threads';
import { loadEngines, solveStreetOffice } from '../solver/solve.js';
import type { Problem } from '../solver/types.js';

if (!parentPort) throw new Error('scenarios/batch-worker.ts runs only as a worker thread');
const port = parentPort;
const engines = loadEngines();

port.on('message', (message: { jobs: { id: number; problem: Problem }[] }) => {
  engines.then(
    (loaded) => {
      const results = message.jobs.map(({ id, problem }) => {
        try {
          return { id, result: solveStreetOffice(problem, loaded) };
        } catch (e) {
          return { id, error: (e as Error).message ?? String(e) };
        }
      });
      port.postMessage({ results });
    },
    (e: unknown) => port.postMessage({ results: message.jobs.map(({ id }) => ({ id, error: `cannot load the solver engines: ${(e as Error).message ?? String(e)}` })) }),
  );
});
