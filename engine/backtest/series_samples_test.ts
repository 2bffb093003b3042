import assert from "node:assert/strict";
import { samplesFromSeries } from "./series_samples.ts";

Deno.test("samplesFromSeries merges series into one sample per timestamp, in time order", () => {
  assert.deepEqual(
    samplesFromSeries([
      { metric: "temp", points: [[1_000, 70], [3_000, 72], [4_000, 73]] },
      { metric: "rpm", points: [[1_000, 900], [2_000, 910], [4_000, 930]] },
      { metric: "idle", points: [] },
    ]),
    [
      { ts: 1_000, values: { temp: 70, rpm: 900 } },
      { ts: 2_000, values: { rpm: 910 } },
      { ts: 3_000, values: { temp: 72 } },
      { ts: 4_000, values: { temp: 73, rpm: 930 } },
    ],
  );
  assert.deepEqual(samplesFromSeries([]), []);
});
