import { describeCrossing } from "../forecast/crossing_text.ts";
import { type ThresholdCrossing, timeToThreshold } from "../forecast/time_to_threshold.ts";
import { formatDuration, formatValue } from "./_explain_format.ts";
import { ratePerMinute } from "./_rate_window.ts";
import {
  type ComparisonOp,
  type Condition,
  DEFAULT_FLAPPING,
  type FlappingPolicy,
  type MetricComparison,
  type Predicate,
  type Rule,
} from "./rule.ts";
import type { RuleForecast } from "./rule_input.ts";
import type { RuleTarget } from "./rule_scope.ts";
import type { RuleEngineState, RuleRunState } from "./rule_state.ts";

/** A condition turned into closures: evaluation allocates nothing. */
export interface CompiledCondition {
  test(state: RuleEngineState, run: RuleRunState, at: number): boolean;
  /** Says why the node is `truth` (call only with its actual truth value). */
  describe(state: RuleEngineState, run: RuleRunState, at: number, truth: boolean): string;
}

/** A rate window a rule needs fed. */
export interface RateKey {
  readonly key: string;
  readonly metric: string;
  readonly windowMs: number;
}

/** A rule prepared for evaluation; built once per rule object. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly raise: CompiledCondition;
  /** `raise` with every `clearValue` in place of its threshold: the alert stays while true. */
  readonly hold: CompiledCondition;
  /** The explicit clear condition, or null. */
  readonly clear: CompiledCondition | null;
  /** Metrics the rule reads, for the values reported with transitions. */
  readonly metrics: readonly string[];
  readonly rates: readonly RateKey[];
  readonly conditionHash: string;
  readonly flapping: FlappingPolicy | null;
  /** `ruleAppliesTo` with the scope's lists as sets. */
  appliesTo(target: Required<RuleTarget>): boolean;
}

// A memo keyed by the rule object: rules are immutable values, so the
// compiled form of one object never changes. Pass the same objects each time.
const compiled = new WeakMap<Rule, CompiledRule>();

/** The compiled form of `rule`, built on first use. */
export function compileRule(rule: Rule): CompiledRule {
  let result = compiled.get(rule);
  if (result === undefined) {
    result = buildCompiledRule(rule);
    compiled.set(rule, result);
  }
  return result;
}

function buildCompiledRule(rule: Rule): CompiledRule {
  const metrics = new Set<string>();
  const rates = new Map<string, RateKey>();
  collect(rule.condition, metrics, rates);
  if (rule.clear !== undefined) collect(rule.clear, metrics, rates);
  const raise = compileNode(rule.condition, false);
  const { factory } = rule.scope;
  const machines = rule.scope.machines === undefined ? null : new Set(rule.scope.machines);
  const types = rule.scope.machineTypes === undefined ? null : new Set(rule.scope.machineTypes);
  return {
    rule,
    raise,
    hold: hasClearValue(rule.condition) ? compileNode(rule.condition, true) : raise,
    clear: rule.clear === undefined ? null : compileNode(rule.clear, false),
    metrics: [...metrics],
    rates: [...rates.values()],
    conditionHash: fingerprint({ condition: rule.condition, forMs: rule.forMs }),
    flapping: rule.flapping === false ? null : rule.flapping ?? DEFAULT_FLAPPING,
    appliesTo: (target) =>
      target.factory === factory &&
      ((machines === null && types === null) || machines?.has(target.machine) === true ||
        types?.has(target.machineType) === true),
  };
}

function collect(node: Condition, metrics: Set<string>, rates: Map<string, RateKey>): void {
  if ("all" in node) return node.all.forEach((child) => collect(child, metrics, rates));
  if ("any" in node) return node.any.forEach((child) => collect(child, metrics, rates));
  if ("not" in node) return collect(node.not, metrics, rates);
  if ("metric" in node && node.metric !== undefined) metrics.add(node.metric);
  if (node.kind === "rate") {
    const key = rateKey(node.metric, node.windowMs);
    rates.set(key, { key, metric: node.metric, windowMs: node.windowMs });
  }
}

function hasClearValue(node: Condition): boolean {
  if ("all" in node) return node.all.some(hasClearValue);
  if ("any" in node) return node.any.some(hasClearValue);
  if ("not" in node) return false;
  return "clearValue" in node && node.clearValue !== undefined;
}

/** The key of a rate window in {@link RuleRunState.rates}. */
export function rateKey(metric: string, windowMs: number): string {
  return `${metric}|${windowMs}`;
}

const SHOWN: Readonly<Record<ComparisonOp, string>> = { ">": ">", ">=": "≥", "<": "<", "<=": "≤" };
const NEGATED: Readonly<Record<ComparisonOp, string>> = {
  ">": "≤",
  ">=": "<",
  "<": "≥",
  "<=": ">",
};

function comparator(op: ComparisonOp, threshold: number): (value: number) => boolean {
  switch (op) {
    case ">":
      return (value) => value > threshold;
    case ">=":
      return (value) => value >= threshold;
    case "<":
      return (value) => value < threshold;
    case "<=":
      return (value) => value <= threshold;
  }
}

/** The comparison that holds a raised alert: it stays while the value has not crossed back past `clearValue`. */
function holdComparison(
  op: ComparisonOp,
  value: number,
  clearValue: number | undefined,
  hold: boolean,
): [ComparisonOp, number] {
  if (!hold || clearValue === undefined) return [op, value];
  return [op === ">" || op === ">=" ? ">=" : "<=", clearValue];
}

function compileNode(node: Condition, hold: boolean): CompiledCondition {
  if ("all" in node) return allOf(node.all.map((child) => compileNode(child, hold)));
  if ("any" in node) return anyOf(node.any.map((child) => compileNode(child, hold)));
  // Hysteresis under `not` would narrow what holds the alert; validation
  // rejects it and the engine ignores it.
  if ("not" in node) return notOf(compileNode(node.not, false));
  return compilePredicate(node, hold);
}

function allOf(children: readonly CompiledCondition[]): CompiledCondition {
  const n = children.length;
  return {
    test(state, run, at) {
      for (let i = 0; i < n; i++) if (!children[i].test(state, run, at)) return false;
      return true;
    },
    describe(state, run, at, truth) {
      if (truth) return children.map((c) => c.describe(state, run, at, true)).join(" and ");
      const failing = children.find((c) => !c.test(state, run, at)) ?? children[0];
      return failing.describe(state, run, at, false);
    },
  };
}

function anyOf(children: readonly CompiledCondition[]): CompiledCondition {
  const n = children.length;
  return {
    test(state, run, at) {
      for (let i = 0; i < n; i++) if (children[i].test(state, run, at)) return true;
      return false;
    },
    describe(state, run, at, truth) {
      if (!truth) return children.map((c) => c.describe(state, run, at, false)).join(" and ");
      const holding = children.find((c) => c.test(state, run, at)) ?? children[0];
      return holding.describe(state, run, at, true);
    },
  };
}

function notOf(child: CompiledCondition): CompiledCondition {
  return {
    test: (state, run, at) => !child.test(state, run, at),
    describe: (state, run, at, truth) => child.describe(state, run, at, !truth),
  };
}

function compilePredicate(node: Predicate, hold: boolean): CompiledCondition {
  switch (node.kind) {
    case "metric": {
      const { metric } = node;
      if (node.op === "between" || node.op === "outside") {
        const [low, high] = hold && node.clearValue !== undefined ? node.clearValue : node.value;
        const inside = node.op === "between";
        const band = `${formatValue(low)}…${formatValue(high)}`;
        return {
          test(state) {
            const value = state.metrics[metric]?.value ?? NaN;
            return inside ? value >= low && value <= high : value < low || value > high;
          },
          describe(state, _run, _at, truth) {
            const value = state.metrics[metric]?.value;
            if (value === undefined) return `${metric} has no value`;
            const where = truth === inside ? "within" : "outside";
            return `${metric} ${formatValue(value)} ${where} ${band}`;
          },
        };
      }
      const comparison = node as MetricComparison;
      const [op, threshold] = holdComparison(
        comparison.op,
        comparison.value,
        comparison.clearValue,
        hold,
      );
      const passes = comparator(op, threshold);
      return {
        test: (state) => passes(state.metrics[metric]?.value ?? NaN),
        describe(state, _run, _at, truth) {
          const value = state.metrics[metric]?.value;
          if (value === undefined) return `${metric} has no value`;
          const shown = truth ? SHOWN[op] : NEGATED[op];
          return `${metric} ${formatValue(value)} ${shown} ${formatValue(threshold)}`;
        },
      };
    }
    case "rate": {
      const { metric, windowMs } = node;
      const key = rateKey(metric, windowMs);
      const [op, threshold] = holdComparison(node.op, node.value, node.clearValue, hold);
      const passes = comparator(op, threshold);
      const rate = (state: RuleEngineState, run: RuleRunState) =>
        ratePerMinute(run.rates[key], windowMs, state.metrics[metric]);
      return {
        test: (state, run) => passes(rate(state, run)),
        describe(state, run, _at, truth) {
          const perMinute = rate(state, run);
          if (Number.isNaN(perMinute)) {
            return `${metric} rate unknown (needs ${formatDuration(windowMs / 2)} of samples)`;
          }
          const shown = truth ? SHOWN[op] : NEGATED[op];
          return `${metric} rate ${formatValue(perMinute)}/min ${shown} ${
            formatValue(threshold)
          }/min over ${formatDuration(windowMs)}`;
        },
      };
    }
    case "anomaly": {
      const { metric } = node;
      if (metric !== undefined) {
        return {
          test: (state) => state.metrics[metric]?.anomalous === true,
          describe: (_state, _run, _at, truth) => `${metric} ${truth ? "" : "not "}anomalous`,
        };
      }
      return {
        test(state) {
          for (const name in state.metrics) if (state.metrics[name].anomalous) return true;
          return false;
        },
        describe(state, _run, _at, truth) {
          if (!truth) return "no metric anomalous";
          return `anomalous ${
            Object.keys(state.metrics).filter((m) => state.metrics[m].anomalous).join(", ")
          }`;
        },
      };
    }
    case "anomaly_score": {
      const { metric } = node;
      const threshold = hold && node.clearValue !== undefined ? node.clearValue : node.value;
      return {
        test: (state) => (state.metrics[metric]?.score ?? NaN) >= threshold,
        describe(state, _run, _at, truth) {
          const score = state.metrics[metric]?.score;
          if (score === undefined) return `${metric} has no anomaly score`;
          return `${metric} anomaly score ${formatValue(score)} ${truth ? "≥" : "<"} ${
            formatValue(threshold)
          }`;
        },
      };
    }
    case "forecast_crosses": {
      const { metric, withinMs, op, value } = node;
      const passes = comparator(op, value);
      return {
        test(state, _run, at) {
          const points = state.forecasts[metric];
          if (points === undefined) return false;
          const ms = meanCrossingMs(points, at, passes, value);
          return ms !== null && ms <= withinMs;
        },
        describe(state, _run, at, truth) {
          const points = state.forecasts[metric];
          if (points === undefined) return `no forecast for ${metric}`;
          const crossing = forecastCrossing(points, at, op, value);
          if (truth && crossing !== null) return describeCrossing(metric, crossing);
          return `${metric} not forecast ${SHOWN[op]} ${formatValue(value)} within ${
            formatDuration(withinMs)
          }`;
        },
      };
    }
    case "no_data": {
      const { metric, forMs } = node;
      const silentFor = (state: RuleEngineState, at: number) => {
        const last = metric === undefined ? state.lastSampleTs : state.metrics[metric]?.ts;
        return at - (last ?? state.startedAt ?? at);
      };
      const what = metric === undefined ? "data" : `${metric} data`;
      return {
        test: (state, _run, at) => silentFor(state, at) >= forMs,
        describe(state, _run, at, truth) {
          const silent = formatDuration(silentFor(state, at));
          if (truth) return `no ${what} for ${silent}`;
          return silentFor(state, at) < 1_000 ? `${what} just received` : `${what} ${silent} ago`;
        },
      };
    }
    case "status": {
      const { value } = node;
      return {
        test: (state) => state.status === value,
        describe: (state, _run, _at, truth) =>
          truth ? `status ${value}` : `status ${state.status}, not ${value}`,
      };
    }
  }
}

/**
 * Ms after `at` at which the mean path (points after `at`, straight lines
 * between them; the first one is where it starts) first satisfies `passes`,
 * or null. Allocates nothing: it runs on every evaluation.
 */
function meanCrossingMs(
  points: RuleForecast["points"],
  at: number,
  passes: (value: number) => boolean,
  threshold: number,
): number | null {
  let prevTs = NaN, prev = NaN;
  for (let i = 0; i < points.length; i++) {
    const { ts, value } = points[i];
    if (ts <= at) continue;
    if (passes(value)) {
      if (Number.isNaN(prev)) return ts - at;
      const fraction = value === prev ? 1 : (threshold - prev) / (value - prev);
      return prevTs + Math.min(1, Math.max(0, fraction)) * (ts - prevTs) - at;
    }
    prevTs = ts;
    prev = value;
  }
  return null;
}

/** The forecast's crossing estimate from `at` (mean and interval bounds), or null without future points. */
function forecastCrossing(
  points: RuleForecast["points"],
  at: number,
  op: ComparisonOp,
  value: number,
): ThresholdCrossing | null {
  const ahead = points.filter((p) => p.ts > at);
  if (ahead.length === 0) return null;
  const [first] = ahead;
  const crossing = timeToThreshold({
    ts: first.ts,
    step: 0,
    value: first.value,
    coverage: 0.8,
    period: null,
    points: ahead.slice(1).map((p) => ({
      ts: p.ts,
      mean: p.value,
      low: p.low ?? p.value,
      high: p.high ?? p.value,
    })),
  }, { op, value });
  const shift = (ms: number | null) => ms === null ? null : ms + first.ts - at;
  return {
    ...crossing,
    expectedMs: shift(crossing.expectedMs),
    earliestMs: shift(crossing.earliestMs),
    latestMs: shift(crossing.latestMs),
    horizonMs: crossing.horizonMs + first.ts - at,
  };
}

/** FNV-1a of the key-sorted JSON of `value`: equal for equal conditions whatever the key order. */
function fingerprint(value: unknown): string {
  const text = stableJson(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
