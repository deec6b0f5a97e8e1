/**
 * Storage failures told apart from bugs: a full disk is 507 `storage-full`, a database that cannot
 * be reached or written (connection lost or refused, server shutting down, read-only, the embedded
 * database's thread gone) is 503 `storage-unavailable`; both with a message that says what to do.
 * Anything else stays an internal error. Works on the errors of both engines (`pg`'s SQLSTATE
 * codes and Node's socket errors; PGlite's SQLSTATE codes and file-system messages).
 */
import { StoreError } from './types.js';

/** Node's socket and file-system error codes that mean the database cannot be reached or written. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EROFS', 'EACCES', 'EIO']);

/** Messages of the drivers for a lost or broken connection (they carry no code). */
const UNAVAILABLE_MESSAGE = /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error|not queryable|cannot use a pool after calling end|the embedded database (stopped|thread exited)|read-only file system|database system is (shutting down|starting up|in recovery mode)/i;
const FULL_MESSAGE = /no space left on device|ENOSPC|disk quota exceeded|EDQUOT/i;

/**
 * The StoreError a storage failure answers with, or undefined when `error` is not one.
 * @example classifyStorageError(Object.assign(new Error('could not extend file'), { code: '53100' })) // 507 storage-full
 */
export function classifyStorageError(error: unknown): StoreError | undefined {
  if (error instanceof StoreError || error === null || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === '53100' || code === 'ENOSPC' || code === 'EDQUOT' || FULL_MESSAGE.test(message)) {
    return new StoreError('storage-full', 507,
      'the database\'s disk is full: nothing was stored. Free space (or give the data folder a larger disk) and try again; the server goes on by itself');
  }
  // 08: connection exception; 57P01-57P03: shutdown, crash, cannot connect now; 25006: read-only
  // transaction; 53300: too many connections; 58030: I/O error
  if (/^08/.test(code) || /^57P0[1-3]$/.test(code) || code === '25006' || code === '53300' || code === '58030'
    || UNAVAILABLE_ERRNO.has(code) || UNAVAILABLE_MESSAGE.test(message)) {
    return new StoreError('storage-unavailable', 503,
      `the database is unavailable (${message.slice(0, 200) || code}): nothing was changed. Try again when it is back; the server goes on by itself`);
  }
  return undefined;
}
