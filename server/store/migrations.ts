/**
 * The schema as ordered, numbered migrations: the files `migrations/NNN_name.sql` beside this
 * module (copied into dist/ by `npm run build`, so the built code finds them the same way).
 * `migrate` runs at every open: in one transaction, under an advisory lock (two processes opening
 * one database take turns), it creates PostGIS, then applies each migration not yet in
 * `schema_migrations`. Running it again changes nothing.
 * Never edit a released migration: add the next number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The folder of the .sql files, from source (vitest, tsx) and from dist/ alike. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * Reads the migrations of a folder, ordered by number.
 * @param dir - holds `NNN_name.sql` files (three digits, then lower-case words joined by `_`)
 * @throws when a .sql file is named otherwise, when two files share a number, or when none is there
 */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  } catch (e) {
    throw new Error(`cannot read the migrations folder ${dir}: ${(e as Error).message} (run npm run build, which copies it into dist/)`);
  }
  const migrations = files.map((file) => {
    const m = FILE_NAME.exec(file);
    if (!m) throw new Error(`migration file ${join(dir, file)}: name it NNN_words.sql (e.g. 002_add_index.sql)`);
    return { version: Number(m[1]), name: m[2]!.replace(/_/g, ' '), sql: readFileSync(join(dir, file), 'utf8') };
  });
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1]!.version) throw new Error(`two migrations in ${dir} have the number ${String(m.version).padStart(3, '0')}`);
  });
  if (migrations.length === 0) throw new Error(`no migration in ${dir}`);
  return migrations;
}

export const MIGRATIONS: readonly Migration[] = loadMigrations();

/** Arbitrary constant key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 7_214_001;

/**
 * Brings the database to the latest schema. Idempotent.
 *
 * @param db - an open engine
 * @param [migrations=MIGRATIONS] - ordered by version (checked)
 * @returns the versions applied now (empty when the schema was current)
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.version) || (i > 0 && m.version <= migrations[i - 1]!.version)) {
      throw new Error(`migrate: migration ${i} ("${m.name}") has version ${m.version}; versions must be increasing integers`);
    }
  });
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
