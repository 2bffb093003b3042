import type { MachineStatus } from "../events.ts";
import { ID_PATTERN } from "../telemetry.ts";
import { formatDuration } from "./_explain_format.ts";
import {
  type ComparisonOp,
  type Condition,
  type FlappingPolicy,
  type Predicate,
  type RangeOp,
  type Rule,
  type RuleScope,
  SEVERITIES,
} from "./rule.ts";
import {
  dateNumber,
  type DateRange,
  minuteOfDay,
  type RuleSchedule,
  type TimeOfDayRange,
  type Weekday,
  WEEKDAYS,
} from "./schedule.ts";

/** One thing wrong with a rule: where (a JSON pointer into the input) and what. */
export interface RuleValidationError {
  readonly path: string;
  readonly message: string;
}

/** The outcome of {@link validateRule}. */
export type RuleValidation =
  | { readonly ok: true; readonly rule: Rule }
  | { readonly ok: false; readonly errors: readonly RuleValidationError[] };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Bounds on a condition tree, so evaluating a rule stays cheap. */
const MAX_DEPTH = 12;
const MAX_NODES = 200;
const COMPARISONS: readonly ComparisonOp[] = [">", ">=", "<", "<="];
const METRIC_OPS: readonly (ComparisonOp | RangeOp)[] = [...COMPARISONS, "between", "outside"];
const KINDS = [
  "metric",
  "rate",
  "anomaly",
  "anomaly_score",
  "forecast_crosses",
  "no_data",
  "status",
] as const;
const STATUSES: readonly MachineStatus[] = ["normal", "anomalous", "stale", "quarantined"];
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

type Json = Record<string, unknown>;

interface TreeContext {
  /** Which tree: hysteresis belongs to the raise condition only. */
  readonly tree: "condition" | "clear";
  readonly hasExplicitClear: boolean;
  nodes: number;
}

/**
 * Checks a rule as it arrives (HTTP body, stored JSON) and returns it typed,
 * with defaults filled in (`enabled` true, `forMs` and `cooldownMs` 0), or
 * every problem found, each with a JSON pointer to the offending part:
 *
 * ```json
 * { "path": "/condition/any/1/value", "message": "must be a finite number: got \"90\"" }
 * ```
 *
 * Unknown fields are errors (a misspelt `clearValue` must not silently
 * disable hysteresis). Durations are integer milliseconds.
 *
 * @example
 * ```ts
 * import type { Rule } from "./rule.ts";
 *
 * declare function save(rule: Rule): void;
 *
 * async function createRule(request: Request): Promise<Response> {
 *   const result = validateRule(await request.json());
 *   if (!result.ok) return Response.json({ errors: result.errors }, { status: 422 });
 *   save(result.rule);
 *   return new Response(null, { status: 201 });
 * }
 * ```
 */
export function validateRule(input: unknown): RuleValidation {
  const errors: RuleValidationError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  const rule = readRule(input, fail);
  return errors.length === 0 && rule !== undefined ? { ok: true, rule } : { ok: false, errors };
}

type Fail = (path: string, message: string) => void;

function readRule(input: unknown, fail: Fail): Rule | undefined {
  const object = readObject(input, "", "a rule object", fail, [
    "id",
    "name",
    "version",
    "enabled",
    "scope",
    "condition",
    "clear",
    "forMs",
    "severity",
    "cooldownMs",
    "schedule",
    "flapping",
  ]);
  if (object === undefined) return undefined;
  const id = readKey(object.id, "/id", fail);
  const name = readName(object.name, "/name", fail);
  const version = readInteger(object.version, "/version", 1, Number.MAX_SAFE_INTEGER, fail);
  const enabled = object.enabled === undefined
    ? true
    : readBoolean(object.enabled, "/enabled", fail);
  const scope = readScope(object.scope, fail);
  const hasExplicitClear = object.clear !== undefined;
  const condition = readCondition(object.condition, "/condition", 0, fail, {
    tree: "condition",
    hasExplicitClear,
    nodes: 0,
  });
  const clear = hasExplicitClear
    ? readCondition(object.clear, "/clear", 0, fail, {
      tree: "clear",
      hasExplicitClear,
      nodes: 0,
    })
    : undefined;
  const forMs = object.forMs === undefined
    ? 0
    : readDuration(object.forMs, "/forMs", 0, 30 * DAY, fail);
  const severity = readOneOf(object.severity, "/severity", SEVERITIES, fail);
  const cooldownMs = object.cooldownMs === undefined
    ? 0
    : readDuration(object.cooldownMs, "/cooldownMs", 0, 30 * DAY, fail);
  const schedule = object.schedule === undefined ? undefined : readSchedule(object.schedule, fail);
  const flapping = object.flapping === undefined ? undefined : readFlapping(object.flapping, fail);
  if (
    id === undefined || name === undefined || version === undefined || enabled === undefined ||
    scope === undefined || condition === undefined || (hasExplicitClear && clear === undefined) ||
    forMs === undefined || severity === undefined || cooldownMs === undefined ||
    (object.schedule !== undefined && schedule === undefined) ||
    (object.flapping !== undefined && flapping === undefined)
  ) {
    return undefined;
  }
  return {
    id,
    name,
    version,
    enabled,
    scope,
    condition,
    ...(clear !== undefined ? { clear } : {}),
    forMs,
    severity,
    cooldownMs,
    ...(schedule !== undefined ? { schedule } : {}),
    ...(flapping !== undefined ? { flapping } : {}),
  };
}

function readScope(input: unknown, fail: Fail): RuleScope | undefined {
  const object = readObject(input, "/scope", "a scope object", fail, [
    "factory",
    "machineTypes",
    "machines",
  ]);
  if (object === undefined) return undefined;
  const factory = readId(object.factory, "/scope/factory", fail);
  const machineTypes = object.machineTypes === undefined
    ? undefined
    : readIdList(object.machineTypes, "/scope/machineTypes", fail);
  const machines = object.machines === undefined
    ? undefined
    : readIdList(object.machines, "/scope/machines", fail);
  if (
    factory === undefined || (object.machineTypes !== undefined && machineTypes === undefined) ||
    (object.machines !== undefined && machines === undefined)
  ) {
    return undefined;
  }
  return {
    factory,
    ...(machineTypes !== undefined ? { machineTypes } : {}),
    ...(machines !== undefined ? { machines } : {}),
  };
}

function readCondition(
  input: unknown,
  path: string,
  depth: number,
  fail: Fail,
  context: TreeContext,
  underNot = false,
): Condition | undefined {
  if (++context.nodes > MAX_NODES) {
    if (context.nodes === MAX_NODES + 1) {
      fail(path, `makes the condition too large: at most ${MAX_NODES} nodes`);
    }
    return undefined;
  }
  if (depth > MAX_DEPTH) {
    fail(path, `nests too deep: at most ${MAX_DEPTH} levels of all/any/not`);
    return undefined;
  }
  const what = "a condition: an object with 'all', 'any', 'not' or a predicate 'kind'";
  if (!isPlainObject(input)) {
    fail(path, `must be ${what}: ${got(input)}`);
    return undefined;
  }
  const heads = ["all", "any", "not", "kind"].filter((key) => key in input);
  if (heads.length === 0) {
    fail(path, `must be ${what}: got keys ${JSON.stringify(Object.keys(input))}`);
    return undefined;
  }
  if (heads.length > 1) {
    fail(path, `must have exactly one of 'all', 'any', 'not', 'kind': got ${heads.join(", ")}`);
    return undefined;
  }
  const head = heads[0];
  if (head === "kind") return readPredicate(input, path, fail, context, underNot);
  reportUnknownKeys(input, path, [head], fail);
  if (head === "not") {
    const child = readCondition(input.not, `${path}/not`, depth + 1, fail, context, true);
    return child === undefined ? undefined : { not: child };
  }
  const list = input[head];
  if (!Array.isArray(list) || list.length === 0) {
    fail(`${path}/${head}`, `must be a non-empty array of conditions: ${got(list)}`);
    return undefined;
  }
  const children = list.map((child, i) =>
    readCondition(child, `${path}/${head}/${i}`, depth + 1, fail, context, underNot)
  );
  if (children.some((child) => child === undefined)) return undefined;
  return head === "all" ? { all: children as Condition[] } : { any: children as Condition[] };
}

function readPredicate(
  input: Json,
  path: string,
  fail: Fail,
  context: TreeContext,
  underNot: boolean,
): Predicate | undefined {
  const kind = readOneOf(input.kind, `${path}/kind`, KINDS, fail);
  if (kind === undefined) return undefined;
  const at = (key: string) => `${path}/${key}`;
  const allowClearValue = () => {
    if (input.clearValue === undefined) return true;
    if (underNot) {
      fail(
        at("clearValue"),
        "is not allowed under 'not': hysteresis must widen what holds a raised alert; write the comparison without 'not'",
      );
    } else if (context.tree === "clear") {
      fail(
        at("clearValue"),
        "is not allowed in the clear condition: the clear condition itself says when the alert clears",
      );
    } else if (context.hasExplicitClear) {
      fail(
        at("clearValue"),
        "has no effect when the rule has an explicit 'clear' condition: remove one of them",
      );
    } else {
      return true;
    }
    return false;
  };
  switch (kind) {
    case "metric": {
      reportUnknownKeys(input, path, ["kind", "metric", "op", "value", "clearValue"], fail);
      const metric = readKey(input.metric, at("metric"), fail);
      const op = readOneOf(input.op, at("op"), METRIC_OPS, fail);
      if (op === undefined) return undefined; // the value's shape depends on the op
      if (op === "between" || op === "outside") {
        const value = readBand(input.value, at("value"), fail);
        const clearOk = allowClearValue();
        const clearValue = input.clearValue === undefined || !clearOk
          ? undefined
          : readBand(input.clearValue, at("clearValue"), fail);
        if (value !== undefined && clearValue !== undefined) {
          const [low, high] = value, [clearLow, clearHigh] = clearValue;
          const fits = op === "between"
            ? clearLow <= low && clearHigh >= high
            : clearLow >= low && clearHigh <= high;
          if (!fits) {
            fail(
              at("clearValue"),
              op === "between"
                ? `must be a band around value [${low}, ${high}] (the alert clears when ${metric} leaves clearValue): got [${clearLow}, ${clearHigh}]`
                : `must be a band inside value [${low}, ${high}] (the alert clears when ${metric} enters clearValue): got [${clearLow}, ${clearHigh}]`,
            );
            return undefined;
          }
        }
        if (
          metric === undefined || value === undefined ||
          (input.clearValue !== undefined && clearValue === undefined)
        ) return undefined;
        return {
          kind,
          metric,
          op,
          value,
          ...(clearValue !== undefined ? { clearValue } : {}),
        };
      }
      const value = readNumber(input.value, at("value"), fail);
      const clearValue = readClearValue(input, path, op, value, metric, allowClearValue, fail);
      if (metric === undefined || value === undefined || clearValue === null) return undefined;
      return { kind, metric, op, value, ...(clearValue !== undefined ? { clearValue } : {}) };
    }
    case "rate": {
      reportUnknownKeys(
        input,
        path,
        ["kind", "metric", "windowMs", "op", "value", "clearValue"],
        fail,
      );
      const metric = readKey(input.metric, at("metric"), fail);
      const windowMs = readDuration(input.windowMs, at("windowMs"), 1_000, DAY, fail);
      const op = readOneOf(input.op, at("op"), COMPARISONS, fail);
      const value = readNumber(input.value, at("value"), fail);
      const clearValue = readClearValue(input, path, op, value, metric, allowClearValue, fail);
      if (
        metric === undefined || windowMs === undefined || op === undefined ||
        value === undefined || clearValue === null
      ) return undefined;
      return {
        kind,
        metric,
        windowMs,
        op,
        value,
        ...(clearValue !== undefined ? { clearValue } : {}),
      };
    }
    case "anomaly": {
      reportUnknownKeys(input, path, ["kind", "metric"], fail);
      if (input.metric === undefined) return { kind };
      const metric = readKey(input.metric, at("metric"), fail);
      return metric === undefined ? undefined : { kind, metric };
    }
    case "anomaly_score": {
      reportUnknownKeys(input, path, ["kind", "metric", "value", "clearValue"], fail);
      const metric = readKey(input.metric, at("metric"), fail);
      const value = readNumber(input.value, at("value"), fail, 0);
      const clearValue = readClearValue(
        input,
        path,
        ">=",
        value,
        metric === undefined ? undefined : `${metric} anomaly score`,
        allowClearValue,
        fail,
      );
      if (metric === undefined || value === undefined || clearValue === null) return undefined;
      return { kind, metric, value, ...(clearValue !== undefined ? { clearValue } : {}) };
    }
    case "forecast_crosses": {
      reportUnknownKeys(input, path, ["kind", "metric", "op", "value", "withinMs"], fail);
      const metric = readKey(input.metric, at("metric"), fail);
      const op = readOneOf(input.op, at("op"), COMPARISONS, fail);
      const value = readNumber(input.value, at("value"), fail);
      const withinMs = readDuration(input.withinMs, at("withinMs"), 1_000, 7 * DAY, fail);
      if (
        metric === undefined || op === undefined || value === undefined || withinMs === undefined
      ) return undefined;
      return { kind, metric, op, value, withinMs };
    }
    case "no_data": {
      reportUnknownKeys(input, path, ["kind", "metric", "forMs"], fail);
      const metric = input.metric === undefined
        ? undefined
        : readKey(input.metric, at("metric"), fail);
      const forMs = readDuration(input.forMs, at("forMs"), 1_000, 30 * DAY, fail);
      if ((input.metric !== undefined && metric === undefined) || forMs === undefined) {
        return undefined;
      }
      return metric === undefined ? { kind, forMs } : { kind, metric, forMs };
    }
    case "status": {
      reportUnknownKeys(input, path, ["kind", "value"], fail);
      const value = readOneOf(input.value, at("value"), STATUSES, fail);
      return value === undefined ? undefined : { kind, value };
    }
  }
}

/**
 * A comparison's `clearValue`: undefined when absent, null when wrong.
 * It must lie on the far side of the threshold so the alert holds while the
 * value sits between the two.
 */
function readClearValue(
  input: Json,
  path: string,
  op: ComparisonOp | undefined,
  value: number | undefined,
  metric: string | undefined,
  allowed: () => boolean,
  fail: Fail,
): number | undefined | null {
  if (input.clearValue === undefined) return undefined;
  if (!allowed()) return null;
  const clearValue = readNumber(input.clearValue, `${path}/clearValue`, fail);
  if (clearValue === undefined) return null;
  if (op === undefined || value === undefined) return clearValue;
  const upward = op === ">" || op === ">=";
  if (upward ? clearValue > value : clearValue < value) {
    const name = metric ?? "the value";
    fail(
      `${path}/clearValue`,
      `must be ${upward ? "≤" : "≥"} value ${value} for op '${op}' (the alert clears when ${name} ${
        upward ? "<" : ">"
      } clearValue): got ${clearValue}`,
    );
    return null;
  }
  return clearValue;
}

function readSchedule(input: unknown, fail: Fail): RuleSchedule | undefined {
  const object = readObject(input, "/schedule", "a schedule object", fail, [
    "timeZone",
    "weekdays",
    "hours",
    "dates",
  ]);
  if (object === undefined) return undefined;
  let ok = true;
  let timeZone: string | undefined;
  if (object.timeZone !== undefined) {
    timeZone = readTimeZone(object.timeZone, "/schedule/timeZone", fail);
    ok &&= timeZone !== undefined;
  }
  let weekdays: Weekday[] | undefined;
  if (object.weekdays !== undefined) {
    const list = readArray(object.weekdays, "/schedule/weekdays", "weekday names", fail);
    const days = list?.map((day, i) => readOneOf(day, `/schedule/weekdays/${i}`, WEEKDAYS, fail));
    if (days === undefined || days.some((day) => day === undefined)) ok = false;
    else {
      weekdays = days as Weekday[];
      const duplicate = weekdays.findIndex((day, i) => weekdays!.indexOf(day) !== i);
      if (duplicate >= 0) {
        fail(`/schedule/weekdays/${duplicate}`, `repeats "${weekdays[duplicate]}"`);
        ok = false;
      }
    }
  }
  let hours: TimeOfDayRange[] | undefined;
  if (object.hours !== undefined) {
    hours = readRanges(object.hours, "/schedule/hours", fail, (range, path) => {
      const from = readPattern(
        range.from,
        `${path}/from`,
        HHMM,
        '"HH:MM" from 00:00 to 23:59',
        fail,
      );
      const to = range.to === "24:00"
        ? "24:00"
        : readPattern(range.to, `${path}/to`, HHMM, '"HH:MM" from 00:00 to 24:00', fail);
      if (from === undefined || to === undefined) return undefined;
      if (minuteOfDay(from) === minuteOfDay(to) % 1_440) {
        fail(path, `must not start and end at the same time: got ${from}–${to}`);
        return undefined;
      }
      return { from, to };
    });
    ok &&= hours !== undefined;
  }
  let dates: DateRange[] | undefined;
  if (object.dates !== undefined) {
    dates = readRanges(object.dates, "/schedule/dates", fail, (range, path) => {
      const from = readDate(range.from, `${path}/from`, fail);
      const to = readDate(range.to, `${path}/to`, fail);
      if (from === undefined || to === undefined) return undefined;
      if (dateNumber(from) > dateNumber(to)) {
        fail(path, `must not end before it starts: got ${from} to ${to}`);
        return undefined;
      }
      return { from, to };
    });
    ok &&= dates !== undefined;
  }
  if (!ok) return undefined;
  return {
    ...(timeZone !== undefined ? { timeZone } : {}),
    ...(weekdays !== undefined ? { weekdays } : {}),
    ...(hours !== undefined ? { hours } : {}),
    ...(dates !== undefined ? { dates } : {}),
  };
}

function readRanges<T>(
  input: unknown,
  path: string,
  fail: Fail,
  readRange: (range: Json, path: string) => T | undefined,
): T[] | undefined {
  const list = readArray(input, path, "{from, to} ranges", fail);
  if (list === undefined) return undefined;
  const ranges = list.map((item, i) => {
    const range = readObject(item, `${path}/${i}`, "a {from, to} object", fail, ["from", "to"]);
    return range === undefined ? undefined : readRange(range, `${path}/${i}`);
  });
  return ranges.some((range) => range === undefined) ? undefined : ranges as T[];
}

function readFlapping(input: unknown, fail: Fail): FlappingPolicy | false | undefined {
  if (input === false) return false;
  const object = readObject(
    input,
    "/flapping",
    "false or a {transitions, windowMs} object",
    fail,
    ["transitions", "windowMs"],
  );
  if (object === undefined) return undefined;
  const transitions = readInteger(object.transitions, "/flapping/transitions", 2, 100, fail);
  const windowMs = readDuration(object.windowMs, "/flapping/windowMs", 1_000, DAY, fail);
  if (transitions === undefined || windowMs === undefined) return undefined;
  return { transitions, windowMs };
}

// --- primitives -------------------------------------------------------------

function isPlainObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function got(value: unknown): string {
  if (value === undefined) return "it is missing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    text = String(value); // a cycle or a BigInt, which JSON cannot show
  }
  return `got ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/** A JSON pointer segment for `key` (RFC 6901). */
function pointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function reportUnknownKeys(input: Json, path: string, known: readonly string[], fail: Fail) {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      fail(`${path}/${pointer(key)}`, `is not a known field here (known: ${known.join(", ")})`);
    }
  }
}

function readObject(
  input: unknown,
  path: string,
  what: string,
  fail: Fail,
  known: readonly string[],
): Json | undefined {
  if (!isPlainObject(input)) {
    fail(path, `must be ${what}: ${got(input)}`);
    return undefined;
  }
  reportUnknownKeys(input, path, known, fail);
  return input;
}

function readArray(
  input: unknown,
  path: string,
  what: string,
  fail: Fail,
): unknown[] | undefined {
  if (!Array.isArray(input) || input.length === 0) {
    fail(path, `must be a non-empty array of ${what}: ${got(input)}`);
    return undefined;
  }
  return input;
}

function readId(input: unknown, path: string, fail: Fail): string | undefined {
  return readPattern(input, path, ID_PATTERN, "1–64 of A-Z a-z 0-9 _ . -", fail);
}

/**
 * An id that keys the engine's records (rule ids, metric names): names that
 * every JavaScript object already has (`constructor`, `__proto__`, …) are
 * refused, since they would read as present before anything was stored.
 */
function readKey(input: unknown, path: string, fail: Fail): string | undefined {
  const id = readId(input, path, fail);
  if (id !== undefined && id in Object.prototype) {
    fail(path, `must not be a name JavaScript objects reserve: got "${id}"`);
    return undefined;
  }
  return id;
}

function readIdList(input: unknown, path: string, fail: Fail): string[] | undefined {
  const list = readArray(input, path, "ids", fail);
  const ids = list?.map((item, i) => readId(item, `${path}/${i}`, fail));
  return ids === undefined || ids.some((id) => id === undefined) ? undefined : ids as string[];
}

function readName(input: unknown, path: string, fail: Fail): string | undefined {
  if (typeof input !== "string" || input.trim() === "" || input.length > 200) {
    fail(path, `must be a non-empty string of at most 200 characters: ${got(input)}`);
    return undefined;
  }
  return input;
}

function readPattern(
  input: unknown,
  path: string,
  pattern: RegExp,
  what: string,
  fail: Fail,
): string | undefined {
  if (typeof input !== "string" || !pattern.test(input)) {
    fail(path, `must be ${what}: ${got(input)}`);
    return undefined;
  }
  return input;
}

function readDate(input: unknown, path: string, fail: Fail): string | undefined {
  const date = readPattern(input, path, ISO_DATE, 'a date "YYYY-MM-DD"', fail);
  if (date === undefined) return undefined;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    fail(path, `must be a real calendar date: got "${date}"`);
    return undefined;
  }
  return date;
}

function readTimeZone(input: unknown, path: string, fail: Fail): string | undefined {
  if (typeof input !== "string" || input === "") {
    fail(path, `must be an IANA time zone name such as "Europe/Berlin": ${got(input)}`);
    return undefined;
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: input });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    fail(path, `must be an IANA time zone name such as "Europe/Berlin": got unknown "${input}"`);
    return undefined;
  }
  return input;
}

function readBoolean(input: unknown, path: string, fail: Fail): boolean | undefined {
  if (typeof input !== "boolean") {
    fail(path, `must be true or false: ${got(input)}`);
    return undefined;
  }
  return input;
}

function readNumber(
  input: unknown,
  path: string,
  fail: Fail,
  min = -Infinity,
): number | undefined {
  if (typeof input !== "number" || !Number.isFinite(input)) {
    fail(path, `must be a finite number: ${got(input)}`);
    return undefined;
  }
  if (input < min) {
    fail(path, `must be ≥ ${min}: got ${input}`);
    return undefined;
  }
  return input;
}

function readInteger(
  input: unknown,
  path: string,
  min: number,
  max: number,
  fail: Fail,
): number | undefined {
  if (typeof input !== "number" || !Number.isInteger(input) || input < min || input > max) {
    fail(path, `must be an integer from ${min} to ${max}: ${got(input)}`);
    return undefined;
  }
  return input;
}

function readDuration(
  input: unknown,
  path: string,
  min: number,
  max: number,
  fail: Fail,
): number | undefined {
  if (typeof input !== "number" || !Number.isInteger(input) || input < min || input > max) {
    fail(
      path,
      `must be whole milliseconds from ${min} to ${max} (${formatDuration(max)}): ${got(input)}`,
    );
    return undefined;
  }
  return input;
}

function readBand(input: unknown, path: string, fail: Fail): [number, number] | undefined {
  if (
    !Array.isArray(input) || input.length !== 2 ||
    !input.every((n) => typeof n === "number" && Number.isFinite(n))
  ) {
    fail(path, `must be a band [low, high] of two finite numbers: ${got(input)}`);
    return undefined;
  }
  const [low, high] = input as [number, number];
  if (low > high) {
    fail(path, `must have low ≤ high: got [${low}, ${high}]`);
    return undefined;
  }
  return [low, high];
}

function readOneOf<T extends string>(
  input: unknown,
  path: string,
  options: readonly T[],
  fail: Fail,
): T | undefined {
  if (typeof input !== "string" || !(options as readonly string[]).includes(input)) {
    fail(path, `must be one of ${options.join(", ")}: ${got(input)}`);
    return undefined;
  }
  return input as T;
}
