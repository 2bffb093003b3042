/**
 * Rule backtests over stored history: {@link backtestHistory} reads what a
 * rule uses from the time-series store and the event log and replays it
 * through `backtestRule`, the evaluation code the machine actors run, within
 * {@link BacktestLimits}.
 *
 * @module
 */
export {
  BacktestLimitError,
  type BacktestLimits,
  DEFAULT_BACKTEST_LIMITS,
} from "./backtest_limits.ts";
export { type BacktestSummary, summarizeBacktest } from "./backtest_summary.ts";
export {
  backtestHistory,
  type HistoryBacktest,
  type HistoryBacktestOptions,
  type MachineBacktest,
} from "./history_backtest.ts";
export { type RuleReads, ruleReads } from "./rule_reads.ts";
export { samplesFromSeries } from "./series_samples.ts";
