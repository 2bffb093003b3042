/**
 * What a cache miss costs the detector stack: `MetricDetector.update` per
 * point with its state in cache (100 metrics, updated round after round)
 * and with it cold, as in an engine of 1,000 machines × 4 metrics, where
 * ~57 ms and every other machine's state pass between two points of a
 * metric (4,000 metrics, 48 MB read between rounds to evict them).
 *
 *   deno run -A bench/cold_state_bench.ts
 *
 * Median ns per update of 200 timed rounds, after 400 rounds to warm the
 * detectors up (past their learning periods).
 */
import { MetricDetector } from "../engine/detect/metric_detector.ts";

const WARM_UP_ROUNDS = 400;
const TIMED_ROUNDS = 200;
const STEP_MS = 57;

let sink = 0;
const evict = new Float64Array(48 * 1024 * 1024 / 8);

function value(round: number, i: number): number {
  return 50 + 10 * Math.sin(round / 37 + i) + Math.sin(round * 7.3 + i);
}

/** Median ns per update over `count` detectors, evicting the caches before each round when `cold`. */
function measure(count: number, cold: boolean): number {
  const detectors: MetricDetector[] = [];
  const scattered: unknown[] = [];
  for (let i = 0; i < count; i++) {
    detectors.push(new MetricDetector());
    // Other allocations between them, as in an engine, where actors are not built back to back.
    scattered.push(new Float64Array(64 + (i % 7) * 16), { i }, [i]);
  }
  let ts = 1_700_000_000_000;
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    ts += STEP_MS;
    for (let i = 0; i < count; i++) sink += detectors[i].update(value(round, i), ts).score;
  }
  const times: number[] = [];
  for (let round = WARM_UP_ROUNDS; round < WARM_UP_ROUNDS + TIMED_ROUNDS; round++) {
    ts += STEP_MS;
    if (cold) { for (let i = 0; i < evict.length; i += 8) sink += evict[i]; }
    const started = performance.now();
    for (let i = 0; i < count; i++) sink += detectors[i].update(value(round, i), ts).score;
    times.push((performance.now() - started) * 1e6 / count);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] + (scattered.length === -1 ? sink : 0);
}

if (import.meta.main) {
  const hot = measure(100, false);
  const cold = measure(4_000, true);
  console.log(
    `MetricDetector.update: ${hot.toFixed(0)} ns with its state in cache, ` +
      `${cold.toFixed(0)} ns cold (${(cold / hot).toFixed(2)}×)`,
  );
}
