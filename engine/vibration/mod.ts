/**
 * Vibration analysis: waveforms published to
 * `factories/{f}/machines/{m}/waveform` are decoded and validated, turned
 * into features (RMS, velocity, crest, kurtosis, bands, 1×/2× and bearing
 * defect amplitudes) that enter the machine's actor as ordinary `vib.*`
 * telemetry, and their spectra are kept for the spectrum endpoint. Zones
 * follow ISO 10816-3.
 *
 * @module
 */

export {
  type BearingFrequencies,
  bearingFrequencies,
  type BearingGeometry,
} from "./bearing_frequencies.ts";
export { downsampleSpectrum, MAX_SPECTRUM_POINTS } from "./downsample_spectrum.ts";
export { type HannWindow, hannWindow } from "./hann_window.ts";
export {
  type Foundation,
  ISO_10816_3_BOUNDARIES,
  type IsoGroup,
  type IsoZone,
  isoZone,
  type VibrationStatus,
  ZONE_NUMBER,
  ZONE_STATUS,
  type ZoneBoundaries,
} from "./iso_10816.ts";
export { type AmplitudeSpectrum, amplitudeSpectrum, bandRms } from "./spectrum.ts";
export {
  type IsoEvaluation,
  SpectrumCache,
  type SpectrumFeatures,
  type SpectrumSnapshot,
} from "./spectrum_cache.ts";
export {
  spectrumSnapshot,
  VibrationAnalyzer,
  type VibrationAnalyzerOptions,
  vibrationMetrics,
} from "./vibration_analyzer.ts";
export {
  DEFAULT_BANDS,
  DEFAULT_TOLERANCE_PCT,
  DEFAULT_VIBRATION_CONFIG,
  type FrequencyBand,
  readVibrationConfig,
  type ShaftSpeed,
  type VibrationConfig,
  VibrationConfigError,
} from "./vibration_config.ts";
export { type StoredVibrationConfig, VibrationConfigTable } from "./vibration_config_table.ts";
export {
  AXIS_PATTERN,
  decodeWaveform,
  MAX_SAMPLE_RATE_HZ,
  MAX_SAMPLES,
  MIN_SAMPLES,
  type Waveform,
  WAVEFORM_MAX_BYTES,
  type WaveformDecodeOptions,
} from "./waveform.ts";
export {
  type AnalyzeOptions,
  analyzeWaveform,
  type SpectrumPeak,
  STANDARD_GRAVITY,
  type TargetAmplitude,
  VELOCITY_BAND_HZ,
  type VibrationAnalysis,
  type VibrationFeatures,
} from "./waveform_features.ts";
