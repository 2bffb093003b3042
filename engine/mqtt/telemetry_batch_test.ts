import assert from "node:assert/strict";
import { decodeJsonTelemetry } from "../ingest/json_telemetry.ts";
import type { MachineRef, TelemetryPoint } from "../telemetry.ts";
import { PublishBatcher } from "./publish_batch.ts";
import {
  type TelemetryBatch,
  TelemetryBatchDecoder,
  TelemetryBatchEncoder,
  transferablesOf,
} from "./telemetry_batch.ts";

const NOW = 1_700_000_000_000;
const LIMITS = { maxBytes: 1024, maxFutureMs: 300_000 };
const bytes = (text: string) => new TextEncoder().encode(text);
const topic = (machine: string, kind = "telemetry") => `factories/f/machines/${machine}/${kind}`;

type Seen =
  | { raw: string; payload: string }
  | { ref: MachineRef; points: TelemetryPoint[] };

function batchOf(
  publishes: Array<[string, string | Uint8Array]>,
): ReturnType<PublishBatcher["take"]> {
  const batcher = new PublishBatcher();
  for (const [t, p] of publishes) batcher.add(t, typeof p === "string" ? bytes(p) : p);
  return batcher.take();
}

function handOver(decoder: TelemetryBatchDecoder, batch: TelemetryBatch): Seen[] {
  // Through a structured clone with transfers, as postMessage hands it to the main thread.
  const crossed = structuredClone(batch, { transfer: transferablesOf(batch) });
  const seen: Seen[] = [];
  decoder.forEach(
    crossed,
    (raw, payload) => seen.push({ raw, payload: new TextDecoder().decode(payload) }),
    (ref, points) => seen.push({ ref, points }),
  );
  return seen;
}

Deno.test("the worker decodes valid telemetry and the main thread gets the same points, in order", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const single = '{"ts": 1699999999000, "metrics": {"temp": 71.5, "on": true}}';
  const batchForm =
    '{"points": [{"ts": 1699999998000, "metrics": {"temp": 70}}, {"metrics": {"rpm": 1200}}]}';
  const seen = handOver(
    new TelemetryBatchDecoder(),
    encoder.encode(batchOf([
      [topic("m1"), single],
      [topic("m2"), "{not json"],
      [topic("m2"), batchForm],
      [topic("m3", "waveform"), '{"samples": []}'],
    ])),
  );
  const expected = (machine: string, body: string) =>
    decodeJsonTelemetry(body, { factory: "f", machine }, { receivedAt: NOW }).points;
  assert.deepEqual(seen, [
    { ref: { factory: "f", machine: "m1" }, points: expected("m1", single) },
    { raw: topic("m2"), payload: "{not json" },
    { ref: { factory: "f", machine: "m2" }, points: expected("m2", batchForm) },
    { raw: topic("m3", "waveform"), payload: '{"samples": []}' },
  ]);
  const last = seen[2] as { points: TelemetryPoint[] };
  assert.equal(last.points.length, 2);
  assert.equal(last.points[1].ts, NOW, "a point without a time takes the receive time");
});

Deno.test("a publish with any rejection is left whole to the main thread's ingest", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const cases: Array<[string, string | Uint8Array]> = [
    ["factories/f/machines/bad id/telemetry", '{"metrics": {"x": 1}}'],
    ["factories/f/telemetry", '{"metrics": {"x": 1}}'],
    [topic("m"), '{"metrics": {"x": 1, "bad name!": 2}}'],
    [topic("m"), `{"ts": ${NOW + 600_000}, "metrics": {"x": 1}}`],
    [topic("m"), '{"machine": "other", "metrics": {"x": 1}}'],
    [topic("m"), '{"points": [{"metrics": {"x": 1}}, {"metrics": {"x": "high"}}]}'],
    [topic("m"), `{"metrics": {"x": 1}, "pad": "${"x".repeat(LIMITS.maxBytes)}"}`],
    [topic("m"), new Uint8Array([0x7b, 0xff, 0x7d])],
  ];
  const batch = encoder.encode(batchOf(cases));
  assert.deepEqual(Array.from(batch.decoded.publishes), cases.map(() => -1));
  const seen = handOver(new TelemetryBatchDecoder(), batch);
  assert.deepEqual(
    seen.map((s) => "raw" in s ? s.raw : "decoded"),
    cases.map(([t]) => t),
    "every one raw, in order",
  );
  assert.deepEqual(batch.decoded.newTopics, [], "a topic of rejected payloads takes no id");
});

Deno.test("topics and names cross once; later batches send ids only", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const decoder = new TelemetryBatchDecoder();
  const first = encoder.encode(batchOf([
    [topic("a"), '{"metrics": {"x": 1, "y": 2}}'],
    [topic("b"), '{"metrics": {"y": 3}}'],
  ]));
  assert.deepEqual(first.decoded.newTopics, [topic("a"), topic("b")]);
  assert.deepEqual(first.decoded.newNames, ["x", "y"]);
  handOver(decoder, first);
  const second = encoder.encode(batchOf([
    [topic("b"), '{"metrics": {"x": 4, "z": 5}}'],
    [topic("a"), '{"metrics": {"y": 6}}'],
  ]));
  assert.deepEqual(second.decoded.newTopics, []);
  assert.deepEqual(second.decoded.newNames, ["z"]);
  assert.equal(second.decoded.reset, false);
  const seen = handOver(decoder, second) as Array<{ ref: MachineRef; points: TelemetryPoint[] }>;
  assert.deepEqual(seen.map((s) => [s.ref.machine, s.points[0].metrics]), [
    ["b", { x: 4, z: 5 }],
    ["a", { y: 6 }],
  ]);
});

Deno.test("the tables stay bounded: both sides clear them together between batches", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW, maxInterned: 3 });
  const decoder = new TelemetryBatchDecoder();
  handOver(
    decoder,
    encoder.encode(batchOf([[topic("a"), '{"metrics": {"p": 1, "q": 2, "r": 3}}']])),
  );
  const next = encoder.encode(batchOf([[topic("b"), '{"metrics": {"s": 4, "p": 5}}']]));
  assert.equal(next.decoded.reset, true);
  assert.deepEqual(next.decoded.newNames, ["s", "p"]);
  const [seen] = handOver(decoder, next) as Array<{ ref: MachineRef; points: TelemetryPoint[] }>;
  assert.deepEqual([seen.ref.machine, seen.points[0].metrics], ["b", { s: 4, p: 5 }]);
});

Deno.test("a fresh encoder (a restarted worker) makes the decoder start afresh", () => {
  const decoder = new TelemetryBatchDecoder();
  const old = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  handOver(decoder, old.encode(batchOf([[topic("a"), '{"metrics": {"x": 1}}']])));
  const fresh = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const batch = fresh.encode(batchOf([[topic("b"), '{"metrics": {"y": 2}}']]));
  assert.equal(batch.decoded.reset, true);
  const [seen] = handOver(decoder, batch) as Array<{ ref: MachineRef; points: TelemetryPoint[] }>;
  assert.deepEqual([seen.ref.machine, seen.points[0].metrics], ["b", { y: 2 }]);
});

Deno.test("a metric named __proto__ arrives as an own property", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const [seen] = handOver(
    new TelemetryBatchDecoder(),
    encoder.encode(batchOf([[topic("a"), '{"metrics": {"__proto__": 7, "x": 1}}']])),
  ) as Array<{ points: TelemetryPoint[] }>;
  const metrics = seen.points[0].metrics;
  assert.equal(Object.getPrototypeOf(metrics), Object.prototype);
  assert.deepEqual(Object.entries(metrics), [["__proto__", 7], ["x", 1]]);
});

Deno.test("the decoder refuses a batch naming a topic no encoder would have numbered", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const batch = encoder.encode(batchOf([[topic("a"), '{"metrics": {"x": 1}}']]));
  const forged = { ...batch, decoded: { ...batch.decoded, newTopics: ["factories/f/telemetry"] } };
  assert.throws(
    () => new TelemetryBatchDecoder().forEach(forged, () => {}, () => {}),
    /decoded a bad topic: factories\/f\/telemetry/,
  );
});

Deno.test("a batch that is not all ASCII is decoded payload by payload, invalid UTF-8 left raw", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const first = '{"ts": 1699999999000, "metrics": {"temp": 71.5}}';
  const last = '{"ts": 1699999999500, "metrics": {"rpm": 900}}';
  const invalid = Uint8Array.of(0x7b, 0xff, 0x7d); // "{", a byte no UTF-8 has, "}"
  const seen = handOver(
    new TelemetryBatchDecoder(),
    encoder.encode(batchOf([[topic("m1"), first], [topic("m2"), invalid], [topic("m3"), last]])),
  );
  const expected = (machine: string, body: string) =>
    decodeJsonTelemetry(body, { factory: "f", machine }, { receivedAt: NOW }).points;
  assert.equal(seen.length, 3);
  assert.deepEqual(seen[0], {
    ref: { factory: "f", machine: "m1" },
    points: expected("m1", first),
  });
  assert.equal((seen[1] as { raw: string }).raw, topic("m2"), "left to the main thread's ingest");
  assert.deepEqual(seen[2], { ref: { factory: "f", machine: "m3" }, points: expected("m3", last) });
});

Deno.test("the encoder's columns are reused: a large batch after small ones, then a small one again", () => {
  const encoder = new TelemetryBatchEncoder(LIMITS, { now: () => NOW });
  const decoder = new TelemetryBatchDecoder();
  const body = (i: number) => `{"ts": ${1699999000000 + i}, "metrics": {"a": ${i}, "b": ${2 * i}}}`;
  for (const size of [3, 2_000, 5]) {
    const publishes = Array.from(
      { length: size },
      (_, i) => [topic(`m${i % 7}`), body(i)] as [string, string],
    );
    const seen = handOver(decoder, encoder.encode(batchOf(publishes)));
    assert.equal(seen.length, size);
    seen.forEach((s, i) => {
      const { points } = s as { points: TelemetryPoint[] };
      assert.deepEqual(points[0].metrics, { a: i, b: 2 * i }, `publish ${i} of ${size}`);
      assert.equal(points[0].ts, 1699999000000 + i);
    });
  }
});
