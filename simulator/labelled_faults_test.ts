import assert from "node:assert/strict";
import { labelledFaultWindows } from "./labelled_faults.ts";

Deno.test("labelledFaultWindows gives each class its windows, deterministically", () => {
  const windows = labelledFaultWindows({ perClass: 2, seed: 5 });
  assert.deepEqual(windows.map((w) => w.cls), [
    "normal",
    "normal",
    "overheating",
    "overheating",
    "sensor_fault",
    "sensor_fault",
    "imbalance",
    "imbalance",
    "bearing",
    "bearing",
  ]);
  assert.deepEqual(labelledFaultWindows({ perClass: 2, seed: 5 }), windows);
  for (const w of windows) {
    assert.equal(w.series.vibration.length, 721, "−10 min … +2 min at 1 Hz");
    assert.equal(w.series.vibration[0][0], w.ts - 600_000);
    if (w.cls === "normal") assert.equal(w.faultStart, undefined);
    else assert.ok(w.faultStart! >= w.ts - 360_000 && w.faultStart! <= w.ts - 60_000);
  }
});

Deno.test("labelledFaultWindows injects visible faults: a ramp, a frozen metric", () => {
  const windows = labelledFaultWindows({ perClass: 3, seed: 2 });
  for (const w of windows.filter((w) => w.cls === "overheating")) {
    const axis = w.series.axis_temp;
    const before = axis.filter(([t]) => t < w.faultStart!).map(([, v]) => v);
    assert.ok(
      axis.at(-1)![1] > Math.max(...before),
      "axis_temp ends above anything before the fault",
    );
  }
  for (const w of windows.filter((w) => w.cls === "sensor_fault")) {
    const frozen = Object.entries(w.series).filter(([metric, points]) =>
      metric !== "running" &&
      new Set(points.filter(([t]) => t >= w.faultStart!).map(([, v]) => v)).size === 1
    );
    assert.equal(frozen.length, 1, "exactly one metric is frozen from the fault on");
  }
  assert.throws(
    () => labelledFaultWindows({ perClass: 0 }),
    /'perClass' must be a positive integer/,
  );
});
