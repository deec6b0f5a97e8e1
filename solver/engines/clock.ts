import { SOLVER_DEFAULTS } from '../defaults.js';

/**
 * Seconds to give an engine call that must end by `deadline`, or null when too little is left
 * for a model this size. HiGHS overruns its `time_limit` by seconds on models of thousands of
 * columns (measured 1–6 s with limits of 0.5–2 s, presolve on or off), so such calls keep
 * `SOLVER_DEFAULTS.engineReserveMs` in hand; small models (≤ 500 columns) take milliseconds.
 */
export function engineSeconds(deadline: number, columns: number): number | null {
  const left = deadline - Date.now();
  if (columns <= 500) return Math.max(0.01, left / 1000);
  const reserve = SOLVER_DEFAULTS.engineReserveMs;
  if (left < reserve * 1.5) return null;
  return (left - reserve) / 1000;
}
