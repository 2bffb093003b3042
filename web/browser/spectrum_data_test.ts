import assert from "node:assert/strict";
import { readSpectrum, spectrumPath } from "./spectrum_data.ts";

const answer = {
  factory: "demo",
  machine: "fan-01",
  ts: 1_800_000_000_000,
  axis: "x",
  axes: ["x", "y"],
  sampleRateHz: 5120,
  binHz: 1.25,
  frequencies: [0, 1.25, 2.5],
  magnitudes: [0, 0.4, 0.1],
  peaks: [{ hz: 1.25, amplitude: 0.4, label: "1× shaft" }, { hz: 2.5, amplitude: 0.1 }],
  features: {
    rmsAccel: 0.3,
    rmsVelocity: 2.1,
    peak: 0.5,
    crest: 1.6,
    kurtosis: 1.5,
    shaftHz: 1.25,
  },
  isoZone: { zone: "B", status: "satisfactory", velocityRms: 2.1 },
};

Deno.test("readSpectrum keeps what the chart needs", () => {
  const s = readSpectrum(answer);
  assert.deepEqual(s.peaks, answer.peaks);
  assert.deepEqual(s.axes, ["x", "y"]);
  assert.deepEqual(s.isoZone, { zone: "B", velocityRms: 2.1 });
  assert.equal(s.features.shaftHz, 1.25);
});

Deno.test("readSpectrum says what is wrong with a malformed answer", () => {
  assert.throws(() => readSpectrum(null), /the answer is not an object/);
  assert.throws(
    () => readSpectrum({ ...answer, magnitudes: [1] }),
    /3 frequencies but 1 magnitudes/,
  );
  assert.throws(
    () => readSpectrum({ ...answer, isoZone: { zone: "E", velocityRms: 1 } }),
    /'isoZone.zone' is not A–D: E/,
  );
  assert.throws(
    () => readSpectrum({ ...answer, features: { ...answer.features, crest: "x" } }),
    /'features.crest' is not a finite number/,
  );
});

Deno.test("spectrumPath encodes ids and the axis", () => {
  assert.equal(spectrumPath("demo", "fan-01"), "/api/v1/factories/demo/machines/fan-01/spectrum");
  assert.equal(
    spectrumPath("demo", "fan-01", "x"),
    "/api/v1/factories/demo/machines/fan-01/spectrum?axis=x",
  );
});
