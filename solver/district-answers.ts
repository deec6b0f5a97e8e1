/**
 * The answers of a whole plan from those of its street offices (solver/answers.ts): street offices
 * are independent, so
 * - the district's K best plans are the K least sums of one ranked plan per office (a K-best
 *   merge: a heap of rank choices, each popped choice pushing its one-office successors);
 * - a district total of stations is a resource allocation: each office's optimum as a function of
 *   its station count, then a dynamic program over the offices (a knapsack of exact size);
 * - regrets and lock prices are per office, summed for a lock that names several.
 */
import type { Member } from './station.js';
import {
  DISTRICT_TOTAL_KEY, type Alternative, type AlternativesReport, type LockPrice, type PlanSummary, type RankedPlan,
  type Scenario, type SolveResult, type StationsTotalReport, type Violation,
} from './types.js';

/** What these functions read of the pipeline's PlanContext. */
export interface AnswerContext {
  scenario: Scenario;
  offices: readonly string[];
  byOffice: ReadonlyMap<string, readonly Member[]>;
}

export interface DistrictTotalOutcome {
  /** The results, with the offices the allocation changed replaced by their plan of the chosen count. */
  results: Map<string, SolveResult>;
  /** Offices whose plan changed. */
  changed: Set<string>;
  report?: StationsTotalReport;
  violation?: Violation;
}

/**
 * Applies `rules.stations["*"]`: the least-cost choice of one station count per street office
 * (offices named in `rules.stations` keep theirs) adding up to the total, from each office's
 * optimum per count (`answers.byCount`). Without a total, the results as they are.
 */
export function applyDistrictTotal(ctx: AnswerContext, given: ReadonlyMap<string, SolveResult>): DistrictTotalOutcome {
  const results = new Map(given);
  const changed = new Set<string>();
  const stations = ctx.scenario.rules.stations;
  if (stations === undefined || !Object.hasOwn(stations, DISTRICT_TOTAL_KEY)) return { results, changed };
  const requested = stations[DISTRICT_TOTAL_KEY]!;
  const fail = (status: 'infeasible' | 'time_limit', reason: string, extra: Partial<StationsTotalReport> = {}): DistrictTotalOutcome => ({
    results, changed,
    report: { requested, status, reason, ...extra },
    // `infeasible`, as a street office's own count that cannot be met (the API answers 422)
    violation: { rule: status === 'infeasible' ? 'infeasible' : 'station-total', severity: 'fatal', message: `rules.stations "${DISTRICT_TOTAL_KEY}": ${reason}` },
  });
  // each office's options: (count, plan)
  const options: { office: string; plans: (RankedPlan & { count: number })[] }[] = [];
  for (const office of ctx.offices) {
    const r = results.get(office);
    if (!r || r.groups.length === 0) return fail('infeasible', `street office ${office} has no plan, so no total can be met`);
    if (Object.hasOwn(stations, office)) {
      options.push({ office, plans: [{ groups: r.groups, objective: r.objective, count: r.groups.length }] });
      continue;
    }
    const byCount = r.answers?.byCount;
    if (!byCount || !byCount.complete) {
      return fail('time_limit', `the optimum per station count of street office ${office} is not known (${byCount?.reason ?? 'not computed: the time limit was reached first'})`);
    }
    options.push({ office, plans: byCount.plans });
  }
  const min = options.reduce((s, o) => s + Math.min(...o.plans.map((p) => p.count)), 0);
  const max = options.reduce((s, o) => s + Math.max(...o.plans.map((p) => p.count)), 0);
  if (requested < min || requested > max) {
    return fail('infeasible', `no plan has ${requested} stations in all: the street offices in scope can have from ${min} to ${max} stations in all`, { min, max });
  }
  // best[t]: least cost of the offices so far with t stations; pick[k][t]: the plan office k takes
  let best = new Float64Array(requested + 1).fill(Infinity);
  best[0] = 0;
  const pick: Int32Array[] = [];
  for (const o of options) {
    const next = new Float64Array(requested + 1).fill(Infinity);
    const choice = new Int32Array(requested + 1).fill(-1);
    for (let t = 0; t <= requested; t++) {
      if (best[t] === Infinity) continue;
      o.plans.forEach((p, j) => {
        const u = t + p.count;
        if (u > requested) return;
        const v = best[t]! + p.objective;
        if (v < next[u]!) { next[u] = v; choice[u] = j; }
      });
    }
    pick.push(choice);
    best = next;
  }
  if (best[requested] === Infinity) return fail('infeasible', `no choice of station counts per street office adds up to ${requested}`, { min, max });
  const byOffice: Record<string, number> = {};
  let t = requested;
  for (let k = options.length - 1; k >= 0; k--) {
    const o = options[k]!;
    const plan = o.plans[pick[k]![t]!]!;
    byOffice[o.office] = plan.count;
    t -= plan.count;
    const r = results.get(o.office)!;
    if (plan.count !== r.groups.length) {
      changed.add(o.office);
      const why = 'not computed: the district total changed this street office\'s plan (regrets and lock prices are of its free plan)';
      const answers = r.answers && {
        ...r.answers,
        ...(r.answers.regret ? { regret: plan.groups.map(() => ({ value: null, reason: why })) } : {}),
        ...(r.answers.locks ? { locks: r.answers.locks.map((l) => ({ ...l, value: null, reason: why })) } : {}),
      };
      results.set(o.office, {
        ...r, ...(answers ? { answers } : {}), status: 'optimal', groups: plan.groups.map((g) => g.slice()), objective: plan.objective, bound: plan.objective, gap: 0,
        notes: [...(r.notes ?? []), `street office ${o.office}: ${plan.count} stations, allocated by the district total of ${requested}`],
      });
    }
  }
  return { results, changed, report: { requested, status: 'optimal', min, max, byOffice } };
}

const idsKey = (ids: readonly string[]): string => [...ids].sort().join('\u0000');

/**
 * The K best plans of the district from each office's ranked plans (a K-best merge over
 * independent lists). A list cut short by the clock bounds what is proven: a merged plan is
 * listed only while no unknown plan of such an office could be cheaper.
 */
export function mergeAlternatives(ctx: AnswerContext, results: ReadonlyMap<string, SolveResult>, summary: PlanSummary, k: number): AlternativesReport {
  const reasons: string[] = [];
  const report = (plans: Alternative[], complete: boolean): AlternativesReport => ({ requested: k, complete, reasons, plans });
  if (Object.hasOwn(ctx.scenario.rules.stations ?? {}, DISTRICT_TOTAL_KEY)) {
    reasons.push(`alternatives are not computed under a district total (rules.stations "${DISTRICT_TOTAL_KEY}")`);
    return report([], false);
  }
  const lists = ctx.offices.map((office) => {
    const r = results.get(office);
    const alt = r?.answers?.alternatives;
    return { office, plans: alt?.plans ?? [], exhausted: alt?.exhausted ?? false, reason: alt?.reason };
  });
  for (const l of lists) {
    if (l.plans.length === 0) reasons.push(`street office ${l.office}: ${l.reason ?? 'no ranked plans (the time limit was reached first)'}`);
  }
  if (lists.some((l) => l.plans.length === 0)) return report([], false);
  const baseTotal = lists.reduce((s, l) => s + l.plans[0]!.objective, 0);
  // an office whose list stopped short: its unknown plans cost at least its last known one
  let limit = Infinity;
  for (const l of lists) {
    if (l.exhausted || l.plans.length >= k) continue;
    reasons.push(`street office ${l.office}: ${l.reason ?? 'ranking stopped'}`);
    limit = Math.min(limit, baseTotal + l.plans[l.plans.length - 1]!.objective - l.plans[0]!.objective);
  }
  const movable = lists.map((l, i) => i).filter((i) => lists[i]!.plans.length > 1);
  interface Choice { ranks: Map<number, number>; cost: number }
  const keyOfChoice = (c: Choice): string => [...c.ranks].sort((a, b) => a[0] - b[0]).map(([i, r]) => `${i}:${r}`).join(',');
  const open: Choice[] = [{ ranks: new Map(), cost: baseTotal }];
  const seen = new Set<string>([keyOfChoice(open[0]!)]);
  const chosen: Choice[] = [];
  let complete = true;
  while (chosen.length < k && open.length > 0) {
    let at = 0;
    for (let j = 1; j < open.length; j++) if (open[j]!.cost < open[at]!.cost) at = j;
    const c = open.splice(at, 1)[0]!;
    if (c.cost > limit + 1e-9) { complete = false; break; }
    chosen.push(c);
    for (const i of movable) {
      const r = (c.ranks.get(i) ?? 0) + 1;
      const l = lists[i]!;
      if (r >= l.plans.length) continue;
      const ranks = new Map(c.ranks);
      ranks.set(i, r);
      const next = { ranks, cost: c.cost - l.plans[r - 1]!.objective + l.plans[r]!.objective };
      const key = keyOfChoice(next);
      if (!seen.has(key)) { seen.add(key); open.push(next); }
    }
  }
  if (chosen.length < k && open.length === 0 && lists.some((l) => !l.exhausted && l.plans.length < k)) complete = false;
  const stationOf = new Map(summary.streetOffices.flatMap((o) => o.stations).map((s) => [idsKey(s.committeeIds), s]));
  const plans = chosen.map((c, rank): Alternative => {
    const differences: Alternative['differences'] = [];
    let stationsAfter = summary.stationsAfter;
    for (const [i, r] of [...c.ranks].sort((a, b) => a[0] - b[0])) {
      if (r === 0) continue;
      const l = lists[i]!;
      const members = ctx.byOffice.get(l.office) ?? [];
      const ids = (g: readonly number[]): string[] => g.map((j) => members[j]!.committee.id);
      const best = new Set(l.plans[0]!.groups.map((g) => idsKey(ids(g))));
      const alt = new Set(l.plans[r]!.groups.map((g) => idsKey(ids(g))));
      stationsAfter += l.plans[r]!.groups.length - l.plans[0]!.groups.length;
      differences.push({
        streetOffice: l.office,
        removed: l.plans[0]!.groups.filter((g) => !alt.has(idsKey(ids(g)))).map((g) => {
          const s = stationOf.get(idsKey(ids(g)));
          return { id: s?.id ?? ids(g).join('+'), committees: g.map((j) => members[j]!.committee.name) };
        }),
        added: l.plans[r]!.groups.filter((g) => !best.has(idsKey(ids(g)))).map((g) => ({
          committees: g.map((j) => members[j]!.committee.name),
          committeeIds: ids(g),
          households: g.reduce((s, j) => s + members[j]!.committee.households, 0),
        })),
      });
    }
    return { rank: rank + 1, objective: c.cost, delta: c.cost - baseTotal, status: 'optimal', gap: 0, stationsAfter, checked: true, differences };
  });
  if (chosen.length >= k) reasons.length = 0;
  return report(plans, complete || chosen.length >= k);
}

/** The price of each lock: the per-office prices summed (null when any office's is). */
function sumLockPrices(ctx: AnswerContext, results: ReadonlyMap<string, SolveResult>): LockPrice[] {
  const nameOf = new Map<string, string>();
  for (const members of ctx.byOffice.values()) for (const m of members) nameOf.set(m.committee.id, m.committee.name);
  const byLock = new Map<string, LockPrice>();
  for (const office of ctx.offices) {
    for (const l of results.get(office)?.answers?.locks ?? []) {
      const key = `${l.kind}:${l.index}`;
      const lock = ctx.scenario.locks[l.kind];
      const ids = l.kind === 'keep' ? [lock[l.index] as string] : (lock[l.index] as string[]);
      const seen = byLock.get(key) ?? { kind: l.kind, index: l.index, committees: ids.map((id) => nameOf.get(id) ?? id), price: 0 };
      if (seen.price !== null && l.value !== null) seen.price += l.value;
      else if (seen.price !== null) { seen.price = null; seen.reason = `street office ${office}: ${l.reason ?? 'not computed'}`; }
      byLock.set(key, seen);
    }
  }
  const order = { together: 0, separate: 1, keep: 2 } as const;
  return [...byLock.values()].sort((a, b) => order[a.kind] - order[b.kind] || a.index - b.index);
}

/**
 * The summary with the answers the scenario asked for: `regret` on each station, `lockPrices`,
 * `alternatives`, `stationsTotal` (and its violation). A new summary; the given one is not changed.
 */
export function addAnswersToSummary(ctx: AnswerContext, given: PlanSummary, results: ReadonlyMap<string, SolveResult>, total?: DistrictTotalOutcome): PlanSummary {
  const summary: PlanSummary = structuredClone(given);
  const solver = ctx.scenario.solver;
  if (solver?.regret === true) {
    for (const office of summary.streetOffices) {
      const r = results.get(office.name);
      const members = ctx.byOffice.get(office.name) ?? [];
      const regretOf = new Map<string, { value: number | null; reason?: string }>();
      r?.groups.forEach((g, i) => {
        const v = r.answers?.regret?.[i];
        regretOf.set(idsKey(g.map((j) => members[j]!.committee.id)), v ?? { value: null, reason: 'not computed (the time limit was reached first)' });
      });
      for (const s of office.stations) {
        const v = regretOf.get(idsKey(s.committeeIds)) ?? { value: null, reason: 'not computed' };
        s.regret = v.value;
        if (v.value === null) s.regretReason = v.reason ?? 'not computed';
      }
    }
    summary.lockPrices = sumLockPrices(ctx, results);
  }
  if ((solver?.alternatives ?? 0) > 1) summary.alternatives = mergeAlternatives(ctx, results, summary, Math.floor(solver!.alternatives!));
  if (total?.report) {
    summary.stationsTotal = total.report;
    if (total.violation) {
      summary.checks.violations.unshift(total.violation);
      summary.solver.status = total.report.status === 'time_limit' ? 'time_limit' : 'infeasible';
    }
  }
  return summary;
}
