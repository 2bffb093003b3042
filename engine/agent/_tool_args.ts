/**
 * Reading the arguments a model passes to a tool. Models get names, types
 * and bounds wrong; every check fails with a {@link ToolArgumentError} whose
 * message tells the model what to send instead, and the loop hands that
 * message back as the tool's result.
 */
import { ID_PATTERN } from "../telemetry.ts";

/** A tool was called with arguments it cannot use; the message is for the model. */
export class ToolArgumentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ToolArgumentError";
  }
}

/** The arguments object of a call (`{}` for empty text). */
export function parseArguments(tool: string, text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ToolArgumentError(`${tool}: the arguments are not JSON: ${excerpt(text)}`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ToolArgumentError(`${tool}: the arguments must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** An id (machine, metric) or undefined when absent. */
export function optionalId(tool: string, args: Record<string, unknown>, name: string) {
  const value = args[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    throw new ToolArgumentError(
      `${tool}: '${name}' must match ${ID_PATTERN.source}: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

/** An integer within bounds, `fallback` when absent. */
export function boundedInteger(
  tool: string,
  args: Record<string, unknown>,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  const value = args[name];
  if (value === undefined || value === null) return bounds.fallback;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < bounds.min || n > bounds.max) {
    throw new ToolArgumentError(
      `${tool}: '${name}' must be an integer from ${bounds.min} to ${bounds.max}: ` +
        `current value is ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** One of `allowed`, `fallback` when absent. */
export function oneOf<T extends string>(
  tool: string,
  args: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = args[name];
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new ToolArgumentError(
      `${tool}: '${name}' must be one of ${allowed.join(", ")}: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  return value as T;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A time: epoch ms, ISO-8601, `now`, or `now-2h` / `-30m` relative to `now`;
 * `fallback` when absent.
 */
export function timeArgument(
  tool: string,
  args: Record<string, unknown>,
  name: string,
  now: number,
  fallback: number,
): number {
  const value = args[name];
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value === "number" && Number.isFinite(value)) return Math.round(value);
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "now") return now;
    const relative = /^(?:now)?\s*-\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)$/.exec(text);
    if (relative !== null) return now - Math.round(Number(relative[1]) * UNIT_MS[relative[2]]);
    if (/^\d{10,}$/.test(text)) return Number(text);
    const parsed = Date.parse(text);
    if (!Number.isNaN(parsed) && /^\d{4}-\d{2}-\d{2}/.test(text)) return parsed;
  }
  throw new ToolArgumentError(
    `${tool}: '${name}' must be ISO-8601 (2026-11-23T10:00:00Z), epoch ms, 'now' or ` +
      `relative like 'now-2h': current value is ${JSON.stringify(value)}`,
  );
}

/** A duration: ms as a number, or `30s`, `5m`, `1h`, `1d`; undefined when absent. */
export function durationArgument(
  tool: string,
  args: Record<string, unknown>,
  name: string,
): number | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value) && value >= 1) return Math.round(value);
  if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)?$/.exec(value.trim());
    if (match !== null) {
      const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? "ms"]);
      if (ms >= 1) return ms;
    }
  }
  throw new ToolArgumentError(
    `${tool}: '${name}' must be a duration like 30s, 5m, 1h or ms as a number: ` +
      `current value is ${JSON.stringify(value)}`,
  );
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
