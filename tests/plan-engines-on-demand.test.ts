/**
 * `solvePlanLoadingEngines` (what `yizhan plan` solves with in its own thread) loads HiGHS only
 * when an office needs an integer program, and makes the plan `solvePlan` makes with the engines
 * loaded from the start: luohu-2006 without loading them (as every real dataset so far), a
 * district whose components all go to the engine loading them once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDistrict } from '../bench/generate/district.js';
import { loadScenario } from '../cli/load.js';
import { makePlanContext, solvePlan, solvePlanLoadingEngines, type SolverTuning } from '../solver/pipeline.js';
import { loadEngines, makeEnginesOnDemand, type Engines } from '../solver/solve.js';

const dir = mkdtempSync(join(tmpdir(), 'yizhan-engines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** summary.json without the timings (`ms`), which differ between runs. */
const withoutTimes = (summary: unknown): unknown => JSON.parse(JSON.stringify(summary), (k, v: unknown) => (k === 'ms' ? 0 : v));

async function compare(scenario: string, tuning: SolverTuning = {}): Promise<number> {
  const loaded = await loadScenario(scenario, { note: () => undefined });
  let loads = 0;
  const load = (): Promise<Engines> => { loads++; return loadEngines(); };
  const lazy = await solvePlanLoadingEngines(makePlanContext(loaded.dataset, loaded.scenario), load, undefined, tuning);
  const eager = solvePlan(makePlanContext(loaded.dataset, loaded.scenario), await loadEngines(), undefined, tuning);
  expect(lazy.summary.checks.violations.filter((v) => v.severity === 'fatal')).toEqual([]);
  expect(withoutTimes(lazy.summary)).toEqual(withoutTimes(eager.summary));
  return loads;
}

describe('engines loaded on demand', () => {
  it('luohu-2006: the plan of solvePlan, without loading HiGHS', async () => {
    expect(await compare('luohu-2006')).toBe(0);
  }, 120_000);

  it('every component sent to the engine (smallComponentRows 0): HiGHS loaded once, the plan of solvePlan', async () => {
    writeFileSync(join(dir, 'district.geojson'), JSON.stringify(generateDistrict({ committees: 60, seed: 3, streetOfficeSize: [6, 12] })));
    writeFileSync(join(dir, 'district.json'), JSON.stringify({ name: 'district', dataset: 'district.geojson' }));
    expect(await compare(join(dir, 'district.json'), { smallComponentRows: 0 })).toBe(1);
  }, 120_000);

  it('the stand-ins say when a solve called them, and throw', () => {
    const onDemand = makeEnginesOnDemand();
    expect(onDemand.wanted()).toBe(false);
    expect(onDemand.engines.highs.name).toBe('highs');
    expect(() => onDemand.engines.highs.solve({ rows: 1, columns: [], timeLimitSec: 1 })).toThrow(/not loaded/);
    expect(onDemand.wanted()).toBe(true);
  });
});
