/**
 * Chinese-looking place names for generated committees and street offices: two characters
 * (碧波, 华强) while the district is small, with a third place character (新村, 岭, 园 …)
 * once two-character names run short. Names are unique within one call.
 */
import { mix32 } from './random.js';

const FIRST = [...'福华罗湖东西南北翠莲桂笋清黄贝新碧凤怡文金银玉龙梅兰竹松柏梧红田洪鹿向嘉和海港渔友宝安盐光明坪大小上中长乐康泰永兴隆昌盛富民利春晓阳景园林泉石沙滨江溪湾塘峰云霞锦秀丽美德仁礼智信鹏彩荔枝桃李杏樟榕凤鸣鹤雁燕莺白青蓝紫碧月星'];
const SECOND = [...'田强波湖岭园湾山河桥村苑围街坊庄塘城岗坑沙林泉江溪洲港冈头尾背坝口门台亭阁楼峰源冲坪场埔坳岸浦涌滩湄屯寨社里巷'];
const THIRD = [...'村岭园苑围湾坊庄里东西南北新中'];

const uniq = (chars: string[]): string[] => [...new Set(chars)];
const A = uniq(FIRST);
const B = uniq(SECOND);
const C = uniq(THIRD);

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * `count` distinct names, drawn by a seeded bijection over the name space (no rejection loop
 * over a shuffled list, so 120,000 names cost almost nothing). Beyond the space (≈ 150,000
 * names), a number is appended.
 * @example makeNames(3, 1) // e.g. ['翠岭', '福田', '南湾']
 */
export function makeNames(count: number, seed: number): string[] {
  const two = A.length * B.length;
  const three = two * C.length;
  const space = count <= two / 2 ? two : two + three;
  let step = (mix32(seed ^ 0x1234567) % space) | 1;
  while (gcd(step, space) !== 1) step += 2;
  const offset = mix32(seed ^ 0x7654321) % space;
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; names.length < count; i++) {
    const k = (offset + i * step) % space;
    let name: string;
    if (i >= space) name = `${nameAt((k + i) % space, two)}${Math.floor(i / space) + 1}`;
    else name = nameAt(k, two);
    const chars = [...name];
    if (chars[0] === chars[1] || seen.has(name)) continue;
    seen.add(name);
    names.push(name);
  }
  return names;
}

function nameAt(k: number, two: number): string {
  if (k < two) return A[k % A.length]! + B[Math.floor(k / A.length)]!;
  const r = k - two;
  const ab = r % two;
  return A[ab % A.length]! + B[Math.floor(ab / A.length)]! + C[Math.floor(r / two)]!;
}
