/**
 * Chart points for a page's first paint, made small enough to travel as
 * island props.
 */
import type { SeriesSeed } from "./series_window.ts";

/** Points per metric sent with a page; more are thinned to min/max pairs. */
export const MAX_SEED_POINTS = 600;

/**
 * `[ts, value]` points (time order) as a {@link SeriesSeed}. Past
 * `maxPoints`, the window is cut into `maxPoints / 2` equal buckets and each
 * keeps its lowest and highest point, so spikes survive the thinning.
 * `flagged` lists the epoch ms of points known to be anomalous.
 *
 * @example
 * ```ts
 * toSeriesSeed([[1000, 3], [2000, 4]], [2000]);
 * // { ts: [1000, 2000], values: [3, 4], flagged: [2000] }
 * ```
 */
export function toSeriesSeed(
  points: ReadonlyArray<readonly [number, number]>,
  flagged: readonly number[] = [],
  maxPoints = MAX_SEED_POINTS,
): SeriesSeed {
  const kept = points.length <= maxPoints ? points : thin(points, Math.max(1, maxPoints >> 1));
  const keptTs = new Set(kept.map(([ts]) => ts));
  return {
    ts: kept.map(([ts]) => ts),
    values: kept.map(([, value]) => value),
    flagged: flagged.filter((ts) => keptTs.has(ts)),
  };
}

function thin(
  points: ReadonlyArray<readonly [number, number]>,
  buckets: number,
): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  const size = points.length / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      if (points[i][1] < points[low][1]) low = i;
      if (points[i][1] > points[high][1]) high = i;
    }
    if (low === high) out.push(points[low]);
    else out.push(points[Math.min(low, high)], points[Math.max(low, high)]);
  }
  return out;
}
