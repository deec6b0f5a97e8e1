/**
 * A street office as one job of the solver pool, start to finish (issue 13): a worker solves it,
 * makes its stations (`makeOfficeStations`), dissolves their outlines and renders its features of
 * stations.geojson and committees.geojson, so that the main thread of a national batch only
 * assembles, merges and writes. Street offices never share a station, so each office's part is
 * complete on its own; the main thread puts the parts together in the order of today's files
 * (scenarios/solve-pool.ts `solvePlanStreamed`), byte for byte what `makeStationsGeoJson` /
 * `makeCommitteesGeoJson` and `JSON.stringify` of the whole plan give. The parts come back as
 * UTF-8 bytes, moved from the worker: the main thread copies them into the files and nothing
 * else (as strings, decoding, joining and encoding 150 MB took it seconds at 120,000 committees).
 *
 * Geometry travels packed in two typed arrays (one copy, no object per point); the rest is the
 * slim problem the solver reads (scenarios/solve-pool.ts `makeSlimProblem`), the committees' pass-
 * through properties and their existing-station units. `finishOfficeJob` is the one function
 * that turns a solver result into the office's part, in a worker, in the main thread (no workers),
 * and for a job whose worker was stopped at the time limit: the same bytes wherever it runs.
 */
import { Buffer } from 'node:buffer';
import { dissolve } from '../geo/dissolve.js';
import type { Committee, MultiPolygonCoords, Position } from '../geo/types.js';
import type { TopologyItem } from '../geo/validate-topology.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { makeOfficeStations, type PlanContext } from '../solver/pipeline.js';
import type { Member } from '../solver/station.js';
import type { Problem, SolveResult, Station } from '../solver/types.js';
import { makeCommitteesGeoJson, makeOutlineKey, makeStationsGeoJson } from '../render/export.js';

/** MultiPolygons packed: `coords` x, y, x, y …; `shape` per part: polygons, then per polygon rings, then per ring points. */
export interface PackedGeometry {
  coords: Float64Array;
  shape: Int32Array;
}

/** What a worker needs beyond the slim problem to finish a street office. */
export interface OfficeExtras {
  /** Existing-station unit of each committee (solver/figures.ts, dataset-wide), in problem order. */
  units: number[];
  /** Pass-through properties of each committee (exports only), in problem order. */
  extra: (Record<string, unknown> | undefined)[];
  geometry: PackedGeometry;
}

/**
 * A street office finished: the solver's result, its stations, and its part of the GeoJSON files
 * as UTF-8 bytes (a worker transfers them: the main thread only copies them into the files, with
 * no string to decode, join or encode).
 */
export interface OfficeAnswer {
  result: SolveResult;
  stations: Station[];
  /**
   * The office's features of stations.geojson, each `JSON.stringify(feature)`, joined by `,`, in
   * the plan's order: by each station's first committee's place among the office's committees.
   */
  stationBytes: Uint8Array;
  /** The first committee of each station in that order. */
  stationFirsts: string[];
  /**
   * The office's features of committees.geojson (committees in a station only), each
   * `JSON.stringify(feature)`, joined by `,`, in problem order.
   */
  committeeBytes: Uint8Array;
  /** Per committee of the problem (problem order): where its feature starts and ends in `committeeBytes` (`2i`, `2i + 1`; equal when it has none). */
  committeeSpans: Int32Array;
}

/** Packs MultiPolygons into typed arrays (see `PackedGeometry`). */
export function packGeometries(parts: readonly MultiPolygonCoords[]): PackedGeometry {
  let points = 0, shapes = 0;
  for (const mp of parts) {
    shapes += 1 + mp.length;
    for (const poly of mp) {
      shapes += poly.length;
      for (const ring of poly) points += ring.length;
    }
  }
  const coords = new Float64Array(2 * points);
  const shape = new Int32Array(shapes);
  let c = 0, s = 0;
  for (const mp of parts) {
    shape[s++] = mp.length;
    for (const poly of mp) {
      shape[s++] = poly.length;
      for (const ring of poly) {
        shape[s++] = ring.length;
        for (const p of ring) {
          coords[c++] = p[0];
          coords[c++] = p[1];
        }
      }
    }
  }
  return { coords, shape };
}

/** The MultiPolygons of `packGeometries`, the same numbers. */
export function unpackGeometries(packed: PackedGeometry): MultiPolygonCoords[] {
  const { coords, shape } = packed;
  const out: MultiPolygonCoords[] = [];
  let c = 0, s = 0;
  while (s < shape.length) {
    const polys = shape[s++]!;
    const mp: MultiPolygonCoords = [];
    for (let i = 0; i < polys; i++) {
      const rings = shape[s++]!;
      const poly: Position[][] = [];
      for (let j = 0; j < rings; j++) {
        const n = shape[s++]!;
        const ring: Position[] = new Array<Position>(n);
        for (let k = 0; k < n; k++, c += 2) ring[k] = [coords[c]!, coords[c + 1]!];
        poly.push(ring);
      }
      mp.push(poly);
    }
    out.push(mp);
  }
  return out;
}

/** The extras of a street office of the context (its members in dataset order, as its problem). */
export function makeOfficeExtras(ctx: PlanContext, office: string): OfficeExtras {
  const members = ctx.byOffice.get(office) ?? [];
  return {
    units: members.map((m) => m.unit),
    extra: members.map((m) => m.committee.extra),
    geometry: packGeometries(members.map((m) => m.committee.geometry)),
  };
}

/**
 * The office's stations and its part of stations.geojson and committees.geojson, from its slim
 * problem, its extras and the solver's result.
 */
export function finishOfficeJob(problem: Problem, extras: OfficeExtras, result: SolveResult): OfficeAnswer {
  const office = problem.streetOffice;
  const geometries = unpackGeometries(extras.geometry);
  const committees: Committee[] = problem.committees.map((c, i) => {
    const full: Committee = { ...c, geometry: geometries[i]! };
    if (extras.extra[i] !== undefined) full.extra = extras.extra[i];
    else delete full.extra;
    return full;
  });
  const members: Member[] = committees.map((committee, i) => ({ committee, measures: problem.measures[i]!, unit: extras.units[i]! }));
  // the office alone as a plan context: stations of one office read only its own members and edges
  const ctx: PlanContext = { scenario: problem.scenario, members, graph: problem.graph, offices: [office], byOffice: new Map([[office, members]]) };
  const stations = makeOfficeStations(ctx, office, result);
  const outlines = new Map<string, MultiPolygonCoords>();
  const index = new Map(committees.map((c, i) => [c.id, i]));
  for (const s of stations) {
    if (s.committeeIds.length < 2) continue;
    outlines.set(makeOutlineKey(s.committeeIds), dissolve(s.committeeIds.map((id) => geometries[index.get(id)!]!)));
  }
  // the plan's order of the office's stations (solver/pipeline.ts assemblePlan: by first committee)
  const first = (st: Station): number => index.get(st.committeeIds[0]!)!;
  const ordered = [...stations].sort((a, b) => first(a) - first(b));
  const part = { stations: ordered } as unknown as PlanOutcome; // the exports read only the stations
  const encoder = new TextEncoder();
  const stationBytes = encoder.encode(makeStationsGeoJson(part, committees, { outlines }).features.map((f) => JSON.stringify(f)).join(','));
  // committees.geojson: the features in problem order, with each one's span in the bytes
  const texts: string[] = [];
  const committeeSpans = new Int32Array(2 * committees.length);
  let end = -1;
  for (const f of makeCommitteesGeoJson(part, committees).features) {
    const text = JSON.stringify(f);
    const i = index.get(f.id as string)!;
    committeeSpans[2 * i] = end + 1;
    committeeSpans[2 * i + 1] = end = end + 1 + Buffer.byteLength(text, 'utf8');
    texts.push(text);
  }
  const committeeBytes = encoder.encode(texts.join(','));
  return { result, stations, stationBytes, stationFirsts: ordered.map((st) => st.committeeIds[0]!), committeeBytes, committeeSpans };
}

/** The text of a FeatureCollection before its first feature, and after its last (`JSON.stringify`'s). */
export const FEATURE_COLLECTION_HEAD = '{"type":"FeatureCollection","features":[';
export const FEATURE_COLLECTION_TAIL = ']}';

/** `JSON.stringify` of a FeatureCollection, from its features already stringified. */
export function joinFeatureCollection(features: readonly string[]): string {
  return `${FEATURE_COLLECTION_HEAD}${features.join(',')}${FEATURE_COLLECTION_TAIL}`;
}

/** Topology items (geo/validate-topology.ts) for a message: their geometry packed, the rest in columns. */
export interface PackedTopologyItems {
  feature: Int32Array;
  id: string[];
  streetOffice: (string | undefined)[];
  geometry: PackedGeometry;
}

export function packTopologyItems(items: readonly TopologyItem[]): PackedTopologyItems {
  return {
    feature: Int32Array.from(items, (t) => t.feature),
    id: items.map((t) => t.id),
    streetOffice: items.map((t) => t.streetOffice),
    geometry: packGeometries(items.map((t) => t.geometry)),
  };
}

/** The items of `packTopologyItems`, the same values. */
export function unpackTopologyItems(packed: PackedTopologyItems): TopologyItem[] {
  const geometries = unpackGeometries(packed.geometry);
  return packed.id.map((id, i) => {
    const item: TopologyItem = { feature: packed.feature[i]!, id, geometry: geometries[i]! };
    if (packed.streetOffice[i] !== undefined) item.streetOffice = packed.streetOffice[i]!;
    return item;
  });
}
