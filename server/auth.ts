/**
 * Bearer tokens bound to a role. A token is 32 random bytes (base64url, 43 characters); the store
 * keeps only its sha-256 (hex), so a leaked database does not leak tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Actor, Role, Store, StoreOps, TokenRecord } from './store/types.js';
import { StoreError } from './store/types.js';

/** A fresh random token (32 bytes, base64url). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** sha-256 of the token, hex: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Creates a token for a role and stores its hash. The token itself is returned once, never stored.
 *
 * @param store - the store (or a transaction's operations)
 * @param options.role - one of ROLES
 * @param [options.streetOffice] - required for `street-office`, refused for every other role
 * @param [options.label] - who it is for
 * @param [options.expiresInDays] - the token stops working after this many days [never]
 * @param [options.token] - use this token instead of a random one (e.g. an admin token from the environment);
 *   at least 32 characters
 * @example
 * const { token } = await issueToken(store, { role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' });
 */
export async function issueToken(
  store: StoreOps,
  options: { role: Role; streetOffice?: string | null; label?: string | null; token?: string; expiresInDays?: number | null },
): Promise<{ token: string; record: TokenRecord }> {
  const token = options.token ?? generateToken();
  if (typeof token !== 'string' || token.length < 32) {
    throw new StoreError('weak-token', 400, 'a token has at least 32 characters', 'token');
  }
  const days = options.expiresInDays ?? null;
  if (days !== null && !(Number.isFinite(days) && days > 0)) {
    throw new StoreError('invalid-expiry', 400, `expiresInDays: a positive number of days, got ${JSON.stringify(days)}`, 'expiresInDays');
  }
  const record = await store.createToken({
    hash: hashToken(token), role: options.role, streetOffice: options.streetOffice ?? null, label: options.label ?? null,
    expiresAt: days === null ? null : new Date(Date.now() + days * 86_400_000).toISOString(),
  });
  return { token, record };
}

/** The token of an `Authorization: Bearer <token>` header, or null when the header is absent or malformed. */
export function parseBearer(header: string | undefined | null): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Why a known token no longer authenticates: revoked, expired, or null when it still works. */
export function tokenRefusal(record: TokenRecord, now: number = Date.now()): 'token-revoked' | 'token-expired' | null {
  if (record.revokedAt !== null) return 'token-revoked';
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now) return 'token-expired';
  return null;
}

/** The actor a token stands for, or null when it is unknown, revoked or expired. */
export async function verifyToken(store: Pick<Store, 'findTokenByHash'>, token: string): Promise<Actor | null> {
  if (typeof token !== 'string' || token === '') return null;
  const record = await store.findTokenByHash(hashToken(token));
  return record && tokenRefusal(record) === null ? { tokenId: record.id, role: record.role, streetOffice: record.streetOffice } : null;
}

/**
 * The actor of an Authorization header; throws StoreError `unauthenticated` (401) when there is no
 * valid bearer token.
 */
export async function authenticate(store: Pick<Store, 'findTokenByHash'>, header: string | undefined | null): Promise<Actor> {
  const token = parseBearer(header);
  if (token === null) throw new StoreError('unauthenticated', 401, 'send Authorization: Bearer <token>', 'authorization');
  const record = await store.findTokenByHash(hashToken(token));
  if (record === null) throw new StoreError('unauthenticated', 401, 'unknown token', 'authorization');
  const refusal = tokenRefusal(record);
  if (refusal === 'token-revoked') throw new StoreError(refusal, 401, `this token was revoked on ${record.revokedAt}: ask an admin for a new one`, 'authorization');
  if (refusal === 'token-expired') throw new StoreError(refusal, 401, `this token expired on ${record.expiresAt}: ask an admin for a new one`, 'authorization');
  return { tokenId: record.id, role: record.role, streetOffice: record.streetOffice };
}

/** Edit distance of two strings, by code point (黄呗 → 黄贝 is 1). */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

/** The known name closest to `name` (ties: the first in order), or undefined when there is none. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

/**
 * 422 `street-office-unknown` unless some stored dataset has the street office, naming the nearest
 * existing one (a typo such as 黄呗 for 黄贝 would give a token that can plan nothing).
 */
export async function checkStreetOfficeKnown(store: Pick<Store, 'listStreetOfficeNames'>, name: string): Promise<void> {
  const known = await store.listStreetOfficeNames();
  if (known.includes(name)) return;
  const nearest = nearestName(name, known);
  throw new StoreError('street-office-unknown', 422,
    `no stored dataset has the street office "${name}"${nearest !== undefined ? `; did you mean "${nearest}"?` : ' (no dataset is stored yet)'} (force: true makes the token anyway)`,
    'streetOffice', nearest !== undefined ? { nearest } : undefined);
}
