import assert from "node:assert/strict";
import { forEachPublish, PublishBatcher } from "./publish_batch.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("a publish batch hands back every topic and payload in order, then starts afresh", () => {
  const batcher = new PublishBatcher();
  batcher.add("a/telemetry", bytes('{"metrics":{"x":1}}'));
  batcher.add("b/telemetry", new Uint8Array(0));
  batcher.add("a/telemetry", bytes("ü"));
  assert.equal(batcher.size, 3);
  const batch = batcher.take();
  assert.equal(batcher.size, 0);
  const seen: Array<[string, string]> = [];
  forEachPublish(batch, (topic, payload) => seen.push([topic, new TextDecoder().decode(payload)]));
  assert.deepEqual(seen, [
    ["a/telemetry", '{"metrics":{"x":1}}'],
    ["b/telemetry", ""],
    ["a/telemetry", "ü"],
  ]);
  assert.equal(batch.bytes.byteLength, 19 + 2, "payloads back to back");
  const empty = batcher.take();
  assert.deepEqual([empty.topics.length, empty.bytes.byteLength, empty.ends.length], [0, 0, 0]);
});

Deno.test("a publish batch owns its bytes: the sender may reuse its buffers", () => {
  const batcher = new PublishBatcher();
  const payload = bytes("123");
  batcher.add("t", payload);
  const batch = batcher.take();
  payload.fill(0);
  forEachPublish(batch, (_, p) => assert.equal(new TextDecoder().decode(p), "123"));
});
