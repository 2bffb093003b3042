import type { Clock } from "../clock.ts";
import type { SpectrumEvent } from "../events.ts";
import type { DecodeResult } from "../ingest/rejection.ts";
import type { MachineRef } from "../telemetry.ts";
import { downsampleSpectrum } from "./downsample_spectrum.ts";
import { ISO_10816_3_BOUNDARIES, ZONE_NUMBER, ZONE_STATUS } from "./iso_10816.ts";
import type { SpectrumCache, SpectrumSnapshot } from "./spectrum_cache.ts";
import {
  DEFAULT_BANDS,
  DEFAULT_VIBRATION_CONFIG,
  type VibrationConfig,
} from "./vibration_config.ts";
import { decodeWaveform, type Waveform } from "./waveform.ts";
import { analyzeWaveform, type VibrationAnalysis } from "./waveform_features.ts";

/** Options of {@link VibrationAnalyzer}. */
export interface VibrationAnalyzerOptions {
  readonly clock: Clock;
  /** The machine's configuration; undefined → {@link DEFAULT_VIBRATION_CONFIG}. */
  readonly config: (ref: MachineRef) => VibrationConfig | undefined;
  /** Latest value of one of the machine's metrics (for a shaft speed carried by a metric). */
  readonly latest?: (ref: MachineRef, metric: string) => number | undefined;
  readonly cache: SpectrumCache;
  /** Where `spectrum` events go (the bus). */
  readonly publish?: (event: SpectrumEvent) => void;
  /** Least time between two `spectrum` events of one machine and axis, ms (default 1,000). */
  readonly eventEveryMs?: number;
  /** Largest payload, bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** How far ahead of the receive time a ts may be, ms (default 5 min). */
  readonly maxFutureMs?: number;
}

/**
 * Turns a waveform publish into telemetry: decodes and validates it,
 * computes its features with the machine's configuration, keeps the
 * spectrum in the cache, publishes a (throttled) `spectrum` event, and
 * returns one point whose metrics are the features, named
 * `vib.<axis>.<feature>` (see {@link vibrationMetrics}). The point then
 * takes the ordinary telemetry path into the machine's actor, so detectors,
 * rules, history and live charts work on vibration without knowing it.
 * Stateless apart from the cache and the event throttle.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../bus.ts";
 * import type { Clock } from "../clock.ts";
 * import type { SpectrumCache } from "./spectrum_cache.ts";
 * import type { VibrationConfigTable } from "./vibration_config_table.ts";
 * declare const clock: Clock, table: VibrationConfigTable, cache: SpectrumCache, bus: EventBus;
 * declare const payload: Uint8Array;
 *
 * const analyzer = new VibrationAnalyzer({
 *   clock,
 *   config: (ref) => table.get(ref)?.config,
 *   cache,
 *   publish: (e) => bus.publish(e),
 * });
 * const fan = { factory: "demo", machine: "fan-01" };
 * const { points, rejections } = analyzer.analyze(fan, payload, clock.now());
 * ```
 */
export class VibrationAnalyzer {
  readonly #options: VibrationAnalyzerOptions;
  readonly #eventEveryMs: number;
  readonly #lastEvent = new Map<string, number>();

  constructor(options: VibrationAnalyzerOptions) {
    const eventEveryMs = options.eventEveryMs ?? 1_000;
    if (!(eventEveryMs >= 0) || !Number.isFinite(eventEveryMs)) {
      throw new RangeError(
        `Cannot create the vibration analyzer: 'eventEveryMs' must be a finite number >= 0: current value is ${eventEveryMs}`,
      );
    }
    this.#options = options;
    this.#eventEveryMs = eventEveryMs;
  }

  /** Analyses one waveform payload of `ref`; a bad payload gives one rejection and no point. */
  analyze(ref: MachineRef, payload: string | Uint8Array, receivedAt: number): DecodeResult {
    const decoded = decodeWaveform(payload, ref, {
      receivedAt,
      maxBytes: this.#options.maxBytes,
      maxFutureMs: this.#options.maxFutureMs,
    });
    if ("rejection" in decoded) return { points: [], rejections: [decoded.rejection] };
    const { waveform } = decoded;
    const config = this.#options.config(ref) ?? DEFAULT_VIBRATION_CONFIG;
    const shaftHz = this.#shaftHz(ref, config);
    const analysis = analyzeWaveform(waveform.samples, waveform.sampleRateHz, { config, shaftHz });
    const snapshot = spectrumSnapshot(waveform, analysis, config);
    this.#options.cache.put(snapshot);
    this.#maybePublish(snapshot);
    return {
      points: [{ ...ref, ts: waveform.ts, metrics: vibrationMetrics(waveform.axis, analysis) }],
      rejections: [],
    };
  }

  #shaftHz(ref: MachineRef, config: VibrationConfig): number | undefined {
    const shaft = config.shaft;
    if (shaft === undefined) return undefined;
    if ("hz" in shaft) return shaft.hz;
    const value = this.#options.latest?.(ref, shaft.metric);
    if (value === undefined || !(value > 0)) return undefined;
    return shaft.unit === "rpm" ? value / 60 : value;
  }

  #maybePublish(snapshot: SpectrumSnapshot): void {
    const publish = this.#options.publish;
    if (publish === undefined) return;
    const key = `${snapshot.factory}/${snapshot.machine}/${snapshot.axis}`;
    const now = this.#options.clock.now();
    const last = this.#lastEvent.get(key);
    if (last !== undefined && now - last < this.#eventEveryMs) return;
    // The throttle only needs recent keys; forgetting all now and then bounds it.
    if (this.#lastEvent.size >= 10_000) this.#lastEvent.clear();
    this.#lastEvent.set(key, now);
    publish({
      type: "spectrum",
      factory: snapshot.factory,
      machine: snapshot.machine,
      ts: snapshot.ts,
      axis: snapshot.axis,
      velocityRms: snapshot.isoZone.velocityRms,
      isoZone: snapshot.isoZone.zone,
    });
  }
}

/**
 * The metrics of one analysed waveform of `axis` (names match the telemetry
 * id pattern; units in brackets):
 * `vib.<axis>.rms_accel` [m/s²], `.rms_velocity` [mm/s, 10–1,000 Hz],
 * `.peak` [m/s²], `.crest`, `.kurtosis`, `.band_1`… [m/s² RMS in each band],
 * `.iso_zone` [1–4 for zones A–D], and when the shaft speed is known
 * `.shaft_hz`, `.amp_1x`, `.amp_2x` and, with a bearing, `.amp_bpfo`,
 * `.amp_bpfi`, `.amp_bsf`, `.amp_ftf` [peak m/s²].
 *
 * @example
 * ```ts
 * import type { VibrationAnalysis } from "./waveform_features.ts";
 * declare const analysis: VibrationAnalysis;
 * vibrationMetrics("x", analysis)["vib.x.rms_velocity"]; // e.g. 2.1
 * ```
 */
export function vibrationMetrics(
  axis: string,
  analysis: VibrationAnalysis,
): Record<string, number> {
  const p = `vib.${axis}.`;
  const f = analysis.features;
  const metrics: Record<string, number> = {
    [`${p}rms_accel`]: f.rmsAccel,
    [`${p}rms_velocity`]: f.rmsVelocity,
    [`${p}peak`]: f.peak,
    [`${p}crest`]: f.crest,
    [`${p}kurtosis`]: f.kurtosis,
    [`${p}iso_zone`]: ZONE_NUMBER[analysis.zone],
  };
  f.bands.forEach((rms, i) => metrics[`${p}band_${i + 1}`] = rms);
  if (analysis.shaftHz !== undefined) metrics[`${p}shaft_hz`] = analysis.shaftHz;
  for (const target of f.targets) metrics[`${p}${target.key}`] = target.amplitude;
  return metrics;
}

/** The cached, chart-ready form of one analysed waveform. */
export function spectrumSnapshot(
  waveform: Waveform,
  analysis: VibrationAnalysis,
  config: VibrationConfig,
): SpectrumSnapshot {
  const { spectrum, features } = analysis;
  const { frequencies, magnitudes } = downsampleSpectrum(spectrum.amplitudes, spectrum.binHz);
  const bands = config.bands ?? DEFAULT_BANDS;
  return {
    factory: waveform.factory,
    machine: waveform.machine,
    ts: waveform.ts,
    axis: waveform.axis,
    sampleRateHz: waveform.sampleRateHz,
    sampleCount: waveform.samples.length,
    binHz: spectrum.binHz,
    frequencies,
    magnitudes,
    peaks: analysis.peaks,
    features: {
      rmsAccel: features.rmsAccel,
      rmsVelocity: features.rmsVelocity,
      peak: features.peak,
      crest: features.crest,
      kurtosis: features.kurtosis,
      bands: features.bands.map((rms, i) => ({ ...bands[i], rms })),
      targets: features.targets,
      ...(analysis.shaftHz === undefined ? {} : { shaftHz: analysis.shaftHz }),
    },
    isoZone: {
      zone: analysis.zone,
      status: ZONE_STATUS[analysis.zone],
      group: config.isoGroup,
      foundation: config.foundation,
      velocityRms: features.rmsVelocity,
      boundaries: ISO_10816_3_BOUNDARIES[config.isoGroup][config.foundation],
    },
  };
}
