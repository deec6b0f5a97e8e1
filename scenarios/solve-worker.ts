/**
 * Worker thread of the solver pool (scenarios/solve-pool.ts): loads the solver engines once, then
 * answers `{ jobs: [{ id, problem, limits }, …] }` with `{ results: [{ id, result }, …] }`
 * (`{ id, error }` for a job whose solver threw, which it should never do). While a job runs, each
 * better checked plan is posted as `{ plan: { id, result } }`: what the pool keeps if it must stop
 * this worker at the time limit. Plain data both ways (structured clone keeps Maps, NaN and Infinity).
 */
import { parentPort } from 'node:worker_threads';
import { loadEngines, solveStreetOffice } from '../solver/solve.js';
import type { Problem } from '../solver/types.js';
import { toSolveOptions, type JobLimits } from './solve-pool.js';

if (!parentPort) throw new Error('scenarios/solve-worker.ts runs only as a worker thread');
const port = parentPort;
const engines = loadEngines();

port.on('message', (message: { jobs: { id: number; problem: Problem; limits?: JobLimits }[] }) => {
  engines.then(
    (loaded) => {
      const results = message.jobs.map(({ id, problem, limits }) => {
        try {
          const options = toSolveOptions(limits ?? {});
          // only a job with a deadline may be stopped from outside: only then are its plans worth posting
          const onPlan = limits?.deadline !== undefined ? { onPlan: (result: Parameters<typeof port.postMessage>[0]) => port.postMessage({ plan: { id, result } }) } : {};
          return { id, result: solveStreetOffice(problem, loaded, { ...options, ...onPlan }) };
        } catch (e) {
          return { id, error: (e as Error).message ?? String(e) };
        }
      });
      port.postMessage({ results });
    },
    (e: unknown) => port.postMessage({ results: message.jobs.map(({ id }) => ({ id, error: `cannot load the solver engines: ${(e as Error).message ?? String(e)}` })) }),
  );
});
