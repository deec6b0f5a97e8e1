/**
 * Domain types of the geographic core. One home: everything else imports these.
 * Plain data only (no classes), so it crosses worker threads and JSON unchanged.
 */

/** [longitude, latitude] in WGS84 degrees. */
export type Position = [number, number];
/** A closed ring: first position equals the last. */
export type Ring = Position[];
/** Outer ring first (counter-clockwise, RFC 7946), then holes (clockwise). */
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];

export type CommitteeType = 'upscale' | 'old-residential' | 'urban-village' | 'enclave';
export const COMMITTEE_TYPES: readonly CommitteeType[] = ['upscale', 'old-residential', 'urban-village', 'enclave'];

/**
 * A residents' committee (居委会) after ingest: normalised to MultiPolygon in WGS84,
 * canonical field names, numbers checked. Optional figures are `undefined` when the data
 * does not have them (never guessed).
 */
export interface Committee {
  /** Stable id, unique in the dataset (string even when the source has numbers). */
  id: string;
  /** Name as the data has it (Chinese names stay Chinese). */
  name: string;
  /** Street office (街道) the committee belongs to. */
  streetOffice: string;
  /** Resident households (常住人口户). Non-negative integer. */
  households: number;
  population?: number;
  type?: CommitteeType;
  /** Office floor area (办公用房), m². */
  office?: number;
  /** Public service facility floor area (公共服务设施), m². */
  service?: number;
  /** Outdoor sports / culture plaza (户外文体广场), m². */
  plaza?: number;
  /**
   * Floor areas the committee will have once the works planned within the year are done (年内可达标,
   * seed 004 五(三)), m²: the whole area then, not the increment. Absent: nothing planned.
   */
  officePlanned?: number;
  servicePlanned?: number;
  plazaPlanned?: number;
  /** Station staff (工作站人员). */
  staff?: number;
  /** Full party members (党员), for the party organisation the station calls for. */
  partyMembers?: number;
  /** Id of the station the committee shares today; committees with the same value already share one. */
  station?: string;
  /** A relatively independent, complete large community (相对独立完整的大型社区). */
  selfContained?: boolean;
  geometry: MultiPolygonCoords;
  /** Properties of the source feature that yizhan does not interpret, passed through to exports. */
  extra?: Record<string, unknown>;
}

/** Measures of one committee on the ground. */
export interface CommitteeMeasures {
  /** Geodesic area, m². */
  areaM2: number;
  /** Length of all rings, m. */
  perimeterM: number;
  /** Area-weighted centroid [lon, lat]. */
  centroid: Position;
  /** [minLon, minLat, maxLon, maxLat]. */
  bbox: [number, number, number, number];
}

export interface Dataset {
  /** Name of the dataset (file stem or given name). */
  name: string;
  committees: Committee[];
}

/**
 * Maps canonical field names to the source's property names, e.g.
 * `{ id: 'GEOID10', households: 'households2010', streetOffice: 'county_fips' }`.
 */
export type FieldMapping = Partial<Record<CanonicalField, string>>;
export type CanonicalField =
  | 'id' | 'name' | 'streetOffice' | 'households' | 'population' | 'type'
  | 'office' | 'service' | 'plaza' | 'officePlanned' | 'servicePlanned' | 'plazaPlanned'
  | 'staff' | 'partyMembers' | 'station' | 'selfContained';

export type Severity = 'fatal' | 'warning';

/** One problem found in the input. `code` is stable (tests and clients match on it). */
export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  /** Index of the feature in the FeatureCollection, when the problem is about one feature. */
  feature?: number;
  /** The feature's id as given, when it has one. */
  id?: string;
  /** Canonical field (or `geometry`) the problem is about. */
  field?: string;
  /** A second feature involved (overlaps, gaps, duplicates). */
  other?: { feature: number; id?: string };
}

export interface ValidationReport {
  ok: boolean;
  /** Count of fatal problems; `ok` is `fatal === 0`. */
  fatal: number;
  warnings: number;
  problems: Problem[];
  /** The dataset, present only when there is no fatal problem. */
  dataset?: Dataset;
}

export interface AdjacencyOptions {
  /** Two committees are neighbours when their shared border is at least this long. [20] */
  minSharedBorderMeters?: number;
  /** Vertices closer than this count as the same border (slivers, gaps of real data). [2] */
  snapToleranceMeters?: number;
  /** Committees touching nobody of their own street office link to the nearest ones within this distance. [1000] */
  enclaveLinkMeters?: number;
}

/**
 * Adjacency of committees by id. `border.get(a).get(b)` is the shared border in metres (symmetric);
 * `links.get(a).get(b)` is the gap in metres of an enclave link (committees that do not touch but
 * may be joined because one touches nobody of its street office).
 */
export interface AdjacencyGraph {
  border: Map<string, Map<string, number>>;
  links: Map<string, Map<string, number>>;
}
