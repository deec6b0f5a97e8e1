/**
 * Dev tool for looking at the SVG maps and charts: `npx tsx tools/render-png.ts in.svg out.png [width]`.
 * Renders with @resvg/resvg-js, using a CJK font when one is installed (WenQuanYi Micro Hei or
 * Noto Sans CJK), so that Chinese names show. Not used by tests or the CLI.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

const CJK_FONTS: readonly [string, string][] = [
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'WenQuanYi Micro Hei'],
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC'],
  ['/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc', 'Noto Sans CJK SC'],
  ['/System/Library/Fonts/PingFang.ttc', 'PingFang SC'],
  ['C:\\Windows\\Fonts\\msyh.ttc', 'Microsoft YaHei'],
];

const [input, output, widthArg] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: npx tsx tools/render-png.ts in.svg out.png [width]\n');
  process.exit(2);
}
const found = CJK_FONTS.find(([file]) => existsSync(file));
if (!found) process.stderr.write('no CJK font found: Chinese names will show as boxes (apt-get install fonts-wqy-microhei)\n');
const svg = readFileSync(input, 'utf8');
const resvg = new Resvg(svg, {
  font: { fontFiles: found ? [found[0]] : [], loadSystemFonts: true, defaultFontFamily: found ? found[1] : 'sans-serif' },
  ...(widthArg ? { fitTo: { mode: 'width' as const, value: Number(widthArg) } } : {}),
  background: '#ffffff',
});
const png = resvg.render().asPng();
writeFileSync(output, png);
process.stderr.write(`wrote ${output} (${resvg.width}×${resvg.height}, ${png.length} bytes)\n`);
