/**
 * The solver alone, in process, side by side with a baseline checkout: `solveStreetOffice`
 * (enumeration, dominance, partition) on each street office of the instances of
 * bench/solver-proofs.ts, with wall and CPU time per office (CPU is what a loaded machine leaves
 * comparable). The baseline is a source checkout with its node_modules (its modules are loaded
 * from there by tsx).
 *
 * Instances: tracts-250, ri-one (default objective), their -hard variants (facility, shape,
 * type, enclave and merge weights 0), tracts-5000 (5,000 generated tracts in 31 groups, cap 6).
 * Run: npx tsx bench/solver-offices.ts [--base /tmp/base] [--instances tracts-250,ri-one]
 *      [--limit-ms 30000]   (the limit of each street office)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    instances: { type: 'string', default: 'tracts-250,ri-one,tracts-250-hard,ri-one-hard,tracts-5000' },
    'limit-ms': { type: 'string', default: '30000' },
    one: { type: 'string' },
  },
});
const here = resolve(import.meta.dirname, '..');
const HARD = { merge: 0, facility: { office: 0, service: 0, plaza: 0 }, compactness: 0, typeMix: 0, enclaveLink: 0 };

/** One instance through the solver of the checkout at `root`: a table row. */
async function run(root: string, label: string, inst: string, limitMs: number): Promise<string> {
  const { generateDistrict } = await import(`${root}/bench/generate/district.js`) as typeof import('./generate/district.js');
  const { readCommittees } = await import(`${root}/geo/ingest.js`) as typeof import('../geo/ingest.js');
  const { makeDefaultScenario } = await import(`${root}/scenarios/defaults.js`) as typeof import('../scenarios/defaults.js');
  const { makePlanContext, makeStreetOfficeProblem } = await import(`${root}/solver/pipeline.js`) as typeof import('../solver/pipeline.js');
  const { loadEngines, solveStreetOffice } = await import(`${root}/solver/solve.js`) as typeof import('../solver/solve.js');
  const engines = await loadEngines();
  let json: unknown;
  let mapping: Record<string, string> | undefined;
  if (inst === 'tracts-5000') json = generateDistrict({ committees: 5000, seed: 5, tracts: true, streetOfficeSize: [140, 200] });
  else if (inst.startsWith('tracts-250')) json = generateDistrict({ committees: 250, seed: 3, tracts: true });
  else {
    const fc = JSON.parse(readFileSync(resolve(here, 'tests/fixtures/real/ri-tracts-2010.geojson'), 'utf8')) as { features: { properties: Record<string, unknown> }[] };
    for (const f of fc.features) f.properties.group = 'RI';
    json = fc;
    mapping = { id: 'GEOID10', name: 'name', households: 'households2010', streetOffice: 'group', population: 'pop2010' };
  }
  const dataset = readCommittees(json, { ...(mapping ? { mapping: mapping as never } : {}), topology: false }).dataset;
  if (!dataset) throw new Error(`${inst}: the dataset did not read`);
  const s = makeDefaultScenario(inst);
  s.rules.households = { min: 4000, max: 8000 };
  s.rules.maxCommitteesPerStation = inst === 'tracts-5000' ? 6 : 5;
  if (inst.endsWith('-hard')) Object.assign(s.weights, HARD);
  const ctx = makePlanContext(dataset, s);
  let cpuAll = 0, wallAll = 0, proven = 0, objective = 0, bound = 0, candidates = 0;
  const cpus: number[] = [];
  for (const office of ctx.offices) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = solveStreetOffice(makeStreetOfficeProblem(ctx, office), engines, { timeLimitMs: limitMs });
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    cpuAll += cpu; wallAll += (performance.now() - t0) / 1000; cpus.push(cpu);
    if (r.status === 'optimal') proven++;
    objective += r.objective; bound += r.bound; candidates += r.candidates;
  }
  cpus.sort((a, b) => a - b);
  const gap = (objective - bound) / Math.abs(objective);
  const per = ctx.offices.length > 1 ? ` (per office: median ${cpus[cpus.length >> 1]!.toFixed(1)} s, max ${cpus[cpus.length - 1]!.toFixed(1)} s)` : '';
  return `| ${inst} | ${label} | ${candidates} | ${proven} of ${ctx.offices.length} proven, ${objective.toFixed(2)}, ${bound.toFixed(2)}, ${(gap * 100).toFixed(2)}% | ${wallAll.toFixed(1)} s / ${cpuAll.toFixed(1)} s${per} |`;
}

const limitMs = Number(values['limit-ms']);
if (values.one !== undefined) {
  // one build and instance in this process: `root|label|instance`
  const [root, label, inst] = values.one.split('|') as [string, string, string];
  console.log(await run(root, label, inst, limitMs));
} else {
  console.log(`node ${process.version}, ${new Date().toISOString()}, limit per street office ${limitMs} ms`);
  console.log('| instance | build | candidates | proven, objective, bound, gap | wall / CPU |');
  console.log('|---|---|---:|---|---|');
  // each build and instance in a process of its own (no module or JIT state shared)
  for (const inst of values.instances!.split(',')) {
    for (const [root, label] of [...(values.base ? [[resolve(values.base), 'base']] : []), [here, 'this']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', `${root}|${label}|${inst}`, '--limit-ms', String(limitMs)], { encoding: 'utf8', cwd: here });
      process.stdout.write(r.status === 0 ? r.stdout : `| ${inst} | ${label} | failed: ${r.stderr.slice(-500)} |\n`);
    }
  }
}
