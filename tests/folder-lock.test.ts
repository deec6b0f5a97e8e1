import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataFolder } from '../server/store/folder-lock.js';
import { StoreError } from '../server/store/types.js';

describe('one process at a time in an embedded data folder', () => {
  it('refuses a second opener while the first holds the lock, and frees it on release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-lock-'));
    const release = lockDataFolder(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    let error: unknown;
    try {
      lockDataFolder(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('data-folder-in-use');
    expect((error as StoreError).message).toContain(String(process.pid));
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataFolder(dir)();
  });

  it('takes over a lock left by a process that was killed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-lock-'));
    // the pid of a process that has exited
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(dir, LOCK_FILE), dead);
    const release = lockDataFolder(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    release();
  });
});
