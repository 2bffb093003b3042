import type { MachineStatus } from "../events.ts";
import type { RuleTransition } from "./alert_transition.ts";
import { ForecastFeed, type ForecastFeedOptions } from "../forecast/forecast_feed.ts";
import { evaluateRules } from "./evaluate_rules.ts";
import { forecastThresholdsOf, ruleForecast } from "./forecast_input.ts";
import type { Rule } from "./rule.ts";
import type { RuleForecast } from "./rule_input.ts";
import type { RuleTarget } from "./rule_scope.ts";
import { newRuleEngineState } from "./rule_state.ts";

/** One stored point to replay. */
export interface BacktestSample {
  readonly ts: number;
  readonly values: Readonly<Record<string, number>>;
  readonly anomalous?: readonly string[];
  readonly scores?: Readonly<Record<string, number>>;
  readonly forecasts?: readonly RuleForecast[];
  /** The machine's status at the point; `"normal"` when history has none. */
  readonly status?: MachineStatus;
}

/** Options of {@link backtestRule}. */
export interface BacktestOptions {
  /** The machine whose history is replayed (its time zone drives schedules). */
  readonly target: RuleTarget;
  /** Ticks are synthesised at every multiple of this between samples; default 1000 ms. */
  readonly tickMs?: number;
  /** Keep ticking after the last sample up to this time (for `no_data` and `for`). */
  readonly until?: number;
  /**
   * How `forecast_crosses` predicates get forecasts: by default the metric's
   * forecaster ({@link ForecastFeed}, as the machine actor runs it) is
   * replayed over the samples; `false` uses only the samples' own
   * `forecasts`. A sample's own forecast of a metric always wins.
   */
  readonly forecast?: Partial<ForecastFeedOptions> | false;
}

/** At most this many ticks per backtest, so a typo in `tickMs` cannot hang a request. */
const MAX_TICKS = 10_000_000;

/**
 * Replays `samples` (in time order) through the very {@link evaluateRules}
 * the machine actors run, with `now = ts` and a tick at every multiple of
 * `tickMs` between them, and returns the transitions it would have produced.
 * A live engine whose ticks land on the same multiples produces the same
 * transitions with the same alert ids. Status predicates see the status
 * stored with the samples (`"normal"` without one): history does not say
 * when the live engine would have judged a machine stale. `forecast_crosses`
 * predicates see the forecasts of the metric's forecaster replayed over the
 * samples (see {@link BacktestOptions.forecast}).
 *
 * @example
 * ```ts
 * import type { Rule } from "./rule.ts";
 *
 * declare const rule: Rule, samples: readonly BacktestSample[];
 *
 * const transitions = backtestRule(rule, samples, {
 *   target: { factory: "plant-1", machine: "press-01" },
 * });
 * transitions.filter((t) => t.type === "raised").length; // how often it would have fired
 * ```
 */
export function backtestRule(
  rule: Rule,
  samples: Iterable<BacktestSample>,
  options: BacktestOptions,
): RuleTransition[] {
  const tickMs = options.tickMs ?? 1_000;
  if (!Number.isInteger(tickMs) || tickMs <= 0) {
    throw new RangeError(
      `Cannot backtest: 'tickMs' must be a positive integer: current value is ${tickMs}`,
    );
  }
  const state = newRuleEngineState(options.target);
  const rules = [rule];
  const feeds = forecastFeeds(rule, options.forecast);
  const transitions: RuleTransition[] = [];
  let status: MachineStatus = "normal";
  let lastTs: number | null = null;
  let ticks = 0;
  const tickUntil = (end: number) => {
    if (lastTs === null) return;
    for (let t = (Math.floor(lastTs / tickMs) + 1) * tickMs; t < end; t += tickMs) {
      if (++ticks > MAX_TICKS) {
        throw new RangeError(
          `Cannot backtest: more than ${MAX_TICKS} ticks of ${tickMs} ms; choose a larger 'tickMs' or a shorter range`,
        );
      }
      transitions.push(...evaluateRules(state, rules, { kind: "tick", status }, t).transitions);
    }
  };
  for (const sample of samples) {
    // An older sample is handed over as is: evaluateRules treats it as live does.
    if (lastTs === null || sample.ts > lastTs) {
      tickUntil(sample.ts);
      status = sample.status ?? "normal";
      lastTs = sample.ts;
    }
    const input = feeds.size > 0 ? withReplayedForecasts(sample, feeds) : sample;
    transitions.push(...evaluateRules(state, rules, toInput(input), sample.ts).transitions);
  }
  if (options.until !== undefined) tickUntil(options.until + 1);
  return transitions;
}

/** A forecaster per metric the rule's `forecast_crosses` predicates read. */
function forecastFeeds(
  rule: Rule,
  options: Partial<ForecastFeedOptions> | false | undefined,
): Map<string, ForecastFeed> {
  const feeds = new Map<string, ForecastFeed>();
  if (options === false) return feeds;
  const metrics = forecastThresholdsOf(rule.condition);
  if (rule.clear !== undefined) forecastThresholdsOf(rule.clear, metrics);
  for (const metric in metrics) feeds.set(metric, new ForecastFeed(options));
  return feeds;
}

/** `sample` with the forecasts the replayed forecasters hand out at it. */
function withReplayedForecasts(
  sample: BacktestSample,
  feeds: ReadonlyMap<string, ForecastFeed>,
): BacktestSample {
  const forecasts: RuleForecast[] = [...(sample.forecasts ?? [])];
  for (const [metric, feed] of feeds) {
    const value = sample.values[metric];
    if (value === undefined) continue;
    const path = feed.push(sample.ts, value);
    if (path !== null && !forecasts.some((f) => f.metric === metric)) {
      forecasts.push(ruleForecast(metric, path));
    }
  }
  return forecasts.length === 0 ? sample : { ...sample, forecasts };
}

function toInput(sample: BacktestSample) {
  return {
    kind: "sample" as const,
    ts: sample.ts,
    values: sample.values,
    anomalous: sample.anomalous ?? [],
    scores: sample.scores,
    forecasts: sample.forecasts,
    status: sample.status ?? "normal",
  };
}
