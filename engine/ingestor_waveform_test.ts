import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";
import { DeadLetterFile } from "./ingest/mod.ts";
import { Ingestor } from "./ingestor.ts";
import { EngineMetrics } from "./metrics.ts";
import type { TelemetryPoint } from "./telemetry.ts";
import { SpectrumCache, VibrationAnalyzer } from "./vibration/mod.ts";

async function setup(withWaveforms: boolean) {
  const dir = await Deno.makeTempDir();
  const clock = new FakeClock(1_800_000_000_000);
  const metrics = new EngineMetrics();
  const deadLetter = new DeadLetterFile(`${dir}/dead-letter.jsonl`);
  const cache = new SpectrumCache();
  const analyzer = new VibrationAnalyzer({ clock, config: () => undefined, cache });
  const delivered: TelemetryPoint[] = [];
  const ingestor = new Ingestor((p) => {
    delivered.push(p);
    return "accepted";
  }, {
    clock,
    metrics,
    deadLetter,
    waveforms: withWaveforms ? (ref, payload, at) => analyzer.analyze(ref, payload, at) : undefined,
  });
  const deadLetters = async () => {
    await deadLetter.flush();
    const text = await Deno.readTextFile(deadLetter.path).catch(() => "");
    return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  };
  const close = async () => {
    await deadLetter.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { clock, metrics, ingestor, delivered, cache, deadLetters, close };
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const samples = Array.from({ length: 1024 }, (_, i) => Math.sin(2 * Math.PI * 100 * i / 1024));

Deno.test("Ingestor turns a waveform publish into a vib.* point of its machine", async () => {
  const { ingestor, delivered, metrics, cache, clock, close } = await setup(true);
  ingestor.ingestMqtt(
    "factories/demo/machines/fan-01/waveform",
    encode({ axis: "x", sampleRateHz: 1024, samples }),
  );
  assert.equal(delivered.length, 1);
  assert.deepEqual([delivered[0].factory, delivered[0].machine, delivered[0].ts], [
    "demo",
    "fan-01",
    clock.now(),
  ]);
  assert.ok(Math.abs(delivered[0].metrics["vib.x.rms_accel"] - Math.SQRT1_2) < 1e-9);
  assert.equal(cache.axes({ factory: "demo", machine: "fan-01" }).join(), "x");
  assert.equal(await metrics.value(metrics.ingestPoints, { source: "mqtt" }), 1);
  await close();
});

Deno.test("Ingestor rejects bad waveforms and waveform topics with counted reasons and dead letters", async () => {
  const { ingestor, delivered, metrics, deadLetters, close } = await setup(true);
  ingestor.ingestMqtt(
    "factories/demo/machines/fan-01/waveform",
    encode({ axis: "x", sampleRateHz: 1024, samples: samples.slice(0, 10) }),
  );
  ingestor.ingestMqtt("factories/demo/machines/a+b/waveform", encode({}));
  ingestor.ingestMqtt("factories/demo/waveform", encode({}));
  assert.equal(delivered.length, 0);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_shape" }), 1);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_id" }), 1);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_topic" }), 1);
  const letters = await deadLetters();
  assert.deepEqual(letters.map((l) => [l.source, l.reason, l.machine]), [
    ["mqtt", "bad_shape", "fan-01"],
    ["mqtt", "bad_id", undefined],
    ["mqtt", "bad_topic", undefined],
  ]);
  assert.match(letters[0].message, /needs 64 to 65536 samples: got 10/);
  assert.match(letters[2].message, /factories\/\{factory\}\/machines\/\{machine\}\/waveform/);
  await close();
});

Deno.test("Ingestor without a waveform handler rejects waveform topics as bad_topic", async () => {
  const { ingestor, delivered, metrics, close } = await setup(false);
  ingestor.ingestMqtt(
    "factories/demo/machines/fan-01/waveform",
    encode({ axis: "x", sampleRateHz: 1024, samples }),
  );
  assert.equal(delivered.length, 0);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_topic" }), 1);
  await close();
});
