/**
 * The solver's worker-thread pool, for every command that solves (plan, batch, the server).
 * Street offices are independent problems: workers load the solver engines once and solve one
 * street office per job; the main thread assembles each plan with the pipeline's own
 * `assemblePlan`, so a plan does not depend on how many workers solved it (nor on which finished
 * first).
 *
 * The time limit holds: a job carries the deadline of its plan, the solver returns by it, and a
 * worker still busy shortly after (an engine call that does not look at its clock) is terminated;
 * its job then ends with the last checked plan the worker reported (`time_limit`, with its bound).
 *
 * Jobs carry a slim copy of the problem (`makeSlimProblem`): the committees without geometry or
 * pass-through properties (the solver reads neither) and only the adjacency among the office's
 * own committees, in the original order. Tests check the assembled plan equals `solvePlan`'s.
 */
import { Buffer } from 'node:buffer';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { assemblePlan, keepBetterSolve, makeOfficeStations, makeStreetOfficeProblem, officeStartLimitMs, officesSmallFirst, planLimits, planSecondTurn, solveClock, type PlanContext } from '../solver/pipeline.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { loadEngines, solveStreetOffice } from '../solver/solve.js';
import { solveStreetOfficeWithAnswers } from '../solver/answers.js';
import { calcSharedBorderPairs, combineBorderRows, type DirectedBorderRows } from '../geo/adjacency-borders.js';
import type { BoundarySegments } from '../geo/segment-index.js';
import { DISTRICT_TOTAL_KEY, type Problem, type SolveResult, type Station } from '../solver/types.js';
import { findTopologyProblems, type TopologyItem } from '../geo/validate-topology.js';
import type { Problem as GeoProblem } from '../geo/types.js';
import { finishOfficeJob, joinFeatureCollection, makeOfficeExtras, packTopologyItems, type OfficeAnswer, type OfficeExtras } from './office-job.js';
import { startWorker } from './start-worker.js';

/** Solves street offices, in worker threads or (with 0 workers) in this thread. */
export interface SolvePool {
  /** Worker threads (0: solving in the calling thread). */
  readonly workers: number;
  /** Workers stopped so far because a job ran past its deadline + the grace. */
  readonly stopped: number;
  /** Solves one street office. Rejects with `PoolClosedError` once the pool is closed. */
  solve(problem: Problem, limits?: JobLimits): Promise<SolveResult>;
  /**
   * Solves one street office and finishes it where it was solved (scenarios/office-job.ts): its
   * stations and its part of stations.geojson and committees.geojson.
   */
  solveOffice(problem: Problem, extras: OfficeExtras, limits?: JobLimits): Promise<OfficeAnswer>;
  /**
   * `calcSharedBorderPairs(segs, tol)` (geo/adjacency-borders.ts), its rows shared out among the
   * workers (`calcDirectedBorderRows` over one range each, `combineBorderRows` here): the same pairs.
   */
  calcBorderPairs(segs: BoundarySegments, tol: number): Promise<number[]>;
  /**
   * `findTopologyProblems(items)` (geo/validate-topology.ts, default tolerances) in one worker (the
   * last), its committees sent packed: the overlap and gap checks off the calling thread.
   */
  findTopologyProblems(items: readonly TopologyItem[]): Promise<GeoProblem[]>;
  /** Stops the workers; pending and queued jobs reject with `PoolClosedError`. Idempotent. */
  close(): Promise<void>;
}

export class PoolClosedError extends Error {
  override name = 'PoolClosedError';
  constructor() {
    super('the solver pool was closed');
  }
}

/** The clock of one job. */
export interface JobLimits {
  /** `Date.now()` by which the street office returns (the plan's budget). [its own limit only] */
  deadline?: number;
  /** Cap for this street office from the moment it starts, ms. [scenario.solver.officeTimeLimitMs / timeLimitMs] */
  officeTimeLimitMs?: number;
  /** Share of the time left to `deadline` when the job starts that it may use instead, when more (`planLimits`). [none] */
  shareOfLeft?: number;
  /** Cap of the time from `shareOfLeft`, ms. [none] */
  maxOfficeMs?: number;
}

/**
 * How long past its deadline a job may run before its worker is terminated: the solver checks
 * its clock between steps, but one engine call on a large model may not.
 */
export const OVERRUN_GRACE_MS = 1000;

export interface SolvePoolOptions {
  /** Worker threads; 0 solves in the calling thread. [os.availableParallelism()] */
  workers?: number;
  /** Messages in flight per worker (hides message latency); a message carries up to 16 jobs. [2] */
  perWorker?: number;
  /** How long a job may run past its deadline before its worker is stopped, ms. [OVERRUN_GRACE_MS] */
  graceMs?: number;
}

/** Most street offices sent to a worker in one message. */
const MAX_JOBS_PER_MESSAGE = 16;

/**
 * Street offices `solvePlanStreamed` keeps made and not yet answered: what the workers hold (two
 * full messages each) and as much again queued, so the next messages are full when they go.
 */
function jobsAhead(workers: number): number {
  return Math.max(1, workers) * 2 * MAX_JOBS_PER_MESSAGE * 2;
}

const positionsCache = new WeakMap<Map<string, Map<string, number>>, Map<string, number>>();

/** Position of each row in a graph map's order (computed once per graph, again if rows were added). */
function rowPositions(source: Map<string, Map<string, number>>): Map<string, number> {
  let pos = positionsCache.get(source);
  if (!pos || pos.size !== source.size) {
    pos = new Map();
    let k = 0;
    for (const a of source.keys()) pos.set(a, k++);
    positionsCache.set(source, pos);
  }
  return pos;
}

/** A copy of the problem with what the solver reads: no geometry, adjacency of the office only. */
export function makeSlimProblem(problem: Problem): Problem {
  const ids = new Set(problem.committees.map((c) => c.id));
  const restrict = (source: Map<string, Map<string, number>>): Map<string, Map<string, number>> => {
    const out = new Map<string, Map<string, number>>();
    // Only the office's own rows, in the source's order: a walk over the whole graph per office
    // made a national batch quadratic.
    const position = rowPositions(source);
    const rows = [...ids].filter((a) => source.has(a)).sort((a, b) => position.get(a)! - position.get(b)!);
    for (const a of rows) {
      const row = source.get(a)!;
      const kept = new Map<string, number>();
      for (const [b, len] of row) if (ids.has(b)) kept.set(b, len);
      out.set(a, kept);
    }
    return out;
  };
  return {
    streetOffice: problem.streetOffice,
    committees: problem.committees.map(({ geometry: _g, extra: _e, ...rest }) => ({ ...rest, geometry: [] })),
    measures: problem.measures,
    graph: { border: restrict(problem.graph.border), links: restrict(problem.graph.links) },
    scenario: problem.scenario,
  };
}

interface Job {
  id: number;
  problem: Problem;
  limits: JobLimits;
  /** Finish the office in the worker too (`solveOffice`). */
  extras?: OfficeExtras;
  /** With the office's answer for a job with `extras`. */
  resolve: (r: SolveResult, answer?: OfficeAnswer) => void;
  reject: (e: Error) => void;
  /** The last checked plan the worker reported. */
  latest?: SolveResult;
}

/**
 * The answer for a street office whose worker was stopped before it reported a plan (it had not
 * started, or was still enumerating): solved here with the clock already run out, which takes
 * milliseconds (a stopped enumeration, each component's greedy plan or dynamic program, the row
 * bound) and is checked like any other.
 */
async function quickAnswer(problem: Problem): Promise<SolveResult> {
  const result = solveStreetOffice(problem, await loadEngines(), { deadline: Date.now() });
  return { ...result, notes: [...(result.notes ?? []), `street office ${problem.streetOffice}: its worker was stopped at the time limit before any plan; this is the quick plan`] };
}



/**
 * Starts a pool. With `workers: 0` the engines are loaded here and each job is solved on the
 * next turn of the event loop (so signals and progress still get their turn).
 * @param [options.workers=os.availableParallelism()] worker threads, 0 for none
 * @param [options.perWorker=2] messages (of up to 16 jobs) in flight per worker
 * @example const pool = await makeSolvePool({ workers: 4 }); const r = await pool.solve(problem); await pool.close();
 */
export async function makeSolvePool(options: SolvePoolOptions = {}): Promise<SolvePool> {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 0) throw new Error(`makeSolvePool: workers must be an integer ≥ 0, got ${String(count)}`);
  if (count === 0) return makeInlinePool();
  const perWorker = options.perWorker ?? 2;
  const grace = options.graceMs ?? OVERRUN_GRACE_MS;
  /** When a job must be over (its worker is terminated after that). */
  const hardStop = (job: Job): number => (job.limits.deadline ?? Infinity) + grace;
  let stopped = 0;
  let closed = false;
  let nextId = 0;
  const queue: Job[] = [];
  interface Slot { worker: Worker; inFlight: Map<number, Job>; messages: number }
  const slots: Slot[] = [];

  /** Ranges of border rows out in the workers. */
  const borderTasks = new Map<number, { resolve: (rows: DirectedBorderRows) => void; reject: (e: Error) => void }>();
  /** Overlap and gap checks out in a worker. */
  const topologyTasks = new Map<number, { resolve: (problems: GeoProblem[]) => void; reject: (e: Error) => void; worker: Worker; items: readonly TopologyItem[] }>();
  const failAll = (error: Error): void => {
    for (const t of borderTasks.values()) t.reject(error);
    borderTasks.clear();
    for (const t of topologyTasks.values()) t.reject(error);
    topologyTasks.clear();
    for (const s of slots) {
      for (const job of s.inFlight.values()) job.reject(error);
      s.inFlight.clear();
    }
    for (const job of queue.splice(0)) job.reject(error);
  };
  // Jobs go out in messages of up to MAX_JOBS_PER_MESSAGE (a message costs more than solving a
  // small street office), fewer when the queue is short so that the workers finish together.
  const pump = (): void => {
    for (const s of slots) {
      while (!closed && queue.length > 0 && s.messages < perWorker) {
        const size = Math.max(1, Math.min(MAX_JOBS_PER_MESSAGE, Math.floor(queue.length / (count * perWorker))));
        const jobs = queue.splice(0, size);
        for (const job of jobs) s.inFlight.set(job.id, job);
        s.messages++;
        s.worker.postMessage({ jobs: jobs.map((job) => ({ id: job.id, problem: job.problem, limits: job.limits, ...(job.extras ? { extras: job.extras } : {}) })) });
      }
    }
    watch();
  };
  // The watchdog: a worker whose job runs past its hard stop is terminated and replaced; its jobs
  // end with their last reported plan, or go back to the queue (once) when they had none.
  let timer: NodeJS.Timeout | undefined;
  const watch = (): void => {
    if (timer !== undefined || closed) return;
    const next = Math.min(...slots.flatMap((s) => [...s.inFlight.values()].map(hardStop)));
    if (!Number.isFinite(next)) return;
    timer = setTimeout(() => {
      timer = undefined;
      const now = Date.now();
      for (const [k, s] of slots.entries()) {
        if (![...s.inFlight.values()].some((job) => hardStop(job) <= now)) continue;
        void s.worker.terminate();
        stopped++;
        // overlap and gap checks that were out in it are done here (rare: a job ran past its time)
        for (const [id, t] of topologyTasks) {
          if (t.worker !== s.worker) continue;
          topologyTasks.delete(id);
          t.resolve(findTopologyProblems(t.items));
        }
        // (its plans are kept as posted: the onPlan of solver/solve.ts checks each one first)
        const jobs = [...s.inFlight.values()];
        s.inFlight.clear();
        slots[k] = makeSlot();
        for (const job of jobs) {
          const finish = (r: SolveResult): void => job.resolve(r, job.extras ? finishOfficeJob(job.problem, job.extras, r) : undefined);
          if (job.latest) finish(job.latest);
          else void quickAnswer(job.problem).then(finish, job.reject);
        }
      }
      pump();
    }, Math.max(0, next - Date.now()) + 5);
    timer.unref?.();
  };
  const makeSlot = (): Slot => {
    const s: Slot = { worker: startWorker(import.meta.url, './solve-worker'), inFlight: new Map<number, Job>(), messages: 0 };
    listen(s);
    return s;
  };
  /** Ends the task of a worker's answer: resolved with its value, else rejected with its error. */
  const settle = <T>(tasks: Map<number, { resolve: (v: T) => void; reject: (e: Error) => void }>, id: number, value: T | undefined, error: string): void => {
    const task = tasks.get(id);
    tasks.delete(id);
    if (value !== undefined) task?.resolve(value);
    else task?.reject(new Error(`solver worker: ${error}`));
  };
  const listen = (s: Slot): void => {
    s.worker.on('message', (m: {
      plan?: { id: number; result: SolveResult }; results?: { id: number; result?: SolveResult; answer?: OfficeAnswer; error?: string }[];
      borderRows?: { id: number; rows?: DirectedBorderRows; error?: string };
      topology?: { id: number; problems?: GeoProblem[]; error?: string };
    }) => {
      if (m.topology) return settle(topologyTasks, m.topology.id, m.topology.problems, m.topology.error ?? 'no topology problems');
      if (m.borderRows) return settle(borderTasks, m.borderRows.id, m.borderRows.rows, m.borderRows.error ?? 'no border rows');
      if (m.plan) {
        const job = s.inFlight.get(m.plan.id);
        if (job) job.latest = m.plan.result;
        return;
      }
      if (!m.results) return;
      s.messages--;
      for (const r of m.results) {
        const job = s.inFlight.get(r.id);
        if (!job) continue;
        s.inFlight.delete(r.id);
        if (r.answer) job.resolve(r.answer.result, r.answer);
        else if (r.result) job.resolve(r.result);
        else job.reject(new Error(`solver worker: ${r.error ?? 'no result'}`));
      }
      pump();
    });
    s.worker.on('error', (e) => {
      if (closed || !slots.includes(s)) return;
      closed = true;
      failAll(new Error(`solver worker failed: ${e.message}`));
      for (const o of slots) void o.worker.terminate();
    });
  };
  for (let k = 0; k < count; k++) slots.push(makeSlot());
  const pool: SolvePool = {
    workers: count,
    get stopped() { return stopped; },
    solve(problem, limits = {}) {
      if (closed) return Promise.reject(new PoolClosedError());
      return new Promise<SolveResult>((resolve, reject) => {
        queue.push({ id: nextId++, problem: makeSlimProblem(problem), limits, resolve, reject });
        pump();
      });
    },
    solveOffice(problem, extras, limits = {}) {
      if (closed) return Promise.reject(new PoolClosedError());
      return new Promise<OfficeAnswer>((resolve, reject) => {
        const slim = makeSlimProblem(problem);
        const done = (r: SolveResult, answer?: OfficeAnswer): void => {
          try {
            resolve(answer ?? finishOfficeJob(slim, extras, r));
          } catch (e) {
            reject(e as Error);
          }
        };
        queue.push({ id: nextId++, problem: slim, limits, extras, resolve: done, reject });
        pump();
      });
    },
    async calcBorderPairs(segs, tol) {
      if (closed) throw new PoolClosedError();
      const shared = shareSegments(segs);
      // one range of rows per worker (each builds the index of all boxes once)
      const step = Math.ceil(segs.count / slots.length);
      const parts = await Promise.all(slots.map((s, k) => new Promise<DirectedBorderRows>((resolve, reject) => {
        const id = nextId++;
        borderTasks.set(id, { resolve, reject });
        s.worker.postMessage({ borders: { id, segs: shared, tol, from: Math.min(segs.count, k * step), to: Math.min(segs.count, (k + 1) * step) } });
      })));
      return combineBorderRows(segs.count, parts);
    },
    findTopologyProblems(items) {
      if (closed) return Promise.reject(new PoolClosedError());
      return new Promise<GeoProblem[]>((resolve, reject) => {
        const id = nextId++;
        const worker = slots[slots.length - 1]!.worker;
        topologyTasks.set(id, { resolve, reject, worker, items });
        const packed = packTopologyItems(items);
        worker.postMessage({ topology: { id, items: packed } }, [packed.feature.buffer, packed.geometry.coords.buffer, packed.geometry.shape.buffer] as ArrayBuffer[]);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      failAll(new PoolClosedError());
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
  return pool;
}

async function makeInlinePool(): Promise<SolvePool> {
  const engines = await loadEngines();
  let closed = false;
  const pending = new Set<(e: Error) => void>();
  const solveSlim = <T>(slim: Problem, limits: JobLimits, then: (r: SolveResult) => T): Promise<T> => {
    if (closed) return Promise.reject(new PoolClosedError());
    return new Promise<T>((resolve, reject) => {
      pending.add(reject);
      setImmediate(() => {
        pending.delete(reject);
        if (closed) reject(new PoolClosedError());
        else resolve(then(solveStreetOfficeWithAnswers(slim, engines, toSolveOptions(limits))));
      });
    });
  };
  return {
    workers: 0,
    stopped: 0,
    solve(problem, limits = {}) {
      return solveSlim(makeSlimProblem(problem), limits, (r) => r);
    },
    solveOffice(problem, extras, limits = {}) {
      const slim = makeSlimProblem(problem);
      return solveSlim(slim, limits, (r) => finishOfficeJob(slim, extras, r));
    },
    async calcBorderPairs(segs, tol) {
      if (closed) throw new PoolClosedError();
      return calcSharedBorderPairs(segs, tol);
    },
    async findTopologyProblems(items) {
      if (closed) throw new PoolClosedError();
      return findTopologyProblems(items);
    },
    async close() {
      closed = true;
      for (const reject of pending) reject(new PoolClosedError());
      pending.clear();
    },
  };
}

/** The segments in shared memory: every worker reads them without a copy. */
function shareSegments(segs: BoundarySegments): BoundarySegments {
  const share = <T extends Int32Array | Float64Array>(a: T, Ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }): T => {
    const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
    out.set(a);
    return out;
  };
  return {
    count: segs.count, start: share(segs.start, Int32Array), bbox: share(segs.bbox, Float64Array),
    ax: share(segs.ax, Float64Array), ay: share(segs.ay, Float64Array), bx: share(segs.bx, Float64Array), by: share(segs.by, Float64Array),
  };
}

/** The solver's options for a job's limits, as the job starts (its share of the time then left: `officeStartLimitMs`). */
export function toSolveOptions(limits: JobLimits, now = Date.now()): { deadline?: number; timeLimitMs?: number } {
  return {
    ...(limits.deadline !== undefined ? { deadline: limits.deadline } : {}),
    ...(limits.officeTimeLimitMs !== undefined ? { timeLimitMs: officeStartLimitMs({ ...limits, officeTimeLimitMs: limits.officeTimeLimitMs }, now) } : {}),
  };
}

/** Progress of one street office solved through the pool. */
export interface PoolProgress {
  streetOffice: string;
  result: SolveResult;
  /** A second turn of an office already reported (its better result): not one more office done. */
  again?: true;
}

/**
 * Solves every street office of the context through the pool and assembles the plan with
 * `assemblePlan`: the same plan as `solvePlan(ctx, engines)` for any number of workers
 * (`summary.solver.ms` is the wall-clock time of this call).
 * @param [options.secondTurn=false] once all are done, solve again the offices stopped by their
 *   own share of the time, with the time left (`planSecondTurn`), keeping the better of the two
 *   solves (`keepBetterSolve`); `onOffice` hears of them again with `again: true`
 */
export async function solvePlanWithPool(context: PlanContext, pool: SolvePool, onOffice?: (p: PoolProgress) => void, options: { secondTurn?: boolean } = {}): Promise<PlanOutcome> {
  const t0 = performance.now();
  // one deadline for both turns
  const ctx: PlanContext = context.deadline !== undefined ? context : { ...context, deadline: solveClock(context).deadline };
  const results = new Map<string, SolveResult>();
  // each office's stations are made as it comes back, while the workers solve the others
  const made = new Map<string, Station[]>();
  const order = officesSmallFirst(ctx);
  const limits = planLimits(ctx, pool.workers, order);
  await Promise.all(
    order.map(async (office) => {
      const result = await pool.solve(makeStreetOfficeProblem(ctx, office), limits.get(office));
      results.set(office, result);
      made.set(office, makeOfficeStations(ctx, office, result));
      onOffice?.({ streetOffice: office, result });
    }),
  );
  if (options.secondTurn) {
    // offices stopped by their own share while others finished early: the time left goes to them
    const again = planSecondTurn(ctx, results, pool.workers);
    await Promise.all(
      [...again].map(async ([office, officeLimits]) => {
        const result = keepBetterSolve(results.get(office)!, await pool.solve(makeStreetOfficeProblem(ctx, office), officeLimits));
        results.set(office, result);
        made.set(office, makeOfficeStations(ctx, office, result));
        onOffice?.({ streetOffice: office, result, again: true });
      }),
    );
  }
  return assemblePlan(ctx, results, performance.now() - t0, made);
}

/** A plan solved through the pool with its stations.geojson and committees.geojson already written. */
export interface RenderedPlan {
  outcome: PlanOutcome;
  /** `JSON.stringify(makeStationsGeoJson(outcome, dataset.committees))` (without the final newline). */
  stationsGeoJson: string;
  /** `JSON.stringify(makeCommitteesGeoJson(outcome, dataset.committees))` (without the final newline). */
  committeesGeoJson: string;
}

/**
 * Where `solvePlanStreamed` hands the features, in the order of the files: each call one or more
 * consecutive features, each `JSON.stringify(feature)` in UTF-8, joined by `,` (the sink puts a
 * `,` between calls).
 */
export interface FeatureSinks {
  /** The next features of stations.geojson. */
  station(features: Uint8Array): void;
  /** The next features of committees.geojson. */
  committee(features: Uint8Array): void;
}

/**
 * Whether a plan of this context can be finished office by office (`solvePlanStreamed`): not
 * when a district total of stations (`rules.stations["*"]`) may change an office's plan after all
 * are solved.
 */
export function canFinishByOffice(ctx: PlanContext): boolean {
  const stations = ctx.scenario.rules.stations;
  return stations === undefined || !Object.hasOwn(stations, DISTRICT_TOTAL_KEY);
}

/**
 * `solvePlanWithPool` with each street office finished where it was solved (its stations, its
 * outlines dissolved, its features rendered: scenarios/office-job.ts), and the features handed to
 * `sinks` in the order of the files as soon as every office before them is done (offices go out in
 * the context's order, so the files grow while the workers solve the rest): stations.geojson lists
 * the offices in the context's order, each one's stations by their first committee's place among
 * the members (as `assemblePlan`), committees.geojson the committees in a station in dataset order. The same plan and the same
 * bytes as `solvePlanWithPool` + `makePlanFiles`, for any number of workers. Not for a context
 * with a district total (`canFinishByOffice`).
 * @param committees the dataset's committees (committees.geojson lists them in this order)
 */
export async function solvePlanStreamed(
  ctx: PlanContext, pool: SolvePool, committees: readonly { id: string; streetOffice: string }[], sinks: FeatureSinks,
  onOffice?: (p: PoolProgress) => void,
): Promise<PlanOutcome> {
  if (!canFinishByOffice(ctx)) throw new Error('solvePlanStreamed: a district total of stations changes offices after they are solved');
  const t0 = performance.now();
  const results = new Map<string, SolveResult>();
  const made = new Map<string, Station[]>();
  const inScope = new Set(ctx.offices);
  /** Features not yet handed on: each office's stations, and its committees' bytes and spans. */
  const stationPart = new Map<string, { bytes: Uint8Array; firsts: string[] }>();
  const committeePart = new Map<string, { bytes: Uint8Array; spans: Int32Array; next: number }>();
  const handed: string[] = [];
  let nextOffice = 0;
  let nextCommittee = 0;
  const handOn = (): void => {
    for (; nextOffice < ctx.offices.length; nextOffice++) {
      const office = ctx.offices[nextOffice]!;
      const part = stationPart.get(office);
      if (part === undefined) break;
      stationPart.delete(office);
      handed.push(...part.firsts);
      if (part.bytes.length > 0) sinks.station(part.bytes);
    }
    // committees in dataset order: runs of one office's committees go out as one slice of its bytes
    let run: { bytes: Uint8Array; from: number; to: number } | undefined;
    const flush = (): void => {
      if (run) sinks.committee(run.bytes.subarray(run.from, run.to));
      run = undefined;
    };
    for (; nextCommittee < committees.length; nextCommittee++) {
      const c = committees[nextCommittee]!;
      if (!inScope.has(c.streetOffice)) continue;
      const part = committeePart.get(c.streetOffice);
      if (part === undefined) break;
      // the office's committees come in its problem order (its members, in dataset order)
      const k = part.next++;
      if (ctx.byOffice.get(c.streetOffice)![k]?.committee.id !== c.id) throw new Error(`solvePlanStreamed: committee ${c.id} is not the next of street office ${c.streetOffice}`);
      if (part.next === part.spans.length / 2) committeePart.delete(c.streetOffice);
      const from = part.spans[2 * k]!, to = part.spans[2 * k + 1]!;
      if (from === to) continue; // in no station
      if (run && run.bytes === part.bytes && run.to + 1 === from) run.to = to;
      else {
        flush();
        run = { bytes: part.bytes, from, to };
      }
    }
    flush();
  };
  const limits = planLimits(ctx, pool.workers, ctx.offices);
  // Jobs are made a window ahead of the workers, not all at once: the workers start solving as
  // soon as the first are made (a national batch spent seconds making 9,000 jobs while they idled),
  // and each job's slim problem and packed geometry die young instead of waiting in the queue.
  let nextJob = 0;
  const lane = async (): Promise<void> => {
    while (nextJob < ctx.offices.length) {
      const office = ctx.offices[nextJob++]!;
      const answer = await pool.solveOffice(makeStreetOfficeProblem(ctx, office), makeOfficeExtras(ctx, office), limits.get(office));
      results.set(office, answer.result);
      made.set(office, answer.stations);
      if (answer.stationFirsts.length !== answer.stations.length) throw new Error(`solvePlanStreamed: street office ${office} has ${answer.stations.length} stations but ${answer.stationFirsts.length} features`);
      stationPart.set(office, { bytes: answer.stationBytes, firsts: answer.stationFirsts });
      committeePart.set(office, { bytes: answer.committeeBytes, spans: answer.committeeSpans, next: 0 });
      handOn();
      onOffice?.({ streetOffice: office, result: answer.result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.offices.length, jobsAhead(pool.workers)) }, lane));
  const outcome = assemblePlan(ctx, results, performance.now() - t0, made);
  // the order handed on is the plan's order (a check: the files would be wrong otherwise)
  if (handed.length !== outcome.stations.length || outcome.stations.some((s, i) => s.committeeIds[0] !== handed[i])) {
    throw new Error('solvePlanStreamed: the stations were handed on in another order than the plan\'s');
  }
  return outcome;
}

/**
 * `solvePlanStreamed` into two strings: the plan and its stations.geojson and committees.geojson.
 * @param committees the dataset's committees (committees.geojson lists them in this order)
 */
export async function solvePlanRendered(
  ctx: PlanContext, pool: SolvePool, committees: readonly { id: string; streetOffice: string }[], onOffice?: (p: PoolProgress) => void,
): Promise<RenderedPlan> {
  const stationFeatures: Uint8Array[] = [];
  const committeeFeatures: Uint8Array[] = [];
  const outcome = await solvePlanStreamed(ctx, pool, committees, {
    station: (f) => void stationFeatures.push(f),
    committee: (f) => void committeeFeatures.push(f),
  }, onOffice);
  const text = (parts: Uint8Array[]): string => joinFeatureCollection(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8')));
  return { outcome, stationsGeoJson: text(stationFeatures), committeesGeoJson: text(committeeFeatures) };
}
