/**
 * Tokens (admin only): make a token for a role (and a street office that some stored dataset has,
 * unless forced), with an optional expiry; the token is shown once. List them (never the token
 * itself) and revoke them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkStreetOfficeKnown, issueToken } from '../auth.js';
import { requireActor, requireRole } from '../plugins/auth.js';
import { IdParams, TokenBody, TokenCreatedSchema, TokenInfoSchema, TokenListSchema, withErrors } from '../schemas.js';
import type { TokenRecord } from '../store/types.js';
import { StoreError } from '../store/types.js';

/** What a token list shows: never the token, never its hash. */
export function makeTokenInfo(t: TokenRecord) {
  return { id: t.id, role: t.role, streetOffice: t.streetOffice, label: t.label, createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt };
}

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'Create a token (admin); the answer is the only time the token is shown. A street-office token needs a street office of some stored dataset (422 street-office-unknown names the nearest) unless force: true',
      body: TokenBody,
      response: withErrors({ 201: TokenCreatedSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, ['admin'], 'create tokens');
    const body = request.body;
    if (body.role === 'street-office' && body.streetOffice !== undefined && body.force !== true) {
      await checkStreetOfficeKnown(app.store, body.streetOffice);
    }
    const { token, record } = await issueToken(app.store, {
      role: body.role, streetOffice: body.streetOffice ?? null, label: body.label ?? null, expiresInDays: body.expiresInDays ?? null,
    });
    return reply.code(201).send({
      id: record.id, token, role: record.role, streetOffice: record.streetOffice, label: record.label, createdAt: record.createdAt, expiresAt: record.expiresAt,
    });
  });

  app.get('/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'Every token (admin): id, role, street office, label, created, expires, revoked; never the token itself',
      response: withErrors({ 200: TokenListSchema }),
    },
  }, async (request) => {
    requireRole(requireActor(request), ['admin'], 'list tokens');
    return { tokens: (await app.store.listTokens()).map(makeTokenInfo) };
  });

  app.delete('/tokens/:id', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke a token (admin): it answers 401 token-revoked from now on; 404 token-not-found, 409 token-already-revoked',
      params: IdParams,
      response: withErrors({ 200: TokenInfoSchema }),
    },
  }, async (request) => {
    requireRole(requireActor(request), ['admin'], 'revoke tokens');
    const id = request.params.id;
    const before = (await app.store.listTokens()).find((t) => t.id === id);
    if (!before) throw new StoreError('token-not-found', 404, `no token "${id}"`, 'id');
    if (!(await app.store.revokeToken(id))) throw new StoreError('token-already-revoked', 409, `token "${id}" was revoked already`, 'id');
    const after = (await app.store.listTokens()).find((t) => t.id === id)!;
    return makeTokenInfo(after);
  });
};
