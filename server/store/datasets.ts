/** Datasets and their committees: geometry stored in PostGIS, read back with ST_AsGeoJSON. */
import { randomUUID } from 'node:crypto';
import type { Committee } from '../../geo/types.js';
import type { Sql } from './db.js';
import { iso, json, str, type InTx, type Row } from './rows.js';
import type { DatasetInput, DatasetOps, DatasetRecord, GeoJSONFeatureCollection } from './types.js';
import { StoreError } from './types.js';
import { queryPage } from './paging.js';

const CANONICAL = new Set(['id', 'name', 'streetOffice', 'households', 'geometry']);
/** Committees per INSERT statement of an upload (in steps: a read waits for one at most, ~0.1 s on PGlite). */
const INSERT_CHUNK = 500;

const DATASET_SELECT = `SELECT d.id, d.name, d.meta, d.created_at,
  (SELECT count(*)::int FROM committees c WHERE c.dataset_id = d.id) AS committee_count,
  (SELECT json_agg(DISTINCT c.street_office) FROM committees c WHERE c.dataset_id = d.id) AS street_offices
  FROM datasets d`;

function toDataset(r: Row): DatasetRecord {
  return {
    id: str(r.id), name: str(r.name), meta: (json(r.meta) ?? {}) as Record<string, unknown>,
    committeeCount: Number(r.committee_count),
    streetOffices: (json(r.street_offices) as string[] | null ?? []).slice().sort(),
    createdAt: iso(r.created_at),
  };
}

function isPosition(p: unknown): boolean {
  return Array.isArray(p) && p.length >= 2 && p.length <= 3 && p.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Checks a committee's fields before they reach SQL; the error names the feature (index, id) and the field. */
function checkCommittee(c: Committee, i: number, seen: Set<string>): void {
  const where = (field: string) => `dataset committee ${i}${typeof c?.id === 'string' ? ` (id "${c.id}")` : ''}: ${field}`;
  const bad = (field: string, what: string) =>
    new StoreError('invalid-committee', 400, `${where(field)} ${what}`, field, { feature: i, id: typeof c?.id === 'string' ? c.id : undefined });
  if (c === null || typeof c !== 'object') throw bad('committee', 'is not an object');
  if (typeof c.id !== 'string' || c.id === '') throw bad('id', 'must be a non-empty string');
  if (seen.has(c.id)) throw bad('id', 'is used by an earlier committee');
  seen.add(c.id);
  if (typeof c.name !== 'string') throw bad('name', 'must be a string');
  if (typeof c.streetOffice !== 'string' || c.streetOffice === '') throw bad('streetOffice', 'must be a non-empty string');
  if (!Number.isInteger(c.households) || c.households < 0 || c.households > 2_147_483_647) {
    throw bad('households', `must be a non-negative integer, got ${JSON.stringify(c.households)}`);
  }
  const g = c.geometry as unknown;
  if (!Array.isArray(g) || g.length === 0) throw bad('geometry', 'must be MultiPolygon coordinates (a non-empty array of polygons)');
  g.forEach((poly, pi) => {
    if (!Array.isArray(poly) || poly.length === 0) throw bad('geometry', `polygon ${pi} has no rings`);
    poly.forEach((ring: unknown, ri) => {
      if (!Array.isArray(ring) || ring.length < 4 || !ring.every(isPosition)) {
        throw bad('geometry', `polygon ${pi} ring ${ri} must hold at least 4 [lon, lat] positions of finite numbers`);
      }
    });
  });
}

/** Checks an upload before any of it reaches SQL (StoreError 400 naming the field or the committee). */
function checkDataset(input: DatasetInput): void {
  if (typeof input?.name !== 'string' || input.name.trim() === '') {
    throw new StoreError('invalid-dataset', 400, 'a dataset needs a name', 'name');
  }
  if (!Array.isArray(input.committees)) throw new StoreError('invalid-dataset', 400, 'a dataset needs a committees array', 'committees');
  const seen = new Set<string>();
  input.committees.forEach((c, i) => checkCommittee(c, i, seen));
}

/** One INSERT of committees `start …` of an upload (PostGIS builds the geometry from GeoJSON text). */
function insertCommitteeChunk(sql: Sql, datasetId: string, committees: readonly Committee[], start: number): Promise<unknown> {
  const rows = committees.slice(start, start + INSERT_CHUNK).map((c) => {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) if (!CANONICAL.has(k) && v !== undefined) props[k] = v;
    return { id: c.id, name: c.name, streetOffice: c.streetOffice, households: c.households, props,
      geometry: JSON.stringify({ type: 'MultiPolygon', coordinates: c.geometry }) };
  });
  return sql.query(
    `INSERT INTO committees (dataset_id, id, ord, name, street_office, households, props, geom)
     SELECT $1, e.c->>'id', (e.ord - 1 + $3::int)::int, e.c->>'name', e.c->>'streetOffice', (e.c->>'households')::int, e.c->'props',
       ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(e.c->>'geometry'), 4326))
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(c, ord)`,
    [datasetId, JSON.stringify(rows), start]);
}

/** How long an unfinished upload is left alone before the next upload deletes it (a process that died mid-way). */
const STALE_UPLOAD = '1 hour';

/**
 * The dataset operations: reads on `db`, each write in its own transaction (`inTx`).
 * @param inSteps - `db` is the engine itself (not a transaction): an upload is stored in short
 *   statements, each its own transaction (migration 003), so that on the embedded engine's one
 *   connection a read waits for one chunk at most, not for the whole upload
 */
export function makeDatasetOps(db: Sql, inTx: InTx, inSteps = false): DatasetOps {
  /** The whole upload in one transaction (inside `store.transaction`, e.g. the first open's seed). */
  const createInOne = (input: DatasetInput) => inTx(async (sql) => {
    const id = randomUUID();
    await sql.query('INSERT INTO datasets (id, name, meta) VALUES ($1, $2, $3::jsonb)', [id, input.name, JSON.stringify(input.meta ?? {})]);
    for (let start = 0; start < input.committees.length; start += INSERT_CHUNK) await insertCommitteeChunk(sql, id, input.committees, start);
    const out = await sql.query<Row>(`${DATASET_SELECT} WHERE d.id = $1`, [id]);
    return toDataset(out[0]!);
  });

  /**
   * The upload in steps: the row (incomplete, seen by no read), each chunk of committees in a
   * statement of its own, then the row made complete (its created_at the moment it appears, so a
   * client paging the list meanwhile does not miss it). On failure the row and what was stored of
   * it are deleted; a process that dies mid-way leaves an incomplete row the next upload deletes
   * once it is STALE_UPLOAD old.
   */
  const createInSteps = async (input: DatasetInput): Promise<DatasetRecord> => {
    await db.query(`DELETE FROM datasets WHERE NOT complete AND created_at < now() - interval '${STALE_UPLOAD}'`);
    const id = randomUUID();
    await db.query('INSERT INTO datasets (id, name, meta, complete) VALUES ($1, $2, $3::jsonb, false)', [id, input.name, JSON.stringify(input.meta ?? {})]);
    try {
      for (let start = 0; start < input.committees.length; start += INSERT_CHUNK) await insertCommitteeChunk(db, id, input.committees, start);
      await db.query('UPDATE datasets SET complete = true, created_at = clock_timestamp() WHERE id = $1', [id]);
    } catch (e) {
      await db.query('DELETE FROM datasets WHERE id = $1', [id]).catch(() => { /* left for the stale sweep */ });
      throw e;
    }
    const out = await db.query<Row>(`${DATASET_SELECT} WHERE d.id = $1`, [id]);
    return toDataset(out[0]!);
  };

  return {
    createDataset: async (input: DatasetInput) => {
      checkDataset(input);
      return inSteps ? createInSteps(input) : createInOne(input);
    },

    async getDataset(id) {
      const rows = await db.query<Row>(`${DATASET_SELECT} WHERE d.id = $1 AND d.complete`, [id]);
      return rows[0] ? toDataset(rows[0]) : null;
    },

    async listDatasets() {
      return (await db.query<Row>(`${DATASET_SELECT} WHERE d.complete ORDER BY d.created_at, d.id`)).map(toDataset);
    },

    pageDatasets: (page) => queryPage(db, {
      select: DATASET_SELECT.replace(/^SELECT /, '').replace(/\s+FROM datasets d$/, ''), from: 'datasets d', where: 'd.complete', params: [], alias: 'd.',
    }, page, toDataset),

    async listStreetOfficeNames() {
      const rows = await db.query<Row>(`SELECT DISTINCT c.street_office FROM committees c JOIN datasets d ON d.id = c.dataset_id
         WHERE d.complete ORDER BY c.street_office`);
      return rows.map((r) => str(r.street_office));
    },

    async getCommittees(datasetId) {
      if ((await db.query('SELECT 1 FROM datasets WHERE id = $1 AND complete', [datasetId])).length === 0) return null;
      const rows = await db.query<Row>(
        `SELECT id, name, street_office, households, props, ST_AsGeoJSON(geom, 15) AS geometry
         FROM committees WHERE dataset_id = $1 ORDER BY ord`, [datasetId]);
      return rows.map((r) => ({
        ...(json(r.props) as Record<string, unknown>),
        id: str(r.id), name: str(r.name), streetOffice: str(r.street_office), households: Number(r.households),
        geometry: (JSON.parse(str(r.geometry)) as { coordinates: Committee['geometry'] }).coordinates,
      }) as Committee);
    },

    async getCommitteesGeoJSON(datasetId, options = {}) {
      if ((await db.query('SELECT 1 FROM datasets WHERE id = $1 AND complete', [datasetId])).length === 0) return null;
      const rows = await db.query<Row>(
        `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
           'type', 'Feature', 'id', c.id,
           'geometry', ST_AsGeoJSON(c.geom, 15)::json,
           'properties', coalesce(c.props->'extra', '{}'::jsonb) || (c.props - 'extra')
             || jsonb_build_object('id', c.id, 'name', c.name, 'streetOffice', c.street_office, 'households', c.households)
         ) ORDER BY c.ord), '[]'::json))::text AS fc
         FROM committees c WHERE c.dataset_id = $1 AND ($2::text IS NULL OR c.street_office = $2::text)`,
        [datasetId, options.streetOffice ?? null]);
      return JSON.parse(str(rows[0]!.fc)) as GeoJSONFeatureCollection;
    },
  };
}
