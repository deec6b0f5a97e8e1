/**
 * The PostGIS side of the adjacency cross-checks (tests and bench/national.ts): the exact shared
 * border of GIS practice, lengths on the sphere, on pairs found with the GiST index.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Unordered pair key `a|b`. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Shared border length (m) of every pair of polygons of `table(id text, geom geometry)` whose
 * boundaries share a line: `ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(a),
 * ST_Boundary(b)), 2)::geography, false)`.
 */
export async function calcPostgisSharedBorders(db: PGlite, table: string): Promise<{ lengths: Map<string, number>; ms: number }> {
  const t0 = performance.now();
  const r = await db.query<{ a: string; b: string; len: number }>(`
    SELECT aid AS a, bid AS b, ST_Length(x::geography, false) AS len FROM (
      SELECT a.id AS aid, b.id AS bid,
             ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom)), 2) AS x
      FROM ${table} a JOIN ${table} b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)) q`);
  const ms = performance.now() - t0;
  const lengths = new Map<string, number>();
  for (const row of r.rows) if (row.len > 0) lengths.set(pairKey(row.a, row.b), row.len);
  return { lengths, ms };
}
