import { excerpt } from "./_excerpt.ts";
import type { TelemetryPoint } from "../telemetry.ts";

/**
 * Why input was rejected at the edge. Each reason is counted separately, so
 * an operator can tell a device with a wrong clock (`future_timestamp`) from
 * one sending garbage (`bad_json`).
 */
export type RejectReason =
  | "bad_json"
  | "bad_shape"
  | "bad_topic"
  | "bad_id"
  | "bad_metric_name"
  | "bad_value"
  | "non_finite"
  | "bad_timestamp"
  | "future_timestamp"
  | "payload_too_large"
  | "bad_line"
  /** The credential may not write to the point's factory or machine. */
  | "forbidden";

/**
 * One piece of input that was not accepted, and why.
 *
 * @example
 * ```ts
 * const rejection: Rejection = {
 *   reason: "non_finite",
 *   message: "metric 'temp' is not finite: Infinity",
 *   index: 3,
 *   factory: "demo",
 *   machine: "press-01",
 * };
 * ```
 */
export interface Rejection {
  readonly reason: RejectReason;
  /** For humans: what was wrong, with the offending value. */
  readonly message: string;
  /** 0-based point index in a JSON batch, or 1-based line number in line protocol. */
  readonly index?: number;
  /** The machine the input was for, when it could be told (and is a valid id). */
  readonly factory?: string;
  readonly machine?: string;
  /** The offending fragment, at most {@link RAW_LIMIT} characters. */
  readonly raw?: string;
}

/** What a decoder made of one payload: the valid points and a rejection for each invalid one. */
export interface DecodeResult {
  readonly points: TelemetryPoint[];
  readonly rejections: Rejection[];
}

/** Limits every decoder applies. */
export interface DecodeOptions {
  /** Receive time (epoch ms): the timestamp of points that carry none, and "now" for future checks. */
  readonly receivedAt: number;
  /** Largest payload accepted, in UTF-8 bytes (default {@link DEFAULT_MAX_BYTES}). */
  readonly maxBytes?: number;
  /** How far ahead of `receivedAt` a timestamp may be (default {@link DEFAULT_MAX_FUTURE_MS}). */
  readonly maxFutureMs?: number;
}

/** Default {@link DecodeOptions.maxBytes}: 256 KiB. */
export const DEFAULT_MAX_BYTES = 262_144;

/** Default {@link DecodeOptions.maxFutureMs}: 5 minutes. */
export const DEFAULT_MAX_FUTURE_MS = 300_000;

/** Longest {@link Rejection.raw} fragment, in UTF-16 code units. */
export const RAW_LIMIT = 200;

/**
 * Cuts `text` to at most {@link RAW_LIMIT} characters for {@link Rejection.raw},
 * ending in "…" when it was cut, without splitting a surrogate pair.
 *
 * @example
 * ```ts
 * truncateRaw("short"); // "short"
 * truncateRaw("x".repeat(500)).length; // 200
 * ```
 */
export function truncateRaw(text: string): string {
  return excerpt(text, RAW_LIMIT);
}
