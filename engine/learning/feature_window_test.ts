import assert from "node:assert/strict";
import { SqliteStore } from "../store/sqlite_store.ts";
import {
  checkWindowSpan,
  FEATURE_NAMES,
  featureColumns,
  metricFeatures,
  readFeatureWindow,
  toVector,
} from "./feature_window.ts";

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

Deno.test("metricFeatures computes each statistic of a ramp exactly", () => {
  const f = metricFeatures([[0, 1], [60_000, 2], [120_000, 3], [180_000, 4]]);
  assert.equal(f.length, FEATURE_NAMES.length);
  const at = (name: string) => f[FEATURE_NAMES.indexOf(name as typeof FEATURE_NAMES[number])];
  assert.equal(at("count"), 4);
  close(at("mean"), 2.5, "mean");
  close(at("std"), Math.sqrt(1.25), "std");
  assert.equal(at("min"), 1);
  assert.equal(at("max"), 4);
  close(at("slope"), 1, "slope per minute");
  close(at("last_minus_mean"), 1.5, "last − mean");
  close(at("last_z"), 1.5 / Math.sqrt(1.25), "last z");
  close(at("kurtosis"), (2 * 1.5 ** 4 + 2 * 0.5 ** 4) / 4 / 1.25 ** 2 - 3, "kurtosis");
  close(at("skewness"), 0, "skewness");
  assert.equal(at("flat_fraction"), 0);
  assert.equal(at("diff_std"), 0);
  assert.equal(at("longest_flat"), 0.25);
});

Deno.test("metricFeatures sees a stuck sensor as flat, with no spread and no NaN", () => {
  const f = metricFeatures([[0, 5], [1_000, 5], [2_000, 5], [3_000, 5], [4_000, 5]]);
  assert.deepEqual(f, [5, 5, 0, 5, 5, 0, 0, 0, 0, 0, 1, 0, 1]);
  assert.deepEqual(metricFeatures([]), FEATURE_NAMES.map(() => 0));
});

Deno.test("metricFeatures is deterministic and order-sensitive only through time", () => {
  const points: Array<[number, number]> = [[0, 3], [1_000, 7], [2_000, 1], [3_000, 9], [4_000, 4]];
  assert.deepEqual(metricFeatures(points), metricFeatures(points.map((p) => [...p])));
  const f = metricFeatures(points);
  assert.equal(
    f[FEATURE_NAMES.indexOf("diff_std")],
    Math.sqrt((4 ** 2 + 6 ** 2 + 8 ** 2 + 5 ** 2) / 4 - (1 / 4) ** 2),
  );
});

Deno.test("readFeatureWindow reads −before…+after from the store, every metric including vib.*", async () => {
  const store = new SqliteStore({ path: ":memory:" });
  const ref = { factory: "f1", machine: "press-01" };
  const ts = 1_800_000_000_000;
  const points = [];
  for (let i = -20; i <= 10; i++) {
    points.push({ ...ref, metric: "oil_temp", ts: ts + i * 60_000, value: 50 + i });
    points.push({ ...ref, metric: "vib.rms", ts: ts + i * 60_000, value: 2 });
  }
  await store.write(points);
  const window = await readFeatureWindow(store, ref, ts, { beforeMs: 600_000, afterMs: 120_000 });
  assert.equal(window.from, ts - 600_000);
  assert.equal(window.to, ts + 120_000);
  assert.deepEqual(Object.keys(window.metrics), ["oil_temp", "vib.rms"]);
  const oil = window.metrics.oil_temp;
  assert.equal(oil[0], 13, "minutes −10 … +2 inclusive");
  assert.equal(oil[1], 46);
  assert.equal(oil[3], 40);
  assert.equal(oil[4], 52);
  close(oil[5], 1, "slope");
  assert.equal(window.metrics["vib.rms"][10], 1, "flat");
  await store.close();
});

Deno.test("toVector lays out metric.feature columns and fills missing metrics with zeros", () => {
  const columns = featureColumns(["vib.rms", "a", "a"]);
  assert.equal(columns.length, 2 * FEATURE_NAMES.length);
  assert.equal(columns[0], "a.count");
  assert.equal(columns[FEATURE_NAMES.length + 1], "vib.rms.mean");
  const vector = toVector({ metrics: { "vib.rms": metricFeatures([[0, 2], [1, 4]]) } }, columns);
  assert.deepEqual(vector.slice(0, FEATURE_NAMES.length), FEATURE_NAMES.map(() => 0));
  assert.equal(vector[FEATURE_NAMES.length + 1], 3);
});

Deno.test("checkWindowSpan refuses negative, fractional and empty spans", () => {
  assert.throws(
    () => checkWindowSpan({ beforeMs: -1, afterMs: 0 }),
    /'beforeMs' must be an integer/,
  );
  assert.throws(() => checkWindowSpan({ beforeMs: 1, afterMs: 0.5 }), /'afterMs'/);
  assert.throws(() => checkWindowSpan({ beforeMs: 0, afterMs: 0 }), /must be > 0/);
  assert.deepEqual(checkWindowSpan({ beforeMs: 10, afterMs: 0 }), { beforeMs: 10, afterMs: 0 });
});
