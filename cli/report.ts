/** What `yizhan plan` and `yizhan evaluate` print: a table per street office and the checks. */
import type { PlanOutcome } from '../solver/outcome.js';
import { FACILITY_KINDS, type FacilityKind, type PlanSummary, type Station } from '../solver/types.js';
import { formatTable, makePainter } from './table.js';

const CHECK: Record<string, string> = { ok: 'ok', under: 'under', over: 'OVER', exempt: 'exempt' };

/**
 * `Math.round(n).toLocaleString('en-US')` (1,234,567) written out: the first Intl call of a
 * process loads ICU's locale data, 25–45 ms of every `yizhan plan`.
 */
export function formatInt(n: number): string {
  const r = Math.round(n);
  if (!Number.isFinite(r) || Math.abs(r) >= 1e21) return r.toLocaleString('en-US');
  if (Object.is(r, -0)) return '-0';
  const digits = String(Math.abs(r));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return r < 0 ? `-${out}` : out;
}

/** A station's regret: the cost of not making it ('—' when it could not be computed). */
function formatRegret(s: Station): string {
  return typeof s.regret === 'number' ? s.regret.toFixed(4) : '—';
}

/** Lines for the answers the scenario asked for: lock prices, alternatives, a district total. */
function formatAnswers(summary: PlanSummary): string[] {
  const out: string[] = [];
  if (summary.stationsTotal) {
    const t = summary.stationsTotal;
    out.push(t.status === 'optimal' ? `district total: ${t.requested} stations, allocated by street office` : `district total of ${t.requested} stations: ${t.reason ?? t.status}`);
  }
  for (const l of summary.lockPrices ?? []) {
    out.push(`price of ${l.kind} lock ${l.index + 1} (${l.committees.join('、')}): ${l.price === null ? `— (${l.reason ?? 'not computed'})` : l.price.toFixed(4)}`);
  }
  const alt = summary.alternatives;
  if (alt) {
    out.push(`alternatives: ${alt.plans.length} of ${alt.requested} best plans${alt.complete ? '' : ` (${alt.reasons.join('; ') || 'incomplete'})`} (alternatives.json)`);
    for (const a of alt.plans) {
      const changes = a.differences.map((d) => `${d.streetOffice}: ${d.added.map((x) => x.committees.join('、')).join(' | ')}`).join('; ');
      out.push(`  ${a.rank}. ${a.objective.toFixed(4)} (+${a.delta.toFixed(4)}), ${a.stationsAfter} stations${changes ? `: ${changes}` : ''}`);
    }
  }
  return out;
}

export function formatPlanReport(outcome: PlanOutcome, isTty: boolean): string {
  const paint = makePainter(isTty);
  const out: string[] = [];
  const { summary } = outcome;
  const mark = (ok: boolean) => (ok ? '✓' : paint.yellow('✗'));
  // a kind the data has no areas of reads "—", not "0 ✗" (census tracts, say)
  const noData = (kind: FacilityKind): boolean => summary.checks.facilityTargets[kind].noData === true;
  const facility = (s: Station, kind: FacilityKind): string => (noData(kind) ? '—' : `${formatInt(s[kind])} ${mark(s.checks[kind])}`);
  const withRegret = summary.streetOffices.some((o) => o.stations.some((s) => s.regret !== undefined));
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
        facility(s, 'office'),
        facility(s, 'service'),
        facility(s, 'plaza'),
        String(s.staff),
        s.checks.contiguous ? (s.enclaveLinks.length ? 'link' : 'yes') : paint.red('NO'),
        ...(withRegret ? [formatRegret(s)] : []),
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
          ...(withRegret ? [{ header: 'regret', align: 'right' as const }] : []),
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
    `facility targets: ${FACILITY_KINDS.map((k) => `${k} ${noData(k) ? 'not in the data' : `${t[k].met}/${t[k].stations} ${pct(t[k].share)} (target ${pct(t[k].target)})`}`).join(', ')}`,
    `staff ${summary.checks.staffBefore} → ${summary.checks.staffAfter}`,
  );
  out.push(...formatAnswers(summary));
  const fatal = summary.checks.violations.filter((v) => v.severity === 'fatal');
  const warnings = summary.checks.violations.filter((v) => v.severity === 'warning');
  if (fatal.length) out.push(paint.red(`${fatal.length} fatal violation(s):`), ...fatal.map((v) => `  ${v.rule}: ${v.message}`));
  if (warnings.length) out.push(paint.yellow(`${warnings.length} warning(s)`) + paint.dim(' (see summary.json checks.violations)'));
  return out.join('\n');
}
