/**
 * CPU per MQTT publish of the engine's ingest path on the main thread —
 * taking the MQTT worker's batches apart, topic parsing, payload decoding
 * and validation, routing to a delivery callback that does nothing —
 * in-process, with the ingest bench's topics and payloads (1,000 machines ×
 * 4 metrics):
 *
 *   deno run -A bench/ingest_path_bench.ts [publishes]
 *
 * Prints the fastest and the median round's ns per publish.
 */
import { systemClock } from "../engine/clock.ts";
import { DeadLetterFile } from "../engine/ingest/dead_letter.ts";
import { Ingestor } from "../engine/ingestor.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import { forEachPublish, type PublishBatch, PublishBatcher } from "../engine/mqtt/publish_batch.ts";
import { benchTopic, metricNames, telemetryPayload } from "./telemetry_payload.ts";

const publishes = Number(Deno.args[0] ?? 200_000);
const MACHINES = 1_000;
const BATCH = 500;
const ROUNDS = 9;

const dir = await Deno.makeTempDir({ prefix: "ingest-path-bench-" });
const deadLetter = new DeadLetterFile(`${dir}/dead-letter.jsonl`);
let delivered = 0;
const ingestor = new Ingestor(() => {
  delivered++;
  return "accepted";
}, { clock: systemClock, metrics: new EngineMetrics(), deadLetter });

const names = metricNames(4);
const encoder = new TextEncoder();
// Batches as the worker posts them, cloned as posting does (fresh topic strings on this side).
const batches: PublishBatch[] = [];
const batcher = new PublishBatcher();
for (let i = 0; i < publishes; i++) {
  batcher.add(
    benchTopic("bench", i % MACHINES),
    encoder.encode(telemetryPayload(Date.now(), names, i)),
  );
  if (batcher.size === BATCH) batches.push(structuredClone(batcher.take()));
}
if (batcher.size > 0) batches.push(structuredClone(batcher.take()));

const handle = (topic: string, payload: Uint8Array, text: string | undefined) =>
  ingestor.ingestMqtt(topic, payload, text);
const perPublishNs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  for (const batch of batches) forEachPublish(batch, handle);
  perPublishNs.push((performance.now() - started) * 1e6 / publishes);
}
if (delivered !== publishes * ROUNDS) {
  throw new Error(`Expected ${publishes * ROUNDS} points delivered, got ${delivered}`);
}
perPublishNs.sort((a, b) => a - b);
console.log(
  `ingest path: ${perPublishNs[0].toFixed(0)} ns per publish at best, ` +
    `${perPublishNs[ROUNDS >> 1].toFixed(0)} median (${ROUNDS} rounds of ${publishes})`,
);
await deadLetter.close();
await Deno.remove(dir, { recursive: true });
