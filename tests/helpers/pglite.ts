/**
 * Shared test helper: one PGlite instance with the PostGIS extension per test file.
 *
 * Creating the extension takes several seconds, so call `getPostgis()` once (e.g. in a
 * `beforeAll` with a generous hook timeout) and reuse it; `closePostgis()` in `afterAll`.
 * The instance is in-memory; each test file (vitest worker) gets its own.
 *
 * @example
 * let db: PGlite;
 * beforeAll(async () => { db = await getPostgis(); });
 * afterAll(closePostgis);
 */
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

let pending: Promise<PGlite> | undefined;

/** The file's PGlite+PostGIS instance, created on first call. */
export function getPostgis(): Promise<PGlite> {
  pending ??= (async () => {
    const db = await PGlite.create({ extensions: { postgis } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    return db;
  })();
  return pending;
}

/** Close the file's instance (no-op when none was created). */
export async function closePostgis(): Promise<void> {
  const p = pending;
  pending = undefined;
  if (p) await (await p).close();
}
