import assert from "node:assert/strict";
import { analyzeWaveform } from "../engine/vibration/waveform_features.ts";
import { bearingFrequencies } from "../engine/vibration/bearing_frequencies.ts";
import { demoWaveformMachines } from "./waveform_machines.ts";
import { WaveformGenerator } from "./waveform_generator.ts";

const [fan, pump] = demoWaveformMachines;
const CYCLE = 30 * 60_000;
const START = Date.UTC(2026, 10, 23, 12); // a whole number of cycles: severity 0

function analyse(machine: typeof fan, ts: number) {
  const generator = new WaveformGenerator(machine.profile, 11);
  const w = generator.next(ts);
  assert.equal(w.samples.length, 4096);
  assert.equal(w.sampleRateHz, 5120);
  return analyzeWaveform(w.samples, w.sampleRateHz, {
    config: machine.vibration,
    shaftHz: machine.profile.shaftHz,
  });
}

const amp = (a: ReturnType<typeof analyse>, key: string) =>
  a.features.targets.find((t) => t.key === key)!.amplitude;

Deno.test("fan-01: the 1× shaft peak dominates and rises with the imbalance, A → D", () => {
  const early = analyse(fan, START + 0.05 * CYCLE);
  const late = analyse(fan, START + 0.95 * CYCLE);
  // Healthy, the blade pass (6×) leads the acceleration spectrum; imbalanced, 1× does.
  assert.deepEqual(early.peaks.slice(0, 2).map((p) => p.label), ["6× shaft", "1× shaft"]);
  assert.equal(late.peaks[0].label, "1× shaft");
  assert.ok(Math.abs(late.peaks[0].hz - 24.75) <= 1.25, `1× at ${late.peaks[0].hz}`);
  assert.ok(
    amp(late, "amp_1x") > 4 * amp(early, "amp_1x"),
    `${amp(early, "amp_1x")} → ${amp(late, "amp_1x")}`,
  );
  assert.equal(early.zone, "A");
  assert.equal(late.zone, "D");
  assert.ok(
    late.features.rmsVelocity > 6 && late.features.rmsVelocity < 8,
    `${late.features.rmsVelocity}`,
  );
  assert.ok(late.features.kurtosis < 3, `fan kurtosis ${late.features.kurtosis}`);
});

Deno.test("pump-01: BPFO and its harmonics stand out, labelled, with impacts raising the kurtosis", () => {
  const a = analyse(pump, START + 0.9 * CYCLE);
  const bpfo = bearingFrequencies(pump.profile.bearing, 29.5).bpfo;
  const labels = a.peaks.slice(0, 5).map((p) => p.label);
  assert.equal(labels[0], "BPFO", JSON.stringify(a.peaks.slice(0, 5)));
  assert.ok(labels.includes("2× BPFO"), JSON.stringify(labels));
  assert.ok(Math.abs(a.peaks[0].hz - bpfo) <= 1.25);
  assert.ok(amp(a, "amp_bpfo") > 5 * amp(a, "amp_bpfi"), "BPFO, not BPFI");
  assert.ok(a.features.kurtosis > 4, `pump kurtosis ${a.features.kurtosis}`);
  assert.ok(a.features.crest > 4, `pump crest ${a.features.crest}`);
  const early = analyse(pump, START + 0.05 * CYCLE);
  assert.ok(amp(a, "amp_bpfo") > 2 * amp(early, "amp_bpfo"), "the defect grows");
});

Deno.test("WaveformGenerator repeats a run from the same seed", () => {
  const one = new WaveformGenerator(pump.profile, 3).next(START);
  const two = new WaveformGenerator(pump.profile, 3).next(START);
  assert.deepEqual(one.samples, two.samples);
});
