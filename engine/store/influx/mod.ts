/**
 * The InfluxDB 2 backend of the time-series store: points go through an
 * on-disk spool to InfluxDB (no loss while it is away), reads are Flux.
 *
 * @module
 */

export {
  type HistoryDropped,
  openInfluxStore,
  type OpenInfluxStoreOptions,
} from "./open_influx_store.ts";
export { InfluxStore, type InfluxStoreParts } from "./influx_store.ts";
export {
  type DeadLetterSink,
  InfluxWriter,
  type InfluxWriterOptions,
  type WriteRequest,
} from "./influx_writer.ts";
export { influxWriteRequest, type WriteTarget } from "./influx_write_request.ts";
export {
  type ReadLimits,
  type SpoolBatch,
  type SpoolDrop,
  type SpoolPosition,
  WriteSpool,
  type WriteSpoolOptions,
} from "./write_spool.ts";
export { MEASUREMENT, toTelemetryLines } from "./telemetry_lines.ts";
