import { HttpError } from "@influxdata/influxdb-client";
import { backoffDelay, type BackoffPolicy } from "../../actor/backoff.ts";
import type { Clock, TimerHandle } from "../../clock.ts";
import { type DeadLetterRecord, truncateRaw } from "../../ingest/mod.ts";
import type { EngineMetrics } from "../../metrics.ts";
import { retryAfterMs } from "./retry_after.ts";
import { summarizeTelemetryLines } from "./telemetry_lines.ts";
import { offendingLines } from "./write_rejection.ts";
import type { WriteSpool } from "./write_spool.ts";

/**
 * Sends one write request whose body is line protocol. Resolves when the
 * server answered 2xx; rejects with the client's `HttpError` for any other
 * answer, and with any other error when no answer came (connection refused,
 * reset, timed out).
 */
export type WriteRequest = (body: string, signal: AbortSignal) => Promise<void>;

/** Where refused lines go (a `DeadLetterFile` in production). */
export interface DeadLetterSink {
  append(record: DeadLetterRecord): void;
}

/** Options of {@link InfluxWriter}. */
export interface InfluxWriterOptions {
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  readonly deadLetter: DeadLetterSink;
  /** Lines per request (default 5,000, InfluxDB's advice). */
  readonly batchLines?: number;
  /** Bytes of spool records per request (default 4 MiB). */
  readonly batchBytes?: number;
  /** How long to wait for a batch to fill before sending what there is (default 100 ms). */
  readonly lingerMs?: number;
  /** Backoff between retries (default 250 ms doubling to 10 s, ±20 % jitter). */
  readonly backoff?: BackoffPolicy;
  /** Source of jitter (default Math.random). */
  readonly random?: () => number;
  /** Longest `Retry-After` obeyed (default 5 min); longer ones are cut to it. */
  readonly maxRetryAfterMs?: number;
  /** Where outages and refusals are reported (default console.error). */
  readonly log?: (message: string) => void;
}

const DEFAULT_BACKOFF: BackoffPolicy = { minBackoffMs: 250, maxBackoffMs: 10_000, jitter: 0.2 };

type Outcome =
  | {
    readonly kind: "refused";
    readonly status: number;
    readonly message: string;
    readonly line?: number;
  }
  | { readonly kind: "too_large"; readonly status: number; readonly message: string }
  | {
    readonly kind: "retry";
    readonly reason: "network" | "429" | "5xx" | "other";
    readonly message: string;
    readonly retryAfterMs?: number;
  };

class WriterClosed extends Error {}

/**
 * Moves line protocol from the {@link WriteSpool} to InfluxDB: it reads a
 * batch (up to `batchLines`, or what came within `lingerMs`), sends it, and
 * acknowledges it to the spool only once InfluxDB took it, so the spool keeps
 * it across an outage or a restart. Batches go one at a time and in spool
 * order, so the order of every series is kept.
 *
 * - No answer, 429 or 5xx: the same batch is sent again after an exponential
 *   backoff with jitter, or after `Retry-After` when the server gives one.
 *   Other unexpected answers (401, 403, 404: configuration) are retried the
 *   same way and logged, never dropped.
 * - 400 or 422: the lines InfluxDB names go to the dead-letter file with its
 *   reason and the rest is sent again; when it names none, the batch is split
 *   in halves until each refused line stands alone. 413 splits the same way.
 *
 * @example
 * ```ts
 * import type { InfluxDB } from "@influxdata/influxdb-client";
 * import { systemClock } from "../../clock.ts";
 * import type { EngineMetrics } from "../../metrics.ts";
 * import { influxWriteRequest } from "./influx_write_request.ts";
 * import type { WriteSpool } from "./write_spool.ts";
 * declare const spool: WriteSpool, influx: InfluxDB, org: string, bucket: string;
 * declare const metrics: EngineMetrics, deadLetter: DeadLetterSink;
 *
 * const writer = new InfluxWriter(spool, influxWriteRequest(influx, { org, bucket }), {
 *   clock: systemClock,
 *   metrics,
 *   deadLetter,
 * });
 * writer.start();
 * await writer.close();
 * ```
 */
export class InfluxWriter {
  readonly #spool: WriteSpool;
  readonly #send: WriteRequest;
  readonly #clock: Clock;
  readonly #metrics: EngineMetrics;
  readonly #deadLetter: DeadLetterSink;
  readonly #batchLines: number;
  readonly #batchBytes: number;
  readonly #lingerMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #random: () => number;
  readonly #maxRetryAfterMs: number;
  readonly #log: (message: string) => void;
  #running: Promise<void> | undefined;
  #closed = false;
  #busy = false;
  #abort = new AbortController();
  #sleeping: { timer: TimerHandle; wake: () => void } | undefined;
  #failingSince: number | undefined;

  constructor(spool: WriteSpool, send: WriteRequest, options: InfluxWriterOptions) {
    this.#spool = spool;
    this.#send = send;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#deadLetter = options.deadLetter;
    this.#batchLines = positiveInteger("batchLines", options.batchLines ?? 5_000);
    this.#batchBytes = positiveInteger("batchBytes", options.batchBytes ?? 4 * 1024 * 1024);
    this.#lingerMs = nonNegative("lingerMs", options.lingerMs ?? 100);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#random = options.random ?? Math.random;
    this.#maxRetryAfterMs = nonNegative("maxRetryAfterMs", options.maxRetryAfterMs ?? 300_000);
    this.#log = options.log ?? ((message) => console.error(message));
  }

  /** Whether a batch is being sent (or waits to be retried). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Starts sending what the spool holds, and what is appended later. */
  start(): void {
    if (this.#closed) throw new Error("Cannot start: the InfluxDB writer is closed");
    this.#running ??= this.#run();
  }

  /**
   * Stops: a request under way is abandoned and its batch stays in the spool
   * (sent again on the next start; InfluxDB overwrites what it already has).
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    this.#wake();
    await this.#running;
  }

  async #run(): Promise<void> {
    for (let failures = 0; !this.#closed;) {
      try {
        await this.#sendNext();
        failures = 0;
      } catch (error) {
        if (error instanceof WriterClosed) return;
        // A spool that cannot be read (disk trouble) must not stop delivery for good.
        this.#log(`influx writer: ${describe(error)}; trying again`);
        await this.#sleep(backoffDelay(failures++, this.#backoff, this.#random));
      }
    }
  }

  /** Waits for lines (and for a batch to fill, up to `lingerMs`), then sends one batch. */
  async #sendNext(): Promise<void> {
    await this.#spool.whenReadable(1, this.#abort.signal);
    if (this.#closed) return;
    if (this.#lingerMs > 0 && this.#spool.unreadLines < this.#batchLines) {
      const filled = new AbortController();
      const onClose = () => filled.abort();
      this.#abort.signal.addEventListener("abort", onClose, { once: true });
      await Promise.race([
        this.#sleep(this.#lingerMs),
        this.#spool.whenReadable(this.#batchLines, filled.signal).then(() => this.#wake()),
      ]);
      filled.abort();
      this.#abort.signal.removeEventListener("abort", onClose);
      if (this.#closed) return;
    }
    // Busy from the read on: lines taken from the spool are not unread any more, and
    // until acknowledged they are this writer's (`busy` and `unreadLines` both say so).
    this.#busy = true;
    try {
      const batch = await this.#spool.read({
        maxLines: this.#batchLines,
        maxBytes: this.#batchBytes,
      });
      if (batch === undefined) return;
      const refused = batch.lines.length === 0 ? 0 : await this.#deliver(batch.lines);
      this.#metrics.influxPointsWritten.inc(Math.max(0, batch.points - refused));
      await this.#spool.ack(batch);
    } finally {
      this.#busy = false;
    }
  }

  /** Sends `lines` until InfluxDB took them all or refused some; returns the refused values. */
  async #deliver(lines: readonly string[]): Promise<number> {
    for (let attempt = 0;; attempt++) {
      if (this.#closed) throw new WriterClosed();
      const started = performance.now();
      let outcome: Outcome;
      try {
        await this.#send(lines.join("\n"), this.#abort.signal);
        this.#metrics.influxWriteSeconds.observe((performance.now() - started) / 1000);
        this.#recovered();
        return 0;
      } catch (error) {
        if (this.#closed) throw new WriterClosed();
        outcome = classify(error, this.#clock.now());
      }
      if (outcome.kind === "refused") {
        this.#recovered();
        return await this.#resolveRefusal(lines, outcome);
      }
      if (outcome.kind === "too_large") {
        this.#recovered();
        if (lines.length === 1) return this.#refuse(lines[0], outcome.status, outcome.message);
        return await this.#bisect(lines);
      }
      this.#metrics.influxWriteRetries.inc({ reason: outcome.reason });
      const delay = outcome.retryAfterMs !== undefined
        ? Math.min(outcome.retryAfterMs, this.#maxRetryAfterMs)
        : backoffDelay(attempt, this.#backoff, this.#random);
      if (this.#failingSince === undefined) {
        this.#failingSince = this.#clock.now();
        this.#log(
          `influx writer: cannot write to InfluxDB (${outcome.message}); retrying with backoff, points wait in the spool`,
        );
      }
      await this.#sleep(delay);
    }
  }

  async #resolveRefusal(
    lines: readonly string[],
    refusal: { status: number; message: string; line?: number },
  ): Promise<number> {
    const named = offendingLines(refusal.message, lines, refusal.line);
    if (named.size === 0) {
      if (lines.length === 1) return this.#refuse(lines[0], refusal.status, refusal.message);
      return await this.#bisect(lines);
    }
    let refused = 0;
    for (const [index, reason] of named) {
      refused += this.#refuse(lines[index], refusal.status, reason);
    }
    const rest = lines.filter((_, i) => !named.has(i));
    return rest.length === 0 ? refused : refused + await this.#deliver(rest);
  }

  async #bisect(lines: readonly string[]): Promise<number> {
    const half = Math.ceil(lines.length / 2);
    return await this.#deliver(lines.slice(0, half)) + await this.#deliver(lines.slice(half));
  }

  /** Dead-letters one line; returns the values it carried. */
  #refuse(line: string, status: number, reason: string): number {
    const { machines } = summarizeTelemetryLines([line]);
    const owner = machines[0];
    this.#deadLetter.append({
      at: this.#clock.now(),
      source: "influx",
      reason: "bad_line",
      message: `InfluxDB refused the line (HTTP ${status}): ${reason}`,
      raw: truncateRaw(line),
      ...(owner === undefined ? {} : { factory: owner.factory, machine: owner.machine }),
    });
    this.#metrics.influxDeadLetteredLines.inc();
    return owner?.points ?? 1;
  }

  #recovered(): void {
    if (this.#failingSince === undefined) return;
    const seconds = ((this.#clock.now() - this.#failingSince) / 1000).toFixed(1);
    this.#failingSince = undefined;
    this.#log(
      `influx writer: InfluxDB answers again after ${seconds} s; sending the ${this.#spool.unreadLines} lines still spooled`,
    );
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleeping = undefined;
        resolve();
      };
      this.#sleeping = { timer: this.#clock.setTimeout(wake, ms), wake };
    });
  }

  #wake(): void {
    const sleeping = this.#sleeping;
    if (sleeping === undefined) return;
    this.#clock.clearTimeout(sleeping.timer);
    sleeping.wake();
  }
}

function classify(error: unknown, now: number): Outcome {
  if (!(error instanceof HttpError)) {
    return { kind: "retry", reason: "network", message: describe(error) };
  }
  const status = error.statusCode;
  const message = typeof error.json?.message === "string"
    ? error.json.message
    : error.body || `${status} ${error.statusMessage ?? ""}`.trim();
  if (status === 400 || status === 422) {
    const line = typeof error.json?.line === "number" ? error.json.line : undefined;
    return { kind: "refused", status, message, line };
  }
  if (status === 413) return { kind: "too_large", status, message };
  const header = error.headers?.["retry-after"];
  const retryAfter = retryAfterMs(Array.isArray(header) ? header[0] : header, now);
  const reason = status === 429 ? "429" : status >= 500 ? "5xx" : "other";
  return { kind: "retry", reason, message: `HTTP ${status}: ${message}`, retryAfterMs: retryAfter };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create InfluxDB writer: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot create InfluxDB writer: '${name}' must be a number >= 0: current value is ${value}`,
    );
  }
  return value;
}
