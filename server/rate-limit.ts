/**
 * A rate limit per token: a fixed-window counter in memory (one process serves one data folder, so
 * no shared store is needed). Over the limit a request answers 429 `rate-limited` with Retry-After
 * (seconds until the window ends), before its body is read.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from './store/types.js';

export interface RateLimit {
  /** Requests per window and token. */
  max: number;
  /** The window, ms. [60000] */
  windowMs?: number;
}

/** Default limits: generous for people, a brake on a runaway script. */
export const DEFAULT_RATE_LIMITS = { solves: { max: 30, windowMs: 60_000 }, uploads: { max: 10, windowMs: 60_000 } } as const;

/** Beyond this many keys, windows that ended are dropped (memory stays bounded by the active tokens). */
const SWEEP_AT = 10_000;

/**
 * An `onRequest` hook counting requests per token (`request.actor`, set by the auth hook that runs
 * first; no actor: the client address).
 * @param what - what is limited, for the message ("solves")
 * @param [now] - the clock (tests)
 */
export function makeRateLimitHook(what: string, limit: RateLimit, now: () => number = Date.now) {
  const windowMs = limit.windowMs ?? 60_000;
  if (!Number.isInteger(limit.max) || limit.max < 1) throw new Error(`rate limit of ${what}: max must be a positive integer, got ${limit.max}`);
  if (!(windowMs > 0)) throw new Error(`rate limit of ${what}: windowMs must be positive, got ${windowMs}`);
  const windows = new Map<string, { start: number; count: number }>();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = request.actor?.tokenId ?? `ip:${request.ip}`;
    const t = now();
    if (windows.size >= SWEEP_AT) for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
    let w = windows.get(key);
    if (!w || t - w.start >= windowMs) {
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    if (w.count > limit.max) {
      const retryAfterS = Math.max(1, Math.ceil((w.start + windowMs - t) / 1000));
      void reply.header('retry-after', String(retryAfterS));
      throw new StoreError('rate-limited', 429,
        `at most ${limit.max} ${what} per ${windowMs / 1000} s for one token: try again in ${retryAfterS} s`, undefined,
        { limit: limit.max, windowMs, retryAfterS });
    }
  };
}
