import type { AdjacencyGraph, AdjacencyOptions, Committee } from './types.js';
import { type BoundarySegments, makeBoundarySegments } from './segment-index.js';
import { calcSharedBorderPairs, makeIdMap, readTolerance } from './adjacency-borders.js';
import { calcEnclaveLinkPairs } from './adjacency-links.js';

export { calcSharedBorders } from './adjacency-borders.js';

/** Defaults of {@link makeAdjacency}. */
export const ADJACENCY_DEFAULTS: Readonly<Required<AdjacencyOptions>> = Object.freeze({
  minSharedBorderMeters: 20,
  snapToleranceMeters: 2,
  enclaveLinkMeters: 1000,
});

/**
 * The adjacency graph of committees: shared borders on the ground and enclave links.
 *
 * - `border.get(a).get(b)`: shared border in metres (see `calcSharedBorders` for the exact
 *   definition: boundary length within the snapping tolerance of the other's boundary, averaged
 *   over both sides), recorded only when it is at least `minSharedBorderMeters`. Touching at a
 *   point is not adjacency. Neighbours in different street offices are recorded too.
 * - `links.get(a).get(b)`: gap in metres between the boundaries of a committee that has no border
 *   neighbour in its own street office (an enclave 插花地 or island) and the nearest committee(s)
 *   of its street office within `enclaveLinkMeters`: the nearest one (gap g) and any other with a
 *   gap ≤ min(enclaveLinkMeters, 1.5·g + snapToleranceMeters). Symmetric.
 *
 * Every committee id has an entry in both maps (empty when it has no neighbour / link).
 *
 * @param committees committees with MultiPolygon coordinates (WGS84) and unique ids
 * @param [options.minSharedBorderMeters=20] shortest shared border that makes two committees neighbours
 * @param [options.snapToleranceMeters=2] boundaries closer than this count as one border
 * @param [options.enclaveLinkMeters=1000] how far an enclave looks for committees of its street office
 * @returns the graph `{ border, links }`
 * @throws Error naming the committee (index and id) and field for malformed input, or the option
 * @example
 * const g = makeAdjacency(committees);
 * g.border.get('c1')?.get('c2'); // 250.3 (m), or undefined when not neighbours
 */
export function makeAdjacency(committees: readonly Committee[], options: AdjacencyOptions = {}): AdjacencyGraph {
  const prepared = prepareAdjacency(committees, options);
  return finishAdjacency(prepared, calcSharedBorderPairs(prepared.segs, prepared.tol));
}

/**
 * {@link makeAdjacency} with the shared-border pairs computed by `borderPairs` (for example by
 * worker threads over ranges of rows, geo/adjacency-borders.ts `calcDirectedBorderRows` and
 * `combineBorderRows`), which must give what `calcSharedBorderPairs(segs, tol)` gives.
 */
export async function makeAdjacencyWith(
  committees: readonly Committee[], options: AdjacencyOptions, borderPairs: (segs: BoundarySegments, tol: number) => Promise<number[]>,
): Promise<AdjacencyGraph> {
  const prepared = prepareAdjacency(committees, options);
  return finishAdjacency(prepared, await borderPairs(prepared.segs, prepared.tol));
}

interface PreparedAdjacency {
  committees: readonly Committee[];
  segs: BoundarySegments;
  tol: number;
  min: number;
  limit: number;
  fn: string;
}

function prepareAdjacency(committees: readonly Committee[], options: AdjacencyOptions): PreparedAdjacency {
  const fn = 'makeAdjacency';
  const tol = readTolerance(options, fn);
  const min = readNonNegative(options.minSharedBorderMeters, ADJACENCY_DEFAULTS.minSharedBorderMeters, 'minSharedBorderMeters', fn);
  const limit = readNonNegative(options.enclaveLinkMeters, ADJACENCY_DEFAULTS.enclaveLinkMeters, 'enclaveLinkMeters', fn);
  return { committees, segs: makeBoundarySegments(committees, fn), tol, min, limit, fn };
}

function finishAdjacency(prepared: PreparedAdjacency, pairs: readonly number[]): AdjacencyGraph {
  const { committees, segs, tol, min, limit, fn } = prepared;
  const border = makeIdMap<number>(committees, fn);
  const links = makeIdMap<number>(committees, fn);
  const hasOwnNeighbour: boolean[] = new Array<boolean>(committees.length).fill(false);
  for (let k = 0; k < pairs.length; k += 3) {
    const len = pairs[k + 2]!;
    if (len < min || len === 0) continue;
    const i = pairs[k]!, j = pairs[k + 1]!;
    const a = committees[i]!, b = committees[j]!;
    border.get(a.id)!.set(b.id, len);
    border.get(b.id)!.set(a.id, len);
    if (a.streetOffice === b.streetOffice) {
      hasOwnNeighbour[i] = true;
      hasOwnNeighbour[j] = true;
    }
  }
  const linkPairs = calcEnclaveLinkPairs(committees, segs, hasOwnNeighbour, limit, tol);
  for (let k = 0; k < linkPairs.length; k += 3) {
    const a = committees[linkPairs[k]!]!.id, b = committees[linkPairs[k + 1]!]!.id;
    links.get(a)!.set(b, linkPairs[k + 2]!);
    links.get(b)!.set(a, linkPairs[k + 2]!);
  }
  return { border, links };
}

function readNonNegative(v: unknown, dflt: number, name: string, fn: string): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new RangeError(`${fn}: options.${name} must be a finite number ≥ 0, got ${String(x)}`);
  }
  return x;
}
