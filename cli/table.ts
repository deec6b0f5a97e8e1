/** Terminal tables that stay aligned with Chinese names (CJK characters take two columns). */

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000
  );
}

/** Display width of a string in terminal columns (ANSI colour codes take none). */
export function calcDisplayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(/\x1b\[[0-9;]*m/g, '')) w += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** Pads every cell to its column's display width; two spaces between columns. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(calcDisplayWidth(c.header), ...rows.map((r) => calcDisplayWidth(r[i] ?? ''))));
  const pad = (s: string, i: number): string => {
    const gap = ' '.repeat(widths[i]! - calcDisplayWidth(s));
    return columns[i]!.align === 'right' ? gap + s : s + gap;
  };
  const line = (cells: readonly string[]): string => cells.map((s, i) => pad(s, i)).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** ANSI colours, only when the stream is a terminal and NO_COLOR is not set. */
export function makePainter(isTty: boolean) {
  const on = isTty && !process.env.NO_COLOR;
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: wrap('31'), yellow: wrap('33'), green: wrap('32'), dim: wrap('2'), bold: wrap('1') };
}
