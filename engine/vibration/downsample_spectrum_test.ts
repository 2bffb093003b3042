import assert from "node:assert/strict";
import { downsampleSpectrum } from "./downsample_spectrum.ts";

Deno.test("downsampleSpectrum keeps the highest bin of each run", () => {
  const { frequencies, magnitudes } = downsampleSpectrum([0, 1, 5, 1, 0, 2], 10, 3);
  assert.deepEqual(frequencies, [10, 20, 50]);
  assert.deepEqual(magnitudes, [1, 5, 2]);
});

Deno.test("downsampleSpectrum returns a spectrum that fits whole", () => {
  assert.deepEqual(downsampleSpectrum([3, 4], 0.5), { frequencies: [0, 0.5], magnitudes: [3, 4] });
});

Deno.test("downsampleSpectrum cuts 32,769 bins to 2,048 points without losing a one-bin peak", () => {
  const amplitudes = new Float64Array(32_769).fill(0.01);
  amplitudes[12_345] = 7;
  const { frequencies, magnitudes } = downsampleSpectrum(amplitudes, 0.25);
  assert.equal(frequencies.length, 2048);
  assert.equal(Math.max(...magnitudes), 7);
  assert.equal(frequencies[magnitudes.indexOf(7)], 12_345 * 0.25);
  assert.throws(
    () => downsampleSpectrum(amplitudes, 1, 0),
    /'maxPoints' must be a positive integer/,
  );
});
