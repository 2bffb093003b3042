import assert from "node:assert/strict";
import { FakeClock } from "../../fake_clock.ts";
import { EngineMetrics } from "../../metrics.ts";
import type { SeriesPoint } from "../../telemetry.ts";
import { type HistoryDropped, openInfluxStore } from "./open_influx_store.ts";

Deno.test("openInfluxStore reports per machine the history its spool dropped", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "open-influx-store-test-" });
  const dropped: HistoryDropped[] = [];
  const logs: string[] = [];
  const metrics = new EngineMetrics();
  const store = await openInfluxStore({
    // Nothing listens on port 1: every write fails, so the spool only grows.
    influx: { url: "http://127.0.0.1:1", token: "t", org: "o", bucket: "b" },
    dataDir,
    clock: new FakeClock(5_000),
    metrics,
    deadLetter: { append: () => {} },
    onHistoryDropped: (d) => dropped.push(d),
    log: (m) => logs.push(m),
    spool: { maxBytes: 8_192, segmentBytes: 2_048, recordLines: 10 },
  });
  try {
    for (let i = 0; i < 100; i++) {
      const points: SeriesPoint[] = ["a", "b"].flatMap((machine) => [
        { factory: "f", machine, metric: "temp", ts: i * 1_000, value: i },
        { factory: "f", machine, metric: "rpm", ts: i * 1_000, value: i },
      ]);
      await store.write(points);
    }
    assert.ok(dropped.length >= 2, `dropped: ${JSON.stringify(dropped)}`);
    const first = dropped.filter((d) => d.machine === "a")[0];
    assert.equal(first.factory, "f");
    assert.equal(first.from, 0, "the oldest history goes first");
    assert.equal(first.ts, 5_000);
    const total = dropped.reduce((n, d) => n + d.points, 0);
    assert.equal(await metrics.value(metrics.influxSpoolDroppedPoints), total);
    assert.ok(logs.some((l) => /dropped the oldest \d+ points/.test(l)), logs.join("\n"));
    assert.ok(await Deno.stat(`${dataDir}/influx-spool`));
  } finally {
    await store.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
