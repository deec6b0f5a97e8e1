/**
 * One error handler for the whole app: every failure is JSON `{ code, message, field?, details? }`
 * with a stable code, never a stack trace.
 * - StoreError (domain refusals) → its status and code;
 * - schema validation → 422 `invalid-request` with the field (JSON pointer of the body, or the
 *   parameter / querystring name);
 * - body too large → 413 `body-too-large`; malformed JSON → 400 `invalid-json`; empty JSON body →
 *   400 `empty-body`; unsupported content type → 415 `unsupported-media-type`;
 * - a full disk → 507 `storage-full`, a database that cannot be reached or written → 503
 *   `storage-unavailable` (server/store/storage-errors.ts; logged as a warning);
 * - unknown route → 404 `not-found`; anything else → 500 `internal` (logged, not shown).
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../schemas.js';
import { classifyStorageError } from '../store/storage-errors.js';
import { StoreError } from '../store/types.js';

interface ValidationItem {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** The field a validation error is about: `stations/0/1` → `stations[0][1]`, a missing property → its name. */
export function fieldOfValidation(item: ValidationItem, context: string | undefined): string {
  const parts = (item.instancePath ?? '').split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = item.params?.missingProperty ?? item.params?.additionalProperty;
  if (typeof extra === 'string') parts.push(extra);
  let field = '';
  for (const p of parts) field += /^\d+$/.test(p) ? `[${p}]` : field === '' ? p : `.${p}`;
  if (field === '') return context ?? 'body';
  return context === 'body' || context === undefined ? field : `${context}.${field}`;
}

function makeValidationBody(error: FastifyError): ErrorBody {
  const items = (error.validation ?? []) as ValidationItem[];
  const first = items[0] ?? {};
  const context = error.validationContext;
  const field = fieldOfValidation(first, context);
  let message = first.message ?? error.message;
  if (first.keyword === 'additionalProperties') message = `unknown field "${String(first.params?.additionalProperty)}"`;
  else if (first.keyword === 'required') message = `missing field "${String(first.params?.missingProperty)}"`;
  else if (first.keyword === 'enum' || first.keyword === 'anyOf' || first.keyword === 'const') {
    message = `${message}${first.params?.allowedValues ? `: ${(first.params.allowedValues as unknown[]).join(', ')}` : ''}`;
  }
  return { code: 'invalid-request', field, message: `${field}: ${message}` };
}

const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body-too-large' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid-json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'empty-body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported-media-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid-content-length' },
};

/** The status and JSON body of any error. */
export function makeErrorReply(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof StoreError) {
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.field !== undefined) body.field = error.field;
    if (error.details !== undefined) body.details = error.details;
    return { status: error.status, body, internal: false };
  }
  const e = error as FastifyError;
  if (e && Array.isArray(e.validation)) return { status: 422, body: makeValidationBody(e), internal: false };
  const known = e && typeof e.code === 'string' && Object.hasOwn(FASTIFY_CODES, e.code) ? FASTIFY_CODES[e.code]! : undefined;
  if (known) return { status: known.status, body: { code: known.code, message: e.message }, internal: false };
  if (e instanceof SyntaxError && (e as FastifyError).statusCode === 400) {
    return { status: 400, body: { code: 'invalid-json', message: `the body is not valid JSON: ${e.message}` }, internal: false };
  }
  const storage = classifyStorageError(error);
  if (storage) return { status: storage.status, body: { code: storage.code, message: storage.message }, internal: false };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { code: 'bad-request', message: typeof e.message === 'string' ? e.message : 'bad request' }, internal: false };
  }
  return { status: 500, body: { code: 'internal', message: 'internal error: the server logged it' }, internal: true };
}

/** Installs the error handler and the not-found handler. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, internal } = makeErrorReply(error);
    if (internal) request.log.error({ err: error }, 'internal error');
    else if (status === 503 || status === 507) request.log.warn({ code: body.code, reason: (error as Error).message }, 'storage error');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    return reply.code(404).type('application/json; charset=utf-8')
      .send({ code: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody);
  });
}, { name: 'yizhan-errors', fastify: '5.x' });
