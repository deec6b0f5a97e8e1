/**
 * Solving off the request thread: the solver pool (scenarios/solve-pool.ts, shared with the CLI's
 * plan and batch) behind a lazily started, closable plan solver whose budget caps the scenario's
 * `solver.timeLimitMs`. The pool makes that budget hold (it stops a worker that overruns and keeps
 * its best checked plan); the timeout here only guards against a pool that does not answer.
 */
import { availableParallelism } from 'node:os';
import { makeSolvePool, PoolClosedError, solvePlanWithPool, type SolvePool } from '../scenarios/solve-pool.js';
import { SOLVER_DEFAULTS } from '../solver/defaults.js';
import type { PlanOutcome } from '../solver/outcome.js';
import type { PlanContext } from '../solver/pipeline.js';
import type { Scenario } from '../solver/types.js';

export interface PlanSolver {
  /** Solves every street office of the context; rejects with SolveTimeoutError after the limit. */
  solve(ctx: PlanContext): Promise<PlanOutcome>;
  /** Stops the workers; solves in flight reject with PoolClosedError. Idempotent. */
  close(): Promise<void>;
}

export class SolveTimeoutError extends Error {
  override name = 'SolveTimeoutError';
}

export interface PlanSolverOptions {
  /** Worker threads; 0 solves in the main thread (between events). [min(2, os.availableParallelism())] */
  workers?: number;
  /** Wall-clock limit of one plan, ms; also caps the scenario's per-office solver limit. [60000] */
  timeLimitMs?: number;
}

/** The scenario with its per-street-office solver limit capped to `limitMs` (a copy). */
export function capSolverTime(scenario: Scenario, limitMs: number): Scenario {
  if (scenario.solver.timeLimitMs <= limitMs) return scenario;
  return { ...scenario, solver: { ...scenario.solver, timeLimitMs: Math.max(1, limitMs) } };
}

/**
 * A plan solver over a worker pool that starts on the first solve.
 * @param [options.workers=min(2, availableParallelism())]
 * @param [options.timeLimitMs=60000]
 * @example const solver = makePlanSolver({ workers: 2 }); const outcome = await solver.solve(ctx); await solver.close();
 */
export function makePlanSolver(options: PlanSolverOptions = {}): PlanSolver {
  const workers = options.workers ?? Math.min(2, availableParallelism());
  const limit = options.timeLimitMs ?? SOLVER_DEFAULTS.timeLimitMs;
  let pool: Promise<SolvePool> | undefined;
  let closed = false;
  return {
    async solve(ctx) {
      if (closed) throw new PoolClosedError();
      pool ??= makeSolvePool({ workers });
      const capped: PlanContext = { ...ctx, scenario: capSolverTime(ctx.scenario, limit) };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        // the pool holds the budget (queueing included); this only guards against a pool that hangs
        timer = setTimeout(() => reject(new SolveTimeoutError(`the solve took longer than ${limit} ms`)), limit * 1.1 + 2000);
      });
      try {
        return await Promise.race([pool.then((p) => solvePlanWithPool(capped, p)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (pool) await (await pool).close();
    },
  };
}
