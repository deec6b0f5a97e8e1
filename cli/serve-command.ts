/**
 * `yizhan serve`: the HTTP API on the embedded data folder (or PostgreSQL when DATABASE_URL is
 * set). Resolves when the server has closed (SIGINT / SIGTERM), with exit code 0. The review
 * desk's basemap comes from --basemap, else $YIZHAN_BASEMAP (none when neither is set).
 */
import { parseBasemap } from '../server/routes/settings.js';
import { startServer } from '../server/main.js';
import { EXIT, UsageError } from './errors.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  data?: string;
  workers?: string;
  quiet: boolean;
  basemap?: string;
  basemapSubdomains?: string;
}

function parseWhole(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export async function runServe(options: ServeOptions): Promise<number> {
  const port = parseWhole(options.port, '--port', 0, 65535) ?? 3000;
  const workers = parseWhole(options.workers, '--workers', 0, 256);
  const databaseUrl = process.env.DATABASE_URL;
  const fromFlag = options.basemap !== undefined;
  let basemap;
  try {
    basemap = parseBasemap(options.basemap ?? process.env.YIZHAN_BASEMAP,
      options.basemapSubdomains ?? process.env.YIZHAN_BASEMAP_SUBDOMAINS, fromFlag ? '--basemap' : 'YIZHAN_BASEMAP');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const server = await startServer({
    port,
    host: options.host ?? '127.0.0.1',
    dataDir: options.data ?? '.data',
    ...(databaseUrl ? { databaseUrl } : {}),
    logger: !options.quiet,
    app: { ...(workers !== undefined ? { solveWorkers: workers } : {}), basemap },
  });
  process.stderr.write(`yizhan: serving ${server.url} (${server.store.engine === 'pg' ? 'PostgreSQL' : `embedded, data in ${options.data ?? '.data'}`}); API docs at ${server.url}/documentation${basemap ? `; basemap ${basemap.urls.map((u) => new URL(u.replaceAll('{s}', basemap.subdomains[0]!)).host).join(', ')}` : ''}\n`);
  await new Promise<void>((resolve) => server.app.server.once('close', () => resolve()));
  return EXIT.ok;
}
