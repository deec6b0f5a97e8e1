/**
 * Fails (exit 1) when the TypeScript sources import each other in a circle, naming every cycle.
 * Reads the relative imports of every .ts file under the layers (type-only imports and
 * re-exports count too: a cycle of types still ties the modules together), resolves `./x.js` to
 * `./x.ts` (or `./x/index.ts`), and finds the strongly connected components (Tarjan).
 * Run: npm run check:cycles  [-- --root DIR]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAYERS = ['geo', 'solver', 'render', 'scenarios', 'server', 'cli', 'bench', 'web', 'tools'];

const rootFlag = process.argv.indexOf('--root');
const root = rootFlag >= 0 && process.argv[rootFlag + 1] ? resolve(process.argv[rootFlag + 1]!) : resolve(dirname(fileURLToPath(import.meta.url)), '..');

function listSources(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listSources(path, out);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
}

/** Relative module specifiers of one file: static imports, re-exports and dynamic imports. */
export function readSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1]!.startsWith('.')) out.push(m[1]!);
  return out;
}

function resolveSpecifier(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  const tries = [base.replace(/\.(m?js)$/, (_, e: string) => (e === 'mjs' ? '.mts' : '.ts')), base, `${base}.ts`, join(base, 'index.ts')];
  for (const t of tries) if (/\.(ts|tsx|mts)$/.test(t) && existsSync(t) && statSync(t).isFile()) return t;
  return null;
}

/** Strongly connected components of more than one file (or a file importing itself). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return cycles;
}

function main(): void {
  const files: string[] = [];
  for (const layer of LAYERS) if (existsSync(join(root, layer))) listSources(join(root, layer), files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps = readSpecifiers(readFileSync(f, 'utf8')).map((s) => resolveSpecifier(f, s)).filter((p): p is string => p !== null);
    graph.set(f, [...new Set(deps)].sort());
  }
  const cycles = findCycles(graph);
  const name = (p: string): string => relative(root, p);
  if (cycles.length === 0) {
    console.log(`check-import-cycles: ${files.length} files, no import cycle`);
    return;
  }
  for (const comp of cycles) {
    // one concrete loop through the component, for the message
    const inComp = new Set(comp);
    const path = [comp[0]!];
    const seen = new Set(path);
    for (;;) {
      const next = graph.get(path[path.length - 1]!)!.find((w) => inComp.has(w));
      if (next === undefined) break;
      path.push(next);
      if (seen.has(next)) break;
      seen.add(next);
    }
    console.error(`import cycle among ${comp.map(name).join(', ')}: ${path.map(name).join(' → ')}`);
  }
  process.exitCode = 1;
}

main();
