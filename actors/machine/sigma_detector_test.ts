import assert from "node:assert/strict";
import { RollingWindow } from "./rolling_window.ts";
import {
  assessValue,
  DEFAULT_SIGMA_OPTIONS,
  expectedBand,
  sigmaScore,
  thresholdBreach,
} from "./sigma_detector.ts";

function windowOf(values: number[]) {
  const window = new RollingWindow({ maxCount: 1000, maxAgeMs: 1e12 });
  values.forEach((v, i) => window.push(i, v));
  return window.stats();
}

// mean 10, sample σ ≈ 1.0005 (alternating 9 and 11).
const steady = windowOf(Array.from({ length: 100 }, (_, i) => (i % 2 ? 9 : 11)));

const cases: Array<{
  name: string;
  value: number;
  stats?: ReturnType<typeof windowOf>;
  thresholds?: { low?: number; high?: number };
  twoState?: boolean;
  anomalous: boolean;
  reason?: string;
}> = [
  { name: "inside mean ± 3σ", value: 12.9, anomalous: false },
  { name: "beyond +3σ", value: 13.2, anomalous: true, reason: "sigma" },
  { name: "beyond -3σ", value: 6.8, anomalous: true, reason: "sigma" },
  {
    name: "above a high threshold inside σ",
    value: 12,
    thresholds: { high: 11.5 },
    anomalous: true,
    reason: "above_threshold",
  },
  {
    name: "below a low threshold",
    value: 9.5,
    thresholds: { low: 9.6 },
    anomalous: true,
    reason: "below_threshold",
  },
  {
    name: "threshold wins over σ",
    value: 50,
    thresholds: { high: 40 },
    anomalous: true,
    reason: "above_threshold",
  },
  { name: "too few samples for σ", value: 1000, stats: windowOf([10, 11, 9]), anomalous: false },
  {
    name: "thresholds apply before enough samples",
    value: 1000,
    stats: windowOf([10]),
    thresholds: { high: 100 },
    anomalous: true,
    reason: "above_threshold",
  },
  {
    name: "two-state metric switching is not an anomaly",
    value: 0,
    stats: windowOf(Array(60).fill(1)),
    twoState: true,
    anomalous: false,
  },
  {
    name: "flat signal that moves is flagged",
    value: 5.1,
    stats: windowOf(Array(60).fill(5)),
    anomalous: true,
    reason: "sigma",
  },
];

for (const c of cases) {
  Deno.test(`assessValue ${c.name}`, () => {
    const verdict = assessValue(c.value, {
      stats: c.stats ?? steady,
      thresholds: c.thresholds,
      twoState: c.twoState ?? false,
    }, DEFAULT_SIGMA_OPTIONS);
    assert.equal(verdict.anomalous, c.anomalous);
    assert.equal(verdict.reason, c.reason);
  });
}

Deno.test("assessValue reports score and the expected band", () => {
  const verdict = assessValue(14, { stats: steady, twoState: false });
  assert.ok(verdict.score > 3.9 && verdict.score < 4.1, `score ${verdict.score}`);
  assert.ok(Math.abs(verdict.expected.low - (10 - 3 * steady.stddev)) < 1e-9);
  assert.ok(Math.abs(verdict.expected.high - (10 + 3 * steady.stddev)) < 1e-9);
});

Deno.test("the σ pieces read a live window the same as its stats", () => {
  const window = new RollingWindow({ maxCount: 1000, maxAgeMs: 1e12 });
  for (let i = 0; i < 100; i++) window.push(i, i % 2 ? 9 : 11);
  assert.equal(sigmaScore(14, window, false), sigmaScore(14, steady, false));
  assert.deepEqual(
    expectedBand(window, { high: 12 }, false),
    expectedBand(steady, { high: 12 }, false),
  );
  assert.equal(expectedBand(window, { high: 12 }, false).high, 12, "a threshold narrows the band");
  assert.equal(sigmaScore(14, window, true), 0, "two-state metrics are not σ-judged");
  assert.deepEqual(expectedBand(window, { low: 1 }, true), { low: 1, high: Infinity });
});

Deno.test("thresholdBreach names the side broken, and nothing without limits", () => {
  assert.equal(thresholdBreach(5, undefined), undefined);
  assert.equal(thresholdBreach(5, {}), undefined);
  assert.equal(thresholdBreach(5, { high: 4 }), "above_threshold");
  assert.equal(thresholdBreach(5, { low: 6 }), "below_threshold");
  assert.equal(
    thresholdBreach(5, { low: 5, high: 5 }),
    undefined,
    "the limits themselves are allowed",
  );
});
