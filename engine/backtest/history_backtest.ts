import type { MachineEventHistory, MachineEventQuery } from "../event_log/mod.ts";
import type { MachineStatus } from "../events.ts";
import { backtestRule, type BacktestSample, type Rule, type RuleTransition } from "../rules/mod.ts";
import type { TimeSeriesStore } from "../store/time_series_store.ts";
import {
  BacktestLimitError,
  type BacktestLimits,
  DEFAULT_BACKTEST_LIMITS,
} from "./backtest_limits.ts";
import { type BacktestSummary, summarizeBacktest } from "./backtest_summary.ts";
import { ruleReads } from "./rule_reads.ts";
import { samplesFromSeries } from "./series_samples.ts";

/** Options of {@link backtestHistory}. */
export interface HistoryBacktestOptions {
  /** Where the raw points come from. */
  readonly store: Pick<TimeSeriesStore, "queryRange">;
  /** Anomaly flags and status changes; without it every point is normal and unflagged. */
  readonly events?: { machineEvents(query: MachineEventQuery): MachineEventHistory };
  /** Machines of the rule's factory to replay (the caller resolves the scope). */
  readonly machines: readonly string[];
  /** Inclusive range, epoch ms. */
  readonly from: number;
  readonly to: number;
  /** Tick spacing, as the live engine ticks; default 1000 ms. */
  readonly tickMs?: number;
  readonly limits?: Partial<BacktestLimits>;
  /** Stops between machines (an abandoned request). */
  readonly signal?: AbortSignal;
}

/** How a rule would have behaved on one machine. */
export interface MachineBacktest extends BacktestSummary {
  readonly machine: string;
  /** Raw points read from history. */
  readonly points: number;
  /** Transitions in time order, at most `maxTransitions` of them. */
  readonly transitions: readonly RuleTransition[];
  /** More transitions happened than are listed (the summary counts them all). */
  readonly truncated: boolean;
}

/** The answer of {@link backtestHistory}. */
export interface HistoryBacktest {
  readonly factory: string;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly from: number;
  readonly to: number;
  readonly tickMs: number;
  readonly machines: readonly MachineBacktest[];
  /** Over every machine; `activeAtEnd` when any machine's alert was. */
  readonly summary: BacktestSummary & { readonly points: number; readonly machinesRaised: number };
  /** What history could not replay for this rule, in words. */
  readonly notes: readonly string[];
}

/**
 * Replays a rule over the stored history of some machines with
 * {@link backtestRule}, the evaluation code the machine actors run: reads
 * the metrics the rule uses (raw points of `[from, to]`), merges them into
 * samples by timestamp, marks the points the event log flagged anomalous and
 * the machine's logged status, ticks every `tickMs` up to `to`, and counts
 * raises and active time per machine.
 *
 * A disabled rule is replayed as if enabled (the question is what it would
 * do). Each machine starts with no rule state at `from`. Forecasts are
 * replayed over the history with the actors' forecaster, so
 * `forecast_crosses` predicates hold as they would have live (after the
 * forecaster's warm-up from `from`). Anomaly scores are not kept in history,
 * so `anomaly_score` predicates are false; `notes` says so.
 *
 * @throws {BacktestLimitError} past a bound of {@link BacktestLimits}.
 * @throws {RangeError} when `from` is after `to` or `tickMs` is not a positive integer.
 *
 * @example
 * ```ts
 * import type { Rule } from "../rules/mod.ts";
 * import type { TimeSeriesStore } from "../store/time_series_store.ts";
 *
 * declare const rule: Rule, store: TimeSeriesStore, from: number, to: number;
 *
 * const result = await backtestHistory(rule, { store, machines: ["press-01"], from, to });
 * result.summary.raises; // how often it would have fired
 * ```
 */
export async function backtestHistory(
  rule: Rule,
  options: HistoryBacktestOptions,
): Promise<HistoryBacktest> {
  const limits = { ...DEFAULT_BACKTEST_LIMITS, ...options.limits };
  const { from, to, machines } = options;
  const tickMs = options.tickMs ?? 1_000;
  if (!(from <= to)) {
    throw new RangeError(
      `Cannot backtest: 'from' must not be after 'to': current values are ${from} and ${to}`,
    );
  }
  if (!Number.isInteger(tickMs) || tickMs <= 0) {
    throw new RangeError(
      `Cannot backtest: 'tickMs' must be a positive integer: current value is ${tickMs}`,
    );
  }
  checkWork(to - from, machines.length, tickMs, limits);
  const factory = rule.scope.factory;
  const replayed: Rule = rule.enabled ? rule : { ...rule, enabled: true };
  const reads = ruleReads(rule);
  // A rule naming no metric (status only) still needs the machine's time axis: read them all.
  const metrics = reads.allMetrics || reads.metrics.length === 0 ? [] : reads.metrics;
  const results: MachineBacktest[] = [];
  let points = 0;
  for (const machine of machines) {
    options.signal?.throwIfAborted();
    const series = await options.store.queryRange({
      factory,
      machine,
      metrics,
      from,
      to,
      limit: limits.maxPoints - points + 1,
    });
    const read = series.reduce((sum, s) => sum + s.points.length, 0);
    points += read;
    if (points > limits.maxPoints) {
      throw new BacktestLimitError(
        "maxPoints",
        `Cannot backtest: the range holds more than ${limits.maxPoints} points of the rule's metrics (reached at machine '${machine}'); choose a shorter range or fewer machines`,
      );
    }
    const samples = withEvents(
      samplesFromSeries(series),
      options.events?.machineEvents({ factory, machine, from, to }),
    );
    const transitions = backtestRule(replayed, samples, {
      target: { factory, machine },
      tickMs,
      until: to,
    });
    results.push({
      machine,
      points: read,
      transitions: transitions.slice(0, limits.maxTransitions),
      truncated: transitions.length > limits.maxTransitions,
      ...summarizeBacktest(transitions, to),
    });
    // Let live telemetry through between machines: a backtest shares the engine's thread.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return {
    factory,
    ruleId: rule.id,
    ruleVersion: rule.version,
    from,
    to,
    tickMs,
    machines: results,
    summary: {
      raises: sum(results, "raises"),
      heldRaises: sum(results, "heldRaises"),
      suppressed: sum(results, "suppressed"),
      flapping: sum(results, "flapping"),
      activeMs: sum(results, "activeMs"),
      activeAtEnd: results.some((r) => r.activeAtEnd),
      points,
      machinesRaised: results.filter((r) => r.raises > 0).length,
    },
    notes: notesFor(reads.kinds, options.events !== undefined),
  };
}

function checkWork(rangeMs: number, machines: number, tickMs: number, limits: BacktestLimits) {
  if (rangeMs > limits.maxRangeMs) {
    throw new BacktestLimitError(
      "maxRangeMs",
      `Cannot backtest ${hours(rangeMs)}: at most ${
        hours(limits.maxRangeMs)
      } at a time; choose a shorter range`,
    );
  }
  const ticks = machines * Math.floor(rangeMs / tickMs);
  if (ticks > limits.maxTicks) {
    throw new BacktestLimitError(
      "maxTicks",
      `Cannot backtest: ${machines} machines × ${
        hours(rangeMs)
      } at one tick per ${tickMs} ms is ${ticks} evaluations, more than ${limits.maxTicks}; choose a shorter range, fewer machines or a larger 'tickMs'`,
    );
  }
}

/**
 * Adds what the event log knows to the samples: the metrics flagged
 * anomalous at each point, the machine's status at each point, and a
 * value-less sample at each status change so that ticks after it carry the
 * new status (a sample without values is not evaluated itself).
 */
function withEvents(
  samples: BacktestSample[],
  events: MachineEventHistory | undefined,
): BacktestSample[] {
  if (events === undefined) return samples;
  const flagged = new Map<number, string[]>();
  for (const { ts, metric } of events.anomalies) {
    const list = flagged.get(ts);
    if (list === undefined) flagged.set(ts, [metric]);
    else list.push(metric);
  }
  const merged: BacktestSample[] = [];
  let status: MachineStatus = events.statusAtFrom ?? "normal";
  let next = 0;
  const { statuses } = events;
  for (const sample of samples) {
    while (next < statuses.length && statuses[next].ts <= sample.ts) {
      status = statuses[next].status;
      // Before the first point the machine has no rule state yet: only the status carries over.
      if (merged.length > 0 && statuses[next].ts < sample.ts) {
        merged.push({ ts: statuses[next].ts, values: {}, status });
      }
      next++;
    }
    merged.push({ ...sample, anomalous: flagged.get(sample.ts) ?? [], status });
  }
  for (; merged.length > 0 && next < statuses.length; next++) {
    merged.push({ ts: statuses[next].ts, values: {}, status: statuses[next].status });
  }
  return merged;
}

function notesFor(kinds: ReadonlySet<string>, haveEvents: boolean): string[] {
  const notes: string[] = [];
  if (kinds.has("anomaly_score")) {
    notes.push("History keeps no anomaly scores: 'anomaly score' conditions never hold here.");
  }
  if (kinds.has("forecast_crosses")) {
    notes.push(
      "Forecasts are replayed from the start of the range: 'forecast crosses' needs a warm-up first.",
    );
  }
  if (!haveEvents && kinds.has("anomaly")) {
    notes.push("No event log was read: no point counts as anomalous here.");
  }
  if (kinds.has("status")) {
    notes.push(
      haveEvents
        ? "Machine status comes from the logged status changes."
        : "No event log was read: every machine counts as 'normal' here.",
    );
  }
  if (kinds.has("rate")) {
    notes.push("Rate windows start empty at the beginning of the range.");
  }
  return notes;
}

function sum(results: readonly MachineBacktest[], key: keyof BacktestSummary): number {
  return results.reduce((total, r) => total + (r[key] as number), 0);
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? `${Number((h / 24).toFixed(1))} d` : `${Number(h.toFixed(1))} h`;
}
