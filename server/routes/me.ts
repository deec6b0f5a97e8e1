/** Who am I: the role, street office and label of the bearer token (the review desk shows them after sign-in). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { hashToken, parseBearer } from '../auth.js';
import { requireActor } from '../plugins/auth.js';
import { withErrors } from '../schemas.js';
import { ROLES, type Role } from '../store/types.js';

export const MeSchema = Type.Object(
  {
    tokenId: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    streetOffice: Type.Union([Type.String(), Type.Null()]),
    label: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type MeBody = Static<typeof MeSchema> & { role: Role };

export async function meRoutes(app: FastifyInstance): Promise<void> {
  app.get('/me', {
    schema: { tags: ['tokens'], summary: 'The token\'s own role, street office and label (never the token)', response: withErrors({ 200: MeSchema }) },
  }, async (request): Promise<MeBody> => {
    const actor = requireActor(request);
    // The auth hook found the token already; its label is only on the record.
    const token = parseBearer(request.headers.authorization);
    const record = token === null ? null : await app.store.findTokenByHash(hashToken(token));
    return { tokenId: actor.tokenId, role: actor.role, streetOffice: actor.streetOffice, label: record?.label ?? null };
  });
}
