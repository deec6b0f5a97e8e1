/** Bearer tokens: only the sha-256 of a token is stored; a revoked token no longer authenticates. */
import { randomUUID } from 'node:crypto';
import type { Sql } from './db.js';
import { iso, isoOrNull, str, strOrNull, type InTx, type Row } from './rows.js';
import type { Role, TokenOps, TokenRecord } from './types.js';
import { ROLES, StoreError } from './types.js';

function toToken(r: Row): TokenRecord {
  return {
    id: str(r.id), role: r.role as Role, streetOffice: strOrNull(r.street_office), label: strOrNull(r.label),
    createdAt: iso(r.created_at), revokedAt: isoOrNull(r.revoked_at), expiresAt: isoOrNull(r.expires_at),
  };
}

/** The token operations: reads on `db`, each write in its own transaction (`inTx`). */
export function makeTokenOps(db: Sql, inTx: InTx): TokenOps {
  return {
    createToken: (input) => inTx(async (sql) => {
      if (!ROLES.includes(input.role)) throw new StoreError('invalid-role', 400, `unknown role "${String(input.role)}"; one of ${ROLES.join(', ')}`, 'role');
      const so = input.streetOffice ?? null;
      if (input.role === 'street-office' && (typeof so !== 'string' || so === '')) {
        throw new StoreError('street-office-required', 400, 'a street-office token names its street office', 'streetOffice');
      }
      if (input.role !== 'street-office' && so !== null) {
        throw new StoreError('street-office-not-allowed', 400, `a ${input.role} token has no street office`, 'streetOffice');
      }
      if (typeof input.hash !== 'string' || !/^[0-9a-f]{64}$/.test(input.hash)) {
        throw new StoreError('invalid-token-hash', 400, 'a token hash is 64 hex digits (sha-256)', 'hash');
      }
      const expires = input.expiresAt ?? null;
      if (expires !== null && Number.isNaN(Date.parse(expires))) {
        throw new StoreError('invalid-expiry', 400, `expiresAt: not a date, got ${JSON.stringify(expires)}`, 'expiresAt');
      }
      const rows = await sql.query<Row>(
        'INSERT INTO tokens (id, hash, role, street_office, label, expires_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz) RETURNING *',
        [randomUUID(), input.hash, input.role, so, input.label ?? null, expires]);
      return toToken(rows[0]!);
    }),

    async findTokenByHash(hash) {
      const rows = await db.query<Row>('SELECT * FROM tokens WHERE hash = $1', [hash]);
      return rows[0] ? toToken(rows[0]) : null;
    },

    async listTokens() {
      return (await db.query<Row>('SELECT * FROM tokens ORDER BY created_at, id')).map(toToken);
    },

    revokeToken: (id: string) => inTx(async (sql) => {
      const rows = await sql.query('UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
      return rows.length > 0;
    }),
  };
}
