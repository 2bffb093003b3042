/**
 * A browser context signed in the way a person's browser is: the session
 * cookie of a login through the API, for the engine's origin.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { login, TEST_ADMIN, type TestSession } from "./test_engine.ts";

/**
 * A new context of `browser` (with `options`) holding the session cookie of
 * `credentials` (the test super admin by default); close it (or the
 * browser) afterwards.
 *
 * @example
 * ```ts
 * import type { Browser } from "playwright-core";
 * import { addUser, type TestEngine } from "./test_engine.ts";
 * declare const browser: Browser;
 * declare const mw: TestEngine;
 * const ana = await addUser(mw, "bakery", "operator", "ana@bakery.test", "ana");
 * const { context } = await signedInContext(browser, mw.url, ana);
 * await (await context.newPage()).goto(`${mw.url}/factories/bakery/alerts`);
 * ```
 */
export async function signedInContext(
  browser: Browser,
  url: string,
  credentials: { readonly email: string; readonly password: string } = TEST_ADMIN,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; session: TestSession }> {
  const session = await login(url, credentials.email, credentials.password);
  const context = await browser.newContext(options);
  await context.addCookies([{ name: session.cookie.name, value: session.cookie.value, url }]);
  return { context, session };
}

/**
 * A new page of a context signed in as the test super admin (see
 * {@link signedInContext}).
 *
 * @example
 * ```ts
 * import type { Browser } from "playwright-core";
 * import type { TestEngine } from "./test_engine.ts";
 * declare const browser: Browser;
 * declare const mw: TestEngine;
 * const page = await signedInPage(browser, mw.url);
 * await page.goto(`${mw.url}/factories/plant-1/notifications`);
 * ```
 */
export async function signedInPage(browser: Browser, url: string): Promise<Page> {
  const { context } = await signedInContext(browser, url);
  return await context.newPage();
}
