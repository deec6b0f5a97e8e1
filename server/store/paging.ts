/**
 * Keyset paging of the lists: a page is ordered by (created_at, id); its opaque cursor holds the
 * last row's created_at (as the database's own text, so microseconds survive) and id, and the next
 * page starts after that pair. Never OFFSET: a page costs the same at the end of a big table.
 */
import type { Sql } from './db.js';
import { str, type Row } from './rows.js';
import { StoreError, type Page, type PageRequest } from './types.js';

export type { Page, PageRequest };

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

/** The (created_at, id) a cursor stands for; 422 `invalid-cursor` for anything not made by this module. */
export function decodeCursor(cursor: string): { at: string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string'
    || !TIMESTAMP_TEXT.test(parsed[0]) || parsed[1].length > 200) {
    throw new StoreError('invalid-cursor', 422, 'cursor: not a cursor of this list (pass the nextCursor of the previous page as it is)', 'cursor');
  }
  return { at: parsed[0], id: parsed[1] };
}

/** The cursor after history entry `seq` of a plan (a plan's history pages by its own step numbers). */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify(['seq', seq]), 'utf8').toString('base64url');
}

/** The step number a history cursor stands for; 422 `invalid-cursor` for anything else. */
export function decodeSeqCursor(cursor: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== 'seq' || !Number.isInteger(parsed[1]) || parsed[1] < 0 || parsed[1] > 2_147_483_647) {
    throw new StoreError('invalid-cursor', 422, 'cursor: not a cursor of this history (pass the nextCursor of the previous page as it is)', 'cursor');
  }
  return parsed[1] as number;
}

/**
 * One page of `SELECT <select> FROM <from> WHERE <where>` ordered by `<alias>created_at, <alias>id`.
 * `params` are the filter's ($1 … $n); the keyset and the limit take the next numbers.
 */
export async function queryPage<T>(
  db: Sql,
  q: { select: string; from: string; where: string; params: unknown[]; alias?: string },
  page: PageRequest,
  toItem: (r: Row) => T,
): Promise<Page<T>> {
  const a = q.alias ?? '';
  const n = q.params.length;
  const after = page.cursor !== undefined ? decodeCursor(page.cursor) : null;
  const rows = await db.query<Row>(
    `SELECT ${q.select}, ${a}created_at::text AS page_at FROM ${q.from}
     WHERE (${q.where}) AND ($${n + 1}::timestamptz IS NULL OR (${a}created_at, ${a}id) > ($${n + 1}::timestamptz, $${n + 2}::text))
     ORDER BY ${a}created_at, ${a}id LIMIT $${n + 3}`,
    [...q.params, after?.at ?? null, after?.id ?? null, page.limit + 1]);
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept[kept.length - 1];
  const counted = await db.query<Row>(`SELECT count(*)::int AS n FROM ${q.from} WHERE (${q.where})`, q.params);
  return {
    items: kept.map(toItem),
    nextCursor: more && last ? encodeCursor(str(last.page_at), str(last.id)) : null,
    total: Number(counted[0]!.n),
  };
}
