import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toFolderName, writeFilesAtomically, writeStreamedFile } from '../cli/write.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS } from '../scenarios/defaults.js';
import { makeScenario, resolveLocks } from '../scenarios/resolve.js';
import { MAX_WEIGHT } from '../scenarios/schema.js';
import type { Committee } from '../geo/types.js';

const committee = (id: string, name: string, streetOffice: string): Committee => ({ id, name, streetOffice, households: 100, geometry: [] });

describe('scenario files', () => {
  it('fills every absent field with the seed defaults without sharing objects', () => {
    const r = makeScenario({ name: 'x', rules: { households: { min: 5000 } } });
    expect(r.problems).toEqual([]);
    expect(r.scenario!.rules.households).toEqual({ min: 5000, max: DEFAULT_RULES.households.max });
    expect(r.scenario!.weights).toEqual(DEFAULT_WEIGHTS);
    r.scenario!.rules.facilities.office.threshold = 1;
    expect(DEFAULT_RULES.facilities.office.threshold).toBe(200);
  });

  it('refuses a misspelt field with its path, and an inverted band', () => {
    const r = makeScenario({ name: 'x', rules: { houseHolds: { min: 1 } } });
    expect(r.scenario).toBeUndefined();
    expect(r.problems.some((p) => p.code === 'scenario-field-unknown' && p.field?.startsWith('rules'))).toBe(true);
    const bad = makeScenario({ name: 'x', rules: { households: { min: 9000, max: 8000 } } });
    expect(bad.problems.map((p) => p.code)).toEqual(['rules-band-inverted']);
    const neg = makeScenario({ name: 'x', weights: { station: -1 } });
    expect(neg.problems[0]).toMatchObject({ code: 'scenario-field-invalid', field: 'weights.station' });
  });

  it('resolves lock names to ids and names every unknown or ambiguous one', () => {
    const committees = [committee('a', '碧波', '黄贝'), committee('b', '湖滨', '黄贝'), committee('c', '新村', '翠竹'), committee('d', '新村', '东湖'), committee('constructor', 'x', '黄贝')];
    const s = makeScenario({ name: 'x', locks: { together: [['碧波', 'b']], keep: ['constructor'] } }).scenario!;
    expect(resolveLocks(s, committees).scenario!.locks).toEqual({ separate: [], together: [['a', 'b']], keep: ['constructor'] });
    const bad = makeScenario({ name: 'x', locks: { separate: [['新村', '无名']] }, streetOffices: ['莲塘'] }).scenario!;
    const problems = resolveLocks(bad, committees).problems;
    expect(problems.map((p) => [p.code, p.field])).toEqual([
      ['lock-unknown-committee', 'locks.separate.0.0'],
      ['lock-unknown-committee', 'locks.separate.0.1'],
      ['street-office-unknown', 'streetOffices.0'],
    ]);
    expect(problems[0]!.message).toContain('use the id');
  });

  it('names a street office of rules.stations that the dataset lacks, instead of ignoring the count (red team)', () => {
    const committees = [committee('a', '碧波', '黄贝'), committee('b', '湖滨', '黄贝')];
    const typo = makeScenario({ name: 'x', rules: { stations: { 黄呗: 1, '*': 1 } } }).scenario!;
    const problems = resolveLocks(typo, committees).problems;
    expect(problems.map((p) => [p.code, p.field])).toEqual([['street-office-unknown', 'rules.stations.黄呗']]);
    expect(problems[0]!.message).toMatch(/no street office "黄呗" \(it has 黄贝\)/);
    expect(resolveLocks(makeScenario({ name: 'x', rules: { stations: { 黄贝: 1, '*': 1 } } }).scenario!, committees).problems).toEqual([]);
  });

  it('bounds the weights: 1e308 made every cost Infinity and the objective null, reported "optimal" (red team)', () => {
    const huge = makeScenario({ name: 'x', weights: { station: 1e308, facility: { office: 1e9 } } });
    expect(huge.problems.map((p) => [p.code, p.field])).toEqual([
      ['scenario-field-invalid', 'weights.station'],
      ['scenario-field-invalid', 'weights.facility.office'],
    ]);
    expect(makeScenario({ name: 'x', weights: { station: MAX_WEIGHT, under: 0 } }).problems).toEqual([]);
  });
});

describe('output files', () => {
  it('makes a scenario name one folder under out/: no separator, no parent (red team: "../../x" wrote outside out/)', () => {
    expect(toFolderName('../../x')).toBe('.._.._x');
    expect(toFolderName('..')).toBe('_');
    expect(toFolderName('a\\b:c*d\u0001')).toBe('a_b_c_d_');
    expect(toFolderName('罗湖 2006')).toBe('罗湖 2006');
  });

  it('writes all files whole and leaves no temporary behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-out-'));
    writeFilesAtomically(dir, { 'a.json': '{"a":1}', 'b.txt': '黄贝' });
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.txt']);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('黄贝');
  });

  it('writes a streamed file of text and bytes, small and large pieces, byte for byte in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-out-'));
    const file = writeStreamedFile(dir, 'a.geojson', 64); // a small buffer: every branch is taken
    const pieces: (string | Uint8Array)[] = ['{"a":[', new TextEncoder().encode('"黄贝",'), '罗湖'.repeat(30), new Uint8Array(200).fill(0x31), ',', new TextEncoder().encode('"东门"'), ']}\n'];
    for (const p of pieces) file.write(p);
    file.end();
    writeFilesAtomically(dir, {}, { written: [file] });
    const expected = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    expect(readFileSync(join(dir, 'a.geojson')).equals(expected)).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.geojson']);
  });

  it('removes its temporaries when a write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-out-'));
    expect(() => writeFilesAtomically(dir, { 'a.json': '1', 'sub/b.json': '2' })).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});
