import type { DatabaseSync, StatementSync } from "node:sqlite";
import { ChunkTable } from "./chunk_table.ts";
import { HeadLog, latestByTime } from "./head_log.ts";
import type { PointBatch, SeriesDefinition } from "./point_batch.ts";
import { RollupBatch } from "./rollup_batch.ts";
import { RollupJournal } from "./rollup_journal.ts";
import { ROLLUP_WIDTHS, RollupTable } from "./rollup_table.ts";

/**
 * Head points a compaction takes into memory at a time (a slice ends at a
 * whole head row; 24 bytes a point with the sort, ~15 MB). Each slice
 * appends a chunk per series, so a compaction of the usual 500,000 points
 * (plus the write that passed that) is one slice: in slices of 100,000 it
 * took 2.6× as long (660 vs 250 ms), as each series got five small chunks to
 * write and later rewrite instead of one.
 */
export const COMPACTION_SLICE = 600_000;

/** Series a compaction merges between two of its steps' chances to pause (~1–2 ms of work). */
const SERIES_PER_STEP = 16;

/** Series ids up to which {@link seriesOrder} counts (a table of 4 bytes an id) whatever the batch. */
const COUNTING_SPAN = 1 << 20;

/** Points per batch that {@link seriesOrder} sorts packed; 2^21, so series ids below 2^32 pack exactly. */
const INDEX_SPAN = 2 ** 21;

/** Options of a {@link PointWriter}. */
export interface PointWriterOptions {
  /** Head points a compaction takes into memory at a time (default {@link COMPACTION_SLICE}). */
  readonly compactionSlice?: number;
}

/** What one compaction did. */
export interface WriteOutcome {
  /** Points that replaced a different stored value. */
  readonly overwritten: number;
  /** 1 min buckets whose extreme was recomputed from raw points. */
  readonly recomputed: number;
}

/**
 * The write side of the embedded store, owning one connection. A
 * {@link PointBatch} is appended to the head log as one row in one short
 * transaction ({@link PointWriter.write}); {@link PointWriter.compact} moves
 * the whole head into per-series chunks (see `ChunkTable`), brings the 1 min
 * rollup up to date and marks the hours touched in the journal, all in one
 * transaction; {@link PointWriter.fold} brings the 1 h and 1 d rollups up to
 * date from those marks. So a point costs a few bytes of an appended row when
 * written and a share of one row per series when compacted, where a row per
 * point in a (series, ts) B-tree cost one leaf page per series per commit.
 * Runs in the store's write worker, or on the caller's thread for an
 * in-memory store.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { SeriesPoint } from "../telemetry.ts";
 * import { PointBatchEncoder } from "./point_batch.ts";
 * declare const db: DatabaseSync, points: SeriesPoint[];
 *
 * const writer = new PointWriter(db);
 * writer.write(new PointBatchEncoder().encode(points));
 * writer.compact();
 * writer.fold();
 * ```
 */
export class PointWriter {
  readonly #db: DatabaseSync;
  readonly #rollups: RollupTable;
  readonly #journal: RollupJournal;
  readonly #chunks: ChunkTable;
  readonly #head: HeadLog;
  readonly #batch = new RollupBatch(ROLLUP_WIDTHS[0]);
  readonly #definitions: SeriesDefinition[] = [];
  // Sender key → database id; cleared when a transaction that may have created ids rolls back.
  #ids: Array<number | undefined> = [];
  readonly #slice: number;
  #pending = 0;
  #compacting = false;
  readonly #insertSeries: StatementSync;
  readonly #selectSeriesId: StatementSync;

  constructor(db: DatabaseSync, options: PointWriterOptions = {}) {
    this.#db = db;
    this.#slice = options.compactionSlice ?? COMPACTION_SLICE;
    this.#rollups = new RollupTable(db);
    this.#journal = new RollupJournal(db);
    this.#chunks = new ChunkTable(db);
    this.#head = new HeadLog(db);
    this.#insertSeries = db.prepare(
      "INSERT INTO series (factory, machine, metric) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#selectSeriesId = db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    );
  }

  /** Hours whose 1 h / 1 d rollups wait for a fold. */
  get pendingFold(): number {
    return this.#journal.pending;
  }

  /** Points this writer appended to the head since its last compaction. */
  get pendingCompaction(): number {
    return this.#pending;
  }

  /** Commits one batch to the head; throws (nothing committed) when it cannot. */
  write(points: PointBatch): void {
    if (this.#compacting) throw new Error("Cannot write: a compaction is in progress");
    for (const definition of points.series) this.#definitions[definition[0]] = definition;
    const { keys, ts, values } = points;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      // Series ids resolved in arrival order, so a new series gets the same id either way.
      const ids = new Uint32Array(keys.length);
      for (let i = 0; i < keys.length; i++) ids[i] = this.#ids[keys[i]] ?? this.#seriesId(keys[i]);
      this.#head.append({ ids, ts, values });
      this.#db.exec("COMMIT");
      this.#pending += keys.length;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      this.#ids = [];
      throw new Error(`Cannot write ${keys.length} points to the store`, { cause: error });
    }
  }

  /**
   * Moves every point of the head (this writer's and any other's) into the
   * chunks and the 1 min rollup, in one transaction; throws (nothing
   * changed) when it cannot.
   */
  compact(): WriteOutcome {
    return this.startCompaction().finish();
  }

  /**
   * Starts a {@link compact} to be done a step at a time (a background
   * compaction that lets the writer's thread pause between steps). Its
   * transaction stays open until it is finished: nothing may be written
   * meanwhile.
   */
  startCompaction(): Compaction {
    if (this.#compacting) throw new Error("Cannot compact: a compaction is in progress");
    const steps = this.#compactSteps();
    steps.next(); // opens the transaction: nothing may be written from here on
    return new Compaction(steps);
  }

  *#compactSteps(): Generator<void, WriteOutcome, void> {
    const batch = this.#batch;
    this.#db.exec("BEGIN IMMEDIATE");
    this.#compacting = true;
    try {
      yield;
      const upTo = this.#head.lastId();
      let overwritten = 0;
      let recomputed = 0;
      // In slices, so that memory stays bounded however large the head grew.
      for (let after = 0; upTo > 0;) {
        const { run, lastId } = this.#head.readRows(after, upTo, this.#slice);
        if (lastId === 0) break;
        after = lastId;
        yield;
        const order = seriesOrder(run.ids);
        let series = 0;
        for (let k = 0; k < order.length;) {
          const id = run.ids[order[k]];
          let end = k + 1;
          while (end < order.length && run.ids[order[end]] === id) end++;
          const points = latestByTime(run.ts, run.values, order.subarray(k, end));
          overwritten += this.#chunks.merge(id, points, batch);
          k = end;
          if (++series % SERIES_PER_STEP === 0) yield;
        }
        yield;
        const minutes = batch.buckets(ROLLUP_WIDTHS[0]);
        recomputed += this.#rollups.apply(batch, [ROLLUP_WIDTHS[0]]);
        this.#journal.mark(minutes.map((b) => [b.seriesId, b.bucket] as const));
        batch.clear();
      }
      yield;
      if (upTo > 0) this.#head.deleteUpTo(upTo);
      this.#db.exec("COMMIT");
      this.#pending = 0;
      return { overwritten, recomputed };
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error("Cannot compact the store's head into chunks", { cause: error });
    } finally {
      this.#compacting = false;
      batch.clear();
    }
  }

  /** Folds the journal into the 1 h and 1 d rollups; returns the hours folded. */
  fold(): number {
    return this.#journal.fold();
  }

  #seriesId(key: number): number {
    const definition = this.#definitions[key];
    if (definition === undefined) {
      throw new Error(`Cannot write: series key ${key} was never defined by the sender`);
    }
    const [, factory, machine, metric] = definition;
    this.#insertSeries.run(factory, machine, metric);
    const id = (this.#selectSeriesId.get(factory, machine, metric) as { id: number }).id;
    this.#ids[key] = id;
    return id;
  }
}

/**
 * A compaction of the head in progress, in its own transaction, advanced a
 * step at a time: {@link step} works for about a given time and returns, so
 * the thread can pause between steps and leave the cores to the event loop
 * of the engine; {@link finish} runs it to the end. A step that fails rolls
 * the whole compaction back and throws.
 *
 * @example
 * ```ts
 * declare const writer: PointWriter;
 * const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
 * const compaction = writer.startCompaction();
 * while (!compaction.step(5)) await pause();
 * compaction.outcome; // { overwritten, recomputed }
 * ```
 */
export class Compaction {
  readonly #steps: Generator<void, WriteOutcome, void>;
  #outcome: WriteOutcome | undefined;

  constructor(steps: Generator<void, WriteOutcome, void>) {
    this.#steps = steps;
  }

  /** What the compaction did, once it is committed. */
  get outcome(): WriteOutcome | undefined {
    return this.#outcome;
  }

  /** Works for about `budgetMs` (at least one step); true once the compaction is committed. */
  step(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    while (this.#outcome === undefined) {
      const next = this.#steps.next();
      if (next.done) {
        // A generator that threw once is done without a value.
        if (next.value === undefined) throw new Error("Cannot go on with a failed compaction");
        this.#outcome = next.value;
      } else if (performance.now() >= until) return false;
    }
    return true;
  }

  /** Runs the compaction to its end. */
  finish(): WriteOutcome {
    this.step(Infinity);
    return this.#outcome!;
  }
}

/**
 * The indices of a batch's points grouped by series id, in the order they
 * arrived within each series: points arrive round-robin over the machines,
 * and a compaction writes each series' points together.
 */
export function seriesOrder(ids: Uint32Array): Uint32Array {
  const n = ids.length;
  const order = new Uint32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) if (ids[i] > max) max = ids[i];
  if (max <= Math.max(n, COUNTING_SPAN)) {
    // Series ids are dense from 1: a counting sort, stable, O(n + max). 500,000 points took
    // 56–80 ms in the packed sort below, a step of a paced compaction that could not pause.
    const starts = new Uint32Array(max + 2);
    for (let i = 0; i < n; i++) starts[ids[i] + 1]++;
    for (let id = 1; id <= max; id++) starts[id + 1] += starts[id];
    for (let i = 0; i < n; i++) order[starts[ids[i]]++] = i;
    return order;
  }
  if (n <= INDEX_SPAN) {
    // Packed as id × 2^21 + index (exact in a double), a native numeric sort does it.
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = ids[i] * INDEX_SPAN + i;
    packed.sort();
    for (let k = 0; k < n; k++) order[k] = packed[k] % INDEX_SPAN;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => ids[a] - ids[b] || a - b);
}
