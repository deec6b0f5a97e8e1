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
 * @param [options.token] - use this token instead of a random one (e.g. an admin token from the environment);
 *   at least 32 characters
 * @example
 * const { token } = await issueToken(store, { role: 'street-office', streetOffice: '黄贝', label: '黄贝街道' });
 */
export async function issueToken(
  store: StoreOps,
  options: { role: Role; streetOffice?: string | null; label?: string | null; token?: string },
): Promise<{ token: string; record: TokenRecord }> {
  const token = options.token ?? generateToken();
  if (typeof token !== 'string' || token.length < 32) {
    throw new StoreError('weak-token', 400, 'a token has at least 32 characters', 'token');
  }
  const record = await store.createToken({
    hash: hashToken(token), role: options.role, streetOffice: options.streetOffice ?? null, label: options.label ?? null,
  });
  return { token, record };
}

/** The token of an `Authorization: Bearer <token>` header, or null when the header is absent or malformed. */
export function parseBearer(header: string | undefined | null): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

/** The actor a token stands for, or null when it is unknown or revoked. */
export async function verifyToken(store: Pick<Store, 'findTokenByHash'>, token: string): Promise<Actor | null> {
  if (typeof token !== 'string' || token === '') return null;
  const record = await store.findTokenByHash(hashToken(token));
  return record ? { tokenId: record.id, role: record.role, streetOffice: record.streetOffice } : null;
}

/**
 * The actor of an Authorization header; throws StoreError `unauthenticated` (401) when there is no
 * valid bearer token.
 */
export async function authenticate(store: Pick<Store, 'findTokenByHash'>, header: string | undefined | null): Promise<Actor> {
  const token = parseBearer(header);
  if (token === null) throw new StoreError('unauthenticated', 401, 'send Authorization: Bearer <token>', 'authorization');
  const actor = await verifyToken(store, token);
  if (actor === null) throw new StoreError('unauthenticated', 401, 'unknown or revoked token', 'authorization');
  return actor;
}
