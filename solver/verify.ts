/**
 * The independent checker: recomputes every constraint of a plan from the raw input
 * (committees, their `station` fields, the graph by id, the rules and the locks). It shares no
 * code with the candidate enumeration or the integer program, on purpose.
 */
import type { Problem } from './types.js';

function hasEdge(problem: Problem, a: string, b: string): boolean {
  const { border, links } = problem.graph;
  return border.get(a)?.has(b) === true || border.get(b)?.has(a) === true ||
    links.get(a)?.has(b) === true || links.get(b)?.has(a) === true;
}

/** Committees (indices) sharing each committee's current station, by the raw `station` field. */
function existingStation(problem: Problem, i: number): number[] {
  const s = problem.committees[i]!.station;
  if (s === undefined || s === '') return [i];
  const out: number[] = [];
  problem.committees.forEach((c, j) => { if (c.station === s) out.push(j); });
  return out;
}

/**
 * Violations of one would-be station `members` (committee indices) on its own: whole existing
 * stations, connectivity, committee cap, household maximum, separate / keep / self-contained
 * locks. A group that is exactly one existing station is always admissible (except for a
 * separate lock naming two of its committees). Together locks concern the whole plan and are
 * checked by `verifyPartition`. Empty when the group is admissible.
 */
export function checkGroup(problem: Problem, members: readonly number[]): string[] {
  const out: string[] = [];
  const { committees, scenario } = problem;
  const label = (i: number): string => `${committees[i]!.name} (${committees[i]!.id})`;
  const inS = new Set(members);
  const tag = `station [${members.map(label).join(', ')}]`;
  if (members.length === 0) return [`an empty station`];
  if (inS.size !== members.length) out.push(`${tag} lists a committee twice`);
  // whole existing stations
  let isOneExisting = true;
  const first = existingStation(problem, members[0]!);
  if (first.length !== inS.size || first.some((j) => !inS.has(j))) isOneExisting = false;
  for (const i of inS) {
    const mates = existingStation(problem, i);
    const outside = mates.filter((j) => !inS.has(j));
    if (outside.length > 0) out.push(`${tag} splits the existing station ${committees[i]!.station} (leaves out ${outside.map(label).join(', ')})`);
  }
  // separate locks
  for (const group of scenario.locks.separate ?? []) {
    const hits = committees.map((c, i) => ({ c, i })).filter(({ c, i }) => inS.has(i) && group.includes(c.id));
    if (hits.length >= 2) out.push(`${tag} holds ${hits.map(({ i }) => label(i)).join(' and ')}, which a separate lock keeps apart`);
  }
  if (isOneExisting) return out;
  // keep and self-contained: the station must be exactly the committee's existing one
  const keep = new Set(scenario.locks.keep ?? []);
  for (const i of inS) {
    if (keep.has(committees[i]!.id)) out.push(`${tag}: ${label(i)} has a keep lock, its station may not change`);
    if (committees[i]!.selfContained === true) out.push(`${tag}: ${label(i)} is self-contained and stays a station of its own`);
  }
  const cap = scenario.rules.maxCommitteesPerStation;
  if (inS.size > cap) out.push(`${tag} has ${inS.size} committees, more than the cap of ${cap}`);
  const h = [...inS].reduce((s, i) => s + committees[i]!.households, 0);
  if (h > scenario.rules.households.max) out.push(`${tag} has ${h} households, more than the maximum of ${scenario.rules.households.max}`);
  // connectivity through border and link edges
  const list = [...inS];
  const seen = new Set<number>([list[0]!]);
  const stack = [list[0]!];
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (const y of list) {
      if (!seen.has(y) && hasEdge(problem, committees[x]!.id, committees[y]!.id)) { seen.add(y); stack.push(y); }
    }
  }
  if (seen.size !== list.length) out.push(`${tag} is not connected (no shared border or enclave link joins all its committees)`);
  return out;
}

/**
 * Checks that `groups` (committee indices) is a valid plan of the street office: every
 * committee exactly once, every group admissible (`checkGroup`), every together lock in one
 * group. Returns the violations in words; empty when the plan is valid.
 * @example verifyPartition(problem, result.groups) // []
 */
export function verifyPartition(problem: Problem, groups: readonly (readonly number[])[]): string[] {
  const out: string[] = [];
  const n = problem.committees.length;
  const where = new Array<number>(n).fill(-1);
  groups.forEach((g, gi) => {
    for (const i of g) {
      if (!Number.isInteger(i) || i < 0 || i >= n) { out.push(`station ${gi} names committee index ${String(i)}, which does not exist`); continue; }
      if (where[i] !== -1) out.push(`${problem.committees[i]!.name} (${problem.committees[i]!.id}) is in two stations`);
      else where[i] = gi;
    }
  });
  where.forEach((g, i) => { if (g === -1) out.push(`${problem.committees[i]!.name} (${problem.committees[i]!.id}) is in no station`); });
  for (const g of groups) {
    const valid = g.filter((i) => Number.isInteger(i) && i >= 0 && i < n);
    if (valid.length === 0) { out.push('an empty station'); continue; }
    out.push(...checkGroup(problem, valid));
  }
  const ids = new Map<string, number>();
  problem.committees.forEach((c, i) => { if (!ids.has(c.id)) ids.set(c.id, i); });
  for (const [li, lock] of (problem.scenario.locks.together ?? []).entries()) {
    const here = lock.filter((id) => ids.has(id));
    if (here.length === 0) continue;
    if (here.length < lock.length) {
      out.push(`together lock ${li + 1} names ${lock.filter((id) => !ids.has(id)).join(', ')} outside street office ${problem.streetOffice}`);
    }
    const stations = new Set(here.map((id) => where[ids.get(id)!]));
    if (stations.size > 1) out.push(`together lock ${li + 1} (${here.join(', ')}) is split over ${stations.size} stations`);
  }
  return out;
}
