/**
 * One metric's points for a live chart, in uPlot's column layout: times,
 * values, and a third column holding the value only where it was flagged
 * anomalous (drawn as red points). Kept in time order and trimmed to the
 * chart's window, so a page left open for days holds no more than a window.
 */

/** Points of one series: parallel arrays of epoch ms and values. */
export interface SeriesSeed {
  readonly ts: readonly number[];
  readonly values: readonly number[];
  /** Epoch ms of points flagged anomalous. */
  readonly flagged?: readonly number[];
}

/**
 * Rolling, time-ordered points of one metric.
 *
 * @example
 * ```ts
 * const series = new SeriesWindow({ ts: [1000], values: [3] });
 * series.append(2000, 9, true);
 * series.trimBefore(1500);
 * series.columns(); // [[2000], [9], [9]]
 * ```
 */
export class SeriesWindow {
  readonly #ts: number[] = [];
  readonly #values: number[] = [];
  readonly #marks: Array<number | null> = [];
  #flagged = 0;

  constructor(seed?: SeriesSeed) {
    if (seed === undefined) return;
    const flagged = new Set(seed.flagged ?? []);
    seed.ts.forEach((ts, i) => this.append(ts, seed.values[i], flagged.has(ts)));
  }

  /** Number of points held. */
  get length(): number {
    return this.#ts.length;
  }

  /** Epoch ms of the newest point, if any. */
  get lastTs(): number | undefined {
    return this.#ts.at(-1);
  }

  /** Points flagged anomalous among those held. */
  get flaggedCount(): number {
    return this.#flagged;
  }

  /** Adds a point in time order; a second point at the same instant replaces the first. */
  append(ts: number, value: number, anomalous: boolean): void {
    const mark = anomalous ? value : null;
    let at = this.#ts.length;
    // Points nearly always arrive in order: search back from the end.
    while (at > 0 && this.#ts[at - 1] > ts) at--;
    if (at > 0 && this.#ts[at - 1] === ts) {
      if (this.#marks[at - 1] !== null) this.#flagged--;
      this.#values[at - 1] = value;
      this.#marks[at - 1] = mark;
    } else {
      this.#ts.splice(at, 0, ts);
      this.#values.splice(at, 0, value);
      this.#marks.splice(at, 0, mark);
    }
    if (mark !== null) this.#flagged++;
  }

  /** Flags the point at `ts`; false when no point is there (yet). */
  flag(ts: number): boolean {
    for (let at = this.#ts.length - 1; at >= 0 && this.#ts[at] >= ts; at--) {
      if (this.#ts[at] !== ts) continue;
      if (this.#marks[at] === null) {
        this.#marks[at] = this.#values[at];
        this.#flagged++;
      }
      return true;
    }
    return false;
  }

  /** Drops points older than `ts`. */
  trimBefore(ts: number): void {
    let drop = 0;
    while (drop < this.#ts.length && this.#ts[drop] < ts) {
      if (this.#marks[drop] !== null) this.#flagged--;
      drop++;
    }
    if (drop === 0) return;
    this.#ts.splice(0, drop);
    this.#values.splice(0, drop);
    this.#marks.splice(0, drop);
  }

  /** The columns uPlot draws: times (ms), values, flagged values (null elsewhere). */
  columns(): [number[], number[], Array<number | null>] {
    return [this.#ts, this.#values, this.#marks];
  }
}
