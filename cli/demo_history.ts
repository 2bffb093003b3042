/**
 * History of the demo factory, generated rather than recorded: each machine's
 * seeded {@link TelemetryGenerator} stepped over a fixed time grid, so the
 * same range gives the same points on every run.
 */
import type { SeriesPoint } from "../engine/telemetry.ts";
import type { DemoMachine } from "../simulator/demo_factory.ts";
import { machineProfiles } from "../simulator/machine_profiles.ts";
import { deriveSeed } from "../simulator/seeded_random.ts";
import { TelemetryGenerator } from "../simulator/telemetry_generator.ts";

const DAY_MS = 86_400_000;

/** The time grid of a backfill: `from`, `from + every`, … up to `to`, all epoch ms. */
export interface HistoryGrid {
  readonly from: number;
  readonly to: number;
  readonly everyMs: number;
}

/**
 * The grid of `days` days of history ending at `end`: it starts at the UTC
 * midnight `days` days before `end` (so every run on the same day starts at
 * the same instant and the generators produce the same values) and ends at
 * the last multiple of `everyMs` not after `end`.
 *
 * @example
 * ```ts
 * historyGrid(Date.UTC(2026, 10, 23, 15, 7, 3), 2, 10_000);
 * // { from: Date.UTC(2026, 10, 21), to: Date.UTC(2026, 10, 23, 15, 7, 0), everyMs: 10000 }
 * ```
 */
export function historyGrid(end: number, days: number, everyMs: number): HistoryGrid {
  const midnight = Math.floor((end - days * DAY_MS) / DAY_MS) * DAY_MS;
  return {
    from: Math.ceil(midnight / everyMs) * everyMs,
    to: Math.floor(end / everyMs) * everyMs,
    everyMs,
  };
}

/** Samples per machine on `grid`. */
export function gridSteps(grid: HistoryGrid): number {
  return grid.to < grid.from ? 0 : Math.floor((grid.to - grid.from) / grid.everyMs) + 1;
}

/** Options of {@link demoHistory}. */
export interface DemoHistoryOptions {
  readonly grid: HistoryGrid;
  /** Factory the points are written for (the demo's own is "demo"). */
  readonly factory: string;
  readonly machines: readonly DemoMachine[];
  /** Seed of all randomness (the live simulator's default is 1). */
  readonly seed: number;
  /** Values per batch (default 10,000). */
  readonly batchSize?: number;
}

/** One batch of generated values and how many samples (machine × instant) it completes. */
export interface HistoryBatch {
  readonly points: SeriesPoint[];
  readonly samples: number;
}

/**
 * Generates the history machine by machine, in time order, as batches of
 * store points (booleans as 1 / 0). Lazy: only one batch is held at a time.
 *
 * @example
 * ```ts
 * import type { SqliteStore } from "../engine/store/sqlite_store.ts";
 * import { demoMachines } from "../simulator/demo_factory.ts";
 *
 * declare const store: SqliteStore;
 *
 * const grid = historyGrid(Date.now(), 7, 10_000);
 * for (const batch of demoHistory({ grid, factory: "demo", machines: demoMachines, seed: 1 })) {
 *   await store.write(batch.points);
 * }
 * ```
 */
export function* demoHistory(options: DemoHistoryOptions): Generator<HistoryBatch> {
  const { grid, factory, seed } = options;
  const batchSize = options.batchSize ?? 10_000;
  let points: SeriesPoint[] = [];
  let samples = 0;
  for (const { machine, type } of options.machines) {
    const generator = new TelemetryGenerator(
      machineProfiles[type],
      deriveSeed(seed, `${factory}/${machine}`),
    );
    for (let ts = grid.from; ts <= grid.to; ts += grid.everyMs) {
      const readings = generator.next(ts);
      for (const metric in readings) {
        const value = readings[metric];
        points.push({
          factory,
          machine,
          metric,
          ts,
          value: typeof value === "boolean" ? (value ? 1 : 0) : value,
        });
      }
      samples++;
      if (points.length >= batchSize) {
        yield { points, samples };
        points = [];
        samples = 0;
      }
    }
  }
  if (points.length > 0 || samples > 0) yield { points, samples };
}
