/**
 * Launches Debian's chromium for browser tests, with the flags this
 * workplace needs: headless, no sandbox (tests run as root), and no
 * background networking (the machines have no network but the registries).
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh browser; close it in a `finally`. */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Runs `test` with a fresh browser and closes it afterwards, whatever happens. */
export async function withChromium(test: (browser: Browser) => Promise<void>): Promise<void> {
  const browser = await launchChromium();
  try {
    await test(browser);
  } finally {
    await browser.close();
  }
}
