/**
 * The shared borders computed by ranges of rows (worker threads, issue 13) give the very pairs
 * of the one-pass computation: `calcDirectedBorderRows` over any split + `combineBorderRows`, and
 * the solver pool's `calcBorderPairs` with 0, 1 and 3 workers, on the Rhode Island tracts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { calcDirectedBorderRows, calcSharedBorderPairs, combineBorderRows } from '../geo/adjacency-borders.js';
import { makeAdjacency, makeAdjacencyWith } from '../geo/adjacency.js';
import { makeBoundarySegments } from '../geo/segment-index.js';
import { makeSolvePool, type SolvePool } from '../scenarios/solve-pool.js';
import { readRiCommittees } from './helpers/ri.js';

const committees = readRiCommittees();
const segs = makeBoundarySegments(committees, 'test');
const whole = calcSharedBorderPairs(segs, 2);

describe('shared borders by ranges of rows', () => {
  it('the one pass finds borders (a real test)', () => {
    expect(whole.length / 3).toBeGreaterThan(committees.length);
  });

  it.each([[[0, 244]], [[0, 1, 244]], [[0, 61, 122, 183, 244]], [[0, 100, 100, 244]], [[0, 243, 244]]])('gives the same pairs split at %j', (cuts) => {
    expect(committees).toHaveLength(244);
    const parts = cuts.slice(1).map((to, k) => calcDirectedBorderRows(segs, 2, cuts[k]!, to));
    expect(combineBorderRows(committees.length, parts)).toEqual(whole);
  });

  it('refuses ranges that leave rows out', () => {
    expect(() => combineBorderRows(committees.length, [calcDirectedBorderRows(segs, 2, 0, 100), calcDirectedBorderRows(segs, 2, 120, 244)])).toThrow('rows 100 to 119 are missing');
    expect(() => combineBorderRows(committees.length, [calcDirectedBorderRows(segs, 2, 0, 100)])).toThrow('rows 100 to 243 are missing');
  });

  const pools: SolvePool[] = [];
  afterAll(async () => { await Promise.all(pools.map((p) => p.close())); });
  it.each([0, 1, 3])('the solver pool with %i worker(s) gives the same pairs and graph', async (workers) => {
    const pool = await makeSolvePool({ workers });
    pools.push(pool);
    expect(await pool.calcBorderPairs(segs, 2)).toEqual(whole);
    const graph = await makeAdjacencyWith(committees, {}, (s, tol) => pool.calcBorderPairs(s, tol));
    const reference = makeAdjacency(committees);
    // the same rows in the same order (the solver walks them in order)
    expect([...graph.border].map(([a, row]) => [a, [...row]])).toEqual([...reference.border].map(([a, row]) => [a, [...row]]));
    expect([...graph.links].map(([a, row]) => [a, [...row]])).toEqual([...reference.links].map(([a, row]) => [a, [...row]]));
  }, 60_000);
});
