/**
 * The CPU-heavy steps of requests, as plain functions of plain data, so that the task pool
 * (server/task-pool.ts) runs them in worker threads, off the event loop: reading an upload (JSON
 * parse, the hostile-value walk, validation of every committee, a binary format's decoding),
 * preparing a plan's context (measures and adjacency), and building the large exports.
 */
import secureJson from 'secure-json-parse';
import { readCommittees, readDatasetSource, type ReadSourceOptions } from '../geo/ingest.js';
import type { Committee, ValidationReport } from '../geo/types.js';
import { makeCommitteesGeoJson, makePlanCsv, makePlanMarkdown, makeStationsGeoJson } from '../render/export.js';
import type { GisFilesOptions, GisFormat } from '../render/gis/index.js';
import { makeOutcome } from '../solver/outcome.js';
import { makePlanContext, type PlanContext } from '../solver/pipeline.js';
import type { PlanSummary, Scenario } from '../solver/types.js';
import { findHostileValue, refuseHostile } from './plugins/hardening.js';
import { LIMITS } from './schemas.js';
import { StoreError } from './store/types.js';

export interface UploadInput {
  /** The request body as it came. */
  bytes: Uint8Array;
  /** JSON (application/json, application/geo+json) or a binary format's file name (`upload.zip`). */
  kind: { json: true } | { json: false; fileName: string };
  reading: ReadSourceOptions;
}

/**
 * An upload read and validated: the JSON body parsed (prototype keys refused, as Fastify's own
 * parser does), walked for control characters and depth, the collection's name checked, every
 * committee validated; a binary format decoded first.
 */
export async function readUpload(input: UploadInput): Promise<ValidationReport> {
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  if (!input.kind.json) return readDatasetSource({ name: input.kind.fileName, bytes }, input.reading);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new StoreError('empty-body', 400, 'the body is empty: send a GeoJSON FeatureCollection');
  let body: unknown;
  try {
    body = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    throw new StoreError('invalid-json', 400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  const found = findHostileValue(body, '');
  if (found) throw refuseHostile(found);
  // what the body's schema checked before the parsing moved here, in its words
  const shape = body as { type?: unknown; name?: unknown; features?: unknown } | null;
  if (shape === null || typeof shape !== 'object' || Array.isArray(shape)) throw new StoreError('invalid-request', 422, 'body: must be object', 'body');
  for (const key of ['type', 'features'] as const) {
    if (shape[key] === undefined) throw new StoreError('invalid-request', 422, `${key}: missing field "${key}"`, key);
  }
  if (typeof shape.type !== 'string') throw new StoreError('invalid-request', 422, 'type: must be string', 'type');
  if (!Array.isArray(shape.features)) throw new StoreError('invalid-request', 422, 'features: must be array', 'features');
  const name = shape.name;
  if (name !== undefined && (typeof name !== 'string' || name.length < 1 || name.length > LIMITS.name)) {
    throw new StoreError('invalid-request', 422, `name: must be a string of 1 to ${LIMITS.name} characters`, 'name');
  }
  return readCommittees(body, input.reading);
}

/** The exports a plan's route builds from its outcome and committees. */
export type ExportKind = 'stations.geojson' | 'committees.geojson' | 'plan.csv' | 'plan.md';

/** (A plan's summary travels, not its outcome: the outcome holds a function, which no message carries.) */
export function buildExport(input: { kind: ExportKind; summary: PlanSummary; committees: Committee[]; title?: string }): string {
  const outcome = makeOutcome(input.summary, input.committees);
  switch (input.kind) {
    case 'stations.geojson': return JSON.stringify(makeStationsGeoJson(outcome, input.committees));
    case 'committees.geojson': return JSON.stringify(makeCommitteesGeoJson(outcome, input.committees));
    case 'plan.csv': return makePlanCsv(outcome);
    case 'plan.md': return makePlanMarkdown(outcome, input.title ?? '');
  }
}

/** GIS files of a plan (GeoPackage, FlatGeobuf, zipped Shapefile): render/gis `makeGisFiles`. */
async function gisFiles(input: { summary: PlanSummary; committees: Committee[]; formats: GisFormat[]; options: GisFilesOptions }): Promise<Record<string, Uint8Array | string>> {
  const { makeGisFiles } = await import('../render/gis/index.js');
  return makeGisFiles(makeOutcome(input.summary, input.committees), input.committees, input.formats, input.options);
}

/** Every task by name: what a worker runs. */
export const TASKS = {
  readUpload,
  planContext: (input: { committees: Committee[]; name: string; scenario: Scenario }): PlanContext =>
    makePlanContext({ name: input.name, committees: input.committees }, input.scenario),
  buildExport,
  gisFiles,
};
export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
