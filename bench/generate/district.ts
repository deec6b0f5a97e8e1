/**
 * A deterministic generator of realistic districts of any size, for benchmarks and tests:
 * committees in the canonical dataset format (the `Committee` fields of geo/types.ts) on a
 * tessellation with exact shared borders, grouped into contiguous street offices, with enclaves
 * (插花地) and islands, and figures calibrated to Luohu 2006.
 */
import type { Committee, MultiPolygonCoords, Position, Ring } from '../../geo/types.js';
import { makeLocalProjection } from '../../geo/distance.js';
import { makeFigures, type GeneratedFigures } from './figures.js';
import { makeNames } from './names.js';
import { growOffices } from './offices.js';
import { hashUnit, makeRandom, MinHeap, shuffled } from './random.js';
import { makeTessellation } from './tessellation.js';

export interface DistrictOptions {
  /** Number of committees (features). */
  committees: number;
  /** Seed: the same options give byte-identical output. */
  seed: number;
  /** Centre of the district [lon, lat]. [[114.05, 22.55] (Shenzhen)] */
  origin?: Position;
  /** Committees per street office [min, max]. [[5, 60]] */
  streetOfficeSize?: [number, number];
  /** Share of committees that are enclaves (touch nobody of their own street office). [0.03] */
  enclaves?: number;
  /** Share of committees that are islands (touch no committee at all; each lies in a lake). [0.01] */
  islands?: number;
  /** Share of committees already sharing a station with a neighbour, in pairs. [0.02] */
  sharedStations?: number;
  /**
   * Real-like census tracts instead of Luohu's committees: 1,000–3,000 households each, 150–250
   * per group (street office) and islands at 3% (each within the enclave link distance of its
   * shore, so linked by the enclave rule): the groups that make the solver work hardest. [false]
   */
  tracts?: boolean;
}

/** Properties of a generated feature: exactly the `Committee` fields (optional ones only when set). */
export type CommitteeProperties = Required<Pick<Committee, 'id' | 'name' | 'streetOffice'>> & Omit<GeneratedFigures, 'selfContained'> & {
  station?: string;
  selfContained?: true;
};

export interface CommitteeFeature {
  type: 'Feature';
  properties: CommitteeProperties;
  geometry: { type: 'MultiPolygon'; coordinates: MultiPolygonCoords };
}

export interface DistrictCollection {
  type: 'FeatureCollection';
  features: CommitteeFeature[];
}

/** Luohu's committee areas by bracket (km² bounds, counts of 115); log-uniform inside a bracket. */
const AREA_BOUNDS_KM2 = [0.05, 0.2, 0.5, 1, 2, 5];
const AREA_COUNTS = [39, 31, 20, 17, 8];

/** Quantile function of Luohu's committee areas, m². */
function luohuAreaAt(u: number): number {
  const total = AREA_COUNTS.reduce((s, c) => s + c, 0);
  let acc = 0;
  for (let i = 0; i < AREA_COUNTS.length; i++) {
    const share = AREA_COUNTS[i]! / total;
    if (u < acc + share || i === AREA_COUNTS.length - 1) {
      const t = Math.min(1, (u - acc) / share);
      const lo = Math.log(AREA_BOUNDS_KM2[i]!), hi = Math.log(AREA_BOUNDS_KM2[i + 1]!);
      return Math.exp(lo + t * (hi - lo)) * 1e6;
    }
    acc += share;
  }
  return 1e6;
}
/** Exponent of the tract household draw (1 would be uniform over 1,000–3,000). */
const TRACT_SKEW = 2;
/** Border length from which two cells count as neighbours (twice geo's default minimum of 20 m, so that the warp never takes a link below it). */
const STRONG_BORDER_M = 40;
/** Border wiggle: one extra vertex about every this many metres. */
const WIGGLE_PIECE_M = 300;

function fail(field: string, message: string): never {
  throw new Error(`generateDistrict: options.${field} ${message}`);
}

function checkOptions(o: DistrictOptions): Required<DistrictOptions> {
  if (typeof o !== 'object' || o === null) throw new Error('generateDistrict: options must be an object');
  const { committees, seed } = o;
  if (!Number.isInteger(committees) || committees < 1 || committees > 2_000_000) fail('committees', `must be an integer in [1, 2000000], got ${String(committees)}`);
  if (!Number.isInteger(seed)) fail('seed', `must be an integer, got ${String(seed)}`);
  const origin = o.origin ?? [114.05, 22.55];
  if (!Array.isArray(origin) || origin.length !== 2 || !(Math.abs(origin[0]) <= 170) || !(Math.abs(origin[1]) <= 70)) {
    fail('origin', `must be [lon, lat] with |lon| ≤ 170 and |lat| ≤ 70, got ${JSON.stringify(origin)}`);
  }
  const tracts = o.tracts === true;
  const size = o.streetOfficeSize ?? (tracts ? [150, 250] : [5, 60]);
  if (!Array.isArray(size) || size.length !== 2 || !Number.isInteger(size[0]) || !Number.isInteger(size[1]) || size[0] < 1 || size[1] < size[0]) {
    fail('streetOfficeSize', `must be [min, max] integers with 1 ≤ min ≤ max, got ${JSON.stringify(size)}`);
  }
  const share = (field: 'enclaves' | 'islands' | 'sharedStations', value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !(v >= 0 && v <= 0.5)) fail(field, `must be a share in [0, 0.5], got ${String(v)}`);
    return v;
  };
  return {
    committees, seed, origin: [origin[0], origin[1]], streetOfficeSize: [size[0], size[1]],
    enclaves: share('enclaves', o.enclaves, 0.03),
    islands: share('islands', o.islands, tracts ? 0.03 : 0.01),
    sharedStations: share('sharedStations', o.sharedStations, 0.02),
    tracts,
  };
}

/**
 * Generates a district.
 *
 * @param options.committees number of committees
 * @param options.seed seed; equal options give byte-identical `JSON.stringify` output
 * @param [options.origin=[114.05, 22.55]] centre [lon, lat]
 * @param [options.streetOfficeSize=[5, 60]] committees per street office
 * @param [options.enclaves=0.03] share of enclave committees
 * @param [options.islands=0.01] share of island committees
 * @param [options.sharedStations=0.02] share of committees already sharing a station (pairs)
 * @returns a GeoJSON FeatureCollection of MultiPolygon committees, WGS84, 6 decimals, ordered by id
 * @example generateDistrict({ committees: 700, seed: 1 }).features.length // 700
 */
export function generateDistrict(options: DistrictOptions): DistrictCollection {
  const o = checkOptions(options);
  const n = o.committees;
  const [minSize, maxSize] = o.streetOfficeSize;

  // 1. tessellate a square with spare cells; the district is a blob of n of them
  const total = n < 40 ? n + Math.ceil(n / 2) + 4 : Math.ceil(n * 1.5);
  const tess = makeTessellation(total, makeRandom(o.seed, 1), { areaAt: luohuAreaAt });
  const { xs, ys, cells, side } = tess;
  const L = cells.length;
  const area: number[] = new Array(L);
  const cx: number[] = new Array(L), cy: number[] = new Array(L);
  for (let c = 0; c < L; c++) {
    const list = cells[c]!;
    let a = 0, sx = 0, sy = 0;
    for (let i = 0, k = list.length; i < k; i++) {
      const p = list[i]!, q = list[(i + 1) % k]!;
      const cr = xs[p]! * ys[q]! - xs[q]! * ys[p]!;
      a += cr; sx += (xs[p]! + xs[q]!) * cr; sy += (ys[p]! + ys[q]!) * cr;
    }
    area[c] = a / 2; cx[c] = sx / (3 * a); cy[c] = sy / (3 * a);
  }

  // 2. adjacency: strong (border ≥ 30 m), touch (any shared vertex), square edge
  const strong: number[][] = new Array(L);
  const onEdge: boolean[] = new Array(L).fill(false);
  const vcells: number[][] = new Array(xs.length);
  for (let v = 0; v < xs.length; v++) vcells[v] = [];
  for (let c = 0; c < L; c++) {
    const list = cells[c]!;
    const nb: number[] = [], len: number[] = [], st: number[] = [];
    strong[c] = st;
    for (let i = 0, k = list.length; i < k; i++) {
      const u = list[i]!, v = list[(i + 1) % k]!;
      vcells[u]!.push(c);
      const d = tess.cellOfEdge(v, u);
      if (d === undefined) { onEdge[c] = true; continue; }
      const j = nb.indexOf(d);
      const ex = xs[v]! - xs[u]!, ey = ys[v]! - ys[u]!;
      const l = Math.sqrt(ex * ex + ey * ey);
      if (j === -1) { nb.push(d); len.push(l); } else len[j]! += l;
    }
    for (let j = 0; j < nb.length; j++) if (len[j]! >= STRONG_BORDER_M) st.push(nb[j]!);
  }
  const touch: number[][] = new Array(L);
  for (let c = 0; c < L; c++) {
    const set: number[] = [];
    for (const v of cells[c]!) for (const d of vcells[v]!) if (d !== c && !set.includes(d)) set.push(d);
    touch[c] = set.sort((a, b) => a - b);
  }

  // 3. the district's outline: flood from the centre by a wavy radial score
  const shape = makeRandom(o.seed, 2);
  const harmonics = [2, 3, 4, 5, 7].map((h) => ({ h, a: (0.28 / h) * (0.5 + shape()), phi: 2 * Math.PI * shape() }));
  const score: number[] = new Array(L);
  for (let c = 0; c < L; c++) {
    const dx = cx[c]! - side / 2, dy = cy[c]! - side / 2;
    const t = Math.atan2(dy, dx);
    let r = 1;
    for (const { h, a, phi } of harmonics) r += a * Math.cos(h * t + phi);
    score[c] = Math.hypot(dx, dy) / (side / 2) / r;
  }
  const kept: boolean[] = new Array(L).fill(false);
  {
    let start = 0;
    for (let c = 1; c < L; c++) if (score[c]! < score[start]!) start = c;
    const heap = new MinHeap();
    const queued: boolean[] = new Array(L).fill(false);
    heap.push(start, score[start]!);
    queued[start] = true;
    let count = 0;
    while (count < n && heap.size > 0) {
      const c = heap.pop();
      kept[c] = true;
      count++;
      for (const d of strong[c]!) if (!queued[d]) { queued[d] = true; heap.push(d, score[d]!); }
    }
    fillHoles(kept, touch, strong, onEdge, score, n);
  }

  // 4. lakes: large inner cells whose committee becomes a small island in the middle
  const lake: boolean[] = new Array(L).fill(false);
  const lakes: number[] = [];
  {
    const want = Math.round(n * o.islands);
    const order = shuffled([...Array(L).keys()].filter((c) => kept[c]), makeRandom(o.seed, 3));
    for (const minArea of [0.5e6, 0.25e6]) {
      for (const c of order) {
        if (lakes.length >= want) break;
        if (lake[c] || area[c]! < minArea || onEdge[c]) continue;
        if (!touch[c]!.every((d) => kept[d] && !lake[d] && !touch[d]!.some((e) => lake[e]))) continue;
        if (!ringStaysConnected(c, touch, strong, lake)) continue;
        lake[c] = true;
        lakes.push(c);
      }
    }
  }

  // 5. street offices over the land; islands join the office of a shore cell
  const land = kept.map((k, c) => k && !lake[c]);
  const grown = growOffices({ active: land, neighbours: strong, cx, cy, side, minSize, maxSize }, makeRandom(o.seed, 4));
  const office = grown.office;
  const members = grown.members;
  const island: boolean[] = new Array(L).fill(false);
  for (const c of lakes) {
    const shore = touch[c]!.map((d) => office[d]!).filter((f) => f >= 0).sort((a, b) => members[a]!.length - members[b]!.length || a - b);
    let f = shore[0]!;
    if (members[f]!.length >= maxSize) {
      const near = nearestOtherOffice(touch[c]![0]!, -1, strong, land, office, members, maxSize);
      if (near !== -1) f = near;
    }
    office[c] = f;
    members[f]!.push(c);
    island[c] = true;
  }

  // 6. enclaves: an inner cell moved to a nearby office; it touches only its old office
  const enclave: boolean[] = new Array(L).fill(false);
  {
    let left = Math.round(n * o.enclaves);
    const order = shuffled([...Array(L).keys()].filter((c) => land[c]), makeRandom(o.seed, 5));
    for (const c of order) {
      if (left === 0) break;
      const s = office[c]!;
      if (onEdge[c] || members[s]!.length - 1 < minSize) continue;
      if (!touch[c]!.every((d) => land[d] && office[d] === s && !enclave[d])) continue;
      const t = nearestOtherOffice(c, s, strong, land, office, members, maxSize);
      if (t === -1) continue;
      if (!staysConnectedWithout(members[s]!, c, strong, office, enclave, island)) continue;
      office[c] = t;
      members[s] = members[s]!.filter((d) => d !== c);
      members[t]!.push(c);
      enclave[c] = true;
      left--;
    }
  }

  // 7. committees in office order; ids, names, figures, existing shared stations
  const committeeCells: number[] = [];
  const officeOf: number[] = [];
  const officeIds: number[] = [];
  for (let f = 0; f < members.length; f++) {
    if (members[f]!.length === 0) continue;
    const fi = officeIds.length;
    officeIds.push(f);
    for (const c of members[f]!) { committeeCells.push(c); officeOf.push(fi); }
  }
  const officeNames = makeNames(officeIds.length, o.seed * 7 + 1);
  const names = makeNames(n, o.seed * 7 + 2);
  const width = Math.max(4, String(n).length);
  const ids = committeeCells.map((_, i) => `C${String(i + 1).padStart(width, '0')}`);
  const figures = makeFigures(n, committeeCells.map((c) => enclave[c]!), makeRandom(o.seed, 6));
  const indexOfCell = new Map<number, number>();
  committeeCells.forEach((c, i) => indexOfCell.set(c, i));
  const station: Array<string | undefined> = new Array(n).fill(undefined);
  {
    let pairs = Math.round((n * o.sharedStations) / 2);
    const order = shuffled([...Array(n).keys()], makeRandom(o.seed, 7));
    for (const i of order) {
      if (pairs === 0) break;
      const c = committeeCells[i]!;
      if (station[i] !== undefined || enclave[c] || island[c]) continue;
      for (const d of strong[c]!) {
        const j = indexOfCell.get(d);
        if (j === undefined || station[j] !== undefined || enclave[d] || island[d] || officeOf[j] !== officeOf[i]) continue;
        if (figures[i]!.households + figures[j]!.households > 10000) continue;
        const host = Math.min(i, j);
        station[i] = station[j] = `S${ids[host]!.slice(1)}`;
        pairs--;
        break;
      }
    }
  }

  // 8. geometry: wiggled borders, a gentle warp, WGS84, 6 decimals
  const toLonLat = makeRenderer(tess, o.seed, o.origin);
  const features: CommitteeFeature[] = committeeCells.map((c, i) => {
    const fig = figures[i]!;
    // tracts: households in 1,000–3,000, skewed low like real census tracts (RI 2010: deciles
    // 945 / 1,692 / 2,574): 1,000 + 2,000·u^TRACT_SKEW gives 1,015 / 1,500 / 2,620, so that most
    // sets of 2–5 tracts fall in a 4,000–8,000 band; persons per household kept
    const households = o.tracts ? 1000 + Math.floor(2001 * hashUnit(o.seed, 7, i) ** TRACT_SKEW) : fig.households;
    const population = o.tracts ? Math.round(households * fig.population / Math.max(1, fig.households)) : fig.population;
    const properties: CommitteeProperties = {
      id: ids[i]!,
      name: names[i]!,
      streetOffice: officeNames[officeOf[i]!]!,
      households,
      population,
      type: fig.type,
      office: fig.office,
      service: fig.service,
      plaza: fig.plaza,
      staff: fig.staff,
      partyMembers: fig.partyMembers,
    };
    if (station[i] !== undefined) properties.station = station[i];
    if (fig.selfContained) properties.selfContained = true;
    const ring = island[c] ? toLonLat.island(c, cx[c]!, cy[c]!) : toLonLat.cell(c);
    return { type: 'Feature', properties, geometry: { type: 'MultiPolygon', coordinates: [[ring]] } };
  });
  return { type: 'FeatureCollection', features };
}

/**
 * Makes the kept cells a district without holes: a dropped cell enclosed by kept ones is taken
 * back, and as many kept cells on the outline (highest score first) are dropped, so the count
 * stays `n` and the district stays connected.
 */
function fillHoles(kept: boolean[], touch: number[][], strong: number[][], onEdge: boolean[], score: number[], n: number): void {
  const L = kept.length;
  for (let round = 0; round < 50; round++) {
    const outside: boolean[] = new Array(L).fill(false);
    const queue: number[] = [];
    for (let c = 0; c < L; c++) if (!kept[c] && onEdge[c]) { outside[c] = true; queue.push(c); }
    for (let h = 0; h < queue.length; h++) {
      for (const d of touch[queue[h]!]!) if (!kept[d] && !outside[d]) { outside[d] = true; queue.push(d); }
    }
    let added = 0;
    for (let c = 0; c < L; c++) if (!kept[c] && !outside[c]) { kept[c] = true; added++; }
    if (added === 0) return;
    const shore = [...Array(L).keys()]
      .filter((c) => kept[c] && (onEdge[c] || touch[c]!.some((d) => outside[d])))
      .sort((a, b) => score[b]! - score[a]! || a - b);
    for (const c of shore) {
      if (added === 0) break;
      kept[c] = false;
      if (isConnected(kept, strong, n)) added--;
      else kept[c] = true;
    }
  }
}

function isConnected(active: boolean[], strong: number[][], expected: number): boolean {
  const start = active.indexOf(true);
  if (start === -1) return expected === 0;
  const seen = new Uint8Array(active.length);
  seen[start] = 1;
  const queue = [start];
  for (let h = 0; h < queue.length; h++) {
    for (const d of strong[queue[h]!]!) if (active[d] && !seen[d]) { seen[d] = 1; queue.push(d); }
  }
  return queue.length === active.filter(Boolean).length;
}

/** Do the cells around `c` stay connected to each other (nearby) once `c` is a lake? */
function ringStaysConnected(c: number, touch: number[][], strong: number[][], lake: boolean[]): boolean {
  const ring = touch[c]!;
  const near = new Set<number>(ring);
  for (const d of ring) for (const e of strong[d]!) near.add(e);
  near.delete(c);
  const seen = new Set<number>([ring[0]!]);
  const queue = [ring[0]!];
  for (let h = 0; h < queue.length; h++) {
    for (const d of strong[queue[h]!]!) if (near.has(d) && !lake[d] && !seen.has(d)) { seen.add(d); queue.push(d); }
  }
  return ring.every((d) => seen.has(d));
}

/** Nearest office other than `s` with room, by breadth-first search over land from `c`. */
function nearestOtherOffice(c: number, s: number, strong: number[][], land: boolean[], office: number[], members: number[][], maxSize: number): number {
  const seen = new Set<number>([c]);
  const queue = [c];
  for (let h = 0; h < queue.length && h < 400; h++) {
    for (const d of strong[queue[h]!]!) {
      if (!land[d] || seen.has(d)) continue;
      seen.add(d);
      const f = office[d]!;
      if (f !== s && f >= 0 && members[f]!.length < maxSize) return f;
      queue.push(d);
    }
  }
  return -1;
}

/** Does office `members` (less its enclaves and islands) stay connected without `c`? */
function staysConnectedWithout(group: number[], c: number, strong: number[][], office: number[], enclave: boolean[], island: boolean[]): boolean {
  const s = office[c]!;
  const body = group.filter((d) => d !== c && !enclave[d] && !island[d]);
  if (body.length === 0) return false;
  const seen = new Set<number>([body[0]!]);
  const queue = [body[0]!];
  for (let h = 0; h < queue.length; h++) {
    for (const d of strong[queue[h]!]!) {
      if (d === c || seen.has(d) || office[d] !== s || enclave[d] || island[d]) continue;
      seen.add(d);
      queue.push(d);
    }
  }
  return seen.size === body.length;
}

interface Renderer {
  cell(c: number): Ring;
  island(c: number, x: number, y: number): Ring;
}

/**
 * Turns plane cells into WGS84 rings. Every edge u→v gets extra vertices computed from the edge
 * taken low id → high id, so both sides of a border get the very same numbers; a smooth warp
 * (a few plane waves, gradient ≤ 0.38) bends the straight cuts.
 */
function makeRenderer(tess: ReturnType<typeof makeTessellation>, seed: number, origin: Position): Renderer {
  const { xs, ys, cells, side } = tess;
  const proj = makeLocalProjection(origin);
  const rng = makeRandom(seed, 8);
  const waves: number[] = []; // [axis, kx, ky, phase, amplitude] repeated
  for (const lambda of [7000, 2600, 1000]) {
    for (let axis = 0; axis < 2; axis++) {
      for (let w = 0; w < 2; w++) {
        const dir = 2 * Math.PI * rng();
        const k = (2 * Math.PI) / lambda;
        waves.push(axis, k * Math.cos(dir), k * Math.sin(dir), 2 * Math.PI * rng(), ((lambda > 2000 ? 0.07 : 0.05) * lambda) / (2 * Math.PI));
      }
    }
  }
  const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;
  const cacheLon = new Float64Array(xs.length).fill(NaN), cacheLat = new Float64Array(xs.length);
  const push = (ring: Ring, lon: number, lat: number): void => {
    const last = ring[ring.length - 1];
    if (last !== undefined && last[0] === lon && last[1] === lat) return;
    ring.push([lon, lat]);
  };
  let outLon = 0, outLat = 0;
  const project = (x: number, y: number): void => {
    let wx = x, wy = y;
    for (let i = 0; i < waves.length; i += 5) {
      const d = waves[i + 4]! * Math.sin(waves[i + 1]! * x + waves[i + 2]! * y + waves[i + 3]!);
      if (waves[i] === 0) wx += d; else wy += d;
    }
    outLon = round6(proj.origin[0] + (wx - side / 2) / proj.mx);
    outLat = round6(proj.origin[1] + (wy - side / 2) / proj.my);
  };
  const putVertex = (ring: Ring, v: number): void => {
    if (Number.isNaN(cacheLon[v]!)) {
      project(xs[v]!, ys[v]!);
      cacheLon[v] = outLon;
      cacheLat[v] = outLat;
    }
    push(ring, cacheLon[v]!, cacheLat[v]!);
  };
  const put = (ring: Ring, x: number, y: number): void => {
    project(x, y);
    push(ring, outLon, outLat);
  };
  const cell = (c: number): Ring => {
    const list = cells[c]!;
    const ring: Ring = [];
    for (let i = 0, k = list.length; i < k; i++) {
      const u = list[i]!, v = list[(i + 1) % k]!;
      putVertex(ring, u);
      const lo = Math.min(u, v), hi = Math.max(u, v);
      const ax = xs[lo]!, ay = ys[lo]!, dx = xs[hi]! - ax, dy = ys[hi]! - ay;
      const len = Math.sqrt(dx * dx + dy * dy);
      const m = Math.max(1, Math.round(len / WIGGLE_PIECE_M));
      if (m === 1) continue;
      const amp = Math.min(0.08 * (len / m), 10) / len;
      for (let s = 1; s < m; s++) {
        const q = u === lo ? s : m - s;
        const j = (2 * hashUnit(lo, hi, q, seed) - 1) * amp;
        put(ring, ax + (dx * q) / m - dy * j, ay + (dy * q) / m + dx * j);
      }
    }
    ring.push([ring[0]![0], ring[0]![1]]);
    return ring;
  };
  const island = (c: number, x: number, y: number): Ring => {
    const list = cells[c]!;
    let dmin = Infinity;
    for (let i = 0, k = list.length; i < k; i++) {
      const u = list[i]!, v = list[(i + 1) % k]!;
      const ex = xs[v]! - xs[u]!, ey = ys[v]! - ys[u]!;
      const d = Math.abs(ex * (y - ys[u]!) - ey * (x - xs[u]!)) / Math.hypot(ex, ey);
      if (d < dmin) dmin = d;
    }
    const r = 0.5 * dmin;
    const ring: Ring = [];
    const turn = hashUnit(c, seed, 1);
    for (let i = 0; i < 10; i++) {
      const t = 2 * Math.PI * ((i + turn) / 10);
      const rr = r * (0.8 + 0.2 * hashUnit(c, seed, i + 2));
      put(ring, x + rr * Math.cos(t), y + rr * Math.sin(t));
    }
    ring.push([ring[0]![0], ring[0]![1]]);
    return ring;
  };
  return { cell, island };
}
