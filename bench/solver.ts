/**
 * Benchmark of the exact street-office solver: random planar instances (jittered grids,
 * households 1,500–12,000, band 6,000–10,000), both engines side by side.
 * Every plan is checked with verifyPartition before its time counts.
 * Run: npx tsx bench/solver.ts [--quick] [--runs N] [--sizes 40,150,1000] [--engines highs,jslp]
 *      [--frontier-states N] (0: each component above 16 committees to the engine alone, as before the frontier solver)
 */
import os from 'node:os';
import { enumerateCandidates } from '../solver/candidates.js';
import { findDominated } from '../solver/partition.js';
import { loadEngines, solveStreetOffice } from '../solver/solve.js';
import type { SolveResult } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';
import { makeRandomProblem, seedFromName } from './random-problem.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const runs = Number(flag('--runs') ?? 3);
const sizes = (flag('--sizes') ?? '40,150,1000').split(',').map(Number);
const engineNames = (flag('--engines') ?? 'highs,jslp').split(',') as ('highs' | 'jslp')[];
const seeds = Number(flag('--seeds') ?? 2);
const frontierStates = flag('--frontier-states') !== undefined ? Number(flag('--frontier-states')) : undefined;
/** Households range; `--dense` uses 500–5,000 (more merges, far more candidates: a stress case beyond the targets). */
const households: [number, number] = args.includes('--dense') ? [500, 5000] : [1500, 12000];

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]!; };
const engines = await loadEngines();
console.log(`machine: ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}`);
console.log(`households ${households[0]}–${households[1]}, band 6,000–10,000, runs ${runs}, time limit 60 s, frontier states ${frontierStates ?? 'default'}`);
console.log('committees cap seed engine | candidates kept | status      objective     gap       bound      | median ms (min–max)');
for (const n of sizes) {
  for (let s = 0; s < seeds; s++) {
    const cap = n <= 40 ? 4 : 5;
    const problem = makeRandomProblem({ seed: seedFromName(`bench ${n} ${s}`), committees: n, cap, households, sharedStations: 0.05, enclaves: 0.03 });
    const { candidates } = enumerateCandidates(problem);
    const kept = findDominated(candidates).filter((d) => !d).length;
    for (const engine of engineNames) {
      if (engine === 'jslp' && n > 150) { console.log(`${String(n).padStart(10)} ${cap}   ${s}    jslp   | skipped (javascript-lp-solver times out beyond ~100 committees in one block)`); continue; }
      const times: number[] = [];
      let last: SolveResult | null = null;
      for (let r = 0; r < runs; r++) {
        const result = solveStreetOffice(problem, engines, { engine, timeLimitMs: 60_000, ...(frontierStates !== undefined ? { frontierStates } : {}) });
        // a returned plan must pass the checker; a run without a plan is reported as its status
        const violations = result.groups.length > 0 ? verifyPartition(problem, result.groups) : [];
        if (violations.length > 0) throw new Error(`${engine} ${n}: plan fails the check: ${violations.slice(0, 3).join('; ')}`);
        times.push(result.ms);
        last = result;
      }
      const r = last!;
      console.log(`${String(n).padStart(10)} ${cap}   ${s}    ${engine.padEnd(6)} | ${String(r.candidates).padStart(10)} ${String(kept).padStart(5)} | ${r.status.padEnd(11)} ${r.objective.toFixed(6).padStart(12)} ${r.gap.toExponential(2).padStart(9)} ${String(r.bound === -Infinity ? '-inf' : r.bound.toFixed(3)).padStart(10)} | ${median(times)} (${Math.min(...times)}–${Math.max(...times)})`);
    }
  }
}
