/**
 * Background threads yield the CPU to the thread that answers people. On a 2-core machine the
 * server's main thread shares the cores with the solve and task workers; at equal priority a burst
 * of solves delays `/health` and every read by whole time slices. Linux keeps a nice value per
 * thread (setpriority with a thread id touches that thread only), so a worker lowers its own.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * The nice value of the workers: about a ninth of the main thread's share of a busy core (CFS
 * weights). `YIZHAN_WORKER_NICE` sets another (0: workers as the main thread; 0–19).
 */
export const WORKER_NICE = 10;

/** The nice value asked by the environment (YIZHAN_WORKER_NICE), else WORKER_NICE. */
export function workerNice(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.YIZHAN_WORKER_NICE ?? '';
  return /^\d{1,2}$/.test(text) && Number(text) <= 19 ? Number(text) : WORKER_NICE;
}

/** This thread's kernel id, from /proc/thread-self (`<pid>/task/<tid>`); undefined where there is none. */
export function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers the calling worker thread's priority to `nice` (never raises it; never the main thread,
 * whose id is the process's). Returns the thread's nice value after, or undefined where the system
 * has no per-thread priority (not Linux): the worker then runs as before.
 */
export function lowerThreadPriority(nice = workerNice()): number | undefined {
  if (isMainThread) return undefined;
  const tid = threadId();
  if (tid === undefined || tid === process.pid) return undefined;
  try {
    if (getPriority(tid) < nice) setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return undefined;
  }
}
