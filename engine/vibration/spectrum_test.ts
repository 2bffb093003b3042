import assert from "node:assert/strict";
import { amplitudeSpectrum, bandRms } from "./spectrum.ts";

const sine = (n: number, fs: number, hz: number, amplitude: number, phase = 0) =>
  Float64Array.from(
    { length: n },
    (_, i) => amplitude * Math.sin(2 * Math.PI * hz * i / fs + phase),
  );

Deno.test("amplitudeSpectrum reads a bin-centred sine at its amplitude", () => {
  const spectrum = amplitudeSpectrum(sine(4096, 5120, 100, 3, 0.7), 5120);
  assert.equal(spectrum.binHz, 1.25);
  assert.equal(spectrum.amplitudes.length, 2049);
  assert.ok(Math.abs(spectrum.amplitudes[80] - 3) < 1e-9, `${spectrum.amplitudes[80]}`);
  // Hann leakage of a bin-centred tone: half the amplitude in each neighbour, nothing beyond.
  assert.ok(Math.abs(spectrum.amplitudes[79] - 1.5) < 1e-9);
  assert.ok(spectrum.amplitudes[85] < 1e-9);
});

Deno.test("amplitudeSpectrum zero-pads to a power of two without changing amplitudes", () => {
  // 3000 samples → 4096-point FFT; 1000 Hz at fs 4096 is bin 1000.
  const spectrum = amplitudeSpectrum(sine(3000, 4096, 1000, 2), 4096);
  assert.equal(spectrum.binHz, 1);
  assert.ok(Math.abs(spectrum.amplitudes[1000] - 2) < 0.01, `${spectrum.amplitudes[1000]}`);
});

Deno.test("bandRms of a sine is amplitude / √2 on or off a bin centre", () => {
  for (const hz of [100, 137.3]) {
    const spectrum = amplitudeSpectrum(sine(4096, 5120, hz, 4), 5120);
    const rms = bandRms(spectrum, 10, 1000);
    assert.ok(Math.abs(rms - 4 / Math.SQRT2) / (4 / Math.SQRT2) < 0.002, `${hz} Hz: ${rms}`);
    assert.ok(bandRms(spectrum, 500, 1000) < 0.01);
  }
});

Deno.test("amplitudeSpectrum rejects too few samples and a bad sample rate", () => {
  assert.throws(() => amplitudeSpectrum([1, 2, 3], 100), /at least 4 samples/);
  assert.throws(
    () => amplitudeSpectrum(new Float64Array(8), 0),
    /'sampleRateHz' must be finite and > 0/,
  );
});
