import { describe, expect, it } from 'vitest';
import { generateDistrict, type CommitteeFeature, type DistrictCollection } from '../bench/generate/district.js';
import { LUOHU_PROFILE } from '../bench/generate/figures.js';
import { makeAdjacency } from '../geo/adjacency.js';
import { makeLocalProjection } from '../geo/distance.js';
import { readCommittees } from '../geo/ingest.js';
import type { Position } from '../geo/types.js';

// ---------- small independent geometry checks (no generator code) ----------

const ringOf = (f: CommitteeFeature): Position[] => f.geometry.coordinates[0]![0]!;
const key = (p: Position): string => `${p[0]},${p[1]}`;

function signedArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}

function orient(a: Position, b: Position, c: Position): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) return true;
  const on = (p: Position, q: Position, r: Position): boolean =>
    orient(p, q, r) === 0 && Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  return on(a, b, c) || on(a, b, d) || on(c, d, a) || on(c, d, b);
}

/** Problems of one ring: not closed, too short, repeated vertex, clockwise, self-intersection. */
function ringProblems(ring: Position[]): string[] {
  const out: string[] = [];
  if (ring.length < 4) out.push('fewer than 4 positions');
  if (key(ring[0]!) !== key(ring[ring.length - 1]!)) out.push('not closed');
  if (new Set(ring.slice(0, -1).map(key)).size !== ring.length - 1) out.push('repeated vertex');
  if (!(signedArea(ring) > 0)) out.push('not counter-clockwise');
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing vertex
      if (segmentsCross(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) out.push(`edges ${i} and ${j} intersect`);
    }
  }
  return out;
}

function pointInRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const a = ring[i]!, b = ring[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

interface Topology {
  /** Shared border length (m) between committees by index. */
  border: Map<number, Map<number, number>>;
  /** Committees sharing at least one vertex. */
  touch: Map<number, Set<number>>;
  /** Directed edges found twice (overlap) or matched inside one committee. */
  badEdges: number;
  /** Edges with no twin, as [from, to]. */
  open: Array<[Position, Position]>;
}

function topology(d: DistrictCollection): Topology {
  const proj = makeLocalProjection([114.05, 22.55]);
  const owner = new Map<string, number>();
  let badEdges = 0;
  d.features.forEach((f, i) => {
    const r = ringOf(f);
    for (let k = 0; k + 1 < r.length; k++) {
      const e = `${key(r[k]!)}>${key(r[k + 1]!)}`;
      if (owner.has(e)) badEdges++;
      owner.set(e, i);
    }
  });
  const border = new Map<number, Map<number, number>>();
  const open: Array<[Position, Position]> = [];
  d.features.forEach((f, i) => {
    const r = ringOf(f);
    for (let k = 0; k + 1 < r.length; k++) {
      const j = owner.get(`${key(r[k + 1]!)}>${key(r[k]!)}`);
      if (j === undefined) { open.push([r[k]!, r[k + 1]!]); continue; }
      if (j === i) { badEdges++; continue; }
      const [x0, y0] = proj.forward(r[k]!), [x1, y1] = proj.forward(r[k + 1]!);
      const m = border.get(i) ?? new Map<number, number>();
      m.set(j, (m.get(j) ?? 0) + Math.hypot(x1 - x0, y1 - y0));
      border.set(i, m);
    }
  });
  const byVertex = new Map<string, number[]>();
  d.features.forEach((f, i) => {
    for (const p of ringOf(f).slice(0, -1)) {
      const list = byVertex.get(key(p)) ?? [];
      list.push(i);
      byVertex.set(key(p), list);
    }
  });
  const touch = new Map<number, Set<number>>();
  for (const list of byVertex.values()) {
    for (const a of list) for (const b of list) if (a !== b) (touch.get(a) ?? touch.set(a, new Set()).get(a)!).add(b);
  }
  return { border, touch, badEdges, open };
}

/** Components of the unmatched (outline) edges, with the signed area each encloses. */
function outlineLoops(open: Array<[Position, Position]>): number[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [a, b] of open) {
    for (const p of [a, b]) if (!parent.has(key(p))) parent.set(key(p), key(p));
    parent.set(find(key(a)), find(key(b)));
  }
  const area = new Map<string, number>();
  for (const [a, b] of open) {
    const r = find(key(a));
    area.set(r, (area.get(r) ?? 0) + (a[0] * b[1] - b[0] * a[1]) / 2);
  }
  return [...area.values()];
}

function offices(d: DistrictCollection): Map<string, number[]> {
  const m = new Map<string, number[]>();
  d.features.forEach((f, i) => {
    const list = m.get(f.properties.streetOffice) ?? [];
    list.push(i);
    m.set(f.properties.streetOffice, list);
  });
  return m;
}

const d700 = generateDistrict({ committees: 700, seed: 1 });
const topo700 = topology(d700);

describe('generateDistrict: determinism and format', () => {
  it('gives byte-identical JSON for equal options and different JSON for another seed', () => {
    const again = generateDistrict({ committees: 700, seed: 1 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(d700));
    expect(JSON.stringify(generateDistrict({ committees: 700, seed: 2 }))).not.toBe(JSON.stringify(d700));
  });

  it('does not mutate the options object', () => {
    const options = { committees: 50, seed: 3, streetOfficeSize: [5, 60] as [number, number] };
    const copy = structuredClone(options);
    generateDistrict(options);
    expect(options).toEqual(copy);
  });

  it('emits exactly n committees with unique ids and names and only the Committee fields', () => {
    expect(d700.type).toBe('FeatureCollection');
    expect(d700.features).toHaveLength(700);
    const ids = d700.features.map((f) => f.properties.id);
    expect(new Set(ids).size).toBe(700);
    expect(new Set(d700.features.map((f) => f.properties.name)).size).toBe(700);
    const required = ['id', 'name', 'streetOffice', 'households', 'population', 'type', 'office', 'service', 'plaza', 'staff', 'partyMembers'];
    for (const f of d700.features) {
      const p = f.properties;
      const keys = Object.keys(p);
      expect(keys.slice(0, required.length)).toEqual(required);
      expect(keys.slice(required.length).every((k) => k === 'station' || k === 'selfContained')).toBe(true);
      expect(['upscale', 'old-residential', 'urban-village', 'enclave']).toContain(p.type);
      for (const k of ['households', 'population', 'office', 'service', 'plaza', 'staff', 'partyMembers'] as const) {
        expect(Number.isInteger(p[k]) && p[k] >= 0).toBe(true);
      }
      expect(p.name).toMatch(/^[\u4e00-\u9fff]{2,3}\d*$/);
      expect(f.geometry.type).toBe('MultiPolygon');
      for (const [lon, lat] of ringOf(f)) {
        expect(Math.round(lon * 1e6) / 1e6).toBe(lon);
        expect(Math.round(lat * 1e6) / 1e6).toBe(lat);
      }
    }
  });

  it('centres the district on the origin', () => {
    const d = generateDistrict({ committees: 200, seed: 4, origin: [116.4, 39.9] });
    const all = d.features.flatMap(ringOf);
    const lon = all.reduce((s, p) => s + p[0], 0) / all.length;
    const lat = all.reduce((s, p) => s + p[1], 0) / all.length;
    expect(Math.abs(lon - 116.4)).toBeLessThan(0.1);
    expect(Math.abs(lat - 39.9)).toBeLessThan(0.1);
  });

  it('refuses bad options with a message naming the field', () => {
    expect(() => generateDistrict({ committees: 0, seed: 1 })).toThrow(/options\.committees/);
    expect(() => generateDistrict({ committees: 10.5, seed: 1 })).toThrow(/options\.committees/);
    expect(() => generateDistrict({ committees: 10, seed: Number.NaN })).toThrow(/options\.seed/);
    expect(() => generateDistrict({ committees: 10, seed: 1, streetOfficeSize: [9, 3] })).toThrow(/options\.streetOfficeSize/);
    expect(() => generateDistrict({ committees: 10, seed: 1, enclaves: 2 })).toThrow(/options\.enclaves/);
    expect(() => generateDistrict({ committees: 10, seed: 1, origin: [500, 0] })).toThrow(/options\.origin/);
  });

  it('works for tiny districts', () => {
    for (const n of [1, 2, 7, 30]) {
      const d = generateDistrict({ committees: n, seed: 5 });
      expect(d.features).toHaveLength(n);
      for (const f of d.features) expect(ringProblems(ringOf(f))).toEqual([]);
    }
  });
});

describe('generateDistrict: geometry', () => {
  it('gives every committee one valid ring: closed, counter-clockwise, simple', () => {
    const bad = d700.features.map((f) => [f.properties.id, ringProblems(ringOf(f))] as const).filter(([, p]) => p.length > 0);
    expect(bad).toEqual([]);
  });

  it('shares borders exactly: every edge is used once per direction and matched edges belong to two committees', () => {
    expect(topo700.badEdges).toBe(0);
    // most edges are shared: only the coast and lakes are open
    const total = d700.features.reduce((s, f) => s + ringOf(f).length - 1, 0);
    expect(topo700.open.length / total).toBeLessThan(0.2);
  });

  it('has no vertex lying inside another committee\'s edge (no T-junction left unmatched)', () => {
    const cell = 0.004;
    const grid = new Map<string, Array<[Position, Position, number]>>();
    d700.features.forEach((f, i) => {
      const r = ringOf(f);
      for (let k = 0; k + 1 < r.length; k++) {
        const a = r[k]!, b = r[k + 1]!;
        for (let gx = Math.floor(Math.min(a[0], b[0]) / cell); gx <= Math.floor(Math.max(a[0], b[0]) / cell); gx++) {
          for (let gy = Math.floor(Math.min(a[1], b[1]) / cell); gy <= Math.floor(Math.max(a[1], b[1]) / cell); gy++) {
            const g = `${gx},${gy}`;
            (grid.get(g) ?? grid.set(g, []).get(g)!).push([a, b, i]);
          }
        }
      }
    });
    let hits = 0;
    d700.features.forEach((f, i) => {
      for (const p of ringOf(f)) {
        for (const [a, b, j] of grid.get(`${Math.floor(p[0] / cell)},${Math.floor(p[1] / cell)}`) ?? []) {
          if (j === i || key(p) === key(a) || key(p) === key(b)) continue;
          const dx = b[0] - a[0], dy = b[1] - a[1];
          const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy);
          if (t <= 0 || t >= 1) continue;
          const dist = Math.abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / Math.hypot(dx, dy);
          if (dist < 2e-6) hits++; // ≈ 0.2 m
        }
      }
    });
    expect(hits).toBe(0);
  });

  it('leaves no gaps: the outline is one outer loop plus, per island, its own ring and one lake', () => {
    const islands = d700.features.filter((_, i) => !topo700.touch.has(i)).length;
    expect(islands).toBe(Math.round(700 * 0.01));
    const loops = outlineLoops(topo700.open);
    expect(loops.filter((a) => a > 0)).toHaveLength(1 + islands);
    expect(loops.filter((a) => a < 0)).toHaveLength(islands);
  });

  it('has no overlaps: sampled points fall in at most one committee', () => {
    const boxes = d700.features.map((f) => {
      const r = ringOf(f);
      return [Math.min(...r.map((p) => p[0])), Math.min(...r.map((p) => p[1])), Math.max(...r.map((p) => p[0])), Math.max(...r.map((p) => p[1]))];
    });
    const [x0, y0, x1, y1] = [Math.min(...boxes.map((b) => b[0]!)), Math.min(...boxes.map((b) => b[1]!)), Math.max(...boxes.map((b) => b[2]!)), Math.max(...boxes.map((b) => b[3]!))];
    let seed = 12345;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    let inside = 0;
    for (let s = 0; s < 3000; s++) {
      const p: Position = [x0! + rnd() * (x1! - x0!), y0! + rnd() * (y1! - y0!)];
      let count = 0;
      d700.features.forEach((f, i) => {
        const b = boxes[i]!;
        if (p[0] >= b[0]! && p[0] <= b[2]! && p[1] >= b[1]! && p[1] <= b[3]! && pointInRing(p, ringOf(f))) count++;
      });
      expect(count).toBeLessThanOrEqual(1);
      if (count === 1) inside++;
    }
    expect(inside).toBeGreaterThan(1000);
  });

  it('has areas like Luohu: 0.05–5 km² except islands, most 0.1–1 km²', () => {
    const proj = makeLocalProjection([114.05, 22.55]);
    const areas = d700.features
      .filter((_, i) => topo700.touch.has(i))
      .map((f) => signedArea(ringOf(f).map((p) => proj.forward(p) as Position)) / 1e6);
    expect(areas.filter((a) => a < 0.03 || a > 6)).toEqual([]);
    const mid = areas.filter((a) => a >= 0.1 && a <= 1).length / areas.length;
    expect(mid).toBeGreaterThan(0.5);
  });
});

describe('generateDistrict: street offices, enclaves, islands, shared stations', () => {
  it('keeps every street office within [5, 60] and contiguous except for its enclaves and islands', () => {
    let enclaves = 0;
    for (const [name, members] of offices(d700)) {
      expect(members.length, name).toBeGreaterThanOrEqual(5);
      expect(members.length, name).toBeLessThanOrEqual(60);
      const own = new Set(members);
      // components over borders of at least 20 m (geo's default minimum)
      const seen = new Set<number>();
      const components: number[][] = [];
      for (const m of members) {
        if (seen.has(m)) continue;
        const comp = [m];
        seen.add(m);
        for (let h = 0; h < comp.length; h++) {
          for (const [j, len] of topo700.border.get(comp[h]!) ?? []) {
            if (own.has(j) && len >= 20 && !seen.has(j)) { seen.add(j); comp.push(j); }
          }
        }
        components.push(comp);
      }
      components.sort((a, b) => b.length - a.length);
      for (const comp of components.slice(1)) {
        // a detached piece is one committee touching nobody of its office
        expect(comp).toHaveLength(1);
        const c = comp[0]!;
        expect([...(topo700.touch.get(c) ?? [])].some((j) => own.has(j)), d700.features[c]!.properties.id).toBe(false);
        if (topo700.touch.has(c)) {
          enclaves++;
          expect(d700.features[c]!.properties.type).toBe('enclave');
        }
      }
    }
    expect(enclaves).toBeGreaterThanOrEqual(Math.round(700 * 0.03 * 0.8));
    expect(enclaves).toBeLessThanOrEqual(Math.round(700 * 0.03));
  });

  it('honours another street office size range', () => {
    const d = generateDistrict({ committees: 600, seed: 9, streetOfficeSize: [10, 20], enclaves: 0.05 });
    for (const [name, members] of offices(d)) {
      expect(members.length, name).toBeGreaterThanOrEqual(10);
      expect(members.length, name).toBeLessThanOrEqual(20);
    }
  });

  it('gives existing shared stations to pairs of neighbours of one street office', () => {
    const byStation = new Map<string, number[]>();
    d700.features.forEach((f, i) => {
      if (f.properties.station !== undefined) (byStation.get(f.properties.station) ?? byStation.set(f.properties.station, []).get(f.properties.station)!).push(i);
    });
    expect(byStation.size).toBe(Math.round((700 * 0.02) / 2));
    for (const [, [a, b, ...rest]] of byStation) {
      expect(rest).toHaveLength(0);
      expect(d700.features[a!]!.properties.streetOffice).toBe(d700.features[b!]!.properties.streetOffice);
      expect(topo700.border.get(a!)?.get(b!) ?? 0).toBeGreaterThanOrEqual(20);
    }
  });
});

describe('generateDistrict: other seeds', () => {
  it('keeps the invariants for several seeds and sizes', () => {
    for (const [n, seed] of [[90, 21], [250, 22], [250, 23], [400, 24], [1200, 25]] as const) {
      const d = generateDistrict({ committees: n, seed });
      const t = topology(d);
      const label = `n=${n} seed=${seed}`;
      expect(d.features, label).toHaveLength(n);
      expect(d.features.filter((f) => ringProblems(ringOf(f)).length > 0), label).toEqual([]);
      expect(t.badEdges, label).toBe(0);
      const islands = d.features.filter((_, i) => !t.touch.has(i)).length;
      expect(islands, label).toBe(Math.round(n * 0.01));
      const loops = outlineLoops(t.open);
      expect(loops.filter((a) => a > 0), label).toHaveLength(1 + islands);
      expect(loops.filter((a) => a < 0), label).toHaveLength(islands);
      for (const [name, members] of offices(d)) {
        expect(members.length, `${label} ${name}`).toBeGreaterThanOrEqual(5);
        expect(members.length, `${label} ${name}`).toBeLessThanOrEqual(60);
      }
    }
  });
});

describe('generateDistrict: read back by geo/', () => {
  it('passes readCommittees without a problem, and geo adjacency sees the islands and enclaves', () => {
    const report = readCommittees(JSON.parse(JSON.stringify(d700)));
    expect(report.problems).toEqual([]);
    const committees = report.dataset!.committees;
    const graph = makeAdjacency(committees);
    const byId = new Map(committees.map((c) => [c.id, c]));
    const isolated = committees.filter((c) => (graph.border.get(c.id)?.size ?? 0) === 0).map((c) => c.id);
    const expectedIslands = d700.features.filter((_, i) => !topo700.touch.has(i)).map((f) => f.properties.id);
    expect(isolated.sort()).toEqual(expectedIslands.sort());
    const lonely = committees.filter((c) => ![...(graph.border.get(c.id)?.keys() ?? [])].some((o) => byId.get(o)!.streetOffice === c.streetOffice));
    expect(lonely).toHaveLength(expectedIslands.length + Math.round(700 * 0.03));
  });
});

describe('generateDistrict: figures like Luohu 2006 (n = 5,000)', () => {
  const n = 5000;
  const d = generateDistrict({ committees: n, seed: 11 });
  const props = d.features.map((f) => f.properties);
  const share = (k: number): number => k / n;
  const luohu = (k: number): number => k / LUOHU_PROFILE.committees;

  it('matches the population brackets and households = population / 2.6', () => {
    const bounds = [0, 5000, 10000, 15000, 20000, Infinity];
    const counts = [9, 44, 30, 16, 16];
    counts.forEach((c, i) => {
      const k = props.filter((p) => p.population >= bounds[i]! && p.population < bounds[i + 1]!).length;
      expect(Math.abs(share(k) - luohu(c))).toBeLessThan(0.01);
    });
    for (const p of props) expect(p.households).toBe(Math.round(p.population / 2.6));
  });

  it('matches the community types and the facility compliance rates', () => {
    for (const [type, c] of Object.entries(LUOHU_PROFILE.types)) {
      expect(Math.abs(share(props.filter((p) => p.type === type).length) - luohu(c))).toBeLessThan(0.01);
    }
    expect(Math.abs(share(props.filter((p) => p.office >= 200).length) - luohu(46))).toBeLessThan(0.01);
    expect(Math.abs(share(props.filter((p) => p.service >= 900).length) - luohu(47))).toBeLessThan(0.01);
    expect(Math.abs(share(props.filter((p) => p.plaza >= 1000).length) - luohu(55))).toBeLessThan(0.01);
  });

  it('scales the station staff total (653 per 115) and keeps party members in [20, 300]', () => {
    expect(props.reduce((s, p) => s + p.staff, 0)).toBe(Math.round((n * 653) / 115));
    expect(props.every((p) => p.staff >= 2)).toBe(true);
    expect(props.every((p) => p.partyMembers >= 20 && p.partyMembers <= 300)).toBe(true);
    const selfContained = props.filter((p) => p.selfContained);
    expect(selfContained.length).toBeGreaterThan(0);
    expect(selfContained.length / n).toBeLessThan(0.05);
    expect(selfContained.every((p) => p.households > 10000)).toBe(true);
  });

  it('has areas in Luohu\'s brackets within a few points', () => {
    const proj = makeLocalProjection([114.05, 22.55]);
    const areas = d.features.map((f) => signedArea(ringOf(f).map((p) => proj.forward(p) as Position)) / 1e6);
    const bounds = [0, 0.2, 0.5, 1, 2, Infinity];
    [39, 31, 20, 17, 8].forEach((c, i) => {
      const k = areas.filter((a) => a >= bounds[i]! && a < bounds[i + 1]!).length;
      expect(Math.abs(share(k) - luohu(c))).toBeLessThan(0.06);
    });
  });

  it('has street offices of 5–60 committees, about 12 on average', () => {
    const sizes = [...offices(d).values()].map((m) => m.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(60);
    expect(n / sizes.length).toBeGreaterThan(9);
    expect(n / sizes.length).toBeLessThan(16);
  });
});
