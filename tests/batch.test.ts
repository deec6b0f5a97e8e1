/**
 * `yizhan batch`: the grid expansion and comparison rows (pure), the worker pool (same plan for
 * any number of workers), progress lines, and the command end to end in child processes:
 * an infeasible variation is reported and the batch goes on, and an interrupted batch resumes
 * without redoing finished variations and ends with the same comparison as an uninterrupted one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { formatDuration, formatProgressLine, makeBatchProgress } from '../cli/progress.js';
import {
  checkWhatIf, expandVariations, formatComparisonCsv, makeComparisonRow, makeRowSummary, makeVariationInput, type Variation,
} from '../scenarios/batch.js';
import { makeSlimProblem, makeSolvePool, solvePlanRendered, solvePlanWithPool } from '../scenarios/solve-pool.js';
import { packGeometries, unpackGeometries } from '../scenarios/office-job.js';
import { makePlanFiles } from '../cli/plan-commands.js';
import type { Dataset } from '../geo/types.js';
import type { WhatIfFile } from '../scenarios/whatif-schema.js';
import { makePlanContext, makeStreetOfficeProblem, solvePlan } from '../solver/pipeline.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { makePlanTextZh } from '../render/text.js';
import { loadEngines } from '../solver/solve.js';
import type { PlanSummary, Station } from '../solver/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'tests/fixtures/whatif');
const hasGdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).status === 0;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'yizhan-batch-'));

/** JSON without the wall-clock fields (`ms`), which differ between any two runs. */
const withoutTimes = (x: unknown): string => JSON.stringify(x, (k, v: unknown) => (k === 'ms' ? undefined : v));

/** RFC 4180 CSV → rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r') continue;
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  return rows;
}

/** The comparison CSV without its `ms` column. */
function comparisonWithoutTimes(dir: string): string[][] {
  const rows = parseCsv(readFileSync(join(dir, 'comparison.csv'), 'utf8'));
  const at = rows[0]!.indexOf('ms');
  expect(at).toBeGreaterThan(0);
  return rows.map((r) => r.filter((_, i) => i !== at));
}

describe('the what-if grid', () => {
  const file: WhatIfFile = {
    name: 'w',
    datasets: ['a/scenario.json', 'luohu-2006'],
    grid: { 'rules.households.min': [5000, 6000], 'rules.maxCommitteesPerStation': [2, 3, 4] },
  };

  it('is the cartesian product, datasets outermost and the last key fastest', () => {
    const vs = expandVariations(file);
    expect(vs).toHaveLength(2 * 2 * 3);
    const expected: unknown[][] = [];
    for (const d of file.datasets) for (const min of [5000, 6000]) for (const cap of [2, 3, 4]) expected.push([d, min, cap]);
    expect(vs.map((v) => [v.dataset, ...v.values])).toEqual(expected);
    expect(vs.map((v) => v.index)).toEqual(vs.map((_, i) => i));
    expect(new Set(vs.map((v) => v.id)).size).toBe(vs.length);
    for (const v of vs) expect(v.id).toMatch(/^[\p{L}\p{N}._+~-]+$/u);
  });

  it('gives stable ids: the same combination keeps its id when other values are added', () => {
    const more = expandVariations({ ...file, grid: { 'rules.households.min': [4000, 5000, 6000], 'rules.maxCommitteesPerStation': [4, 2] } });
    const byValues = (vs: Variation[]) => new Map(vs.map((v) => [JSON.stringify([v.dataset, v.values]), v.id]));
    const before = byValues(expandVariations(file));
    const after = byValues(more);
    let shared = 0;
    for (const [k, id] of after) if (before.has(k)) { expect(id).toBe(before.get(k)); shared++; }
    expect(shared).toBe(2 * 2 * 2);
    expect(expandVariations(file).map((v) => v.id)).toEqual(expandVariations(structuredClone(file)).map((v) => v.id));
  });

  it('keeps ids unique when two values slug alike, and names datasets as told', () => {
    const vs = expandVariations({ name: 'w', datasets: ['x.json'], grid: { 'locks.keep': [['a b'], ['a-b']] } }, { datasetNames: ['罗湖'] });
    expect(vs).toHaveLength(2);
    expect(vs[0]!.id).not.toBe(vs[1]!.id);
    for (const v of vs) expect(v.id.startsWith('罗湖__keep-a-b~')).toBe(true);
  });

  it('rejects an unknown path, naming it, and a wrong value, naming key and index', () => {
    const r = checkWhatIf({ name: 'w', datasets: ['d.json'], grid: { 'rules.household.min': [1], 'rules.maxCommitteesPerStation': [2, 'three'], 'name': ['x'] } });
    expect(r.file).toBeUndefined();
    const messages = r.problems.map((p) => p.message).join('\n');
    expect(messages).toContain('rules.household.min');
    expect(messages).toContain('grid["rules.maxCommitteesPerStation"][1]');
    expect(messages).toContain('"name"');
    expect(r.problems.map((p) => p.field)).toContain('grid["rules.household.min"]');
    expect(checkWhatIf({ name: 'w', datasets: ['d.json', 'd.json'] }).problems[0]?.code).toBe('whatif-dataset-duplicate');
    expect(checkWhatIf({ name: 'w', datasets: ['d.json'], grid: {}, extra: 1 }).problems[0]?.code).toBe('whatif-field-unknown');
    expect(checkWhatIf({ name: 'w', datasets: ['d.json'], grid: { 'rules.households': [{ min: 5000, max: 9000 }] } }).file).toBeDefined();
  });

  it('builds a variation from the dataset scenario, then base, then the grid, without touching its inputs', () => {
    const f: WhatIfFile = {
      name: 'w', datasets: ['d.json'],
      base: { rules: { households: { max: 12000 } }, weights: { station: 5 } },
      grid: { 'rules.households': [{ min: 4000 }], 'weights.station': [2] },
    };
    const fields = { rules: { households: { min: 1, max: 2 }, maxCommitteesPerStation: 4 }, locks: { keep: ['A'] } };
    const snapshot = JSON.stringify([f, fields]);
    const input = makeVariationInput(f, expandVariations(f)[0]!, fields, 'v');
    expect(input).toEqual({
      name: 'v',
      rules: { households: { min: 4000, max: 12000 }, maxCommitteesPerStation: 4 },
      weights: { station: 2 },
      locks: { keep: ['A'] },
    });
    expect(JSON.stringify([f, fields])).toBe(snapshot);
  });
});

describe('comparison rows', () => {
  const variation = expandVariations({ name: 'w', datasets: ['d.json'], grid: { 'weights.station': [1] } })[0]!;
  const station = (households: number, checks: Partial<Station['checks']>): Station => ({
    id: `s${households}`, streetOffice: 'S', committeeIds: [], committees: [], host: '', households, population: 0, office: 0, service: 0,
    plaza: 0, staff: 0, partyMembers: 0, party: 'none', areaM2: 0, enclaveLinks: [], cost: 0,
    checks: { households: 'ok', office: true, service: false, plaza: true, contiguous: true, ...checks },
  });
  const summary = (stations: Station[], status: PlanSummary['solver']['status'], violations: PlanSummary['checks']['violations'] = []): PlanSummary => ({
    scenario: 'w', stationsBefore: 7, stationsAfter: stations.length,
    solver: { status, objective: 3.5, ms: 12 },
    streetOffices: [{ name: 'S', stationsBefore: 7, stationsAfter: stations.length, stations, solver: null }],
    checks: { violations, facilityTargets: {} as PlanSummary['checks']['facilityTargets'], staffBefore: 0, staffAfter: 0 },
  });

  it('computes shares, mean, spread and range from the stations', () => {
    const hh = [6000, 9000, 4000, 12000];
    const stations = [station(6000, {}), station(9000, { office: false }), station(4000, { households: 'under', plaza: false }), station(12000, { households: 'exempt' })];
    const row = makeComparisonRow(variation, { summary: summary(stations, 'optimal') });
    const mean = hh.reduce((a, b) => a + b) / hh.length;
    const meanSq = hh.reduce((a, b) => a + b * b, 0) / hh.length;
    expect(row.householdsMean).toBeCloseTo(mean, 9);
    expect(row.householdsSd).toBeCloseTo(Math.sqrt(meanSq - mean * mean), 6);
    expect([row.householdsMin, row.householdsMax]).toEqual([Math.min(...hh), Math.max(...hh)]);
    expect(row.inBand).toBe(3 / 4);
    expect([row.office, row.service, row.plaza]).toEqual([3 / 4, 0, 3 / 4]);
    expect([row.stationsBefore, row.stationsAfter, row.objective, row.status, row.reason]).toEqual([7, 4, 3.5, 'optimal', '']);
  });

  it('makeRowSummary gives the row that the summary read back from its JSON gives, with NaN, Infinity and -0 households', () => {
    const stations = [station(6000, {}), station(Number.NaN, { office: false }), station(-0, {}), station(Number.POSITIVE_INFINITY, { plaza: false })];
    const s = summary(stations, 'optimal');
    const fromFile = makeComparisonRow(variation, { summary: JSON.parse(JSON.stringify(s)) as typeof s });
    expect(makeComparisonRow(variation, { summary: makeRowSummary(s) })).toEqual(fromFile);
    expect(Object.is(makeRowSummary(s).streetOffices[0]!.stations[2]!.households, 0)).toBe(true);
  });

  it('leaves the share of a facility kind that is not in the data blank, not 0, also through makeRowSummary', () => {
    const stations = [station(6000, {}), station(9000, { office: false })];
    const s = summary(stations, 'optimal');
    const target = (noData: boolean) => ({ met: 0, stations: 2, share: 0, target: 0.5, ok: false, ...(noData ? { noData: true as const } : {}) });
    s.checks.facilityTargets = { office: target(false), service: target(true), plaza: target(true) };
    const row = makeComparisonRow(variation, { summary: s });
    expect([row.office, row.service, row.plaza]).toEqual([1 / 2, null, null]);
    expect(makeComparisonRow(variation, { summary: makeRowSummary(s) })).toEqual(row);
    const csv = parseCsv(formatComparisonCsv([row], ['weights.station']));
    expect(csv[1]![csv[0]!.indexOf('serviceShare')]).toBe('');
    expect(Number(csv[1]![csv[0]!.indexOf('officeShare')])).toBe(0.5);
  });

  it('blanks the plan figures of an infeasible variation and gives the reason; quotes it in CSV', () => {
    const reason = 'S: A together lock joins "A", B, but no station connects them';
    const row = makeComparisonRow(variation, { summary: summary([], 'infeasible', [{ rule: 'infeasible', severity: 'fatal', message: reason }]) });
    expect(row.status).toBe('infeasible');
    expect(row.reason).toBe(reason);
    expect(row.stationsAfter).toBeNull();
    expect(row.householdsMean).toBeNull();
    const csv = parseCsv(formatComparisonCsv([row], ['weights.station']));
    expect(csv[1]![csv[0]!.indexOf('reason')]).toBe(reason);
    expect(csv[1]![csv[0]!.indexOf('stationsAfter')]).toBe('');
    expect(csv[1]![csv[0]!.indexOf('weights.station')]).toBe('1');
    const invalid = makeComparisonRow(variation, { invalid: 'rules.households: min 9000 is above max 8000' });
    expect([invalid.status, invalid.reason]).toEqual(['invalid', 'rules.households: min 9000 is above max 8000']);
  });
});

describe('progress', () => {
  it('reports counts, rate and time left', () => {
    const line = formatProgressLine({ variationsDone: 3, variationsTotal: 18, officesDone: 400, officesTotal: 900, elapsedMs: 10_000 });
    expect(line).toBe(`variations 3/18 · street offices 400/900 · ${(40).toFixed(1)}/s · ETA ${formatDuration((500 / 40) * 1000)}`);
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatProgressLine({ variationsDone: 0, variationsTotal: 1, officesDone: 0, officesTotal: 9, elapsedMs: 0 })).toContain('ETA –');
  });

  it('writes a plain line per variation off a terminal, and one updating line on a terminal', () => {
    let t = 0;
    const plain: string[] = [];
    const p = makeBatchProgress({ write: (s) => plain.push(s), isTty: false, variations: 2, offices: 4, now: () => t });
    for (let i = 0; i < 4; i++) { t += 500; p.office(); }
    p.variation('[1/2] a: optimal');
    p.finish();
    expect(plain).toEqual([`[1/2] a: optimal · variations 1/2 · street offices 4/4 · 2.0/s · ETA 0:00\n`]);
    const tty: string[] = [];
    t = 0;
    const q = makeBatchProgress({ write: (s) => tty.push(s), isTty: true, variations: 2, offices: 4, now: () => t, redrawMs: 100 });
    q.office(); t += 10; q.office(); t += 200; q.office();
    expect(tty).toHaveLength(2);
    for (const s of tty) expect(s.startsWith('\r\x1b[K')).toBe(true);
    q.finish();
    expect(tty.at(-1)).toBe('\r\x1b[K');
  });
});

describe('the worker pool', () => {
  let reference: PlanOutcome;
  let ctx: ReturnType<typeof makePlanContext>;
  let dataset: Dataset;
  beforeAll(async () => {
    const loaded = await loadScenario(join(fixtures, 'scenario.json'));
    dataset = loaded.dataset;
    ctx = makePlanContext(loaded.dataset, loaded.scenario);
    reference = solvePlan(ctx, await loadEngines());
  });

  it('sends the solver what it reads: no geometry, only the office adjacency', () => {
    const problem = makeStreetOfficeProblem(ctx, ctx.offices[0]!);
    const slim = makeSlimProblem(problem);
    const ids = new Set(problem.committees.map((c) => c.id));
    expect(slim.committees.every((c) => c.geometry.length === 0)).toBe(true);
    expect([...slim.graph.border.keys()].every((id) => ids.has(id))).toBe(true);
    expect([...slim.graph.border.values()].every((row) => [...row.keys()].every((id) => ids.has(id)))).toBe(true);
    expect(problem.committees.every((c) => c.geometry.length > 0)).toBe(true); // input untouched
  });

  it.each([0, 1, 3])('assembles the same plan as solvePlan with %i worker(s)', async (workers) => {
    expect(ctx.offices.length).toBeGreaterThan(3);
    const pool = await makeSolvePool({ workers });
    try {
      let solved = 0;
      const outcome = await solvePlanWithPool(ctx, pool, () => solved++);
      expect(solved).toBe(ctx.offices.length);
      expect(reference.summary.solver.status).toBe('optimal');
      expect(withoutTimes(outcome.summary)).toBe(withoutTimes(reference.summary));
      expect(makePlanTextZh(outcome.summary.streetOffices, outcome.isUnchanged)).toBe(makePlanTextZh(reference.summary.streetOffices, reference.isUnchanged));
    } finally {
      await pool.close();
    }
  });

  it('packs geometry into typed arrays and back to the same numbers', () => {
    const parts = dataset.committees.map((c) => c.geometry);
    const packed = packGeometries(parts);
    expect(packed.coords).toBeInstanceOf(Float64Array);
    expect(unpackGeometries(packed)).toEqual(parts);
    expect(unpackGeometries(packGeometries([[], ...parts.slice(0, 2)]))).toEqual([[], ...parts.slice(0, 2)]);
  });

  it.each([0, 1, 3])('finishes each street office in its worker: the same plan and the same GeoJSON bytes with %i worker(s)', async (workers) => {
    const pool = await makeSolvePool({ workers });
    try {
      let solved = 0;
      const rendered = await solvePlanRendered(ctx, pool, dataset.committees, () => solved++);
      expect(solved).toBe(ctx.offices.length);
      expect(withoutTimes(rendered.outcome.summary)).toBe(withoutTimes(reference.summary));
      // against today's files, made in this thread from the reference plan
      const files = makePlanFiles(reference, dataset, 't');
      expect(reference.stations.some((s) => s.committeeIds.length > 1)).toBe(true); // outlines dissolved in the workers
      expect(rendered.stationsGeoJson + '\n').toBe(files['stations.geojson']);
      expect(rendered.committeesGeoJson + '\n').toBe(files['committees.geojson']);
      const made = makePlanFiles(rendered.outcome, dataset, 't', { rendered });
      for (const name of ['stations.geojson', 'committees.geojson', 'plan.csv', 'plan.zh.md']) expect(made[name], name).toBe(files[name]);
    } finally {
      await pool.close();
    }
  });

  it('finishes a street office whose worker was stopped at its deadline in this thread, with the same bytes', async () => {
    const pool = await makeSolvePool({ workers: 1, graceMs: 0 });
    try {
      const office = ctx.offices[0]!;
      const { makeOfficeExtras, finishOfficeJob } = await import('../scenarios/office-job.js');
      const problem = makeStreetOfficeProblem(ctx, office);
      // a deadline already past: the watchdog stops the worker and the office is finished here
      const answer = await pool.solveOffice(problem, makeOfficeExtras(ctx, office), { deadline: Date.now() - 10 });
      expect(pool.stopped).toBe(1); // (a worker takes far longer than the 5 ms of the watchdog to start)
      expect(answer.stations.length).toBeGreaterThan(0);
      const again = finishOfficeJob(makeSlimProblem(problem), makeOfficeExtras(ctx, office), answer.result);
      expect(answer.stationFirsts).toEqual(again.stationFirsts);
      expect(Buffer.from(answer.stationBytes).equals(again.stationBytes)).toBe(true);
      expect(Buffer.from(answer.committeeBytes).equals(again.committeeBytes)).toBe(true);
      expect(answer.committeeSpans).toEqual(again.committeeSpans);
    } finally {
      await pool.close();
    }
  });

  it('rejects jobs once closed', async () => {
    const pool = await makeSolvePool({ workers: 1 });
    await pool.close();
    await expect(pool.solve(makeStreetOfficeProblem(ctx, ctx.offices[0]!))).rejects.toThrow('closed');
  });
});

/** The command from the sources (tsx), as a child process. */
const cliArgs = (...args: string[]): string[] => ['--import', 'tsx', join(root, 'cli/bin.ts'), 'batch', ...args];
/** Runs a command without blocking the test worker (a long spawnSync starves vitest's RPC with it). */
function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => { stdout += t; });
    child.stderr!.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
    child.on('error', reject);
    child.on('close', (code: number | null) => resolve({ code, stdout, stderr }));
  });
}
function yizhanBatch(...args: string[]) {
  return run(cliArgs(...args), { ...process.env, NO_COLOR: '1' });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

describe('yizhan batch, overlap and gap checks in a worker', () => {
  it('notes the overlaps found in a worker as in the main thread, once the variations are done', async () => {
    // the grid with committee 1 drawn over committee 0: an overlap (a warning; the batch runs)
    const dir = tmp();
    const grid = JSON.parse(readFileSync(join(fixtures, 'grid.geojson'), 'utf8')) as { features: { geometry: unknown }[] };
    grid.features[1]!.geometry = grid.features[0]!.geometry;
    writeFileSync(join(dir, 'grid.geojson'), JSON.stringify(grid));
    writeFileSync(join(dir, 'whatif.json'), JSON.stringify({ name: 'overlap', datasets: ['grid.geojson'] }));
    const notes: string[] = [];
    for (const workers of ['2', '0']) {
      const r = await yizhanBatch(join(dir, 'whatif.json'), '--out', join(dir, `out-${workers}`), '--workers', workers, '--quiet');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.code).toBe(0);
      const lines = r.stderr.split('\n');
      const note = lines.findIndex((l) => /^note: \d+ overlap\/gap warning\(s\) between committees/.test(l));
      expect(note, r.stderr).toBeGreaterThanOrEqual(0);
      expect(note).toBeLessThan(lines.findIndex((l) => l.startsWith('wrote '))); // before the last line
      notes.push(lines[note]!);
    }
    expect(notes[0]).toBe(notes[1]);
    expect(Number(/^note: (\d+)/.exec(notes[0]!)![1])).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe('yizhan batch, end to end', () => {
  const sweep = join(fixtures, 'sweep.json');
  const reference = tmp();
  let first: Awaited<ReturnType<typeof yizhanBatch>>;
  beforeAll(async () => {
    first = await yizhanBatch(sweep, '--out', reference, '--workers', '2');
  }, 120_000);

  it('writes the plan files per variation and the comparison', async () => {
    expect(first.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(first.code).toBe(0);
    const ids = expandVariations(JSON.parse(readFileSync(sweep, 'utf8')) as WhatIfFile, { datasetNames: ['grid'] }).map((v) => v.id);
    // sweep.json sweeps two numeric keys: one sensitivity chart each
    const charts = ['sensitivity-rules-households-min.svg', 'sensitivity-rules-maxCommitteesPerStation.svg'];
    expect(readdirSync(reference).sort()).toEqual(['comparison.csv', 'comparison.md', ...charts, ...ids].sort());
    for (const id of ids) {
      expect(readdirSync(join(reference, id)).sort()).toEqual(['committees.geojson', 'plan.csv', 'plan.zh.md', 'stations.geojson', 'summary.json']);
      const summary = JSON.parse(readFileSync(join(reference, id, 'summary.json'), 'utf8'));
      expect(summary.whatif.variation).toBe(id);
      expect(summary.solver.status).toBe('optimal');
    }
    const csv = comparisonWithoutTimes(reference);
    expect(csv.map((r) => r[0])).toEqual(['variation', ...ids]);
    for (const id of ids) expect(first.stdout).toContain(id);
    expect(readFileSync(join(reference, 'comparison.md'), 'utf8')).toContain(`| ${ids[0]} |`);
  });

  it('gives the same outputs with 1 worker, and in the main thread', async () => {
    for (const workers of ['1', '0']) {
      const out = tmp();
      const r = await yizhanBatch(sweep, '--out', out, '--workers', workers, '--quiet');
      expect(r.code).toBe(0);
      expect(comparisonWithoutTimes(out)).toEqual(comparisonWithoutTimes(reference));
      for (const f of listFiles(reference)) {
        const a = readFileSync(join(reference, f), 'utf8'), b = readFileSync(join(out, f), 'utf8');
        if (f.endsWith('.json')) expect(withoutTimes(JSON.parse(b)), f).toBe(withoutTimes(JSON.parse(a)));
        else if (!f.endsWith('comparison.csv') && !f.endsWith('comparison.md')) expect(b, f).toBe(a);
      }
    }
  }, 120_000);

  it('skips finished variations on a rerun, and redoes them when the input changes', async () => {
    const out = tmp();
    const tiny = join(out, 'tiny.json');
    writeFileSync(tiny, JSON.stringify({ name: 't', datasets: [join(fixtures, 'scenario.json')], base: { streetOffices: ['街道0-0'] }, grid: { 'weights.station': [1, 2] } }));
    expect((await yizhanBatch(tiny, '--out', join(out, 'o'), '--quiet')).code).toBe(0);
    const summaries = listFiles(join(out, 'o')).filter((f) => f.endsWith('summary.json'));
    expect(summaries).toHaveLength(2);
    const mtimes = summaries.map((f) => statSync(join(out, 'o', f)).mtimeMs);
    const again = await yizhanBatch(tiny, '--out', join(out, 'o'), '--quiet');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('all 2 variations already done');
    expect(summaries.map((f) => statSync(join(out, 'o', f)).mtimeMs)).toEqual(mtimes);
    writeFileSync(tiny, JSON.stringify({ name: 't', datasets: [join(fixtures, 'scenario.json')], base: { streetOffices: ['街道0-0'], weights: { compactness: 0.5 } }, grid: { 'weights.station': [1, 2] } }));
    const changed = await yizhanBatch(tiny, '--out', join(out, 'o'), '--quiet');
    expect(changed.code).toBe(0);
    expect(changed.stderr).not.toContain('already done');
    expect(summaries.map((f) => statSync(join(out, 'o', f)).mtimeMs).every((t, i) => t > mtimes[i]!)).toBe(true);
  }, 60_000);

  it('writes the GIS files of every variation with --gis, in --out-crs, and redoes a variation when they change', async () => {
    const out = tmp();
    const tiny = join(out, 'tiny.json');
    writeFileSync(tiny, JSON.stringify({ name: 't', datasets: [join(fixtures, 'scenario.json')], base: { streetOffices: ['街道0-0'] }, grid: { 'weights.station': [1, 2] } }));
    const r = await yizhanBatch(tiny, '--out', join(out, 'o'), '--quiet', '--gis', 'gpkg,fgb', '--out-crs', 'EPSG:4547');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(0);
    const variations = readdirSync(join(out, 'o')).filter((f) => statSync(join(out, 'o', f)).isDirectory());
    expect(variations).toHaveLength(2);
    for (const id of variations) {
      expect(readdirSync(join(out, 'o', id)).sort()).toEqual([
        'committees.fgb', 'committees.geojson', 'committees.gpkg', 'committees.qml', 'plan.csv', 'plan.zh.md',
        'stations.fgb', 'stations.geojson', 'stations.gpkg', 'stations.qml', 'summary.json',
      ]);
      if (!hasGdal) continue; // the read-back needs Debian gdal-bin
      const stations = (JSON.parse(readFileSync(join(out, 'o', id, 'stations.geojson'), 'utf8')) as { features: { properties: { label: string } }[] }).features;
      const info = spawnSync('ogrinfo', ['-so', join(out, 'o', id, 'stations.gpkg'), 'stations'], { encoding: 'utf8' }).stdout;
      expect(Number(/Feature Count: (\d+)/.exec(info)?.[1])).toBe(stations.length);
      expect(info).toMatch(/CGCS2000 \/ 3-degree Gauss-Kruger CM 114E/);
      const all = spawnSync('ogrinfo', ['-q', join(out, 'o', id, 'committees.fgb'), '-al'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout;
      expect(all).toMatch(/streetOffice \(String\) = 街道0-0/);
    }
    // other formats count as another input: the variations are redone and the old GIS files removed
    const shp = await yizhanBatch(tiny, '--out', join(out, 'o'), '--quiet', '--gis', 'shp');
    expect(shp.code).toBe(0);
    expect(shp.stderr).not.toContain('already done');
    for (const id of variations) expect(readdirSync(join(out, 'o', id)).filter((f) => /\.(gpkg|fgb|zip)$/.test(f)).sort()).toEqual(['committees.shp.zip', 'stations.shp.zip']);
    expect((await yizhanBatch(tiny, '--out', join(out, 'o'), '--quiet', '--gis', 'shp')).stderr).toContain('all 2 variations already done');
    const bad = await yizhanBatch(tiny, '--out', join(out, 'o'), '--gis', 'kml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gis: unknown GIS format "kml"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('reports an infeasible variation with its reason and goes on', async () => {
    const out = tmp();
    const r = await yizhanBatch(join(fixtures, 'infeasible.json'), '--out', out);
    expect(r.code).toBe(0);
    const rows = parseCsv(readFileSync(join(out, 'comparison.csv'), 'utf8'));
    const col = (name: string) => rows[0]!.indexOf(name);
    expect(rows).toHaveLength(3);
    const bad = rows.slice(1).find((row) => row[col('locks.together')] !== '[]')!;
    const good = rows.slice(1).find((row) => row[col('locks.together')] === '[]')!;
    expect(bad[col('status')]).toBe('infeasible');
    expect(bad[col('reason')]).toMatch(/together/);
    expect(bad[col('reason')]).toContain('社区001'); // the locked committee, by name
    expect(bad[col('stationsAfter')]).toBe('');
    expect(good[col('status')]).toBe('optimal');
    expect(Number(good[col('stationsAfter')])).toBeLessThan(Number(good[col('stationsBefore')]));
    expect(r.stdout).toContain('infeasible');
  }, 60_000);

  it('exits 1 when every variation fails, and names an unknown grid path without a stack trace', async () => {
    const out = tmp();
    const allBad = join(out, 'all-bad.json');
    writeFileSync(allBad, JSON.stringify({ name: 'b', datasets: [join(fixtures, 'scenario.json')], base: { streetOffices: ['街道0-0'] }, grid: { 'locks.together': [[['g0_0', 'g3_3']]], 'rules.households': [{ min: 9000, max: 8000 }, { min: 5000 }] } }));
    const r = await yizhanBatch(allBad, '--out', join(out, 'o'), '--quiet');
    expect(r.code).toBe(1);
    const rows = parseCsv(readFileSync(join(out, 'o', 'comparison.csv'), 'utf8'));
    expect(rows.slice(1).map((row) => row[rows[0]!.indexOf('status')])).toEqual(['invalid', 'infeasible']);
    expect(rows[1]![rows[0]!.indexOf('reason')]).toContain('min 9000 is above max 8000');
    const typo = join(out, 'typo.json');
    writeFileSync(typo, JSON.stringify({ name: 't', datasets: ['scenario.json'], grid: { 'rules.houshold.min': [1] } }));
    const t = await yizhanBatch(typo, '--out', join(out, 'p'));
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('rules.houshold.min');
    expect(t.stderr).not.toMatch(/\n\s+at /);
    expect((await yizhanBatch(typo, '--workers', 'many')).code).toBe(2);
  }, 60_000);

  /** Starts the batch, waits for its first finished variation, then sends `signal`. */
  async function interruptAfterFirst(out: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    const child: ChildProcess = spawn(process.execPath, cliArgs(sweep, '--out', out, '--workers', '1', '--quiet'), { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, sig) => res({ code, signal: sig })));
    let sent = false;
    for (let i = 0; i < 6000 && child.exitCode === null && !sent; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const done = existsSync(out) && readdirSync(out).some((d) => existsSync(join(out, d, 'summary.json')));
      if (done) { child.kill(signal); sent = true; }
    }
    const end = await exited;
    expect(sent).toBe(true);
    return { ...end, stderr };
  }

  const doneIds = (out: string): string[] => readdirSync(out).filter((d) => existsSync(join(out, d, 'summary.json'))).sort();

  it('resumes after being killed, without redoing finished variations, to the same comparison', async () => {
    const out = tmp();
    const killed = await interruptAfterFirst(out, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const done = doneIds(out);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(6);
    for (const id of done) JSON.parse(readFileSync(join(out, id, 'summary.json'), 'utf8')); // complete files only
    expect(existsSync(join(out, 'comparison.csv'))).toBe(false);
    const mtimes = done.map((id) => statSync(join(out, id, 'summary.json')).mtimeMs);
    const rerun = await yizhanBatch(sweep, '--out', out, '--workers', '2', '--quiet');
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain(`${done.length} of 6 variations already done, resuming`);
    expect(done.map((id) => statSync(join(out, id, 'summary.json')).mtimeMs)).toEqual(mtimes);
    expect(comparisonWithoutTimes(out)).toEqual(comparisonWithoutTimes(reference));
    expect(listFiles(out).filter((f) => /\.tmp-/.test(f))).toEqual([]);
  }, 120_000);

  it('stops cleanly on SIGINT: exit 130, no temporary or partial files, resumable', async () => {
    const out = tmp();
    const stopped = await interruptAfterFirst(out, 'SIGINT');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('rerun the same command to resume');
    expect(listFiles(out).filter((f) => /\.tmp-/.test(f))).toEqual([]);
    for (const id of readdirSync(out)) {
      const files = readdirSync(join(out, id)).sort();
      // a variation folder is complete or absent
      expect(files).toEqual(['committees.geojson', 'plan.csv', 'plan.zh.md', 'stations.geojson', 'summary.json']);
    }
    const rerun = await yizhanBatch(sweep, '--out', out, '--quiet');
    expect(rerun.code).toBe(0);
    expect(comparisonWithoutTimes(out)).toEqual(comparisonWithoutTimes(reference));
  }, 120_000);
});

const dist = join(root, 'dist');
describe.skipIf(!existsSync(join(dist, 'scenarios/solve-worker.js')))('yizhan batch from dist (compiled worker)', () => {
  it('runs with worker threads from the built .js files: same comparison as in the main thread', async () => {
    // dist/ may lag the sources (others' work in progress), so compare dist with dist.
    const batchFromDist = async (workers: string) => {
      const out = tmp();
      const r = await run([join(dist, 'cli/bin.js'), 'batch', join(fixtures, 'infeasible.json'), '--out', out, '--workers', workers, '--quiet']);
      expect(r.stderr).not.toContain('internal error');
      expect(r.code).toBe(0);
      return comparisonWithoutTimes(out);
    };
    const threaded = await batchFromDist('2');
    expect(threaded.map((row) => row.at(-2))).toEqual(['status', 'optimal', 'infeasible']);
    expect(threaded).toEqual(await batchFromDist('0'));
  }, 60_000);
});
