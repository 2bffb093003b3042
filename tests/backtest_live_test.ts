/**
 * "Backtest equals live": the same data fed to the running engine and then
 * replayed from stored history by `POST /api/v1/rules/backtest` gives the
 * same raises and clears at the same times.
 */
import assert from "node:assert/strict";
import { addFactory, startTestEngine, type TestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const rule = {
  id: "spindle-hot",
  name: "Spindle too hot",
  enabled: true,
  scope: { factory: "plant-1" },
  condition: { kind: "metric", metric: "temp", op: ">", value: 80, clearValue: 75 },
  forMs: 3_000,
  severity: "medium",
  cooldownMs: 0,
};

/** 3 minutes at 1 Hz: a few excursions, one too short to raise, one hovering in the band. */
function temperature(second: number): number {
  if (second >= 20 && second < 40) return 90; // raises after 3 s, clears below 75
  if (second >= 60 && second < 62) return 95; // too short for the `for`
  if (second >= 90 && second < 130) return second < 110 ? 85 : 78; // raise, then holds in the band
  return 60 + (second % 7);
}

/** Posts `body` to `path` as the super admin. */
async function post(mw: TestEngine, path: string, body: unknown) {
  const response = await mw.api(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

Deno.test("a backtest over stored history raises and clears exactly where live evaluation did", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "millwright-backtest-" });
  const mw = await startTestEngine(dataDir);
  try {
    await addFactory(mw, "plant-1");
    const saved = await post(mw, "/api/v1/factories/plant-1/rules", rule);
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const live: Array<[string, number]> = [];
    mw.bus.subscribe((e) => {
      if (e.type === "alert" && (e.action === "raised" || e.action === "cleared")) {
        live.push([e.action, e.ts]);
      }
    });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const points = Array.from(
      { length: 180 },
      (_, s) => ({ ts: t0 + s * 1000, metrics: { temp: temperature(s) } }),
    );
    const ingested = await post(mw, "/api/v1/ingest", {
      factory: "plant-1",
      machine: "cnc-04",
      points,
    });
    assert.equal(ingested.body.accepted, 180);
    await waitFor(() => live.length >= 4, { what: "live raises and clears" });
    assert.deepEqual(live, [
      ["raised", t0 + 23_000],
      ["cleared", t0 + 40_000],
      ["raised", t0 + 93_000],
      ["cleared", t0 + 130_000],
    ]);
    await waitFor(async () => {
      const r = await mw.api(
        `/api/v1/factories/plant-1/machines/cnc-04/history?metric=temp&from=${t0}&to=${
          t0 + 179_000
        }&maxPoints=1000`,
      );
      return (await r.json()).series[0].points.length === 180;
    }, { what: "all points stored" });

    const replay = await post(mw, "/api/v1/rules/backtest", {
      rule,
      from: t0,
      to: t0 + 179_000,
    });
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    const [machine] = replay.body.machines;
    assert.equal(machine.machine, "cnc-04");
    const replayed = machine.transitions
      .filter((t: { type: string }) => t.type === "raised" || t.type === "cleared")
      .map((t: { type: string; at: number }) => [t.type, t.at]);
    assert.deepEqual(replayed, live);
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
