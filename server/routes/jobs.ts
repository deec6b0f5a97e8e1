/** Jobs: a long solve answers 202 with a job; poll it until `done` (then `planId`) or `failed` (then `error`). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, JobSchema, withErrors, type JobBody } from '../schemas.js';
import type { JobRecord } from '../store/types.js';
import { StoreError } from '../store/types.js';

/** The job as the API shows it: the stored error text is the JSON of `{ code, message, details? }`. */
export function makeJobBody(job: JobRecord): JobBody {
  let error: JobBody['error'] = null;
  if (job.error !== null) {
    try {
      error = JSON.parse(job.error) as JobBody['error'];
    } catch {
      error = { code: 'job-failed', message: job.error };
    }
  }
  return { id: job.id, status: job.status, planId: job.planId, error, createdAt: job.createdAt, updatedAt: job.updatedAt };
}

export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/jobs/:id', {
    schema: { tags: ['plans'], summary: 'A solve job: queued, running, done (planId) or failed (error)', params: IdParams, response: withErrors({ 200: JobSchema }) },
  }, async (request, reply) => {
    const job = await app.store.getJob(request.params.id);
    if (!job) throw new StoreError('job-not-found', 404, `no job "${request.params.id}"`, 'id');
    if (job.status === 'done' && job.planId) void reply.header('location', `/api/plans/${job.planId}`);
    return makeJobBody(job);
  });
};
