/**
 * The preamble of the plan-making routes (server/planning.ts `loadPlanningInputs`) on a real
 * embedded store: which dataset, scenario and scope a plan gets, and every refusal with its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanningInputs } from '../server/planning.js';
import type { ScenarioRecord, Store } from '../server/store/types.js';
import { ACTORS, openTestPglite, refusal, sampleCommittees } from './helpers/store.js';


describe('loadPlanningInputs: dataset → scenario → scope', () => {
  let store: Store;
  let remove: () => Promise<void>;
  let datasetId: string;
  let otherDatasetId: string;
  let dongmenScenario: ScenarioRecord;
  let foreignScenario: ScenarioRecord;

  beforeAll(async () => {
    ({ store, remove } = await openTestPglite());
    datasetId = (await store.createDataset({ name: 'sample', committees: sampleCommittees() })).id;
    otherDatasetId = (await store.createDataset({ name: 'other', committees: sampleCommittees() })).id;
    dongmenScenario = await store.createScenario({ datasetId, name: 'dongmen only', body: { name: 'dongmen only', streetOffices: ['东门'] } });
    foreignScenario = await store.createScenario({ datasetId: otherDatasetId, name: 'elsewhere', body: { name: 'elsewhere' } });
  }, 120_000);
  afterAll(async () => { await remove?.(); });

  it('without a stored scenario: the default rules under the name, every street office of the dataset', async () => {
    const { dataset, scenario, scope } = await loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: null, name: 'hand' });
    expect(dataset.committees.map((c) => c.id)).toEqual(['c1', 'constructor', 'c3', 'c4']);
    expect(scenario.name).toBe('hand');
    expect(scope).toEqual(['黄贝', '东门']);
  });

  it('a stored scenario (by id or as a record) brings its street offices; streetOffices replaces them', async () => {
    const byId = await loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: dongmenScenario.id, name: 'unused' });
    expect([byId.scenario.name, byId.scope]).toEqual(['dongmen only', ['东门']]);
    const byRecord = await loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: dongmenScenario, name: 'unused' });
    expect(byRecord.scope).toEqual(['东门']);
    const replaced = await loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: dongmenScenario.id, name: 'unused', streetOffices: ['黄贝'] });
    expect(replaced.scope).toEqual(['黄贝']);
  });

  it('a street-office token: its own street office only when asked to default to it; never another one', async () => {
    expect(await refusal(loadPlanningInputs(store, ACTORS.huangbei, { datasetId, scenario: null, name: 'hand' })))
      .toMatchObject({ code: 'out-of-scope', status: 403 });
    const own = await loadPlanningInputs(store, ACTORS.huangbei, { datasetId, scenario: null, name: 'hand', ownOfficeByDefault: true });
    expect(own.scope).toEqual(['黄贝']);
    // the scenario's street offices come before the token's own
    expect(await refusal(loadPlanningInputs(store, ACTORS.huangbei, { datasetId, scenario: dongmenScenario.id, name: 'x', ownOfficeByDefault: true })))
      .toMatchObject({ code: 'out-of-scope', status: 403 });
    const dongmen = await loadPlanningInputs(store, ACTORS.dongmen, { datasetId, scenario: dongmenScenario.id, name: 'x' });
    expect(dongmen.scope).toEqual(['东门']);
  });

  it('refuses with the code and the field: no dataset, no scenario, a scenario of another dataset, an unknown street office', async () => {
    expect(await refusal(loadPlanningInputs(store, ACTORS.planner, { datasetId: 'nope', scenario: null, name: 'x' })))
      .toMatchObject({ code: 'dataset-not-found', status: 404, field: 'datasetId' });
    expect(await refusal(loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: 'nope', name: 'x' })))
      .toMatchObject({ code: 'scenario-not-found', status: 404, field: 'scenarioId' });
    expect(await refusal(loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: foreignScenario.id, name: 'x' })))
      .toMatchObject({ code: 'scenario-dataset-mismatch', status: 422, field: 'scenarioId' });
    const unknown = await refusal(loadPlanningInputs(store, ACTORS.planner, { datasetId, scenario: null, name: 'x', streetOffices: ['莲塘'] }));
    expect(unknown.status).toBe(422);
    expect(unknown.field).toMatch(/^streetOffices/);
  });
});
