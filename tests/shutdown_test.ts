/**
 * Graceful shutdown of the real process: SIGTERM stops intake, drains the
 * actors, flushes the store and exits 0 within 10 s, and every point the
 * HTTP ingest accepted is in the store afterwards.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { freePort } from "./support/free_port.ts";
import { json, login, TEST_ADMIN, withBearer } from "./support/test_engine.ts";

async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`process ended before printing ${pattern}; it printed:\n${seen}`);
    seen += value;
    const match = pattern.exec(seen);
    if (match) return match;
  }
}

Deno.test("SIGTERM drains actors, flushes accepted points and exits 0", async () => {
  const dataDir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      PORT: "0",
      SIMULATOR: "off",
      DATA_DIR: dataDir,
      MQTT_PORT: String(await freePort()),
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const [, url] = await readUntil(reader, /Web app on (http:\/\/\S+)/);
    const { token } = await login(url, TEST_ADMIN.email, TEST_ADMIN.password);
    const factory = await fetch(
      `${url}/api/v1/factories`,
      withBearer(
        json("POST", { slug: "plant9", name: "Plant 9", timeZone: "UTC", autoRegister: true }),
        token,
      ),
    );
    assert.equal(factory.status, 201, await factory.text());
    const machines = 20;
    const perMachine = 50;
    let accepted = 0;
    const t0 = Date.now() - 60_000;
    await Promise.all(Array.from({ length: machines }, async (_, m) => {
      const points = Array.from(
        { length: perMachine },
        (_, i) => ({ ts: t0 + i * 100, metrics: { v: i } }),
      );
      const response = await fetch(
        `${url}/api/v1/ingest`,
        withBearer(json("POST", { factory: "plant9", machine: `m${m}`, points }), token),
      );
      assert.equal(response.status, 200);
      const report = await response.json();
      accepted += report.accepted;
    }));
    assert.equal(accepted, machines * perMachine);
    const started = Date.now();
    child.kill("SIGTERM");
    await readUntil(reader, /Stopped cleanly/);
    const status = await child.status;
    assert.equal(status.code, 0);
    assert.ok(Date.now() - started < 10_000, "stopped within 10 s");

    const store = new SqliteStore({ path: `${dataDir}/timeseries.db` });
    let stored = 0;
    for (let m = 0; m < machines; m++) {
      const [series] = await store.queryRange({
        factory: "plant9",
        machine: `m${m}`,
        metrics: ["v"],
        from: 0,
        to: Date.now(),
      });
      stored += series.points.length;
    }
    await store.close();
    assert.equal(stored, accepted);
  } finally {
    await reader.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited, as it should have
    }
    await child.status;
    await Deno.remove(dataDir, { recursive: true });
  }
});
