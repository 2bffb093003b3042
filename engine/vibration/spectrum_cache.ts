import type { MachineRef } from "../telemetry.ts";
import type {
  Foundation,
  IsoGroup,
  IsoZone,
  VibrationStatus,
  ZoneBoundaries,
} from "./iso_10816.ts";
import type { SpectrumPeak, TargetAmplitude } from "./waveform_features.ts";

/** The ISO 10816-3 evaluation of one spectrum's velocity RMS. */
export interface IsoEvaluation {
  readonly zone: IsoZone;
  readonly status: VibrationStatus;
  readonly group: IsoGroup;
  readonly foundation: Foundation;
  readonly velocityRms: number;
  /** The boundaries used, mm/s RMS. */
  readonly boundaries: ZoneBoundaries;
}

/** Features of a spectrum as the spectrum endpoint shows them. */
export interface SpectrumFeatures {
  readonly rmsAccel: number;
  readonly rmsVelocity: number;
  readonly peak: number;
  readonly crest: number;
  readonly kurtosis: number;
  readonly bands: ReadonlyArray<
    { readonly fromHz: number; readonly toHz: number; readonly rms: number }
  >;
  readonly targets: readonly TargetAmplitude[];
  readonly shaftHz?: number;
}

/** The latest spectrum of one axis of one machine, downsampled for charts. */
export interface SpectrumSnapshot extends MachineRef {
  readonly ts: number;
  readonly axis: string;
  readonly sampleRateHz: number;
  /** Samples in the waveform, and the FFT bin width, Hz. */
  readonly sampleCount: number;
  readonly binHz: number;
  /** At most 2,048 points; each is the highest bin of its run (peaks kept). */
  readonly frequencies: readonly number[];
  /** Peak acceleration amplitude per point, m/s². */
  readonly magnitudes: readonly number[];
  readonly peaks: readonly SpectrumPeak[];
  readonly features: SpectrumFeatures;
  readonly isoZone: IsoEvaluation;
}

/**
 * The latest spectrum per (machine, axis), in memory and bounded: past
 * `maxEntries` the least recently updated one is evicted (and counted).
 *
 * @example
 * ```ts
 * declare const snapshot: SpectrumSnapshot; // of demo/fan-01, axis "x"
 * const cache = new SpectrumCache({ maxEntries: 500 });
 * cache.put(snapshot);
 * cache.get({ factory: "demo", machine: "fan-01" }, "x"); // snapshot
 * cache.axes({ factory: "demo", machine: "fan-01" }); // ["x"]
 * ```
 */
export class SpectrumCache {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, SpectrumSnapshot>();
  #evicted = 0;

  constructor(options: { readonly maxEntries?: number } = {}) {
    const maxEntries = options.maxEntries ?? 1_000;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Cannot create a spectrum cache: 'maxEntries' must be a positive integer: current value is ${maxEntries}`,
      );
    }
    this.#maxEntries = maxEntries;
  }

  /** Keeps `snapshot` as the latest of its machine and axis. */
  put(snapshot: SpectrumSnapshot): void {
    const key = keyOf(snapshot, snapshot.axis);
    // Re-inserting moves the key to the end: Map order is the eviction order.
    this.#entries.delete(key);
    this.#entries.set(key, snapshot);
    if (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
      this.#evicted++;
    }
  }

  /** The latest spectrum of the axis; without an axis, the newest of the machine's axes. */
  get(ref: MachineRef, axis?: string): SpectrumSnapshot | undefined {
    if (axis !== undefined) return this.#entries.get(keyOf(ref, axis));
    let newest: SpectrumSnapshot | undefined;
    for (const a of this.axes(ref)) {
      const s = this.#entries.get(keyOf(ref, a))!;
      if (newest === undefined || s.ts > newest.ts) newest = s;
    }
    return newest;
  }

  /** Axes of the machine with a spectrum, sorted. */
  axes(ref: MachineRef): string[] {
    const prefix = keyOf(ref, "");
    const axes: string[] = [];
    for (const key of this.#entries.keys()) {
      if (key.startsWith(prefix)) axes.push(key.slice(prefix.length));
    }
    return axes.sort();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Spectra evicted to stay within the bound. */
  get evicted(): number {
    return this.#evicted;
  }
}

function keyOf(ref: MachineRef, axis: string): string {
  return `${ref.factory}/${ref.machine}/${axis}`;
}
