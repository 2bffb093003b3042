/**
 * The notification settings page in a real browser (Debian's chromium via
 * playwright-core) against the real engine: a channel's "Send test" shows
 * what came of it, and the routing matrix saves through the API.
 */
import assert from "node:assert/strict";
import { launchChromium } from "./support/chromium.ts";
import { signedInPage } from "./support/browser_session.ts";
import { addFactory, json, startTestEngine } from "./support/test_engine.ts";
import { startHttpReceiver, statusSequence } from "./support/http_receiver.ts";

const WAIT = { timeout: 15_000 };

Deno.test("notification settings page sends a test message and saves the routing", async () => {
  const receiver = startHttpReceiver(statusSequence(200, 500));
  const dataDir = await Deno.makeTempDir({ prefix: "millwright-notify-page-" });
  const mw = await startTestEngine(dataDir);
  const browser = await launchChromium();
  try {
    await addFactory(mw, "plant-1");
    const api = "/api/v1/factories/plant-1/notifications";
    const created = await mw.api(
      `${api}/channels`,
      json("POST", {
        id: "ops-hook",
        kind: "webhook",
        settings: { url: `${receiver.url}/hook`, secret: "whsec-page-0123456789" },
        quietHours: { start: "22:00", end: "06:00", timeZone: "Europe/Berlin" },
      }),
    );
    assert.equal(created.status, 201);
    await created.body?.cancel();

    const page = await signedInPage(browser, mw.url);
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${mw.url}/factories/plant-1/notifications`);
    const row = page.locator('tr[data-channel="ops-hook"]');
    await row.getByText("22:00–06:00 Europe/Berlin").waitFor(WAIT);

    await row.getByRole("button", { name: "Send test" }).click();
    await row.locator('[data-outcome="sent"]').getByText("Sent").waitFor(WAIT);
    await row.getByRole("button", { name: "Send test" }).click();
    await row.locator('[data-outcome="failed"]').getByText(/HTTP 500/).waitFor(WAIT);
    assert.equal(receiver.requests.length, 2);

    await page.getByLabel("Send critical alerts to ops-hook").check();
    await page.getByRole("button", { name: "Save routing" }).click();
    await page.getByText("Saved; it applies to the next alert.").waitFor(WAIT);
    const routing = await (await mw.api(`${api}/routing`)).json();
    assert.deepEqual(routing, { default: { critical: ["ops-hook"] } });
    assert.deepEqual(problems, [], "no script errors (CSP forbids inline scripts)");
  } finally {
    await browser.close();
    await mw.stop();
    await receiver.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
