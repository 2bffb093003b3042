import assert from "node:assert/strict";
import { Mailbox } from "./mailbox.ts";

Deno.test("Mailbox delivers messages in FIFO order across growth and wrap-around", () => {
  const mailbox = new Mailbox<number>({ capacity: 100 });
  const seen: number[] = [];
  let next = 0;
  // Interleave pushes and shifts so the head wraps while the ring grows past its initial slots.
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 7; i++) assert.equal(mailbox.offer(next++, true), "accepted");
    for (let i = 0; i < 3; i++) seen.push(mailbox.shift() as number);
  }
  seen.push(...mailbox.drainAll());
  assert.deepEqual(seen, Array.from({ length: 70 }, (_, i) => i));
  assert.equal(mailbox.size, 0);
  assert.equal(mailbox.shift(), undefined);
});

Deno.test("Mailbox sheds sheddable messages past its capacity", () => {
  const mailbox = new Mailbox<string>({ capacity: 3 });
  const results = ["a", "b", "c", "d", "e"].map((m) => mailbox.offer(m, true));
  assert.deepEqual(results, ["accepted", "accepted", "accepted", "shed", "shed"]);
  assert.equal(results.filter((r) => r === "shed").length, 2);
  assert.equal(mailbox.size, 3);
  assert.deepEqual(mailbox.drainAll(), ["a", "b", "c"]);
});

Deno.test("Mailbox accepts non-sheddable messages past its capacity", () => {
  const mailbox = new Mailbox<string>({ capacity: 2 });
  mailbox.offer("t1", true);
  mailbox.offer("t2", true);
  assert.equal(mailbox.offer("config", false), "accepted");
  assert.equal(mailbox.offer("t3", true), "shed");
  assert.equal(mailbox.offer("stop", false), "accepted");
  assert.equal(mailbox.size, 4);
  assert.deepEqual(mailbox.drainAll(), ["t1", "t2", "config", "stop"]);
});

Deno.test("Mailbox takes sheddable messages again once it has room", () => {
  const mailbox = new Mailbox<number>({ capacity: 1 });
  mailbox.offer(1, true);
  assert.equal(mailbox.offer(2, true), "shed");
  assert.equal(mailbox.shift(), 1);
  assert.equal(mailbox.offer(3, true), "accepted");
  assert.deepEqual(mailbox.drainAll(), [3]);
});

Deno.test("Mailbox drainAll returns and removes everything", () => {
  const mailbox = new Mailbox<number>({ capacity: 40 });
  for (let i = 0; i < 40; i++) mailbox.offer(i, true);
  mailbox.shift();
  const drained = mailbox.drainAll();
  assert.equal(drained.length, 39);
  assert.equal(drained[0], 1);
  assert.equal(mailbox.size, 0);
  assert.deepEqual(mailbox.drainAll(), []);
});

Deno.test("Mailbox rejects a capacity that is not a positive integer", () => {
  for (const capacity of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(
      () => new Mailbox({ capacity }),
      new RangeError(
        `Cannot create mailbox: 'capacity' must be a positive integer: current value is ${capacity}`,
      ),
    );
  }
});
