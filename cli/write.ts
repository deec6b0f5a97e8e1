import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';

/**
 * Writes a set of files into `dir` so that no half-written file is ever left behind: each file
 * is written in full to a temporary name in the same folder, then all are renamed into place
 * (rename is atomic on one file system). On a failure the temporaries are removed.
 *
 * `options.owned` names the files this kind of run may write (e.g. a plan's six outputs): those
 * among them that this run does not write are removed, so that a `map.svg` of an earlier run is
 * never left beside a plan it does not describe. Other files in `dir` are never touched.
 */
export function writeFilesAtomically(
  dir: string, files: Record<string, string | Uint8Array>,
  options: {
    owned?: readonly string[];
    /** Files already written in full under temporary names in `dir` (`writeStreamedFile`): renamed first, with the others. */
    written?: readonly { name: string; tmp: string }[];
  } = {},
): string[] {
  mkdirSync(dir, { recursive: true });
  const staged: [string, string][] = (options.written ?? []).map((w) => [w.tmp, join(dir, w.name)]);
  const tag = temporaryTag();
  try {
    for (const [name, content] of Object.entries(files)) {
      const tmp = join(dir, `${name}${tag}`);
      writeFileSync(tmp, content);
      staged.push([tmp, join(dir, name)]);
    }
    const written = new Set((options.written ?? []).map((w) => w.name));
    for (const name of options.owned ?? []) if (!Object.hasOwn(files, name) && !written.has(name)) rmSync(join(dir, name), { force: true });
    for (const [tmp, final] of staged) renameSync(tmp, final);
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  return staged.map(([, final]) => final);
}

/** The suffix of a temporary file of this process (`name.tmp-<pid>-<time>`). */
function temporaryTag(): string {
  return `.tmp-${process.pid}-${Date.now()}`;
}

/** A file written piece by piece under a temporary name, for `writeFilesAtomically`'s `written`. */
export interface StreamedFile {
  name: string;
  tmp: string;
  /** Appends text (UTF-8) or bytes (kept in memory up to about `flushBytes`, then written). */
  write(piece: string | Uint8Array): void;
  /** Writes what is left and closes the file (it stays under its temporary name). */
  end(): void;
  /** Closes and removes the temporary. Idempotent; nothing once `writeFilesAtomically` renamed it. */
  discard(): void;
}

/**
 * Opens `dir/name.tmp-<pid>-<time>` to be written piece by piece (a big output made while its
 * parts come in, instead of one whole string at the end); `writeFilesAtomically` renames it into
 * place with the rest of the set. A killed run leaves the temporary, which the batch removes.
 * Small pieces are gathered in one buffer, larger ones written as they are.
 * @param [flushBytes=1 << 20] bytes kept before a write
 */
export function writeStreamedFile(dir: string, name: string, flushBytes = 1 << 20): StreamedFile {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${name}${temporaryTag()}`);
  let fd: number | null = openSync(tmp, 'w');
  const buffer = Buffer.allocUnsafe(flushBytes);
  let used = 0;
  const flush = (): void => {
    let done = 0;
    while (done < used) done += writeSync(fd!, buffer, done, used - done);
    used = 0;
  };
  const writeAll = (bytes: Uint8Array): void => {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd!, bytes, done, bytes.length - done);
  };
  return {
    name,
    tmp,
    write(piece) {
      if (fd === null) throw new Error(`writeStreamedFile: ${name} is closed`);
      if (typeof piece === 'string') {
        // (at most 3 bytes per UTF-16 unit: what fits is encoded straight into the buffer)
        if (3 * piece.length > flushBytes - used) {
          flush();
          if (3 * piece.length > flushBytes) return writeAll(Buffer.from(piece, 'utf8'));
        }
        used += buffer.write(piece, used, 'utf8');
        return;
      }
      if (piece.length > flushBytes - used) {
        flush();
        if (piece.length > flushBytes / 2) return writeAll(piece);
      }
      buffer.set(piece, used);
      used += piece.length;
    },
    end() {
      if (fd === null) return;
      flush();
      closeSync(fd);
      fd = null;
    },
    discard() {
      if (fd !== null) closeSync(fd);
      fd = null;
      used = 0;
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * A name made safe as one folder under out/: a scenario's or what-if's name is data (a file from
 * someone else), and "../../x" made `yizhan plan` write outside out/. Path separators, control
 * characters and the characters Windows refuses in names become "_", and so does a name of dots only.
 * @example toFolderName('../../x') // '.._.._x'
 */
export function toFolderName(name: string): string {
  const safe = name.replace(/[/\\:*?"<>|\u0000-\u001F]/g, '_').trim();
  return safe === '' || /^\.+$/.test(safe) ? '_' : safe;
}
