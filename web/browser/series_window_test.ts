import assert from "node:assert/strict";
import { SeriesWindow } from "./series_window.ts";

Deno.test("SeriesWindow keeps points in time order and replaces a repeated instant", () => {
  const series = new SeriesWindow({ ts: [1, 3], values: [10, 30], flagged: [3] });
  series.append(2, 20, false);
  series.append(3, 31, false);
  series.append(4, 40, true);
  assert.deepEqual(series.columns(), [[1, 2, 3, 4], [10, 20, 31, 40], [null, null, null, 40]]);
  assert.equal(series.flaggedCount, 1);
  assert.equal(series.lastTs, 4);
});

Deno.test("SeriesWindow trims points that left the window", () => {
  const series = new SeriesWindow();
  for (let ts = 0; ts < 10; ts++) series.append(ts, ts, ts % 3 === 0);
  assert.equal(series.flaggedCount, 4);
  series.trimBefore(5);
  assert.deepEqual(series.columns()[0], [5, 6, 7, 8, 9]);
  assert.equal(series.flaggedCount, 2);
  assert.equal(series.length, 5);
});

Deno.test("SeriesWindow flags a point once and reports a missing one", () => {
  const series = new SeriesWindow({ ts: [1, 2], values: [5, 6] });
  assert.equal(series.flag(2), true);
  assert.equal(series.flag(2), true);
  assert.equal(series.flaggedCount, 1);
  assert.equal(series.flag(7), false);
  assert.deepEqual(series.columns()[2], [null, 6]);
});
