/** A usage error: wrong subcommand, flags or arguments. Prints the usage; exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** @param command the command the error is about: its help is printed instead of the overview */
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

/**
 * The input cannot be used (unreadable file, invalid data or scenario, unknown names). Prints
 * every problem, no stack trace; exit code 1.
 */
export class InputError extends Error {
  override name = 'InputError';
  constructor(message: string, readonly details: string[] = []) {
    super(message);
  }
}

export const EXIT = { ok: 0, fatal: 1, usage: 2 } as const;
