/**
 * What the answers a planner asks next cost (issue 10): `solvePlan` on a scenario as it is, with
 * the K best plans, with regrets and lock prices, with a district total. CPU time of the solve
 * (the machine is shared; wall time is noisy), median and range over the runs. Each answer is
 * checked before its time counts: alternatives in cost order and the first the plan, every
 * station with a regret or a reason, the total met.
 * Run from a checkout of the baseline with `--modes plain` for the side-by-side figure.
 *
 * Run: npx tsx bench/answers.ts [--runs 5] [--scenario luohu-2006] [--modes plain,alternatives,regret,total,all] [--total N]
 */
import os from 'node:os';
import { loadScenario } from '../cli/load.js';
import { makePlanContext, solvePlan } from '../solver/pipeline.js';
import { loadEngines } from '../solver/solve.js';
import type { PlanSummary, Scenario } from '../solver/types.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 5);
const scenarioArg = flag('--scenario') ?? 'luohu-2006';
const modes = (flag('--modes') ?? 'plain,alternatives,regret,total,all').split(',');

/** The scenario of a mode (a copy). */
function withMode(scenario: Scenario, mode: string, total: number): Scenario {
  const s: Scenario = structuredClone(scenario);
  if (mode === 'alternatives' || mode === 'all') s.solver.alternatives = 5;
  if (mode === 'regret' || mode === 'all') s.solver.regret = true;
  if (mode === 'total') s.rules.stations = { ...(s.rules.stations ?? {}), '*': total };
  return s;
}

/** Checks the answers (throws when one is wrong); returns what the clock left out, in words. */
function check(mode: string, summary: PlanSummary, total: number): string {
  const fail = (why: string): never => { throw new Error(`${mode}: ${why}`); };
  const notes: string[] = [];
  if (mode === 'plain') return '';
  if (mode === 'alternatives' || mode === 'all') {
    const a = summary.alternatives ?? fail('no alternatives');
    if (a.plans.length < 5 && !a.complete) notes.push(`${a.plans.length} of 5 alternatives (${a.reasons.join('; ')})`);
    if (a.plans.length > 0 && Math.abs(a.plans[0]!.objective - summary.solver.objective) > 1e-6) fail('the first alternative is not the plan');
    a.plans.forEach((p, i) => { if (i > 0 && p.objective < a.plans[i - 1]!.objective - 1e-9) fail('not in cost order'); });
  }
  if (mode === 'regret' || mode === 'all') {
    const stations = summary.streetOffices.flatMap((o) => o.stations);
    for (const s of stations) {
      if (s.regret === undefined || (s.regret === null && !s.regretReason)) fail(`station ${s.id} has no regret`);
    }
    const late = stations.filter((s) => s.regret === null && /time limit/.test(s.regretReason ?? '')).length;
    if (late > 0) notes.push(`${late} of ${stations.length} regrets not computed in time`);
  }
  if (mode === 'total') {
    if (summary.stationsTotal?.status === 'optimal' && summary.stationsAfter !== total) fail(`total ${total} not met`);
    if (summary.stationsTotal?.status !== 'optimal') notes.push(`total: ${summary.stationsTotal?.reason ?? 'none'}`);
  }
  return notes.join('; ');
}

const loaded = await loadScenario(scenarioArg);
const engines = await loadEngines();
const plain = solvePlan(makePlanContext(loaded.dataset, loaded.scenario), engines).summary;
const total = Number(flag('--total') ?? plain.stationsAfter + 6);
console.log(`${scenarioArg}: ${plain.stationsBefore} → ${plain.stationsAfter} stations; node ${process.version}, ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const mode of modes) {
  const cpu: number[] = [];
  const wall: number[] = [];
  let notes = '';
  for (let r = 0; r < runs; r++) {
    const ctx = makePlanContext(loaded.dataset, withMode(loaded.scenario, mode, total));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const summary = solvePlan(ctx, engines).summary;
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    notes = check(mode, summary, total);
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${mode.padEnd(12)} cpu median ${med(cpu).toFixed(0)} ms (${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)}), wall median ${med(wall).toFixed(0)} ms${notes ? `; ${notes}` : ''}`);
}
