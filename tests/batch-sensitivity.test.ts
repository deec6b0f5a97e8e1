import { describe, expect, it } from 'vitest';
import { makeSensitivitySeries, type ComparisonRow } from '../scenarios/batch.js';
import { makeSensitivityCharts } from '../cli/batch-command.js';

function row(values: unknown[], stationsAfter: number | null, dataset = 'd'): ComparisonRow {
  return {
    variation: values.join('-'), dataset, values, stationsBefore: 10, stationsAfter, inBand: null, office: null, service: null, plaza: null,
    householdsMean: null, householdsSd: null, householdsMin: null, householdsMax: null, objective: null, status: stationsAfter === null ? 'infeasible' : 'optimal', ms: 1, reason: '',
  };
}

describe('batch sensitivity charts', () => {
  const keys = ['rules.households.min', 'rules.maxCommitteesPerStation'];
  const rows = [row([5000, 2], 9), row([5000, 3], 8), row([6000, 2], 8), row([6000, 3], null)];

  it('makes one series per value of the other swept keys, with gaps for failed variations', () => {
    const series = makeSensitivitySeries(rows, keys, 0);
    expect(series.map((s) => s.name)).toEqual(['maxCommitteesPerStation=2', 'maxCommitteesPerStation=3']);
    expect(series[0]!.points).toEqual([[5000, 9], [6000, 8]]);
    expect(series[1]!.points[0]).toEqual([5000, 8]);
    expect(Number.isNaN(series[1]!.points[1]![1])).toBe(true);
  });

  it('draws nothing for a key that is not numeric or not swept', () => {
    expect(makeSensitivitySeries([row([[['a', 'b']]], 3), row([[]], 4)], ['locks.together'], 0)).toEqual([]);
    expect(makeSensitivitySeries([row([5000], 3), row([5000], 4)], ['rules.households.min'], 0)).toEqual([]);
  });

  it('writes one SVG per numeric swept key', () => {
    const files = makeSensitivityCharts(rows, keys, 'sweep');
    expect(Object.keys(files).sort()).toEqual(['sensitivity-rules-households-min.svg', 'sensitivity-rules-maxCommitteesPerStation.svg']);
    for (const svg of Object.values(files)) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('stations after');
    }
  });
});
