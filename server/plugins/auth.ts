/**
 * Bearer-token authentication: `request.actor` is the token's role and street office. Routes
 * that need it call `requireActor(request)` (401 `unauthenticated` without a valid token) and
 * `requireRole(actor, roles)` (403 `forbidden-role`). The check runs in `onRequest`, before the
 * body is read, so an anonymous client cannot make the server parse a large body.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../auth.js';
import type { Actor, Role } from '../store/types.js';
import { StoreError } from '../store/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Decorates requests with `actor` (null until authenticated). */
export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('actor', null);
}, { name: 'yizhan-auth', fastify: '5.x', dependencies: ['yizhan-store'] });

/** An `onRequest` hook for a scope of routes that all need a valid bearer token. */
export function makeAuthHook(app: FastifyInstance) {
  return async (request: FastifyRequest): Promise<void> => {
    request.actor = await authenticate(app.store, request.headers.authorization);
  };
}

/** The authenticated actor (the hook ran), else 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new StoreError('unauthenticated', 401, 'send Authorization: Bearer <token>', 'authorization');
  return request.actor;
}

/** 403 `forbidden-role` unless the actor has one of `roles`. */
export function requireRole(actor: Actor, roles: readonly Role[], what: string): void {
  if (!roles.includes(actor.role)) {
    throw new StoreError('forbidden-role', 403, `the role ${actor.role} may not ${what}; only ${roles.join(', ')}`);
  }
}
