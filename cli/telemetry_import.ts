/**
 * The import pipeline: bytes → lines → the engine's decoders → batched store
 * writes, with every rejected line counted by reason and dead-lettered. It
 * holds one chunk of lines and one write batch at a time, so memory does not
 * grow with the input.
 */
import {
  type DeadLetterRecord,
  decodeLineProtocol,
  type DecodeResult,
  type Precision,
  type Rejection,
  type RejectReason,
  truncateRaw,
} from "../engine/ingest/mod.ts";
import type { SeriesPoint } from "../engine/telemetry.ts";
import {
  CsvHeaderError,
  type CsvLayout,
  CsvTelemetryDecoder,
  readCsvHeader,
} from "./csv_telemetry.ts";
import { type LineBlock, LineSplitter } from "./line_splitter.ts";

/** File formats the import reads. */
export type ImportFormat = "csv" | "lp";

/** Where rejected lines go; {@link DeadLetterFile} in the task. */
export interface RejectionSink {
  append(record: DeadLetterRecord): void;
  /** Resolves once what was appended is written (keeps the sink's queue short). */
  flush(): Promise<void>;
}

/** How far an import has got. */
export interface ImportProgress {
  readonly bytesRead: number;
  readonly lines: number;
  readonly values: number;
  readonly rejected: number;
}

/** Options of {@link importTelemetry}. */
export interface TelemetryImportOptions {
  readonly format: ImportFormat;
  /** Machine of CSV rows, and of line-protocol lines without `factory`/`machine` tags. */
  readonly factory?: string;
  readonly machine?: string;
  /** Unit of line-protocol timestamps (default "ns", as InfluxDB). */
  readonly precision?: Precision;
  /** "Now" for the decoders: points further ahead than 5 minutes are rejected. */
  readonly receivedAt: number;
  /** Writes a batch durably (the store's `write`). */
  readonly write: (points: readonly SeriesPoint[]) => Promise<void>;
  readonly deadLetter?: RejectionSink;
  /** Values per write (default 10,000). */
  readonly batchSize?: number;
  /** Longest line read, in characters (default 1 MiB); longer ones are rejected. */
  readonly maxLineLength?: number;
  /** Rejected lines kept for the summary (default 5). */
  readonly examples?: number;
  /** Called after each chunk of input. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Epoch ms of dead-letter records (default Date.now). */
  readonly now?: () => number;
}

/** What was imported for one machine. */
export interface ImportedMachine {
  readonly factory: string;
  readonly machine: string;
  /** Metric names in first-seen order. */
  readonly metrics: readonly string[];
  readonly values: number;
  readonly firstTs: number;
  readonly lastTs: number;
}

/** The outcome of an import, for the summary. */
export interface ImportSummary {
  readonly format: ImportFormat;
  /** The CSV layout found in the header. */
  readonly layout?: CsvLayout["kind"];
  readonly bytesRead: number;
  /** Every line of the input, header, blank lines and comments included. */
  readonly linesRead: number;
  /** Lines that were neither data nor rejected: the CSV header, blank lines, `#` comments. */
  readonly linesSkipped: number;
  /** Lines whose point was imported. */
  readonly linesImported: number;
  readonly linesRejected: number;
  /** Values (one metric at one time) written to the store. */
  readonly valuesImported: number;
  readonly rejectedByReason: Readonly<Partial<Record<RejectReason, number>>>;
  /** The first rejected lines, in file order. */
  readonly examples: readonly Rejection[];
  readonly machines: readonly ImportedMachine[];
}

// How much of the file one decode call sees: large enough to amortize the call, small enough to
// keep memory flat.
const READ_CHUNK_BYTES = 1024 * 1024;
const LP_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Reads `input` to its end and imports every valid line. Each line is judged
 * by the engine's own decoders — line protocol by `decodeLineProtocol`, CSV
 * rows (rewritten as JSON telemetry) by `decodeJsonTelemetry` — so an import
 * accepts exactly what the engine would accept live.
 *
 * @example
 * ```ts
 * import type { SqliteStore } from "../engine/store/sqlite_store.ts";
 *
 * declare const store: SqliteStore;
 *
 * const file = await Deno.open("press-07.csv");
 * const summary = await importTelemetry(file.readable, {
 *   format: "csv",
 *   factory: "plant1",
 *   machine: "press-07",
 *   receivedAt: Date.now(),
 *   write: (points) => store.write(points),
 * });
 * summary.valuesImported; // 3000
 * ```
 * @throws {CsvHeaderError} when a CSV file's header names no usable layout.
 */
export async function importTelemetry(
  input: AsyncIterable<Uint8Array>,
  options: TelemetryImportOptions,
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 10_000;
  const examplesWanted = options.examples ?? 5;
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0) {
    throw new RangeError(
      `Cannot import telemetry: 'batchSize' must be a positive integer: current value is ${batchSize}`,
    );
  }
  if (
    options.format === "csv" && (options.factory === undefined || options.machine === undefined)
  ) {
    throw new RangeError("Cannot import CSV: 'factory' and 'machine' name the machine of its rows");
  }
  const now = options.now ?? Date.now;
  const splitter = new LineSplitter({ maxLineLength: options.maxLineLength });
  const text = new TextDecoder();
  const machines = new Map<string, MutableMachine>();
  const rejectedByReason: Partial<Record<RejectReason, number>> = {};
  const examples: Rejection[] = [];
  let pending: SeriesPoint[] = [];
  let bytesRead = 0;
  let linesImported = 0;
  let linesRejected = 0;
  let valuesImported = 0;
  let csv: CsvTelemetryDecoder | undefined;
  let layout: CsvLayout | undefined;

  const decodeBlock = (block: LineBlock): DecodeResult => {
    if (options.format === "lp") return decodeLines(block, options);
    let lines = block.lines;
    let firstLine = block.firstLine;
    if (csv === undefined) {
      const header = lines.findIndex((line) => line === null || line.trim() !== "");
      if (header === -1) return { points: [], rejections: [] };
      if (lines[header] === null) {
        throw new CsvHeaderError(`the header (line ${firstLine + header}) is too long`);
      }
      layout = readCsvHeader(lines[header]!);
      csv = new CsvTelemetryDecoder(layout, {
        factory: options.factory!,
        machine: options.machine!,
      }, options.receivedAt);
      lines = lines.slice(header + 1);
      firstLine += header + 1;
    }
    return csv.decode(lines, firstLine);
  };

  const handle = async (block: LineBlock): Promise<void> => {
    const { points, rejections } = decodeBlock(block);
    for (const overlong of block.overlong) {
      rejections.push({
        reason: "payload_too_large",
        message: `line ${overlong.line}: the line is longer than ${
          options.maxLineLength ?? 1024 * 1024
        } characters`,
        index: overlong.line,
        factory: options.factory,
        machine: options.machine,
        raw: truncateRaw(overlong.head),
      });
    }
    for (const point of points) {
      let machine = machines.get(`${point.factory}/${point.machine}`);
      if (machine === undefined) {
        machine = {
          factory: point.factory,
          machine: point.machine,
          metrics: new Set(),
          values: 0,
          firstTs: point.ts,
          lastTs: point.ts,
        };
        machines.set(`${point.factory}/${point.machine}`, machine);
      }
      if (point.ts < machine.firstTs) machine.firstTs = point.ts;
      if (point.ts > machine.lastTs) machine.lastTs = point.ts;
      for (const metric in point.metrics) {
        pending.push({
          factory: point.factory,
          machine: point.machine,
          metric,
          ts: point.ts,
          value: point.metrics[metric],
        });
        machine.metrics.add(metric);
        machine.values++;
      }
      if (pending.length >= batchSize) {
        await options.write(pending);
        valuesImported += pending.length;
        pending = [];
      }
    }
    linesImported += points.length;
    if (rejections.length > 0) {
      if (block.overlong.length > 0) rejections.sort((a, b) => a.index! - b.index!);
      linesRejected += rejections.length;
      const at = now();
      for (const rejection of rejections) {
        rejectedByReason[rejection.reason] = (rejectedByReason[rejection.reason] ?? 0) + 1;
        if (examples.length < examplesWanted) examples.push(rejection);
        options.deadLetter?.append({
          at,
          source: "import",
          reason: rejection.reason,
          message: rejection.message,
          raw: rejection.raw,
          factory: rejection.factory,
          machine: rejection.machine,
        });
      }
      await options.deadLetter?.flush();
    }
    options.onProgress?.({
      bytesRead,
      lines: splitter.linesSeen,
      values: valuesImported + pending.length,
      rejected: linesRejected,
    });
  };

  for await (const chunk of rechunk(input)) {
    bytesRead += chunk.byteLength;
    await handle(splitter.push(text.decode(chunk, { stream: true })));
  }
  const tail = text.decode();
  if (tail.length > 0) await handle(splitter.push(tail));
  await handle(splitter.finish());
  if (pending.length > 0) {
    await options.write(pending);
    valuesImported += pending.length;
    pending = [];
  }
  const linesRead = splitter.linesSeen;
  return {
    format: options.format,
    layout: layout?.kind,
    bytesRead,
    linesRead,
    linesSkipped: linesRead - linesImported - linesRejected,
    linesImported,
    linesRejected,
    valuesImported,
    rejectedByReason,
    examples,
    machines: [...machines.values()].map((m) => ({ ...m, metrics: [...m.metrics] })),
  };
}

interface MutableMachine {
  readonly factory: string;
  readonly machine: string;
  readonly metrics: Set<string>;
  values: number;
  firstTs: number;
  lastTs: number;
}

/** Decodes a block of line protocol, numbering lines and messages as in the file. */
function decodeLines(block: LineBlock, options: TelemetryImportOptions): DecodeResult {
  const { firstLine, lines } = block;
  if (lines.length === 0) return { points: [], rejections: [] };
  const result = decodeLineProtocol(
    lines.map((line) => line ?? "").join("\n"),
    { factory: options.factory, machine: options.machine },
    { receivedAt: options.receivedAt, precision: options.precision, maxBytes: LP_MAX_BYTES },
  );
  if (firstLine === 1) return result;
  return {
    points: result.points,
    rejections: result.rejections.map((rejection) => {
      // The decoder numbers lines from 1 within the block it was given.
      const index = rejection.index!;
      const prefix = `line ${index}: `;
      const line = firstLine + index - 1;
      return {
        ...rejection,
        index: line,
        message: rejection.message.startsWith(prefix)
          ? `line ${line}: ${rejection.message.slice(prefix.length)}`
          : rejection.message,
      };
    }),
  };
}

/**
 * Regroups the input into chunks of about {@link READ_CHUNK_BYTES}: file
 * streams deliver small chunks, and each decode call has a fixed cost.
 */
async function* rechunk(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of input) {
    if (chunk.byteLength >= READ_CHUNK_BYTES && size === 0) {
      yield chunk;
      continue;
    }
    parts.push(chunk);
    size += chunk.byteLength;
    if (size >= READ_CHUNK_BYTES) {
      yield concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield concat(parts, size);
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
