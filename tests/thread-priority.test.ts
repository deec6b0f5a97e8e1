/**
 * Workers yield the CPU to the main thread (scenarios/thread-priority.ts): the solve pool's and
 * the server task pool's threads lower their own nice value, the process's main thread keeps its
 * own. Read back from /proc, as `top -H` would show it (Linux only: elsewhere there is no
 * per-thread priority and the workers run as before; this suite says so by its name).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { makeSolvePool } from '../scenarios/solve-pool.js';
import { lowerThreadPriority, WORKER_NICE, workerNice } from '../scenarios/thread-priority.js';
import { makeTaskPool } from '../server/task-pool.js';

/** Nice value of each thread of this process, by thread id. */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(Number(tid), Number(fields[16])); // field 19 of stat: nice
    } catch { /* the thread ended meanwhile */ }
  }
  return out;
}

const lowered = () => [...threadNices().values()].filter((n) => n === WORKER_NICE).length;

async function waitFor(test: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) throw new Error('waited 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the workers\' nice value', () => {
  it('is WORKER_NICE unless YIZHAN_WORKER_NICE asks another from 0 to 19', () => {
    expect(workerNice({})).toBe(WORKER_NICE);
    expect(workerNice({ YIZHAN_WORKER_NICE: '0' })).toBe(0);
    expect(workerNice({ YIZHAN_WORKER_NICE: '19' })).toBe(19);
    for (const bad of ['20', '-1', '5.5', 'high', '']) expect(workerNice({ YIZHAN_WORKER_NICE: bad })).toBe(WORKER_NICE);
  });
});

describe.runIf(existsSync('/proc/thread-self'))('worker threads at a lower priority than the main thread (Linux: needs /proc/thread-self)', () => {
  it('does nothing on the main thread', () => {
    const before = getPriority(process.pid);
    expect(lowerThreadPriority()).toBeUndefined();
    expect(getPriority(process.pid)).toBe(before);
  });

  it('the solve pool and the task pool lower their own threads, not the main thread', async () => {
    const main = getPriority(process.pid);
    expect(main).toBeLessThan(WORKER_NICE);
    const before = lowered();
    const solve = await makeSolvePool({ workers: 2 });
    const tasks = makeTaskPool({ workers: 1 });
    try {
      await waitFor(() => lowered() >= before + 2);
      // the task pool starts its worker on the first task
      await tasks.run('planContext', { committees: [], name: 'empty', scenario: {} as never }).catch(() => undefined);
      await waitFor(() => lowered() >= before + 3);
      expect(getPriority(process.pid)).toBe(main);
      expect(threadNices().get(process.pid)).toBe(main);
    } finally {
      await solve.close();
      await tasks.close();
    }
  });
});
