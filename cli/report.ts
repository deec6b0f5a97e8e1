/** What `yizhan plan` and `yizhan evaluate` print: a table per street office and the checks. */
import type { PlanOutcome } from '../solver/outcome.js';
import type { Station } from '../solver/types.js';
import { formatTable, makePainter } from './table.js';

const CHECK: Record<string, string> = { ok: 'ok', under: 'under', over: 'OVER', exempt: 'exempt' };

function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatPlanReport(outcome: PlanOutcome, isTty: boolean): string {
  const paint = makePainter(isTty);
  const out: string[] = [];
  const { summary } = outcome;
  const mark = (ok: boolean) => (ok ? '✓' : paint.yellow('✗'));
  for (const office of summary.streetOffices) {
    const st = office.solver ? `  ${office.solver.status}${office.solver.gap > 0 ? ` gap ${(office.solver.gap * 100).toFixed(2)}%` : ''}, ${office.solver.ms.toFixed(0)} ms` : '';
    out.push(paint.bold(`${office.name}  ${office.stationsBefore} → ${office.stationsAfter} stations${st}`));
    const rows = office.stations.map((s: Station) => {
      const hh = s.checks.households;
      const check = hh === 'over' ? paint.red(CHECK[hh]!) : hh === 'under' ? paint.yellow(CHECK[hh]!) : CHECK[hh]!;
      return [
        s.committees.join('、'),
        s.host,
        formatInt(s.households),
        check,
        `${formatInt(s.office)} ${mark(s.checks.office)}`,
        `${formatInt(s.service)} ${mark(s.checks.service)}`,
        `${formatInt(s.plaza)} ${mark(s.checks.plaza)}`,
        String(s.staff),
        s.checks.contiguous ? (s.enclaveLinks.length ? 'link' : 'yes') : paint.red('NO'),
      ];
    });
    out.push(
      formatTable(
        [
          { header: 'committees 社区' },
          { header: 'host 驻地' },
          { header: 'households', align: 'right' },
          { header: 'band' },
          { header: 'office m²', align: 'right' },
          { header: 'service m²', align: 'right' },
          { header: 'plaza m²', align: 'right' },
          { header: 'staff', align: 'right' },
          { header: 'joined' },
        ],
        rows,
      ),
      '',
    );
  }
  const t = summary.checks.facilityTargets;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  out.push(
    paint.bold(`${summary.scenario}: ${summary.stationsBefore} → ${summary.stationsAfter} stations, solver ${summary.solver.status}, objective ${summary.solver.objective.toFixed(4)}, ${summary.solver.ms.toFixed(0)} ms`),
    `facility targets: office ${t.office.met}/${t.office.stations} ${pct(t.office.share)} (target ${pct(t.office.target)}), service ${t.service.met}/${t.service.stations} ${pct(t.service.share)} (target ${pct(t.service.target)}), plaza ${t.plaza.met}/${t.plaza.stations} ${pct(t.plaza.share)} (target ${pct(t.plaza.target)})`,
    `staff ${summary.checks.staffBefore} → ${summary.checks.staffAfter}`,
  );
  const fatal = summary.checks.violations.filter((v) => v.severity === 'fatal');
  const warnings = summary.checks.violations.filter((v) => v.severity === 'warning');
  if (fatal.length) out.push(paint.red(`${fatal.length} fatal violation(s):`), ...fatal.map((v) => `  ${v.rule}: ${v.message}`));
  if (warnings.length) out.push(paint.yellow(`${warnings.length} warning(s)`) + paint.dim(' (see summary.json checks.violations)'));
  return out.join('\n');
}
