/**
 * `yizhan token create --role R [--street-office S] [--label L] [--expires-in-days N] [--force] [--data DIR]`:
 * makes a bearer token and prints it alone on stdout (the store keeps only its hash). A street-office
 * token needs a street office of some stored dataset (the error names the nearest) unless --force.
 * `yizhan token list`: every token, one a line (id, role, street office, label, created, expires,
 * revoked), never the token itself. `yizhan token revoke ID`: the token answers 401 from now on.
 * DATABASE_URL selects PostgreSQL. The embedded data folder admits one process at a time: stop the
 * server first, or use the HTTP API (/api/tokens) with an admin token. On a new data folder it does
 * what the first `serve` would do: seeds the built-in dataset and makes the folder's admin token,
 * printed once on stderr.
 */
import { checkStreetOfficeKnown, issueToken } from '../server/auth.js';
import { openForUse } from '../server/first-open.js';
import { LIMITS } from '../scenarios/limits.js';
import { ROLES, StoreError, type Role, type Store } from '../server/store/types.js';
import { EXIT, InputError, UsageError } from './errors.js';

export interface TokenOptions {
  role?: string;
  streetOffice?: string;
  label?: string;
  expiresInDays?: string;
  force?: boolean;
  data?: string;
}

const ACTIONS = ['create', 'list', 'revoke'];

export async function runToken(positionals: string[], options: TokenOptions): Promise<number> {
  const [action, ...rest] = positionals;
  if (action === undefined) throw new UsageError(`missing <action> (${ACTIONS.join(', ')})`, 'token');
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown token action "${action}" (${ACTIONS.join(', ')})`, 'token');
  if (action === 'revoke' && rest.length !== 1) throw new UsageError('token revoke needs the token id (see yizhan token list)', 'token');
  if (action !== 'revoke' && rest.length > 0) throw new UsageError(`unexpected argument(s): ${rest.join(' ')}`, 'token');
  let create: { role: Role; days: number | null } | undefined;
  if (action === 'create') create = checkCreate(options);
  const databaseUrl = process.env.DATABASE_URL;
  // stdout carries the asked-for answer alone; the folder's first admin token goes to stderr
  const { store } = await openForUse({ ...(databaseUrl ? { databaseUrl } : { dataDir: options.data ?? '.data' }), out: process.stderr });
  try {
    if (create) await createToken(store, create.role, create.days, options);
    else if (action === 'list') listTokens(await store.listTokens());
    else await revokeToken(store, rest[0]!);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof StoreError) throw new InputError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

function checkCreate(options: TokenOptions): { role: Role; days: number | null } {
  if (options.role === undefined) throw new UsageError(`token create needs --role (${ROLES.join(', ')})`);
  if (!(ROLES as readonly string[]).includes(options.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${options.role}"`);
  const role = options.role as Role;
  if (role === 'street-office' && !options.streetOffice) throw new UsageError('a street-office token needs --street-office NAME');
  if (role !== 'street-office' && options.streetOffice !== undefined) throw new UsageError(`a ${role} token has no street office: drop --street-office`);
  let days: number | null = null;
  if (options.expiresInDays !== undefined) {
    days = Number(options.expiresInDays);
    if (!/^\d+$/.test(options.expiresInDays) || days < 1 || days > LIMITS.expiresInDaysMax) {
      throw new UsageError(`--expires-in-days must be a whole number of days from 1 to ${LIMITS.expiresInDaysMax}, got "${options.expiresInDays}"`);
    }
  }
  return { role, days };
}

async function createToken(store: Store, role: Role, days: number | null, options: TokenOptions): Promise<void> {
  if (role === 'street-office' && !options.force) await checkStreetOfficeKnown(store, options.streetOffice!);
  const { token } = await issueToken(store, { role, streetOffice: options.streetOffice ?? null, label: options.label ?? null, expiresInDays: days });
  process.stdout.write(`${token}\n`);
}

function listTokens(tokens: Awaited<ReturnType<Store['listTokens']>>): void {
  const cell = (v: string | null) => (v ?? '-').replace(/[\t\r\n]/g, ' ');
  process.stdout.write('id\trole\tstreet office\tlabel\tcreated\texpires\trevoked\n');
  for (const t of tokens) {
    process.stdout.write(`${[t.id, t.role, cell(t.streetOffice), cell(t.label), t.createdAt, cell(t.expiresAt), cell(t.revokedAt)].join('\t')}\n`);
  }
}

async function revokeToken(store: Store, id: string): Promise<void> {
  const known = (await store.listTokens()).find((t) => t.id === id);
  if (!known) throw new InputError(`no token "${id}" (see yizhan token list)`);
  if (!(await store.revokeToken(id))) throw new InputError(`token "${id}" was revoked already`);
  process.stdout.write(`revoked ${id}\n`);
}
