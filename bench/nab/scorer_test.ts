import assert from "node:assert/strict";
import { DEFAULT_NAB_DIR, loadNabCorpus, loadReferenceScores, type NabFile } from "./corpus.ts";
import {
  NAB_PROFILES,
  probationaryLength,
  scaledSigmoid,
  scoreAllProfiles,
  scoreCorpus,
  sweepFile,
} from "./scorer.ts";

// Published NAB v1.1 final scores, from numenta/NAB `results/final_results.json`
// (commit 5a98e4f1, the scoreboard behind the README table): numenta (HTM)
// standard 70.101, reward_low_FP_rate 63.117, reward_low_FN_rate 74.320;
// windowedGaussian 39.650 / 20.868 / 47.410. The README rounds HTM to
// "70.5-69.7 | 62.6-61.7 | 75.2-74.2" (a range over HTM runs); the reference
// result files in the corpus are the run behind final_results.json.
const PUBLISHED = {
  numenta: { standard: 70.101, reward_low_FP_rate: 63.117, reward_low_FN_rate: 74.320 },
  windowedGaussian: { standard: 39.650, reward_low_FP_rate: 20.868, reward_low_FN_rate: 47.410 },
} as const;

async function referenceScores(detector: string, files: NabFile[]): Promise<Float64Array[]> {
  return await Promise.all(
    files.map((f) => loadReferenceScores(`${DEFAULT_NAB_DIR}/reference/${detector}/${f.name}`)),
  );
}

for (const detector of ["numenta", "windowedGaussian"] as const) {
  Deno.test(`scoreCorpus reproduces the published ${detector} scores within 0.5`, async () => {
    const files = await loadNabCorpus();
    assert.equal(files.length, 58);
    const result = scoreAllProfiles(files, await referenceScores(detector, files));
    for (const profile of ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const) {
      const got = result[profile].normalized;
      const want = PUBLISHED[detector][profile];
      assert.ok(
        Math.abs(got - want) <= 0.5,
        `${detector} ${profile}: got ${got}, published ${want}`,
      );
    }
    assert.equal(result.standard.windows, 116);
  });
}

Deno.test("scaledSigmoid matches NAB's anchor values", () => {
  assert.equal(scaledSigmoid(-1).toFixed(5), "0.98661");
  assert.equal(scaledSigmoid(-0.5).toFixed(5), "0.84828");
  assert.equal(scaledSigmoid(0), 0);
  assert.equal(scaledSigmoid(3), -1);
});

Deno.test("probationaryLength is 15 % capped at 750 rows", () => {
  assert.equal(probationaryLength(1000), 150);
  assert.equal(probationaryLength(10_000), 750);
});

function synthetic(): NabFile {
  const n = 100;
  const timestamps = Float64Array.from({ length: n }, (_, i) => i * 60_000);
  return {
    name: "synthetic.csv",
    timestamps,
    values: new Float64Array(n),
    windows: [[timestamps[50], timestamps[59]]],
  };
}

Deno.test("sweepFile weighs the window's left edge at tpWeight and earlier rows as full FPs", () => {
  const swept = sweepFile(synthetic(), NAB_PROFILES.standard);
  assert.equal(swept.sweepScores[50], 1);
  assert.equal(swept.sweepScores[20], -0.11);
  assert.equal(swept.windowOf[10], -2); // probationary
  assert.equal(swept.windowOf[55], 0);
  assert.equal(swept.scoredWindows, 1);
  // Right after the window the penalty grows with the distance (in window widths − 1).
  assert.equal(swept.sweepScores[60], scaledSigmoid(1 / 9) * 0.11);
  assert.ok(swept.sweepScores[60] > -0.11 / 2);
  assert.equal(swept.sweepScores[99], -0.11);
});

Deno.test("scoreCorpus counts only the earliest detection in a window", () => {
  const file = synthetic();
  const scores = new Float64Array(100);
  scores[50] = 0.9; // window's left edge
  scores[55] = 0.95; // later in the window: counts less, but is above the same threshold
  const result = scoreCorpus([file], [scores], NAB_PROFILES.standard);
  assert.equal(result.threshold, 0.9);
  assert.equal(result.normalized, 100);
  assert.equal(result.tp, 2);
});

Deno.test("scoreCorpus gives the null detector 0 and charges false positives", () => {
  const file = synthetic();
  assert.equal(scoreCorpus([file], [new Float64Array(100)], NAB_PROFILES.standard).normalized, 0);
  const scores = new Float64Array(100);
  scores[20] = 1; // FP before the window
  scores[52] = 1; // TP
  const result = scoreCorpus([file], [scores], NAB_PROFILES.standard);
  const tpWeight = sweepFile(file, NAB_PROFILES.standard).sweepScores[52];
  assert.ok(Math.abs(result.raw - (tpWeight - 0.11)) < 1e-12);
  assert.ok(Math.abs(result.normalized - 100 * (tpWeight - 0.11 + 1) / 2) < 1e-9);
});
