/**
 * Starting the server: opens the store (embedded PGlite+PostGIS in a data folder, or PostgreSQL
 * when a database URL is given), seeds an empty store with the built-in luohu-2006 dataset and
 * its scenario, prints an admin token once on the first start of the embedded default, listens,
 * then loads what the store deferred (PostGIS, embedded), and closes cleanly (solves in flight record their result, the store is closed) on SIGINT/SIGTERM.
 *
 * The embedded database opens in its own thread while this one loads the HTTP modules (Fastify,
 * the routes: imported only once the opening has started) and builds the app, over a store that
 * waits for the opening (`storeOnceOpen`); the server listens once both are done.
 */
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from './app.js';
import { saveCodeCache } from '../scenarios/code-cache.js';
import { openForUse, type OpenedStore } from './first-open.js';
import { makeStore } from './store/sql.js';
import type { Store } from './store/types.js';

export interface StartServerOptions {
  /** TCP port; 0 picks a free one. [3000] */
  port?: number;
  /** Interface to listen on. ['127.0.0.1'] */
  host?: string;
  /** PGlite data folder (ignored with `databaseUrl`). ['.data'] */
  dataDir?: string;
  /** `postgres://…` selects PostgreSQL. [none: the embedded default] */
  databaseUrl?: string;
  /** Fastify's logger (JSON lines on stdout). [true] */
  logger?: boolean;
  /** Close on SIGINT / SIGTERM. [true] */
  handleSignals?: boolean;
  /** Where the one-time admin token line goes. [process.stdout] */
  out?: { write(text: string): unknown };
  /** Passed to buildApp (solve workers, waits, limits). */
  app?: Omit<AppOptions, 'store'>;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** `http://host:port` */
  url: string;
  port: number;
  /** The admin token printed on this start, if one was made. */
  adminToken: string | null;
  /** Stops listening, waits for solves in flight, closes the store. Idempotent. */
  close(): Promise<void>;
}

export { seedBuiltinDataset } from './first-open.js';

/**
 * Marks the solve jobs a previous process left queued or running (it was killed) as failed with
 * `server-restarted`, so that pollers get an answer. Only for the embedded store, which one process
 * owns; a PostgreSQL database may serve several live servers.
 * @returns how many jobs were marked
 */
export async function failAbandonedJobs(store: Store): Promise<number> {
  const error = JSON.stringify({ code: 'server-restarted', message: 'the server restarted before the solve finished: solve again' });
  const rows = await store.query<{ id: string }>(
    `UPDATE jobs SET status = 'failed', error = $1, updated_at = now() WHERE status IN ('queued', 'running') RETURNING id`, [error]);
  return rows.length;
}

/**
 * A store to build the app over while the real one opens: `engine` at once, and each method of a
 * Store, which waits for the opening (and fails as it failed). The app's routes call it only once
 * the server listens, after the opening; `close` closes the real store, whenever it opens.
 */
export function storeOnceOpen(opening: Promise<Store>, engine: Store['engine']): Store {
  const never = (): never => { throw new Error('storeOnceOpen: the method names come from a store that is never used'); };
  const methods = Object.keys(makeStore({ engine, query: never, exec: never, transaction: never, close: never })).filter((k) => k !== 'engine');
  let open: Record<string, (...a: unknown[]) => unknown> | undefined;
  opening.then((s) => { open = s as unknown as typeof open; }, () => {});
  const facade: Record<string, unknown> = { engine };
  for (const k of methods) {
    facade[k] = (...args: unknown[]) => open ? open[k]!(...args) : opening.then((s) => (s as unknown as Record<string, (...a: unknown[]) => unknown>)[k]!(...args));
  }
  return facade as unknown as Store;
}

/**
 * Opens the store, seeds it when empty, and listens.
 * @param [options.port=3000]
 * @param [options.host='127.0.0.1']
 * @param [options.dataDir='.data']
 * @param [options.databaseUrl] PostgreSQL instead of the embedded default
 * @example const server = await startServer({ port: 3000, dataDir: '.data' }); … await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const useServer = options.databaseUrl !== undefined && options.databaseUrl !== '';
  // seeds an empty store; the first opening of an embedded folder prints its admin token
  const opening: Promise<OpenedStore> = openForUse({
    // the embedded database in its own thread: its work must not hold the server's event loop
    ...(useServer ? { databaseUrl: options.databaseUrl! } : { dataDir: options.dataDir ?? '.data', thread: true }),
    ...(options.out ? { out: options.out } : {}),
  });
  const opened = opening.then(async (o) => {
    if (!useServer) await failAbandonedJobs(o.store);
    return o;
  });
  opened.catch(() => {}); // awaited below, after the app is built
  // meanwhile: the HTTP modules and the app
  let app: FastifyInstance;
  try {
    const { buildApp } = await import('./app.js');
    app = await buildApp({ ...(options.app ?? {}), store: storeOnceOpen(opening.then((o) => o.store), useServer ? 'pg' : 'pglite') }, {
      logger: options.logger ?? true,
      requestTimeout: 120_000,
      connectionTimeout: 0,
      keepAliveTimeout: 5_000,
      forceCloseConnections: 'idle',
    });
  } catch (e) {
    await opening.then((o) => o.store.close(), () => {}).catch(() => {});
    throw e;
  }
  let store: Store;
  let adminToken: string | null;
  try {
    ({ store, adminToken } = await opened);
  } catch (e) {
    await app.close().catch(() => {}); // closes the store if it opened
    throw e;
  }
  try {
    await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
  } catch (e) {
    await app.close().catch(() => {});
    throw e;
  }
  // PostGIS is loaded now, off the start's path: /health and the reads that need no geometry
  // answer meanwhile; a request that needs it waits for it (server/store/pglite.ts)
  saveCodeCache(); // the start's code is compiled: the next start reuses it (cli/load-bundle.ts)
  void store.loadDeferred().catch((e: Error) => app.log.error({ err: e }, 'could not load PostGIS; geometry queries will fail'));
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    app.log.info({ signal }, 'closing');
    void close().then(() => { process.exitCode = 0; });
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await app.close();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { app, store, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, adminToken, close };
}
