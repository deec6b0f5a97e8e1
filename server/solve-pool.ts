/**
 * Solving off the request thread: the batch runner's worker pool (scenarios/batch-pool.ts) behind
 * a lazily started, closable plan solver with a wall-clock limit. Each street office is one job
 * for the pool and the plan is assembled with the pipeline's own `assemblePlan`, so the plan is
 * the one `yizhan plan` finds (tests compare the summaries).
 */
import { availableParallelism } from 'node:os';
import { makeSolvePool, PoolClosedError, solvePlanWithPool, type SolvePool } from '../scenarios/batch-pool.js';
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
        // the solver honours its own limit per street office; this guards the whole plan (queueing included)
        timer = setTimeout(() => reject(new SolveTimeoutError(`the solve took longer than ${limit} ms`)), limit + 1000);
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
