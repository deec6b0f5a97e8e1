/**
 * Test helper: real datasets read through geo/ingest.ts exactly as the CLI reads them:
 * the Rhode Island 2010 census tracts shipped in tests/fixtures/real (tract = committee,
 * county = street office, through a field mapping) and canonical files such as
 * scenarios/luohu-2006/committees.geojson.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCommittees } from '../../geo/ingest.js';
import type { Committee, FieldMapping } from '../../geo/types.js';

export const RI_TRACTS_PATH = fileURLToPath(new URL('../fixtures/real/ri-tracts-2010.geojson', import.meta.url));

/** The field mapping that reads the RI tracts (also in scenarios/ri-2010/scenario.json). */
export const RI_MAPPING: FieldMapping = { id: 'GEOID10', name: 'name', households: 'households2010', streetOffice: 'county_fips', population: 'pop2010' };

function read(path: string, mapping?: FieldMapping): Committee[] {
  const report = readCommittees(JSON.parse(readFileSync(path, 'utf8')), { ...(mapping ? { mapping } : {}), topology: false });
  if (!report.dataset) throw new Error(`${path}: ${report.problems.filter((p) => p.severity === 'fatal').map((p) => p.message).slice(0, 3).join('; ')}`);
  return report.dataset.committees;
}

/** Reads a GeoJSON file whose properties carry canonical names (`id`, `name`, `streetOffice`, `households`…). */
export function readCanonicalCommittees(path: string): Committee[] {
  return read(path);
}

/** Reads the RI tracts as committees (ids GEOID10, street office county_fips). */
export function readRiCommittees(path: string = RI_TRACTS_PATH): Committee[] {
  return read(path, RI_MAPPING);
}
