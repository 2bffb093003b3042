/**
 * The history explorer in a real browser against the real engine: history
 * imported with the `import` task before the engine starts, then charted,
 * re-ranged, filtered, zoomed, downloaded as CSV — and its empty and error
 * states.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Browser, chromium, type Page, type Response } from "playwright-core";
import { signedInContext, signedInPage } from "./support/browser_session.ts";
import { login, startTestEngine, TEST_ADMIN } from "./support/test_engine.ts";

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
const WAIT = { timeout: 20_000 };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ROOT = new URL("..", import.meta.url).pathname;

/** Three days of one reading a minute: temp follows a known curve, door alternates. */
function knownHistory(end: number): { csv: string; times: number[] } {
  const times: number[] = [];
  const rows = ["timestamp,temp,door"];
  for (let ts = end - 3 * DAY; ts <= end; ts += MINUTE) {
    const i = (ts - end) / MINUTE;
    times.push(ts);
    rows.push(
      `${new Date(ts).toISOString()},${(180 + 10 * Math.sin(i / 60)).toFixed(2)},${
        i % 2 === 0 ? 1 : 0
      }`,
    );
  }
  return { csv: rows.join("\n") + "\n", times };
}

async function importCsv(dataDir: string, file: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      join(ROOT, "cli/import.ts"),
      "--factory",
      "bakery",
      "--machine",
      "oven-3",
      file,
    ],
    env: { DATA_DIR: dataDir },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `import failed: ${out}${new TextDecoder().decode(stderr)}`);
  return out;
}

/** The explorer's status once it shows an answer: its range and state. */
async function readyStatus(page: Page) {
  await page.locator('.history-status[data-state="ready"]').waitFor(WAIT);
  return await page.locator(".history-status").evaluate((el) => ({
    from: Number(el.getAttribute("data-from")),
    to: Number(el.getAttribute("data-to")),
    metrics: el.getAttribute("data-metrics"),
  }));
}

async function chartPoints(page: Page): Promise<Record<string, number>> {
  const entries = await page.locator(".history-chart").evaluateAll((charts) =>
    charts.map((c) => [c.getAttribute("data-metric"), Number(c.getAttribute("data-points"))])
  );
  return Object.fromEntries(entries);
}

interface Answer {
  readonly every: number | null;
  readonly series: Array<{ metric: string; points: unknown[] }>;
}

async function answerOf(response: Response): Promise<Answer> {
  assert.equal(response.status(), 200, await response.text());
  return await response.json() as Answer;
}

/** Points per metric in a history API answer. */
async function answerPoints(response: Response): Promise<Record<string, number>> {
  const body = await answerOf(response);
  return Object.fromEntries(body.series.map((s) => [s.metric, s.points.length]));
}

function isHistoryRequest(response: Response): boolean {
  return /\/api\/v1\/factories\/bakery\/machines\/oven-3\/history\?/.test(response.url());
}

Deno.test("the history explorer charts, re-ranges, zooms and exports imported history", async () => {
  const dataDir = await Deno.makeTempDir();
  const end = Math.floor(Date.now() / MINUTE) * MINUTE;
  const { csv, times } = knownHistory(end);
  const file = join(dataDir, "oven-3.csv");
  await Deno.writeTextFile(file, csv);
  const summary = await importCsv(dataDir, file);
  assert.match(summary, /points imported\s+4,321 lines → 8,642 values/);

  const mw = await startTestEngine(dataDir);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const { context } = await signedInContext(browser, mw.url, TEST_ADMIN, {
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    // The live page links to the explorer.
    await page.goto(`${mw.url}/factories/bakery/machines/oven-3`);
    const first = page.waitForResponse(isHistoryRequest, WAIT);
    await page.locator("a.topbar-link", { hasText: "History" }).click();
    await page.waitForURL(/\/machines\/oven-3\/history$/, WAIT);
    const firstAnswer = await answerPoints(await first);

    // Default: the last 24 h of every metric, one chart each, as many points as the API sent.
    let status = await readyStatus(page);
    assert.equal(status.to - status.from, DAY);
    assert.equal(status.metrics, "temp,door");
    assert.deepEqual(await chartPoints(page), firstAnswer);
    const rawInDay = times.filter((t) => t >= status.from && t <= status.to).length;
    assert.ok(
      firstAnswer.temp > 0 && firstAnswer.temp <= rawInDay,
      `temp: ${firstAnswer.temp} points for ${rawInDay} readings in the last 24 h`,
    );
    await page.locator('.history-chart[data-metric="temp"] canvas').waitFor(WAIT);
    const maxPoints = Number(new URL((await first).url()).searchParams.get("maxPoints"));
    assert.ok(maxPoints >= 100 && maxPoints <= 1280, `maxPoints ${maxPoints} ≈ the chart width`);

    // Another range: the URL says so, and the charts cover 7 days of which 3 have data.
    const week = page.waitForResponse(isHistoryRequest, WAIT);
    await page.locator('.range-button[data-range="7d"]').click();
    const weekResponse = await week;
    const weekAnswer = await answerPoints(weekResponse);
    const weekEvery = (await answerOf(weekResponse)).every;
    assert.ok(
      weekEvery !== null && weekEvery > MINUTE,
      `a week is charted in buckets: ${weekEvery}`,
    );
    await page.waitForFunction(
      () =>
        document.querySelector(".history-status")?.getAttribute("data-state") === "ready" &&
        location.search.includes("range=7d"),
      null,
      WAIT,
    );
    status = await readyStatus(page);
    assert.equal(status.to - status.from, 7 * DAY);
    assert.deepEqual(await chartPoints(page), weekAnswer);
    assert.ok(weekAnswer.temp > 0 && weekAnswer.temp <= times.length);

    // Metric selection: only door, in the URL too.
    const doorOnly = page.waitForResponse(isHistoryRequest, WAIT);
    await page.locator('.metric-option input[value="temp"]').uncheck();
    const doorAnswer = await answerPoints(await doorOnly);
    await page.waitForFunction(
      () => document.querySelectorAll(".history-chart").length === 1,
      null,
      WAIT,
    );
    status = await readyStatus(page);
    assert.equal(status.metrics, "door");
    assert.deepEqual(Object.keys(doorAnswer), ["door"]);
    assert.deepEqual(await chartPoints(page), doorAnswer);
    assert.match(page.url(), /range=7d&metric=door$/);

    // The CSV link names the shown range and metric (downloaded at the end).
    const href = await page.locator("a.history-csv").getAttribute("href");
    assert.ok(href !== null);
    const csvUrl = new URL(href, mw.url);
    assert.equal(csvUrl.pathname, "/api/v1/factories/bakery/machines/oven-3/history.csv");
    assert.deepEqual(csvUrl.searchParams.getAll("metric"), ["door"]);
    // Drag-to-zoom across the middle fifth of the chart: a custom range, fetched again.
    const zoomed = page.waitForResponse(isHistoryRequest, WAIT);
    const plot = await page.locator('.history-chart[data-metric="door"] .u-over').boundingBox();
    assert.ok(plot !== null);
    const y = plot.y + plot.height / 2;
    await page.mouse.move(plot.x + plot.width * 0.7, y);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.9, y, { steps: 8 });
    await page.mouse.up();
    const zoomResponse = await zoomed;
    const zoomRequest = new URL(zoomResponse.url());
    // Finer than the week's buckets: raw readings or narrower buckets.
    const zoomEvery = (await answerOf(zoomResponse)).every;
    assert.ok(zoomEvery === null || zoomEvery < weekEvery, `zoomed every ${zoomEvery}`);
    await page.waitForFunction(() => location.search.includes("from="), null, WAIT);
    status = await readyStatus(page);
    const span = status.to - status.from;
    assert.ok(Math.abs(span - 0.2 * 7 * DAY) < 0.02 * 7 * DAY, `zoomed span ${span / HOUR} h`);
    assert.equal(Number(zoomRequest.searchParams.get("from")), status.from);
    assert.equal(Number(zoomRequest.searchParams.get("to")), status.to);
    assert.equal(
      await page.locator('.range-button[data-range="custom"]').getAttribute("aria-pressed"),
      "true",
    );
    // A shared URL opens the same view.
    const shared = page.url();
    // A shared URL opens the same view for another signed-in user.
    const other = await signedInPage(browser, mw.url);
    await other.goto(shared);
    const sharedStatus = await readyStatus(other);
    assert.deepEqual(sharedStatus, status);
    await other.close();
    // Back undoes the zoom.
    await page.goBack();
    await page.waitForFunction(() => location.search.includes("range=7d"), null, WAIT);
    status = await readyStatus(page);
    assert.equal(status.to - status.from, 7 * DAY);

    // Honest empty and error states.
    await page.goto(
      `${mw.url}/factories/bakery/machines/oven-3/history?from=${end - 40 * DAY}&to=${
        end - 39 * DAY
      }&metric=temp`,
    );
    await readyStatus(page);
    await page.locator('.history-chart[data-metric="temp"] .history-empty', {
      hasText: "No data in this range.",
    }).waitFor(WAIT);
    assert.equal(await page.locator(".history-chart canvas").count(), 0);

    const historyApi = (url: URL) =>
      url.pathname === "/api/v1/factories/bakery/machines/oven-3/history";
    await page.route(historyApi, (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({ error: { status: 503, message: "the store is unavailable" } }),
      }));
    await page.goto(`${mw.url}/factories/bakery/machines/oven-3/history?range=1h`);
    await page.locator('.history-status[data-state="error"]', {
      hasText: "the store is unavailable",
    }).waitFor(WAIT);
    await page.unroute(historyApi);
    await page.locator(".history-status button", { hasText: "Retry" }).click();
    await readyStatus(page);
    assert.ok((await chartPoints(page)).temp > 0);

    // The CSV link downloads the readings of the range and metric it was shown for.
    const download = await page.request.get(csvUrl.href);
    assert.equal(download.status(), 200, await download.text());
    assert.match(download.headers()["content-type"] ?? "", /text\/csv/);
    const rows = (await download.text()).trim().split(/\r?\n/);
    const csvFrom = Date.parse(csvUrl.searchParams.get("from")!);
    const csvTo = Date.parse(csvUrl.searchParams.get("to")!);
    const expected = times.filter((t) => t >= csvFrom && t <= csvTo).length;
    assert.equal(rows.length - 1, expected, `CSV rows below the header: ${rows[0]} …`);

    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("the history explorer answers 404 for a machine without history", async () => {
  const dataDir = await Deno.makeTempDir();
  const mw = await startTestEngine(dataDir);
  try {
    const { cookie } = await login(mw.url, TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await fetch(`${mw.url}/factories/bakery/machines/nope/history`, {
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    assert.equal(response.status, 404);
    assert.match(await response.text(), /has reported or has history/);
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
