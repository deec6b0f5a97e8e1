/**
 * Does the time limit hold? Solves instances that are hard on purpose with a budget and prints,
 * per street office, status, objective, bound and gap, and the wall time of the whole solve
 * beside the budget (it must stay within budget + 10% + 2 s).
 *
 * Run: npx tsx bench/solver-budget.ts [--instance tracts|ri] [--committees 250] [--seed 3]
 *      [--limit-ms 5000] [--workers 0|N] [--merge W] [--cap N]
 *   tracts: generated real-like tracts (bench/generate --tracts), band 4,000–8,000, cap 5
 *   ri:     ri-2010 (Rhode Island tracts), merge weight 0, cap 6
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenario } from '../cli/load.js';
import { makeSolvePool, solvePlanWithPool } from '../scenarios/solve-pool.js';
import { makePlanContext, solvePlan } from '../solver/pipeline.js';
import { loadEngines } from '../solver/solve.js';
import { generateDistrict } from './generate/district.js';

const { values } = parseArgs({
  options: {
    instance: { type: 'string', default: 'tracts' }, committees: { type: 'string', default: '250' }, seed: { type: 'string', default: '3' },
    'limit-ms': { type: 'string', default: '5000' }, workers: { type: 'string', default: '0' }, merge: { type: 'string' }, cap: { type: 'string' },
  },
});
const limitMs = Number(values['limit-ms']);
const workers = Number(values.workers);

function scenarioPath(): string {
  if (values.instance === 'ri') return 'scenarios/ri-2010/scenario.json';
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-budget-'));
  writeFileSync(join(dir, 'd.geojson'), JSON.stringify(generateDistrict({ committees: Number(values.committees), seed: Number(values.seed), tracts: true })));
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 'tracts', dataset: 'd.geojson', rules: { households: { min: 4000, max: 8000 }, maxCommitteesPerStation: 5 } }));
  return join(dir, 'scenario.json');
}

const loaded = await loadScenario(scenarioPath());
const scenario = structuredClone(loaded.scenario);
scenario.solver.timeLimitMs = limitMs;
if (values.instance === 'ri') { scenario.weights.merge = 0; scenario.rules.maxCommitteesPerStation = 6; }
if (values.merge !== undefined) scenario.weights.merge = Number(values.merge);
if (values.cap !== undefined) scenario.rules.maxCommitteesPerStation = Number(values.cap);
const ctx = makePlanContext(loaded.dataset, scenario);
const engines = await loadEngines();
const t0 = Date.now();
let outcome;
if (workers > 0) {
  const pool = await makeSolvePool({ workers });
  outcome = await solvePlanWithPool(ctx, pool);
  await pool.close();
} else {
  outcome = solvePlan(ctx, engines);
}
const wall = Date.now() - t0;
for (const o of outcome.summary.streetOffices) {
  const s = o.solver;
  console.log(`${o.name}: ${ctx.byOffice.get(o.name)!.length} units, ${s?.status} objective ${s?.objective.toFixed(4)} bound ${s?.bound.toFixed(4)} gap ${((s?.gap ?? 0) * 100).toFixed(2)}% candidates ${s?.candidates} ms ${s?.ms}${s?.notes ? ` — ${s.notes.join('; ')}` : ''}`);
}
const sv = outcome.summary.solver;
console.log(`all: ${sv.status} objective ${sv.objective.toFixed(4)} bound ${sv.bound?.toFixed(4)} gap ${((sv.gap ?? 0) * 100).toFixed(2)}%; wall ${wall} ms for a budget of ${limitMs} ms (allowed ${Math.round(limitMs * 1.1 + 2000)} ms)`);
