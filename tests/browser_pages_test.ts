/**
 * The pages in a real browser (Debian's chromium via playwright-core): the
 * pages sub-app served by `Deno.serve` on a loopback port with a fake
 * machine directory, beside a tiny `/api/v1/live` WebSocket that sends the
 * events the test tells it to (and an empty alerts list).
 */
import assert from "node:assert/strict";
import { launchChromium } from "./support/chromium.ts";
import type { EngineEvent } from "../engine/events.ts";
import type { MachineDirectory, MachineView } from "../engine/machine_view.ts";
import type { TimeSeriesStore } from "../engine/store/time_series_store.ts";
import { createPages } from "../web/pages.ts";

const WAIT = { timeout: 15_000 };

function fakeDirectory(now: number): MachineDirectory {
  const wave = (i: number, base: number, amplitude: number) =>
    base + amplitude * Math.sin(i / 6) + (i % 7) * amplitude * 0.05;
  const views: MachineView[] = [
    {
      factory: "plant-1",
      machine: "press-01",
      status: "normal",
      firstSeen: now - 600_000,
      lastSeen: now - 1_000,
      metrics: ["temperature", "pressure"],
      latest: {
        temperature: { ts: now - 1_000, value: 71.5, anomalous: false },
        pressure: { ts: now - 1_000, value: 4.21, anomalous: false },
      },
      anomaliesLastHour: 0,
    },
    {
      factory: "plant-1",
      machine: "mill-02",
      status: "stale",
      firstSeen: now - 900_000,
      lastSeen: now - 95_000,
      metrics: ["spindle_rpm"],
      latest: { spindle_rpm: { ts: now - 95_000, value: 11_950, anomalous: false } },
      anomaliesLastHour: 3,
    },
  ];
  const history = (metric: string) =>
    Array.from({ length: 120 }, (_, i) => {
      const ts = now - (120 - i) * 2_000;
      const value = metric === "temperature"
        ? wave(i, 70, 1.5)
        : metric === "pressure"
        ? wave(i, 4.2, 0.1)
        : wave(i, 12_000, 40);
      return [ts, value] as const;
    });
  return {
    factories: () => ["plant-1"],
    machines: (factory) => views.filter((view) => view.factory === factory),
    machine: (factory, machine) =>
      views.find((view) => view.factory === factory && view.machine === machine),
    recent: (factory, machine, metric) =>
      views.some((view) => view.factory === factory && view.machine === machine) &&
        (machine !== "press-01" || metric !== "pressure")
        ? history(metric)
        : [],
  };
}

/** A store that answers for press-01's pressure only (as if memory lost it in a restart). */
function fakeStore(now: number): TimeSeriesStore {
  return {
    write: () => Promise.resolve(),
    queryRange: (query) =>
      Promise.resolve(
        query.machine === "press-01" && query.metrics.includes("pressure")
          ? [{
            metric: "pressure",
            points: Array.from(
              { length: 100 },
              (_, i) => [now - (100 - i) * 2_500, 4.2 + 0.08 * Math.cos(i / 5)] as const,
            ),
          }]
          : [],
      ),
    listSeries: () => Promise.resolve([]),
    latest: () => Promise.resolve({}),
    close: () => Promise.resolve(),
  };
}

/** The test's stand-in for `/api/v1/live`: records clients, sends what it is told. */
class LiveEndpoint {
  readonly #clients = new Set<{ socket: WebSocket; factory: string; machine: string | null }>();
  readonly #waiters: Array<() => void> = [];

  handle(request: Request): Response {
    const url = new URL(request.url);
    const { socket, response } = Deno.upgradeWebSocket(request);
    const client = {
      socket,
      factory: url.searchParams.get("factory") ?? "",
      machine: url.searchParams.get("machine"),
    };
    socket.onopen = () => {
      socket.send(
        JSON.stringify({ type: "hello", serverTime: Date.now(), factory: client.factory }),
      );
      this.#clients.add(client);
      this.#waiters.splice(0).forEach((wake) => wake());
    };
    socket.onclose = () => this.#clients.delete(client);
    return response;
  }

  /** Resolves once a client for `machine` (null: the factory overview) is connected. */
  async connected(machine: string | null): Promise<void> {
    while (![...this.#clients].some((c) => c.machine === machine && c.socket.readyState === 1)) {
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  /** Open connections for `machine` (null: the factory overview). */
  count(machine: string | null): number {
    return [...this.#clients].filter((c) => c.machine === machine && c.socket.readyState === 1)
      .length;
  }

  send(event: EngineEvent & { coalesced?: number }): void {
    for (const client of this.#clients) {
      const wanted = event.factory === client.factory &&
        (client.machine === null || client.machine === event.machine);
      if (wanted && client.socket.readyState === 1) client.socket.send(JSON.stringify(event));
    }
  }

  closeAll(): void {
    for (const client of this.#clients) client.socket.close();
  }
}

Deno.test("pages show live tiles and charts in a browser", async (t) => {
  const now = Date.now();
  const cacheDir = await Deno.makeTempDir({ prefix: "millwright-pages-" });
  const pages = await createPages({
    directory: fakeDirectory(now),
    store: fakeStore(now),
    cacheDir,
  });
  const live = new LiveEndpoint();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const url = new URL(request.url);
      // Pages reload their open alerts after a reconnection; this factory has none.
      if (/^\/api\/v1\/factories\/[^/]+\/alerts$/.test(url.pathname)) {
        return Response.json({ alerts: [], next: null });
      }
      // The machine page asks for its fault prediction; no model is trained here.
      const prediction = /^\/api\/v1\/factories\/([^/]+)\/machines\/([^/]+)\/prediction$/
        .exec(url.pathname);
      if (prediction !== null) {
        const [, factory, machine] = prediction;
        return Response.json({
          factory,
          machine,
          machineType: machine.replace(/-\d+$/, ""),
          activeVersion: null,
          prediction: null,
        });
      }
      return url.pathname === "/api/v1/live" ? live.handle(request) : pages.fetch(request);
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launchChromium();
  const problems: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") {
        problems.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

    await t.step("overview shows a tile per machine and updates it live", async () => {
      await page.goto(`${origin}/factories/plant-1`);
      await page.locator(".tile").nth(1).waitFor(WAIT);
      assert.equal(await page.locator(".tile").count(), 2);
      await page.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
      await live.connected(null);
      assert.equal(live.count(null), 1, "the page's islands share one socket");
      const temperature = page.locator(
        '[data-machine="press-01"] [data-metric="temperature"] .tile-value',
      );
      assert.equal(await temperature.textContent(), "71.5");

      live.send({
        type: "telemetry",
        factory: "plant-1",
        machine: "press-01",
        ts: Date.now(),
        values: { temperature: 88.25, pressure: 4.3 },
        anomalous: ["temperature"],
      });
      await page.waitForFunction(
        () =>
          document.querySelector(
            '[data-machine="press-01"] [data-metric="temperature"] .tile-value',
          )?.textContent === "88.25",
        null,
        WAIT,
      );
      await page.locator('[data-machine="press-01"] [data-metric="temperature"].is-anomalous')
        .waitFor(WAIT);

      live.send({
        type: "status",
        factory: "plant-1",
        machine: "press-01",
        ts: Date.now(),
        status: "anomalous",
        previous: "normal",
        reason: "temperature above band",
      });
      await page.locator('[data-machine="press-01"] .status-badge[data-status="anomalous"]')
        .waitFor(WAIT);
      await page.waitForFunction(
        () =>
          document.querySelector('.summary-item[data-status="anomalous"] b')?.textContent === "1",
        null,
        WAIT,
      );

      live.send({
        type: "registered",
        factory: "plant-1",
        machine: "lathe-07",
        ts: Date.now(),
        metrics: [],
      });
      live.send({
        type: "telemetry",
        factory: "plant-1",
        machine: "lathe-07",
        ts: Date.now(),
        values: { vibration: 0.0123 },
        anomalous: [],
      });
      await page.waitForFunction(
        () =>
          document.querySelector('[data-machine="lathe-07"] [data-metric="vibration"] .tile-value')
            ?.textContent === "0.0123",
        null,
        WAIT,
      );
      assert.equal(await page.locator(".tile").count(), 3);
      await page.screenshot({ path: "/tmp/millwright_overview.png", fullPage: true });
    });

    await t.step("machine page charts every metric and marks anomalies", async () => {
      await page.goto(`${origin}/factories/plant-1/machines/press-01`);
      await page.locator(".chart-panel canvas").nth(1).waitFor(WAIT);
      assert.equal(await page.locator(".chart-panel canvas").count(), 2);
      await page.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
      await live.connected("press-01");
      assert.equal(live.count("press-01"), 1, "the page's islands share one socket");

      const ts = Date.now();
      live.send({
        type: "telemetry",
        factory: "plant-1",
        machine: "press-01",
        ts,
        values: { temperature: 95.5, pressure: 4.25 },
        anomalous: ["temperature"],
      });
      live.send({
        type: "anomaly",
        factory: "plant-1",
        machine: "press-01",
        ts,
        metric: "temperature",
        value: 95.5,
        reason: "sigma",
        score: 6.2,
        expected: { low: 66.1, high: 74.3 },
      });
      const row = page.locator('.latest-table tr[data-metric="temperature"]');
      await page.waitForFunction(
        () =>
          document.querySelector('.latest-table tr[data-metric="temperature"] .latest-value')
            ?.textContent === "95.5",
        null,
        WAIT,
      );
      assert.match(await row.getAttribute("class") ?? "", /is-anomalous/);
      assert.equal(await row.locator(".flag--anomalous").textContent(), "Anomalous");
      await page.locator('.anomaly-list .anomaly[data-metric="temperature"]').waitFor(WAIT);
      await page.waitForFunction(
        () =>
          document.querySelector('.chart-panel[data-metric="temperature"] .chart-flags')
            ?.textContent === "1 flagged in window",
        null,
        WAIT,
      );
      // A fault prediction arrives live; the panel shows it without reloading.
      await page.locator(".prediction-panel").getByText("No fault model is active").waitFor(WAIT);
      live.send({
        type: "prediction",
        factory: "plant-1",
        machine: "press-01",
        ts,
        machineType: "press",
        modelVersion: 3,
        class: "overheating",
        confidence: 0.83,
        top: [{ class: "overheating", p: 0.83 }, { class: "normal", p: 0.17 }],
        trigger: "anomaly",
      });
      const verdict = page.locator('.prediction[data-class="overheating"] .prediction-verdict');
      await verdict.waitFor(WAIT);
      assert.equal(
        (await verdict.textContent())?.replace(/\s+/g, " ").trim(),
        "Overheating 83 % confidence",
      );
      assert.match(
        await page.locator(".prediction-panel .panel-note").last().textContent() ?? "",
        /model v3 · after an anomaly/,
      );
      // The pressure chart was seeded from the store (memory had none of it).
      const pressurePoints = await page.evaluate(() =>
        document.querySelector('.chart-panel[data-metric="pressure"] canvas') !== null
      );
      assert.equal(pressurePoints, true);
      await page.screenshot({ path: "/tmp/millwright_machine.png", fullPage: true });
    });

    await t.step("machine charts follow their container's width", async () => {
      const canvasWidth = () =>
        page.evaluate(() =>
          document.querySelector('.chart-panel[data-metric="temperature"] canvas')!
            .getBoundingClientRect().width
        );
      const wide = await canvasWidth();
      await page.setViewportSize({ width: 820, height: 1000 });
      await page.waitForFunction(
        (before) => {
          const body = document.querySelector(
            '.chart-panel[data-metric="temperature"] .chart-body',
          )!;
          const canvas = body.querySelector("canvas")!;
          const width = canvas.getBoundingClientRect().width;
          return width !== before && Math.abs(width - body.clientWidth) < 2;
        },
        wide,
        WAIT,
      );
      await page.screenshot({ path: "/tmp/millwright_machine_tablet.png", fullPage: true });
    });

    await t.step("the header shows reconnecting when the socket drops", async () => {
      live.closeAll();
      await page.locator('.live-indicator[data-state="reconnecting"]').waitFor(WAIT);
      await page.locator('.live-indicator[data-state="live"]').waitFor(WAIT);
    });

    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(cacheDir, { recursive: true });
  }
});
