import assert from "node:assert/strict";
import { parseBenchOptions } from "./bench_options.ts";

Deno.test("parseBenchOptions reads the flags and sorts the rates", () => {
  const options = parseBenchOptions(["--machines=10", "--qos=0", "--rates=20000,5000", "--write"]);
  assert.equal(options.machines, 10);
  assert.equal(options.qos, 0);
  assert.deepEqual(options.rates, [5000, 20000]);
  assert.equal(options.write, true);
  assert.equal(options.metrics, 4);
  assert.equal(options.stepsPast, 12);
  assert.equal(parseBenchOptions(["--steps-past=0"]).stepsPast, 0);
});

Deno.test("parseBenchOptions names the flag and the value it refuses", () => {
  assert.throws(
    () => parseBenchOptions(["--qos=2"]),
    /'--qos' must be an integer from 0 to 1: current value is '2'/,
  );
  assert.throws(() => parseBenchOptions(["--rates=5k"]), /'--rates' must be positive integers/);
});
