/**
 * End-to-end planning benchmark on real and generated datasets, both solver engines side by side.
 * Per instance: read + validate, measures + adjacency, then every street office solved by each
 * engine with the same time limit. Every plan is checked (solveStreetOffice verifies each
 * partition; here the street-office plans are checked again with verifyPartition) before its
 * time counts.
 *
 * Run: npx tsx bench/plan.ts [--runs 3] [--limit-ms 60000] [--only luohu-2006,ri-2010,gen-700,gen-5000]
 */
import os from 'node:os';
import { generateDistrict } from './generate/district.js';
import { readCommittees } from '../geo/ingest.js';
import type { Dataset } from '../geo/types.js';
import { loadScenario } from '../cli/load.js';
import { makeDefaultScenario } from '../scenarios/defaults.js';
import { makePlanContext, makeStreetOfficeProblem } from '../solver/pipeline.js';
import { loadEngines, solveStreetOffice } from '../solver/solve.js';
import type { Scenario, SolveResult } from '../solver/types.js';
import { verifyPartition } from '../solver/verify.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 3);
const limitMs = Number(flag('--limit-ms') ?? 60_000);
const only = flag('--only')?.split(',');

interface Instance {
  name: string;
  load(): { dataset: Dataset; scenario: Scenario; readMs: number } | Promise<{ dataset: Dataset; scenario: Scenario; readMs: number }>;
  /** javascript-lp-solver is skipped where it cannot finish (SOLVERS.md: ~40 committees per block). */
  jslp: boolean;
}

function generated(n: number, seed: number): Instance['load'] {
  return () => {
    const fc = generateDistrict({ committees: n, seed });
    const t = performance.now();
    const report = readCommittees(fc);
    if (!report.dataset) throw new Error(`generated ${n}: ${report.problems[0]?.message}`);
    return { dataset: report.dataset, scenario: makeDefaultScenario(`gen-${n}`), readMs: performance.now() - t };
  };
}

function builtin(name: string): Instance['load'] {
  return async () => {
    const t = performance.now();
    const loaded = await loadScenario(name);
    return { dataset: loaded.dataset, scenario: loaded.scenario, readMs: performance.now() - t };
  };
}

const INSTANCES: Instance[] = [
  { name: 'luohu-2006', load: builtin('luohu-2006'), jslp: true },
  { name: 'ri-2010', load: builtin('ri-2010'), jslp: true },
  { name: 'gen-700', load: generated(700, 1), jslp: true },
  { name: 'gen-5000', load: generated(5000, 2), jslp: true },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};
const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

const engines = await loadEngines();
console.log(`# bench/plan.ts — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; runs ${runs}, time limit ${limitMs} ms per street office`);
console.log('');
console.log('| instance | committees | street offices | read ms | measures+adjacency ms | engine | solve ms (median, min–max) | status | stations | objective | gap |');
console.log('|---|---:|---:|---:|---:|---|---|---|---:|---:|---:|');
for (const inst of INSTANCES) {
  if (only && !only.includes(inst.name)) continue;
  const { dataset, scenario, readMs } = await inst.load();
  const t0 = performance.now();
  const ctx = makePlanContext(dataset, scenario);
  const ctxMs = performance.now() - t0;
  for (const engine of ['highs', 'jslp'] as const) {
    if (engine === 'jslp' && !inst.jslp) continue;
    const times: number[] = [];
    let results: SolveResult[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      results = ctx.offices.map((office) => solveStreetOffice(makeStreetOfficeProblem(ctx, office), engines, { engine, timeLimitMs: limitMs }));
      times.push(performance.now() - t);
      ctx.offices.forEach((office, i) => {
        const res = results[i]!;
        const bad = res.groups.length > 0 ? verifyPartition(makeStreetOfficeProblem(ctx, office), res.groups) : [];
        if (bad.length > 0) throw new Error(`${inst.name} ${office} ${engine}: plan fails the check: ${bad.slice(0, 2).join('; ')}`);
      });
      if (times[times.length - 1]! > 30_000) break; // one run is enough for a slow case
    }
    const statuses = new Map<string, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const objective = results.reduce((s, r) => s + (Number.isFinite(r.objective) ? r.objective : 0), 0);
    const bound = results.reduce((s, r) => s + (Number.isFinite(r.bound) ? r.bound : 0), 0);
    const stations = results.reduce((s, r) => s + r.groups.length, 0);
    const gap = Math.max(0, (objective - bound) / Math.max(1, Math.abs(objective)));
    const status = [...statuses].map(([s, n]) => `${s} ${n}`).join(', ');
    console.log(`| ${inst.name} | ${ctx.members.length} | ${ctx.offices.length} | ${fmt(readMs)} | ${fmt(ctxMs)} | ${engine} | ${fmt(median(times))} (${fmt(Math.min(...times))}–${fmt(Math.max(...times))}) | ${status} | ${stations} | ${objective.toFixed(4)} | ${gap.toExponential(1)} |`);
  }
}
