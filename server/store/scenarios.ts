/** Scenarios: a scenario file body (JSON) stored against a dataset. */
import { randomUUID } from 'node:crypto';
import type { Sql } from './db.js';
import { iso, json, str, strOrNull, type InTx, type Row } from './rows.js';
import type { ScenarioInput, ScenarioOps, ScenarioRecord } from './types.js';
import { StoreError } from './types.js';
import { queryPage } from './paging.js';

function toScenario(r: Row): ScenarioRecord {
  return { id: str(r.id), datasetId: strOrNull(r.dataset_id), name: str(r.name), body: json(r.body) as Record<string, unknown>, createdAt: iso(r.created_at) };
}

/** The scenario operations: reads on `db`, each write in its own transaction (`inTx`). */
export function makeScenarioOps(db: Sql, inTx: InTx): ScenarioOps {
  return {
    createScenario: (input: ScenarioInput) => inTx(async (sql) => {
      if (typeof input?.name !== 'string' || input.name.trim() === '') throw new StoreError('invalid-scenario', 400, 'a scenario needs a name', 'name');
      if (input.body === undefined) throw new StoreError('invalid-scenario', 400, 'a scenario needs a body', 'body');
      if (input.datasetId !== undefined && input.datasetId !== null) {
        const ds = await sql.query('SELECT 1 FROM datasets WHERE id = $1 AND complete', [input.datasetId]);
        if (ds.length === 0) throw new StoreError('dataset-not-found', 404, `no dataset "${input.datasetId}"`, 'datasetId');
      }
      const rows = await sql.query<Row>(
        `INSERT INTO scenarios (id, dataset_id, name, body, created_at) VALUES ($1, $2, $3, $4::jsonb, clock_timestamp()) RETURNING *`,
        [randomUUID(), input.datasetId ?? null, input.name, JSON.stringify(input.body)]);
      return toScenario(rows[0]!);
    }),

    async getScenario(id) {
      const rows = await db.query<Row>('SELECT * FROM scenarios WHERE id = $1', [id]);
      return rows[0] ? toScenario(rows[0]) : null;
    },

    pageScenarios: (options, page) => queryPage(db, {
      select: '*', from: 'scenarios', where: '$1::text IS NULL OR dataset_id = $1::text', params: [options.datasetId ?? null],
    }, page, toScenario),

    async listScenarios(options = {}) {
      const rows = await db.query<Row>(
        'SELECT * FROM scenarios WHERE ($1::text IS NULL OR dataset_id = $1::text) ORDER BY created_at, id', [options.datasetId ?? null]);
      return rows.map(toScenario);
    },
  };
}
