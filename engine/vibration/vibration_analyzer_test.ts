import assert from "node:assert/strict";
import type { SpectrumEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { SpectrumCache } from "./spectrum_cache.ts";
import { VibrationAnalyzer } from "./vibration_analyzer.ts";
import type { VibrationConfig } from "./vibration_config.ts";

const FAN = { factory: "demo", machine: "fan-01" };
const FS = 5120;
const NOW = Date.UTC(2026, 10, 23, 12);

// 1× at 25 Hz of 3 mm/s RMS velocity, plus a smaller 2×.
const a1 = 3 * Math.SQRT2 * 2 * Math.PI * 25 / 1000;
const samples = Array.from(
  { length: 4096 },
  (_, i) => a1 * Math.sin(2 * Math.PI * 25 * i / FS) + 0.1 * Math.sin(2 * Math.PI * 50 * i / FS),
);
const payload = (axis: string, ts = NOW) => JSON.stringify({ ts, axis, sampleRateHz: FS, samples });

function setup(config: VibrationConfig | undefined, latest?: number) {
  const clock = new FakeClock(NOW);
  const cache = new SpectrumCache();
  const events: SpectrumEvent[] = [];
  const analyzer = new VibrationAnalyzer({
    clock,
    config: () => config,
    latest: (_ref, metric) => metric === "speed_rpm" ? latest : undefined,
    cache,
    publish: (e) => events.push(e),
    eventEveryMs: 2_000,
  });
  return { clock, cache, events, analyzer };
}

Deno.test("VibrationAnalyzer turns a waveform into one point of vib.* metrics", () => {
  const { analyzer } = setup({ isoGroup: 2, foundation: "rigid", shaft: { hz: 25 } });
  const { points, rejections } = analyzer.analyze(FAN, payload("x"), NOW);
  assert.deepEqual(rejections, []);
  assert.equal(points.length, 1);
  const { metrics, ts, factory, machine } = points[0];
  assert.deepEqual([factory, machine, ts], ["demo", "fan-01", NOW]);
  assert.deepEqual(Object.keys(metrics).sort(), [
    "vib.x.amp_1x",
    "vib.x.amp_2x",
    "vib.x.band_1",
    "vib.x.band_2",
    "vib.x.band_3",
    "vib.x.band_4",
    "vib.x.crest",
    "vib.x.iso_zone",
    "vib.x.kurtosis",
    "vib.x.peak",
    "vib.x.rms_accel",
    "vib.x.rms_velocity",
    "vib.x.shaft_hz",
  ]);
  assert.ok(Math.abs(metrics["vib.x.rms_velocity"] - 3) < 0.03, `${metrics["vib.x.rms_velocity"]}`);
  assert.equal(metrics["vib.x.iso_zone"], 3); // C: 2.8 ≤ 3 < 4.5 for group 2 rigid
  assert.equal(metrics["vib.x.shaft_hz"], 25);
  for (const name of Object.keys(metrics)) assert.match(name, /^[A-Za-z0-9_.-]{1,64}$/);
});

Deno.test("VibrationAnalyzer caches the spectrum with peaks, features and the ISO zone", () => {
  const { analyzer, cache } = setup({ isoGroup: 2, foundation: "rigid", shaft: { hz: 25 } });
  analyzer.analyze(FAN, payload("x"), NOW);
  const s = cache.get(FAN, "x");
  assert.ok(s !== undefined);
  assert.equal(s.frequencies.length, 2048); // 2,049 bins, thinned to the bound
  assert.equal(s.binHz, 1.25);
  assert.equal(s.peaks[0].label, "1× shaft");
  assert.equal(s.peaks[0].hz, 25);
  assert.deepEqual(
    { zone: s.isoZone.zone, status: s.isoZone.status, boundaries: s.isoZone.boundaries },
    { zone: "C", status: "alert", boundaries: { ab: 1.4, bc: 2.8, cd: 4.5 } },
  );
  assert.deepEqual(s.features.bands.map((b) => [b.fromHz, b.toHz]), [[10, 100], [100, 500], [
    500,
    1000,
  ], [1000, 2500]]);
});

Deno.test("VibrationAnalyzer reads the shaft speed from a metric in rpm, or goes without", () => {
  const config: VibrationConfig = {
    isoGroup: 1,
    foundation: "rigid",
    shaft: { metric: "speed_rpm", unit: "rpm" },
  };
  const withSpeed = setup(config, 1500).analyzer.analyze(FAN, payload("x"), NOW).points[0].metrics;
  assert.equal(withSpeed["vib.x.shaft_hz"], 25);
  assert.ok(withSpeed["vib.x.amp_1x"] > 0.6);
  const without =
    setup(config, undefined).analyzer.analyze(FAN, payload("x"), NOW).points[0].metrics;
  assert.equal(without["vib.x.shaft_hz"], undefined);
  assert.equal(without["vib.x.amp_1x"], undefined);
  assert.equal(without["vib.x.iso_zone"], 2); // group 1 rigid: B from 2.3 mm/s
});

Deno.test("VibrationAnalyzer publishes at most one spectrum event per machine and axis per interval", () => {
  const { analyzer, events, clock } = setup(undefined);
  analyzer.analyze(FAN, payload("x"), NOW);
  analyzer.analyze(FAN, payload("y"), NOW);
  clock.tick(1_999);
  analyzer.analyze(FAN, payload("x"), clock.now());
  clock.tick(1);
  analyzer.analyze(FAN, payload("x", clock.now()), clock.now());
  assert.deepEqual(events.map((e) => [e.axis, e.ts - NOW, e.isoZone]), [["x", 0, "C"], [
    "y",
    0,
    "C",
  ], ["x", 2_000, "C"]]);
  assert.equal(events[0].type, "spectrum");
  assert.ok(Math.abs(events[0].velocityRms - 3) < 0.03);
});

Deno.test("VibrationAnalyzer rejects a bad waveform with no point and caches nothing", () => {
  const { analyzer, cache, events } = setup(undefined);
  const result = analyzer.analyze(FAN, '{"axis":"x","sampleRateHz":-1,"samples":[]}', NOW);
  assert.equal(result.points.length, 0);
  assert.equal(result.rejections[0].reason, "bad_value");
  assert.equal(cache.size, 0);
  assert.equal(events.length, 0);
});
