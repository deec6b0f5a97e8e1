/**
 * What the per-resource SQL modules share: rows as the drivers return them, column readers that
 * give both engines' values one shape (pg parses json and timestamps; PGlite may hand text), and
 * JSON parameters (objects and arrays travel as JSON text, `$n::jsonb`).
 */
import type { Sql } from './db.js';

export type Row = Record<string, unknown>;
/** Runs `fn` in a transaction (or in the one already open). */
export type InTx = <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>;

export function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}
export function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v);
}
export function str(v: unknown): string {
  return String(v);
}
export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
/** A json column read back: pg parses json/jsonb, text columns arrive as strings. */
export function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
export function jsonParam(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
