import { IsolationForest, type IsolationForestOptions } from "./isolation_forest.ts";
import {
  DEFAULT_METRIC_DETECTOR_OPTIONS,
  MetricDetector,
  type MetricDetectorOptions,
  type MetricDetectorState,
} from "./metric_detector.ts";
import { type PackedFloats, packFloats, unpackFloats } from "./packed.ts";

/** Training rows kept before a machine's first forest (at phase 0; see the constructor). */
const FIRST_FOREST_ROWS = 32;

/** Tunables of a {@link MachineDetector}. */
export interface MachineDetectorOptions {
  readonly metric: MetricDetectorOptions;
  readonly forest: Omit<IsolationForestOptions, "seed"> & { readonly seed: number };
  /** Recent normal rows kept for (re)training (every 4th normal row is sampled). */
  readonly trainingRows: number;
  /** Rows after which a new forest is trained in the background. */
  readonly retrainEvery: number;
  /** Trees built per observed row while training (the background slice). */
  readonly treesPerRow: number;
  /**
   * Operating modes: when a two-state metric (see {@link MachineDetector.observeMode})
   * flips after holding its value for `minRun` points, every metric detector
   * gets a grace period of `grace` points (see `MetricDetector.settle`).
   * Absent = off.
   */
  readonly modes?: { readonly grace: number; readonly minRun: number };
}

export const DEFAULT_MACHINE_DETECTOR_OPTIONS: MachineDetectorOptions = {
  metric: DEFAULT_METRIC_DETECTOR_OPTIONS,
  forest: { trees: 25, sampleSize: 32, seed: 7 },
  trainingRows: 128,
  retrainEvery: 1000,
  treesPerRow: 1,
  modes: { grace: 60, minRun: 30 },
};

/** The multivariate verdict on one row of a machine's metrics. */
export interface MultivariateResult {
  /** Isolation-forest score in (0, 1]; above ~0.65 the row is unusual as a whole. */
  readonly score: number;
  /** The metric whose splits isolated the row most. */
  readonly topMetric: string;
}

/** JSON snapshot of a {@link MachineDetector}. */
export interface MachineDetectorState {
  readonly version: 1;
  readonly metrics: Record<string, MetricDetectorState>;
  readonly columns: string[];
  readonly last: number[];
  /** Training rows, oldest first: Float32, row-major, packed (see `packed.ts`); arrays in older snapshots. */
  readonly rows: PackedFloats | number[][];
  readonly rowsSeen: number;
  readonly sinceTrain: number;
  /** Rows and seed of the forest in use; rebuilt on restore (deterministic). */
  readonly forest: { readonly rows: PackedFloats | number[][]; readonly seed: number } | null;
  readonly generation: number;
  /** Two-state metrics: [value, points it has held (capped)]; absent in older snapshots. */
  readonly modes?: Record<string, [number, number]>;
}

/**
 * All detectors of one machine: a {@link MetricDetector} per metric and an
 * isolation forest across the metrics, trained on the machine's recent
 * normal rows and retrained in the background — `treesPerRow` trees per
 * observed row, while the previous forest keeps scoring — so no message
 * waits for a whole training.
 *
 * @example
 * ```ts
 * const d = new MachineDetector();
 * const r = d.metric("temp").update(21.5);
 * const mv = d.observeRow({ temp: 21.5, rpm: 1480 }, !r.flagged);
 * ```
 */
export class MachineDetector {
  readonly #o: MachineDetectorOptions;
  readonly #metrics = new Map<string, MetricDetector>();
  #columns: string[] = [];
  #last: number[] = [];
  #rows: number[][] = [];
  #rowsSeen = 0;
  #sinceTrain = 0;
  #forest: IsolationForest | null = null;
  #forestRows: number[][] | null = null;
  #forestSeed = 0;
  #pending: { forest: IsolationForest; rows: number[][]; seed: number } | null = null;
  #generation = 0;
  #ringAt = 0;
  readonly #modes = new Map<string, { value: number; run: number }>();
  readonly #phase: number;

  /**
   * `phase` in [0, 1) places this machine in the training cycle: its first
   * forest starts once `FIRST_FOREST_ROWS × (1 + phase)` training rows are
   * kept (rows kept are every 4th normal row), the next comes
   * `retrainEvery × (1 + phase)` rows after the first and then every
   * `retrainEvery`. Machines that started together (an engine start) would
   * otherwise all train in the same few seconds, a burst of allocation and
   * tree building; give each a different phase (e.g. from a hash of its
   * name) and the work spreads evenly.
   */
  constructor(
    options: MachineDetectorOptions = DEFAULT_MACHINE_DETECTOR_OPTIONS,
    state?: MachineDetectorState,
    phase = 0,
  ) {
    this.#o = options;
    if (!(phase >= 0 && phase < 1)) {
      throw new RangeError(`Cannot create machine detector: 'phase' must be in [0, 1): ${phase}`);
    }
    this.#phase = phase;
    if (!state) return;
    if (state.version !== 1) {
      throw new TypeError(
        `Cannot restore machine detector: unknown state version ${state.version}`,
      );
    }
    for (const [name, s] of Object.entries(state.metrics)) {
      this.#metrics.set(name, MetricDetector.restore(s, options.metric));
    }
    this.#columns = [...state.columns];
    this.#last = [...state.last];
    // Oldest first in the snapshot, so the ring restarts at 0.
    this.#rows = unpackRows(state.rows, this.#columns.length);
    this.#rowsSeen = state.rowsSeen;
    this.#sinceTrain = state.sinceTrain;
    this.#generation = state.generation;
    if (state.forest) {
      this.#forestRows = unpackRows(state.forest.rows, this.#columns.length);
      this.#forestSeed = state.forest.seed;
      this.#forest = this.#buildNow(this.#forestRows, this.#forestSeed);
    }
    for (const [name, [value, run]] of Object.entries(state.modes ?? {})) {
      this.#modes.set(name, { value, run });
    }
  }

  /** The detector of `name`, created on first use. */
  metric(name: string): MetricDetector {
    let d = this.#metrics.get(name);
    if (d === undefined) {
      d = new MetricDetector(this.#o.metric);
      this.#metrics.set(name, d);
    }
    return d;
  }

  /** Sets a metric's sensitivity factor (clamped to [0.5, 3]); 1 is the default. */
  setSensitivity(metric: string, factor: number): void {
    this.metric(metric).sensitivity = factor;
  }

  /**
   * Notes the value of a two-state (0/1) metric, such as a machine's `running`
   * flag, before the row's other metrics are judged. When it flips after
   * holding its value for `modes.minRun` points, the machine changed its
   * operating mode: every metric detector gets a grace period of `modes.grace`
   * points, so the expected step of the other metrics is not flagged. A
   * switch that toggles often (e.g. a heater) is no mode change. Returns
   * whether this value was a mode change.
   *
   * @example
   * ```ts
   * const d = new MachineDetector();
   * for (let i = 0; i < 100; i++) d.observeMode("running", 1);
   * d.observeMode("running", 0); // true: the other metrics settle for a while
   * ```
   */
  observeMode(metric: string, value: number): boolean {
    const modes = this.#o.modes;
    if (modes === undefined) return false;
    const s = this.#modes.get(metric);
    if (s === undefined) {
      this.#modes.set(metric, { value, run: 1 });
      return false;
    }
    if (value === s.value) {
      if (s.run < modes.minRun) s.run++;
      return false;
    }
    const change = s.run >= modes.minRun;
    const previous = `${metric}=${s.value}`;
    s.value = value;
    s.run = 1;
    if (change) {
      const mode = `${metric}=${value}`;
      for (const d of this.#metrics.values()) {
        d.enterMode(mode, previous);
        d.settle(modes.grace);
      }
    }
    return change;
  }

  /** Forests trained so far (for tests and diagnostics). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Takes the machine's current row (latest value of every metric, with
   * `values` applied), scores it with the forest in use when `score` is set
   * (scoring costs ~2 µs, so the actor asks only for rows it flags), keeps the
   * row for training when `normal`, and advances the background training by
   * one slice. Returns null when not scored or no forest is trained yet.
   */
  observeRow(
    values: Readonly<Record<string, number>>,
    normal: boolean,
    score = true,
  ): MultivariateResult | null {
    for (const name in values) {
      let col = this.#columns.indexOf(name);
      if (col < 0) {
        // A new metric changes the row's shape: start collecting rows afresh.
        this.#columns.push(name);
        this.#last.push(values[name]);
        this.#rows = [];
        this.#ringAt = 0;
        this.#forest = null;
        this.#forestRows = null;
        this.#pending = null;
        this.#sinceTrain = 0;
        col = this.#columns.length - 1;
      }
      this.#last[col] = values[name];
    }
    this.#rowsSeen++;
    let result: MultivariateResult | null = null;
    if (score && this.#forest && this.#columns.length >= 2) {
      const s = this.#forest.score(this.#last);
      result = { score: s.score, topMetric: this.#columns[s.topFeature] };
    }
    // Keep every 4th normal row (a ring, rows reused in place): a sample of the recent past.
    // Rows are kept in Float32 precision, so the snapshot is compact and exact.
    if (normal && (this.#rowsSeen & 3) === 0) {
      if (this.#rows.length < this.#o.trainingRows) this.#rows.push(this.#last.map(Math.fround));
      else {
        const row = this.#rows[this.#ringAt];
        for (let i = 0; i < row.length; i++) row[i] = Math.fround(this.#last[i]);
        this.#ringAt = (this.#ringAt + 1) % this.#o.trainingRows;
      }
    }
    this.#sinceTrain++;
    this.#train();
    return result;
  }

  snapshot(): MachineDetectorState {
    const metrics: Record<string, MetricDetectorState> = {};
    for (const [name, d] of this.#metrics) metrics[name] = d.snapshot();
    return {
      version: 1,
      metrics,
      columns: [...this.#columns],
      last: [...this.#last],
      rows: packRows([...this.#rows.slice(this.#ringAt), ...this.#rows.slice(0, this.#ringAt)]),
      rowsSeen: this.#rowsSeen,
      sinceTrain: this.#sinceTrain,
      forest: this.#forestRows
        ? { rows: packRows(this.#forestRows), seed: this.#forestSeed }
        : null,
      generation: this.#generation,
      modes: Object.fromEntries([...this.#modes].map(([name, m]) => [name, [m.value, m.run]])),
    };
  }

  #train(): void {
    if (this.#columns.length < 2) return;
    if (this.#pending === null) {
      const due = this.#forest === null
        ? this.#rows.length >=
          Math.min(this.#o.trainingRows, Math.floor(FIRST_FOREST_ROWS * (1 + this.#phase)))
        : this.#sinceTrain >= this.#o.retrainEvery;
      if (!due) return;
      const rows = this.#rows.map((r) => [...r]);
      const seed = this.#o.forest.seed + this.#generation;
      this.#pending = {
        forest: new IsolationForest(rows, { ...this.#o.forest, seed }),
        rows,
        seed,
      };
    }
    for (let i = 0; i < this.#o.treesPerRow; i++) this.#pending.forest.buildTree();
    if (this.#pending.forest.complete) {
      this.#forest = this.#pending.forest;
      this.#forestRows = this.#pending.rows;
      this.#forestSeed = this.#pending.seed;
      this.#pending = null;
      this.#sinceTrain = this.#generation === 0
        ? -Math.floor(this.#phase * this.#o.retrainEvery)
        : 0;
      this.#generation++;
    }
  }

  #buildNow(rows: number[][], seed: number): IsolationForest {
    const forest = new IsolationForest(rows, { ...this.#o.forest, seed });
    while (!forest.complete) forest.buildTree();
    return forest;
  }
}

function packRows(rows: readonly (readonly number[])[]): string {
  const width = rows.length > 0 ? rows[0].length : 0;
  const flat = new Float32Array(rows.length * width);
  rows.forEach((r, i) => flat.set(r, i * width));
  return packFloats(flat);
}

function unpackRows(packed: PackedFloats | number[][], width: number): number[][] {
  if (typeof packed !== "string" && (packed.length === 0 || Array.isArray(packed[0]))) {
    return (packed as number[][]).map((r) => [...r]);
  }
  const flat = unpackFloats(packed as PackedFloats, Float32Array);
  if (flat.length === 0) return [];
  if (width === 0 || flat.length % width !== 0) {
    throw new RangeError(
      `Cannot restore machine detector: ${flat.length} row values do not fit ${width} columns`,
    );
  }
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += width) rows.push(Array.from(flat.subarray(i, i + width)));
  return rows;
}
