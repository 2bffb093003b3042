/**
 * Alerts in a real browser against the real engine: an alert a machine's
 * rule raises (published on the engine's bus, as the machine actor does)
 * appears live on the alerts page and on the machine page; an operator
 * acknowledges it on one page and the other follows; the detail page shows
 * the audit trail and a chart of the rule's metric.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { AlertEvent } from "../engine/events.ts";
import { withChromium } from "./support/chromium.ts";
import { signedInContext } from "./support/browser_session.ts";
import { addFactory, addUser, json, startTestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const WAIT = { timeout: 15_000 };
const SHOTS = "/tmp/millwright-alerts";

function raised(machine: string, ts: number, ruleName: string): AlertEvent {
  return {
    type: "alert",
    factory: "bakery",
    machine,
    ts,
    action: "raised",
    alertId: `oven-hot:${machine}:${ts}`,
    ruleId: "oven-hot",
    ruleName,
    ruleVersion: 1,
    severity: "critical",
    explanation: "temp 231 > 220 for 1 min",
    values: { temp: 231 },
  };
}

const row = (id: string) => `.alert-row[data-alert-id="${id}"]`;
const card = (id: string) => `.alert-card[data-alert-id="${id}"]`;

async function live(page: Page): Promise<void> {
  await page.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
}

Deno.test("an alert appears live on the alerts and machine pages and is acknowledged in the UI", async () => {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(SHOTS, { recursive: true });
  const mw = await startTestEngine(dataDir);
  try {
    await addFactory(mw, "bakery");
    // Ana, an operator of the bakery, acts in the browser: actions are recorded under her name.
    const ana = await addUser(mw, "bakery", "operator", "ana@bakery.test", "ana");
    // The machine reports, so its pages exist and its history has values to chart.
    const start = Date.now();
    for (let i = 0; i < 30; i++) {
      const response = await mw.api(
        "/api/v1/ingest?factory=bakery&machine=oven-3",
        json("POST", { ts: start - (30 - i) * 10_000, metrics: { temp: 200 + i } }),
      );
      assert.equal(response.status, 200, await response.text());
    }
    await waitFor(async () => {
      const response = await mw.api("/api/v1/factories/bakery/machines/oven-3");
      await response.body?.cancel();
      return response.ok;
    }, { what: "oven-3 to be known" });

    await withChromium(async (browser) => {
      const { context } = await signedInContext(browser, mw.url, ana, {
        viewport: { width: 1400, height: 900 },
      });
      const alertsPage = await context.newPage();
      const machinePage = await context.newPage();
      const errors: string[] = [];
      for (const page of [alertsPage, machinePage]) {
        page.on("pageerror", (error) => errors.push(error.message));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      }
      assert.equal((await alertsPage.goto(`${mw.url}/factories/bakery/alerts`))?.status(), 200);
      await machinePage.goto(`${mw.url}/factories/bakery/machines/oven-3`);
      await live(alertsPage);
      await live(machinePage);
      await alertsPage.getByText("No alerts match these filters").waitFor(WAIT);
      await machinePage.locator(".alerts-panel").getByText("No open alerts").waitFor(WAIT);

      const first = raised("oven-3", Date.now(), "Oven too hot");
      mw.bus.publish(first);
      await alertsPage.locator(`${row(first.alertId!)}[data-state="active"]`).waitFor(WAIT);
      await machinePage.locator(`${card(first.alertId!)}[data-state="active"]`).waitFor(WAIT);
      const text = await alertsPage.locator(row(first.alertId!)).textContent();
      assert.match(text!, /Critical/);
      assert.match(text!, /temp 231 > 220 for 1 min/);
      await machinePage.screenshot({ path: `${SHOTS}/machine-raised.png`, fullPage: true });

      // Acknowledge on the alerts page, with a note; the signed-in operator is who acts.
      await alertsPage.locator(`${row(first.alertId!)} button[data-verb="acknowledge"]`).click();
      const form = alertsPage.locator(`${row(first.alertId!)} form.alert-action-form`);
      await form.locator('input[name="note"]').fill("checking the burner");
      await alertsPage.screenshot({ path: `${SHOTS}/alerts-ack-form.png`, fullPage: true });
      await form.locator('button[type="submit"]').click();
      await alertsPage.locator(`${row(first.alertId!)}[data-state="acknowledged"]`).waitFor(WAIT);
      assert.match(
        (await alertsPage.locator(row(first.alertId!)).textContent())!,
        /Acknowledged.*by ana/,
      );
      // The machine page follows the acknowledgement live.
      await machinePage.locator(`${card(first.alertId!)}[data-state="acknowledged"]`).waitFor(
        WAIT,
      );
      assert.match(
        (await machinePage.locator(card(first.alertId!)).textContent())!,
        /Acknowledged by ana/,
      );

      // Acknowledge on the machine page with its button; the alerts page follows.
      const second = raised("oven-3", Date.now() + 1, "Door open while baking");
      mw.bus.publish({ ...second, severity: "medium", explanation: "door = 1 for 30 s" });
      const button = machinePage.locator(`${card(second.alertId!)} button`);
      await button.waitFor(WAIT);
      await alertsPage.locator(row(second.alertId!)).waitFor(WAIT);
      await alertsPage.screenshot({ path: `${SHOTS}/alerts-two.png`, fullPage: true });
      await button.click();
      await machinePage.locator(`${card(second.alertId!)}[data-state="acknowledged"]`).waitFor(
        WAIT,
      );
      await alertsPage.locator(`${row(second.alertId!)}[data-state="acknowledged"]`).waitFor(
        WAIT,
      );
      await machinePage.screenshot({ path: `${SHOTS}/machine-acked.png`, fullPage: true });

      // The rule clears the first alert: it leaves the open lists live.
      mw.bus.publish({
        ...first,
        action: "cleared",
        ts: Date.now(),
        reason: "condition",
        explanation: "temp 205 ≤ 210",
        values: { temp: 205 },
      });
      await machinePage.locator(card(first.alertId!)).waitFor({ ...WAIT, state: "detached" });
      await alertsPage.locator(row(first.alertId!)).waitFor({ ...WAIT, state: "detached" });

      // The detail page: audit trail, and a chart of the rule's metric around the alert.
      await alertsPage.selectOption('select[name="state"]', "all");
      await alertsPage.waitForURL(/state=all/, WAIT);
      await alertsPage.locator(`${row(first.alertId!)}[data-state="cleared"]`).waitFor(WAIT);
      await alertsPage.locator(`${row(first.alertId!)} a.alert-rule`).click();
      await alertsPage.waitForURL(/\/factories\/bakery\/alerts\/oven-hot/, WAIT);
      await live(alertsPage);
      const timeline = alertsPage.locator(".alert-timeline .timeline-entry");
      await waitFor(async () => (await timeline.count()) === 3, { what: "three audit entries" });
      assert.deepEqual(
        await timeline.evaluateAll((items) => items.map((i) => i.getAttribute("data-action"))),
        ["raised", "acknowledged", "cleared"],
      );
      assert.match(
        (await timeline.nth(1).textContent())!,
        /Acknowledged by ana.*checking the burner/,
      );
      await alertsPage.locator('.alert-chart[data-metric="temp"] canvas').waitFor(WAIT);
      await alertsPage.screenshot({ path: `${SHOTS}/detail.png`, fullPage: true });

      // Shelve the second alert from its detail page, with a note.
      await alertsPage.goto(
        `${mw.url}/factories/bakery/alerts/${encodeURIComponent(second.alertId!)}`,
      );
      await live(alertsPage);
      await alertsPage.locator('.alert-actions button[data-verb="shelve"]').click();
      const shelve = alertsPage.locator('form.alert-action-form[data-verb="shelve"]');
      await shelve.locator('select[name="duration"]').selectOption({ label: "4 hours" });
      await shelve.locator('input[name="note"]').fill("door sensor being replaced");
      await alertsPage.screenshot({ path: `${SHOTS}/detail-shelve.png`, fullPage: true });
      await shelve.locator('button[type="submit"]').click();
      await alertsPage.locator('.timeline-entry[data-action="shelved"]').waitFor(WAIT);
      assert.match(
        (await alertsPage.locator('.timeline-entry[data-action="shelved"]').textContent())!,
        /Shelved by ana.*door sensor being replaced.*until/,
      );
      await alertsPage.locator(".alert-detail-head .alert-shelved").waitFor(WAIT);
      await alertsPage.locator('.alert-actions button[data-verb="unshelve"]').waitFor(WAIT);

      const overview = await context.newPage();
      await overview.goto(`${mw.url}/factories/bakery`);
      await overview.locator(`${card(second.alertId!)}[data-state="acknowledged"]`).waitFor(WAIT);
      await overview.locator(`${card(second.alertId!)}.is-shelved`).waitFor(WAIT);
      await overview.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });
      assert.deepEqual(errors, []);
    });
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
