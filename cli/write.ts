import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a set of files into `dir` so that no half-written file is ever left behind: each file
 * is written in full to a temporary name in the same folder, then all are renamed into place
 * (rename is atomic on one file system). On a failure the temporaries are removed.
 */
export function writeFilesAtomically(dir: string, files: Record<string, string | Uint8Array>): string[] {
  mkdirSync(dir, { recursive: true });
  const staged: [string, string][] = [];
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const [name, content] of Object.entries(files)) {
      const tmp = join(dir, `${name}${tag}`);
      writeFileSync(tmp, content);
      staged.push([tmp, join(dir, name)]);
    }
    for (const [tmp, final] of staged) renameSync(tmp, final);
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  return staged.map(([, final]) => final);
}
