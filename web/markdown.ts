/**
 * Just enough Markdown for the plan text the server drafts (render/export.ts makePlanMarkdown):
 * headings, list items, pipe tables and paragraphs, built as DOM nodes (never as HTML strings).
 */
import { h } from './dom.js';

const cells = (line: string): string[] => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());

export function renderMarkdown(text: string): Node[] {
  const out: Node[] = [];
  const lines = text.split('\n');
  let list: HTMLUListElement | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('- ')) list = null;
    if (line.trim() === '') continue;
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) { out.push(h(heading[1]!.length === 1 ? 'h3' : 'h4', {}, heading[2]!)); continue; }
    if (line.startsWith('- ')) {
      if (!list) out.push((list = h('ul', {})));
      list.append(h('li', {}, line.slice(2)));
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trimStart().startsWith('|')) {
        if (!/^\s*\|?[\s:|-]+\|?\s*$/.test(lines[i]!)) rows.push(cells(lines[i]!));
        i++;
      }
      i--;
      const [head, ...body] = rows;
      out.push(h('table', { class: 'md' },
        head ? h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))) : null,
        h('tbody', {}, body.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
      continue;
    }
    out.push(h('p', {}, line));
  }
  return out;
}
