/**
 * `yizhan token create --role R [--street-office S] [--label L] [--data DIR]`: makes a bearer token
 * and prints it alone on stdout (the store keeps only its hash). DATABASE_URL selects PostgreSQL.
 * The embedded data folder admits one process at a time: stop the server first, or use
 * POST /api/tokens with an admin token. On a new data folder it does what the first `serve` would
 * do: seeds the built-in dataset and makes the folder's admin token, printed once on stderr.
 */
import { issueToken } from '../server/auth.js';
import { openForUse } from '../server/first-open.js';
import { ROLES, StoreError, type Role } from '../server/store/types.js';
import { EXIT, InputError, UsageError } from './errors.js';

export interface TokenOptions {
  role?: string;
  streetOffice?: string;
  label?: string;
  data?: string;
}

export async function runToken(action: string, options: TokenOptions): Promise<number> {
  if (action !== 'create') throw new UsageError(`unknown token action "${action}" (only: create)`);
  if (options.role === undefined) throw new UsageError(`token create needs --role (${ROLES.join(', ')})`);
  if (!(ROLES as readonly string[]).includes(options.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${options.role}"`);
  const role = options.role as Role;
  if (role === 'street-office' && !options.streetOffice) throw new UsageError('a street-office token needs --street-office NAME');
  if (role !== 'street-office' && options.streetOffice !== undefined) throw new UsageError(`a ${role} token has no street office: drop --street-office`);
  const databaseUrl = process.env.DATABASE_URL;
  // stdout carries the asked-for token alone; the folder's first admin token goes to stderr
  const { store } = await openForUse({ ...(databaseUrl ? { databaseUrl } : { dataDir: options.data ?? '.data' }), out: process.stderr });
  try {
    const { token } = await issueToken(store, { role, streetOffice: options.streetOffice ?? null, label: options.label ?? null });
    process.stdout.write(`${token}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof StoreError) throw new InputError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}
