/**
 * The figures of generated committees, calibrated to Luohu's profile before the 2006 merge
 * (seed 004, /work/shared/data/luohu-2006-facts.json "currentSituation"): population brackets,
 * community types and facility compliance are met exactly by apportionment (largest remainder),
 * then dealt out in a seeded random order; the station staff total scales 653 per 115.
 */
import type { Committee, CommitteeType } from '../../geo/types.js';
import { apportion, intBetween, shuffled, type Random } from './random.js';

/** Luohu 2006, 115 committees. */
export const LUOHU_PROFILE = {
  committees: 115,
  /** [lo, hi) population and count: <5000 9, 5000–10000 44, 10000–15000 30, 15000–20000 16, >20000 16. */
  population: [
    { lo: 1500, hi: 5000, count: 9 },
    { lo: 5000, hi: 10000, count: 44 },
    { lo: 10000, hi: 15000, count: 30 },
    { lo: 15000, hi: 20000, count: 16 },
    { lo: 20000, hi: 40000, count: 16 },
  ],
  types: { upscale: 24, 'old-residential': 57, 'urban-village': 24, enclave: 10 } as Record<CommitteeType, number>,
  /** Committees meeting office ≥ 200 m², service ≥ 900 m², plaza ≥ 1000 m². */
  compliant: { office: 46, service: 47, plaza: 55 },
  staffTotal: 653,
  personsPerHousehold: 2.6,
} as const;

/** The figures of one generated committee: the `Committee` fields the generator always sets. */
export type GeneratedFigures = Required<Pick<Committee, 'households' | 'population' | 'type' | 'office' | 'service' | 'plaza' | 'staff' | 'partyMembers'>> & {
  selfContained: boolean;
};

/**
 * Figures for `n` committees. `enclave[i]` marks committees that are enclaves on the map: they
 * get the type `enclave` first; the rest of the type quota goes to others at random.
 */
export function makeFigures(n: number, enclave: readonly boolean[], rng: Random): GeneratedFigures[] {
  const p = LUOHU_PROFILE;
  // population: exact bracket counts, dealt at random
  const popCounts = apportion(p.population.map((b) => b.count), n);
  const pops: number[] = [];
  p.population.forEach((b, i) => {
    for (let k = 0; k < popCounts[i]!; k++) {
      // the top bracket thins out towards its upper end
      const u = i === p.population.length - 1 ? rng() ** 2 : rng();
      pops.push(Math.floor(b.lo + u * (b.hi - b.lo)));
    }
  });
  const population = shuffled(pops, rng);
  const households = population.map((x) => Math.round(x / p.personsPerHousehold));

  // types: map enclaves first, then the remaining quota
  const typeNames = Object.keys(p.types) as CommitteeType[];
  const typeCounts = apportion(typeNames.map((t) => p.types[t]), n);
  const onMap = enclave.filter(Boolean).length;
  const enclaveIdx = typeNames.indexOf('enclave');
  const extraEnclaves = Math.max(0, typeCounts[enclaveIdx]! - onMap);
  const others = typeNames.filter((t) => t !== 'enclave');
  const otherCounts = apportion(others.map((t) => p.types[t]), n - onMap - extraEnclaves);
  const pool: CommitteeType[] = [];
  for (let k = 0; k < extraEnclaves; k++) pool.push('enclave');
  others.forEach((t, i) => { for (let k = 0; k < otherCounts[i]!; k++) pool.push(t); });
  const dealt = shuffled(pool, rng);
  let next = 0;
  const types = enclave.map((e) => (e ? 'enclave' : dealt[next++]!));

  // facilities: exact compliance counts
  const facility = (count: number, pass: [number, number], fail: [number, number], zeroShare: number): number[] => {
    const k = Math.round((n * count) / p.committees);
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i < k) values.push(intBetween(rng, pass[0], pass[1]));
      else values.push(rng() < zeroShare ? 0 : intBetween(rng, fail[0], fail[1]));
    }
    return shuffled(values, rng);
  };
  const office = facility(p.compliant.office, [200, 600], [40, 199], 0);
  const service = facility(p.compliant.service, [900, 3000], [80, 899], 0.05);
  const plaza = facility(p.compliant.plaza, [1000, 6000], [100, 999], 0.35);

  // staff: proportional to households^0.7, at least 2, summing to 653 per 115 committees
  const staffTotal = Math.round((n * p.staffTotal) / p.committees);
  const weights = households.map((h) => Math.max(1, h) ** 0.7);
  const staff = apportion(weights, Math.max(0, staffTotal - 2 * n)).map((s) => s + 2);

  return population.map((pop, i) => ({
    households: households[i]!,
    population: pop,
    type: types[i]!,
    office: office[i]!,
    service: service[i]!,
    plaza: plaza[i]!,
    staff: staff[i]!,
    partyMembers: Math.min(300, Math.max(20, Math.round((pop / 40000) * 280 * (0.6 + 0.8 * rng())))),
    selfContained: households[i]! > 10000 && rng() < 0.3,
  }));
}
