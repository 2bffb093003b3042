/**
 * The real engine in a real browser: the overview lists the simulator's
 * machines live, and a value a device publishes appears on the machine page.
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { withChromium } from "./support/chromium.ts";
import { signedInPage } from "./support/browser_session.ts";
import { provisionDevice } from "./support/device.ts";
import { addFactory, startTestEngine } from "./support/test_engine.ts";

const WAIT = { timeout: 15_000 };

Deno.test("the overview lists every simulated machine and keeps them live", async () => {
  const dataDir = await Deno.makeTempDir();
  const mw = await startTestEngine(dataDir, { SIMULATOR: "on" });
  try {
    await withChromium(async (browser) => {
      const page = await signedInPage(browser, mw.url);
      // Before the simulator's first round the start page waits and reloads itself.
      await page.goto(`${mw.url}/`);
      await page.waitForURL(/\/factories\/demo$/, WAIT);
      await page.waitForFunction(() => document.querySelectorAll(".tile").length >= 12, null, WAIT);
      await page.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
      const machines = await page.locator(".tile").evaluateAll((tiles) =>
        tiles.map((t) => t.getAttribute("data-machine"))
      );
      for (const type of ["press", "cnc", "fermenter"]) {
        assert.ok(machines.some((m) => m?.startsWith(type)), `a ${type} tile among ${machines}`);
      }
      // Live: a tile's value text changes without a reload.
      const first = page.locator(".tile .tile-value").first();
      const before = await first.textContent();
      await page.waitForFunction(
        ([text]) => document.querySelector(".tile .tile-value")?.textContent !== text,
        [before],
        WAIT,
      );
      await page.locator(".tile a, a.tile").first().click();
      await page.waitForURL(/\/factories\/demo\/machines\//, WAIT);
      await page.locator(".chart-panel canvas").first().waitFor(WAIT);
    });
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a value published by a device appears on its live machine page", async () => {
  const dataDir = await Deno.makeTempDir();
  const mw = await startTestEngine(dataDir);
  let device: mqtt.MqttClient | undefined;
  const topic = "factories/bakery/machines/oven-3/telemetry";
  try {
    await addFactory(mw, "bakery", { autoRegister: false });
    const client = device = await mqtt.connectAsync(mw.mqttUrl, {
      clientId: "oven-3-device",
      ...await provisionDevice(mw, "bakery", "oven-3"),
    });
    await client.publishAsync(topic, JSON.stringify({ metrics: { temp: 180.25 } }), { qos: 1 });
    await withChromium(async (browser) => {
      const page = await signedInPage(browser, mw.url);
      const response = await page.goto(`${mw.url}/factories/bakery/machines/oven-3`);
      assert.equal(response?.status(), 200);
      await page.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
      await client.publishAsync(topic, JSON.stringify({ metrics: { temp: 203.5, door: 1 } }), {
        qos: 1,
      });
      await page.waitForFunction(
        () =>
          document.querySelector('.latest-table tr[data-metric="temp"] .latest-value')?.textContent
            ?.includes("203.5") === true,
        null,
        WAIT,
      );
      // A metric first seen after the page opened gets its own row and chart.
      await page.locator('.latest-table tr[data-metric="door"]').waitFor(WAIT);
      await page.locator('.chart-panel[data-metric="door"] canvas').waitFor(WAIT);
      // The rolling windows' panel follows the actor: both temperatures, their mean.
      await page.waitForFunction(
        () => {
          const row = document.querySelector('.window-table tr[data-metric="temp"]');
          const cells = [...(row?.querySelectorAll("td") ?? [])].map((td) => td.textContent);
          return cells[0] === "2" && cells[1] === "191.9";
        },
        null,
        WAIT,
      );
    });
  } finally {
    await device?.endAsync();
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
