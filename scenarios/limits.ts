/**
 * The size limits of every string and array a client can send (scenario files and HTTP bodies,
 * parameters and query strings alike), in one place. The schemas refuse what exceeds them (the API
 * answers 422 naming the field) before anything reaches the solver or the database.
 * Generous for real districts (Luohu: 10 street offices, 83 committees; the biggest Chinese
 * districts have a few dozen street offices and some thousand committees).
 */
export const LIMITS = {
  /** A record id (uuid) in a path, a query or a body. */
  id: 200,
  /** A name: dataset, scenario, plan, street office, committee (or a committee reference). */
  name: 200,
  /** A token label. */
  label: 200,
  /** A free text: scenario description, a schedule's tasks. */
  description: 20_000,
  /** An approval opinion. */
  opinion: 20_000,
  /** One paragraph of the plan document. */
  paragraph: 10_000,
  /** Paragraphs of one section of the plan document, stages of its schedule. */
  paragraphs: 100,
  /** Street offices of one scope (each at most once). */
  streetOffices: 500,
  /** Committees named in one list: a lock group, a station of a hand plan, `keep`. */
  committees: 10_000,
  /** Lock groups (separate, together), stations of one hand plan or revision. */
  groups: 10_000,
  /** Entries of a name-keyed map: rules.stations, a field mapping. */
  mapEntries: 500,
  /** The field mapping as JSON text in a query string. */
  mappingText: 20_000,
  /** A CRS (EPSG:4547, a WKT is longer), a GeoPackage layer, a text encoding. */
  crs: 2_000,
  layer: 200,
  encoding: 50,
  /** Paging: the default page and the largest page of a list, the length of an opaque cursor. */
  pageDefault: 50,
  pageMax: 500,
  cursor: 500,
  /** Plans of `solver.alternatives` (the K best). */
  alternatives: 100,
  /** Token expiry, days. */
  expiresInDaysMax: 3650,
} as const;
