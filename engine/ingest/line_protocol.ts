import type { MachineRef, TelemetryPoint } from "../telemetry.ts";
import { isValidId } from "./_valid_id.ts";
import { type DecodeLimits, decodeLimits, utf8ByteLength } from "./_decode_limits.ts";
import { excerpt } from "./_excerpt.ts";
import { parseLine } from "./_line_parser.ts";
import { setMetric } from "./_metric_record.ts";
import { checkEpochMs } from "./_timestamp.ts";
import {
  type DecodeOptions,
  type DecodeResult,
  type Rejection,
  type RejectReason,
  truncateRaw,
} from "./rejection.ts";

/** Unit of line-protocol timestamps (InfluxDB's `precision` write parameter). */
export type Precision = "ns" | "us" | "ms" | "s";

/** Options of {@link decodeLineProtocol}. */
export interface LineProtocolOptions extends DecodeOptions {
  /** Unit of the timestamps in the text (default "ns", as InfluxDB). */
  readonly precision?: Precision;
}

const PRECISIONS: ReadonlySet<string> = new Set(["ns", "us", "ms", "s"]);
const ID_RULE = "[A-Za-z0-9_.-]{1,64}";

/**
 * Decodes InfluxDB line protocol
 * (`measurement[,tag=value…] field=value[,field=value…] [timestamp]`) into
 * telemetry points, one per line. Tags `factory` and `machine` name the
 * machine (else `defaults`); other tags and the measurement name are ignored.
 * Every field is a metric: floats, `i` integers, `u` unsigned integers and
 * booleans (→ 1 / 0) are accepted, string fields are not (`bad_value`).
 * Escapes (`\,` `\ ` `\=` `\\` in names, `\"` `\\` in strings), blank lines
 * and `#` comments are handled; a string field cannot span lines.
 *
 * As with JSON, **a line is stored entirely or not at all**: one bad field
 * rejects its line, with `index` = the 1-based line number. Only a payload
 * over `maxBytes` is rejected as a whole. A line without a timestamp takes
 * `options.receivedAt`; timestamps are cut to whole milliseconds.
 *
 * @example
 * ```ts
 * const { points } = decodeLineProtocol(
 *   "telemetry,factory=demo,machine=press-01 oil_temp=48.2,running=t 1714564800000000000",
 *   {},
 *   { receivedAt: Date.now() },
 * );
 * // [{ factory: "demo", machine: "press-01", ts: 1714564800000,
 * //   metrics: { oil_temp: 48.2, running: 1 } }]
 * ```
 */
export function decodeLineProtocol(
  text: string,
  defaults: Partial<MachineRef>,
  options: LineProtocolOptions,
): DecodeResult {
  const limits = decodeLimits(options, "line protocol");
  const precision = options.precision ?? "ns";
  if (!PRECISIONS.has(precision)) {
    throw new RangeError(
      `Cannot decode line protocol: 'precision' must be one of ns, us, ms, s: current value is ${precision}`,
    );
  }
  const result: DecodeResult = { points: [], rejections: [] };
  const size = utf8ByteLength(text, limits.maxBytes);
  if (size > limits.maxBytes) {
    result.rejections.push(rejection(
      "payload_too_large",
      `payload of at least ${size} bytes exceeds the limit of ${limits.maxBytes} bytes`,
      undefined,
      validId(defaults.factory),
      validId(defaults.machine),
      truncateRaw(text),
    ));
    return result;
  }
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let stop = text.indexOf("\n", start);
    if (stop === -1) stop = text.length;
    lineNumber++;
    decodeLine(text.slice(start, stop), lineNumber, defaults, limits, precision, result);
    start = stop + 1;
  }
  return result;
}

function decodeLine(
  line: string,
  lineNumber: number,
  defaults: Partial<MachineRef>,
  limits: DecodeLimits,
  precision: Precision,
  result: DecodeResult,
): void {
  const parsed = parseLine(line);
  if (parsed === undefined) return;
  if ("reason" in parsed) {
    result.rejections.push(rejection(
      parsed.reason,
      `line ${lineNumber}: ${parsed.message}`,
      lineNumber,
      validId(defaults.factory),
      validId(defaults.machine),
      truncateRaw(line),
    ));
    return;
  }
  let factory: string | undefined = defaults.factory;
  let machine: string | undefined = defaults.machine;
  for (const [key, value] of parsed.tags) {
    if (key === "factory") factory = value;
    else if (key === "machine") machine = value;
  }
  const reject = (reason: RejectReason, message: string) =>
    result.rejections.push(rejection(
      reason,
      `line ${lineNumber}: ${message}`,
      lineNumber,
      validId(factory),
      validId(machine),
      truncateRaw(line),
    ));
  const idProblem = checkId("factory", factory) ?? checkId("machine", machine);
  if (idProblem !== undefined) {
    reject("bad_id", idProblem);
    return;
  }

  let ts = limits.receivedAt;
  if (parsed.timestamp !== undefined) {
    ts = toEpochMs(parsed.timestamp, precision);
    const problem = checkEpochMs(
      ts,
      limits,
      `timestamp ${parsed.timestamp} was read with precision '${precision}'; ` +
        `send the precision (ns, us, ms, s) that matches the device's timestamps`,
    );
    if (problem !== undefined) {
      reject(problem.reason, problem.message);
      return;
    }
  }

  const metrics: Record<string, number> = {};
  let first: [RejectReason, string] | undefined;
  let more = 0;
  for (const [name, value] of parsed.fields) {
    let problem: [RejectReason, string] | undefined;
    let number = 0;
    if (!isValidId(name)) {
      problem = ["bad_metric_name", `field name '${excerpt(name)}' must match ${ID_RULE}`];
    } else if (typeof value === "string") {
      problem = [
        "bad_value",
        `field '${name}' is a string (${JSON.stringify(excerpt(value))}); ` +
        `telemetry takes numbers and booleans`,
      ];
    } else if (typeof value === "boolean") {
      number = value ? 1 : 0;
    } else if (!Number.isFinite(value)) {
      problem = ["non_finite", `field '${name}' is not finite: ${value}`];
    } else {
      number = value;
    }
    if (problem === undefined) {
      if (first === undefined) setMetric(metrics, name, number);
    } else if (first === undefined) {
      first = problem;
    } else {
      more++;
    }
  }
  if (first !== undefined) {
    reject(
      first[0],
      more === 0 ? first[1] : `${first[1]} (and ${more} more bad field${more === 1 ? "" : "s"})`,
    );
    return;
  }
  result.points.push({ factory: factory as string, machine: machine as string, ts, metrics });
}

function checkId(kind: "factory" | "machine", id: string | undefined): string | undefined {
  if (id === undefined) {
    return `the line names no ${kind}: add a '${kind}' tag or give it with the request`;
  }
  if (!isValidId(id)) return `${kind} id '${excerpt(id)}' must match ${ID_RULE}`;
  return undefined;
}

function validId(id: string | undefined): string | undefined {
  return id !== undefined && isValidId(id) ? id : undefined;
}

// Digits below the millisecond for each precision (negative: above it).
const SUB_MS_DIGITS: Readonly<Record<Precision, number>> = { ns: 6, us: 3, ms: 0, s: -3 };

/**
 * Converts the timestamp digits to whole epoch ms, dropping sub-millisecond
 * digits (the engine keeps milliseconds). Cutting the digits as text keeps
 * 19-digit nanoseconds exact, which a double could not hold.
 */
function toEpochMs(digits: string, precision: Precision): number {
  const shift = SUB_MS_DIGITS[precision];
  if (shift <= 0) return Number(digits) * 10 ** -shift;
  const negative = digits.charCodeAt(0) === 0x2d;
  const body = negative ? digits.slice(1) : digits;
  const ms = body.length <= shift ? 0 : Number(body.slice(0, -shift));
  return negative ? -ms : ms;
}

function rejection(
  reason: RejectReason,
  message: string,
  index: number | undefined,
  factory: string | undefined,
  machine: string | undefined,
  raw: string,
): Rejection {
  const out: { -readonly [K in keyof Rejection]: Rejection[K] } = { reason, message };
  if (index !== undefined) out.index = index;
  if (factory !== undefined) out.factory = factory;
  if (machine !== undefined) out.machine = machine;
  out.raw = raw;
  return out;
}

/**
 * Writes one point as a line of InfluxDB line protocol with nanosecond
 * timestamp: tags `factory` and `machine`, one float field per metric (no
 * `i` suffix, so a metric keeps one type whatever its values). Names are
 * escaped (`,` `=` space and `\`), so the line reads back through
 * {@link decodeLineProtocol} to the same point.
 *
 * @example
 * ```ts
 * encodeLineProtocol({
 *   factory: "demo",
 *   machine: "press-01",
 *   ts: 1714564800000,
 *   metrics: { oil_temp: 48.2 },
 * });
 * // "telemetry,factory=demo,machine=press-01 oil_temp=48.2 1714564800000000000"
 * ```
 */
export function encodeLineProtocol(point: TelemetryPoint, measurement = "telemetry"): string {
  if (measurement.length === 0 || measurement.charCodeAt(0) === 0x23) {
    throw new RangeError(
      `Cannot encode line protocol: 'measurement' must be non-empty and not start with '#': current value is '${measurement}'`,
    );
  }
  let fields = "";
  for (const name in point.metrics) {
    const value = point.metrics[name];
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `Cannot encode line protocol: metric '${name}' is not finite: ${value}`,
      );
    }
    if (fields.length > 0) fields += ",";
    fields += `${escapeName(name, "metric name", NAME_SPECIALS)}=${
      Object.is(value, -0) ? "-0" : String(value)
    }`;
  }
  if (fields.length === 0) {
    throw new RangeError(
      `Cannot encode line protocol: point of ${point.factory}/${point.machine} has no metrics`,
    );
  }
  return `${escapeName(measurement, "measurement", MEASUREMENT_SPECIALS)},factory=${
    escapeName(point.factory, "factory", NAME_SPECIALS)
  },machine=${escapeName(point.machine, "machine", NAME_SPECIALS)} ${fields} ${
    epochMsToNs(point.ts)
  }`;
}

// InfluxDB reads '=' in a measurement literally, so only tag and field names escape it.
const MEASUREMENT_SPECIALS = /[\\, ]/g;
const NAME_SPECIALS = /[\\, =]/g;

function escapeName(name: string, what: string, specials: RegExp): string {
  if (name.length === 0 || name.includes("\n")) {
    throw new RangeError(
      `Cannot encode line protocol: ${what} must be non-empty and hold no line break: current value is ${
        JSON.stringify(name)
      }`,
    );
  }
  return name.replace(specials, "\\$&");
}

function epochMsToNs(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `Cannot encode line protocol: 'ts' must be finite: current value is ${ms}`,
    );
  }
  const whole = Math.trunc(ms);
  // Text, not ms * 1e6: a double cannot hold 19-digit nanoseconds exactly.
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}
