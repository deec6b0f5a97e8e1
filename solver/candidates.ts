/**
 * Admissible merge groups (candidates) of one street office.
 */
import { SOLVER_DEFAULTS } from './defaults.js';
import { calcCandidateCost, calcIndexedGraph, type IndexedGraph } from './cost.js';
import type { Candidate, InfeasibleReason, Problem } from './types.js';
import { calcUnits, type UnitStructure } from './units.js';

export interface CandidateOptions {
  /** Indexed graph of the problem (computed when absent). */
  graph?: IndexedGraph;
  /** Units and blocks (computed when absent). */
  units?: UnitStructure;
  /** Count budget: stop beyond this many candidates. [SOLVER_DEFAULTS.maxCandidates] */
  maxCandidates?: number;
  /** Memory budget of the list, MB (estimated from the members stored). [SOLVER_DEFAULTS.candidateMemoryMb] */
  maxMemoryMb?: number;
  /** `Date.now()` at which the enumeration stops. [none] */
  deadline?: number;
}

/** Why an enumeration stopped before the end: the count budget, the memory budget or the clock. */
export type EnumerationStop = 'count' | 'memory' | 'time';

export interface CandidateList {
  /** Candidates sorted canonically (members compared lexicographically). */
  candidates: Candidate[];
  /** Committees that no admissible candidate covers (a together block that cannot be connected within the rules). */
  reasons: InfeasibleReason[];
  /**
   * True when a budget stopped the enumeration: the list then holds every candidate rooted at a
   * block before `completeBlocks` and, after it, only each block alone (so a plan still exists).
   */
  truncated: boolean;
  /** Which budget stopped it (absent when complete). */
  stoppedBy?: EnumerationStop;
  /**
   * Committees whose candidates are all listed (every committee when complete): a candidate
   * holding committee i is rooted at a block ≤ i's block, and roots before the stop are complete.
   */
  complete: Uint8Array;
}

/** Lexicographic comparison of two ascending index lists. */
export function compareMembers(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Are `members` connected through border and link edges? */
export function isConnectedGroup(members: readonly number[], graph: IndexedGraph): boolean {
  if (members.length <= 1) return true;
  const inS = new Set(members);
  const seen = new Set<number>([members[0]!]);
  const stack = [members[0]!];
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (const list of [graph.border, graph.links]) {
      for (const y of list[x]!.keys()) if (inS.has(y) && !seen.has(y)) { seen.add(y); stack.push(y); }
    }
  }
  return seen.size === members.length;
}

/**
 * Enumerates every admissible candidate of a street office (see solver/cost.ts for the model)
 * and its cost. Works over blocks (existing units joined by together locks): each connected
 * set of blocks is visited once (the extension algorithm of Wernicke's ESU, rooted at its
 * smallest block), and a branch stops as soon as the committee cap, the household maximum or a
 * separate lock is broken (all three only get worse as a set grows).
 * @param problem one street office
 * @param [options.maxCandidates=2000000] stop (with `truncated: true`) beyond this many
 * @returns candidates sorted canonically, plus reasons for committees no candidate covers
 */
export function enumerateCandidates(problem: Problem, options: CandidateOptions = {}): CandidateList {
  const graph = options.graph ?? calcIndexedGraph(problem);
  const units = options.units ?? calcUnits(problem);
  const maxCandidates = options.maxCandidates ?? SOLVER_DEFAULTS.maxCandidates;
  const maxBytes = (options.maxMemoryMb ?? SOLVER_DEFAULTS.candidateMemoryMb) * 1024 * 1024;
  const deadline = options.deadline ?? Infinity;
  const { committees, scenario } = problem;
  const cap = scenario.rules.maxCommitteesPerStation;
  const hmax = scenario.rules.households.max;
  const B = units.blocks.length;
  const size = units.blocks.map((b) => b.length);
  const hh = units.blocks.map((b) => b.reduce((s, i) => s + committees[i]!.households, 0));
  const trivial = units.blocks.map((b) => b.length === 1);
  // separate-lock membership per block (group index, repeated when the block holds several)
  const sepOf: number[][] = units.blocks.map(() => []);
  units.separate.forEach((g, gi) => { for (const i of g) sepOf[units.blockOf[i]!]!.push(gi); });
  const sepCount = new Array<number>(units.separate.length).fill(0);
  const blockSepOk = sepOf.map((list) => new Set(list).size === list.length);
  // block adjacency (sorted, deterministic)
  const nbrs: number[][] = units.blocks.map((block, b) => {
    const s = new Set<number>();
    for (const i of block) {
      for (const list of [graph.border, graph.links]) {
        for (const j of list[i]!.keys()) { const o = units.blockOf[j]!; if (o !== b) s.add(o); }
      }
    }
    return [...s].sort((x, y) => x - y);
  });

  // candidates are priced as they are found, so that the clock covers the pricing too
  const found: Candidate[] = [];
  let truncated = false;
  let stoppedBy: EnumerationStop | undefined;
  let bytes = 0;
  let ticks = 0;
  const stop = (why: EnumerationStop): void => { truncated = true; stoppedBy ??= why; };
  const record = (blocks: readonly number[], budgeted = true): void => {
    if (budgeted) {
      if (found.length >= maxCandidates) { stop('count'); return; }
      if (bytes > maxBytes) { stop('memory'); return; }
      if ((++ticks & 1023) === 0 && Date.now() > deadline) { stop('time'); return; }
    }
    const members = blocks.flatMap((b) => units.blocks[b]!).sort((x, y) => x - y);
    if (blocks.some((b) => !trivial[b]) && !isConnectedGroup(members, graph)) return;
    // an array of numbers, its object and the candidate: about 8 bytes a member plus 120
    bytes += 120 + 8 * members.length;
    found.push({ members, cost: calcCandidateCost(problem, members, graph) });
  };

  const mark = new Int32Array(B); // > 0: in the current set or next to it
  const sub: number[] = [];
  const extend = (ext: number[], root: number, sz: number, h: number): void => {
    const rest = ext.slice();
    while (rest.length > 0 && !truncated) {
      if ((++ticks & 4095) === 0 && Date.now() > deadline) { stop('time'); return; }
      const w = rest.pop()!;
      if (sz + size[w]! > cap || h + hh[w]! > hmax || units.alone[w] || !blockSepOk[w]) continue;
      if (sepOf[w]!.some((g) => sepCount[g]! > 0)) continue;
      const added: number[] = [];
      for (const u of nbrs[w]!) {
        if (u > root && mark[u] === 0 && !units.alone[u]) added.push(u);
      }
      mark[w]!++;
      for (const u of nbrs[w]!) mark[u]!++;
      for (const g of sepOf[w]!) sepCount[g]!++;
      sub.push(w);
      record(sub);
      extend(rest.concat(added), root, sz + size[w]!, h + hh[w]!);
      sub.pop();
      for (const g of sepOf[w]!) sepCount[g]!--;
      for (const u of nbrs[w]!) mark[u]!--;
      mark[w]!--;
    }
  };

  const aloneOk = (v: number): boolean => units.singleUnit[v]! || (size[v]! <= cap && hh[v]! <= hmax && blockSepOk[v]!);
  let stoppedAt = B;
  for (let v = 0; v < B; v++) {
    if (truncated) { stoppedAt = v - 1; break; }
    if (aloneOk(v)) record([v]);
    if (units.alone[v] || size[v]! >= cap || hh[v]! > hmax || !blockSepOk[v]) continue;
    mark[v]!++;
    for (const u of nbrs[v]!) mark[u]!++;
    for (const g of sepOf[v]!) sepCount[g]!++;
    sub.push(v);
    extend(nbrs[v]!.filter((u) => u > v && !units.alone[u]), v, size[v]!, hh[v]!);
    sub.pop();
    for (const g of sepOf[v]!) sepCount[g]!--;
    for (const u of nbrs[v]!) mark[u]!--;
    mark[v]!--;
  }

  if (truncated && stoppedAt === B) stoppedAt = B - 1;
  const complete = new Uint8Array(committees.length).fill(1);
  if (truncated) {
    // every block after the stop alone, budget or not: the plan of the current stations stays possible
    const listed = new Set(found.map((c) => c.members.join(',')));
    for (let v = Math.max(0, stoppedAt); v < B; v++) {
      for (const i of units.blocks[v]!) complete[i] = 0;
      if (aloneOk(v) && !listed.has([...units.blocks[v]!].sort((x, y) => x - y).join(','))) record([v], false);
    }
  }
  found.sort((a, b) => compareMembers(a.members, b.members));
  const candidates = found;

  const reasons: InfeasibleReason[] = [];
  if (!truncated) {
    const covered = new Uint8Array(committees.length);
    for (const c of found) for (const i of c.members) covered[i] = 1;
    units.blocks.forEach((block) => {
      if (block.some((i) => covered[i] === 1)) return;
      const who = block.map((i) => committees[i]!.name);
      reasons.push({
        code: 'together-not-connected',
        message: `A together lock joins ${who.join(', ')}, but no station of at most ${cap} committees and ${hmax} households connects them without breaking another lock.`,
        committees: who,
      });
    });
  }
  return { candidates, reasons, truncated, complete, ...(stoppedBy !== undefined ? { stoppedBy } : {}) };
}
