/**
 * Random street offices for solver tests and benchmarks: jittered grids (planar: orthogonal
 * neighbours plus at most one diagonal per grid cell), square committees with consistent areas
 * and perimeters (no geometry work), random households, facilities, types, shared stations,
 * enclaves and locks. Seeded: the same options give the same problem.
 */
import type { Committee, CommitteeMeasures, CommitteeType } from '../geo/types.js';
import { COMMITTEE_TYPES } from '../geo/types.js';
import { makeDefaultScenario } from '../scenarios/defaults.js';
import { hashString, mulberry32 as makeRng } from '../scenarios/random.js';
import type { Problem } from '../solver/types.js';

/** A 32-bit seed from a string (FNV-1a), e.g. the test's name. */
export const seedFromName = hashString;

export { makeRng };

export interface RandomProblemOptions {
  seed: number;
  committees: number;
  /** Committees per station. [3] */
  cap?: number;
  /** Households range, inclusive. [[500, 9000]] */
  households?: [number, number];
  /** Chance that a committee already shares its station with its right-hand neighbour. [0.1] */
  sharedStations?: number;
  /** Chance that a committee is an enclave (no border, one link). [0.05] */
  enclaves?: number;
  /** Add random locks (a together pair, a separate pair, a keep, maybe a self-contained committee). [false] */
  locks?: boolean;
  /** Chance that an orthogonal grid edge is missing. [0.1] */
  dropEdge?: number;
}

/**
 * Makes a random problem of one street office (`S1`). Committee ids are `c0`, `c1`, … (names
 * `委0`, `委1`, …), graph edges only between committees of the problem.
 */
export function makeRandomProblem(options: RandomProblemOptions): Problem {
  const rnd = makeRng(options.seed);
  const n = options.committees;
  const [hLo, hHi] = options.households ?? [500, 9000];
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const side = Array.from({ length: n }, () => 600 + rnd() * 800);
  const border = new Map<string, Map<string, number>>();
  const links = new Map<string, Map<string, number>>();
  const id = (i: number): string => `c${i}`;
  for (let i = 0; i < n; i++) { border.set(id(i), new Map()); links.set(id(i), new Map()); }
  const addEdge = (m: Map<string, Map<string, number>>, a: number, b: number, len: number): void => {
    m.get(id(a))!.set(id(b), len);
    m.get(id(b))!.set(id(a), len);
  };
  const at = (x: number, y: number): number => (x >= 0 && x < cols && y >= 0 && y * cols + x < n ? y * cols + x : -1);
  const drop = options.dropEdge ?? 0.1;
  for (let i = 0; i < n; i++) {
    const x = i % cols, y = Math.floor(i / cols);
    for (const j of [at(x + 1, y), at(x, y + 1)]) {
      if (j >= 0 && rnd() >= drop) addEdge(border, i, j, (0.3 + 0.6 * rnd()) * Math.min(side[i]!, side[j]!));
    }
    const r = rnd();
    if (r < 0.3) { const j = at(x + 1, y + 1); if (j >= 0) addEdge(border, i, j, 10 + 90 * rnd()); }
    else if (r < 0.6) { const a = at(x + 1, y), b = at(x, y + 1); if (a >= 0 && b >= 0) addEdge(border, a, b, 10 + 90 * rnd()); }
  }
  // enclaves: lose every border, keep one link to a grid neighbour
  for (let i = 0; i < n; i++) {
    if (rnd() >= (options.enclaves ?? 0.05)) continue;
    const x = i % cols, y = Math.floor(i / cols);
    for (const j of [...border.get(id(i))!.keys()]) { border.get(j)!.delete(id(i)); }
    border.get(id(i))!.clear();
    const near = [at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1)].filter((j) => j >= 0);
    if (near.length > 0) addEdge(links, i, pick(near), 50 + 900 * rnd());
  }
  const committees: Committee[] = [];
  const measures: CommitteeMeasures[] = [];
  for (let i = 0; i < n; i++) {
    const x = i % cols, y = Math.floor(i / cols);
    const lon = 114.0 + x * 0.012 + (rnd() - 0.5) * 0.004, lat = 22.5 + y * 0.011 + (rnd() - 0.5) * 0.004;
    const d = side[i]! / 2 / 111_000;
    const type: CommitteeType | undefined = rnd() < 0.2 ? undefined : pick(COMMITTEE_TYPES);
    const c: Committee = {
      id: id(i),
      name: `委${i}`,
      streetOffice: 'S1',
      households: hLo + Math.floor(rnd() * (hHi - hLo + 1)),
      office: Math.round(50 + rnd() * 350),
      service: Math.round(100 + rnd() * 1100),
      plaza: Math.round(rnd() * 1500),
      staff: 3 + Math.floor(rnd() * 6),
      partyMembers: Math.floor(rnd() * 120),
      geometry: [[[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]],
    };
    if (type !== undefined) c.type = type;
    committees.push(c);
    measures.push({ areaM2: side[i]! ** 2, perimeterM: 4 * side[i]!, centroid: [lon, lat], bbox: [lon - d, lat - d, lon + d, lat + d] });
  }
  // shared stations: pairs with the right-hand neighbour when they share a border
  const share = options.sharedStations ?? 0.1;
  for (let i = 0; i < n; i++) {
    const j = at((i % cols) + 1, Math.floor(i / cols));
    if (j < 0 || rnd() >= share) continue;
    if (committees[i]!.station !== undefined || committees[j]!.station !== undefined) continue;
    if (!border.get(id(i))!.has(id(j))) continue;
    committees[i]!.station = `st${i}`;
    committees[j]!.station = `st${i}`;
  }
  const scenario = makeDefaultScenario(`random-${options.seed}`);
  scenario.rules.maxCommitteesPerStation = options.cap ?? 3;
  if (options.locks === true && n >= 3) {
    const a = Math.floor(rnd() * n);
    const nb = [...border.get(id(a))!.keys()];
    if (nb.length > 0 && rnd() < 0.7) scenario.locks.together.push([id(a), pick(nb)]);
    const s1 = Math.floor(rnd() * n), s2 = Math.floor(rnd() * n);
    if (s1 !== s2 && rnd() < 0.7) scenario.locks.separate.push([id(s1), id(s2)]);
    if (rnd() < 0.5) scenario.locks.keep.push(id(Math.floor(rnd() * n)));
    if (rnd() < 0.3) committees[Math.floor(rnd() * n)]!.selfContained = true;
  }
  return { streetOffice: 'S1', committees, measures, graph: { border, links }, scenario };
}
