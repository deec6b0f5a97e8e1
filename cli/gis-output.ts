/** The GIS files of `yizhan plan|evaluate --gis`, added to a plan's output set before summary.json (which comes last). */
import type { Dataset, MultiPolygonCoords } from '../geo/types.js';
import type { PlanOutcome } from '../solver/outcome.js';
import type { GisOutputOptions } from './gis-flags.js';

/** `files` with the GIS files inserted before summary.json. */
export async function addGisFiles(
  files: Record<string, string>, outcome: PlanOutcome, dataset: Dataset, options: GisOutputOptions,
  outlines?: ReadonlyMap<string, MultiPolygonCoords>,
): Promise<Record<string, string | Uint8Array>> {
  if (!options.gis || options.gis.length === 0) return files;
  const { makeGisFiles } = await import('../render/gis/index.js'); // loaded only when asked for
  const gis = await makeGisFiles(outcome, dataset.committees, options.gis, {
    ...(options.outCrs ? { outCrs: options.outCrs } : {}),
    ...(outlines ? { outlines } : {}),
  });
  const { 'summary.json': summary, ...rest } = files;
  return { ...rest, ...gis, ...(summary !== undefined ? { 'summary.json': summary } : {}) };
}
