/**
 * Benchmark of the exact street-office solver on real data: the built-in scenario ri-2010 (Rhode
 * Island 2010 tracts, counties as street offices, band 4,000–8,000, cap 5), each county solved by
 * each method side by side:
 *   frontier  the default: subset DP ≤ 16 committees, else the frontier solver (column-count
 *             split, frontier search, HiGHS per count)
 *   dp        the frontier solver with HiGHS for LP relaxations only (no integer program)
 *   highs     HiGHS alone on each component (frontierStates: 0)
 *   jslp      javascript-lp-solver alone, on counties of at most --jslp-max committees
 * `--merge W` overrides the merge weight (0: merging is free, the station weight dominates and
 * the LP relaxation is weak: the objective the first figures of this benchmark were taken on).
 * Every plan is checked with verifyPartition before its time counts.
 * Run: npx tsx bench/solver-real.ts [--methods frontier,dp,highs,jslp] [--offices 44001,...]
 *      [--merge 0] [--runs N] [--time-limit 60000] [--jslp-max 40]
 */
import os from 'node:os';
import { loadScenario } from '../cli/load.js';
import type { ComponentAnswer, PartitionEngine } from '../solver/engines/types.js';
import { makePlanContext, makeStreetOfficeProblem } from '../solver/pipeline.js';
import { loadEngines, solveStreetOffice, type Engines } from '../solver/solve.js';
import type { SolveResult } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const methods = (flag('--methods') ?? 'frontier,dp,highs,jslp').split(',');
const runs = Number(flag('--runs') ?? 1);
const timeLimitMs = Number(flag('--time-limit') ?? 60_000);
const jslpMax = Number(flag('--jslp-max') ?? 40);
const merge = flag('--merge');

const loaded = await loadScenario('ri-2010');
const scenario = merge !== undefined ? { ...loaded.scenario, weights: { ...loaded.scenario.weights, merge: Number(merge) } } : loaded.scenario;
const ctx = makePlanContext(loaded.dataset, scenario);
const offices = (flag('--offices') ?? [...new Set(loaded.dataset.committees.map((c) => c.streetOffice))].sort().join(',')).split(',');
const engines = await loadEngines();
/** HiGHS for LP relaxations only: its integer program refuses, so the frontier searches must prove. */
const lpOnly: PartitionEngine = {
  name: 'dp',
  relax: (m) => engines.highs.relax!(m),
  solve: (): ComponentAnswer => ({ status: 'error', chosen: [], bound: -Infinity, message: 'no integer program (dp method)' }),
};
const dpEngines: Engines = { highs: lpOnly, jslp: engines.jslp };

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]!; };
console.log(`machine: ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, ${new Date().toISOString()}`);
console.log(`ri-2010, weights.merge ${scenario.weights.merge}, time limit ${timeLimitMs} ms, runs ${runs}`);
console.log('office committees candidates | method   | status      objective      bound      gap      | median ms (min–max)');
for (const office of offices) {
  const problem = makeStreetOfficeProblem(ctx, office);
  const n = problem.committees.length;
  for (const method of methods) {
    const head = `${office.padEnd(6)} ${String(n).padStart(10)}`;
    if (method === 'jslp' && n > jslpMax) { console.log(`${head} ${''.padStart(10)} | jslp     | skipped (more than ${jslpMax} committees)`); continue; }
    const times: number[] = [];
    let last: SolveResult | null = null;
    for (let r = 0; r < runs; r++) {
      const result = method === 'frontier' ? solveStreetOffice(problem, engines, { timeLimitMs })
        : method === 'dp' ? solveStreetOffice(problem, dpEngines, { timeLimitMs, engine: 'highs' })
          : method === 'highs' ? solveStreetOffice(problem, engines, { timeLimitMs, frontierStates: 0 })
            : solveStreetOffice(problem, engines, { timeLimitMs, engine: 'jslp', frontierStates: 0 });
      const violations = result.groups.length > 0 ? verifyPartition(problem, result.groups) : [];
      if (violations.length > 0) throw new Error(`${method} ${office}: plan fails the check: ${violations.slice(0, 3).join('; ')}`);
      times.push(result.ms);
      last = result;
    }
    const r = last!;
    const bound = r.bound === -Infinity ? '-inf' : r.bound.toFixed(6);
    console.log(`${head} ${String(r.candidates).padStart(10)} | ${method.padEnd(8)} | ${r.status.padEnd(11)} ${r.objective.toFixed(6).padStart(11)} ${bound.padStart(11)} ${r.gap.toExponential(2).padStart(9)} | ${median(times)} (${Math.min(...times)}–${Math.max(...times)})`);
  }
}
