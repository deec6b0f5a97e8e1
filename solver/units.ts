/**
 * Units and blocks of a street office: the atoms that candidates are made of.
 */
import { calcExistingUnits } from './figures.js';
import type { InfeasibleReason, Problem } from './types.js';

/** How the committees of one street office group into atoms, and what the locks forbid. */
export interface UnitStructure {
  /** Existing unit (current station) per committee, numbered in first-seen order. */
  unitOf: number[];
  /** Committees per existing unit (ascending). */
  units: number[][];
  /** Blocks: existing units joined by `together` locks; committees ascending; ordered by first committee. */
  blocks: number[][];
  /** Block index per committee. */
  blockOf: number[];
  /** Block must be a station on its own (a keep lock or a self-contained committee in it). */
  alone: boolean[];
  /** Block is exactly one existing unit. */
  singleUnit: boolean[];
  /** `separate` locks as committee indices (only the members in this street office, ≥ 2 of them). */
  separate: number[][];
  /** Locks that cannot be met whatever the plan; empty when none. */
  reasons: InfeasibleReason[];
}

function names(problem: Problem, idx: readonly number[]): string[] {
  return idx.map((i) => problem.committees[i]!.name);
}

/**
 * Groups the committees of `problem` into existing units and lock blocks, and reports the locks
 * that no plan can satisfy: a separate lock naming two committees of one existing station, a
 * together lock reaching outside the street office, a together block holding two committees of
 * a separate lock, a together block with a kept or self-contained committee, a together block
 * over the committee cap or over the household maximum. Lock ids not found in the street office
 * are ignored (they belong to other street offices), except in a together lock that also names
 * committees here.
 */
export function calcUnits(problem: Problem): UnitStructure {
  const { committees, scenario } = problem;
  const n = committees.length;
  const index = new Map<string, number>();
  committees.forEach((c, i) => { if (!index.has(c.id)) index.set(c.id, i); });
  const unitOf = calcExistingUnits(committees);
  const unitCount = unitOf.reduce((m, u) => Math.max(m, u + 1), 0);
  const units: number[][] = Array.from({ length: unitCount }, () => []);
  unitOf.forEach((u, i) => units[u]!.push(i));
  const reasons: InfeasibleReason[] = [];
  const locks = scenario.locks;

  // union-find over units for together locks
  const parent = Array.from({ length: unitCount }, (_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (const [li, group] of (locks.together ?? []).entries()) {
    const here = group.map((id) => index.get(id)).filter((i): i is number => i !== undefined);
    const away = group.filter((id) => !index.has(id));
    if (here.length > 0 && away.length > 0) {
      reasons.push({
        code: 'together-across-street-offices',
        message: `Together lock ${li + 1} joins ${names(problem, here).join(', ')} of street office ${problem.streetOffice} with ${away.join(', ')}, which are not in it; stations never cross street offices.`,
        committees: [...names(problem, here), ...away],
      });
    }
    for (let k = 1; k < here.length; k++) {
      const a = find(unitOf[here[0]!]!), b = find(unitOf[here[k]!]!);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const blockOfUnit = new Map<number, number>();
  const blocks: number[][] = [];
  const blockOf: number[] = new Array<number>(n).fill(-1);
  const unitsInBlock: number[] = [];
  for (let i = 0; i < n; i++) {
    const root = find(unitOf[i]!);
    let b = blockOfUnit.get(root);
    if (b === undefined) { b = blocks.length; blockOfUnit.set(root, b); blocks.push([]); unitsInBlock.push(0); }
    blocks[b]!.push(i);
    blockOf[i] = b;
  }
  const seenUnit = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (!seenUnit.has(unitOf[i]!)) { seenUnit.add(unitOf[i]!); unitsInBlock[blockOf[i]!]!++; }
  }
  const singleUnit = unitsInBlock.map((k) => k === 1);
  const alone = blocks.map(() => false);
  const kept = new Set<number>();
  for (const id of locks.keep ?? []) { const i = index.get(id); if (i !== undefined) kept.add(i); }
  for (let i = 0; i < n; i++) {
    if (kept.has(i) || committees[i]!.selfContained === true) alone[blockOf[i]!] = true;
  }
  const separate: number[][] = [];
  for (const [li, group] of (locks.separate ?? []).entries()) {
    const here = [...new Set(group.map((id) => index.get(id)).filter((i): i is number => i !== undefined))].sort((a, b) => a - b);
    if (here.length < 2) continue;
    separate.push(here);
    for (let x = 0; x < here.length; x++) {
      for (let y = x + 1; y < here.length; y++) {
        const a = here[x]!, b = here[y]!;
        if (unitOf[a] === unitOf[b]) {
          reasons.push({
            code: 'separate-same-station',
            message: `Separate lock ${li + 1}: ${committees[a]!.name} and ${committees[b]!.name} share one station today, and a station is never split.`,
            committees: names(problem, [a, b]),
          });
        } else if (blockOf[a] === blockOf[b]) {
          reasons.push({
            code: 'together-separate',
            message: `${committees[a]!.name} and ${committees[b]!.name} must be kept apart (separate lock ${li + 1}) but are joined by a together lock (or share a station with committees that are).`,
            committees: names(problem, [a, b]),
          });
        }
      }
    }
  }
  const { max } = scenario.rules.households;
  const cap = scenario.rules.maxCommitteesPerStation;
  blocks.forEach((block, b) => {
    if (singleUnit[b]) return;
    const who = names(problem, block);
    if (alone[b]) {
      const why = block.filter((i) => kept.has(i) || committees[i]!.selfContained === true);
      reasons.push({
        code: 'together-keep',
        message: `${names(problem, why).join(', ')} must keep its station as it is (keep lock or self-contained), but a together lock joins it with others: ${who.join(', ')}.`,
        committees: who,
      });
    }
    if (block.length > cap) {
      reasons.push({
        code: 'together-over-cap',
        message: `A together lock joins ${block.length} committees (${who.join(', ')}, counting those that already share a station), more than the ${cap} committees a station may serve.`,
        committees: who,
      });
    }
    const h = block.reduce((s, i) => s + committees[i]!.households, 0);
    if (h > max) {
      reasons.push({
        code: 'together-over-households',
        message: `A together lock joins ${who.join(', ')} with ${h} households, above the maximum of ${max} per station.`,
        committees: who,
      });
    }
  });
  return { unitOf, units, blocks, blockOf, alone, singleUnit, separate, reasons };
}
