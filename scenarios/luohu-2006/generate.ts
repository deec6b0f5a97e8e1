/**
 * Deterministic, seeded generator of the built-in Luohu 2006 dataset.
 *
 * Names, street offices, the published plan and the district profile come from seed 004
 * (`facts.json`, a copy of /work/shared/data/luohu-2006-facts.json). Everything else is invented:
 * the geometry, each committee's figures, the ids and the household size. The invented figures are
 * drawn so that every count of the seed's profile is met EXACTLY (types, population brackets, area
 * brackets, facility status, staff total); see README.md.
 *
 * Run `npx tsx scenarios/luohu-2006/generate.ts` to rewrite committees.geojson, plan-2006.json and
 * facts.json; it prints a calibration table. The output is byte-for-byte reproducible.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { area as turfArea } from '@turf/turf';
import { makeLocalProjection } from '../../geo/distance.js';
import type { CommitteeType } from '../../geo/types.js';
import type { HandPlan } from '../../solver/types.js';
import { apportion, hashString, mulberry32, normal, shuffle } from '../random.js';

// ---------------------------------------------------------------------------------------------
// Facts (the shape of luohu-2006-facts.json that the generator reads)

export interface LuohuStreetOfficeFacts {
  name: string;
  pinyin: string;
  before: number;
  after: number;
  merge: string[][];
  keep: string[];
}

export interface LuohuFacts {
  before: { stations: number; committees: number };
  after: { stations: number };
  currentSituation: {
    byFunction: Record<string, number>;
    byPopulation: Record<string, number>;
    byAreaKm2: Record<string, number>;
    facilities: Record<'office' | 'publicService' | 'outdoorPlaza', { compliant: number; compliantWithinYear: number; hardToComply: number }>;
    staff: { stationStaffTotal: number; partyCommitteeMembers: number; committeeMembers: number };
  };
  streetOffices: LuohuStreetOfficeFacts[];
}

// ---------------------------------------------------------------------------------------------
// Stated constants (README.md explains each)

/** Seed of every random draw. */
export const LUOHU_SEED = 2006_0814;
/** Persons per resident household: households = round(population / HOUSEHOLD_SIZE). */
export const HOUSEHOLD_SIZE = 2.5;
/** Total land area of the district, km² (Luohu's official area). */
export const DISTRICT_AREA_KM2 = 78.8;
/** Facility thresholds (m²) of seed 004. */
export const FACILITY_THRESHOLDS = { office: 200, service: 900, plaza: 1000 } as const;
/** Upper end of the household band (seed 004). */
export const HOUSEHOLD_MAX = 10000;
/** Below the threshold but at least this share of it: 'within-year'; below this share: 'hard'. */
export const WITHIN_YEAR_SHARE = 0.5;
/** Short codes of the street offices, used in ids (`LH-HB-01`). */
export const OFFICE_CODES: Readonly<Record<string, string>> = {
  黄贝: 'HB', 南湖: 'NH', 桂园: 'GY', 东门: 'DM', 笋岗: 'SG', 清水河: 'QSH', 翠竹: 'CZ', 东晓: 'DX', 东湖: 'DH', 莲塘: 'LT',
};
/** Name of the published plan. */
export const PLAN_NAME = '罗湖区2006年方案 (seed 004)';

/** The seed's community types (facts key) as the `type` values of the dataset. */
export const TYPE_KEYS: Readonly<Record<string, CommitteeType>> = {
  'upscale (中高档)': 'upscale',
  'old residential (老住宅区)': 'old-residential',
  'urban village (城中村)': 'urban-village',
  'enclave (插花地)': 'enclave',
};

/** Invented type of each committee (by name plausibility); all others are old-residential. */
const ENCLAVES = ['草埔西', '玉龙', '龙湖', '泥岗', '草埔东', '独树', '兰花', '布心', '金岭', '湖景'];
const URBAN_VILLAGES = [
  '黄贝岭', '罗芳', '新秀', '向西', '渔邨', '罗湖', '老围', '新围', '洪围', '湖贝', '城贝', '笋岗',
  '田心', '田贝', '清水河', '水贝', '木头龙', '大望', '梧桐山', '莲塘', '坳下', '长岭', '西岭', '木棉岭',
];
const UPSCALE = [
  '碧波', '怡景', '文华', '凤凰', '嘉南', '新南', '新港', '鹿丹村', '滨苑', '松园', '翠园', '银湖',
  '梅园', '百仕达', '翠锦', '愉天', '名地', '绿景', '金湖', '金鹏', '翠湖', '畔山', '仙湖', '鹏兴',
];

/** Typical committee land area per street office, km² (invented; sets where the large ones are). */
const OFFICE_LAND_KM2: Readonly<Record<string, number>> = {
  黄贝: 0.35, 南湖: 0.22, 桂园: 0.2, 东门: 0.09, 笋岗: 0.4, 清水河: 1.4, 翠竹: 0.28, 东晓: 0.7, 东湖: 1.3, 莲塘: 0.9,
};

/**
 * Where the street offices lie, roughly as on the real map: a tree of cuts of the district outline.
 * `angle` is the direction of the cut's normal in degrees (0: the first children lie west, 90: south).
 */
type OfficeTree = { angle: number; children: (OfficeTree | string)[] };
const OFFICE_TREE: OfficeTree = {
  angle: 0,
  children: [
    {
      angle: 0,
      children: [
        { angle: 90, children: ['南湖', '桂园', '笋岗', '清水河'] },
        { angle: 90, children: [{ angle: 0, children: ['东门', '黄贝'] }, '翠竹', '东晓'] },
      ],
    },
    { angle: 90, children: ['莲塘', '东湖'] },
  ],
};

/** District outline before scaling and perturbation (km east/north of the origin), convex, CCW. */
const OUTLINE_KM: [number, number][] = [
  [-6.0, -2.6], [-3.6, -4.3], [1.4, -4.4], [5.2, -3.3], [6.5, -0.9], [5.8, 2.4], [2.0, 4.6], [-3.4, 4.5], [-6.0, 2.2],
];
/** Origin of the local projection: the middle of Luohu. */
const ORIGIN: [number, number] = [114.15, 22.57];
/** Luohu's real extent; the generator refuses to leave it. */
export const LUOHU_EXTENT = { minLon: 114.08, minLat: 22.52, maxLon: 114.22, maxLat: 22.62 } as const;

/** Own-property lookup (a name such as "constructor" must not find Object's). */
function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Brackets

/** A bracket of a profile count: lower edge inclusive, upper edge exclusive: [lo, hi). */
export interface Bracket { key: string; lo: number; hi: number }

/**
 * Parses a profile key of the facts file: ">20000" → [20000, ∞), "<5000" → [−∞, 5000),
 * "15000-20000" → [15000, 20000). A value on an edge belongs to the higher bracket; the generated
 * values stay at least 2 % clear of every edge, so any other convention counts the same.
 */
export function parseBracket(key: string): Bracket {
  const k = key.trim();
  if (k.startsWith('>')) return { key, lo: Number(k.slice(1)), hi: Infinity };
  if (k.startsWith('<')) return { key, lo: -Infinity, hi: Number(k.slice(1)) };
  const [a, b] = k.split('-');
  const lo = Number(a), hi = Number(b);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`parseBracket: cannot read bracket "${key}"`);
  return { key, lo, hi };
}

/** The key of the bracket that holds `value`, or undefined. */
export function findBracket(value: number, brackets: readonly Bracket[]): string | undefined {
  return brackets.find((b) => value >= b.lo && value < b.hi)?.key;
}

export type FacilityStatus = 'compliant' | 'within-year' | 'hard';

/**
 * The planned areas (officePlanned, servicePlanned, plazaPlanned) of the facilities that reach the
 * threshold within the year: a quarter more than today, at least the threshold, in tens of m².
 */
function plannedAreas(facility: Record<'office' | 'service' | 'plaza', { value: number; status: FacilityStatus }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of ['office', 'service', 'plaza'] as const) {
    const f = facility[kind];
    if (f.status === 'within-year') out[`${kind}Planned`] = Math.ceil(Math.max(FACILITY_THRESHOLDS[kind], f.value * 1.25) / 10) * 10;
  }
  return out;
}

/** Status of a facility area against its threshold: ≥ T compliant, ≥ 0.5·T within-year, else hard. */
export function classifyFacility(areaM2: number, threshold: number): FacilityStatus {
  if (areaM2 >= threshold) return 'compliant';
  return areaM2 >= WITHIN_YEAR_SHARE * threshold ? 'within-year' : 'hard';
}

// ---------------------------------------------------------------------------------------------
// Random numbers

export { mulberry32 };

function makeRng(label: string, seed: number): () => number {
  return mulberry32(hashString(label) ^ seed);
}

function uniform(rng: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

function logUniform(rng: () => number, lo: number, hi: number): number {
  return Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));
}

/** Labels by rank: the highest scores get the first label, and so on; counts are exact. */
function assignByRank<L>(scores: readonly number[], labels: readonly { label: L; count: number }[]): L[] {
  const total = labels.reduce((s, l) => s + l.count, 0);
  if (total !== scores.length) throw new Error(`assignByRank: counts add up to ${total}, not ${scores.length}`);
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i);
  const out = new Array<L>(scores.length);
  let k = 0;
  for (const { label, count } of labels) for (let c = 0; c < count; c++) out[order[k++]!.i] = label;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Planar geometry (metres east/north of ORIGIN)

type XY = [number, number];

function ringAreaXY(r: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const a = r[i]!, b = r[(i + 1) % r.length]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

function perimeterXY(r: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const a = r[i]!, b = r[(i + 1) % r.length]!;
    s += Math.hypot(b[0] - a[0], b[1] - a[1]);
  }
  return s;
}

function centroidXY(r: readonly XY[]): XY {
  let cx = 0, cy = 0, a2 = 0;
  for (let i = 0; i < r.length; i++) {
    const p = r[i]!, q = r[(i + 1) % r.length]!;
    const f = p[0] * q[1] - q[0] * p[1];
    cx += (p[0] + q[0]) * f;
    cy += (p[1] + q[1]) * f;
    a2 += f;
  }
  return [cx / (3 * a2), cy / (3 * a2)];
}

/** Width of a convex polygon: the least extent perpendicular to one of its edges. */
function widthXY(r: readonly XY[]): number {
  let best = Infinity;
  for (let i = 0; i < r.length; i++) {
    const a = r[i]!, b = r[(i + 1) % r.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < 1e-9) continue;
    const nx = -(b[1] - a[1]) / len, ny = (b[0] - a[0]) / len;
    let lo = Infinity, hi = -Infinity;
    for (const p of r) {
      const d = (p[0] - a[0]) * nx + (p[1] - a[1]) * ny;
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    best = Math.min(best, hi - lo);
  }
  return best;
}

/**
 * Splits a convex polygon by the line n·p = c into the part with n·p ≤ c and the rest. The new
 * vertices on the line are the same objects in both parts (so both parts share them exactly).
 */
function splitConvex(poly: readonly XY[], nx: number, ny: number, c: number): [XY[], XY[]] {
  const low: XY[] = [], high: XY[] = [];
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!, b = poly[(i + 1) % poly.length]!;
    const da = a[0] * nx + a[1] * ny - c, db = b[0] * nx + b[1] * ny - c;
    if (da <= 0) low.push(a);
    if (da >= 0) high.push(a);
    if ((da < 0 && db > 0) || (da > 0 && db < 0)) {
      const t = da / (da - db);
      const p: XY = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      low.push(p);
      high.push(p);
    }
  }
  return [low, high];
}

/** Cuts a convex polygon with a line of normal angle `angle` (radians) so that the low part holds `frac` of the area. */
function cutAtFraction(poly: readonly XY[], angle: number, frac: number): [XY[], XY[]] {
  const nx = Math.cos(angle), ny = Math.sin(angle);
  let lo = Infinity, hi = -Infinity;
  for (const p of poly) {
    const d = p[0] * nx + p[1] * ny;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const total = ringAreaXY(poly);
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    const [low] = splitConvex(poly, nx, ny, mid);
    if (ringAreaXY(low) / total < frac) lo = mid;
    else hi = mid;
  }
  return splitConvex(poly, nx, ny, (lo + hi) / 2);
}

function polsbyPopper(r: readonly XY[]): number {
  const p = perimeterXY(r);
  return (4 * Math.PI * ringAreaXY(r)) / (p * p);
}

/**
 * Cuts `poly` so that the low part holds `frac` of it. With `angleDeg` the cut's normal points that
 * way (±18° jitter); without it, the angle that keeps both parts most compact (Polsby–Popper) among
 * 12 randomly rotated candidates, with a little noise so the map does not look like a grid.
 */
function cut(poly: readonly XY[], frac: number, rng: () => number, angleDeg?: number): [XY[], XY[]] {
  if (angleDeg !== undefined) {
    return cutAtFraction(poly, ((angleDeg + uniform(rng, -18, 18)) * Math.PI) / 180, frac);
  }
  const theta0 = rng() * (Math.PI / 12);
  let best: [XY[], XY[]] | undefined;
  let bestScore = -Infinity;
  for (let k = 0; k < 12; k++) {
    const parts = cutAtFraction(poly, theta0 + (k * Math.PI) / 12, frac);
    const score = Math.min(polsbyPopper(parts[0]), polsbyPopper(parts[1])) + 0.06 * rng();
    if (score > bestScore) {
      bestScore = score;
      best = parts;
    }
  }
  return best!;
}

interface Part {
  weight: number;
  fill: (poly: XY[]) => void;
}

/** Recursive bisection of a convex polygon among parts, in the given order, areas ∝ weights. */
function partition(poly: XY[], parts: readonly Part[], rng: () => number, angleDeg?: number): void {
  if (parts.length === 1) {
    parts[0]!.fill(poly);
    return;
  }
  const total = parts.reduce((s, p) => s + p.weight, 0);
  let acc = 0, k = 1, bestGap = Infinity;
  for (let i = 1; i < parts.length; i++) {
    acc += parts[i - 1]!.weight;
    const gap = Math.abs(total - 2 * acc);
    if (gap < bestGap) {
      bestGap = gap;
      k = i;
    }
  }
  const left = parts.slice(0, k), right = parts.slice(k);
  const frac = left.reduce((s, p) => s + p.weight, 0) / total;
  const [low, high] = cut(poly, frac, rng, angleDeg);
  partition(low, left, rng, angleDeg);
  partition(high, right, rng, angleDeg);
}

const keyXY = (p: XY): string => `${p[0]},${p[1]}`;

function orient(a: XY, b: XY, c: XY): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** Do two segments meet anywhere (touching included)? Callers skip pairs that share an endpoint. */
function segmentsMeet(a: XY, b: XY, c: XY, d: XY): boolean {
  const d1 = orient(a, b, c), d2 = orient(a, b, d), d3 = orient(c, d, a), d4 = orient(c, d, b);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (p: XY, q: XY, r: XY): boolean =>
    Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  return (d1 === 0 && on(a, b, c)) || (d2 === 0 && on(a, b, d)) || (d3 === 0 && on(c, d, a)) || (d4 === 0 && on(c, d, b));
}

// ---------------------------------------------------------------------------------------------
// The committees' figures

interface Draft {
  id: string;
  name: string;
  office: LuohuStreetOfficeFacts;
  merged: boolean;
  type: CommitteeType;
  population: number;
  households: number;
  areaTargetKm2: number;
  facility: Record<'office' | 'service' | 'plaza', { value: number; status: FacilityStatus }>;
  staff: number;
  partyMembers: number;
  committeeMembers: number;
  partyCommitteeMembers: number;
}

const FACILITY_FACT_KEYS = { office: 'office', service: 'publicService', plaza: 'outdoorPlaza' } as const;

function bracketsOf(profile: Record<string, number>): { bracket: Bracket; count: number }[] {
  return Object.entries(profile)
    .map(([key, count]) => ({ bracket: parseBracket(key), count }))
    .sort((a, b) => b.bracket.lo - a.bracket.lo);
}

function draftCommittees(facts: LuohuFacts, seed: number, householdSize: number): Draft[] {
  const rng = makeRng('figures', seed);
  const typeOf = (name: string): CommitteeType =>
    ENCLAVES.includes(name) ? 'enclave' : URBAN_VILLAGES.includes(name) ? 'urban-village' : UPSCALE.includes(name) ? 'upscale' : 'old-residential';

  const drafts: Draft[] = [];
  for (const office of facts.streetOffices) {
    const code = own(OFFICE_CODES, office.name);
    if (code === undefined) throw new Error(`generate: street office "${office.name}" has no id code`);
    const names = [...office.merge.flat(), ...office.keep];
    const mergedNames = new Set(office.merge.flat());
    names.forEach((name, i) => {
      drafts.push({
        id: `LH-${code}-${String(i + 1).padStart(2, '0')}`,
        name,
        office,
        merged: mergedNames.has(name),
        type: typeOf(name),
        population: 0,
        households: 0,
        areaTargetKm2: 0,
        facility: { office: { value: 0, status: 'hard' }, service: { value: 0, status: 'hard' }, plaza: { value: 0, status: 'hard' } },
        staff: 0,
        partyMembers: 0,
        committeeMembers: 0,
        partyCommitteeMembers: 0,
      });
    });
  }
  const profile = facts.currentSituation;

  // Types: the hand lists must match the seed's counts.
  for (const [key, count] of Object.entries(profile.byFunction)) {
    const type = own(TYPE_KEYS, key);
    const got = drafts.filter((d) => d.type === type).length;
    if (type === undefined || got !== count) throw new Error(`generate: type "${key}" has ${got} committees, the seed ${count}`);
  }

  // Population: kept committees tend to be the larger ones (the plan merged the small ones).
  const typePop: Record<CommitteeType, number> = { upscale: -0.2, 'old-residential': 0, 'urban-village': 0.25, enclave: -0.1 };
  const popScores = drafts.map((d) => (d.merged ? 0 : 1.4) + typePop[d.type] + 0.5 * normal(rng));
  const popBrackets = bracketsOf(profile.byPopulation);
  const popLabels = assignByRank(popScores, popBrackets.map((b) => ({ label: b.bracket, count: b.count })));
  drafts.forEach((d, i) => {
    const b = popLabels[i]!;
    const lo = Number.isFinite(b.lo) ? b.lo * 1.02 : 1800;
    const hi = Number.isFinite(b.hi) ? b.hi * 0.98 : b.lo * 1.6;
    d.population = Math.round(logUniform(rng, lo, hi));
  });
  // A planner following rule 1 does not merge above the band: where a published merge would exceed
  // it, its largest member trades populations with the largest kept committee that brings the merge
  // within the band (a permutation of the drawn values, so the bracket counts stay exact).
  const maxPop = HOUSEHOLD_MAX * householdSize;
  const key = (d: Draft): string => `${d.office.name}/${d.name}`;
  const byKey = new Map(drafts.map((d) => [key(d), d]));
  for (const o of facts.streetOffices) {
    for (const group of o.merge) {
      const members = group.map((n) => byKey.get(`${o.name}/${n}`)!);
      const sum = (): number => members.reduce((t, d) => t + d.population, 0);
      for (let round = 0; sum() > maxPop; round++) {
        if (round >= 2 * members.length) throw new Error(`generate: cannot bring the merge ${group.join('、')} within the band`);
        const big = members.reduce((a, b) => (b.population > a.population ? b : a));
        const room = maxPop - (sum() - big.population);
        const kept = drafts.filter((d) => !d.merged && d.population < big.population);
        const byPop = (a: Draft, b: Draft): number => a.population - b.population || (a.id < b.id ? -1 : 1);
        // The largest that fits, or else the smallest there is (and the next member trades too).
        const swap = kept.filter((d) => d.population <= room).sort(byPop).at(-1) ?? kept.sort(byPop)[0];
        if (swap === undefined) throw new Error(`generate: cannot bring the merge ${group.join('、')} within the band`);
        [big.population, swap.population] = [swap.population, big.population];
      }
    }
  }
  for (const d of drafts) d.households = Math.round(d.population / householdSize);

  // Land area: large where the land is (east, north), kept committees and enclaves larger.
  const typeArea: Record<CommitteeType, number> = { upscale: 0, 'old-residential': -0.1, 'urban-village': 0.15, enclave: 0.7 };
  const areaScores = drafts.map((d) => Math.log(own(OFFICE_LAND_KM2, d.office.name) ?? 0.3) + (d.merged ? 0 : 0.35) + typeArea[d.type] + 0.45 * normal(rng));
  const areaBrackets = bracketsOf(profile.byAreaKm2);
  const areaLabels = assignByRank(areaScores, areaBrackets.map((b) => ({ label: b.bracket, count: b.count })));
  let fixedSum = 0;
  const open: number[] = [];
  drafts.forEach((d, i) => {
    const b = areaLabels[i]!;
    if (!Number.isFinite(b.hi)) {
      open.push(i);
      return;
    }
    const lo = Number.isFinite(b.lo) ? b.lo * 1.07 : 0.05;
    d.areaTargetKm2 = logUniform(rng, lo, b.hi * 0.92);
    fixedSum += d.areaTargetKm2;
  });
  // The committees above the top bracket's edge share what is left of the district's area.
  let rest = DISTRICT_AREA_KM2 - fixedSum;
  const minTop = (areaBrackets[0]!.bracket.lo) * 1.1;
  const weights = new Map(open.map((i) => [i, Math.exp(1.5 * areaScores[i]! + 0.5 * normal(rng))]));
  for (;;) {
    const wsum = [...weights.values()].reduce((s, w) => s + w, 0);
    const small = [...weights].filter(([, w]) => (w / wsum) * rest < minTop);
    if (small.length === 0) {
      for (const [i, w] of weights) drafts[i]!.areaTargetKm2 = (w / wsum) * rest;
      break;
    }
    for (const [i] of small) {
      drafts[i]!.areaTargetKm2 = minTop;
      rest -= minTop;
      weights.delete(i);
    }
    if (weights.size === 0 || rest <= 0) throw new Error('generate: the district is too small for its large committees');
  }

  // Facilities: upscale and kept committees are better equipped; plazas need land.
  const typeFac: Record<CommitteeType, number> = { upscale: 0.6, 'old-residential': 0, 'urban-village': -0.3, enclave: -0.4 };
  for (const kind of ['office', 'service', 'plaza'] as const) {
    const f = profile.facilities[FACILITY_FACT_KEYS[kind]];
    const scores = drafts.map((d) => typeFac[d.type] + (d.merged ? 0 : 0.3) + (kind === 'plaza' ? 0.5 * Math.log(d.areaTargetKm2) : 0) + 0.6 * normal(rng));
    const labels = assignByRank<FacilityStatus>(scores, [
      { label: 'compliant', count: f.compliant },
      { label: 'within-year', count: f.compliantWithinYear },
      { label: 'hard', count: f.hardToComply },
    ]);
    const t = FACILITY_THRESHOLDS[kind];
    drafts.forEach((d, i) => {
      const status = labels[i]!;
      let value: number;
      if (status === 'compliant') value = t * (kind === 'plaza' ? logUniform(rng, 1.05, 8) : logUniform(rng, 1.05, 2.8));
      else if (status === 'within-year') value = t * uniform(rng, WITHIN_YEAR_SHARE * 1.1, 0.96);
      else value = kind === 'plaza' && rng() < 0.35 ? 0 : t * uniform(rng, 0.06, WITHIN_YEAR_SHARE * 0.9);
      d.facility[kind] = { value: Math.round(value), status };
    });
  }

  // People: staff, committee members and party committee members add up to the seed's totals.
  const staff = apportion(drafts.map((d) => d.households + 6000), profile.staff.stationStaffTotal);
  const members = apportion(drafts.map((d) => d.population + 40000), profile.staff.committeeMembers);
  drafts.forEach((d, i) => {
    d.staff = staff[i]!;
    d.committeeMembers = members[i]!;
    const share = d.type === 'urban-village' || d.type === 'enclave' ? uniform(rng, 0.006, 0.012) : uniform(rng, 0.01, 0.022);
    d.partyMembers = Math.round(d.population * share);
  });
  const partyCommittee = apportion(drafts.map((d) => d.partyMembers + 250), profile.staff.partyCommitteeMembers);
  drafts.forEach((d, i) => (d.partyCommitteeMembers = partyCommittee[i]!));
  return drafts;
}

// ---------------------------------------------------------------------------------------------
// Geometry

interface Territory {
  /** Outer ring (CCW) and at most one hole (CW), metres. */
  rings: XY[][];
}

function buildGeometry(drafts: readonly Draft[], facts: LuohuFacts, seed: number): Map<string, Territory> {
  const rng = makeRng('layout', seed);
  const byName = new Map(drafts.map((d) => [`${d.office.name}/${d.name}`, d]));
  const pocketShare = (d: Draft): number => (d.type === 'enclave' ? 0.025 : 0);
  const leaves = new Map<string, XY[]>();

  // Parts: committee ← station ← street office ← OFFICE_TREE.
  const committeePart = (d: Draft): Part => ({ weight: d.areaTargetKm2 * (1 + pocketShare(d)), fill: (p) => leaves.set(d.id, p) });
  const stationPart = (members: Draft[]): Part => {
    const parts = members.map(committeePart);
    return { weight: parts.reduce((s, p) => s + p.weight, 0), fill: (p) => partition(p, shuffle(parts, rng), rng) };
  };
  const officePart = (office: LuohuStreetOfficeFacts): Part => {
    const get = (n: string): Draft => byName.get(`${office.name}/${n}`)!;
    const stations = [...office.merge.map((g) => stationPart(g.map(get))), ...office.keep.map((n) => stationPart([get(n)]))];
    return { weight: stations.reduce((s, p) => s + p.weight, 0), fill: (p) => partition(p, shuffle(stations, rng), rng) };
  };
  const offices = new Map(facts.streetOffices.map((o) => [o.name, o]));
  const used = new Set<string>();
  const treePart = (node: OfficeTree | string): Part => {
    if (typeof node === 'string') {
      const o = offices.get(node);
      if (o === undefined) throw new Error(`generate: the office tree names "${node}", which the facts do not have`);
      used.add(node);
      return officePart(o);
    }
    const parts = node.children.map(treePart);
    return { weight: parts.reduce((s, p) => s + p.weight, 0), fill: (p) => partition(p, parts, rng, node.angle) };
  };
  const root = treePart(OFFICE_TREE);
  if (used.size !== offices.size) throw new Error('generate: the office tree does not place every street office');

  const outline0: XY[] = OUTLINE_KM.map(([x, y]) => [x * 1000, y * 1000]);
  const k = Math.sqrt((root.weight * 1e6) / ringAreaXY(outline0));
  root.fill(outline0.map(([x, y]) => [x * k, y * k]));

  // T-junctions: every vertex lying on an edge of a piece becomes a vertex of that piece too.
  const verts = new Map<string, XY>();
  for (const poly of leaves.values()) for (const p of poly) verts.set(keyXY(p), p);
  const allVerts = [...verts.values()];
  const rings = new Map<string, XY[]>();
  for (const [id, poly] of leaves) {
    const ring: XY[] = [];
    for (let i = 0; i < poly.length; i++) {
      const a = poly[i]!, b = poly[(i + 1) % poly.length]!;
      ring.push(a);
      const dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
      const len = Math.sqrt(len2);
      const inner: { t: number; p: XY }[] = [];
      for (const p of allVerts) {
        if (p === a || p === b) continue;
        const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
        if (t <= 1e-9 || t >= 1 - 1e-9) continue;
        if (Math.abs((p[0] - a[0]) * dy - (p[1] - a[1]) * dx) / len < 1e-6) inner.push({ t, p });
      }
      inner.sort((u, v) => u.t - v.t);
      for (const { p } of inner) ring.push(p);
    }
    rings.set(id, ring);
  }

  // Chords: the edges between consecutive vertices, each shared by one or two pieces.
  const width = new Map([...leaves].map(([id, p]) => [id, widthXY(p)]));
  interface Chord { a: XY; b: XY; pieces: string[]; scale: number; path: XY[] }
  const chords = new Map<string, Chord>();
  const chordKey = (a: XY, b: XY): [string, boolean] => {
    const ka = keyXY(a), kb = keyXY(b);
    return ka < kb ? [`${ka}|${kb}`, false] : [`${kb}|${ka}`, true];
  };
  for (const [id, ring] of rings) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!, b = ring[(i + 1) % ring.length]!;
      const [key, flipped] = chordKey(a, b);
      const c = chords.get(key);
      if (c === undefined) chords.set(key, { a: flipped ? b : a, b: flipped ? a : b, pieces: [id], scale: 1, path: [] });
      else if (c.pieces.length >= 2) throw new Error(`generate: edge ${key} is used by more than two committees`);
      else c.pieces.push(id);
    }
  }

  // Pockets (holes) of the enclaves: land of another jurisdiction inside the committee.
  const holes = new Map<string, XY[]>();
  for (const d of drafts) {
    if (d.type !== 'enclave') continue;
    const poly = leaves.get(d.id)!;
    const prng = makeRng(`pocket:${d.id}`, seed);
    const c = centroidXY(poly), w = width.get(d.id)!;
    const n = 9, start = prng() * 2 * Math.PI;
    const shape: XY[] = [];
    for (let i = 0; i < n; i++) {
      const ang = start - ((i + uniform(prng, -0.3, 0.3)) * 2 * Math.PI) / n; // clockwise
      const r = uniform(prng, 0.7, 1);
      shape.push([Math.cos(ang) * r, Math.sin(ang) * r]);
    }
    const unitArea = -ringAreaXY(shape);
    const want = Math.min(ringAreaXY(poly) - d.areaTargetKm2 * 1e6, Math.PI * (0.13 * w) ** 2 * 0.7);
    const s = Math.sqrt(want / unitArea);
    holes.set(d.id, shape.map(([x, y]) => [c[0] + x * s, c[1] + y * s]));
  }

  // Perturb every chord once, identically for both sides: area-neutral wiggles, zero at the ends.
  const perturb = (key: string, ch: Chord): XY[] => {
    const prng = makeRng(`edge:${key}`, seed);
    const dx = ch.b[0] - ch.a[0], dy = ch.b[1] - ch.a[1], len = Math.hypot(dx, dy);
    const n = Math.min(60, Math.max(2, Math.ceil(len / 45)));
    const coef = [1, 2, 3, 4, 5].map((h) => (prng() * 2 - 1) / h);
    const ts = Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
    const g = ts.map((t) => coef.reduce((s, a, h) => s + a * Math.sin((h + 1) * Math.PI * t), 0));
    const sumSin = ts.reduce((s, t) => s + Math.sin(Math.PI * t), 0);
    const corr = g.reduce((s, v) => s + v, 0) / sumSin;
    const g0 = g.map((v, i) => v - corr * Math.sin(Math.PI * ts[i]!));
    const gmax = Math.max(...g0.map(Math.abs), 1e-12);
    const wmin = Math.min(...ch.pieces.map((id) => width.get(id)!));
    const amp = Math.min(0.1 * len, 0.15 * wmin) * uniform(prng, 0.5, 1) * ch.scale;
    const nx = -dy / len, ny = dx / len;
    return [ch.a, ...ts.map((t, i): XY => {
      const off = (amp * g0[i]!) / gmax;
      return [ch.a[0] + t * dx + off * nx, ch.a[1] + t * dy + off * ny];
    }), ch.b];
  };
  // Then bend the whole map a little: a smooth divergence-free warp (areas change only to second
  // order) turns the straight cuts into gentle curves. It maps positions, so shared vertices stay
  // shared. Chords whose paths cross anything get half the wiggle, until nothing crosses.
  const warp = makeWarp(makeRng('warp', seed));
  const warped = new Map<XY, XY>();
  const w = (p: XY): XY => {
    let q = warped.get(p);
    if (q === undefined) {
      q = warp(p);
      warped.set(p, q);
    }
    return q;
  };
  const pockets = new Map([...holes].map(([id, h]) => [id, h.map(w)]));
  for (let round = 0; ; round++) {
    for (const [key, ch] of chords) ch.path = perturb(key, ch).map(w);
    const crossing = findCrossings(chords, pockets);
    if (crossing.size === 0) break;
    if (round >= 12) throw new Error(`generate: ${crossing.size} edges still cross after ${round} rounds`);
    for (const key of crossing) chords.get(key)!.scale *= 0.5;
  }

  const out = new Map<string, Territory>();
  for (const [id, ring] of rings) {
    const outer: XY[] = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!, b = ring[(i + 1) % ring.length]!;
      const [key, flipped] = chordKey(a, b);
      const path = chords.get(key)!.path;
      const seq = flipped ? path.slice().reverse() : path;
      for (let j = 0; j < seq.length - 1; j++) outer.push(seq[j]!);
    }
    const hole = pockets.get(id);
    out.set(id, { rings: hole === undefined ? [outer] : [outer, hole] });
  }
  return out;
}

/**
 * A smooth, divergence-free displacement field (from a stream function of three random modes with
 * wavelengths of 6–11 km and displacements of up to ~220 m each).
 */
function makeWarp(rng: () => number): (p: XY) => XY {
  const modes = [0, 1, 2].map(() => {
    const k = (2 * Math.PI) / uniform(rng, 6000, 11000), l = (2 * Math.PI) / uniform(rng, 6000, 11000);
    const disp = uniform(rng, 140, 220);
    return { k, l, a: disp / Math.max(k, l), phi: rng() * 2 * Math.PI, chi: rng() * 2 * Math.PI };
  });
  return ([x, y]) => {
    let dx = 0, dy = 0;
    for (const m of modes) {
      dx += m.a * m.l * Math.sin(m.k * x + m.phi) * Math.cos(m.l * y + m.chi);
      dy -= m.a * m.k * Math.cos(m.k * x + m.phi) * Math.sin(m.l * y + m.chi);
    }
    return [x + dx, y + dy];
  };
}

/** Keys of chords whose perturbed paths cross another path or a pocket (uniform grid search). */
function findCrossings(chords: Map<string, { path: XY[] }>, holes: Map<string, XY[]>): Set<string> {
  interface Seg { a: XY; b: XY; owner: string }
  const segs: Seg[] = [];
  for (const [key, ch] of chords) for (let i = 0; i < ch.path.length - 1; i++) segs.push({ a: ch.path[i]!, b: ch.path[i + 1]!, owner: key });
  for (const [id, h] of holes) for (let i = 0; i < h.length; i++) segs.push({ a: h[i]!, b: h[(i + 1) % h.length]!, owner: `hole:${id}` });
  const cell = 150;
  const grid = new Map<string, number[]>();
  segs.forEach((s, i) => {
    const x0 = Math.floor(Math.min(s.a[0], s.b[0]) / cell), x1 = Math.floor(Math.max(s.a[0], s.b[0]) / cell);
    const y0 = Math.floor(Math.min(s.a[1], s.b[1]) / cell), y1 = Math.floor(Math.max(s.a[1], s.b[1]) / cell);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) {
      const k = `${x},${y}`;
      const list = grid.get(k);
      if (list === undefined) grid.set(k, [i]);
      else list.push(i);
    }
  });
  const bad = new Set<string>();
  for (const list of grid.values()) {
    for (let p = 0; p < list.length; p++) for (let q = p + 1; q < list.length; q++) {
      const s = segs[list[p]!]!, t = segs[list[q]!]!;
      if (s.a === t.a || s.a === t.b || s.b === t.a || s.b === t.b) continue;
      if (segmentsMeet(s.a, s.b, t.a, t.b)) {
        for (const o of [s.owner, t.owner]) if (!o.startsWith('hole:')) bad.add(o);
      }
    }
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// Output

export interface CalibrationRow { what: string; seed: number; dataset: number }

export interface LuohuDataset {
  /** committees.geojson, as written (one feature per line, trailing newline). */
  geojsonText: string;
  /** plan-2006.json, as written. */
  planText: string;
  plan: HandPlan;
  calibration: CalibrationRow[];
  /** The published plan's stations against the household band: under / in / over. */
  band: { under: number; in: number; over: number; stations: number };
  /** Least relative distance of any committee's population / area to a bracket edge. */
  margins: { population: number; area: number };
}

export interface GenerateOptions {
  /** Seed of every random draw. [LUOHU_SEED] */
  seed?: number;
  /** Persons per household. [HOUSEHOLD_SIZE] */
  householdSize?: number;
}

const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Generates the Luohu 2006 dataset from the seed's facts. Pure: same facts and options, same bytes.
 *
 * @param facts the seed's facts (scenarios/luohu-2006/facts.json)
 * @param [options.seed=LUOHU_SEED] seed of every random draw
 * @param [options.householdSize=HOUSEHOLD_SIZE] persons per resident household
 * @returns the file texts, the plan, the calibration table and the household band of the plan
 * @example const { geojsonText } = generateLuohu2006(facts);
 */
export function generateLuohu2006(facts: LuohuFacts, options: GenerateOptions = {}): LuohuDataset {
  const seed = options.seed ?? LUOHU_SEED;
  const householdSize = options.householdSize ?? HOUSEHOLD_SIZE;
  const drafts = draftCommittees(facts, seed, householdSize);
  const territories = buildGeometry(drafts, facts, seed);

  // Metres → lon/lat, scaled once so that the geodesic total (as @turf/area measures it) is the district's.
  const proj = makeLocalProjection(ORIGIN);
  const toGeo = (s: number) => (t: Territory): [number, number][][] =>
    t.rings.map((r) => {
      const ring = r.map(([x, y]): [number, number] => {
        const [lon, lat] = proj.inverse([x * s, y * s]);
        return [round(lon, 7), round(lat, 7)];
      });
      return [...ring, ring[0]!];
    });
  const areaOf = (rings: [number, number][][]): number => turfArea({ type: 'Polygon', coordinates: rings });
  const total1 = drafts.reduce((sum, d) => sum + areaOf(toGeo(1)(territories.get(d.id)!)), 0);
  const scale = Math.sqrt((DISTRICT_AREA_KM2 * 1e6) / total1);
  const geometry = new Map(drafts.map((d) => [d.id, toGeo(scale)(territories.get(d.id)!)]));

  for (const [id, rings] of geometry) for (const ring of rings) for (const [lon, lat] of ring) {
    if (lon < LUOHU_EXTENT.minLon || lon > LUOHU_EXTENT.maxLon || lat < LUOHU_EXTENT.minLat || lat > LUOHU_EXTENT.maxLat) {
      throw new Error(`generate: committee ${id} leaves Luohu's extent at [${lon}, ${lat}]`);
    }
  }

  const features = drafts.map((d) => {
    const rings = geometry.get(d.id)!;
    return {
      type: 'Feature',
      properties: {
        id: d.id,
        name: d.name,
        streetOffice: d.office.name,
        streetOfficePinyin: d.office.pinyin,
        type: d.type,
        population: d.population,
        households: d.households,
        areaKm2: round(areaOf(rings) / 1e6, 4),
        office: d.facility.office.value,
        service: d.facility.service.value,
        plaza: d.facility.plaza.value,
        // 年内可达标: the area once this year's works are done (no draw, so the rest stays as it was)
        ...plannedAreas(d.facility),
        facilityStatus: { office: d.facility.office.status, service: d.facility.service.status, plaza: d.facility.plaza.status },
        staff: d.staff,
        partyMembers: d.partyMembers,
        committeeMembers: d.committeeMembers,
        partyCommitteeMembers: d.partyCommitteeMembers,
        merged2006: d.merged,
      },
      geometry: { type: 'Polygon', coordinates: rings },
    };
  });
  const header = { type: 'FeatureCollection', name: 'luohu-2006' };
  const geojsonText = `${JSON.stringify(header).slice(0, -1)},"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;

  const plan: HandPlan = { name: PLAN_NAME, stations: facts.streetOffices.flatMap((o) => o.merge.map((g) => g.slice())) };
  const planText = `{\n  "name": ${JSON.stringify(plan.name)},\n  "stations": [\n${plan.stations.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]\n}\n`;

  // Calibration: recount every profile figure from the data as written.
  const calibration: CalibrationRow[] = [];
  const p = facts.currentSituation;
  for (const [key, count] of Object.entries(p.byFunction)) {
    calibration.push({ what: `type ${own(TYPE_KEYS, key)}`, seed: count, dataset: drafts.filter((d) => d.type === own(TYPE_KEYS, key)).length });
  }
  const popB = Object.keys(p.byPopulation).map(parseBracket);
  for (const b of popB) calibration.push({ what: `population ${b.key}`, seed: p.byPopulation[b.key]!, dataset: drafts.filter((d) => findBracket(d.population, popB) === b.key).length });
  const areaB = Object.keys(p.byAreaKm2).map(parseBracket);
  for (const b of areaB) {
    calibration.push({ what: `area km² ${b.key}`, seed: p.byAreaKm2[b.key]!, dataset: features.filter((f) => findBracket(areaOf(f.geometry.coordinates) / 1e6, areaB) === b.key).length });
  }
  for (const kind of ['office', 'service', 'plaza'] as const) {
    const f = p.facilities[FACILITY_FACT_KEYS[kind]];
    const count = (s: FacilityStatus): number => drafts.filter((d) => classifyFacility(d.facility[kind].value, FACILITY_THRESHOLDS[kind]) === s).length;
    calibration.push({ what: `${kind} compliant`, seed: f.compliant, dataset: count('compliant') });
    calibration.push({ what: `${kind} within-year`, seed: f.compliantWithinYear, dataset: count('within-year') });
    calibration.push({ what: `${kind} hard`, seed: f.hardToComply, dataset: count('hard') });
  }
  calibration.push({ what: 'staff total', seed: p.staff.stationStaffTotal, dataset: drafts.reduce((s, d) => s + d.staff, 0) });
  calibration.push({ what: 'committee members', seed: p.staff.committeeMembers, dataset: drafts.reduce((s, d) => s + d.committeeMembers, 0) });
  calibration.push({ what: 'party committee members', seed: p.staff.partyCommitteeMembers, dataset: drafts.reduce((s, d) => s + d.partyCommitteeMembers, 0) });
  calibration.push({ what: 'area km² (x1000)', seed: DISTRICT_AREA_KM2 * 1000, dataset: Math.round(features.reduce((s, f) => s + areaOf(f.geometry.coordinates), 0) / 1000) });
  const edges = (bs: Bracket[]): number[] => bs.flatMap((b) => [b.lo, b.hi]).filter(Number.isFinite);
  const margin = (values: number[], bs: Bracket[]): number =>
    Math.min(...values.flatMap((v) => edges(bs).map((e) => Math.abs(v - e) / e)));
  const margins = {
    population: margin(drafts.map((d) => d.population), popB),
    area: margin(features.map((f) => areaOf(f.geometry.coordinates) / 1e6), areaB),
  };
  const bad = calibration.filter((r) => r.seed !== r.dataset);
  if (bad.length > 0) throw new Error(`generate: calibration missed ${bad.map((r) => `${r.what} ${r.dataset}≠${r.seed}`).join(', ')}`);

  // The published stations against the household band.
  const hh = new Map(drafts.map((d) => [`${d.office.name}/${d.name}`, d.households]));
  const band = { under: 0, in: 0, over: 0, stations: 0 };
  for (const o of facts.streetOffices) {
    for (const g of [...o.merge, ...o.keep.map((n) => [n])]) {
      const h = g.reduce((s, n) => s + hh.get(`${o.name}/${n}`)!, 0);
      band.stations++;
      if (h < 6000) band.under++;
      else if (h > 10000) band.over++;
      else band.in++;
    }
  }
  return { geojsonText, planText, plan, calibration, band, margins };
}

/** The directory of this package (scenarios/luohu-2006). */
export const LUOHU_DIR = dirname(fileURLToPath(import.meta.url));

function main(): void {
  const shared = join(LUOHU_DIR, '../../../shared/data/luohu-2006-facts.json');
  const local = join(LUOHU_DIR, 'facts.json');
  const source = existsSync(shared) ? shared : local;
  const factsText = readFileSync(source, 'utf8');
  const facts = JSON.parse(factsText) as LuohuFacts;
  const t0 = performance.now();
  const out = generateLuohu2006(facts);
  const ms = performance.now() - t0;
  if (source !== local) writeFileSync(local, factsText);
  writeFileSync(join(LUOHU_DIR, 'committees.geojson'), out.geojsonText);
  writeFileSync(join(LUOHU_DIR, 'plan-2006.json'), out.planText);
  console.log(`facts: ${source}`);
  console.log(`${'profile figure'.padEnd(26)} ${'seed'.padStart(6)} ${'dataset'.padStart(8)}`);
  for (const r of out.calibration) console.log(`${r.what.padEnd(26)} ${String(r.seed).padStart(6)} ${String(r.dataset).padStart(8)}`);
  console.log(`published stations vs 6000–10000 households (size ${HOUSEHOLD_SIZE}): under ${out.band.under}, in ${out.band.in}, over ${out.band.over} of ${out.band.stations}`);
  console.log(`least distance to a bracket edge: population ${(100 * out.margins.population).toFixed(1)} %, area ${(100 * out.margins.area).toFixed(1)} %`);
  console.log(`wrote committees.geojson (${(out.geojsonText.length / 1024).toFixed(0)} KiB), plan-2006.json in ${ms.toFixed(0)} ms`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
