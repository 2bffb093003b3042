import type { MetricReading, RateWindow } from "./rule_state.ts";

const SLOTS_PER_WINDOW = 16;

/** Adds a sample to `window`, letting go of those older than `windowMs` before it. */
export function recordRateSample(
  window: RateWindow,
  windowMs: number,
  ts: number,
  value: number,
): void {
  const { ts: times, values } = window;
  const last = times.length - 1;
  if (last >= window.head && ts - times[last] < windowMs / SLOTS_PER_WINDOW) return;
  times.push(ts);
  values.push(value);
  let head = window.head;
  while (times[head] < ts - windowMs) head++;
  // Cut off the dead prefix in batches: shifting one entry per sample would
  // copy the whole window every time.
  if (head >= SLOTS_PER_WINDOW) {
    times.splice(0, head);
    values.splice(0, head);
    head = 0;
  }
  window.head = head;
}

/**
 * Units per minute from the oldest sample in the window to the latest
 * reading; NaN (so every comparison is false) until the samples span half the
 * window, so one early jump is not taken for a trend.
 */
export function ratePerMinute(
  window: RateWindow | undefined,
  windowMs: number,
  latest: MetricReading | undefined,
): number {
  if (window === undefined || latest === undefined || window.head >= window.ts.length) return NaN;
  const elapsed = latest.ts - window.ts[window.head];
  if (elapsed < windowMs / 2 || elapsed <= 0) return NaN;
  return (latest.value - window.values[window.head]) / elapsed * 60_000;
}
