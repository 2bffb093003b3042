/**
 * The pace of a compaction that runs while the engine takes telemetry: how
 * long it pauses after each step of work, given how long it has run. Its
 * transaction holds the writes that arrive meanwhile, and the engine
 * buffers its points behind them (400,000 at most, 2.8 s at 36,000 msgs/s
 * of 4 metrics), so it starts gently and hurries as the held writes grow:
 *
 * - first {@link EASY_MS}: five times the step's time (a sixth of a core);
 * - then up to {@link HURRY_MS}: twice (a third);
 * - after that: half (two thirds).
 *
 * At a third of a core from its start, a compaction of 500,000 points (0.4–0.6
 * s of work) took a third of a core for 1.2–2 s, and with the event loop,
 * the MQTT worker and the broker sharing two cores, the event loop fell
 * behind by 40–60 ms a turn for half a second or more: past the p99 budget.
 * At a sixth for the first 1.5 s it asks half as much of the cores at once
 * and is still done within ~2.5 s when they are free.
 *
 * @example
 * ```ts
 * const started = performance.now();
 * const stepMs = 4; // one step's work
 * setTimeout(step, compactionPauseMs(stepMs, performance.now() - started));
 * ```
 */
export function compactionPauseMs(stepMs: number, elapsedMs: number): number {
  if (elapsedMs < EASY_MS) return stepMs * 5;
  if (elapsedMs < HURRY_MS) return stepMs * 2;
  return stepMs / 2;
}

/** How long a compaction runs at a sixth of a core before it hurries, ms. */
export const EASY_MS = 1_500;

/** How long a compaction runs before it takes two thirds of a core, ms. */
export const HURRY_MS = 3_000;
