/**
 * Renaming people from the admin pages, in a real browser against the real
 * engine. A factory admin renames an operator on the users page (Enter
 * saves, the name is trimmed, the focus goes back to the row's Rename
 * button), cancels another edit with Escape, and is refused an empty and a
 * too-long name (the API's message beside the field, nothing changed). A
 * super admin renames another super admin on `/admin/factories` (Save
 * button) after one refused empty name. Each rename shows after a reload,
 * in the API's answer and in the audit log.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { signedInContext } from "./support/browser_session.ts";
import { withChromium } from "./support/chromium.ts";
import { addFactory, addUser, json, startTestEngine, TEST_ADMIN } from "./support/test_engine.ts";

const WAIT = { timeout: 15_000 };
const SHOTS = "/tmp/millwright-rename";
/** What the API answers for an empty or too-long name (engine/identity/user_store.ts). */
const NAME_REFUSED = "name must be a non-empty string of at most 200 characters";

interface UserAnswer {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

interface AuditAnswer {
  readonly action: string;
  readonly target: string | null;
  readonly factory: string | null;
  readonly actor: { readonly id: string | null };
  readonly detail: Record<string, unknown>;
}

/** Errors of the page; the refusals the test provokes (400) are expected. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 400/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/** The aria-label of the element holding the keyboard focus, once it is `label`. */
async function waitForFocus(page: Page, label: string): Promise<void> {
  await page.waitForFunction(
    (want) => document.activeElement?.getAttribute("aria-label") === want,
    label,
    WAIT,
  );
}

/** The row's shown problem, once there is one. */
async function problemOf(row: Locator): Promise<string> {
  const problem = row.locator(".rename-problem .form-problem");
  await problem.waitFor(WAIT);
  return (await problem.innerText()).trim();
}

Deno.test("a factory admin renames a user on the users page; refusals change nothing", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-rename-users-" });
  await Deno.mkdir(SHOTS, { recursive: true });
  const mw = await startTestEngine(dataDir);
  try {
    await addFactory(mw, "mill");
    const fiona = await addUser(mw, "mill", "admin", "fiona@mill.test", "Fiona");
    await addUser(mw, "mill", "operator", "olga@mill.test", "Olga");
    const millUsers = async () =>
      (await (await mw.api("/api/v1/factories/mill/users")).json() as { users: UserAnswer[] })
        .users;
    const byEmail = async (email: string) => (await millUsers()).find((u) => u.email === email)!;
    const renames = async () =>
      ((await (await mw.api("/api/v1/factories/mill/audit")).json()) as { entries: AuditAnswer[] })
        .entries.filter((e) => e.action === "user.rename");
    const olgaId = (await byEmail("olga@mill.test")).id;
    const fionaId = (await byEmail("fiona@mill.test")).id;

    await withChromium(async (browser) => {
      const { context } = await signedInContext(browser, mw.url, fiona);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${mw.url}/factories/mill/users`);
      const row = page.locator('tr[data-user="olga@mill.test"]');
      const own = page.locator('tr[data-user="fiona@mill.test"]');
      await row.waitFor(WAIT);
      // The API lets a user manager rename anyone of the factory, themself included.
      await own.getByRole("button", { name: "Rename fiona@mill.test" }).waitFor(WAIT);

      // Escape cancels: the name stays, nothing is sent.
      await row.getByRole("button", { name: "Rename olga@mill.test" }).click();
      const field = row.getByLabel("Name of olga@mill.test");
      await waitForFocus(page, "Name of olga@mill.test");
      assert.equal(await field.inputValue(), "Olga");
      await field.fill("Not saved");
      await field.press("Escape");
      await field.waitFor({ state: "detached", ...WAIT });
      assert.equal((await row.locator("th").innerText()).trim(), "Olga");
      await waitForFocus(page, "Rename olga@mill.test");
      assert.deepEqual(await renames(), []);

      // Enter saves, trimmed; the row shows it in place and the focus goes back to Rename.
      await row.getByRole("button", { name: "Rename olga@mill.test" }).click();
      await field.fill("  Olga Lindqvist  ");
      await field.press("Enter");
      await field.waitFor({ state: "detached", ...WAIT });
      assert.equal((await row.locator("th").innerText()).trim(), "Olga Lindqvist");
      await waitForFocus(page, "Rename olga@mill.test");
      assert.equal((await byEmail("olga@mill.test")).name, "Olga Lindqvist");
      const [renamed, ...more] = await renames();
      assert.deepEqual(more, []);
      assert.deepEqual(
        [renamed.target, renamed.factory, renamed.actor.id, renamed.detail],
        [olgaId, "mill", fionaId, { from: "Olga", to: "Olga Lindqvist" }],
      );

      // The same name again (after trimming) closes the field without a request.
      await row.getByRole("button", { name: "Rename olga@mill.test" }).click();
      await field.fill(" Olga Lindqvist ");
      await field.press("Enter");
      await field.waitFor({ state: "detached", ...WAIT });
      assert.equal((await renames()).length, 1, "no second rename recorded");

      // An empty name: the API's refusal beside the field, which stays open; nothing changes.
      await row.getByRole("button", { name: "Rename olga@mill.test" }).click();
      await field.fill("   ");
      await field.press("Enter");
      assert.equal(await problemOf(row), NAME_REFUSED);
      assert.equal(await field.getAttribute("aria-invalid"), "true");
      assert.equal(await field.inputValue(), "   ", "the field stays open to fix the name");
      await page.screenshot({ path: `${SHOTS}/user-refused.png`, fullPage: true });
      // Too long (201 characters): refused the same way.
      await field.fill("x".repeat(201));
      const answered = page.waitForResponse((r) => r.request().method() === "PATCH", WAIT);
      await row.getByRole("button", { name: "Save" }).click();
      assert.equal((await answered).status(), 400);
      await row.getByRole("button", { name: "Save" }).waitFor(WAIT);
      assert.equal(await problemOf(row), NAME_REFUSED);
      assert.equal(await field.inputValue(), "x".repeat(201));
      await row.getByRole("button", { name: "Cancel" }).click();
      await field.waitFor({ state: "detached", ...WAIT });
      assert.equal((await row.locator("th").innerText()).trim(), "Olga Lindqvist");
      assert.equal((await byEmail("olga@mill.test")).name, "Olga Lindqvist");
      assert.equal((await renames()).length, 1, "refused renames are not audited");

      // After a reload the page shows the saved name.
      await page.reload();
      await row.waitFor(WAIT);
      assert.equal((await row.locator("th").innerText()).trim(), "Olga Lindqvist");
      assert.deepEqual(errors, []);
    });
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a super admin renames a super admin on /admin/factories", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-rename-admins-" });
  await Deno.mkdir(SHOTS, { recursive: true });
  const mw = await startTestEngine(dataDir);
  try {
    // Grace joins mill as admin and is promoted (invites make no super admins).
    await addFactory(mw, "mill");
    await addUser(mw, "mill", "admin", "grace@mill.test", "Grace");
    const users = await (await mw.api("/api/v1/factories/mill/users")).json() as {
      users: UserAnswer[];
    };
    const graceId = users.users.find((u) => u.email === "grace@mill.test")!.id;
    const promoted = await mw.api(
      `/api/v1/factories/mill/users/${graceId}`,
      json("PATCH", { role: "super_admin" }),
    );
    assert.equal(promoted.status, 200, await promoted.clone().text());
    await promoted.body?.cancel();
    const grace = async () =>
      (await (await mw.api("/api/v1/admins")).json() as { admins: UserAnswer[] }).admins
        .find((a) => a.id === graceId)!;
    const renames = async () =>
      ((await (await mw.api("/api/v1/audit")).json()) as { entries: AuditAnswer[] })
        .entries.filter((e) => e.action === "admin.rename");

    await withChromium(async (browser) => {
      const { context } = await signedInContext(browser, mw.url);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${mw.url}/admin/factories`);
      const row = page.locator('tr[data-admin="grace@mill.test"]');
      const own = page.locator(`tr[data-admin="${TEST_ADMIN.email}"]`);
      await row.waitFor(WAIT);
      // Renaming is the one action on your own row: the API allows it, and nowhere else does.
      assert.deepEqual(await own.getByRole("button").allInnerTexts(), ["Rename"]);

      // Refused first: the message shows and the name stays.
      await row.getByRole("button", { name: "Rename grace@mill.test" }).click();
      const field = row.getByLabel("Name of grace@mill.test");
      assert.equal(await field.inputValue(), "Grace");
      await field.fill("");
      await row.getByRole("button", { name: "Save" }).click();
      assert.equal(await problemOf(row), NAME_REFUSED);
      assert.equal((await grace()).name, "Grace");
      assert.deepEqual(await renames(), []);

      // Then saved with the Save button: shown in place, the status cell untouched.
      await field.fill("Grace Hopper");
      await row.getByRole("button", { name: "Save" }).click();
      await field.waitFor({ state: "detached", ...WAIT });
      const cells = async () => (await row.locator("td").allInnerTexts()).map((t) => t.trim());
      assert.deepEqual((await cells()).slice(0, 2), ["Grace Hopper", "Active"]);
      await page.screenshot({ path: `${SHOTS}/admin-renamed.png`, fullPage: true });
      assert.equal((await grace()).name, "Grace Hopper");
      const [renamed, ...more] = await renames();
      assert.deepEqual(more, []);
      assert.deepEqual(
        [renamed.target, renamed.factory, renamed.detail],
        [graceId, null, { email: "grace@mill.test", from: "Grace", to: "Grace Hopper" }],
      );

      await page.reload();
      await row.waitFor(WAIT);
      assert.deepEqual((await cells()).slice(0, 2), ["Grace Hopper", "Active"]);
      assert.deepEqual(errors, []);
    });
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
