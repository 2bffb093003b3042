/**
 * The rule builder in a real browser against the real engine: an engineer
 * types a rule, sees a bad value marked next to its field, fixes it, sees
 * how often the rule would have fired over the stored history, creates it
 * (version 1 in the API), and a point the machine then reports trips it in
 * the running machine actor: an operator watching the alerts page sees the
 * alert appear live and acknowledges it. Editing the rule makes version 2,
 * listed in the version history.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { AlertEvent } from "../engine/events.ts";
import { withChromium } from "./support/chromium.ts";
import { signedInContext } from "./support/browser_session.ts";
import {
  addFactory,
  addUser,
  json,
  startTestEngine,
  type TestEngine,
} from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const WAIT = { timeout: 15_000 };
const SHOTS = "/tmp/millwright-rules";

async function ingest(mw: TestEngine, machine: string, ts: number, temp: number): Promise<void> {
  const response = await mw.api(
    `/api/v1/ingest?factory=bakery&machine=${machine}`,
    json("POST", { ts, metrics: { temp } }),
  );
  assert.equal(response.status, 200, await response.text());
}

/** Records the script errors of `page` into `errors`, returned. */
function watchErrors(page: Page, errors: string[] = []): string[] {
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (m) => {
    // A 400 from the live validation is expected while a value is wrong.
    if (m.type() === "error" && !/status of 400/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

Deno.test("an engineer builds a rule in the browser: validation, preview, create, edit", async () => {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(SHOTS, { recursive: true });
  const mw = await startTestEngine(dataDir);
  const alerts: AlertEvent[] = [];
  const stopWatching = mw.bus.subscribe((event) => {
    if (event.type === "alert") alerts.push(event);
  });
  try {
    await addFactory(mw, "bakery");
    // Three people of the bakery, each signed in in their own browser: who acts is who is
    // signed in.
    const engineer = await addUser(mw, "bakery", "admin", "engineer@bakery.test", "engineer");
    const omar = await addUser(mw, "bakery", "operator", "omar@bakery.test", "omar");
    const ana = await addUser(mw, "bakery", "admin", "ana@bakery.test", "ana");
    // Ten minutes of history: oven-1 above 80 once, for a minute; oven-2 never.
    const start = Date.now() - 10 * 60_000;
    for (let i = 0; i < 20; i++) {
      const ts = start + i * 30_000;
      await ingest(mw, "oven-1", ts, i >= 8 && i < 10 ? 85 : 70);
      await ingest(mw, "oven-2", ts, 65);
    }
    await waitFor(async () => {
      const response = await mw.api(
        `/api/v1/factories/bakery/machines/oven-1/history?metric=temp&from=${start}`,
      );
      const body = await response.json();
      return response.ok && body.series[0]?.points.length === 20;
    }, { what: "oven-1's history to be stored" });

    await withChromium(async (browser) => {
      const viewport = { viewport: { width: 1400, height: 1000 } };
      const page = await (await signedInContext(browser, mw.url, engineer, viewport)).context
        .newPage();
      const errors = watchErrors(page);
      assert.equal((await page.goto(`${mw.url}/factories/bakery/rules`))?.status(), 200);
      await page.getByText("No alert rules in bakery yet.").waitFor(WAIT);
      await page.getByRole("link", { name: "New rule" }).click();
      await page.waitForURL(/\/factories\/bakery\/rules\/new$/, WAIT);

      await page.locator('input[data-path="/name"]').fill("Oven too hot");
      await page.locator('input[data-path="/condition/metric"]').fill("temp");
      await page.locator('select[data-path="/condition/op"]').selectOption(">");
      await page.locator('input[data-path="/condition/value"]').fill("8o");
      const problem = page.locator('.field-error[data-path="/condition/value"]');
      // Earlier answers (before the value was typed) may say it is missing: wait for this one.
      await problem.filter({ hasText: 'must be a finite number: got "8o"' }).waitFor(WAIT);
      assert.equal(
        await page.locator('input[data-path="/condition/value"]').getAttribute("aria-invalid"),
        "true",
      );
      await page.locator('.rule-preview[data-state="invalid"]').waitFor(WAIT);
      await page.screenshot({ path: `${SHOTS}/new-invalid.png`, fullPage: true });

      await page.locator('input[data-path="/condition/value"]').fill("80");
      await page.locator('label.rule-segment:has(input[value="high"])').click();
      assert.ok(await page.locator('input[name="severity"][value="high"]').isChecked());
      assert.equal(await page.locator('input[data-path="/forMs"]').inputValue(), "0");
      await problem.waitFor({ state: "detached", ...WAIT });
      const preview = page.locator('.rule-preview[data-state="ready"]');
      await preview.waitFor(WAIT);
      assert.equal(await preview.getAttribute("data-raises"), "1");
      assert.match((await preview.textContent())!, /Would have fired 1 time in the last 24 h/);
      assert.match(
        (await preview.locator('[data-machine="oven-1"]').textContent())!,
        /raised.*temp 85 > 80.*cleared/i,
      );
      await page.screenshot({ path: `${SHOTS}/new-preview.png`, fullPage: true });

      await page.getByRole("button", { name: "Create rule" }).click();
      await page.waitForURL(/\/factories\/bakery\/rules\/oven-too-hot\?created=1$/, WAIT);
      await page.getByText("Created as version 1.").waitFor(WAIT);

      const saved = await (await mw.api("/api/v1/factories/bakery/rules/oven-too-hot"))
        .json();
      assert.equal(saved.rule.version, 1);
      assert.equal(saved.rule.enabled, true);
      assert.equal(saved.rule.severity, "high");
      assert.equal(saved.rule.forMs, 0);
      assert.deepEqual(saved.rule.scope, { factory: "bakery" });
      assert.deepEqual(saved.rule.condition, {
        kind: "metric",
        metric: "temp",
        op: ">",
        value: 80,
      });
      assert.equal(saved.changedBy, "engineer");

      // The running actor has the rule at once: a hot point raises an alert, which an
      // operator watching the alerts page sees appear live and acknowledges there.
      const operator = await (await signedInContext(browser, mw.url, omar, viewport)).context
        .newPage();
      await operator.goto(`${mw.url}/factories/bakery/alerts`);
      await operator.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
      await ingest(mw, "oven-1", Date.now(), 92);
      await waitFor(
        () => alerts.some((a) => a.action === "raised" && a.ruleId === "oven-too-hot"),
        { what: "the new rule to raise an alert on oven-1" },
      );
      const raised = alerts.find((a) => a.action === "raised" && a.ruleId === "oven-too-hot")!;
      const alertRow = `.alert-row[data-alert-id="${raised.alertId}"]`;
      await operator.locator(`${alertRow}[data-state="active"]`).waitFor(WAIT);
      await operator.locator(`${alertRow} button[data-verb="acknowledge"]`).click();
      const ackForm = operator.locator(`${alertRow} form.alert-action-form`);
      await ackForm.locator('input[name="note"]').fill("door seal checked");
      await ackForm.locator('button[type="submit"]').click();
      await operator.locator(`${alertRow}[data-state="acknowledged"]`).waitFor(WAIT);
      assert.ok(
        alerts.some((a) =>
          a.action === "acknowledged" && a.alertId === raised.alertId && a.by === "omar"
        ),
        "the acknowledgement went over the bus with who did it",
      );
      await operator.close();

      // Edit: ana raises the threshold in her browser, saved as version 2 under her name.
      const editor = await (await signedInContext(browser, mw.url, ana, viewport)).context
        .newPage();
      watchErrors(editor, errors);
      assert.equal(
        (await editor.goto(`${mw.url}/factories/bakery/rules/oven-too-hot`))?.status(),
        200,
      );
      await editor.locator('.rule-preview[data-state="ready"]').waitFor(WAIT);
      await editor.locator('input[data-path="/condition/value"]').fill("90");
      await editor.getByRole("button", { name: "Save as version 2" }).click();
      await editor.getByText("Saved as version 2.").waitFor(WAIT);
      await editor.locator('.rule-version[data-version="2"]').waitFor(WAIT);
      const versions = await editor.locator(".rule-version").evaluateAll((items) =>
        items.map((item) => item.getAttribute("data-version"))
      );
      assert.deepEqual(versions, ["2", "1"]);
      await editor.locator('.rule-version[data-version="1"] .rule-version-head').click();
      await editor.locator(".rule-version-body pre").getByText('"value": 80').waitFor(WAIT);
      await editor.screenshot({ path: `${SHOTS}/edit-versions.png`, fullPage: true });
      const edited = await (await mw.api("/api/v1/factories/bakery/rules/oven-too-hot"))
        .json();
      assert.equal(edited.rule.version, 2);
      assert.equal(edited.rule.condition.value, 90);
      assert.equal(edited.changedBy, "ana");

      await page.goto(`${mw.url}/factories/bakery/rules`);
      const row = page.locator('.rules-table tr[data-rule="oven-too-hot"]');
      assert.match(
        (await row.textContent())!,
        /Oven too hot.*enabled.*high.*temp > 90.*v2.*by ana/,
      );
      await page.screenshot({ path: `${SHOTS}/list.png`, fullPage: true });
      assert.deepEqual(errors, []);
    });
  } finally {
    stopWatching();
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
