/**
 * The built-in Luohu 2006 dataset: every count of seed 004's profile recomputed from the committed
 * file, its topology (no gaps, no overlaps, shared borders with identical vertices), the published
 * merges between neighbours, and byte-for-byte regeneration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { area as turfArea } from '@turf/turf';
import { calcDistanceMeters, EARTH_RADIUS_M } from '../geo/distance.js';
import { makeAdjacency } from '../geo/adjacency.js';
import type { Committee, MultiPolygonCoords, Position } from '../geo/types.js';
import type { HandPlan } from '../solver/types.js';
import { DEFAULT_RULES } from '../scenarios/defaults.js';
import {
  FACILITY_THRESHOLDS, HOUSEHOLD_SIZE, LUOHU_DIR, LUOHU_EXTENT, TYPE_KEYS, WITHIN_YEAR_SHARE,
  findBracket, generateLuohu2006, parseBracket, type LuohuFacts,
} from '../scenarios/luohu-2006/generate.js';

interface Props {
  id: string; name: string; streetOffice: string; streetOfficePinyin: string; type: string;
  population: number; households: number; office: number; service: number; plaza: number;
  facilityStatus: Record<'office' | 'service' | 'plaza', string>;
  staff: number; partyMembers: number; committeeMembers: number; partyCommitteeMembers: number;
  [k: string]: unknown;
}
interface Feature { type: 'Feature'; properties: Props; geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } }

const read = (f: string): string => readFileSync(join(LUOHU_DIR, f), 'utf8');
const geojsonText = read('committees.geojson');
const fc = JSON.parse(geojsonText) as { type: string; features: Feature[] };
const facts = JSON.parse(read('facts.json')) as LuohuFacts;
const plan = JSON.parse(read('plan-2006.json')) as HandPlan;
const profile = facts.currentSituation;

const polygonsOf = (f: Feature): MultiPolygonCoords =>
  f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Position[][]] : (f.geometry.coordinates as MultiPolygonCoords);
/** Geodesic area (m²) as @turf/area measures it (radius 6,378,137 m). */
const areaTurf = (f: Feature): number => turfArea({ type: 'MultiPolygon', coordinates: polygonsOf(f) });
/** The same on the project's sphere (EARTH_RADIUS_M), which differs by a constant factor. */
const areaProject = (f: Feature): number => areaTurf(f) * (EARTH_RADIUS_M / 6_378_137) ** 2;
const shoelace = (ring: Position[]): number => {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
};
const key = (p: Position): string => `${p[0]},${p[1]}`;
const countBy = <T>(items: readonly T[], f: (t: T) => string | undefined): Map<string, number> => {
  const m = new Map<string, number>();
  for (const t of items) {
    const k = f(t);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};
const expectCounts = (got: Map<string, number>, want: Record<string, number>): void => {
  expect(Object.fromEntries([...got].filter(([, v]) => v > 0))).toEqual(Object.fromEntries(Object.entries(want).filter(([, v]) => v > 0)));
};

/** Undirected edges between identical consecutive vertices: which rings use them, in which direction. */
interface EdgeUse { a: Position; b: Position; uses: { feature: number; forward: boolean; hole: boolean }[] }
function collectEdges(features: readonly Feature[]): Map<string, EdgeUse> {
  const edges = new Map<string, EdgeUse>();
  features.forEach((f, fi) => {
    for (const poly of polygonsOf(f)) {
      poly.forEach((ring, ri) => {
        for (let i = 0; i < ring.length - 1; i++) {
          const a = ring[i]!, b = ring[i + 1]!;
          const ka = key(a), kb = key(b);
          const forward = ka < kb;
          const k = forward ? `${ka}|${kb}` : `${kb}|${ka}`;
          const e = edges.get(k) ?? { a: forward ? a : b, b: forward ? b : a, uses: [] };
          e.uses.push({ feature: fi, forward, hole: ri > 0 });
          edges.set(k, e);
        }
      });
    }
  });
  return edges;
}
const edges = collectEdges(fc.features);

/** Shared border length (m) of each pair of features, from identical consecutive vertex pairs. */
function sharedBorders(): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of edges.values()) {
    if (e.uses.length !== 2) continue;
    const [i, j] = [e.uses[0]!.feature, e.uses[1]!.feature].sort((x, y) => x - y) as [number, number];
    const k = `${i}|${j}`;
    out.set(k, (out.get(k) ?? 0) + calcDistanceMeters(e.a, e.b));
  }
  return out;
}
const borders = sharedBorders();
const indexByName = new Map(fc.features.map((f, i) => [`${f.properties.streetOffice}/${f.properties.name}`, i]));
const borderOf = (i: number, j: number): number => borders.get(i < j ? `${i}|${j}` : `${j}|${i}`) ?? 0;

function isConnected(nodes: readonly number[], linked: (i: number, j: number) => boolean): boolean {
  const seen = new Set([nodes[0]!]);
  const stack = [nodes[0]!];
  while (stack.length > 0) {
    const i = stack.pop()!;
    for (const j of nodes) if (!seen.has(j) && linked(i, j)) { seen.add(j); stack.push(j); }
  }
  return seen.size === nodes.length;
}

describe('bracket helpers', () => {
  it('reads the facts keys as [lo, hi) and places edge values in the higher bracket', () => {
    const bs = ['>20000', '15000-20000', '<5000'].map(parseBracket);
    expect(findBracket(20000, bs)).toBe('>20000');
    expect(findBracket(19999, bs)).toBe('15000-20000');
    expect(findBracket(4999, bs)).toBe('<5000');
    expect(findBracket(5000, bs)).toBeUndefined();
    expect(() => parseBracket('lots')).toThrow(/lots/);
  });
});

describe('luohu-2006 committees: names and offices', () => {
  it('has one feature per committee with the real names in the real street offices', () => {
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(facts.before.committees);
    for (const o of facts.streetOffices) {
      const got = fc.features.filter((f) => f.properties.streetOffice === o.name);
      expect(got.map((f) => f.properties.name).sort()).toEqual([...o.merge.flat(), ...o.keep].sort());
      expect(got).toHaveLength(o.before);
      for (const f of got) expect(f.properties.streetOfficePinyin).toBe(o.pinyin);
    }
  });

  it('has unique ids of the documented form and no station or selfContained property', () => {
    const ids = fc.features.map((f) => f.properties.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of fc.features) {
      expect(f.properties.id).toMatch(/^LH-[A-Z]{2,3}-\d{2}$/);
      expect(Object.hasOwn(f.properties, 'station')).toBe(false);
      expect(Object.hasOwn(f.properties, 'selfContained')).toBe(false);
    }
  });
});

describe('luohu-2006 committees: the profile of seed 004', () => {
  it('counts community types exactly', () => {
    const want: Record<string, number> = {};
    for (const [k, v] of Object.entries(profile.byFunction)) { expect(Object.hasOwn(TYPE_KEYS, k)).toBe(true); want[TYPE_KEYS[k]!] = v; }
    expectCounts(countBy(fc.features, (f) => f.properties.type), want);
  });

  it('counts population brackets exactly, and households follow from the household size', () => {
    const bs = Object.keys(profile.byPopulation).map(parseBracket);
    expectCounts(countBy(fc.features, (f) => findBracket(f.properties.population, bs)), profile.byPopulation);
    for (const f of fc.features) {
      expect(Number.isInteger(f.properties.population)).toBe(true);
      expect(f.properties.households).toBe(Math.round(f.properties.population / HOUSEHOLD_SIZE));
    }
  });

  it('keeps every published merge within the household maximum; kept stations are larger on average', () => {
    const hh = new Map(fc.features.map((f) => [`${f.properties.streetOffice}/${f.properties.name}`, f.properties.households]));
    const merged: number[] = [], kept: number[] = [];
    for (const o of facts.streetOffices) {
      for (const g of o.merge) {
        const total = g.reduce((s, n) => s + hh.get(`${o.name}/${n}`)!, 0);
        expect(total, g.join('、')).toBeLessThanOrEqual(DEFAULT_RULES.households.max);
        for (const n of g) merged.push(hh.get(`${o.name}/${n}`)!);
      }
      for (const n of o.keep) kept.push(hh.get(`${o.name}/${n}`)!);
    }
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(kept)).toBeGreaterThan(mean(merged));
  });

  it('counts area brackets exactly from the polygons, on either earth radius', () => {
    const bs = Object.keys(profile.byAreaKm2).map(parseBracket);
    expectCounts(countBy(fc.features, (f) => findBracket(areaTurf(f) / 1e6, bs)), profile.byAreaKm2);
    expectCounts(countBy(fc.features, (f) => findBracket(areaProject(f) / 1e6, bs)), profile.byAreaKm2);
  });

  it('covers 78.8 km² in total (±1 %)', () => {
    for (const measure of [areaTurf, areaProject]) {
      const total = fc.features.reduce((s, f) => s + measure(f), 0) / 1e6;
      expect(Math.abs(total - 78.8) / 78.8).toBeLessThan(0.01);
    }
  });

  it('counts facility status exactly against 200 / 900 / 1,000 m², and the status agrees with the area', () => {
    const keys = { office: 'office', service: 'publicService', plaza: 'outdoorPlaza' } as const;
    for (const kind of ['office', 'service', 'plaza'] as const) {
      const t = FACILITY_THRESHOLDS[kind];
      const status = (v: number): string => (v >= t ? 'compliant' : v >= WITHIN_YEAR_SHARE * t ? 'within-year' : 'hard');
      const f = profile.facilities[keys[kind]];
      const want = { compliant: f.compliant, 'within-year': f.compliantWithinYear, hard: f.hardToComply };
      expectCounts(countBy(fc.features, (c) => status(c.properties[kind])), want);
      expectCounts(countBy(fc.features, (c) => c.properties.facilityStatus[kind]), want);
      for (const c of fc.features) expect(c.properties.facilityStatus[kind]).toBe(status(c.properties[kind]));
    }
  });

  it('has 653 station staff, 670 committee members and 459 party committee members in total', () => {
    const sum = (k: keyof Props): number => fc.features.reduce((s, f) => s + (f.properties[k] as number), 0);
    expect(sum('staff')).toBe(profile.staff.stationStaffTotal);
    expect(sum('committeeMembers')).toBe(profile.staff.committeeMembers);
    expect(sum('partyCommitteeMembers')).toBe(profile.staff.partyCommitteeMembers);
    for (const f of fc.features) {
      expect(f.properties.staff).toBeGreaterThanOrEqual(1);
      expect(f.properties.partyMembers).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('luohu-2006 committees: geometry', () => {
  it('is RFC 7946: closed rings, outer counter-clockwise, holes clockwise, inside Luohu', () => {
    for (const f of fc.features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      for (const poly of polygonsOf(f)) {
        poly.forEach((ring, ri) => {
          expect(key(ring[0]!)).toBe(key(ring[ring.length - 1]!));
          expect(Math.sign(shoelace(ring))).toBe(ri === 0 ? 1 : -1);
          for (const [lon, lat] of ring) {
            expect(lon >= LUOHU_EXTENT.minLon && lon <= LUOHU_EXTENT.maxLon && lat >= LUOHU_EXTENT.minLat && lat <= LUOHU_EXTENT.maxLat).toBe(true);
          }
        });
      }
    }
  });

  it('has no overlaps: shared edges are used by two committees in opposite directions and no edges cross', () => {
    for (const e of edges.values()) {
      expect(e.uses.length).toBeLessThanOrEqual(2);
      if (e.uses.length === 2) {
        expect(e.uses[0]!.feature).not.toBe(e.uses[1]!.feature);
        expect(e.uses[0]!.forward).not.toBe(e.uses[1]!.forward);
      }
    }
    // Any two edges meet only at common vertices (uniform grid of ~200 m cells).
    const list = [...edges.values()];
    const cell = 0.002;
    const grid = new Map<string, number[]>();
    list.forEach((e, i) => {
      for (let x = Math.floor(Math.min(e.a[0], e.b[0]) / cell); x <= Math.floor(Math.max(e.a[0], e.b[0]) / cell); x++) {
        for (let y = Math.floor(Math.min(e.a[1], e.b[1]) / cell); y <= Math.floor(Math.max(e.a[1], e.b[1]) / cell); y++) {
          const k = `${x},${y}`;
          grid.set(k, [...(grid.get(k) ?? []), i]);
        }
      }
    });
    const orient = (a: Position, b: Position, c: Position): number => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    let crossings = 0;
    for (const ids of grid.values()) {
      for (let p = 0; p < ids.length; p++) for (let q = p + 1; q < ids.length; q++) {
        const s = list[ids[p]!]!, t = list[ids[q]!]!;
        const shared = [s.a, s.b].some((u) => key(u) === key(t.a) || key(u) === key(t.b));
        if (shared) continue;
        const d1 = orient(s.a, s.b, t.a), d2 = orient(s.a, s.b, t.b), d3 = orient(t.a, t.b, s.a), d4 = orient(t.a, t.b, s.b);
        if (d1 * d2 <= 0 && d3 * d4 <= 0) crossings++;
      }
    }
    expect(crossings).toBe(0);
  });

  it('has no gaps: the edges used once form the district outline plus one pocket per enclave', () => {
    const once = [...edges.values()].filter((e) => e.uses.length === 1);
    // Walk the loops of edges used once.
    const next = new Map<string, string[]>();
    for (const e of once) {
      next.set(key(e.a), [...(next.get(key(e.a)) ?? []), key(e.b)]);
      next.set(key(e.b), [...(next.get(key(e.b)) ?? []), key(e.a)]);
    }
    for (const n of next.values()) expect(n).toHaveLength(2);
    const seen = new Set<string>();
    let loops = 0;
    for (const start of next.keys()) {
      if (seen.has(start)) continue;
      loops++;
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) for (const n of next.get(stack.pop()!)!) if (!seen.has(n)) { seen.add(n); stack.push(n); }
    }
    const holes = fc.features.reduce((s, f) => s + polygonsOf(f).reduce((t, p) => t + p.length - 1, 0), 0);
    const enclaves = fc.features.filter((f) => f.properties.type === 'enclave').length;
    expect(holes).toBe(enclaves);
    expect(loops).toBe(1 + holes);
    // Every hole edge is used once: a pocket of another jurisdiction, not another committee.
    for (const e of edges.values()) if (e.uses.some((u) => u.hole)) expect(e.uses).toHaveLength(1);
  });

  it('keeps each street office one contiguous territory', () => {
    for (const o of facts.streetOffices) {
      const idx = fc.features.flatMap((f, i) => (f.properties.streetOffice === o.name ? [i] : []));
      expect(isConnected(idx, (i, j) => borderOf(i, j) >= 20)).toBe(true);
    }
  });

  it('puts every published merge between neighbours sharing at least 100 m of border', () => {
    for (const o of facts.streetOffices) {
      for (const group of o.merge) {
        const idx = group.map((n) => indexByName.get(`${o.name}/${n}`)!);
        expect(isConnected(idx, (i, j) => borderOf(i, j) >= 100)).toBe(true);
        if (group.length === 2) expect(borderOf(idx[0]!, idx[1]!)).toBeGreaterThanOrEqual(100);
      }
    }
  });

  it('agrees with makeAdjacency on the published merges', () => {
    const committees: Committee[] = fc.features.map((f) => ({
      id: f.properties.id, name: f.properties.name, streetOffice: f.properties.streetOffice,
      households: f.properties.households, geometry: polygonsOf(f),
    }));
    const g = makeAdjacency(committees);
    for (const o of facts.streetOffices) {
      for (const group of o.merge) {
        const ids = group.map((n) => committees[indexByName.get(`${o.name}/${n}`)!]!.id);
        expect(isConnected(ids.map((_, i) => i), (i, j) => (g.border.get(ids[i]!)?.get(ids[j]!) ?? 0) >= 100)).toBe(true);
      }
    }
  });
});

describe('luohu-2006 package files', () => {
  it('ships the published plan: the merges of the facts, 115 stations becoming 83', () => {
    expect(plan.name).toContain('2006');
    expect(plan.stations).toEqual(facts.streetOffices.flatMap((o) => o.merge));
    const names = new Set(fc.features.map((f) => f.properties.name));
    for (const s of plan.stations) for (const n of s) expect(names.has(n)).toBe(true);
    const after = fc.features.length - plan.stations.reduce((s, g) => s + g.length - 1, 0);
    expect(after).toBe(facts.after.stations);
  });

  it('has a scenario file naming the dataset and the title of its 方案', () => {
    const sc = JSON.parse(read('scenario.json')) as { name: string; dataset: string };
    expect(sc).toEqual({ name: 'luohu-2006', dataset: 'committees.geojson', document: { title: '罗湖区社区工作站整合方案', district: '罗湖区' } });
  });

  it('carries a copy of the shared facts', () => {
    const shared = join(LUOHU_DIR, '../../../shared/data/luohu-2006-facts.json');
    if (!existsSync(shared)) return;
    expect(JSON.parse(readFileSync(shared, 'utf8'))).toEqual(facts);
  });

  it('regenerates byte for byte from the facts, and a different seed gives a different map', () => {
    const out = generateLuohu2006(facts);
    expect(out.geojsonText).toBe(geojsonText);
    expect(out.planText).toBe(read('plan-2006.json'));
    expect(out.calibration.every((r) => r.seed === r.dataset)).toBe(true);
    const other = generateLuohu2006(facts, { seed: 7 });
    expect(other.geojsonText).not.toBe(geojsonText);
  });
});
