/**
 * A plan as every consumer needs it, made from its summary alone: a plan solved a moment ago and
 * a plan read back from the store become the same object, so the exports and texts of both are the
 * same. The texts themselves are drawn by render/.
 */
import type { Committee } from '../geo/types.js';
import { calcExistingUnits } from './figures.js';
import type { PlanSummary, Station } from './types.js';

export interface PlanOutcome {
  summary: PlanSummary;
  /** All stations in street-office order (the same objects as in the summary). */
  stations: Station[];
  /** Fatal violations (or infeasibility) make the plan unusable: exit code 1, no submission. */
  fatal: boolean;
  /** True for a station that is exactly one existing station as it stands (保留 in the plan text). */
  isUnchanged(committeeIds: readonly string[]): boolean;
}

/** The stations of a summary, in street-office order. */
export function listSummaryStations(summary: PlanSummary): Station[] {
  return summary.streetOffices.flatMap((o) => o.stations);
}

/**
 * The outcome of a plan summary over the dataset's committees (those outside the summary's street
 * offices are ignored).
 */
export function makeOutcome(summary: PlanSummary, committees: readonly Committee[]): PlanOutcome {
  const offices = new Set(summary.streetOffices.map((o) => o.name));
  const units = calcExistingUnits(committees);
  const unitOf = new Map<string, number>();
  const unitSize = new Map<number, number>();
  committees.forEach((c, i) => {
    if (!offices.has(c.streetOffice)) return;
    unitOf.set(c.id, units[i]!);
    unitSize.set(units[i]!, (unitSize.get(units[i]!) ?? 0) + 1);
  });
  return {
    summary,
    stations: listSummaryStations(summary),
    fatal: summary.checks.violations.some((v) => v.severity === 'fatal'),
    isUnchanged(ids) {
      const set = new Set(ids.map((id) => unitOf.get(id)));
      const unit = [...set][0];
      return set.size === 1 && unit !== undefined && unitSize.get(unit) === ids.length;
    },
  };
}
