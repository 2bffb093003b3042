import assert from "node:assert/strict";
import { isoZone, ZONE_NUMBER, ZONE_STATUS } from "./iso_10816.ts";

Deno.test("isoZone uses the group 2 rigid boundaries 1.4 / 2.8 / 4.5 mm/s", () => {
  assert.equal(isoZone(0, 2, "rigid"), "A");
  assert.equal(isoZone(1.39, 2, "rigid"), "A");
  assert.equal(isoZone(1.4, 2, "rigid"), "B");
  assert.equal(isoZone(2.8, 2, "rigid"), "C");
  assert.equal(isoZone(4.49, 2, "rigid"), "C");
  assert.equal(isoZone(4.5, 2, "rigid"), "D");
});

Deno.test("isoZone tells groups and foundations apart", () => {
  // 5 mm/s: D for a medium rigid machine, C for a large rigid one, B for a large flexible one.
  assert.equal(isoZone(5, 2, "rigid"), "D");
  assert.equal(isoZone(5, 1, "rigid"), "C");
  assert.equal(isoZone(5, 1, "flexible"), "B");
  assert.equal(isoZone(5, 3, "flexible"), "B");
  assert.equal(isoZone(5, 4, "flexible"), "C");
  assert.equal(isoZone(11, 1, "flexible"), "D");
});

Deno.test("isoZone maps zones to statuses and numbers", () => {
  assert.deepEqual(
    (["A", "B", "C", "D"] as const).map((z) => [ZONE_STATUS[z], ZONE_NUMBER[z]]),
    [["normal", 1], ["satisfactory", 2], ["alert", 3], ["unacceptable", 4]],
  );
});

Deno.test("isoZone rejects unknown groups and negative velocities", () => {
  // deno-lint-ignore no-explicit-any
  assert.throws(() => isoZone(1, 5 as any, "rigid"), /no table for group 5/);
  assert.throws(() => isoZone(-1, 2, "rigid"), /must be >= 0 mm\/s: current value is -1/);
});
