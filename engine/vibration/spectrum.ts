import FFT from "fft.js";
import { type HannWindow, hannWindow } from "./hann_window.ts";

/**
 * A single-sided amplitude spectrum: `amplitudes[k]` is the peak amplitude
 * (same unit as the samples) of a sine at `k * binHz`, for k = 0 … n/2.
 */
export interface AmplitudeSpectrum {
  /** Width of one bin, Hz (sample rate / FFT size). */
  readonly binHz: number;
  readonly amplitudes: Float64Array;
  /**
   * Equivalent noise bandwidth of the window in bins of this spectrum: a sum
   * of bin powers (amplitude² / 2) divided by it is the power of the signal
   * in those bins.
   */
  readonly enbwBins: number;
}

// FFT plans and windows are costly to build and few sizes occur; both caches are bounded.
const MAX_CACHED = 8;
const plans = new Map<number, FFT>();
const windows = new Map<number, HannWindow>();

/**
 * The Hann-windowed, amplitude-corrected single-sided spectrum of `samples`
 * (computed with npm:fft.js). The record is zero-padded to the next power of
 * two; the corrections use the window over the real samples, so a sine of
 * amplitude A centred on a bin reads A whatever the padding. The mean is not
 * removed here (callers remove it).
 *
 * @example
 * ```ts
 * const fs = 1024;
 * const samples = Float64Array.from(
 *   { length: 1024 },
 *   (_, i) => 2 * Math.sin(2 * Math.PI * 64 * i / fs),
 * );
 * const spectrum = amplitudeSpectrum(samples, fs);
 * spectrum.binHz; // 1
 * spectrum.amplitudes[64]; // 2 (within rounding)
 * ```
 */
export function amplitudeSpectrum(
  samples: ArrayLike<number>,
  sampleRateHz: number,
): AmplitudeSpectrum {
  const n = samples.length;
  if (n < 4) {
    throw new RangeError(
      `Cannot compute a spectrum: at least 4 samples are needed: current length is ${n}`,
    );
  }
  if (!(sampleRateHz > 0) || !Number.isFinite(sampleRateHz)) {
    throw new RangeError(
      `Cannot compute a spectrum: 'sampleRateHz' must be finite and > 0: current value is ${sampleRateHz}`,
    );
  }
  let size = 4;
  while (size < n) size *= 2;
  const window = cached(windows, n, () => hannWindow(n));
  const plan = cached(plans, size, () => new FFT(size));
  const input = new Array<number>(size).fill(0);
  let sumW = 0;
  let sumW2 = 0;
  for (let i = 0; i < n; i++) {
    const w = window.weights[i];
    input[i] = samples[i] * w;
    sumW += w;
    sumW2 += w * w;
  }
  const out = plan.createComplexArray() as number[];
  plan.realTransform(out, input);
  const half = size / 2;
  const amplitudes = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) {
    const re = out[2 * k];
    const im = out[2 * k + 1];
    // DC and Nyquist have no mirror bin to fold in.
    const fold = k === 0 || k === half ? 1 : 2;
    amplitudes[k] = (fold * Math.hypot(re, im)) / sumW;
  }
  return {
    binHz: sampleRateHz / size,
    amplitudes,
    enbwBins: (size * sumW2) / (sumW * sumW),
  };
}

/**
 * RMS of the part of the signal between `fromHz` and `toHz` (both included),
 * from its spectrum, each bin's amplitude first multiplied by `weight(hz)`
 * when given (e.g. 1 / (2πf) to integrate acceleration to velocity).
 *
 * @example
 * ```ts
 * declare const spectrum: AmplitudeSpectrum;
 * bandRms(spectrum, 10, 1000); // RMS acceleration in 10–1000 Hz
 * // RMS velocity, mm/s from m/s²:
 * bandRms(spectrum, 10, 1000, (hz) => 1000 / (2 * Math.PI * hz));
 * ```
 */
export function bandRms(
  spectrum: AmplitudeSpectrum,
  fromHz: number,
  toHz: number,
  weight?: (hz: number) => number,
): number {
  const { binHz, amplitudes } = spectrum;
  const first = Math.max(0, Math.ceil(fromHz / binHz - 1e-9));
  const last = Math.min(amplitudes.length - 1, Math.floor(toHz / binHz + 1e-9));
  let power = 0;
  for (let k = first; k <= last; k++) {
    const a = weight === undefined ? amplitudes[k] : amplitudes[k] * weight(k * binHz);
    power += (a * a) / 2;
  }
  return Math.sqrt(power / spectrum.enbwBins);
}

function cached<T>(cache: Map<number, T>, key: number, build: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    value = build();
    cache.set(key, value);
  }
  return value;
}
