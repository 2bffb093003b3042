import type { BacktestSample } from "../rules/mod.ts";
import type { SeriesData } from "../store/time_series_store.ts";

/**
 * Merges per-metric series (each in time order, as a store returns them)
 * into samples in time order: one sample per distinct timestamp, holding
 * every metric that has a point there — the shape telemetry had when it
 * arrived as `{ts, metrics}`.
 *
 * @example
 * ```ts
 * samplesFromSeries([
 *   { metric: "temp", points: [[1_000, 70], [2_000, 71]] },
 *   { metric: "rpm", points: [[1_000, 900]] },
 * ]);
 * // [{ ts: 1000, values: { temp: 70, rpm: 900 } }, { ts: 2000, values: { temp: 71 } }]
 * ```
 */
export function samplesFromSeries(series: readonly SeriesData[]): BacktestSample[] {
  const cursors = series.filter((s) => s.points.length > 0).map((s) => ({ series: s, next: 0 }));
  const samples: BacktestSample[] = [];
  while (true) {
    let ts = Infinity;
    for (const cursor of cursors) {
      if (cursor.next < cursor.series.points.length) {
        ts = Math.min(ts, cursor.series.points[cursor.next][0]);
      }
    }
    if (ts === Infinity) return samples;
    const values: Record<string, number> = {};
    for (const cursor of cursors) {
      const point = cursor.series.points[cursor.next];
      if (point !== undefined && point[0] === ts) {
        values[cursor.series.metric] = point[1];
        cursor.next++;
      }
    }
    samples.push({ ts, values });
  }
}
