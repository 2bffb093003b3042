/**
 * The largest resident memory (RSS) the process was seen using, sampled
 * whenever {@link PeakMemory.sample} is called (after each batch). The
 * summaries print it, so a user importing a large file sees that memory
 * stayed flat. Sampling needs no permission, unlike /proc/self/status.
 *
 * @example
 * ```ts
 * import type { SeriesPoint } from "../engine/telemetry.ts";
 *
 * declare const batches: readonly SeriesPoint[][];
 * declare function write(batch: SeriesPoint[]): Promise<void>;
 *
 * const memory = new PeakMemory();
 * for (const batch of batches) {
 *   await write(batch);
 *   memory.sample();
 * }
 * memory.peakBytes; // 98_304_000
 * ```
 */
export class PeakMemory {
  #peak = 0;

  constructor() {
    this.sample();
  }

  /** Reads the current RSS and keeps it when it is the largest so far. */
  sample(): void {
    const rss = Deno.memoryUsage().rss;
    if (rss > this.#peak) this.#peak = rss;
  }

  /** The largest RSS sampled, in bytes. */
  get peakBytes(): number {
    return this.#peak;
  }
}
