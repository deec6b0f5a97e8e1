/**
 * What every request and answer gets, whatever the route:
 * - text in the path, the query and JSON bodies may not hold NUL or other control characters
 *   (tab and line breaks excepted), bidirectional overrides or unpaired surrogates (CONTROL_CHARACTER) and a body may not nest deeper than MAX_BODY_DEPTH: 422
 *   `invalid-request` naming the field, before the route sees it (PostgreSQL refuses NUL in text
 *   and deep values overflow the stack of JSON.stringify later: both were 500s);
 * - security headers on every answer, `Cache-Control: no-store` on answers that show a token;
 * - `Content-Disposition` with a file name on every export (a non-JSON GET answer of /api).
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { CONTROL_CHARACTER } from '../../geo/validate-properties.js';
import { StoreError } from '../store/types.js';

/** Deepest JSON body accepted: a GeoJSON MultiPolygon upload nests 7 levels, a scenario about 5. */
export const MAX_BODY_DEPTH = 64;

/** `features[3].properties.name` from path parts. */
function formatPath(parts: readonly (string | number)[], root: string): string {
  let out = root;
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? 'body' : out;
}

/**
 * The first place in a JSON value that holds a control character (in a key or a string) or nests
 * deeper than `maxDepth`, or undefined. Iterative: a body nested 100,000 deep is walked safely.
 */
export function findHostileValue(
  value: unknown, root: string, maxDepth = MAX_BODY_DEPTH,
): { field: string; problem: 'control-character' | 'too-deep' } | undefined {
  // each entry links to its parent: the path is built only for the value found (copying it at
  // every node made a 50,000-feature upload cost seconds)
  interface Entry { v: unknown; key: string | number | undefined; parent: Entry | undefined; depth: number }
  const pathOf = (e: Entry | undefined, last?: string): (string | number)[] => {
    const parts: (string | number)[] = last !== undefined ? [last] : [];
    for (let at = e; at && at.key !== undefined; at = at.parent) parts.push(at.key);
    return parts.reverse();
  };
  const stack: Entry[] = [{ v: value, key: undefined, parent: undefined, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const v = entry.v;
    if (typeof v === 'string') {
      if (CONTROL_CHARACTER.test(v)) return { field: formatPath(pathOf(entry), root), problem: 'control-character' };
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (entry.depth >= maxDepth) return { field: formatPath(pathOf(entry), root), problem: 'too-deep' };
    const depth = entry.depth + 1;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const child: unknown = v[i];
        if (typeof child === 'string' || (child !== null && typeof child === 'object')) stack.push({ v: child, key: i, parent: entry, depth });
      }
    } else {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        const child = (v as Record<string, unknown>)[k];
        if (CONTROL_CHARACTER.test(k)) return { field: formatPath(pathOf(entry, k.replace(CONTROL_CHARACTER, '?')), root), problem: 'control-character' };
        if (typeof child === 'string' || (child !== null && typeof child === 'object')) stack.push({ v: child, key: k, parent: entry, depth });
      }
    }
  }
  return undefined;
}

export function refuseHostile(found: { field: string; problem: 'control-character' | 'too-deep' }): StoreError {
  const message = found.problem === 'too-deep'
    ? `${found.field}: nested more than ${MAX_BODY_DEPTH} levels deep`
    : `${found.field}: contains a control character (NUL, another C0 or C1 control other than tab and line breaks, a bidirectional override) or an unpaired surrogate`;
  return new StoreError('invalid-request', 422, message, found.field);
}

/** The file name an export is saved under: `plan-0e4744f0-stations.geojson`. */
export function makeExportFileName(url: string, contentType: string): string | undefined {
  const path = url.split('?')[0]!;
  const m = /^\/api\/(plans|datasets|scenarios)\/([^/]+)\/(.+)$/.exec(path);
  if (!m) return undefined;
  const [, resource, id, rest] = m;
  const kind = resource!.replace(/s$/, '');
  let last = rest!.split('/').pop()!;
  if (!/\.[a-z0-9]+$/i.test(last)) {
    const ext = contentType.startsWith('text/markdown') ? 'md' : contentType.startsWith('text/csv') ? 'csv' : contentType.startsWith('text/plain') ? 'txt' : undefined;
    if (!ext) return undefined;
    last = `${last}.${ext}`;
  }
  const safe = `${kind}-${decodeURIComponent(id!).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 8)}-${last.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  return safe;
}

async function hardeningPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const found = findHostileValue(request.params, '') ?? findHostileValue(request.query, '')
      // binary uploads (a Buffer) are read by their own format's checks
      ?? (request.body !== null && typeof request.body === 'object' && !ArrayBuffer.isView(request.body) ? findHostileValue(request.body, '') : undefined);
    if (found) throw refuseHostile(found);
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    const url = request.url.split('?')[0]!;
    if (url.startsWith('/api/tokens')) reply.header('cache-control', 'no-store');
    if (request.method === 'GET' && reply.statusCode === 200 && url.startsWith('/api/')) {
      const type = String(reply.getHeader('content-type') ?? '');
      if (!type.startsWith('application/json')) {
        const name = makeExportFileName(request.url, type);
        if (name && !reply.hasHeader('content-disposition')) reply.header('content-disposition', `attachment; filename="${name}"`);
      }
    }
    return payload;
  });
}

export const hardening = fp(hardeningPlugin, { name: 'yizhan-hardening' });

/** Errors raised by Node's HTTP parser before Fastify sees a request, in the documented shape. */
function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers-too-large', 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request-timeout', 'the request took too long to arrive']
        : error.code === 'HPE_INVALID_CONTENT_LENGTH' || error.code === 'HPE_UNEXPECTED_CONTENT_LENGTH' ? [400, 'invalid-content-length', 'the Content-Length header is not valid']
          : [400, 'bad-request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ code, message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n`
      + `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** Errors of Fastify's router (a path parameter too long, a malformed URL), in the documented shape. */
function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.code(tooLong ? 414 : 400).type('application/json; charset=utf-8').header('x-content-type-options', 'nosniff').send({
    code: tooLong ? 'uri-too-long' : 'bad-url',
    message: tooLong ? 'a path parameter is longer than the server accepts (ids are at most 100 characters)' : 'the URL is not valid',
  });
}

/** The Fastify server options that route Node's and Fastify's own early errors into the documented shape. */
export const HARDENED_SERVER_OPTIONS = {
  clientErrorHandler: handleClientError,
  frameworkErrors: handleFrameworkError,
} satisfies Partial<FastifyServerOptions>;
