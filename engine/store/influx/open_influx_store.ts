import { InfluxDB } from "@influxdata/influxdb-client";
import { join } from "node:path";
import type { Clock } from "../../clock.ts";
import type { InfluxConfig } from "../../config.ts";
import type { EngineMetrics } from "../../metrics.ts";
import { InfluxStore } from "./influx_store.ts";
import { type DeadLetterSink, InfluxWriter, type InfluxWriterOptions } from "./influx_writer.ts";
import { influxWriteRequest } from "./influx_write_request.ts";
import { type MachineLinesSummary, summarizeTelemetryLines } from "./telemetry_lines.ts";
import { WriteSpool, type WriteSpoolOptions } from "./write_spool.ts";

/** History of one machine dropped from the spool to keep its byte bound. */
export interface HistoryDropped extends MachineLinesSummary {
  /** When it was dropped (epoch ms). */
  readonly ts: number;
}

/** What {@link openInfluxStore} needs. */
export interface OpenInfluxStoreOptions {
  readonly influx: InfluxConfig;
  /** The spool lives in `<dataDir>/influx-spool`. */
  readonly dataDir: string;
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  readonly deadLetter: DeadLetterSink;
  /** Told, per machine, about history dropped to keep the spool's bound. */
  readonly onHistoryDropped?: (dropped: HistoryDropped) => void;
  readonly log?: (message: string) => void;
  /** Overrides for tests and tuning. */
  readonly spool?: Partial<Pick<WriteSpoolOptions, "maxBytes" | "segmentBytes" | "recordLines">>;
  readonly writer?: Partial<
    Pick<InfluxWriterOptions, "batchLines" | "batchBytes" | "lingerMs" | "backoff" | "random">
  >;
  /** Longest wait for one write request (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/**
 * Opens the spool (replaying what an earlier run left), starts the writer
 * and returns the store, all talking to the configured InfluxDB.
 *
 * @example
 * ```ts
 * import type { Clock } from "../../clock.ts";
 * import type { Config, InfluxConfig } from "../../config.ts";
 * import type { EngineMetrics } from "../../metrics.ts";
 * import type { DeadLetterSink } from "./influx_writer.ts";
 * declare const config: Config & { influx: InfluxConfig }; // INFLUX_URL is set
 * declare const clock: Clock, metrics: EngineMetrics, deadLetter: DeadLetterSink;
 *
 * const store = await openInfluxStore({
 *   influx: config.influx,
 *   dataDir: config.dataDir,
 *   clock,
 *   metrics,
 *   deadLetter,
 * });
 * await store.close(); // stops the writer; unsent points stay spooled
 * ```
 */
export async function openInfluxStore(options: OpenInfluxStoreOptions): Promise<InfluxStore> {
  const log = options.log ?? ((message: string) => console.error(message));
  const client = new InfluxDB({ url: options.influx.url, token: options.influx.token });
  const spool = await WriteSpool.open({
    dir: join(options.dataDir, "influx-spool"),
    clock: options.clock,
    metrics: options.metrics,
    log,
    ...options.spool,
    onDrop: (drop) => {
      const { machines, unknown } = summarizeTelemetryLines(drop.lines);
      log(
        `influx spool: over its bound of bytes, dropped the oldest ${drop.points} points (${drop.bytes} bytes, spooled between ${
          new Date(drop.firstAppendedAt).toISOString()
        } and ${new Date(drop.lastAppendedAt).toISOString()}) of ${machines.length} machine(s)${
          unknown > 0 ? ` and ${unknown} line(s) of unknown shape` : ""
        }; InfluxDB has been unreachable too long`,
      );
      const ts = options.clock.now();
      for (const machine of machines) options.onHistoryDropped?.({ ...machine, ts });
    },
  });
  const writer = new InfluxWriter(
    spool,
    influxWriteRequest(client, {
      org: options.influx.org,
      bucket: options.influx.bucket,
      timeoutMs: options.requestTimeoutMs,
    }),
    {
      clock: options.clock,
      metrics: options.metrics,
      deadLetter: options.deadLetter,
      log,
      ...options.writer,
    },
  );
  writer.start();
  return new InfluxStore({
    bucket: options.influx.bucket,
    queries: client.getQueryApi(options.influx.org),
    spool,
    writer,
  });
}
