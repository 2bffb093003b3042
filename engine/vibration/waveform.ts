import { type DecodeLimits, decodeLimits } from "../ingest/_decode_limits.ts";
// The telemetry timestamp rule, shared on purpose: a waveform's ts is read exactly like a point's.
import { checkEpochMs, parseIsoDateTime } from "../ingest/_timestamp.ts";
import { type Rejection, type RejectReason, truncateRaw } from "../ingest/rejection.ts";
import type { MachineRef } from "../telemetry.ts";

/** Axis ids: letters, digits, `_` and `-`, at most 16 (they become part of metric names). */
export const AXIS_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;

/** Fewest and most samples a waveform may carry. */
export const MIN_SAMPLES = 64;
export const MAX_SAMPLES = 65_536;

/** Highest sample rate accepted, Hz. */
export const MAX_SAMPLE_RATE_HZ = 1_000_000;

/**
 * Largest waveform payload, bytes: 1 MiB. Telemetry's 256 KiB would cap a
 * JSON number array near 20,000 samples; 65,536 samples take about 0.35 MiB
 * as base64 float32 and up to ~1 MiB as JSON numbers with full precision, so
 * 1 MiB admits every valid waveform while still bounding memory per message.
 */
export const WAVEFORM_MAX_BYTES = 1_048_576;

/** One validated acceleration record of one axis of one machine. */
export interface Waveform extends MachineRef {
  /** Epoch ms of the record (its start). */
  readonly ts: number;
  readonly axis: string;
  readonly sampleRateHz: number;
  /** Acceleration, m/s². */
  readonly samples: Float64Array;
}

/** Options of {@link decodeWaveform}: as for telemetry, with a 1 MiB default size limit. */
export interface WaveformDecodeOptions {
  readonly receivedAt: number;
  /** Default {@link WAVEFORM_MAX_BYTES}. */
  readonly maxBytes?: number;
  /** Default 5 minutes, as telemetry. */
  readonly maxFutureMs?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/**
 * Decodes and validates one waveform payload published to
 * `factories/{f}/machines/{m}/waveform`:
 * `{"ts": …, "axis": "x", "sampleRateHz": 5120, "samples": [0.1, …] | "<base64>"}`,
 * where a string of samples is base64 of little-endian float32 values. `ts`
 * follows the telemetry rule (epoch ms or ISO-8601 with a zone, optional,
 * not more than `maxFutureMs` ahead). A bad payload gives a
 * {@link Rejection} with a reason (`payload_too_large`, `bad_json`,
 * `bad_shape`, `bad_id`, `bad_value`, `non_finite`, `bad_timestamp`,
 * `future_timestamp`), never an exception.
 *
 * @example
 * ```ts
 * const result = decodeWaveform(
 *   JSON.stringify({ axis: "x", sampleRateHz: 5120, samples: new Array(4096).fill(0) }),
 *   { factory: "demo", machine: "fan-01" },
 *   { receivedAt: Date.now() },
 * );
 * if ("waveform" in result) console.log(result.waveform.samples.length); // 4096
 * ```
 */
export function decodeWaveform(
  payload: string | Uint8Array,
  ref: MachineRef,
  options: WaveformDecodeOptions,
): { readonly waveform: Waveform } | { readonly rejection: Rejection } {
  const limits = decodeLimits(
    { ...options, maxBytes: options.maxBytes ?? WAVEFORM_MAX_BYTES },
    "a waveform",
  );
  const reject = (reason: RejectReason, message: string) => ({
    rejection: { reason, message, raw: preview(payload), ...ref },
  });
  const size = typeof payload === "string" ? payload.length : payload.byteLength;
  if (size > limits.maxBytes) {
    return reject(
      "payload_too_large",
      `waveform payload of ${
        typeof payload === "string" ? "at least " : ""
      }${size} bytes exceeds the limit of ${limits.maxBytes} bytes`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(typeof payload === "string" ? payload : utf8.decode(payload));
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : "payload is not valid UTF-8";
    return reject("bad_json", `waveform payload is not valid JSON: ${detail}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return reject(
      "bad_shape",
      "waveform payload must be a JSON object {ts, axis, sampleRateHz, samples}",
    );
  }
  const body = doc as Record<string, unknown>;
  const axis = body.axis;
  if (typeof axis !== "string" || !AXIS_PATTERN.test(axis)) {
    return reject(
      "bad_id",
      `'axis' must match ${AXIS_PATTERN.source.slice(1, -1)}: got ${describe(axis)}`,
    );
  }
  const rate = body.sampleRateHz;
  if (
    typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0 || rate > MAX_SAMPLE_RATE_HZ
  ) {
    return reject(
      typeof rate === "number" && !Number.isFinite(rate) ? "non_finite" : "bad_value",
      `'sampleRateHz' must be a finite number > 0 and <= ${MAX_SAMPLE_RATE_HZ}: got ${
        describe(rate)
      }`,
    );
  }
  const ts = readTs(body.ts, limits);
  if (typeof ts !== "number") return { rejection: { ...ts, raw: preview(payload), ...ref } };
  const samples = readSamples(body.samples);
  if (!(samples instanceof Float64Array)) {
    return { rejection: { ...samples, raw: preview(payload), ...ref } };
  }
  return { waveform: { ...ref, ts, axis, sampleRateHz: rate, samples } };
}

type Problem = { readonly reason: RejectReason; readonly message: string };

function readTs(raw: unknown, limits: DecodeLimits): number | Problem {
  if (raw === undefined) return limits.receivedAt;
  let ts: number;
  if (typeof raw === "number") {
    ts = raw;
  } else if (typeof raw === "string") {
    const parsed = parseIsoDateTime(raw);
    if (typeof parsed === "string") return { reason: "bad_timestamp", message: parsed };
    ts = parsed;
  } else {
    return {
      reason: "bad_timestamp",
      message: `ts must be epoch milliseconds or an ISO-8601 string: got ${describe(raw)}`,
    };
  }
  const problem = checkEpochMs(
    ts,
    limits,
    typeof raw === "number" ? "send epoch milliseconds" : undefined,
  );
  return problem ?? ts;
}

function readSamples(raw: unknown): Float64Array | Problem {
  const countProblem = (count: number): Problem | undefined =>
    count < MIN_SAMPLES || count > MAX_SAMPLES
      ? {
        reason: "bad_shape",
        message: `a waveform needs ${MIN_SAMPLES} to ${MAX_SAMPLES} samples: got ${count}`,
      }
      : undefined;
  if (Array.isArray(raw)) {
    const problem = countProblem(raw.length);
    if (problem !== undefined) return problem;
    const out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (typeof v !== "number") {
        return { reason: "bad_value", message: `sample ${i} must be a number: got ${describe(v)}` };
      }
      // JSON has no Infinity, but 1e999 parses to it.
      if (!Number.isFinite(v)) {
        return { reason: "non_finite", message: `sample ${i} is not finite: ${v}` };
      }
      out[i] = v;
    }
    return out;
  }
  if (typeof raw === "string") {
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(raw), (c) => c.charCodeAt(0));
    } catch {
      return {
        reason: "bad_value",
        message: "'samples' is a string but not valid base64 (of little-endian float32 values)",
      };
    }
    if (bytes.length % 4 !== 0) {
      return {
        reason: "bad_value",
        message:
          `base64 'samples' decode to ${bytes.length} bytes, not a whole number of float32 values`,
      };
    }
    const count = bytes.length / 4;
    const problem = countProblem(count);
    if (problem !== undefined) return problem;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = view.getFloat32(i * 4, true);
      if (!Number.isFinite(v)) {
        return { reason: "non_finite", message: `sample ${i} is not finite: ${v}` };
      }
      out[i] = v;
    }
    return out;
  }
  return {
    reason: "bad_shape",
    message: `'samples' must be an array of numbers or base64 float32: got ${describe(raw)}`,
  };
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `string ${truncateRaw(JSON.stringify(value)).slice(0, 60)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function preview(payload: string | Uint8Array): string {
  return truncateRaw(
    typeof payload === "string" ? payload.slice(0, 200) : lenient.decode(payload.subarray(0, 200)),
  );
}
