import { formatBytes, formatCount, formatDuration } from "./units.ts";

/** Options of {@link ProgressReporter}. */
export interface ProgressReporterOptions {
  /** Where progress goes (the task's stderr). */
  readonly write: (text: string) => void;
  /** A terminal: one bar redrawn in place. Otherwise (a log, CI): a plain line now and then. */
  readonly interactive: boolean;
  /** Total amount of work, when known (file size, points to generate). */
  readonly total?: number;
  /** What the amounts count. */
  readonly unit: "bytes" | "points";
  /** First word of each line, e.g. "import". */
  readonly label: string;
  readonly now?: () => number;
  /** Least time between two plain lines (default 5 s); the bar redraws at most every 100 ms. */
  readonly lineEveryMs?: number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/**
 * Shows how far a long task has got: on a terminal a bar with the share
 * done, the rate and an estimate of the time left, redrawn in place; in a
 * log a plain line every few seconds, so CI output stays readable.
 *
 * @example
 * ```ts
 * declare const size: number, bytesRead: number;
 *
 * const progress = new ProgressReporter({
 *   write: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
 *   interactive: Deno.stderr.isTerminal(),
 *   total: size,
 *   unit: "bytes",
 *   label: "import",
 * });
 * progress.update(bytesRead, "812,345 lines");
 * progress.finish();
 * ```
 */
export class ProgressReporter {
  readonly #options: ProgressReporterOptions;
  readonly #now: () => number;
  readonly #started: number;
  readonly #lineEveryMs: number;
  #lastShown = -Infinity;
  #drawn = false;

  constructor(options: ProgressReporterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#lineEveryMs = options.lineEveryMs ?? 5_000;
    // A log gets its first line after one interval, so a quick task prints only its summary.
    if (!options.interactive) this.#lastShown = this.#started;
  }

  /** Reports `done` (in the unit) and a detail such as the lines read; shown when due. */
  update(done: number, detail: string): void {
    const now = this.#now();
    const every = this.#options.interactive ? REDRAW_MS : this.#lineEveryMs;
    if (now - this.#lastShown < every) return;
    this.#lastShown = now;
    const text = this.describe(done, detail, now);
    if (this.#options.interactive) {
      this.#options.write(`\r\x1b[2K${text}`);
      this.#drawn = true;
    } else {
      this.#options.write(`${text}\n`);
    }
  }

  /** Removes the bar, so the summary starts on a clean line. */
  finish(): void {
    if (this.#drawn) this.#options.write("\r\x1b[2K");
    this.#drawn = false;
  }

  /** The progress text for `done` at time `now`, without bar drawing codes. */
  describe(done: number, detail: string, now = this.#now()): string {
    const { total, unit, label, interactive } = this.#options;
    const elapsed = now - this.#started;
    const amount = (n: number) => unit === "bytes" ? formatBytes(n) : formatCount(n);
    const rate = elapsed > 0
      ? `${
        unit === "bytes"
          ? formatBytes(done / (elapsed / 1000))
          : formatCount(done / (elapsed / 1000))
      }/s`
      : "—";
    const parts: string[] = [];
    if (total !== undefined && total > 0) {
      const share = Math.min(1, done / total);
      const percent = `${Math.floor(share * 100)}%`.padStart(4);
      const left = share > 0 && share < 1 ? formatDuration(elapsed / share - elapsed) : undefined;
      if (interactive) {
        const filled = Math.round(share * BAR_WIDTH);
        parts.push(`${label} [${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${percent}`);
      } else {
        parts.push(`${label}: ${percent.trim()}`);
      }
      parts.push(`${amount(done)} / ${amount(total)}`, rate, detail);
      if (left !== undefined) parts.push(`${left} left`);
    } else {
      parts.push(`${label}${interactive ? "" : ":"} ${amount(done)}`, rate, detail);
    }
    return parts.filter((part) => part !== "").join(" · ");
  }
}
