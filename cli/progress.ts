/**
 * Progress of a long batch, to stderr: on a terminal one line that updates in place
 * (`variations 3/18 · street offices 412/900 · 37.2/s · ETA 0:14`), otherwise one plain line per
 * finished variation (logs and CI keep a readable record).
 */

export interface ProgressFigures {
  variationsDone: number;
  variationsTotal: number;
  officesDone: number;
  officesTotal: number;
  /** Since this run started, ms. */
  elapsedMs: number;
}

/** `0:14`, `12:05`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/**
 * `variations 3/18 · street offices 412/900 · 37.2/s · ETA 0:14`. The rate is street offices per
 * second over this run; the ETA is the offices left at that rate (`ETA –` before the first one).
 */
export function formatProgressLine(f: ProgressFigures): string {
  const rate = f.elapsedMs > 0 ? (f.officesDone * 1000) / f.elapsedMs : 0;
  const left = f.officesTotal - f.officesDone;
  const eta = rate > 0 ? formatDuration((left / rate) * 1000) : '–';
  return `variations ${f.variationsDone}/${f.variationsTotal} · street offices ${f.officesDone}/${f.officesTotal} · ${rate.toFixed(1)}/s · ETA ${eta}`;
}

export interface BatchProgress {
  /** One more street office solved. */
  office(): void;
  /** One more variation finished; `line` says which and how (printed as is when not a terminal). */
  variation(line: string): void;
  /** Clears the updating line (terminal). */
  finish(): void;
}

export interface BatchProgressOptions {
  write: (text: string) => void;
  isTty: boolean;
  variations: number;
  offices: number;
  /** Clock, ms. [performance.now] */
  now?: () => number;
  /** Least time between two redraws on a terminal, ms. [100] */
  redrawMs?: number;
}

/**
 * A progress reporter over the variations and street offices this run has to solve (finished
 * ones from an earlier run are not counted).
 * @param [options.now=performance.now] clock
 * @param [options.redrawMs=100] least time between redraws on a terminal
 */
export function makeBatchProgress(options: BatchProgressOptions): BatchProgress {
  const now = options.now ?? (() => performance.now());
  const redrawMs = options.redrawMs ?? 100;
  const t0 = now();
  let variationsDone = 0, officesDone = 0, lastDraw = -Infinity, drawn = false;
  const figures = (): ProgressFigures => ({
    variationsDone, variationsTotal: options.variations, officesDone, officesTotal: options.offices, elapsedMs: now() - t0,
  });
  const draw = (force: boolean): void => {
    if (!options.isTty) return;
    const t = now();
    if (!force && t - lastDraw < redrawMs) return;
    lastDraw = t;
    drawn = true;
    options.write(`\r\x1b[K${formatProgressLine(figures())}`);
  };
  return {
    office() {
      officesDone++;
      draw(false);
    },
    variation(line) {
      variationsDone++;
      if (options.isTty) draw(true);
      else options.write(`${line} · ${formatProgressLine(figures())}\n`);
    },
    finish() {
      if (drawn) options.write('\r\x1b[K');
      drawn = false;
    },
  };
}
