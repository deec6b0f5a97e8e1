/**
 * What every SVG drawing shares: XML escaping, the font stack, text widths for layout and the
 * number format of coordinates.
 */

/**
 * The fonts a drawing asks for, CJK first: without one of them on the machine every Chinese
 * character renders as a box (Debian: `apt-get install fonts-noto-cjk`).
 */
export const FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

const NEEDS_ESCAPE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<>"']/;

/** XML text and attribute escaping for the SVG drawings; characters XML 1.0 forbids become U+FFFD. */
export function escapeXml(s: string): string {
  // most names and ids need nothing: one test instead of six replacements
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Approximate advance width of a string at a font size: CJK characters are square, Latin about 0.6 em. */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return w * size;
}

/** A coordinate to one decimal (a tenth of a pixel), without "-0". */
export function formatPx(v: number): string {
  const k = Math.round(v * 10);
  if (k === 0) return '0';
  // tenths well inside the doubles' exact integers: the digits of k with the point put in are
  // String(k / 10) (k / 10 is the double nearest that decimal, and no shorter one is as near)
  // without formatting a fraction, which is most of the time of a map's path data
  if (k > -1e15 && k < 1e15) {
    const a = k < 0 ? -k : k;
    const units = Math.floor(a / 10), tenth = a - units * 10;
    return tenth === 0 ? (k < 0 ? `-${units}` : `${units}`) : `${k < 0 ? '-' : ''}${units}.${tenth}`;
  }
  const r = k / 10;
  return Object.is(r, -0) ? '0' : String(r);
}
