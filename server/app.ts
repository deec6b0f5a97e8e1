/**
 * The HTTP API as a Fastify app. `buildApp` makes the instance and registers `yizhanApp`; only
 * server/main.ts sets the logger and listens. The app owns the store it is given (closed with the
 * app) and a worker pool for solving (started on the first solve, stopped with the app after the
 * solves in flight have recorded their result).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { makeAuthHook, authPlugin } from './plugins/auth.js';
import { errorsPlugin } from './plugins/errors.js';
import { HARDENED_SERVER_OPTIONS, hardening } from './plugins/hardening.js';
import { storePlugin } from './plugins/store.js';
import { datasetRoutes } from './routes/datasets.js';
import { jobRoutes } from './routes/jobs.js';
import { planRoutes } from './routes/plans.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { tokenRoutes } from './routes/tokens.js';
import type { Basemap } from './routes/settings.js';
import { documentRoutes } from './routes/documents.js';
import { gisExportRoutes } from './routes/gis-exports.js';
import { lazySchemaController } from './lazy-schemas.js';
import { HealthSchema } from './schemas.js';
import { makePlanSolver, type PlanSolver } from './solve-pool.js';
import { makeTaskPool, type TaskPool } from './task-pool.js';
import { classifyStorageError } from './store/storage-errors.js';
import { StoreError, type Store } from './store/types.js';
import { DEFAULT_RATE_LIMITS, makeRateLimitHook, type RateLimit } from './rate-limit.js';

export interface AppOptions {
  store: Store;
  /** Solve worker threads; 0 solves in the main thread between events. [min(2, cores)] */
  solveWorkers?: number;
  /** Worker threads for the CPU-heavy steps of requests (uploads, plan preparation, exports); 0 runs them in the main thread. [min(2, cores)] */
  taskWorkers?: number;
  /** A plan solver to use instead of the built-in pool (the app closes it). */
  solver?: PlanSolver;
  /** How long POST /api/scenarios/:id/plans waits before answering 202 with a job, ms. [2000] */
  solveSyncWaitMs?: number;
  /** Wall-clock limit of one solve, ms (also caps the scenario's solver.timeLimitMs). [60000] */
  solveTimeLimitMs?: number;
  /** On close, how long solves in flight may still finish (and store their plan) before the workers stop, ms. [10000] */
  closeGraceMs?: number;
  /** Largest request body except dataset uploads, bytes. [2097152 (2 MiB)] */
  bodyLimit?: number;
  /** Largest dataset upload, bytes. [52428800 (50 MiB)] */
  datasetBodyLimit?: number;
  /**
   * Per-token rate limits, answered 429 `rate-limited` with Retry-After: solves (POST
   * /api/scenarios/:id/plans) [30 a minute] and dataset uploads (POST /api/datasets) [10 a minute].
   */
  rateLimits?: { solves?: RateLimit; uploads?: RateLimit };
  /** Tiles under the review desk's map (server/routes/settings.ts). [none] */
  basemap?: Basemap | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The worker threads that run the CPU-heavy steps of requests (server/tasks.ts). */
    tasks: TaskPool;
  }
}

/**
 * Registers the whole API on `app`: store, auth, errors, OpenAPI at /documentation (JSON at
 * /documentation/json), GET /health, and the /api routes (every one needs a bearer token).
 */
export const yizhanApp: FastifyPluginAsyncTypebox<AppOptions> = async (app, options) => {
  await app.register(storePlugin, { store: options.store });
  await app.register(authPlugin);
  await app.register(errorsPlugin);
  await app.register(hardening);
  app.addContentTypeParser('application/geo+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  await app.register(swagger, {
    openapi: {
      info: { title: 'yizhan API', description: 'Community workstation consolidation (一站多居): datasets, scenarios, plans, approval procedure.', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: ['datasets', 'scenarios', 'plans', 'exports', 'approval', 'tokens'].map((name) => ({ name })),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/documentation' });

  const solver = options.solver ?? makePlanSolver({
    ...(options.solveWorkers !== undefined ? { workers: options.solveWorkers } : {}),
    ...(options.solveTimeLimitMs !== undefined ? { timeLimitMs: options.solveTimeLimitMs } : {}),
  });
  const tasks = makeTaskPool(options.taskWorkers !== undefined ? { workers: options.taskWorkers } : {});
  app.decorate('tasks', tasks);
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  // Runs before the store plugin's close hook (hooks of later registrations close first): solves in
  // flight get a grace period to store their plan; the rest record `server-stopped` on their job.
  app.addHook('onClose', async () => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...running]),
      new Promise((resolve) => { timer = setTimeout(resolve, options.closeGraceMs ?? 10_000); }),
    ]);
    clearTimeout(timer);
    await solver.close();
    await Promise.allSettled([...running]);
    await tasks.close();
  });

  const started = Date.now();
  const checkStore = makeStoreCheck(app.store);
  app.get('/health', {
    schema: {
      tags: ['health'], summary: 'Liveness and the store (a real query): 200, or 503 storage-unavailable / 507 storage-full; no token needed',
      security: [], response: { 200: HealthSchema },
    },
  }, async () => {
    const store = await checkStore();
    return { status: 'ok' as const, engine: app.store.engine, store, uptimeS: (Date.now() - started) / 1000 };
  });

  await app.register(async (api) => {
    api.addHook('onRequest', makeAuthHook(api));
    await api.register(datasetRoutes, {
      ...(options.datasetBodyLimit !== undefined ? { datasetBodyLimit: options.datasetBodyLimit } : {}),
      uploadLimit: makeRateLimitHook('uploads', options.rateLimits?.uploads ?? DEFAULT_RATE_LIMITS.uploads),
    });
    await api.register(scenarioRoutes);
    await api.register(planRoutes, {
      solver, solveSyncWaitMs: options.solveSyncWaitMs ?? 2000, track,
      solveLimit: makeRateLimitHook('solves', options.rateLimits?.solves ?? DEFAULT_RATE_LIMITS.solves),
    });
    await api.register(jobRoutes);
    await api.register(tokenRoutes);
    await api.register(documentRoutes);
    await api.register(gisExportRoutes);
  }, { prefix: '/api' });
  // the review desk at GET / (and GET /api/me, /api/settings, POST /api/plans/:id/evaluate)
  await app.register(import('./plugins/web.js'), { basemap: options.basemap ?? null });
};

/** How long /health waits for its query before it reports the store busy (a long transaction holds PGlite's one connection), ms. */
const HEALTH_WAIT_MS = 50;
/** A query unanswered this long means the store is not just busy, ms. */
const HEALTH_STUCK_MS = 120_000;

/**
 * The store check of /health: `SELECT 1`, one at a time. It answers `ok`, or `busy` while the
 * query waits behind other work (PGlite runs one statement at a time: a large upload holds it for
 * a while); it throws the classified storage error when the query fails, or 503 when it has waited
 * past HEALTH_STUCK_MS.
 */
function makeStoreCheck(store: Store): () => Promise<'ok' | 'busy'> {
  let probe: Promise<unknown> | undefined;
  let since = 0;
  return async () => {
    if (!probe) {
      since = Date.now();
      const current: Promise<unknown> = store.query('SELECT 1').then(() => undefined, (e: unknown) => e).finally(() => { if (probe === current) probe = undefined; });
      probe = current;
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([probe, new Promise((resolve) => { timer = setTimeout(() => resolve('busy'), HEALTH_WAIT_MS); })]);
    clearTimeout(timer);
    if (outcome === undefined) return 'ok';
    if (outcome === 'busy') {
      if (Date.now() - since < HEALTH_STUCK_MS) return 'busy';
      throw new StoreError('storage-unavailable', 503, `the database has not answered a query for ${Math.round((Date.now() - since) / 1000)} s`);
    }
    throw classifyStorageError(outcome) ?? new StoreError('storage-unavailable', 503, `the database answered a plain query with an error: ${(outcome as Error).message ?? String(outcome)}`);
  };
}

/**
 * A ready Fastify instance with the API (not listening). Validation is strict: no type coercion,
 * unknown body fields are errors (never silently removed).
 * @param options.store - the store; closed when the app closes
 * @param [options.solveSyncWaitMs=2000]
 * @param [options.solveTimeLimitMs=60000]
 * @param [options.bodyLimit=2097152]
 * @param [options.datasetBodyLimit=52428800]
 * @param [server={ logger: false }] - Fastify server options (main.ts sets the logger)
 * @example
 * const app = await buildApp({ store: await openStore({ dataDir: '.data' }) });
 * await app.listen({ port: 3000 });
 */
export async function buildApp(options: AppOptions, server: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ...HARDENED_SERVER_OPTIONS,
    ...server,
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    schemaController: lazySchemaController(), // each route's schemas compiled on its first request
  });
  await app.register(yizhanApp, options);
  await app.ready();
  return app;
}
