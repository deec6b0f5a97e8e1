/**
 * The review desk (web/): the bundled client from dist/web at `GET /` and `/web/*`, and the
 * routes it needs that the rest of the API lacks, `GET /api/me` (server/routes/me.ts),
 * `GET /api/settings` (the optional basemap, server/routes/settings.ts) and
 * `POST /api/plans/:id/evaluate` (server/routes/evaluate.ts), behind the same bearer-token hook
 * as every /api route. Files are read once at registration and served
 * from memory with an ETag; the page is the same for everyone (the token lives in the browser's
 * sessionStorage, never in a URL or cookie). Encapsulated: its hooks touch only its own routes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { StoreError } from '../store/types.js';
import { makeAuthHook } from './auth.js';
import { evaluateRoutes } from '../routes/evaluate.js';
import { meRoutes } from '../routes/me.js';
import { basemapOrigins, settingsRoutes, type Basemap } from '../routes/settings.js';

export interface WebPluginOptions {
  /** Folder of the built client. [$YIZHAN_WEB_DIR, else <package root>/dist/web] */
  root?: string;
  /** Tiles under the desk's map; their hosts are added to the page's img-src. [none] */
  basemap?: Basemap | null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * No script but our own; images may be data: URLs (Leaflet's CSS) and the basemap's tiles when one
 * is set; no outside connections otherwise.
 */
export function contentSecurityPolicy(basemap: Basemap | null): string {
  const img = ["'self'", 'data:', ...basemapOrigins(basemap)].join(' ');
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src ${img}; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
}

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the package root (package.json + scenarios/)');
    dir = up;
  }
}

interface Asset { body: Buffer; type: string; etag: string }

function readAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(root)) return assets;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) { walk(path); continue; }
      const type = TYPES[extname(name)];
      if (type === undefined) continue;
      const body = readFileSync(path);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
      assets.set(relative(root, path).split(sep).join('/'), { body, type, etag });
    }
  };
  walk(root);
  return assets;
}

export default webPlugin;

export async function webPlugin(app: FastifyInstance, options: WebPluginOptions = {}): Promise<void> {
  const root = options.root ?? (process.env.YIZHAN_WEB_DIR || join(findPackageRoot(), 'dist', 'web'));
  const assets = readAssets(root);
  const basemap = options.basemap ?? null;
  const csp = contentSecurityPolicy(basemap);

  const send = (name: string) => async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    const asset = assets.get(name);
    if (asset === undefined) {
      throw new StoreError('web-not-built', 404, `the review desk is not built (${name} missing in ${root}): run npm run build`);
    }
    void reply.header('content-type', asset.type).header('etag', asset.etag)
      .header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
    if (asset.type.startsWith('text/html')) void reply.header('content-security-policy', csp).header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  };

  app.get('/', { schema: { hide: true } }, send('index.html'));
  app.get<{ Params: { '*': string } }>('/web/*', { schema: { hide: true } }, async (request, reply) => send(request.params['*'])(request, reply));

  await app.register(async (api) => {
    api.addHook('onRequest', makeAuthHook(api));
    await api.register(meRoutes);
    await api.register(evaluateRoutes);
    await api.register(settingsRoutes, { basemap });
  }, { prefix: '/api' });
}
