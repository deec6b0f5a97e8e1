/**
 * `yizhan serve`: the HTTP API on the embedded data folder (or PostgreSQL when DATABASE_URL is
 * set). Resolves when the server has closed (SIGINT / SIGTERM), with exit code 0.
 */
import { startServer } from '../server/main.js';
import { EXIT, UsageError } from './errors.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  data?: string;
  workers?: string;
  quiet: boolean;
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
  const server = await startServer({
    port,
    host: options.host ?? '127.0.0.1',
    dataDir: options.data ?? '.data',
    ...(databaseUrl ? { databaseUrl } : {}),
    logger: !options.quiet,
    ...(workers !== undefined ? { app: { solveWorkers: workers } } : {}),
  });
  process.stderr.write(`yizhan: serving ${server.url} (${server.store.engine === 'pg' ? 'PostgreSQL' : `embedded, data in ${options.data ?? '.data'}`}); API docs at ${server.url}/documentation\n`);
  await new Promise<void>((resolve) => server.app.server.once('close', () => resolve()));
  return EXIT.ok;
}
