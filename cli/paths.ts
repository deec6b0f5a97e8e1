import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json), whether running from source or from dist/. */
export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`yizhan: cannot find the package root above ${from}`);
    dir = up;
  }
}

/** Folder of the built-in scenarios (scenarios/<name>/scenario.json). */
export function builtinScenarioDir(name: string): string {
  return join(findPackageRoot(), 'scenarios', name);
}

/** The built-in scenario names: the folders of scenarios/ that hold a scenario.json, sorted. */
export function listBuiltinScenarios(): string[] {
  const dir = join(findPackageRoot(), 'scenarios');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'scenario.json')))
    .map((e) => e.name)
    .sort();
}
