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

function textsOf(payloads: Uint8Array[]): Array<string | undefined> {
  const batcher = new PublishBatcher();
  for (const p of payloads) batcher.add("t", p);
  const texts: Array<string | undefined> = [];
  forEachPublish(batcher.take(), (_, __, text) => texts.push(text));
  return texts;
}

Deno.test("an all-ASCII batch comes with each payload's text", () => {
  assert.deepEqual(textsOf([bytes('{"metrics":{"x":1}}'), bytes(""), bytes("abc")]), [
    '{"metrics":{"x":1}}',
    "",
    "abc",
  ]);
});

Deno.test("a batch with any non-ASCII or invalid UTF-8 payload comes without texts", () => {
  // UTF-8 that decodes: the offsets of bytes and characters differ.
  assert.deepEqual(textsOf([bytes("abc"), bytes("ü")]), [undefined, undefined]);
  // A byte-order mark, which a decoder would drop.
  assert.deepEqual(textsOf([new Uint8Array([0xef, 0xbb, 0xbf, 0x31]), bytes("1")]), [
    undefined,
    undefined,
  ]);
  // Invalid UTF-8: each payload is left to be judged on its own bytes.
  assert.deepEqual(textsOf([bytes("abc"), new Uint8Array([0xff, 0x31])]), [undefined, undefined]);
});
