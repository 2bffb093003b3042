import assert from "node:assert/strict";
import { FakeClock } from "../engine/fake_clock.ts";
import type { MachineDirectory, MachineView } from "../engine/machine_view.ts";
import type { RangeQuery, TimeSeriesStore } from "../engine/store/time_series_store.ts";
import { type BundleEntry, type BundleOutput, esbuildBundler } from "./islands_layer/mod.ts";
import { createPages, createPagesWithBundle, PAGE_CSP, type PagesDeps } from "./pages.ts";

const NOW = 1_800_000_000_000;
const WINDOW = 5 * 60_000;

// One cache for the file: esbuild runs for the first createPages only.
const cacheDir = await Deno.makeTempDir({ prefix: "millwright-pages-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

function view(machine: string, overrides: Partial<MachineView> = {}): MachineView {
  return {
    factory: "plant-1",
    machine,
    status: "normal",
    firstSeen: NOW - 3_600_000,
    lastSeen: NOW - 2_000,
    metrics: ["temperature", "pressure"],
    latest: {
      temperature: { ts: NOW - 2_000, value: 71.25, anomalous: true },
      pressure: { ts: NOW - 2_000, value: 4.2, anomalous: false },
    },
    anomaliesLastHour: 2,
    ...overrides,
  };
}

/** press-01 has temperature history in memory only; its pressure is in the store only. */
function fakeDirectory(views: MachineView[]): MachineDirectory {
  return {
    factories: () => [...new Set(views.map((v) => v.factory))].sort(),
    machines: (factory) => views.filter((v) => v.factory === factory),
    machine: (factory, machine) =>
      views.find((v) => v.factory === factory && v.machine === machine),
    recent: (_factory, _machine, metric) =>
      metric === "temperature"
        ? Array.from({ length: 400 }, (_, i) => [NOW - (400 - i) * 1_000, 70 + (i % 5)] as const)
        : [],
  };
}

function fakeStore(queries: RangeQuery[] = [], fail = false): TimeSeriesStore {
  return {
    write: () => Promise.resolve(),
    queryRange: (query) => {
      queries.push(query);
      if (fail) return Promise.reject(new Error("store is down"));
      return Promise.resolve(query.metrics.map((metric) => ({
        metric,
        points: [[NOW - 200_000, 4.1], [NOW - 100_000, 4.15]] as const,
      })));
    },
    listSeries: () => Promise.resolve([]),
    latest: () => Promise.resolve({}),
    close: () => Promise.resolve(),
  };
}

function deps(overrides: Partial<PagesDeps> = {}): PagesDeps {
  return {
    directory: fakeDirectory([view("press-01"), view("mill-02", { status: "stale" })]),
    store: fakeStore(),
    cacheDir,
    clock: new FakeClock(NOW),
    ...overrides,
  };
}

/** The props of the first island named `name` in a page. */
function islandProps(html: string, name: string): unknown {
  const marker = new RegExp(`data-island="${name}" data-island-props="([^"]+)"`).exec(html);
  assert.ok(marker, `no island ${name} in the page`);
  const script = new RegExp(`<script type="application/json" id="${marker[1]}">(.*?)</script>`)
    .exec(html);
  assert.ok(script, `no props of island ${name}`);
  return JSON.parse(script[1]);
}

Deno.test("createPages renders the overview with a tile per machine and the island's props", async () => {
  const app = await createPages(deps());
  const response = await app.request("/factories/plant-1");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(response.headers.get("content-security-policy"), PAGE_CSP);
  const html = await response.text();
  assert.match(
    html,
    /<a class="tile status--normal" href="\/factories\/plant-1\/machines\/press-01"/,
  );
  assert.match(
    html,
    /<a class="tile status--stale" href="\/factories\/plant-1\/machines\/mill-02"/,
  );
  assert.match(html, /<span class="tile-value">71.25<\/span>/);
  assert.match(html, /<b>1<\/b> Stale/);
  assert.match(html, /data-island="LiveIndicator"/);
  const props = islandProps(html, "FactoryOverview") as {
    factory: string;
    serverNow: number;
    tiles: Array<{ machine: string; spark: Record<string, number[]>; anomaliesLastHour: number }>;
  };
  assert.equal(props.factory, "plant-1");
  assert.equal(props.serverNow, NOW);
  const press = props.tiles.find((t) => t.machine === "press-01")!;
  assert.deepEqual(props.tiles.map((t) => t.machine).sort(), ["mill-02", "press-01"]);
  assert.equal(press.spark.temperature.length, 60);
  assert.deepEqual(press.spark.pressure, []);
  assert.equal(press.anomaliesLastHour, 2);
});

Deno.test("createPages seeds machine charts from memory, else from the store", async () => {
  const queries: RangeQuery[] = [];
  const app = await createPages(deps({ store: fakeStore(queries) }));
  const response = await app.request("/factories/plant-1/machines/press-01");
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<h1 class="machine-name">press-01<\/h1>/);
  assert.match(html, /<figure class="chart-panel" data-metric="temperature">/);
  assert.match(html, /<figure class="chart-panel" data-metric="pressure">/);
  assert.match(html, /<tr class="is-anomalous" data-metric="temperature">/);
  const props = islandProps(html, "MachineLive") as {
    windowMs: number;
    seed: { series: Record<string, { ts: number[]; values: number[]; flagged: number[] }> };
  };
  assert.equal(props.windowMs, WINDOW);
  const temperature = props.seed.series.temperature;
  assert.equal(temperature.ts.length, 300, "memory points of the last 5 min");
  assert.ok(temperature.ts[0] >= NOW - WINDOW);
  assert.deepEqual(temperature.flagged, [NOW - 2_000]);
  assert.deepEqual(queries, [{
    factory: "plant-1",
    machine: "press-01",
    metrics: ["pressure"],
    from: NOW - WINDOW,
    to: NOW,
  }]);
  assert.deepEqual(props.seed.series.pressure, {
    ts: [NOW - 200_000, NOW - 100_000, NOW - 2_000],
    values: [4.1, 4.15, 4.2],
    flagged: [],
  });
});

Deno.test("createPages renders a machine's rolling windows from its actor, or says why there are none", async () => {
  const windows = {
    temperature: {
      count: 120,
      mean: 71.5,
      stddev: 0.75,
      min: 70,
      max: 74,
      from: NOW - 120_000,
      to: NOW - 2_000,
    },
  };
  const asked: string[] = [];
  const app = await createPages(deps({
    windowStats: (ref) => {
      asked.push(ref.machine);
      return ref.machine === "press-01" ? windows : undefined;
    },
  }));
  const html = await (await app.request("/factories/plant-1/machines/press-01")).text();
  const row = /<tr data-metric="temperature"[^>]*>(.*?)<\/tr>/.exec(html)?.[1] ?? "";
  assert.deepEqual(
    [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]),
    ["120", "71.5", "0.75", "70", "74"],
  );
  assert.deepEqual(islandProps(html, "WindowStats"), {
    factory: "plant-1",
    machine: "press-01",
    initial: windows,
  });
  const idle = await (await app.request("/factories/plant-1/machines/mill-02")).text();
  assert.match(idle, /No windows to show: the machine(?:'|&#39;)s actor is restarting/);
  assert.deepEqual(asked, ["press-01", "mill-02"]);
});

Deno.test("createPages still renders a machine when the store fails", async () => {
  const errors: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const app = await createPages(deps({ store: fakeStore([], true) }));
    const response = await app.request("/factories/plant-1/machines/press-01");
    assert.equal(response.status, 200);
    await response.body?.cancel();
  } finally {
    console.error = error;
  }
  assert.equal(errors.length, 1);
  assert.match(String(errors[0][0]), /cannot read the last 300000 ms from the store/);
});

Deno.test("createPages answers unknown factories and machines with the 404 page", async () => {
  const app = await createPages(deps());
  const cases: Array<[string, RegExp]> = [
    ["/factories/plant-9", /No factory named &#39;plant-9&#39;|No factory named 'plant-9'/],
    ["/factories/plant-1/machines/lathe-07", /No machine named .lathe-07. has reported/],
    ["/factories/plant-1/machines/bad%20name", /No machine named .bad name./],
  ];
  for (const [path, message] of cases) {
    const response = await app.request(path);
    assert.equal(response.status, 404, path);
    const html = await response.text();
    assert.match(html, /<h1 id="not-found-title" class="empty-title">Not found<\/h1>/);
    assert.match(html, message);
  }
});

Deno.test("createPages sends / to the only factory, lists several, and explains an empty start", async () => {
  const one = await createPages(deps());
  const redirect = await one.request("/");
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get("location"), "/factories/plant-1");

  const several = await createPages(deps({
    directory: fakeDirectory([view("a"), view("b", { factory: "plant-2", status: "quarantined" })]),
  }));
  const list = await (await several.request("/")).text();
  assert.match(list, /href="\/factories\/plant-1"/);
  assert.match(list, /href="\/factories\/plant-2"/);
  assert.match(list, /<b>1<\/b> Quarantined/);

  const none = await createPages(deps({ directory: fakeDirectory([]), mqttPort: 1884 }));
  const empty = await none.request("http://plant.example:8000/");
  assert.equal(empty.status, 200);
  const html = await empty.text();
  assert.match(html, /No machine has reported yet/);
  assert.match(html, /mosquitto_pub -h plant.example -p 1884/);
  assert.match(html, /<meta http-equiv="refresh" content="3"\/>/);
});

Deno.test("createPages serves the bundle as immutable and static assets", async () => {
  const { app, bundle } = await createPagesWithBundle(deps());
  const html = await (await app.request("/factories/plant-1")).text();
  assert.match(html, new RegExp(`<script type="module" src="/_islands/${bundle.fileName}">`));

  const script = await app.request(`/_islands/${bundle.fileName}`);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
  const code = await script.text();
  assert.match(code, /data-island/);
  assert.match(code, new RegExp(`sourceMappingURL=${bundle.fileName}\\.map`));
  assert.equal((await app.request(`/_islands/${bundle.fileName}.map`)).status, 200);
  const stale = await app.request("/_islands/app-0000000000000000.js");
  assert.equal(stale.status, 404);
  await stale.body?.cancel();

  const css = await app.request("/static/styles.css");
  assert.equal(css.status, 200);
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  const etag = css.headers.get("etag")!;
  await css.body?.cancel();
  const again = await app.request("/static/styles.css", { headers: { "if-none-match": etag } });
  assert.equal(again.status, 304);
  const uplot = await app.request("/static/uPlot.min.css");
  assert.equal(uplot.status, 200);
  assert.match(await uplot.text(), /\.uplot/);
  for (const path of ["/static/..%2Fdeno.json", "/static/%2E%2E/deno.json", "/static/nope.css"]) {
    const response = await app.request(path);
    assert.equal(response.status, 404, path);
    await response.body?.cancel();
  }
});

Deno.test("createPages reuses the cached bundle on a second start without running esbuild", async () => {
  const freshCache = await Deno.makeTempDir({ prefix: "millwright-pages-cache-" });
  try {
    let builds = 0;
    const counting = (entry: BundleEntry): Promise<BundleOutput> => {
      builds++;
      return esbuildBundler(entry);
    };
    const first = await createPagesWithBundle(deps({ cacheDir: freshCache, bundler: counting }));
    const second = await createPagesWithBundle(deps({ cacheDir: freshCache, bundler: counting }));
    assert.equal(builds, 1);
    assert.equal(first.bundle.fromCache, false);
    assert.equal(second.bundle.fromCache, true);
    assert.equal(second.bundle.fileName, first.bundle.fileName);
    assert.deepEqual(second.bundle.code, first.bundle.code);
    // Every file of islands/ is an island of the bundle.
    const files = [...Deno.readDirSync(new URL("../islands", import.meta.url))]
      .filter((f) => f.name.endsWith(".tsx"))
      .map((f) => f.name.replace(/\.tsx$/, ""))
      .sort();
    assert.deepEqual(first.bundle.islands, files);
    assert.ok(files.includes("MachineLive") && files.includes("FactoryOverview"));
  } finally {
    await Deno.remove(freshCache, { recursive: true });
  }
});

Deno.test("createPages checks its options", async () => {
  await assert.rejects(
    createPages(deps({ windowMs: 0 })),
    /'windowMs' must be positive: current value is 0/,
  );
  await assert.rejects(
    createPages(deps({ mqttPort: 70_000 })),
    /'mqttPort' must be a TCP port: current value is 70000/,
  );
});

Deno.test("createPages shows a registered factory before its first machine reports", async () => {
  const app = await createPages(deps({
    directory: fakeDirectory([]),
    factories: { isActive: (slug) => slug === "bakery" },
  }));
  const registered = await app.request("/factories/bakery");
  assert.equal(registered.status, 200);
  const html = await registered.text();
  assert.match(html, /No machine of this factory has reported yet/);
  assert.match(html, /href="\/factories\/bakery\/devices"/);
  const unknown = await app.request("/factories/nowhere");
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});
