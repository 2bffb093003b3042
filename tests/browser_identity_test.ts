/**
 * The identity pages in a real browser against the real engine: the first
 * super admin signs in (a wrong password first, told so plainly), lands back
 * on the page they asked for, invites an operator (no SMTP: the link is shown
 * with a copy button); the invitee opens the link in a fresh browser
 * context, sets name and password and lands signed in on the factory page.
 * The admin then provisions a device credential and sees its password once.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { withChromium } from "./support/chromium.ts";
import { addFactory, json, startTestEngine, TEST_ADMIN } from "./support/test_engine.ts";

const WAIT = { timeout: 15_000 };
const SHOTS = "/tmp/millwright-identity";
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (m) => {
    // The wrong password's 401 is expected.
    if (m.type() === "error" && !/status of 401/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

Deno.test("sign in, invite an operator who joins by the link, provision a device credential", async () => {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(SHOTS, { recursive: true });
  const mw = await startTestEngine(dataDir);
  try {
    // The factory and one machine in it, through the API as the super admin.
    await addFactory(mw, "bakery", { autoRegister: false });
    const ingest = await mw.api(
      "/api/v1/ingest?factory=bakery&machine=oven-1",
      json("POST", { metrics: { temp: 180 } }),
    );
    assert.equal(ingest.status, 200, await ingest.text());

    await withChromium(async (browser) => {
      const admin = await (await browser.newContext()).newPage();
      const adminErrors = watchErrors(admin);

      // Signed out, the users page sends to the login page, which comes back after.
      await admin.goto(`${mw.url}/factories/bakery/users`);
      await admin.waitForURL(/\/login\?next=%2Ffactories%2Fbakery%2Fusers$/, WAIT);
      await admin.locator('input[name="email"]').fill(TEST_ADMIN.email);
      await admin.locator('input[name="password"]').fill("not-the-password");
      await admin.getByRole("button", { name: "Sign in" }).click();
      const problem = admin.locator(".auth-problem");
      await problem.waitFor(WAIT);
      assert.match(await problem.innerText(), /wrong|invalid|incorrect/i);
      assert.match(admin.url(), /\/login\?next=/);
      assert.equal(await admin.locator('input[name="password"]').inputValue(), "");

      await admin.locator('input[name="password"]').fill(TEST_ADMIN.password);
      await admin.getByRole("button", { name: "Sign in" }).click();
      await admin.waitForURL(`${mw.url}/factories/bakery/users`, WAIT);
      await admin.locator('[data-table="users"]').waitFor(WAIT);

      // Invite an operator: without SMTP the link is shown to hand over.
      await admin.locator('input[name="invite-email"]').fill("olga@example.com");
      await admin.locator('select[name="invite-role"]').selectOption("operator");
      await admin.getByRole("button", { name: "Invite", exact: true }).click();
      const linkBox = admin.locator('[data-secret="Link"] .secret-text');
      await linkBox.waitFor(WAIT);
      const shown = (await linkBox.innerText()).trim();
      const link = shown.startsWith("/") ? `${mw.url}${shown}` : shown;
      assert.match(link, /\/invites\/[A-Za-z0-9_.~-]+$/);
      await admin.locator('tr[data-invite="olga@example.com"]').waitFor(WAIT);
      await admin.screenshot({ path: `${SHOTS}/invited.png`, fullPage: true });

      // The invitee, in a browser context of her own.
      const olga = await (await browser.newContext()).newPage();
      const olgaErrors = watchErrors(olga);
      await olga.goto(new URL(new URL(link).pathname, mw.url).href);
      const lead = olga.locator(".auth-lead");
      await lead.waitFor(WAIT);
      assert.match(await lead.innerText(), /olga@example\.com is invited to bakery as Operator/);
      await olga.locator('input[name="name"]').fill("Olga Operator");
      await olga.locator('input[name="password"]').fill("Proofing-Oven-2026!");
      await olga.locator('input[name="confirm"]').fill("Proofing-Oven-2026?");
      await olga.getByRole("button", { name: "Join and sign in" }).click();
      assert.match(
        await olga.locator(".auth-problem").innerText(),
        /The two passwords differ/,
      );
      await olga.locator('input[name="confirm"]').fill("Proofing-Oven-2026!");
      await olga.getByRole("button", { name: "Join and sign in" }).click();
      await olga.waitForURL(`${mw.url}/factories/bakery`, WAIT);
      await olga.locator(".user-menu-name", { hasText: "Olga Operator" }).waitFor(WAIT);
      await olga.screenshot({ path: `${SHOTS}/joined.png`, fullPage: true });
      // The link worked once.
      const again = await fetch(`${mw.url}/api/v1${new URL(link).pathname}`);
      assert.equal(again.status, 410);
      assert.deepEqual(olgaErrors, []);

      // A device credential for oven-1: the password is shown once.
      await admin.goto(`${mw.url}/factories/bakery/devices`);
      const oven = admin.locator('[data-machine="oven-1"]');
      await oven.waitFor(WAIT);
      await oven.getByRole("button", { name: "New credential" }).click();
      const panel = admin.locator('[data-panel="credential"]');
      await panel.waitFor(WAIT);
      const password = (await panel.locator('[data-secret="Password"] .secret-text').innerText())
        .trim();
      const username = (await panel.locator('[data-secret="Username"] .secret-text').innerText())
        .trim();
      assert.ok(password.length >= 16, `a long random password: got '${password}'`);
      const snippet = await panel.locator('[data-secret="mosquitto_pub"] .secret-text').innerText();
      assert.ok(snippet.includes(username), snippet);
      assert.ok(snippet.includes("factories/bakery/machines/oven-1"), snippet);
      await admin.screenshot({ path: `${SHOTS}/credential.png`, fullPage: true });
      await panel.getByRole("button", { name: "I have saved it" }).click();
      await panel.waitFor({ state: "detached", ...WAIT });
      await oven.locator("tr[data-credential]").first().waitFor(WAIT);
      await admin.reload();
      await admin.locator('[data-machine="oven-1"] tr[data-credential]').first().waitFor(WAIT);
      assert.equal((await admin.content()).includes(password), false, "shown only once");

      // Sign out from the user menu: back to the login page, the session gone.
      await admin.locator(".user-menu summary").click();
      await admin.getByRole("button", { name: "Sign out", exact: true }).click();
      await admin.waitForURL(/\/login$/, WAIT);
      await admin.goto(`${mw.url}/factories/bakery/devices`);
      await admin.waitForURL(/\/login\?next=/, WAIT);
      assert.deepEqual(adminErrors, []);
    });
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
