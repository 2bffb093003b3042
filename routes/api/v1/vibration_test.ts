import assert from "node:assert/strict";
import { Hono } from "hono";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import {
  SpectrumCache,
  VibrationAnalyzer,
  VibrationConfigTable,
} from "../../../engine/vibration/mod.ts";
import { handleError } from "../../../web/http_error.ts";
import { vibrationApi } from "./vibration.ts";

const NOW = Date.UTC(2027, 0, 15, 8);
const PUMP = { factory: "demo", machine: "pump-01" };
const BEARING = { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 };

function fixture() {
  const clock = new FakeClock(NOW);
  const spectra = new SpectrumCache();
  const vibrationConfig = new VibrationConfigTable(openMetadataDb(":memory:"), clock);
  const analyzer = new VibrationAnalyzer({
    clock,
    config: (ref) => vibrationConfig.get(ref)?.config,
    cache: spectra,
  });
  const app = new Hono();
  app.onError(handleError);
  app.route("/api/v1", vibrationApi({ spectra, vibrationConfig }));
  return { app, analyzer, clock };
}

const put = (body: unknown) => ({
  method: "PUT",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

// 2 m/s² at BPFO (105.75 Hz at 29.5 Hz shaft speed) and 0.5 m/s² at 1×,
// 4,096 samples at 5,120 Hz.
const bpfo = 4.5 * 29.5 * (1 - 7.94 / 39.04);
const samples = Array.from(
  { length: 4096 },
  (_, i) =>
    2 * Math.sin(2 * Math.PI * bpfo * i / 5120) + 0.5 * Math.sin(2 * Math.PI * 29.5 * i / 5120),
);

Deno.test("vibration config: defaults before a PUT, then the saved configuration", async () => {
  const { app, clock } = fixture();
  const before = await (await app.request("/api/v1/factories/demo/machines/pump-01/vibration"))
    .json();
  assert.deepEqual(before, {
    ...PUMP,
    configured: false,
    updatedAt: null,
    config: { isoGroup: 2, foundation: "rigid" },
    bearingFrequencies: null,
  });
  clock.tick(1000);
  const config = { isoGroup: 4, foundation: "rigid", shaft: { hz: 29.5 }, bearing: BEARING };
  const saved = await app.request("/api/v1/factories/demo/machines/pump-01/vibration", put(config));
  assert.equal(saved.status, 200);
  const body = await saved.json();
  assert.deepEqual([body.configured, body.updatedAt, body.config], [true, NOW + 1000, config]);
  assert.ok(Math.abs(body.bearingFrequencies.bpfo - bpfo) < 1e-9);
  const after = await (await app.request("/api/v1/factories/demo/machines/pump-01/vibration"))
    .json();
  assert.deepEqual(after.config, config);
});

Deno.test("vibration config: a bad body is a 400 naming the field", async () => {
  const { app } = fixture();
  const bad = await app.request(
    "/api/v1/factories/demo/machines/pump-01/vibration",
    put({
      isoGroup: 2,
      foundation: "rigid",
      bearing: { balls: 9, ballDiameterMm: 8, pitchDiameterMm: 6 },
    }),
  );
  assert.equal(bad.status, 400);
  const { error } = await bad.json();
  assert.equal(error.details.field, "bearing.pitchDiameterMm");
  assert.match(error.message, /must be above ballDiameterMm \(8\): current value is 6/);
  const notJson = await app.request("/api/v1/factories/demo/machines/pump-01/vibration", put("{"));
  assert.equal(notJson.status, 400);
  const badId = await app.request("/api/v1/factories/demo/machines/a%20b/vibration");
  assert.equal(badId.status, 400);
});

Deno.test("spectrum: 404 before a waveform, then peaks labelled from the configuration", async () => {
  const { app, analyzer } = fixture();
  const url = "/api/v1/factories/demo/machines/pump-01/spectrum";
  const none = await app.request(url);
  assert.equal(none.status, 404);
  assert.match((await none.json()).error.message, /has published no waveform/);
  await app.request(
    "/api/v1/factories/demo/machines/pump-01/vibration",
    put({ isoGroup: 4, foundation: "rigid", shaft: { hz: 29.5 }, bearing: BEARING }),
  );
  analyzer.analyze(PUMP, JSON.stringify({ ts: NOW, axis: "y", sampleRateHz: 5120, samples }), NOW);
  const response = await app.request(`${url}?axis=y`);
  assert.equal(response.status, 200);
  const s = await response.json();
  assert.deepEqual([s.ts, s.axis, s.sampleRateHz, s.binHz, s.axes], [NOW, "y", 5120, 1.25, ["y"]]);
  assert.equal(s.frequencies.length, s.magnitudes.length);
  assert.ok(s.frequencies.length <= 2048);
  assert.deepEqual(s.peaks.slice(0, 2).map((p: { label: string }) => p.label), [
    "BPFO",
    "1× shaft",
  ]);
  assert.ok(Math.abs(s.peaks[0].hz - bpfo) <= 1.25);
  assert.deepEqual(
    [s.isoZone.group, s.isoZone.foundation, s.isoZone.zone, s.isoZone.status],
    [4, "rigid", "C", "alert"],
  );
  assert.ok(s.features.targets.some((t: { key: string }) => t.key === "amp_bpfo"));
  assert.equal((await app.request(`${url}?axis=z`)).status, 404);
  assert.equal((await app.request(`${url}?axis=a.b`)).status, 400);
  assert.equal((await (await app.request(url)).json()).axis, "y");
});
