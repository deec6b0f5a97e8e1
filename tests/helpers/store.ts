/**
 * Test helpers for the store.
 *
 * PGlite: creating a database and `CREATE EXTENSION postgis` take ~10 s, so the first caller builds
 * a migrated template data folder once (in the OS temp dir, keyed by a hash of the migrations and the PGlite versions) and
 * every test store is a copy of it (open ≈ 2 s). PostgreSQL: each store gets a throw-away schema of
 * the `DATABASE_URL` database, dropped by `drop()`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Committee, Position } from '../../geo/types.js';
import { MIGRATIONS } from '../../server/store/migrations.js';
import { openStore } from '../../server/store/open.js';
import { StoreError, type Actor, type Store } from '../../server/store/types.js';

function templatePath(): string {
  const versions = ['pglite', 'pglite-postgis'].map((name) => {
    const file = new URL(`../../node_modules/@electric-sql/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  });
  const key = createHash('sha256').update(JSON.stringify([versions, MIGRATIONS])).digest('hex').slice(0, 12);
  return join(tmpdir(), `yizhan-pglite-template-${key}`);
}

let building: Promise<string> | undefined;

/** The migrated template data folder, built on first use (safe when several workers race). */
export function pgliteTemplate(): Promise<string> {
  building ??= (async () => {
    const dir = templatePath();
    if (existsSync(join(dir, 'PG_VERSION'))) return dir;
    const work = await mkdtemp(join(tmpdir(), 'yizhan-pglite-build-'));
    const store = await openStore({ dataDir: work });
    await store.close();
    try {
      await rename(work, dir);
    } catch {
      // another worker finished first: use theirs
      await rm(work, { recursive: true, force: true });
    }
    return dir;
  })();
  return building;
}

/** A PGlite store in a fresh copy of the template; `remove()` closes it and deletes the folder. */
export async function openTestPglite(): Promise<{ store: Store; dataDir: string; remove(): Promise<void> }> {
  const template = await pgliteTemplate();
  const dataDir = await mkdtemp(join(tmpdir(), 'yizhan-pglite-test-'));
  await cp(template, dataDir, { recursive: true });
  const store = await openStore({ dataDir });
  return {
    store, dataDir,
    async remove() {
      await store.close().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL store in a new schema of `databaseUrl`; `drop()` closes it and drops the schema. */
export async function openTestPg(databaseUrl: string): Promise<{ store: Store; schema: string; drop(): Promise<void> }> {
  const schema = `yizhan_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const store = await openStore({ databaseUrl, schema });
  return {
    store, schema,
    async drop() {
      await store.close().catch(() => {});
      const admin = await openStore({ databaseUrl, schema });
      try {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await admin.close();
      }
    },
  };
}

/** A lon/lat rectangle as one polygon's coordinates (counter-clockwise). */
export function rect(x0: number, y0: number, x1: number, y1: number): Position[][] {
  return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]];
}

/** Four committees in two street offices, with awkward coordinates, a hole, a two-part territory and a hostile id. */
export function sampleCommittees(): Committee[] {
  return [
    { id: 'c1', name: '碧波', streetOffice: '黄贝', households: 3100, office: 250, type: 'old-residential', station: 's1',
      geometry: [rect(114.1234567891234, 22.5432109876543, 114.1334567891234, 22.5532109876543)] },
    { id: 'constructor', name: '湖滨', streetOffice: '黄贝', households: 2900, selfContained: false,
      extra: { source: 'survey', code: 7 },
      geometry: [[...rect(114.1334567891234, 22.5432109876543, 114.15, 22.56),
        [[114.14, 22.55], [114.14, 22.551], [114.141, 22.551], [114.141, 22.55], [114.14, 22.55]]]] },
    { id: 'c3', name: '水库', streetOffice: '黄贝', households: 8000,
      geometry: [rect(114.2, 22.6, 114.21, 22.61), rect(114.22, 22.6, 114.23, 22.61)] },
    { id: 'c4', name: '东门', streetOffice: '东门', households: 7000, population: 21000,
      geometry: [rect(114.3, 22.6, 114.31, 22.61)] },
  ];
}

export const ACTORS = {
  huangbei: { tokenId: 'tok-huangbei', role: 'street-office', streetOffice: '黄贝' },
  dongmen: { tokenId: 'tok-dongmen', role: 'street-office', streetOffice: '东门' },
  planner: { tokenId: 'tok-planner', role: 'district-planner', streetOffice: null },
  organisation: { tokenId: 'tok-org', role: 'organisation', streetOffice: null },
  civilAffairs: { tokenId: 'tok-civil', role: 'civil-affairs', streetOffice: null },
  establishment: { tokenId: 'tok-est', role: 'establishment', streetOffice: null },
  government: { tokenId: 'tok-gov', role: 'district-government', streetOffice: null },
  city: { tokenId: 'tok-city', role: 'city-civil-affairs', streetOffice: null },
  admin: { tokenId: 'tok-admin', role: 'admin', streetOffice: null },
} as const satisfies Record<string, Actor>;

/** The StoreError a promise rejects with (anything else fails the test). */
export async function refusal(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('expected a StoreError');
}

/** A throw-away database with PostGIS on the server of `url`, and its URL; `drop()` removes it. */
export async function makeThrowawayDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `yizhan_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: own.toString() });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } finally {
    await client.end();
  }
  return {
    url: own.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
