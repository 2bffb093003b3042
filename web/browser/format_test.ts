import assert from "node:assert/strict";
import { factoryPath, formatAgo, formatValue, machinePath, machineType } from "./format.ts";

Deno.test("formatValue writes values compactly", () => {
  const cases: Array<[number, string]> = [
    [0, "0"],
    [71.456, "71.46"],
    [4.2, "4.2"],
    [123.456, "123.5"],
    [1234.6, "1235"],
    [15_230, "15.2k"],
    [999_999, "1M"],
    [-15_230, "-15.2k"],
    [3.2e12, "3200G"],
    [4_567_000, "4.57M"],
    [2.5e9, "2.5G"],
    [0.0123, "0.0123"],
    [-3.14159, "-3.14"],
    [NaN, "—"],
  ];
  for (const [value, text] of cases) assert.equal(formatValue(value), text, String(value));
});

Deno.test("formatAgo says how long ago in the largest whole unit", () => {
  assert.equal(formatAgo(-500), "just now");
  assert.equal(formatAgo(999), "just now");
  assert.equal(formatAgo(4_200), "4s ago");
  assert.equal(formatAgo(125_000), "2m ago");
  assert.equal(formatAgo(3 * 3_600_000 + 5), "3h ago");
  assert.equal(formatAgo(49 * 3_600_000), "2d ago");
});

Deno.test("machineType reads the type from a numbered machine name", () => {
  assert.equal(machineType("press-01"), "press");
  assert.equal(machineType("cnc_mill_3"), "cnc mill");
  assert.equal(machineType("robot-arm-3"), "robot arm");
  assert.equal(machineType("press"), undefined);
  assert.equal(machineType("42"), undefined);
});

Deno.test("factoryPath and machinePath build page URLs", () => {
  assert.equal(factoryPath("plant-1"), "/factories/plant-1");
  assert.equal(machinePath("plant-1", "press.01"), "/factories/plant-1/machines/press.01");
});
