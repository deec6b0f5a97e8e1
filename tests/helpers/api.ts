/**
 * The test server of the API suites: a store on one engine, tokens for the roles a suite names,
 * the app (`buildApp`) listening on a free port of 127.0.0.1, one `call` that answers status,
 * headers, text, bytes and parsed JSON, and one `close` that closes the app and drops the store.
 *
 * `describeEngines(title, suite)` runs a suite on the embedded engine (PGlite + PostGIS) and, when
 * DATABASE_URL is set, on PostgreSQL; the second describe carries "(needs DATABASE_URL; CI sets it)"
 * in its name, which is how CI finds the suites to run against its database.
 *
 * @example
 * describeEngines('plans over HTTP', (engine) => {
 *   let api: TestApi;
 *   beforeAll(async () => { api = await startTestApi({ engine, tokens: { planner: 'district-planner' } }); }, 120_000);
 *   afterAll(() => api?.close(), 60_000);
 *   it('lists plans', async () => expect((await api.call('GET', '/api/plans', { token: api.tokens.planner })).status).toBe(200));
 * });
 */
import type { FastifyInstance } from 'fastify';
import { describe } from 'vitest';
import { buildApp, type AppOptions } from '../../server/app.js';
import { issueToken } from '../../server/auth.js';
import type { Role, Store } from '../../server/store/types.js';
import { openTestPg, openTestPglite } from './store.js';

export interface TestEngine {
  /** As the suites' names say it: "embedded PGlite + PostGIS" or "PostgreSQL server (needs DATABASE_URL; CI sets it)". */
  readonly label: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

/** PGlite in a fresh copy of the migrated template folder (tests/helpers/store.ts). */
export const EMBEDDED: TestEngine = {
  label: 'embedded PGlite + PostGIS',
  async open() {
    const { store, remove } = await openTestPglite();
    return { store, cleanup: remove };
  },
};

/** A throw-away schema of the DATABASE_URL database. */
export const POSTGRES: TestEngine = {
  label: 'PostgreSQL server (needs DATABASE_URL; CI sets it)',
  async open() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('POSTGRES needs DATABASE_URL (describeEngines skips it without)');
    const { store, drop } = await openTestPg(url);
    return { store, cleanup: drop };
  },
};

/** `suite` as "<title> on <engine>" once per engine: the embedded one always, PostgreSQL when DATABASE_URL is set. */
export function describeEngines(title: string, suite: (engine: TestEngine) => void): void {
  describe(`${title} on ${EMBEDDED.label}`, () => suite(EMBEDDED));
  describe.skipIf(!process.env.DATABASE_URL)(`${title} on ${POSTGRES.label}`, () => suite(POSTGRES));
}

export interface TestReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body's bytes (fetch's text() drops a byte-order mark). */
  bytes: Buffer;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: any;
}

export interface CallOptions {
  /** Bearer token; null sends none. [the `defaultToken` of startTestApi, else none] */
  token?: string | null;
  /** Sent as JSON (content-type application/json unless `contentType` says otherwise). */
  body?: unknown;
  /** Sent as it is (a GeoJSON text, a file's bytes, a malformed body). */
  raw?: string | Uint8Array;
  /** [application/json when a body is sent and `headers` name no content-type] */
  contentType?: string;
  headers?: Record<string, string>;
  /** Another server's root (e.g. a second app over the same store). [this one's url] */
  root?: string;
}

export interface TestApi {
  store: Store;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The tokens startTestApi issued, by the suite's own names. */
  tokens: Record<string, string>;
  call(method: string, path: string, options?: CallOptions): Promise<TestReply>;
  /** Closes the app (which closes the store) and removes the store's folder or schema. */
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** [EMBEDDED] */
  engine?: TestEngine;
  /** buildApp's options but the store. [solveWorkers 0] */
  app?: Omit<AppOptions, 'store'>;
  /** Tokens to issue before the app starts: name → role, or [role, street office]. */
  tokens?: Record<string, Role | readonly [Role, string]>;
  /** The name (in `tokens`) of the token `call` sends when its options name none. */
  defaultToken?: string;
}

/** Opens a store on `engine`, issues the tokens, builds the app and listens on a free port. */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const { store, cleanup } = await (options.engine ?? EMBEDDED).open();
  let app: FastifyInstance | undefined;
  const close = async (): Promise<void> => {
    await app?.close().catch(() => {});
    await cleanup();
  };
  try {
    const tokens: Record<string, string> = {};
    for (const [name, spec] of Object.entries(options.tokens ?? {})) {
      const [role, streetOffice] = typeof spec === 'string' ? [spec, undefined] : spec;
      tokens[name] = (await issueToken(store, { role, ...(streetOffice !== undefined ? { streetOffice } : {}) })).token;
    }
    app = await buildApp({ solveWorkers: 0, ...options.app, store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const fallback = options.defaultToken !== undefined ? tokens[options.defaultToken] : undefined;
    const call = async (method: string, path: string, o: CallOptions = {}): Promise<TestReply> => {
      const headers: Record<string, string> = { ...o.headers };
      const token = o.token === undefined ? fallback : o.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | Uint8Array | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (o.contentType !== undefined) headers['content-type'] = o.contentType;
      else if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${o.root ?? url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const bytes = Buffer.from(await res.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      let json: unknown;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: res.status, headers: res.headers, text, bytes, json };
    };
    return { store, app, url, tokens, call, close };
  } catch (e) {
    await close();
    throw e;
  }
}
