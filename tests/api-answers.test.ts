/**
 * The answers a planner asks next over the API (issue 10): a scenario's `solver.alternatives` and
 * `solver.regret` give summary.alternatives, station regrets and lock prices; `rules.stations`
 * with the key "*" a district total. Solved by a worker thread of the pool, as the server does;
 * each alternative re-evaluated through POST /api/plans/:id/evaluate costs what it says.
 * On embedded PGlite + PostGIS.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanSummary } from '../solver/types.js';
import { startTestApi, type TestApi } from './helpers/api.js';

const LUOHU_GEOJSON = readFileSync(new URL('../scenarios/luohu-2006/committees.geojson', import.meta.url), 'utf8');

describe('solver.alternatives, solver.regret and a district total over the API (embedded PGlite + PostGIS)', () => {
  let api: TestApi;
  let datasetId: string;

  const call = (method: 'GET' | 'POST', url: string, body?: unknown) => api.call(method, url, body !== undefined ? { body } : {});

  async function solve(scenario: Record<string, unknown>): Promise<{ id: string; summary: PlanSummary }> {
    const made = await call('POST', '/api/scenarios', { datasetId, streetOffices: ['黄贝', '东门', '东湖'], ...scenario });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const plan = await call('POST', `/api/scenarios/${made.json.id}/plans`);
    expect(plan.status, JSON.stringify(plan.json)).toBe(201);
    return plan.json;
  }

  beforeAll(async () => {
    api = await startTestApi({ app: { solveWorkers: 1, solveSyncWaitMs: 120_000 }, tokens: { planner: 'district-planner' }, defaultToken: 'planner' });
    const r = await api.call('POST', '/api/datasets?name=罗湖', { raw: LUOHU_GEOJSON, contentType: 'application/geo+json' });
    expect(r.status, r.text).toBe(201);
    datasetId = r.json.id;
  }, 240_000);

  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('solver.alternatives gives the K best distinct plans in cost order, each costing what it says when evaluated', async () => {
    const plan = await solve({ name: 'alternatives', solver: { alternatives: 4 } });
    const alt = plan.summary.alternatives!;
    expect(alt.requested).toBe(4);
    expect(alt.complete).toBe(true);
    expect(alt.plans).toHaveLength(4);
    expect(alt.plans[0]!.objective).toBeCloseTo(plan.summary.solver.objective, 6);
    expect(plan.summary.solver.status).toBe('optimal');
    const seen = new Set<string>();
    for (const [i, a] of alt.plans.entries()) {
      if (i > 0) expect(a.objective).toBeGreaterThanOrEqual(alt.plans[i - 1]!.objective - 1e-9);
      expect(a.status).toBe('optimal');
      // the alternative as stations, re-evaluated by the server's own checks
      const stations = a.differences.flatMap((d) => d.added.map((s) => s.committeeIds));
      const sig = JSON.stringify(stations.map((s) => [...s].sort()).sort());
      expect(seen.has(sig)).toBe(false);
      seen.add(sig);
      const ev = await call('POST', `/api/plans/${plan.id}/evaluate`, { stations });
      expect(ev.status, JSON.stringify(ev.json)).toBe(200);
      expect(ev.json.summary.solver.objective).toBeCloseTo(a.objective, 6);
      expect(ev.json.summary.stationsAfter).toBe(a.stationsAfter);
      expect(ev.json.summary.checks.violations.filter((v: { severity: string }) => v.severity === 'fatal')).toEqual([]);
    }
  }, 120_000);

  it('solver.regret puts a regret on every station (a number ≥ 0, or null with the reason) and prices the locks', async () => {
    const plan = await solve({ name: 'regret', solver: { regret: true }, locks: { together: [['碧波', '湖滨']], keep: ['黄贝岭'] } });
    const stations = plan.summary.streetOffices.flatMap((o) => o.stations);
    expect(stations.length).toBeGreaterThan(10);
    for (const s of stations) {
      if (s.regret === null) expect(s.regretReason).toBeTruthy();
      else expect(s.regret).toBeGreaterThanOrEqual(-1e-9);
    }
    expect(stations.some((s) => typeof s.regret === 'number')).toBe(true);
    const prices = plan.summary.lockPrices!;
    expect(prices.map((l) => l.kind)).toEqual(['together', 'keep']);
    // the price of a lock is what the plan without it saves: the same scenario without the lock
    const free = await solve({ name: 'regret-free', locks: { keep: ['黄贝岭'] } });
    expect(prices[0]!.price).toBeCloseTo(plan.summary.solver.objective - free.summary.solver.objective, 6);
    expect(prices[0]!.committees).toEqual(['碧波', '湖滨']);
  }, 120_000);

  it('rules.stations "*" gives the best plan with that many stations in all, or a fatal reason', async () => {
    const free = await solve({ name: 'free' });
    const n = free.summary.stationsAfter;
    const total = await solve({ name: 'total', rules: { stations: { '*': n + 2 } } });
    expect(total.summary.stationsAfter).toBe(n + 2);
    expect(total.summary.stationsTotal!.status).toBe('optimal');
    expect(total.summary.solver.objective).toBeGreaterThanOrEqual(free.summary.solver.objective - 1e-9);
    const made = await call('POST', '/api/scenarios', { datasetId, streetOffices: ['黄贝', '东门', '东湖'], name: 'too-many', rules: { stations: { '*': 1000 } } });
    const none = await call('POST', `/api/scenarios/${made.json.id}/plans`);
    expect(none.status).toBe(422);
    expect(JSON.stringify(none.json)).toMatch(/1000 stations in all/);
  }, 120_000);

  it('refuses solver.alternatives out of range, naming the field', async () => {
    for (const alternatives of [0, 101, 2.5, 'three']) {
      const r = await call('POST', '/api/scenarios', { datasetId, name: 'bad', solver: { alternatives } });
      expect(r.status).toBe(422);
      expect(r.json.field).toMatch(/solver\.alternatives/);
    }
  });
});
