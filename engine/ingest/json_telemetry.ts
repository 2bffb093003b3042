import type { MachineRef } from "../telemetry.ts";
import { isValidId } from "./_valid_id.ts";
import { type DecodeLimits, decodeLimits, utf8ByteLength } from "./_decode_limits.ts";
import { excerpt } from "./_excerpt.ts";
import { setMetric } from "./_metric_record.ts";
import { checkEpochMs, parseIsoDateTime } from "./_timestamp.ts";
import {
  type DecodeOptions,
  type DecodeResult,
  type Rejection,
  type RejectReason,
  truncateRaw,
} from "./rejection.ts";

/** Options of {@link decodeJsonTelemetry}. */
export interface JsonDecodeOptions extends DecodeOptions {
  /**
   * Reject (`bad_id`) points whose payload names a factory or machine other
   * than `defaults` (default false). Set it for MQTT, where the topic the
   * device may publish to decides which machine it speaks for.
   */
  readonly rejectOtherMachines?: boolean;
}

type JsonObject = Record<string, unknown>;

interface PointProblem {
  readonly reason: RejectReason;
  readonly message: string;
}

/** Per-payload state shared by the points of one batch. */
interface BatchContext {
  readonly defaults: Partial<MachineRef>;
  readonly limits: DecodeLimits;
  readonly rejectOtherMachines: boolean;
  readonly topFactory: unknown;
  readonly topMachine: unknown;
  /** The payload text when it holds a single point (its best raw fragment). */
  readonly singleText: string | undefined;
  readonly result: DecodeResult;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");
const ID_RULE = "[A-Za-z0-9_.-]{1,64}";
const NUMERIC_TS_HINT = "send epoch milliseconds";

/**
 * Decodes and validates one JSON telemetry payload (DESIGN "Public contracts"):
 *
 * - single point: `{"ts": 1714564800000, "metrics": {"temp": 21.5, "running": true}}`
 * - batch: `{"points": [{"ts": …, "metrics": {…}}, …]}`
 *
 * `ts` is epoch milliseconds or an ISO-8601 date-time with a zone; without it
 * the point takes `options.receivedAt`. Booleans become 1 / 0. The machine of
 * a point is its own `factory` / `machine`, else the payload's top-level
 * ones, else `defaults` (the MQTT topic or the HTTP query).
 *
 * **A point is stored entirely or not at all**: one bad metric (bad name,
 * non-number, non-finite) rejects its whole point, so a stored point never
 * silently lacks a metric the device sent. Rejection is per point: the other
 * points of a batch are kept. Only payload-wide failures — larger than
 * `maxBytes` (checked before parsing), invalid UTF-8 or JSON, not an object
 * with `metrics` or `points` — reject the payload as one. Each rejected point
 * names its first problem and how many more it had. Unknown keys are ignored;
 * an empty batch gives no points and no rejections.
 *
 * @example
 * ```ts
 * const { points, rejections } = decodeJsonTelemetry(
 *   '{"points":[{"metrics":{"temp":21.5}},{"metrics":{"temp":"hot"}}]}',
 *   { factory: "demo", machine: "press-01" },
 *   { receivedAt: Date.now() },
 * );
 * // points: [{ factory: "demo", machine: "press-01", ts: <receivedAt>, metrics: { temp: 21.5 } }]
 * // rejections: [{ reason: "bad_value", index: 1,
 * //   message: "metric 'temp' must be a number or boolean: got string \"hot\"", … }]
 * ```
 */
export function decodeJsonTelemetry(
  body: string | Uint8Array,
  defaults: Partial<MachineRef>,
  options: JsonDecodeOptions,
): DecodeResult {
  const limits = decodeLimits(options, "JSON telemetry");
  const result: DecodeResult = { points: [], rejections: [] };
  const isText = typeof body === "string";
  const size = isText ? utf8ByteLength(body, limits.maxBytes) : body.byteLength;
  if (size > limits.maxBytes) {
    rejectPayload(
      result,
      defaults,
      "payload_too_large",
      `payload of ${
        isText ? "at least " : ""
      }${size} bytes exceeds the limit of ${limits.maxBytes} bytes`,
      isText ? truncateRaw(body) : preview(body),
    );
    return result;
  }
  let text: string;
  if (isText) {
    text = body;
  } else {
    try {
      text = utf8.decode(body);
    } catch {
      // TextDecoder's only failure with fatal: true is invalid UTF-8; the message says so.
      rejectPayload(result, defaults, "bad_json", "payload is not valid UTF-8", preview(body));
      return result;
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : String(error);
    rejectPayload(
      result,
      defaults,
      "bad_json",
      `payload is not valid JSON: ${detail}`,
      truncateRaw(text),
    );
    return result;
  }
  if (!isObject(doc)) {
    rejectPayload(
      result,
      defaults,
      "bad_shape",
      `payload must be a JSON object with 'metrics' or 'points': got ${describe(doc)}`,
      truncateRaw(text),
    );
    return result;
  }
  const batch = doc.points;
  const single = batch === undefined;
  const context: BatchContext = {
    defaults,
    limits,
    rejectOtherMachines: options.rejectOtherMachines === true,
    topFactory: single ? undefined : doc.factory,
    topMachine: single ? undefined : doc.machine,
    singleText: single ? text : undefined,
    result,
  };
  if (single) {
    if (doc.metrics === undefined) {
      rejectPayload(
        result,
        defaults,
        "bad_shape",
        "payload has neither 'metrics' (one point) nor 'points' (a batch)",
        truncateRaw(text),
      );
    } else {
      decodePoint(doc, undefined, context);
    }
  } else if (doc.metrics !== undefined) {
    rejectPayload(
      result,
      defaults,
      "bad_shape",
      "payload has both 'metrics' and 'points'; send one point or a batch",
      truncateRaw(text),
    );
  } else if (!Array.isArray(batch)) {
    rejectPayload(
      result,
      defaults,
      "bad_shape",
      `'points' must be an array of points: got ${describe(batch)}`,
      truncateRaw(text),
    );
  } else {
    for (let i = 0; i < batch.length; i++) decodePoint(batch[i], i, context);
  }
  return result;
}

function decodePoint(value: unknown, index: number | undefined, context: BatchContext): void {
  if (!isObject(value)) {
    rejectPoint(context, value, index, undefined, {
      reason: "bad_shape",
      message: `a point must be an object with 'metrics': got ${describe(value)}`,
    });
    return;
  }
  const { defaults } = context;
  const factory = value.factory ?? context.topFactory ?? defaults.factory;
  const machine = value.machine ?? context.topMachine ?? defaults.machine;
  const idProblem = checkId("factory", factory, defaults.factory, context) ??
    checkId("machine", machine, defaults.machine, context);
  if (idProblem !== undefined) {
    rejectPoint(context, value, index, validRef(factory, machine), idProblem);
    return;
  }
  const metrics = value.metrics;
  if (!isObject(metrics)) {
    rejectPoint(context, value, index, validRef(factory, machine), {
      reason: "bad_shape",
      message: `'metrics' must be an object of metric name → number or boolean: got ${
        describe(metrics)
      }`,
    });
    return;
  }
  let ts: number;
  const rawTs = value.ts;
  let tsProblem: PointProblem | undefined;
  if (rawTs === undefined) {
    ts = context.limits.receivedAt;
  } else if (typeof rawTs === "number") {
    ts = rawTs;
    tsProblem = checkEpochMs(ts, context.limits, NUMERIC_TS_HINT);
  } else if (typeof rawTs === "string") {
    const parsed = parseIsoDateTime(rawTs);
    if (typeof parsed === "string") {
      ts = NaN;
      tsProblem = { reason: "bad_timestamp", message: parsed };
    } else {
      ts = parsed;
      tsProblem = checkEpochMs(ts, context.limits, undefined);
    }
  } else {
    ts = NaN;
    tsProblem = {
      reason: "bad_timestamp",
      message: `ts must be epoch milliseconds or an ISO-8601 string: got ${describe(rawTs)}`,
    };
  }
  if (tsProblem !== undefined) {
    rejectPoint(context, value, index, validRef(factory, machine), tsProblem);
    return;
  }

  const out: Record<string, number> = {};
  let count = 0;
  let problem: PointProblem | undefined;
  let moreProblems = 0;
  for (const name in metrics) {
    count++;
    const v = metrics[name];
    let found: PointProblem | undefined;
    let number = 0;
    if (!isValidId(name)) {
      found = {
        reason: "bad_metric_name",
        message: `metric name '${excerpt(name)}' must match ${ID_RULE}`,
      };
    } else if (typeof v === "number") {
      number = v;
      if (!Number.isFinite(v)) {
        found = { reason: "non_finite", message: `metric '${name}' is not finite: ${v}` };
      }
    } else if (typeof v === "boolean") {
      number = v ? 1 : 0;
    } else {
      found = {
        reason: "bad_value",
        message: `metric '${name}' must be a number or boolean: got ${describe(v)}`,
      };
    }
    if (found === undefined) {
      if (problem === undefined) setMetric(out, name, number);
    } else if (problem === undefined) {
      problem = found;
    } else {
      moreProblems++;
    }
  }
  if (count === 0) {
    problem = {
      reason: "bad_shape",
      message: "'metrics' is empty; a point needs at least one metric",
    };
  }
  if (problem !== undefined) {
    const message = moreProblems === 0
      ? problem.message
      : `${problem.message} (and ${moreProblems} more bad metric${
        moreProblems === 1 ? "" : "s"
      } in this point)`;
    rejectPoint(context, value, index, validRef(factory, machine), {
      reason: problem.reason,
      message,
    });
    return;
  }
  // checkId passed, so both ids are valid strings.
  context.result.points.push({
    factory: factory as string,
    machine: machine as string,
    ts,
    metrics: out,
  });
}

/** Why a point's effective id is unusable, if it is. */
function checkId(
  kind: "factory" | "machine",
  id: unknown,
  fallback: string | undefined,
  context: BatchContext,
): PointProblem | undefined {
  if (id === undefined) {
    return {
      reason: "bad_id",
      message: `the point names no ${kind}: give '${kind}' in the point or the payload, ` +
        `or publish to factories/{factory}/machines/{machine}/telemetry`,
    };
  }
  if (typeof id !== "string" || !isValidId(id)) {
    return {
      reason: "bad_id",
      message: `${kind} id ${describe(id)} must be a string matching ${ID_RULE}`,
    };
  }
  if (context.rejectOtherMachines && fallback !== undefined && id !== fallback) {
    return {
      reason: "bad_id",
      message: `the point names ${kind} '${id}' but was published for ${kind} '${fallback}'`,
    };
  }
  return undefined;
}

function validRef(factory: unknown, machine: unknown): Partial<MachineRef> | undefined {
  const f = typeof factory === "string" && isValidId(factory) ? factory : undefined;
  const m = typeof machine === "string" && isValidId(machine) ? machine : undefined;
  if (f === undefined && m === undefined) return undefined;
  return { factory: f, machine: m };
}

function rejectPoint(
  context: BatchContext,
  point: unknown,
  index: number | undefined,
  ref: Partial<MachineRef> | undefined,
  problem: PointProblem,
): void {
  // Re-serializing loses values JSON cannot hold (1e999 → null), so a single point keeps its
  // text.
  const raw = truncateRaw(context.singleText ?? JSON.stringify(point) ?? String(point));
  context.result.rejections.push(rejection(problem.reason, problem.message, index, ref, raw));
}

function rejectPayload(
  result: DecodeResult,
  defaults: Partial<MachineRef>,
  reason: RejectReason,
  message: string,
  raw: string,
): void {
  const ref = validRef(defaults.factory, defaults.machine);
  result.rejections.push(rejection(reason, message, undefined, ref, raw));
}

/** A rejection without undefined keys, so it compares and serializes cleanly. */
function rejection(
  reason: RejectReason,
  message: string,
  index: number | undefined,
  ref: Partial<MachineRef> | undefined,
  raw: string,
): Rejection {
  const out: { -readonly [K in keyof Rejection]: Rejection[K] } = { reason, message };
  if (index !== undefined) out.index = index;
  if (ref?.factory !== undefined) out.factory = ref.factory;
  if (ref?.machine !== undefined) out.machine = ref.machine;
  out.raw = raw;
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value for messages: its type and, for scalars, the value. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `string ${JSON.stringify(excerpt(value, 40))}`;
    case "object":
      return "an object";
    default:
      return `${typeof value} ${String(value)}`;
  }
}

function preview(bytes: Uint8Array): string {
  return truncateRaw(lenientUtf8.decode(bytes.subarray(0, 800)));
}
