import { describe, expect, it } from 'vitest';
import { formatInt } from '../cli/report.js';

describe('formatInt (the report\'s whole numbers without Intl)', () => {
  it('is Math.round(n).toLocaleString(\'en-US\') for every kind of number', () => {
    const values = [0, -0, 0.4, -0.4, 0.5, -0.5, 1, 12, 123, 999, 1000, 1234.5, -1234.5, 99_999, 100_000, 999_999.6, 1_234_567, -1_234_567,
      2 ** 31, 2 ** 53, -(2 ** 53), 1e20, 1e21, 1.5e22, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      values.push((seed / 2 ** 31 - 0.5) * 10 ** (i % 16));
    }
    for (const n of values) expect(formatInt(n), String(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });
});
