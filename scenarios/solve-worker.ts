/**
 * Worker thread of the solver pool (scenarios/solve-pool.ts): loads the solver engines once, then
 * answers `{ jobs: [{ id, problem, limits, extras? }, …] }` with `{ results: [{ id, result }, …] }`
 * (`{ id, answer }` for a job with `extras`: the street office finished, scenarios/office-job.ts);
 * `{ borders: { id, segs, tol, from, to } }` (segments in shared memory) with
 * `{ borderRows: { id, rows } }`, the directed border rows of that range (geo/adjacency-borders.ts);
 * `{ topology: { id, items } }` (committees packed, office-job.ts) with `{ topology: { id, problems } }`,
 * the overlap and gap checks of the dataset (geo/validate-topology.ts `findTopologyProblems`).
 * (`{ id, error }` for a job whose solver threw, which it should never do). While a job runs, each
 * better checked plan is posted as `{ plan: { id, result } }`: what the pool keeps if it must stop
 * this worker at the time limit. Plain data both ways (structured clone keeps Maps, NaN and Infinity).
 */
import { parentPort } from 'node:worker_threads';
import { calcDirectedBorderRows } from '../geo/adjacency-borders.js';
import type { BoundarySegments } from '../geo/segment-index.js';
import { loadEngines } from '../solver/solve.js';
import { solveStreetOfficeWithAnswers } from '../solver/answers.js';
import type { Problem } from '../solver/types.js';
import { findTopologyProblems } from '../geo/validate-topology.js';
import { saveCodeCache } from './code-cache.js';
import { lowerThreadPriority } from './thread-priority.js';
import { finishOfficeJob, unpackTopologyItems, type OfficeExtras, type PackedTopologyItems } from './office-job.js';
import { toSolveOptions, type JobLimits } from './solve-pool.js';

if (!parentPort) throw new Error('scenarios/solve-worker.ts runs only as a worker thread');
const port = parentPort;
lowerThreadPriority(); // the main thread (the server's requests, the batch's writing) comes first
const engines = loadEngines();
/** A job's plans are posted once it has run this long. */
const PLAN_POST_AFTER_MS = 20;

port.on('message', (message: {
  jobs: { id: number; problem: Problem; limits?: JobLimits; extras?: OfficeExtras }[];
  borders?: { id: number; segs: BoundarySegments; tol: number; from: number; to: number };
  topology?: { id: number; items: PackedTopologyItems };
}) => {
  if (message.topology) {
    const { id, items } = message.topology;
    try {
      port.postMessage({ topology: { id, problems: findTopologyProblems(unpackTopologyItems(items)) } });
    } catch (e) {
      port.postMessage({ topology: { id, error: (e as Error).message ?? String(e) } });
    }
    return;
  }
  if (message.borders) {
    const { id, segs, tol, from, to } = message.borders;
    try {
      const rows = calcDirectedBorderRows(segs, tol, from, to);
      port.postMessage({ borderRows: { id, rows } }, [rows.rowStart.buffer, rows.cols.buffer, rows.vals.buffer] as ArrayBuffer[]);
    } catch (e) {
      port.postMessage({ borderRows: { id, error: (e as Error).message ?? String(e) } });
    }
    return;
  }
  engines.then(
    (loaded) => {
      const results = message.jobs.map(({ id, problem, limits, extras }) => {
        try {
          const options = toSolveOptions(limits ?? {});
          // Only a job with a deadline may be stopped from outside, and only one that has run a
          // while can be (most street offices take a few ms): only then is a plan worth a message
          // (messages are what the batching of jobs saves).
          const started = Date.now();
          const post = (result: unknown): void => { if (Date.now() - started >= PLAN_POST_AFTER_MS) port.postMessage({ plan: { id, result } }); };
          const onPlan = limits?.deadline !== undefined ? { onPlan: post } : {};
          const result = solveStreetOfficeWithAnswers(problem, loaded, { ...options, ...onPlan });
          // a street office finished here: its stations and its part of the GeoJSON files
          return extras ? { id, answer: finishOfficeJob(problem, extras, result) } : { id, result };
        } catch (e) {
          return { id, error: (e as Error).message ?? String(e) };
        }
      });
      saveCodeCache(); // before the answer, after which the pool may stop this thread
      // the offices' GeoJSON bytes are moved, not copied
      const moved = results.flatMap((r) => (r.answer ? [r.answer.stationBytes.buffer, r.answer.committeeBytes.buffer] : [])) as ArrayBuffer[];
      port.postMessage({ results }, moved);
    },
    (e: unknown) => port.postMessage({ results: message.jobs.map(({ id }) => ({ id, error: `cannot load the solver engines: ${(e as Error).message ?? String(e)}` })) }),
  );
});
