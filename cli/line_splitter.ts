/**
 * Cuts a stream of text into lines with bounded memory: only the unfinished
 * last line of a chunk is carried over, and a line longer than the bound is
 * dropped as it streams past (reported, never buffered whole).
 */

/** A line over the length bound: where it was and how it began. */
export interface OverlongLine {
  /** 1-based line number. */
  readonly line: number;
  /** Its first characters, for the rejection's `raw`. */
  readonly head: string;
}

/**
 * The lines completed by one chunk: `lines[i]` is line `firstLine + i`;
 * `null` stands for an overlong line (described in `overlong`).
 */
export interface LineBlock {
  readonly firstLine: number;
  readonly lines: ReadonlyArray<string | null>;
  readonly overlong: readonly OverlongLine[];
}

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Longest line kept, in UTF-16 code units (default 1 MiB). */
  readonly maxLineLength?: number;
}

const HEAD_LENGTH = 200;

/**
 * Splits text pushed in arbitrary chunks into lines (`\n` or `\r\n`; a
 * leading byte-order mark is dropped).
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter();
 * splitter.push("a,1\nb,").lines; // ["a,1"]
 * splitter.push("2\n").lines; // ["b,2"]
 * splitter.finish().lines; // []
 * ```
 */
export class LineSplitter {
  readonly #maxLineLength: number;
  #parts: string[] = [];
  #partLength = 0;
  /** The current line is over the bound: its rest is skipped up to the next line break. */
  #skipping = false;
  #skippedHead = "";
  #nextLine = 1;
  #started = false;

  constructor(options: LineSplitterOptions = {}) {
    const max = options.maxLineLength ?? 1024 * 1024;
    if (!Number.isSafeInteger(max) || max <= 0) {
      throw new RangeError(
        `Cannot split lines: 'maxLineLength' must be a positive integer: current value is ${max}`,
      );
    }
    this.#maxLineLength = max;
  }

  /** Lines started so far (the number the next line will get, minus one). */
  get linesSeen(): number {
    return this.#nextLine - 1;
  }

  /** Adds a chunk of text; returns the lines it completed. */
  push(text: string): LineBlock {
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const firstLine = this.#nextLine;
    const lines: Array<string | null> = [];
    const overlong: OverlongLine[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      if (end === -1) {
        this.#carry(text, start);
        break;
      }
      this.#complete(text.slice(start, end), lines, overlong);
      start = end + 1;
    }
    return { firstLine, lines, overlong };
  }

  /** Ends the input; returns the last line when it had no line break. */
  finish(): LineBlock {
    const firstLine = this.#nextLine;
    const lines: Array<string | null> = [];
    const overlong: OverlongLine[] = [];
    if (this.#skipping || this.#partLength > 0) this.#complete("", lines, overlong);
    return { firstLine, lines, overlong };
  }

  #complete(segment: string, lines: Array<string | null>, overlong: OverlongLine[]): void {
    const lineNumber = this.#nextLine++;
    let line: string | null;
    if (this.#skipping) {
      overlong.push({ line: lineNumber, head: this.#skippedHead });
      this.#skipping = false;
      this.#skippedHead = "";
      line = null;
    } else {
      if (this.#partLength > 0) {
        this.#parts.push(segment);
        segment = this.#parts.join("");
        this.#parts = [];
        this.#partLength = 0;
      }
      if (segment.length > this.#maxLineLength) {
        overlong.push({ line: lineNumber, head: segment.slice(0, HEAD_LENGTH) });
        line = null;
      } else {
        line = segment.endsWith("\r") ? segment.slice(0, -1) : segment;
      }
    }
    lines.push(line);
  }

  #carry(text: string, start: number): void {
    if (start >= text.length || this.#skipping) return;
    const rest = start === 0 ? text : text.slice(start);
    if (this.#partLength + rest.length > this.#maxLineLength) {
      this.#skippedHead = (this.#parts.join("") + rest.slice(0, HEAD_LENGTH)).slice(0, HEAD_LENGTH);
      this.#parts = [];
      this.#partLength = 0;
      this.#skipping = true;
      return;
    }
    this.#parts.push(rest);
    this.#partLength += rest.length;
  }
}
