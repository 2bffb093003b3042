/**
 * The InfluxDB store end to end against a real server speaking InfluxDB's v2
 * write API: Debian's VictoriaMetrics, started by the test. It checks the
 * write path (store → spool → writer → /api/v2/write) and what arrived, via
 * VictoriaMetrics' export API. It cannot answer Flux, so the read path is
 * tested against fixtures (engine/store/influx/influx_store_test.ts).
 */
import assert from "node:assert/strict";
import { systemClock } from "../engine/clock.ts";
import type { DeadLetterRecord } from "../engine/ingest/mod.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import { openInfluxStore } from "../engine/store/influx/mod.ts";
import type { InfluxStore } from "../engine/store/influx/mod.ts";
import type { SeriesPoint } from "../engine/telemetry.ts";
import { addFactory, json, startTestEngine, type TestEngine } from "./support/test_engine.ts";
import { startVictoriaMetrics, type VictoriaMetrics } from "./support/victoria_metrics.ts";
import { waitFor } from "./support/wait_for.ts";

const OUTAGE_MS = 20_000;

interface Rig {
  readonly vm: VictoriaMetrics;
  readonly store: InfluxStore;
  readonly metrics: EngineMetrics;
  readonly deadLetters: DeadLetterRecord[];
  readonly logs: string[];
}

async function withRig(fn: (rig: Rig) => Promise<void>): Promise<void> {
  const vm = await startVictoriaMetrics();
  const dataDir = await Deno.makeTempDir({ prefix: "influx-victoria-test-" });
  const metrics = new EngineMetrics();
  const deadLetters: DeadLetterRecord[] = [];
  const logs: string[] = [];
  const store = await openInfluxStore({
    influx: { url: vm.url, token: "test-token", org: "acme", bucket: "telemetry" },
    dataDir,
    clock: systemClock,
    metrics,
    deadLetter: { append: (r) => deadLetters.push(r) },
    log: (m) => logs.push(m),
    writer: { backoff: { minBackoffMs: 100, maxBackoffMs: 2_000, jitter: 0.2 } },
    requestTimeoutMs: 10_000,
  });
  try {
    await fn({ vm, store, metrics, deadLetters, logs });
  } finally {
    await store.close();
    await vm.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** Samples per (series, timestamp) as VictoriaMetrics stored them. */
async function stored(vm: VictoriaMetrics, factory: string): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const series of await vm.exportSeries(`{__name__=~"telemetry_.+",factory="${factory}"}`)) {
    series.timestamps.forEach((ts, i) => {
      const key = `${series.metric.machine}/${series.metric.__name__}@${ts}=${series.values[i]}`;
      samples.set(key, (samples.get(key) ?? 0) + 1);
    });
  }
  return samples;
}

const key = (p: SeriesPoint) => `${p.machine}/telemetry_${p.metric}@${p.ts}=${p.value}`;

Deno.test({
  name: "InfluxStore delivers 50,000 points exactly once across a 20 s server outage",
  fn: async () => {
    await withRig(async ({ vm, store, metrics, deadLetters, logs }) => {
      // 10 machines × 5 metrics × 1,000 instants, a minute's worth ending an hour ago.
      const start = Date.now() - 3_600_000;
      const points: SeriesPoint[] = [];
      for (let i = 0; i < 1_000; i++) {
        for (let m = 0; m < 10; m++) {
          for (const metric of ["temp", "rpm", "load", "vib", "amps"]) {
            points.push({
              factory: "it",
              machine: `m${m}`,
              metric,
              ts: start + i * 60,
              value: Math.round(Math.sin(i + m) * 1e6) / 1e3,
            });
          }
        }
      }
      const half = points.length / 2;
      for (let at = 0; at < half; at += 1_000) await store.write(points.slice(at, at + 1_000));

      // The outage begins while the writer is still sending the first half.
      const stoppedAt = performance.now();
      await vm.stop();
      for (let at = half; at < points.length; at += 1_000) {
        await store.write(points.slice(at, at + 1_000));
      }
      const spooled = store.spool.unreadPoints;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, OUTAGE_MS - (performance.now() - stoppedAt)))
      );
      assert.ok(
        (await metrics.value(metrics.influxWriteRetries, { reason: "network" })) > 0,
        "the writer met the outage",
      );
      await vm.restart();
      const restartedAt = performance.now();
      await waitFor(
        async () =>
          (await metrics.value(metrics.influxPointsWritten)) === points.length &&
          store.spool.oldestAppendedAt === undefined,
        { timeoutMs: 30_000, what: "the spool to drain into the server" },
      );
      const drainMs = performance.now() - restartedAt;

      let samples = new Map<string, number>();
      await waitFor(async () => {
        samples = await stored(vm, "it");
        return samples.size >= points.length;
      }, { timeoutMs: 20_000, what: "every point to be visible in the export" });
      const missing = points.filter((p) => !samples.has(key(p)));
      const twice = [...samples].filter(([, n]) => n > 1);
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} points missing`);
      assert.deepEqual(twice.slice(0, 5), [], `${twice.length} samples stored more than once`);
      assert.equal(samples.size, points.length);
      assert.deepEqual(deadLetters, []);
      assert.ok(logs.some((l) => l.includes("cannot write to InfluxDB")), logs.join("\n"));
      console.log(
        `influx/victoria: ${spooled} points spooled during the outage; ` +
          `drained ${points.length - half} + in-flight points ${
            (drainMs / 1000).toFixed(2)
          } s after restart`,
      );
    });
  },
});

Deno.test({
  name: "InfluxStore dead-letters the one line the server refuses and stores the rest",
  fn: async () => {
    await withRig(async ({ vm, store, metrics, deadLetters }) => {
      const start = Date.now() - 600_000;
      const good = (from: number, n: number): SeriesPoint[] =>
        Array.from({ length: n }, (_, i) => ({
          factory: "bad",
          machine: "press",
          metric: "temp",
          ts: start + (from + i) * 1_000,
          value: from + i,
        }));
      // One point of 100,000 metrics: a line of ~1.1 MB, well past VictoriaMetrics'
      // line limit (-influx.maxLineSize, 256 KiB), which it answers with 400 "too long line".
      const wide: SeriesPoint[] = Array.from({ length: 100_000 }, (_, i) => ({
        factory: "bad",
        machine: "wide",
        metric: `m${String(i).padStart(5, "0")}`,
        ts: start,
        value: 1.5,
      }));
      const before = good(0, 200);
      const after = good(200, 10);
      await store.write([...before, ...wide, ...after]);

      await waitFor(
        async () =>
          (await metrics.value(metrics.influxDeadLetteredLines)) === 1 &&
          store.spool.oldestAppendedAt === undefined,
        { timeoutMs: 20_000, what: "the batch to be resolved" },
      );
      assert.equal(deadLetters.length, 1);
      assert.equal(deadLetters[0].machine, "wide");
      assert.equal(deadLetters[0].source, "influx");
      assert.match(deadLetters[0].message, /HTTP 400\): .*too long line/);
      assert.ok(deadLetters[0].raw?.startsWith("telemetry,factory=bad,machine=wide m00000=1.5,"));

      let samples = new Map<string, number>();
      await waitFor(async () => {
        samples = await stored(vm, "bad");
        return samples.size >= before.length + after.length;
      }, { timeoutMs: 20_000, what: "the good lines to be visible in the export" });
      // VictoriaMetrics keeps the lines it read before refusing a request, and the
      // split resends them: stored at least once (InfluxDB, which refuses a 400
      // request whole and overwrites by series and time, keeps them once).
      assert.deepEqual(
        [...samples.keys()].sort(),
        [...before, ...after].map(key).sort(),
      );
      assert.equal(await metrics.value(metrics.influxPointsWritten), 210);
    });
  },
});

Deno.test("the engine configured with INFLUX_* keeps telemetry in the InfluxDB store", async () => {
  const vm = await startVictoriaMetrics();
  const dataDir = await Deno.makeTempDir({ prefix: "influx-engine-test-" });
  let mw: TestEngine | undefined;
  try {
    mw = await startTestEngine(dataDir, {
      INFLUX_URL: vm.url,
      INFLUX_TOKEN: "test-token",
      INFLUX_ORG: "acme",
      INFLUX_BUCKET: "telemetry",
    });
    const ts = Date.now() - 1_000;
    await addFactory(mw, "engine");
    const response = await mw.api(
      "/api/v1/ingest?factory=engine&machine=press-07",
      json("POST", { ts, metrics: { oil_temp: 48.25, running: true } }),
    );
    assert.equal(response.status, 200, await response.text());
    let samples = new Map<string, number>();
    await waitFor(async () => {
      samples = await stored(vm, "engine");
      return samples.size >= 2;
    }, { timeoutMs: 20_000, what: "the point in the server" });
    assert.deepEqual([...samples.keys()].sort(), [
      `press-07/telemetry_oil_temp@${ts}=48.25`,
      `press-07/telemetry_running@${ts}=1`,
    ]);
    assert.match(
      await (await fetch(`${mw.url}/api/v1/metrics`)).text(),
      /millwright_influx_points_written_total 2/,
    );
    assert.equal((await Deno.stat(`${dataDir}/influx-spool`)).isDirectory, true);
    await assert.rejects(Deno.stat(`${dataDir}/timeseries.db`), Deno.errors.NotFound);
  } finally {
    await mw?.stop();
    await vm.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
