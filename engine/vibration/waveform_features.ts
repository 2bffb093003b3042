import { bearingFrequencies } from "./bearing_frequencies.ts";
import { type IsoZone, isoZone } from "./iso_10816.ts";
import { type AmplitudeSpectrum, amplitudeSpectrum, bandRms } from "./spectrum.ts";
import {
  DEFAULT_BANDS,
  DEFAULT_TOLERANCE_PCT,
  DEFAULT_VIBRATION_CONFIG,
  type VibrationConfig,
} from "./vibration_config.ts";

/** Band of the broadband velocity RMS, Hz (ISO 10816-3 for machines above 600 rpm). */
export const VELOCITY_BAND_HZ = { fromHz: 10, toHz: 1_000 } as const;

/** Standard gravity, m/s² per g. */
export const STANDARD_GRAVITY = 9.80665;

/** An amplitude looked up around a known frequency (1× shaft, BPFO…). */
export interface TargetAmplitude {
  /** Metric suffix: `amp_1x`, `amp_2x`, `amp_bpfo`, `amp_bpfi`, `amp_bsf`, `amp_ftf`. */
  readonly key: string;
  readonly label: string;
  /** The expected frequency, Hz. */
  readonly expectedHz: number;
  /** Frequency of the highest bin within the tolerance, Hz. */
  readonly hz: number;
  /** Its peak acceleration amplitude, m/s². */
  readonly amplitude: number;
}

/** The scalar features of one waveform (acceleration in m/s²). */
export interface VibrationFeatures {
  /** RMS acceleration (time domain, mean removed), m/s². */
  readonly rmsAccel: number;
  /** Broadband RMS velocity, 10–1,000 Hz, integrated in the frequency domain, mm/s. */
  readonly rmsVelocity: number;
  /** Largest |acceleration − mean|, m/s². */
  readonly peak: number;
  /** peak / rmsAccel (0 for a flat record). */
  readonly crest: number;
  /** Fourth standardised moment m4 / m2² (3 for Gaussian noise, 1.5 for a sine; 0 for a flat record). */
  readonly kurtosis: number;
  /** RMS acceleration in each configured band, m/s² (0 for a band above Nyquist). */
  readonly bands: readonly number[];
  /** Amplitudes at 1×/2× shaft speed and the bearing defect frequencies, when configured. */
  readonly targets: readonly TargetAmplitude[];
}

/** A local maximum of the spectrum, labelled when it lies on a known frequency. */
export interface SpectrumPeak {
  readonly hz: number;
  /** Peak acceleration amplitude, m/s². */
  readonly amplitude: number;
  /** "1× shaft", "2× shaft", "BPFO", "2× BPFO", "BPFI", "BSF", "FTF"…; absent when unknown. */
  readonly label?: string;
}

/** Everything {@link analyzeWaveform} computes. */
export interface VibrationAnalysis {
  readonly features: VibrationFeatures;
  readonly spectrum: AmplitudeSpectrum;
  readonly peaks: readonly SpectrumPeak[];
  readonly zone: IsoZone;
  /** The shaft speed used, Hz, when known. */
  readonly shaftHz?: number;
}

/** Options of {@link analyzeWaveform}. */
export interface AnalyzeOptions {
  /** Default {@link DEFAULT_VIBRATION_CONFIG}. */
  readonly config?: VibrationConfig;
  /** Shaft speed, Hz; without it there are no 1×/2× or bearing amplitudes. */
  readonly shaftHz?: number;
  /** How many peaks to list (default 12). */
  readonly maxPeaks?: number;
}

interface Target {
  readonly key?: string;
  readonly label: string;
  readonly hz: number;
}

/**
 * Features of one acceleration waveform in **m/s²** (a sensor in g is
 * converted by the device or with {@link STANDARD_GRAVITY}): time-domain RMS,
 * peak, crest factor and kurtosis of the record with its mean (gravity,
 * sensor offset) removed; a Hann-windowed spectrum; velocity RMS in mm/s from
 * the spectrum divided by 2πf over 10–1,000 Hz (ISO 10816-3); band RMS;
 * amplitudes within ± `tolerancePct` (at least ±1.5 bins) of 1×/2× shaft
 * speed and BPFO/BPFI/BSF/FTF; and the ISO 10816-3 zone of the velocity.
 *
 * @example
 * ```ts
 * const fs = 5120;
 * const samples = Float64Array.from(
 *   { length: 4096 },
 *   (_, i) => 10 * Math.sin(2 * Math.PI * 100 * i / fs),
 * );
 * const config = { isoGroup: 2, foundation: "rigid" } as const;
 * const { features, zone } = analyzeWaveform(samples, fs, { config });
 * features.rmsAccel; // 7.071 m/s²
 * features.rmsVelocity; // 11.25 mm/s (10 / (2π·100) / √2 · 1000)
 * zone; // "D"
 * ```
 */
export function analyzeWaveform(
  samples: ArrayLike<number>,
  sampleRateHz: number,
  options: AnalyzeOptions = {},
): VibrationAnalysis {
  const config = options.config ?? DEFAULT_VIBRATION_CONFIG;
  const n = samples.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += samples[i];
  mean /= n;
  const centred = new Float64Array(n);
  let m2 = 0;
  let m4 = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i] - mean;
    centred[i] = x;
    const x2 = x * x;
    m2 += x2;
    m4 += x2 * x2;
    const abs = Math.abs(x);
    if (abs > peak) peak = abs;
  }
  m2 /= n;
  m4 /= n;
  const rmsAccel = Math.sqrt(m2);
  const spectrum = amplitudeSpectrum(centred, sampleRateHz);
  const nyquist = sampleRateHz / 2;
  const rmsVelocity = bandRms(
    spectrum,
    VELOCITY_BAND_HZ.fromHz,
    Math.min(VELOCITY_BAND_HZ.toHz, nyquist),
    (hz) => 1_000 / (2 * Math.PI * hz),
  );
  const bands = (config.bands ?? DEFAULT_BANDS).map((band) =>
    band.fromHz >= nyquist ? 0 : bandRms(spectrum, band.fromHz, Math.min(band.toHz, nyquist))
  );
  const tolerance = (config.tolerancePct ?? DEFAULT_TOLERANCE_PCT) / 100;
  const halfWidth = (hz: number) => Math.max(hz * tolerance, 1.5 * spectrum.binHz);
  const shaftHz = options.shaftHz !== undefined && options.shaftHz > 0
    ? options.shaftHz
    : undefined;
  const targets = labelledFrequencies(config, shaftHz).filter((t) => t.hz < nyquist);
  const amplitudes: TargetAmplitude[] = [];
  for (const target of targets) {
    if (target.key === undefined) continue;
    const [k, amplitude] = highestBin(
      spectrum,
      target.hz - halfWidth(target.hz),
      target.hz + halfWidth(target.hz),
    );
    amplitudes.push({
      key: target.key,
      label: target.label,
      expectedHz: target.hz,
      hz: k * spectrum.binHz,
      amplitude,
    });
  }
  const features: VibrationFeatures = {
    rmsAccel,
    rmsVelocity,
    peak,
    crest: rmsAccel === 0 ? 0 : peak / rmsAccel,
    kurtosis: m2 === 0 ? 0 : m4 / (m2 * m2),
    bands,
    targets: amplitudes,
  };
  const peaks = findPeaks(spectrum, targets, halfWidth, options.maxPeaks ?? 12);
  return {
    features,
    spectrum,
    peaks,
    zone: isoZone(rmsVelocity, config.isoGroup, config.foundation),
    ...(shaftHz === undefined ? {} : { shaftHz }),
  };
}

/** Known frequencies: shaft harmonics, and bearing defect frequencies with harmonics; the first of each carries a metric key. */
function labelledFrequencies(config: VibrationConfig, shaftHz: number | undefined): Target[] {
  if (shaftHz === undefined) return [];
  const targets: Target[] = [];
  // Up to 8×: blade and vane pass tones of fans and pumps are shaft harmonics too.
  for (let h = 1; h <= 8; h++) {
    targets.push({ key: h <= 2 ? `amp_${h}x` : undefined, label: `${h}× shaft`, hz: h * shaftHz });
  }
  if (config.bearing !== undefined) {
    const f = bearingFrequencies(config.bearing, shaftHz);
    for (
      const [name, hz] of [["BPFO", f.bpfo], ["BPFI", f.bpfi], ["BSF", f.bsf], [
        "FTF",
        f.ftf,
      ]] as const
    ) {
      for (let h = 1; h <= 3; h++) {
        targets.push({
          key: h === 1 ? `amp_${name.toLowerCase()}` : undefined,
          label: h === 1 ? name : `${h}× ${name}`,
          hz: h * hz,
        });
      }
    }
  }
  return targets;
}

function highestBin(spectrum: AmplitudeSpectrum, fromHz: number, toHz: number): [number, number] {
  const { binHz, amplitudes } = spectrum;
  const first = Math.max(1, Math.ceil(fromHz / binHz));
  const last = Math.min(amplitudes.length - 1, Math.floor(toHz / binHz));
  let best = Math.min(Math.max(1, Math.round((fromHz + toHz) / 2 / binHz)), amplitudes.length - 1);
  for (let k = first; k <= last; k++) if (amplitudes[k] > amplitudes[best]) best = k;
  return [best, amplitudes[best]];
}

/** The highest local maxima, each labelled with the nearest known frequency within its tolerance. */
function findPeaks(
  spectrum: AmplitudeSpectrum,
  targets: readonly Target[],
  halfWidth: (hz: number) => number,
  maxPeaks: number,
): SpectrumPeak[] {
  const a = spectrum.amplitudes;
  const candidates: number[] = [];
  // Bins 0 and 1 hold what is left of the mean and the window's leakage of it.
  for (let k = 2; k < a.length - 1; k++) {
    if (a[k] > a[k - 1] && a[k] >= a[k + 1] && a[k] > 0) candidates.push(k);
  }
  candidates.sort((x, y) => a[y] - a[x]);
  return candidates.slice(0, maxPeaks).map((k) => {
    const hz = k * spectrum.binHz;
    let label: string | undefined;
    let distance = Infinity;
    for (const target of targets) {
      const d = Math.abs(target.hz - hz);
      if (d <= halfWidth(target.hz) && d < distance) {
        distance = d;
        label = target.label;
      }
    }
    return label === undefined ? { hz, amplitude: a[k] } : { hz, amplitude: a[k], label };
  });
}
