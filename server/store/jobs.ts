/** Solve jobs: queued → running → done (with the plan) or failed (with the error as JSON text). */
import { randomUUID } from 'node:crypto';
import type { Sql } from './db.js';
import { iso, json, jsonParam, str, strOrNull, type InTx, type Row } from './rows.js';
import type { JobOps, JobRecord, JobStatus } from './types.js';
import { JOB_STATUSES, StoreError } from './types.js';

function toJob(r: Row): JobRecord {
  return {
    id: str(r.id), status: r.status as JobStatus, planId: strOrNull(r.plan_id), error: strOrNull(r.error),
    params: json(r.params) ?? null, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** The job operations: reads on `db`, each write in its own transaction (`inTx`). */
export function makeJobOps(db: Sql, inTx: InTx): JobOps {
  return {
    createJob: (input = {}) => inTx(async (sql) => {
      const rows = await sql.query<Row>('INSERT INTO jobs (id, params) VALUES ($1, $2::jsonb) RETURNING *', [randomUUID(), jsonParam(input.params)]);
      return toJob(rows[0]!);
    }),

    async getJob(id) {
      const rows = await db.query<Row>('SELECT * FROM jobs WHERE id = $1', [id]);
      return rows[0] ? toJob(rows[0]) : null;
    },

    updateJob: (id, patch) => inTx(async (sql) => {
      if (patch.status !== undefined && !JOB_STATUSES.includes(patch.status)) {
        throw new StoreError('invalid-job-status', 400, `unknown job status "${String(patch.status)}"; one of ${JOB_STATUSES.join(', ')}`, 'status');
      }
      const rows = await sql.query<Row>(
        `UPDATE jobs SET status = coalesce($2, status),
           plan_id = CASE WHEN $3 THEN $4 ELSE plan_id END,
           error = CASE WHEN $5 THEN $6 ELSE error END,
           updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id, patch.status ?? null, patch.planId !== undefined, patch.planId ?? null, patch.error !== undefined, patch.error ?? null]);
      if (!rows[0]) throw new StoreError('job-not-found', 404, `no job "${id}"`, 'id');
      return toJob(rows[0]);
    }),
  };
}
