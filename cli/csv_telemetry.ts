/**
 * CSV telemetry of one machine, in either layout, told apart by the header:
 *
 * - long: `timestamp,metric,value` — one value per row;
 * - wide: `timestamp,<metric1>,<metric2>,…` — one point per row, an empty
 *   cell meaning the metric was not measured then.
 *
 * The first column may also be called `ts` or `time`. Timestamps are epoch
 * milliseconds or ISO-8601 with a zone. Rows are not validated here: each
 * is rewritten as the engine's JSON telemetry (`{"ts", "metrics"}`) and
 * judged by {@link decodeJsonTelemetry}, so an imported row is accepted or
 * rejected exactly as the same point sent over MQTT would be.
 */
import {
  decodeJsonTelemetry,
  type DecodeResult,
  type Rejection,
  truncateRaw,
} from "../engine/ingest/mod.ts";
import { ID_PATTERN, type MachineRef } from "../engine/telemetry.ts";

/** The two layouts a CSV file may have. */
export type CsvLayout =
  | { readonly kind: "long" }
  | { readonly kind: "wide"; readonly metrics: readonly string[] };

/** A CSV header that names no usable layout. */
export class CsvHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvHeaderError";
  }
}

const TIME_COLUMNS = new Set(["timestamp", "ts", "time"]);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EPOCH_MS = /^\d+(?:\.\d+)?$/;
// Bounded by the caller's blocks (about a megabyte of lines), not by the MQTT payload limit.
const MAX_BATCH_BYTES = 256 * 1024 * 1024;

/**
 * Reads the header row.
 *
 * @example
 * ```ts
 * readCsvHeader("timestamp,metric,value"); // { kind: "long" }
 * readCsvHeader("time,temp,rpm"); // { kind: "wide", metrics: ["temp", "rpm"] }
 * ```
 * @throws {CsvHeaderError} saying which column is wrong and what it should be.
 */
export function readCsvHeader(line: string): CsvLayout {
  const cells = splitCsvRow(line);
  if (typeof cells === "string") throw new CsvHeaderError(`the header row ${cells}`);
  const names = cells.map((cell) => cell.trim());
  if (!TIME_COLUMNS.has(names[0].toLowerCase())) {
    throw new CsvHeaderError(
      `the first column of the header must be 'timestamp' (or 'ts', 'time'): current value is ` +
        `'${
          names[0]
        }'; a header is 'timestamp,metric,value' (long) or 'timestamp,<metric>,…' (wide)`,
    );
  }
  if (
    names.length === 3 && names[1].toLowerCase() === "metric" &&
    names[2].toLowerCase() === "value"
  ) {
    return { kind: "long" };
  }
  if (names.length < 2) {
    throw new CsvHeaderError(
      "the header names no metric columns; a header is 'timestamp,metric,value' (long) or " +
        "'timestamp,<metric>,…' (wide)",
    );
  }
  const metrics = names.slice(1);
  const seen = new Set<string>();
  metrics.forEach((metric, i) => {
    if (!ID_PATTERN.test(metric)) {
      throw new CsvHeaderError(
        `column ${i + 2} of the header is not a metric name matching [A-Za-z0-9_.-]{1,64}: ` +
          `current value is '${metric}'`,
      );
    }
    if (seen.has(metric)) {
      throw new CsvHeaderError(`metric '${metric}' is named by two columns of the header`);
    }
    seen.add(metric);
  });
  return { kind: "wide", metrics };
}

/**
 * The cells of one CSV row (RFC 4180: `"…"` quotes a cell, `""` inside
 * quotes is a quote; a quoted cell cannot span lines), or a message saying
 * why the row cannot be read.
 *
 * @example
 * ```ts
 * splitCsvRow('1714564800000,"a,b",3'); // ["1714564800000", "a,b", "3"]
 * ```
 */
export function splitCsvRow(line: string): string[] | string {
  if (!line.includes('"')) return line.split(",");
  const cells: string[] = [];
  let pos = 0;
  for (;;) {
    let cell: string;
    let next: number;
    const start = skipSpaces(line, pos);
    if (line.charCodeAt(start) === 0x22) {
      let text = "";
      let at = start + 1;
      for (;;) {
        const quote = line.indexOf('"', at);
        if (quote === -1) return `has an unterminated quoted cell at column ${cells.length + 1}`;
        text += line.slice(at, quote);
        if (line.charCodeAt(quote + 1) === 0x22) {
          text += '"';
          at = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      at = skipSpaces(line, at);
      if (at < line.length && line.charCodeAt(at) !== 0x2c) {
        return `has text after the closing quote of column ${cells.length + 1}`;
      }
      cell = text;
      next = at;
    } else {
      next = line.indexOf(",", pos);
      if (next === -1) next = line.length;
      cell = line.slice(pos, next);
      if (cell.includes('"')) return `has a stray quote in column ${cells.length + 1}`;
    }
    cells.push(cell);
    if (next >= line.length) return cells;
    pos = next + 1;
  }
}

function skipSpaces(line: string, pos: number): number {
  while (line.charCodeAt(pos) === 0x20 || line.charCodeAt(pos) === 0x09) pos++;
  return pos;
}

/**
 * Decodes blocks of CSV rows (after the header) of one machine into
 * telemetry points and rejections. A rejection's `index` is the file's
 * 1-based line number, its message starts with `line N:` and its `raw` is the
 * CSV line as written.
 *
 * @example
 * ```ts
 * const decoder = new CsvTelemetryDecoder(
 *   { kind: "long" },
 *   { factory: "f", machine: "m" },
 *   Date.now(),
 * );
 * decoder.decode(["1714564800000,temp,21.5"], 2).points;
 * // [{ factory: "f", machine: "m", ts: 1714564800000, metrics: { temp: 21.5 } }]
 * ```
 */
export class CsvTelemetryDecoder {
  readonly #layout: CsvLayout;
  readonly #ref: MachineRef;
  readonly #receivedAt: number;
  readonly #columns: number;
  readonly #metricKeys: readonly string[];

  constructor(layout: CsvLayout, ref: MachineRef, receivedAt: number) {
    this.#layout = layout;
    this.#ref = ref;
    this.#receivedAt = receivedAt;
    this.#columns = layout.kind === "long" ? 3 : layout.metrics.length + 1;
    this.#metricKeys = layout.kind === "long"
      ? []
      : layout.metrics.map((metric) => JSON.stringify(metric));
  }

  /**
   * Decodes `lines` (line `firstLine + i` is `lines[i]`; `null` lines and
   * blank lines are skipped).
   */
  decode(lines: ReadonlyArray<string | null>, firstLine: number): DecodeResult {
    const rejections: Rejection[] = [];
    const points: string[] = [];
    const lineOfPoint: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line === null || line.trim() === "") continue;
      const lineNumber = firstLine + i;
      const cells = splitCsvRow(line);
      let problem: string | undefined;
      if (typeof cells === "string") {
        problem = `the row ${cells}`;
      } else if (cells.length !== this.#columns) {
        problem = `the row has ${cells.length} cells; the header has ${this.#columns} columns`;
      }
      if (problem !== undefined) {
        rejections.push(
          this.#rejection("bad_line", `line ${lineNumber}: ${problem}`, lineNumber, line),
        );
        continue;
      }
      points.push(this.#pointJson(cells as string[]));
      lineOfPoint.push(i);
    }
    if (points.length === 0) return { points: [], rejections };
    const result = decodeJsonTelemetry(`{"points":[${points.join(",")}]}`, this.#ref, {
      receivedAt: this.#receivedAt,
      maxBytes: MAX_BATCH_BYTES,
    });
    for (const rejection of result.rejections) {
      if (rejection.index === undefined) {
        // Every row is written as a valid JSON point, so only a bug here rejects the batch whole.
        throw new Error(
          `Cannot decode CSV rows: the batch was rejected whole: ${rejection.message}`,
        );
      }
      const at = lineOfPoint[rejection.index];
      const lineNumber = firstLine + at;
      rejections.push(
        this.#rejection(
          rejection.reason,
          `line ${lineNumber}: ${rejection.message}`,
          lineNumber,
          lines[at]!,
        ),
      );
    }
    rejections.sort((a, b) => a.index! - b.index!);
    return { points: result.points, rejections };
  }

  #pointJson(cells: readonly string[]): string {
    const ts = timestampJson(cells[0].trim());
    if (this.#layout.kind === "long") {
      return `{"ts":${ts},"metrics":{${JSON.stringify(cells[1].trim())}:${
        valueJson(cells[2].trim())
      }}}`;
    }
    let metrics = "";
    for (let c = 1; c < cells.length; c++) {
      const cell = cells[c].trim();
      if (cell === "") continue;
      if (metrics.length > 0) metrics += ",";
      metrics += `${this.#metricKeys[c - 1]}:${valueJson(cell)}`;
    }
    return `{"ts":${ts},"metrics":{${metrics}}}`;
  }

  #rejection(
    reason: Rejection["reason"],
    message: string,
    lineNumber: number,
    line: string,
  ): Rejection {
    return {
      reason,
      message,
      index: lineNumber,
      factory: this.#ref.factory,
      machine: this.#ref.machine,
      raw: truncateRaw(line),
    };
  }
}

/** Epoch ms as a JSON number; anything else as a string for the decoder's ISO-8601 reading. */
function timestampJson(cell: string): string {
  return EPOCH_MS.test(cell) ? String(Number(cell)) : JSON.stringify(cell);
}

/**
 * A cell as the JSON value a device would send: numbers and booleans as
 * such (a number too large for a double becomes one JSON reads as
 * Infinity, which the decoder rejects as `non_finite`); anything else as a
 * string, which the decoder rejects as `bad_value` naming it.
 */
function valueJson(cell: string): string {
  if (NUMBER.test(cell)) {
    const number = Number(cell);
    if (Number.isFinite(number)) return String(number);
    return number > 0 ? "1e999" : "-1e999";
  }
  const lower = cell.toLowerCase();
  if (lower === "true" || lower === "false") return lower;
  return JSON.stringify(cell);
}
