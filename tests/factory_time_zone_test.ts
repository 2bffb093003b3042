/**
 * A factory's time zone, changed by an admin, reaches its running machines at
 * once: a rule scheduled for working hours in the factory's zone raises as
 * soon as the new zone puts "now" inside them, without an engine restart.
 */
import assert from "node:assert/strict";
import type { AlertEvent } from "../engine/events.ts";
import { freePort } from "./support/free_port.ts";
import { addFactory, json, startTestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const FACTORY = "plant-tz";
const MACHINE = "oven-01";
/** UTC+9 all year (no daylight saving), so its hours never match UTC's. */
const ZONE = "Asia/Tokyo";

/** "HH:00" of `ts` in `timeZone`, `plus` hours later. */
function hourIn(ts: number, timeZone: string, plus = 0): string {
  const hour = Number(
    new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone }).format(ts),
  );
  return `${String((hour + plus) % 24).padStart(2, "0")}:00`;
}

Deno.test("a factory's new time zone moves its running machines' rule schedules at once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "millwright-tz-" });
  const mw = await startTestEngine(dataDir, { MQTT_PORT: String(await freePort()) });
  try {
    await addFactory(mw, FACTORY); // in UTC
    const raised: AlertEvent[] = [];
    let judged = 0;
    mw.bus.subscribe((event) => {
      if (event.type === "alert" && event.action === "raised") raised.push(event);
      if (event.type === "telemetry" && event.machine === MACHINE) judged++;
    });
    // Working hours: from this hour in Tokyo for two hours (in UTC that is 9 hours away).
    const now = Date.now();
    const rule = await mw.api(
      `/api/v1/factories/${FACTORY}/rules`,
      json("POST", {
        id: "oven-hot-shift",
        name: "Oven too hot during the shift",
        enabled: true,
        scope: { factory: FACTORY },
        condition: { kind: "metric", metric: "temp", op: ">", value: 250 },
        forMs: 0,
        severity: "high",
        cooldownMs: 0,
        schedule: { hours: [{ from: hourIn(now, ZONE), to: hourIn(now, ZONE, 2) }] },
      }),
    );
    assert.equal(rule.status, 201, await rule.text());

    const ingest = await mw.api(
      "/api/v1/ingest",
      json("POST", { factory: FACTORY, machine: MACHINE, ts: now, metrics: { temp: 300 } }),
    );
    assert.equal(ingest.status, 200, await ingest.text());
    // The actor judged the hot point (rules run in the same step): outside the schedule in UTC.
    await waitFor(() => judged === 1, { what: "the point to be judged" });
    assert.equal(raised.length, 0, "no alert outside the schedule");

    const moved = await mw.api(`/api/v1/factories/${FACTORY}`, json("PATCH", { timeZone: ZONE }));
    assert.equal(moved.status, 200, await moved.text());
    await waitFor(() => raised.length === 1, { what: "the alert in the new zone's hours" });
    assert.equal(raised[0].ruleId, "oven-hot-shift");
    assert.equal(raised[0].machine, MACHINE);
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
