/**
 * One process at a time in an embedded data folder: two PGlite instances writing the same files
 * corrupt the database. A lock file holds the owner's pid; a lock left by a process that no longer
 * runs (killed) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './types.js';

export const LOCK_FILE = 'yizhan.lock';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the folder's lock or throws StoreError `data-folder-in-use` naming the process that has it.
 * @returns a function that releases the lock
 */
export function lockDataFolder(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        /* vanished meanwhile: try again */
      }
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new StoreError(
          'data-folder-in-use', 409,
          `the data folder ${dir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: stop it first (or use POST /api/tokens on the running server)`,
          'dataDir',
        );
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new StoreError('data-folder-in-use', 409, `cannot take the lock of the data folder ${dir}`, 'dataDir');
}
