/**
 * A browser context signed in the way a person's browser is: the session
 * cookie of a login through the API, for the engine's origin.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { login, TEST_ADMIN, type TestSession } from "./test_engine.ts";

/**
 * A new context of `browser` holding the session cookie of `email` (the
 * test super admin by default); close it (or the browser) afterwards.
 */
export async function signedInContext(
  browser: Browser,
  url: string,
  credentials: { readonly email: string; readonly password: string } = TEST_ADMIN,
): Promise<{ context: BrowserContext; session: TestSession }> {
  const session = await login(url, credentials.email, credentials.password);
  const context = await browser.newContext();
  await context.addCookies([{ name: session.cookie.name, value: session.cookie.value, url }]);
  return { context, session };
}

/** A new page of a context signed in as the test super admin (see {@link signedInContext}). */
export async function signedInPage(browser: Browser, url: string): Promise<Page> {
  const { context } = await signedInContext(browser, url);
  return await context.newPage();
}
