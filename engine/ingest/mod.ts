/**
 * Validation at the edge: MQTT topics, JSON telemetry and InfluxDB line
 * protocol are decoded into trusted `TelemetryPoint`s (engine/telemetry.ts), and everything
 * else into {@link Rejection}s with a reason, a message and the offending
 * fragment, which the dead-letter file keeps for later inspection.
 *
 * @module
 */

export {
  type DecodeOptions,
  type DecodeResult,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FUTURE_MS,
  RAW_LIMIT,
  type Rejection,
  type RejectReason,
  truncateRaw,
} from "./rejection.ts";
export { parseTelemetryTopic } from "./topic.ts";
export { decodeJsonTelemetry, type JsonDecodeOptions } from "./json_telemetry.ts";
export {
  decodeLineProtocol,
  encodeLineProtocol,
  type LineProtocolOptions,
  type Precision,
} from "./line_protocol.ts";
export { DeadLetterFile, type DeadLetterOptions, type DeadLetterRecord } from "./dead_letter.ts";
