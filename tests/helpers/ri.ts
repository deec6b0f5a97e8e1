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

/** Reads the RI tracts as committees (ids GEOID10, street office county_fips). */
export function readRiCommittees(path: string = RI_TRACTS_PATH): Committee[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { features: RiFeature[] };
  return json.features.map((f, i) => {
    const g = f.geometry;
    let geometry: MultiPolygonCoords;
    if (g.type === 'Polygon') geometry = [g.coordinates as MultiPolygonCoords[number]];
    else if (g.type === 'MultiPolygon') geometry = g.coordinates as MultiPolygonCoords;
    else throw new Error(`RI feature ${i} (${f.properties.GEOID10}): geometry type ${String(g.type)}`);
    return {
      id: String(f.properties.GEOID10),
      name: f.properties.name,
      streetOffice: String(f.properties.county_fips),
      households: f.properties.households2010,
      geometry,
    };
  });
}
