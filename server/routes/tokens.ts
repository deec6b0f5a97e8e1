/** Tokens: an admin makes a token for a role (and a street office); the token is shown once. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { issueToken } from '../auth.js';
import { requireActor, requireRole } from '../plugins/auth.js';
import { TokenBody, TokenCreatedSchema, withErrors } from '../schemas.js';

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'Create a token (admin); the answer is the only time the token is shown',
      body: TokenBody,
      response: withErrors({ 201: TokenCreatedSchema }),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    requireRole(actor, ['admin'], 'create tokens');
    const { token, record } = await issueToken(app.store, {
      role: request.body.role, streetOffice: request.body.streetOffice ?? null, label: request.body.label ?? null,
    });
    return reply.code(201).send({ id: record.id, token, role: record.role, streetOffice: record.streetOffice, label: record.label, createdAt: record.createdAt });
  });
};
