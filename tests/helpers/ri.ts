/**
 * Test helper: the Rhode Island 2010 census tracts (/work/shared/data/real) as `Committee`s,
 * read directly (tract = committee, county = street office). Temporary stand-in for
 * geo/ingest.ts `readCommittees(json, { mapping })`.
 */
import { readFileSync } from 'node:fs';
import type { Committee, MultiPolygonCoords } from '../../geo/types.js';

export const RI_TRACTS_PATH = '/work/shared/data/real/ri-tracts-2010.geojson';

interface RiFeature {
  properties: { GEOID10: string; county_fips: string; households2010: number; name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

/** Polygon or MultiPolygon GeoJSON geometry → MultiPolygon coordinates. */
function toMultiPolygon(g: { type: string; coordinates: unknown }, what: string): MultiPolygonCoords {
  if (g.type === 'Polygon') return [g.coordinates as MultiPolygonCoords[number]];
  if (g.type === 'MultiPolygon') return g.coordinates as MultiPolygonCoords;
  throw new Error(`${what}: geometry type ${String(g.type)}`);
}

/**
 * Reads a GeoJSON file whose properties already carry canonical names (`id`, `name`,
 * `streetOffice`, `households`), e.g. scenarios/luohu-2006/committees.geojson.
 */
export function readCanonicalCommittees(path: string): Committee[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    features: Array<{ properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }>;
  };
  return json.features.map((f, i) => ({
    id: String(f.properties['id']),
    name: String(f.properties['name']),
    streetOffice: String(f.properties['streetOffice']),
    households: Number(f.properties['households']),
    geometry: toMultiPolygon(f.geometry, `feature ${i} (${String(f.properties['id'])})`),
  }));
}

/** Reads the RI tracts as committees (ids GEOID10, street office county_fips). */
export function readRiCommittees(path: string = RI_TRACTS_PATH): Committee[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { features: RiFeature[] };
  return json.features.map((f, i) => {
    const geometry = toMultiPolygon(f.geometry, `RI feature ${i} (${f.properties.GEOID10})`);
    return {
      id: String(f.properties.GEOID10),
      name: f.properties.name,
      streetOffice: String(f.properties.county_fips),
      households: f.properties.households2010,
      geometry,
    };
  });
}
