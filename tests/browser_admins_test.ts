/**
 * Super admins on the factories administration page, in a real browser
 * against the real engine: a factory admin is promoted to super admin
 * through the API; the first super admin opens `/admin/factories`, sees
 * both super admins (no actions on their own row), disables the second one
 * (asked first; the API then says disabled and their session is refused),
 * enables them again, and makes them an operator of a factory.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { signedInContext } from "./support/browser_session.ts";
import { withChromium } from "./support/chromium.ts";
import {
  addFactory,
  addUser,
  json,
  startTestEngine,
  TEST_ADMIN,
  withBearer,
} from "./support/test_engine.ts";

const WAIT = { timeout: 15_000 };
const SHOTS = "/tmp/millwright-admins";

interface AdminAnswer {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly factory: string | null;
  readonly disabled: boolean;
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return errors;
}

Deno.test("a super admin disables, enables and demotes another super admin on /admin/factories", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-admins-" });
  await Deno.mkdir(SHOTS, { recursive: true });
  const mw = await startTestEngine(dataDir);
  try {
    await addFactory(mw, "mill");
    // Invites make no super admins: Grace joins mill as admin and is promoted.
    const grace = await addUser(mw, "mill", "admin", "grace@mill.test", "Grace");
    const users = await (await mw.api("/api/v1/factories/mill/users")).json() as {
      users: AdminAnswer[];
    };
    const graceId = users.users.find((u) => u.email === "grace@mill.test")!.id;
    const promoted = await mw.api(
      `/api/v1/factories/mill/users/${graceId}`,
      json("PATCH", { role: "super_admin" }),
    );
    assert.equal(promoted.status, 200, await promoted.clone().text());
    assert.equal((await promoted.json() as AdminAnswer).factory, null);
    const admins = async () =>
      (await (await mw.api("/api/v1/admins")).json() as { admins: AdminAnswer[] }).admins;
    assert.deepEqual((await admins()).map((a) => [a.email, a.disabled]), [
      [TEST_ADMIN.email, false],
      ["grace@mill.test", false],
    ]);

    await withChromium(async (browser) => {
      const { context } = await signedInContext(browser, mw.url);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${mw.url}/admin/factories`);
      const own = page.locator(`tr[data-admin="${TEST_ADMIN.email}"]`);
      const row = page.locator('tr[data-admin="grace@mill.test"]');
      await row.waitFor(WAIT);
      assert.match(await own.innerText(), /\(you\)/);
      assert.deepEqual(
        await own.getByRole("button").allInnerTexts(),
        ["Rename"],
        "on your own row only Rename: no disabling or demoting yourself",
      );
      assert.match(await row.innerText(), /Active/);
      // Each factory field sits under its own column heading (table cells stay cells).
      const columns = await page.evaluate(() => {
        const heads = [...document.querySelectorAll("table")].find((t) =>
          t.querySelector('tr[data-factory="mill"]')
        )!.querySelectorAll("thead th");
        const left = (el: Element) => Math.round(el.getBoundingClientRect().left);
        const row = document.querySelector('tr[data-factory="mill"]')!;
        return {
          heads: [...heads].map(left),
          cells: [...row.children].map(left),
        };
      });
      assert.deepEqual(columns.cells, columns.heads);

      // Disable: asked first, then done; the row says so.
      await row.getByRole("button", { name: "Disable", exact: true }).click();
      await row.getByRole("button", { name: "Yes, disable" }).click();
      await row.locator(".identity-off", { hasText: "Disabled" }).waitFor(WAIT);
      const disabled = (await admins()).find((a) => a.id === graceId)!;
      assert.equal(disabled.disabled, true);
      assert.equal(disabled.role, "super_admin");
      const graceMe = await fetch(`${mw.url}/api/v1/auth/me`, withBearer({}, grace.token));
      assert.equal(graceMe.status, 401, "a disabled super admin's session ends");
      await graceMe.body?.cancel();

      // Enable again, then make her an operator of mill.
      await row.getByRole("button", { name: "Enable", exact: true }).click();
      await row.getByRole("button", { name: "Disable", exact: true }).waitFor(WAIT);
      assert.equal((await admins()).find((a) => a.id === graceId)!.disabled, false);
      await row.getByRole("button", { name: "Make factory user" }).click();
      await row.getByLabel("Factory for grace@mill.test").selectOption("mill");
      await row.getByLabel("Role for grace@mill.test").selectOption("operator");
      await page.screenshot({ path: `${SHOTS}/demote.png`, fullPage: true });
      await row.getByRole("button", { name: "Yes, make factory user" }).click();
      await row.waitFor({ state: "detached", ...WAIT });
      assert.deepEqual((await admins()).map((a) => a.email), [TEST_ADMIN.email]);
      const millUsers = await (await mw.api("/api/v1/factories/mill/users")).json() as {
        users: AdminAnswer[];
      };
      const demoted = millUsers.users.find((u) => u.id === graceId)!;
      assert.deepEqual([demoted.role, demoted.factory, demoted.disabled], [
        "operator",
        "mill",
        false,
      ]);
      assert.deepEqual(errors, []);
    });
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
