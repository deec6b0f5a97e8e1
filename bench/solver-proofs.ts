/**
 * The proof targets of issue 10, side by side: each instance through the real `yizhan plan`
 * command (reading, adjacency, solving, writing) of this build and of a baseline build, with its
 * wall and CPU time, status, objective, bound and gap.
 *
 * Instances (written to --dir):
 *   tracts-250        250 generated real-like tracts in one group (bench/generate --tracts), band
 *                     4,000–8,000, cap 5, default objective
 *   tracts-250-hard   the same, facility, shape, type, enclave and merge weights 0
 *   tracts-5000       5,000 generated tracts in about 30 groups, cap 6, default objective
 *   ri-merge0         ri-2010, merge weight 0, cap 5 (Providence is the hard county)
 *   ri-merge0-cap6    ri-2010, merge weight 0, cap 6
 *   ri-one            the 244 real Rhode Island tracts as one group, cap 5, default objective
 *   ri-one-hard       the same with the hard objective
 *
 * Run: npm run build && npx tsx bench/solver-proofs.ts [--base /tmp/base/dist/cli/bin.js]
 *      [--instances tracts-250,ri-merge0] [--limit-ms 30000] [--dir /tmp/yizhan-proofs]
 * Each plan is checked by the command itself (an unchecked plan is an error there).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDistrict } from './generate/district.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    instances: { type: 'string', default: 'tracts-250,tracts-250-hard,ri-merge0,ri-merge0-cap6,ri-one,ri-one-hard,tracts-5000' },
    'limit-ms': { type: 'string' },
    dir: { type: 'string', default: join(os.tmpdir(), 'yizhan-proofs') },
  },
});
const root = resolve(import.meta.dirname, '..');
const dir = values.dir!;
mkdirSync(dir, { recursive: true });

const HARD = { merge: 0, facility: { office: 0, service: 0, plaza: 0 }, compactness: 0, typeMix: 0, enclaveLink: 0 };
const RI = join(root, 'tests/fixtures/real/ri-tracts-2010.geojson');
const RI_MAPPING = { id: 'GEOID10', name: 'name', households: 'households2010', streetOffice: 'county_fips', population: 'pop2010' };

/** The instance's scenario file (written once), and the budget it is measured with. */
function makeInstance(name: string): { file: string; limitMs: number } {
  const file = join(dir, name, 'scenario.json');
  mkdirSync(join(dir, name), { recursive: true });
  const band = { households: { min: 4000, max: 8000 } };
  const write = (scenario: object): void => writeFileSync(file, JSON.stringify({ name, ...scenario }, null, 1));
  const gen = (committees: number, seed: number, size?: [number, number]): string => {
    const path = join(dir, `tracts-${committees}-${seed}.geojson`);
    if (!existsSync(path)) writeFileSync(path, JSON.stringify(generateDistrict({ committees, seed, tracts: true, ...(size ? { streetOfficeSize: size } : {}) })));
    return path;
  };
  switch (name) {
    case 'tracts-250': write({ dataset: gen(250, 3), rules: { ...band, maxCommitteesPerStation: 5 } }); return { file, limitMs: 10_000 };
    case 'tracts-250-hard': write({ dataset: gen(250, 3), rules: { ...band, maxCommitteesPerStation: 5 }, weights: HARD }); return { file, limitMs: 30_000 };
    case 'tracts-5000': write({ dataset: gen(5000, 5, [140, 200]), rules: { ...band, maxCommitteesPerStation: 6 } }); return { file, limitMs: 60_000 };
    case 'ri-merge0': write({ dataset: RI, mapping: RI_MAPPING, rules: { ...band, maxCommitteesPerStation: 5 }, weights: { merge: 0 } }); return { file, limitMs: 2_000 };
    case 'ri-merge0-cap6': write({ dataset: RI, mapping: RI_MAPPING, rules: { ...band, maxCommitteesPerStation: 6 }, weights: { merge: 0 } }); return { file, limitMs: 10_000 };
    case 'ri-one':
    case 'ri-one-hard': {
      const path = join(dir, 'ri-one.geojson');
      if (!existsSync(path)) {
        const fc = JSON.parse(readFileSync(RI, 'utf8')) as { features: { properties: Record<string, unknown> }[] };
        for (const f of fc.features) f.properties.group = 'RI';
        writeFileSync(path, JSON.stringify(fc));
      }
      write({ dataset: path, mapping: { ...RI_MAPPING, streetOffice: 'group' }, rules: { ...band, maxCommitteesPerStation: 5 }, ...(name === 'ri-one-hard' ? { weights: HARD } : {}) });
      return { file, limitMs: name === 'ri-one' ? 10_000 : 30_000 };
    }
    default: throw new Error(`unknown instance ${name}`);
  }
}

interface Run { wallMs: number; cpuMs: number; status: string; objective: number; bound: number; gap: number; solverMs: number; offices: string }

/** One `yizhan plan` run, timed by GNU time when present (CPU of the process and its children). */
function runPlan(bin: string, scenario: string, limitMs: number, out: string): Run {
  const text = JSON.parse(readFileSync(scenario, 'utf8')) as Record<string, unknown>;
  const withLimit = join(out, 'scenario.json');
  mkdirSync(out, { recursive: true });
  writeFileSync(withLimit, JSON.stringify({ ...text, dataset: resolve(String(text.dataset)), solver: { timeLimitMs: limitMs } }));
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, bin, 'plan', withLimit, '--out', join(out, 'plan'), '--no-map', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [u, s] = last.split(' ').map(Number);
  const summaryPath = join(out, 'plan', 'summary.json');
  if (!existsSync(summaryPath)) throw new Error(`no summary from ${bin}: ${r.stderr.slice(-2000)}`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { solver: { status: string; objective: number; bound: number; gap: number; ms: number }; streetOffices: { solver: { status: string } | null }[] };
  const counts = new Map<string, number>();
  for (const o of summary.streetOffices) { const st = o.solver?.status ?? '-'; counts.set(st, (counts.get(st) ?? 0) + 1); }
  return {
    wallMs, cpuMs: ((u ?? NaN) + (s ?? NaN)) * 1000, status: summary.solver.status, objective: summary.solver.objective,
    bound: summary.solver.bound, gap: summary.solver.gap, solverMs: summary.solver.ms, offices: [...counts].map(([k, v]) => `${v} ${k}`).join(', '),
  };
}

const fmt = (r: Run): string => `${(r.solverMs / 1000).toFixed(1)} s / ${(r.wallMs / 1000).toFixed(1)} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s), ${r.status} (${r.offices}), ${r.objective.toFixed(2)}, ${r.bound.toFixed(2)}, ${(r.gap * 100).toFixed(2)}%`;

const head = `machine: ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, node ${process.version}, ${new Date().toISOString()}`;
console.log(head);
const gitHead = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
console.log(`this build: ${gitHead}${values.base ? `; baseline: ${values.base}` : ''}`);
for (const name of values.instances!.split(',')) {
  const { file, limitMs: defaultLimit } = makeInstance(name);
  const limitMs = values['limit-ms'] !== undefined ? Number(values['limit-ms']) : defaultLimit;
  const allowed = limitMs * 1.1 + 2000;
  const load = os.loadavg()[0]!.toFixed(1);
  const after = runPlan(join(root, 'dist/cli/bin.js'), file, limitMs, join(dir, name, 'after'));
  const before = values.base ? runPlan(values.base, file, limitMs, join(dir, name, 'before')) : null;
  console.log(`| ${name} | ${limitMs / 1000} s | ${before ? fmt(before) : '-'} | ${fmt(after)}${after.wallMs > allowed ? ' OVER' : ''} | ${load} |`);
}
