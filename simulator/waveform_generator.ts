import type { BearingGeometry } from "../engine/vibration/bearing_frequencies.ts";
import { bearingFrequencies } from "../engine/vibration/bearing_frequencies.ts";
import { SeededRandom } from "./seeded_random.ts";

/** The fault a simulated rotating machine develops. */
export type WaveformFault = "imbalance" | "outer_race";

/** A rotating machine whose accelerometer the simulator plays. */
export interface WaveformProfile {
  readonly fault: WaveformFault;
  readonly axis: string;
  readonly shaftHz: number;
  readonly sampleRateHz: number;
  /** Samples per waveform. */
  readonly samples: number;
  /** Blades or vanes: a tone at this multiple of the shaft speed. */
  readonly passCount: number;
  readonly bearing: BearingGeometry;
  /** The fault grows from its onset to full severity over this time, then starts again (a repair), ms. */
  readonly cycleMs: number;
  /** Broadband noise, m/s² RMS. */
  readonly noise: number;
}

/** One waveform as the simulator publishes it (samples in m/s²). */
export interface SimulatedWaveform {
  readonly ts: number;
  readonly axis: string;
  readonly sampleRateHz: number;
  readonly samples: Float32Array;
}

/** Frequency of the structural resonance the bearing impacts ring, Hz. */
const RESONANCE_HZ = 2_000;
/** Decay time of that ringing, s. */
const RING_DECAY_S = 0.0012;

/** m/s² peak of a sine at `hz` whose velocity is `mmS` mm/s RMS. */
const accelOf = (mmS: number, hz: number) => (mmS * Math.SQRT2 * 2 * Math.PI * hz) / 1_000;

/**
 * Seeded accelerometer waveforms of a rotating machine with a growing fault:
 *
 * - every machine: 1× and 2× shaft speed, the blade/vane pass tone and
 *   broadband noise (a healthy machine in ISO zone A);
 * - `imbalance`: the 1× shaft tone grows from 0.8 to 7 mm/s RMS over a
 *   cycle (zone A → D for a medium machine on a rigid foundation);
 * - `outer_race`: BPFO and its 2nd and 3rd harmonics, and impacts at BPFO
 *   that ring the structure at 2 kHz, modulated by the shaft (sidebands),
 *   which raise the kurtosis; severity grows from 30 % to 100 % over a cycle.
 *
 * @example
 * ```ts
 * const generator = new WaveformGenerator(fanProfile, 42);
 * const { samples } = generator.next(Date.now()); // 4,096 samples at 5,120 Hz
 * ```
 */
export class WaveformGenerator {
  readonly #profile: WaveformProfile;
  readonly #random: SeededRandom;

  constructor(profile: WaveformProfile, seed: number) {
    this.#profile = profile;
    this.#random = new SeededRandom(seed);
  }

  /** Fault severity in [0, 1) at `ts`: how far into its growth cycle the fault is. */
  severity(ts: number): number {
    const cycle = this.#profile.cycleMs;
    return (((ts % cycle) + cycle) % cycle) / cycle;
  }

  /** The waveform recorded at `ts`. */
  next(ts: number): SimulatedWaveform {
    const p = this.#profile;
    const fs = p.sampleRateHz;
    const fr = p.shaftHz;
    const severity = this.severity(ts);
    const random = this.#random;
    const phase1 = random.between(0, 2 * Math.PI);
    const phase2 = random.between(0, 2 * Math.PI);
    const phasePass = random.between(0, 2 * Math.PI);
    const imbalance = p.fault === "imbalance" ? 0.8 + 6.2 * severity : 1.0;
    const a1 = accelOf(imbalance, fr);
    const a2 = accelOf(0.3, 2 * fr);
    const aPass = accelOf(0.4, p.passCount * fr);
    const samples = new Float32Array(p.samples);
    for (let i = 0; i < p.samples; i++) {
      const t = i / fs;
      samples[i] = a1 * Math.sin(2 * Math.PI * fr * t + phase1) +
        a2 * Math.sin(2 * Math.PI * 2 * fr * t + phase2) +
        aPass * Math.sin(2 * Math.PI * p.passCount * fr * t + phasePass) +
        p.noise * random.gaussian();
    }
    if (p.fault === "outer_race") this.#addOuterRace(samples, 0.3 + 0.7 * severity);
    return { ts, axis: p.axis, sampleRateHz: fs, samples };
  }

  #addOuterRace(samples: Float32Array, severity: number): void {
    const p = this.#profile;
    const fs = p.sampleRateHz;
    const bpfo = bearingFrequencies(p.bearing, p.shaftHz).bpfo;
    const random = this.#random;
    const harmonics = [1.6, 0.8, 0.45];
    const phases = harmonics.map(() => random.between(0, 2 * Math.PI));
    const shaftPhase = random.between(0, 2 * Math.PI);
    for (let i = 0; i < samples.length; i++) {
      const t = i / fs;
      let x = 0;
      harmonics.forEach((a, h) =>
        x += severity * a * Math.sin(2 * Math.PI * (h + 1) * bpfo * t + phases[h])
      );
      samples[i] += x;
    }
    // Impacts: one per ball passing the defect, a little jittered (slip), ringing the structure.
    const period = fs / bpfo;
    const ringSamples = Math.ceil(6 * RING_DECAY_S * fs);
    for (let start = random.between(0, period); start < samples.length; start += period) {
      const at = Math.round(start + random.between(-0.3, 0.3));
      const t0 = at / fs;
      const load = 1 + 0.4 * Math.sin(2 * Math.PI * p.shaftHz * t0 + shaftPhase);
      const amplitude = severity * 9 * load;
      for (let k = 0; k < ringSamples && at + k < samples.length; k++) {
        if (at + k < 0) continue;
        const t = k / fs;
        samples[at + k] += amplitude * Math.exp(-t / RING_DECAY_S) *
          Math.sin(2 * Math.PI * RESONANCE_HZ * t);
      }
    }
  }
}

/** An SKF 6205 deep-groove ball bearing. */
export const BEARING_6205: BearingGeometry = {
  balls: 9,
  ballDiameterMm: 7.94,
  pitchDiameterMm: 39.04,
  contactAngleDeg: 0,
};

/** A 1,485 rpm fan with 6 blades whose imbalance grows over 30 minutes. */
export const fanProfile: WaveformProfile = {
  fault: "imbalance",
  axis: "x",
  shaftHz: 24.75,
  sampleRateHz: 5_120,
  samples: 4_096,
  passCount: 6,
  bearing: BEARING_6205,
  cycleMs: 30 * 60_000,
  noise: 0.15,
};

/** A 1,770 rpm pump with 5 vanes and an outer-race defect on its 6205 bearing that worsens over 30 minutes. */
export const pumpProfile: WaveformProfile = {
  fault: "outer_race",
  axis: "y",
  shaftHz: 29.5,
  sampleRateHz: 5_120,
  samples: 4_096,
  passCount: 5,
  bearing: BEARING_6205,
  cycleMs: 30 * 60_000,
  noise: 0.2,
};
