import assert from "node:assert/strict";
import { AckGate } from "./ack_gate.ts";

Deno.test("AckGate acknowledges at once below its limit and holds acknowledgements past it", () => {
  const gate = new AckGate(2);
  const acked: number[] = [];
  const publish = (n: number) => gate.admit(() => (acked.push(n), gate.sent(1)));
  publish(1);
  publish(2);
  assert.deepEqual(acked, [1, 2]);
  publish(3);
  publish(4);
  assert.deepEqual(acked, [1, 2], "two in flight: held");
  assert.deepEqual([gate.inFlight, gate.waiting], [2, 2]);
  gate.taken(1);
  assert.deepEqual(acked, [1, 2, 3], "one taken: one released, in order");
  gate.taken(2);
  assert.deepEqual(acked, [1, 2, 3, 4]);
  assert.deepEqual([gate.inFlight, gate.waiting], [1, 0]);
  gate.taken(5);
  assert.equal(gate.inFlight, 0, "never below zero");
  publish(5);
  assert.deepEqual(acked, [1, 2, 3, 4, 5]);
});

Deno.test("AckGate keeps order: a new publish waits behind held ones even with room", () => {
  const gate = new AckGate(1);
  const acked: string[] = [];
  gate.sent(1);
  gate.admit(() => acked.push("held"));
  gate.taken(0);
  gate.admit(() => acked.push("later"));
  assert.deepEqual(acked, []);
  gate.taken(1);
  assert.deepEqual(acked, ["held", "later"]);
});

Deno.test("AckGate refuses a limit that is not a positive integer", () => {
  assert.throws(() => new AckGate(0), /'limit' must be a positive integer: current value is 0/);
});
