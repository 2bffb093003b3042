import type { SeriesPoint } from "../telemetry.ts";

/** Points per batch of {@link crashBatch}. */
export const CRASH_BATCH_SIZE = 3_000;

/**
 * The points of batch `n` written by the crash test's child: three series,
 * 1,000 new timestamps each, ending with a rewrite of the batch's first
 * point, so each batch also exercises the overwrite path.
 */
export function crashBatch(n: number): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (let i = 0; i < CRASH_BATCH_SIZE / 3; i++) {
    const ts = (n * CRASH_BATCH_SIZE / 3 + i) * 1_000;
    for (const metric of ["a", "b", "c"]) {
      points.push({ factory: "crash", machine: "m", metric, ts, value: crashValue(n, i) });
    }
  }
  points.push({ ...points[0], value: crashValue(n, 0) + 0.5 });
  return points;
}

/** The value point `i` of batch `n` is first written with. */
export function crashValue(n: number, i: number): number {
  return n * 7 + (i % 13);
}
