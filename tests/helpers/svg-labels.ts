/** Label boxes read back from a map SVG (render/map-svg.ts), for the tests that check the layout. */

function attrs(tag: string): Map<string, string> {
  return new Map([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export interface LabelBox { cls: string; id: string | undefined; text: string; x0: number; y0: number; x1: number; y1: number }

/**
 * The box of every label line, from the SVG alone: each tspan's x (text-anchor middle), baseline y
 * and font size; CJK characters 1 em wide, others 0.6 em; from 0.88 em above the baseline to
 * 0.12 em below.
 */
export function labelBoxes(svg: string): LabelBox[] {
  const out: LabelBox[] = [];
  for (const m of svg.matchAll(/<text class="(committee-label|street-office-label)"([^>]*)>(.*?)<\/text>/g)) {
    const a = attrs(m[2]!);
    const size = Number(a.get('font-size'));
    for (const t of m[3]!.matchAll(/<tspan([^>]*)>([^<]*)<\/tspan>/g)) {
      const ta = attrs(t[1]!);
      const z = ta.has('font-size') ? Number(ta.get('font-size')) : size;
      const text = unescape(t[2]!);
      const w = [...text].reduce((s, ch) => s + (ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6), 0) * z;
      const x = Number(ta.get('x')), y = Number(ta.get('y'));
      out.push({ cls: m[1]!, id: a.get('data-id'), text, x0: x - w / 2, x1: x + w / 2, y0: y - 0.88 * z, y1: y + 0.12 * z });
    }
  }
  return out;
}

/** The under marks' triangles (render/map-svg.ts `#under`: x ± 5.5, y − 4 to y + 5.5). */
export function underMarkBoxes(svg: string): LabelBox[] {
  return [...svg.matchAll(/<use class="under-mark"[^>]*>/g)].map((m) => {
    const a = attrs(m[0]);
    const x = Number(a.get('x')), y = Number(a.get('y'));
    return { cls: 'under-mark', id: a.get('data-station'), text: '▼', x0: x - 5.5, x1: x + 5.5, y0: y - 4, y1: y + 5.5 };
  });
}

/** Every pair of overlapping label lines or under marks, as "text / text" (lines of one label excepted). */
export function findLabelClashes(svg: string): string[] {
  const all = [...labelBoxes(svg), ...underMarkBoxes(svg)];
  const clashes: string[] = [];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
    const a = all[i]!, b = all[j]!;
    if (a.cls !== 'under-mark' && a.cls === b.cls && a.id !== undefined && a.id === b.id) continue; // two lines of one label
    if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) clashes.push(`${a.text} / ${b.text}`);
  }
  return clashes;
}
