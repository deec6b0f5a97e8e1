import { describe, expect, it } from 'vitest';
import { calcDisplayWidth, formatTable } from '../cli/table.js';

describe('terminal tables', () => {
  it('counts CJK characters as two columns and colour codes as none', () => {
    expect(calcDisplayWidth('abc')).toBe(3);
    expect(calcDisplayWidth('黄贝岭')).toBe(6);
    expect(calcDisplayWidth('碧波、湖滨')).toBe(10);
    expect(calcDisplayWidth('\x1b[31mOVER\x1b[0m')).toBe(4);
  });

  it('aligns columns with mixed Chinese and Latin text', () => {
    const t = formatTable([{ header: 'name' }, { header: 'n', align: 'right' }], [['黄贝岭', '12'], ['ab', '3']]);
    const lines = t.split('\n');
    expect(lines.map(calcDisplayWidth)).toEqual([10, 10, 10, 10]);
    expect(lines[2]).toBe('黄贝岭  12');
    expect(lines[3]).toBe('ab       3');
  });
});
