import assert from "node:assert/strict";
import { SeededRandom } from "../../simulator/seeded_random.ts";
import { bearingFrequencies } from "./bearing_frequencies.ts";
import { analyzeWaveform, STANDARD_GRAVITY } from "./waveform_features.ts";

const FS = 5120;
const N = 4096;
const tone = (hz: number, amplitude: number, phase = 0) => (i: number) =>
  amplitude * Math.sin(2 * Math.PI * hz * i / FS + phase);
const record = (...parts: Array<(i: number) => number>) =>
  Float64Array.from({ length: N }, (_, i) => parts.reduce((sum, p) => sum + p(i), 0));
const close = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${what}: ${actual}, expected ${expected} ± ${relative * 100} %`,
  );

Deno.test("analyzeWaveform gives the exact RMS, peak, crest and kurtosis of a sine", () => {
  // 80 Hz is bin 64 at 1.25 Hz per bin: 64 whole periods in the record.
  const { features } = analyzeWaveform(record(tone(80, 10)), FS);
  close(features.rmsAccel, 10 / Math.SQRT2, 1e-12, "rms");
  close(features.peak, 10, 1e-3, "peak");
  close(features.crest, Math.SQRT2, 1e-3, "crest");
  close(features.kurtosis, 1.5, 1e-9, "kurtosis");
});

Deno.test("analyzeWaveform integrates a sine to its velocity RMS in mm/s", () => {
  // v = a / (2πf): 10 m/s² at 80 Hz → 19.894 mm/s peak → 14.067 mm/s RMS.
  for (const [hz, amplitude] of [[80, 10], [159.7, 3], [25, 1], [612.4, 20]]) {
    const { features } = analyzeWaveform(record(tone(hz, amplitude, 0.3)), FS);
    const expected = amplitude / (2 * Math.PI * hz) / Math.SQRT2 * 1000;
    close(features.rmsVelocity, expected, 0.005, `velocity at ${hz} Hz`);
  }
});

Deno.test("analyzeWaveform adds the velocity of two tones in quadrature", () => {
  const { features } = analyzeWaveform(record(tone(50, 4), tone(200, 8)), FS);
  const v1 = 4 / (2 * Math.PI * 50) / Math.SQRT2 * 1000;
  const v2 = 8 / (2 * Math.PI * 200) / Math.SQRT2 * 1000;
  close(features.rmsVelocity, Math.hypot(v1, v2), 0.005, "velocity");
  close(features.rmsAccel, Math.hypot(4, 8) / Math.SQRT2, 1e-9, "rms");
});

Deno.test("analyzeWaveform leaves out of the velocity what lies outside 10–1,000 Hz and the mean", () => {
  // 1 g of gravity (the mean), 5 Hz and 2,000 Hz tones: no velocity in band.
  const { features } = analyzeWaveform(
    record(() => STANDARD_GRAVITY, tone(5, 2), tone(2000, 50)),
    FS,
  );
  assert.ok(features.rmsVelocity < 0.05, `velocity ${features.rmsVelocity}`);
  close(features.rmsAccel, Math.hypot(2, 50) / Math.SQRT2, 1e-6, "rms without the mean");
});

Deno.test("analyzeWaveform gives band RMS per configured band", () => {
  const { features } = analyzeWaveform(record(tone(60, 2), tone(300, 6)), FS, {
    config: {
      isoGroup: 2,
      foundation: "rigid",
      bands: [{ fromHz: 10, toHz: 100 }, { fromHz: 100, toHz: 1000 }, { fromHz: 3000, toHz: 4000 }],
    },
  });
  close(features.bands[0], 2 / Math.SQRT2, 0.002, "band 1");
  close(features.bands[1], 6 / Math.SQRT2, 0.002, "band 2");
  assert.equal(features.bands[2], 0);
});

Deno.test("analyzeWaveform reads Gaussian noise as kurtosis 3 and impulses far above it", () => {
  const random = new SeededRandom(7);
  const noise = Float64Array.from({ length: N }, () => random.gaussian());
  close(analyzeWaveform(noise, FS).features.kurtosis, 3, 0.1, "noise kurtosis");
  const impulses = noise.map((x, i) => x + (i % 256 === 0 ? 40 : 0));
  const f = analyzeWaveform(impulses, FS).features;
  assert.ok(f.kurtosis > 10, `impulse kurtosis ${f.kurtosis}`);
  assert.ok(f.crest > 5, `impulse crest ${f.crest}`);
});

Deno.test("analyzeWaveform finds and labels 1×, 2× and BPFO when the shaft speed is known", () => {
  const bearing = { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 };
  const shaftHz = 29.5;
  const bpfo = bearingFrequencies(bearing, shaftHz).bpfo; // 105.75 Hz
  const analysis = analyzeWaveform(
    record(tone(shaftHz, 0.8), tone(2 * shaftHz, 0.3), tone(bpfo, 2), tone(2 * bpfo, 1)),
    FS,
    { config: { isoGroup: 4, foundation: "rigid", bearing }, shaftHz },
  );
  const amp = Object.fromEntries(analysis.features.targets.map((t) => [t.key, t]));
  assert.deepEqual(Object.keys(amp), [
    "amp_1x",
    "amp_2x",
    "amp_bpfo",
    "amp_bpfi",
    "amp_bsf",
    "amp_ftf",
  ]);
  // Off-bin tones lose up to 15 % to Hann scalloping; the nearest bin is within a bin.
  close(amp.amp_1x.amplitude, 0.8, 0.16, "1×");
  close(amp.amp_2x.amplitude, 0.3, 0.16, "2×");
  close(amp.amp_bpfo.amplitude, 2, 0.16, "BPFO");
  assert.ok(Math.abs(amp.amp_bpfo.hz - bpfo) <= 1.25, `BPFO bin ${amp.amp_bpfo.hz}`);
  assert.ok(amp.amp_bpfi.amplitude < 0.05, `BPFI ${amp.amp_bpfi.amplitude}`);
  const labels = analysis.peaks.slice(0, 4).map((p) => p.label);
  assert.deepEqual(labels, ["BPFO", "2× BPFO", "1× shaft", "2× shaft"]);
  assert.equal(analysis.shaftHz, shaftHz);
});

Deno.test("analyzeWaveform maps the velocity to the machine's ISO zone", () => {
  // 2 mm/s RMS at 100 Hz: a = 2 · √2 · 2π · 100 / 1000 m/s².
  const a = 2 * Math.SQRT2 * 2 * Math.PI * 100 / 1000;
  const samples = record(tone(100, a));
  assert.equal(
    analyzeWaveform(samples, FS, { config: { isoGroup: 2, foundation: "rigid" } }).zone,
    "B",
  );
  assert.equal(
    analyzeWaveform(samples, FS, { config: { isoGroup: 1, foundation: "rigid" } }).zone,
    "A",
  );
});

Deno.test("analyzeWaveform has finite features for a flat record", () => {
  const { features, zone } = analyzeWaveform(new Float64Array(256).fill(1), FS);
  assert.deepEqual(
    [features.rmsAccel, features.peak, features.crest, features.kurtosis, features.rmsVelocity],
    [0, 0, 0, 0, 0],
  );
  assert.equal(zone, "A");
});
