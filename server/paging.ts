/** The page a list request asks for: `?limit=` (1–LIMITS.pageMax, default LIMITS.pageDefault) and `?cursor=`. */
import { LIMITS } from '../scenarios/limits.js';
import type { PageRequest } from './store/paging.js';
import { StoreError } from './store/types.js';

export function readPageQuery(query: { limit?: string; cursor?: string }): PageRequest {
  let limit: number = LIMITS.pageDefault;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.pageMax) {
      throw new StoreError('invalid-request', 422, `limit: a page holds 1 to ${LIMITS.pageMax} items, got ${query.limit}`, 'limit');
    }
  }
  return { limit, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) };
}
