/**
 * Tells the bundle loader (cli/load-bundle.ts) that the code a run needs has now been compiled,
 * so that it writes this thread's code cache if it has none: a command at its end, `serve` once it
 * listens, a worker thread after its first answer. Does nothing outside a bundle, or once done.
 */
export function saveCodeCache(): void {
  const save = (globalThis as Record<symbol, unknown>)[Symbol.for('yizhan.saveCodeCache')];
  if (typeof save === 'function') (save as () => void)();
}
