/**
 * Scenarios: a dataset plus rules, weights and locks, checked with the scenario schema and
 * resolved against the dataset's committees before they are stored.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireActor, requireRole } from '../plugins/auth.js';
import { DatasetFilterQuery, IdParams, ScenarioBody, ScenarioListSchema, ScenarioSchema, withErrors } from '../schemas.js';
import { StoreError } from '../store/types.js';
import { readPageQuery } from '../paging.js';
import { isInScope } from '../workflow.js';
import { getScenarioOr404, loadStoredDataset, makeResolvedScenario } from '../planning.js';

export const scenarioRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/scenarios', {
    schema: {
      tags: ['scenarios'],
      summary: 'Create a scenario over a dataset; a street-office token only for its own street office (streetOffices defaults to it)',
      body: ScenarioBody,
      response: withErrors({ 201: ScenarioSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, ['district-planner', 'street-office'], 'create scenarios');
    const { datasetId, ...file } = request.body;
    if (actor.role === 'street-office') {
      if (file.streetOffices === undefined || file.streetOffices.length === 0) file.streetOffices = [actor.streetOffice!];
      if (!isInScope(file.streetOffices, actor)) {
        throw new StoreError('out-of-scope', 403, `a ${actor.streetOffice} token may only plan ${actor.streetOffice}`, 'streetOffices');
      }
    }
    const dataset = await loadStoredDataset(app.store, datasetId).catch((e: unknown) => {
      if (e instanceof StoreError && e.status === 404) throw new StoreError(e.code, 422, e.message, 'datasetId');
      throw e;
    });
    makeResolvedScenario(file, dataset.committees);
    const record = await app.store.createScenario({ datasetId, name: file.name, body: file });
    return reply.code(201).header('location', `/api/scenarios/${record.id}`).send(record);
  });

  app.get('/scenarios', {
    schema: { tags: ['scenarios'], summary: 'List scenarios (?datasetId=), oldest first, a page at a time (?limit=&cursor=; nextCursor, total)', querystring: DatasetFilterQuery, response: withErrors({ 200: ScenarioListSchema }) },
  }, async (request) => {
    const page = await app.store.pageScenarios(request.query.datasetId !== undefined ? { datasetId: request.query.datasetId } : {}, readPageQuery(request.query));
    return { scenarios: page.items, nextCursor: page.nextCursor, total: page.total };
  });

  app.get('/scenarios/:id', {
    schema: { tags: ['scenarios'], summary: 'One scenario', params: IdParams, response: withErrors({ 200: ScenarioSchema }) },
  }, async (request) => getScenarioOr404(app.store, request.params.id));
};
