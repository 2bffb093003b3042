import assert from "node:assert/strict";
import {
  connectPacket,
  PacketReader,
  PacketType,
  readPublish,
  remainingLength,
  subscribePacket,
  writeAck,
} from "./mqtt_packets.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => [...new TextEncoder().encode(s)];

/** A PUBLISH as a broker sends it. */
function publish(topic: string, payload: number[], qos: number, id = 0): Uint8Array {
  const name = text(topic);
  const body = [name.length >> 8, name.length & 0xff, ...name];
  if (qos > 0) body.push(id >> 8, id & 0xff);
  for (const b of payload) body.push(b);
  return Uint8Array.from([0x30 | (qos << 1), ...remainingLength(body.length), ...body]);
}

Deno.test("connectPacket encodes MQTT 3.1.1 CONNECT with a kept session and credentials", () => {
  assert.deepEqual(
    [...connectPacket({ clientId: "e", clean: false, keepAliveSeconds: 60 })],
    [0x10, 13, 0, 4, ...text("MQTT"), 4, 0x00, 0, 60, 0, 1, ...text("e")],
  );
  assert.deepEqual(
    [...connectPacket({
      clientId: "e",
      clean: true,
      keepAliveSeconds: 300,
      username: "u",
      password: "pw",
    })],
    [
      0x10,
      20,
      0,
      4,
      ...text("MQTT"),
      4,
      0xc2,
      1,
      44,
      0,
      1,
      ...text("e"),
      0,
      1,
      ...text("u"),
      0,
      2,
      ...text("pw"),
    ],
  );
});

Deno.test("remainingLength writes 7 bits a byte, low first", () => {
  assert.deepEqual(remainingLength(0), [0]);
  assert.deepEqual(remainingLength(127), [127]);
  assert.deepEqual(remainingLength(321), [0xc1, 0x02]);
  assert.deepEqual(remainingLength(268_435_455), [0xff, 0xff, 0xff, 0x7f]);
});

Deno.test("subscribePacket and writeAck", () => {
  assert.deepEqual(
    [...subscribePacket(7, ["a/+", "b"], 1)],
    [0x82, 12, 0, 7, 0, 3, ...text("a/+"), 1, 0, 1, ...text("b"), 1],
  );
  const out = new Uint8Array(8);
  assert.equal(writeAck(out, 0, PacketType.PUBACK, 0x1234), 4);
  assert.equal(writeAck(out, 4, PacketType.PUBCOMP, 1), 8);
  assert.deepEqual([...out], [0x40, 2, 0x12, 0x34, 0x70, 2, 0, 1]);
});

Deno.test("PacketReader cuts packets out of arbitrary chunks, growing for a large one", () => {
  const big = Array.from({ length: 300_000 }, (_, i) => i % 251);
  const stream = new Uint8Array([
    ...publish("t/1", text("{}"), 1, 9),
    ...bytes(0xd0, 0), // PINGRESP
    ...publish("t/big", big, 0),
    ...publish("ü", [], 2, 65_535),
  ]);
  const reader = new PacketReader(1 << 20, 16);
  const seen: string[] = [];
  let bigPayload: number[] = [];
  for (let at = 0; at < stream.length;) {
    const space = reader.space();
    const n = Math.min(space.length, 7, stream.length - at);
    space.set(stream.subarray(at, at + n));
    reader.wrote(n);
    at += n;
    for (let p = reader.next(); p !== undefined; p = reader.next()) {
      if (p.type !== PacketType.PUBLISH) {
        seen.push(`type ${p.type}`);
        continue;
      }
      const message = readPublish(p);
      if (message.topic === "t/big") bigPayload = [...message.payload];
      seen.push(`${message.topic} qos ${message.qos} id ${message.id} ${message.payload.length} B`);
    }
  }
  assert.deepEqual(seen, [
    "t/1 qos 1 id 9 2 B",
    "type 13",
    "t/big qos 0 id 0 300000 B",
    "ü qos 2 id 65535 0 B",
  ]);
  assert.deepEqual(bigPayload, big);
});

Deno.test("PacketReader and readPublish refuse malformed input", () => {
  const reader = new PacketReader(100, 16);
  reader.space().set([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
  reader.wrote(6);
  assert.throws(() => reader.next(), /remaining length over 4 bytes/);
  const small = new PacketReader(100, 16);
  small.space().set([0x30, 0xc8, 0x01]); // 200 bytes
  small.wrote(3);
  assert.throws(() => small.next(), /200 bytes is over the 100-byte bound/);
  const body = (b: number[]) => ({ type: PacketType.PUBLISH, flags: 2, body: bytes(...b) });
  assert.throws(() => readPublish(body([0])), /no topic/);
  assert.throws(() => readPublish(body([0, 5, 97])), /topic runs past the packet/);
  assert.throws(() => readPublish(body([0, 1, 97, 0])), /no packet id/);
  assert.throws(() => readPublish({ ...body([0, 1, 97]), flags: 6 }), /QoS 3/);
  assert.equal(readPublish({ ...body([0, 1, 0xff]), flags: 0 }).topic, "\ufffd", "not UTF-8");
});
