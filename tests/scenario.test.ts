import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFilesAtomically, writeStreamedFile } from '../cli/write.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS } from '../scenarios/defaults.js';
import { makeScenario, resolveLocks } from '../scenarios/resolve.js';
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
});

describe('output files', () => {
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
