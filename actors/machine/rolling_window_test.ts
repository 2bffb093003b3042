import assert from "node:assert/strict";
import { RollingWindow } from "./rolling_window.ts";

function reference(values: number[]) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, variance, min: Math.min(...values), max: Math.max(...values) };
}

function close(actual: number, expected: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );
}

Deno.test("RollingWindow keeps exact statistics while values slide out by count", () => {
  const window = new RollingWindow({ maxCount: 50, maxAgeMs: 1e12 });
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const all: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const value = 1_000 + Math.sin(i / 10) * 50 + random() * 10;
    all.push(value);
    window.push(i, value);
    if (i % 97 === 0 || i === 4_999) {
      const expected = reference(all.slice(-50));
      const stats = window.stats();
      assert.equal(stats.count, Math.min(50, i + 1));
      close(stats.mean, expected.mean, `mean at ${i}`);
      close(stats.variance, expected.variance, `variance at ${i}`);
      assert.equal(stats.min, expected.min);
      assert.equal(stats.max, expected.max);
    }
  }
});

Deno.test("RollingWindow drops values older than its age bound", () => {
  const window = new RollingWindow({ maxCount: 100, maxAgeMs: 10_000 });
  window.push(0, 100);
  window.push(5_000, 1);
  window.push(12_000, 3);
  const stats = window.stats();
  assert.equal(stats.count, 2);
  assert.equal(stats.max, 3);
  close(stats.mean, 2, "mean");
  window.evictOlderThan(6_000);
  assert.equal(window.stats().count, 1);
});

Deno.test("RollingWindow tracks min and max through monotone runs", () => {
  const window = new RollingWindow({ maxCount: 3, maxAgeMs: 1e9 });
  const seen: Array<[number, number]> = [];
  for (const [i, v] of [5, 4, 3, 2, 1, 2, 3, 4, 5].entries()) {
    window.push(i, v);
    const stats = window.stats();
    seen.push([stats.min, stats.max]);
  }
  assert.deepEqual(seen, [[5, 5], [4, 5], [3, 5], [2, 4], [1, 3], [1, 2], [1, 3], [2, 4], [3, 5]]);
});

Deno.test("RollingWindow round-trips through a snapshot", () => {
  const options = { maxCount: 10, maxAgeMs: 60_000 };
  const window = new RollingWindow(options);
  for (let i = 0; i < 25; i++) window.push(i * 1000, i * i);
  const restored = RollingWindow.fromSnapshot(options, window.toSnapshot());
  const [a, b] = [restored.stats(), window.stats()];
  assert.equal(a.count, b.count);
  assert.deepEqual([a.min, a.max], [b.min, b.max]);
  close(a.mean, b.mean, "mean");
  close(a.variance, b.variance, "variance");
  assert.equal(restored.newestTs, 24_000);
  assert.equal(restored.oldestTs, 15_000, "the ten newest of 25");
});

Deno.test("RollingWindow's oldest time follows evictions, by count and by age", () => {
  const window = new RollingWindow({ maxCount: 3, maxAgeMs: 10_000 });
  assert.equal(window.oldestTs, Infinity);
  window.push(1_000, 1);
  window.push(2_000, 2);
  assert.equal(window.oldestTs, 1_000);
  window.push(3_000, 3);
  window.push(4_000, 4);
  assert.equal(window.oldestTs, 2_000, "by count");
  window.push(13_500, 5);
  assert.equal(window.oldestTs, 4_000, "by age");
  window.evictOlderThan(20_000);
  assert.equal(window.oldestTs, Infinity);
});

Deno.test("RollingWindow reports an empty window as NaN mean with zero variance", () => {
  const window = new RollingWindow({ maxCount: 4, maxAgeMs: 1000 });
  window.push(0, 1);
  window.evictOlderThan(10);
  const stats = window.stats();
  assert.equal(stats.count, 0);
  assert.ok(Number.isNaN(stats.mean));
  assert.equal(stats.variance, 0);
  assert.ok(Number.isNaN(window.mean));
  assert.equal(window.stddev, 0);
});

Deno.test("RollingWindow rejects invalid options with the value", () => {
  assert.throws(
    () => new RollingWindow({ maxCount: 0, maxAgeMs: 1 }),
    /'maxCount'.*current value is 0/,
  );
  assert.throws(() => new RollingWindow({ maxCount: 1, maxAgeMs: -5 }), /'maxAgeMs'.*-5/);
});

Deno.test("RollingWindow agrees with a recount over random values, counts and ages", () => {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (
    const options of [{ maxCount: 1, maxAgeMs: 1e9 }, { maxCount: 5, maxAgeMs: 40 }, {
      maxCount: 32,
      maxAgeMs: 1e9,
    }]
  ) {
    const window = new RollingWindow(options);
    const kept: Array<[number, number]> = [];
    let ts = 0;
    for (let i = 0; i < 2_000; i++) {
      ts += 1 + Math.floor(random() * 10);
      // Runs of equal values and monotone stretches, where deques are easy to get wrong.
      const value = random() < 0.3 ? kept.at(-1)?.[1] ?? 0 : Math.round(random() * 20) - 10;
      window.push(ts, value);
      kept.push([ts, value]);
      while (kept.length > options.maxCount) kept.shift();
      while (kept.length > 0 && kept[0][0] < ts - options.maxAgeMs) kept.shift();
      const expected = reference(kept.map(([, v]) => v));
      const stats = window.stats();
      assert.equal(stats.count, kept.length);
      assert.equal(stats.min, expected.min);
      assert.equal(stats.max, expected.max);
      close(stats.mean, expected.mean, "mean");
      assert.ok(Math.abs(stats.variance - expected.variance) < 1e-6, "variance");
      // The getters the handler reads agree with stats().
      assert.equal(window.mean, stats.mean);
      assert.equal(window.stddev, stats.stddev);
    }
    assert.deepEqual(window.toSnapshot(), kept);
  }
});
