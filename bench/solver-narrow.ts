/**
 * One street office through `solveStreetOffice` of a given build, in its own process, with CPU
 * time: the narrow components of issue 10 (Providence with merge weight 0) measured beside a
 * baseline build in the same run.
 *
 * Run: npm run build && npx tsx bench/solver-narrow.ts [--dist dist] [--office 44007] [--cap 5]
 *      [--merge 0] [--limit-ms 30000] [--scenario ri-2010]
 *   --dist /tmp/base/dist measures the baseline's built modules instead of this build's.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: resolve(import.meta.dirname, '../dist') },
    office: { type: 'string', default: '44007' },
    cap: { type: 'string', default: '5' },
    merge: { type: 'string', default: '0' },
    'limit-ms': { type: 'string', default: '30000' },
    scenario: { type: 'string', default: 'ri-2010' },
  },
});
const dist = resolve(values.dist!);
const load = (p: string): Promise<Record<string, (...a: never[]) => unknown>> => import(pathToFileURL(`${dist}/${p}`).href) as Promise<Record<string, (...a: never[]) => unknown>>;
const { loadScenario } = await load('cli/load.js') as unknown as { loadScenario: (s: string) => Promise<{ scenario: { rules: object; weights: object }; dataset: unknown }> };
const { makePlanContext, makeStreetOfficeProblem } = await load('solver/pipeline.js') as unknown as {
  makePlanContext: (d: unknown, s: unknown) => unknown; makeStreetOfficeProblem: (c: unknown, o: string) => unknown;
};
const { loadEngines, solveStreetOffice } = await load('solver/solve.js') as unknown as {
  loadEngines: () => Promise<unknown>;
  solveStreetOffice: (p: unknown, e: unknown, o: object) => { status: string; objective: number; bound: number; gap: number; ms: number; candidates: number };
};
const loaded = await loadScenario(values.scenario!);
const scenario = {
  ...loaded.scenario,
  rules: { ...loaded.scenario.rules, maxCommitteesPerStation: Number(values.cap) },
  weights: { ...loaded.scenario.weights, ...(values.merge !== '' ? { merge: Number(values.merge) } : {}) },
};
const ctx = makePlanContext(loaded.dataset, scenario);
const engines = await loadEngines();
for (const office of values.office!.split(',')) {
  const problem = makeStreetOfficeProblem(ctx, office);
  const c0 = process.cpuUsage();
  const r = solveStreetOffice(problem, engines, { timeLimitMs: Number(values['limit-ms']) });
  const c = process.cpuUsage(c0);
  console.log(`${dist} | ${office} | ${r.candidates} | ${r.status} | ${r.objective.toFixed(4)} | ${r.bound.toFixed(4)} | ${(r.gap * 100).toFixed(2)}% | ${(r.ms / 1000).toFixed(1)} s | ${((c.user + c.system) / 1e6).toFixed(1)} s | ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB | load ${os.loadavg()[0]!.toFixed(1)}`);
}
