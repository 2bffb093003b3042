/**
 * A machine's rolling windows outlive its actor: after an engine restart,
 * before the machine's next value, `GET …/machines/{m}` answers the windows
 * of the snapshot the engine saved when it stopped, and the machine page
 * shows them.
 */
import assert from "node:assert/strict";
import { startTestEngine, type TestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const MACHINE_PATH = "/api/v1/factories/plant1/machines/press-09";

async function windowOf(mw: TestEngine) {
  const response = await mw.api(MACHINE_PATH);
  assert.equal(response.status, 200);
  return (await response.json()).window;
}

Deno.test("a machine's windows are read from its snapshot until its actor is back", async () => {
  const dataDir = await Deno.makeTempDir();
  const ts = Date.now() - 10_000;
  const temps = [20, 24, 22];
  try {
    let mw = await startTestEngine(dataDir);
    try {
      const response = await mw.api("/api/v1/ingest", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          factory: "plant1",
          machine: "press-09",
          points: temps.map((temp, i) => ({ ts: ts + i * 1_000, metrics: { temp } })),
        }),
      });
      assert.equal(response.status, 200, await response.text());
      await waitFor(async () => (await windowOf(mw))?.temp?.count === 3, {
        what: "three values in the live actor's window",
      });
    } finally {
      await mw.stop(); // drains: every actor saves its snapshot
    }

    mw = await startTestEngine(dataDir);
    try {
      // No value since the restart: no actor in memory, its snapshot answers.
      assert.deepEqual(await windowOf(mw), {
        temp: { count: 3, mean: 22, stddev: 2, min: 20, max: 24, from: ts, to: ts + 2_000 },
      });
      const page = await (await mw.api("/factories/plant1/machines/press-09")).text();
      const table = page.slice(page.indexOf("window-table"));
      const row = /<tr data-metric="temp"[^>]*>(.*?)<\/tr>/.exec(table)?.[1] ?? "";
      assert.deepEqual([...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]), [
        "3",
        "22",
        "2",
        "20",
        "24",
      ]);
    } finally {
      await mw.stop();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
