import type { Aggregate, TimeSeriesStore } from "../../../engine/store/time_series_store.ts";
import type { MachineRef } from "../../../engine/telemetry.ts";

/** What to read, page by page. */
export interface PagedRange extends MachineRef {
  readonly from: number;
  readonly to: number;
  readonly every?: number;
  readonly agg?: Aggregate;
  /** Points per store query. */
  readonly pageSize: number;
}

/** One timestamp of several series: `values[i]` belongs to the i-th metric. */
export interface MergedRow {
  readonly ts: number;
  readonly values: ReadonlyArray<number | undefined>;
}

/**
 * The points of one series in time order, read `pageSize` at a time (each
 * page a range query starting after the previous page's last point or
 * bucket), so a year of points never sits in memory at once.
 *
 * @example
 * ```ts
 * import type { TimeSeriesStore } from "../../../engine/store/time_series_store.ts";
 * declare const store: TimeSeriesStore;
 * declare const factory: string, machine: string, from: number, to: number;
 * const range = { factory, machine, from, to, pageSize: 10_000 };
 * for await (const page of seriesPages(store, "temp", range)) {
 *   for (const [ts, value] of page) console.log(ts, value);
 * }
 * ```
 */
export async function* seriesPages(
  store: TimeSeriesStore,
  metric: string,
  range: PagedRange,
): AsyncGenerator<ReadonlyArray<readonly [number, number]>> {
  let cursor = range.from;
  while (cursor <= range.to) {
    const [series] = await store.queryRange({
      factory: range.factory,
      machine: range.machine,
      metrics: [metric],
      from: cursor,
      to: range.to,
      every: range.every,
      agg: range.agg,
      limit: range.pageSize,
    });
    const points = series?.points ?? [];
    if (points.length > 0) yield points;
    if (points.length < range.pageSize) return;
    cursor = points[points.length - 1][0] + (range.every ?? 1);
  }
}

/**
 * Merges several series by timestamp: one row per distinct timestamp, in
 * time order, holding each series' value there (or undefined).
 */
export async function* mergeByTime(
  store: TimeSeriesStore,
  metrics: readonly string[],
  range: PagedRange,
): AsyncGenerator<MergedRow> {
  const sources = metrics.map((metric) => seriesPages(store, metric, range));
  const pages: Array<ReadonlyArray<readonly [number, number]> | undefined> = [];
  const at: number[] = [];
  const refill = async (i: number) => {
    const next = await sources[i].next();
    pages[i] = next.done ? undefined : next.value;
    at[i] = 0;
  };
  for (let i = 0; i < sources.length; i++) await refill(i);
  for (;;) {
    let ts = Infinity;
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i];
      if (page !== undefined && page[at[i]][0] < ts) ts = page[at[i]][0];
    }
    if (ts === Infinity) return;
    const values: Array<number | undefined> = [];
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i];
      if (page === undefined || page[at[i]][0] !== ts) {
        values.push(undefined);
        continue;
      }
      values.push(page[at[i]][1]);
      if (++at[i] >= page.length) await refill(i);
    }
    yield { ts, values };
  }
}
