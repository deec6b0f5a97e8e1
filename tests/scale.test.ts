/**
 * What the scale work changed in the commands: outlines dissolved while offices are solved are the
 * outlines `makeStationsGeoJson` would make; `yizhan plan` in worker threads writes the same files
 * as in one thread; plan/batch skip the overlap/gap checks above a size and say so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../bench/generate/district.js';
import { loadDataset, loadScenario } from '../cli/load.js';
import { addOfficeOutlines, makePlanFiles, PLAN_WORKERS_FROM_OFFICES, runPlan } from '../cli/plan-commands.js';
import type { MultiPolygonCoords } from '../geo/types.js';
import { makeSolvePool, solvePlanWithPool } from '../scenarios/solve-pool.js';
import { makeStationsGeoJson } from '../render/export.js';
import { makePlanContext, solvePlan } from '../solver/pipeline.js';
import { loadEngines } from '../solver/solve.js';
import { makePlanTitle } from '../scenarios/defaults.js';

function writeDistrict(committees: number, seed: number, size: [number, number]): { dir: string; scenario: string; geojson: string } {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-scale-'));
  const geojson = join(dir, 'district.geojson');
  writeFileSync(geojson, JSON.stringify(generateDistrict({ committees, seed, streetOfficeSize: size })));
  const scenario = join(dir, 'scenario.json');
  writeFileSync(scenario, JSON.stringify({ name: `generated-${committees}`, dataset: 'district.geojson' }));
  return { dir, scenario, geojson };
}

/** summary.json without the timings (`ms`), which differ between runs. */
const withoutTimes = (text: string): unknown => JSON.parse(text, (k, v: unknown) => (k === 'ms' ? 0 : v));

describe('outlines dissolved while the offices are solved', () => {
  it('are exactly the outlines makeStationsGeoJson dissolves itself', async () => {
    const { scenario } = writeDistrict(300, 5, [5, 20]);
    const loaded = await loadScenario(scenario);
    const ctx = makePlanContext(loaded.dataset, loaded.scenario);
    const pool = await makeSolvePool({ workers: 0 });
    const outlines = new Map<string, MultiPolygonCoords>();
    const outcome = await solvePlanWithPool(ctx, pool, (p) => addOfficeOutlines(ctx, p.streetOffice, p.result, outlines));
    await pool.close();
    const merged = outcome.stations.filter((s) => s.committeeIds.length > 1).length;
    expect(merged).toBeGreaterThan(10);
    expect(outlines.size).toBe(merged);
    const given = makeStationsGeoJson(outcome, loaded.dataset.committees, { outlines });
    const own = makeStationsGeoJson(outcome, loaded.dataset.committees);
    expect(JSON.stringify(given)).toBe(JSON.stringify(own));
  }, 60_000);
});

describe('yizhan plan over worker threads', () => {
  it(`from ${PLAN_WORKERS_FROM_OFFICES} street offices: the same files as solving in this thread`, async () => {
    const { dir, scenario } = writeDistrict(2000, 9, [4, 10]);
    const loaded = await loadScenario(scenario);
    const ctx = makePlanContext(loaded.dataset, loaded.scenario);
    expect(ctx.offices.length).toBeGreaterThanOrEqual(PLAN_WORKERS_FROM_OFFICES);
    const inline = makePlanFiles(solvePlan(ctx, await loadEngines()), loaded.dataset, makePlanTitle(loaded.file, loaded.dataset.name), { map: false });
    const out = join(dir, 'out');
    const code = await runPlan(scenario, { out, json: false, quiet: true, map: false });
    expect(code).toBe(0);
    for (const name of ['stations.geojson', 'committees.geojson', 'plan.zh.md', 'plan.csv']) {
      expect(readFileSync(join(out, name), 'utf8'), name).toBe(inline[name]);
    }
    expect(withoutTimes(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(withoutTimes(inline['summary.json']!));
  }, 120_000);
});

describe('overlap and gap checks of plan and batch', () => {
  it('run up to the limit and count their warnings; skipped when told, with a note naming yizhan validate', async () => {
    const overlap = 'tests/fixtures/invalid/overlap.geojson';
    const notes: string[] = [];
    const checked = await loadDataset(overlap, { note: (l) => notes.push(l) });
    const found = checked.warnings.filter((p) => p.code === 'overlap').length;
    expect(found).toBeGreaterThan(0);
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^note: ${found} overlap/gap warning\\(s\\).*yizhan validate`))]);
    const skippedNotes: string[] = [];
    const skipped = await loadDataset(overlap, { topology: false, note: (l) => skippedNotes.push(l) });
    expect(skipped.warnings.filter((p) => p.code === 'overlap')).toEqual([]);
    expect(skippedNotes).toEqual([expect.stringMatching(/not checked.*yizhan validate/)]);
    expect(skipped.dataset.committees).toEqual(checked.dataset.committees);
  });
});
