/**
 * The learning pages in process: the fault models page (mounted here as
 * pages.ts will mount it), and the machine page's prediction island and
 * label buttons.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { EventBus } from "../engine/bus.ts";
import { FakeClock } from "../engine/fake_clock.ts";
import { type Role, ROLE_PERMISSIONS } from "../engine/identity/principal.ts";
import { inProcessTrainer, OperatorLearning } from "../engine/learning/mod.ts";
import { testWindow } from "../engine/learning/_test_windows.ts";
import type { MachineDirectory, MachineView } from "../engine/machine_view.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import type { TimeSeriesStore } from "../engine/store/time_series_store.ts";
import NotFoundPage from "../routes/_404.tsx";
import * as modelsRoute from "../routes/factories/[factory]/models.tsx";
import { mountRoute, type PageSession } from "./islands_layer/mod.ts";
import { createPages } from "./pages.ts";

const NOW = 1_800_000_000_000;
const cacheDir = await Deno.makeTempDir({ prefix: "millwright-learning-pages-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

const view: MachineView = {
  factory: "plant-1",
  machine: "press-01",
  status: "normal",
  firstSeen: NOW - 60_000,
  lastSeen: NOW,
  metrics: ["oil_temp"],
  latest: {},
  anomaliesLastHour: 0,
};
const directory: MachineDirectory = {
  factories: () => ["plant-1"],
  machines: () => [view],
  machine: (f, m) => f === "plant-1" && m === "press-01" ? view : undefined,
  recent: () => [],
};
const store: TimeSeriesStore = {
  write: () => Promise.resolve(),
  queryRange: () => Promise.resolve([]),
  listSeries: () => Promise.resolve([]),
  latest: () => Promise.resolve({}),
  close: () => Promise.resolve(),
};

function session(role: Role, factory = "plant-1"): PageSession {
  return {
    user: { id: role, name: role, role, factory, permissions: [...ROLE_PERMISSIONS[role]] },
  };
}
const SESSIONS: Record<string, PageSession> = {
  admin: session("admin"),
  operator: session("operator"),
  viewer: session("viewer"),
  elsewhere: session("admin", "plant-2"),
};

function islandProps(html: string, name: string): Record<string, unknown> {
  const marker = new RegExp(`data-island="${name}" data-island-props="([^"]+)"`).exec(html);
  assert.ok(marker, `no island ${name} in the page`);
  const script = new RegExp(`<script type="application/json" id="${marker[1]}">(.*?)</script>`)
    .exec(html);
  assert.ok(script, `no props of island ${name}`);
  return JSON.parse(script[1]);
}

async function modelsApp() {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const learning = new OperatorLearning({
    db,
    clock,
    store,
    bus: new EventBus(),
    applySensitivity: () => {},
    machines: () => [],
    trainer: inProcessTrainer,
    training: { folds: 3, trees: 5, minPerClass: 3 },
  });
  for (const cls of ["normal", "overheating"] as const) {
    for (let i = 0; i < 4; i++) {
      learning.labels.add(
        {
          factory: "plant-1",
          machine: "press-01",
          ts: NOW - i,
          label: cls === "normal" ? "normal" : "fault",
          ...(cls === "normal" ? {} : { faultClass: cls }),
          by: "ana",
        },
        "press",
        testWindow(cls, i),
      );
    }
  }
  learning.training.request("plant-1", "press", "ana");
  await learning.training.idle();
  learning.models.activate("plant-1", "press", 1, "ana");
  const app = new Hono();
  mountRoute(app, "/factories/:factory/models", modelsRoute, {
    state: { learning },
    assets: { styles: [], scripts: [] },
    notFound: NotFoundPage,
    session: (c) => SESSIONS[c.req.header("x-test-session") ?? ""],
  });
  const get = (path: string, who?: string) =>
    app.request(path, { headers: who === undefined ? {} : { "x-test-session": who } });
  return { get, close: () => db.close() };
}

Deno.test("the models page hands the island each type's labels, versions, F1 and confusion", async () => {
  const { get, close } = await modelsApp();
  const response = await get("/factories/plant-1/models", "admin");
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<h1 class="page-title">Fault models<\/h1>/);
  const props = islandProps(html, "ModelAdmin") as {
    canManage: boolean;
    types: Array<{ machineType: string; labelCount: number; activeVersion: number }>;
    versions: Array<{ version: number; state: string; evaluation: { confusion: number[][] } }>;
  };
  assert.equal(props.canManage, true);
  assert.deepEqual(props.types.map((t) => [t.machineType, t.labelCount, t.activeVersion]), [
    ["press", 8, 1],
  ]);
  assert.equal(props.versions[0].state, "ready");
  assert.deepEqual(props.versions[0].evaluation.confusion, [[4, 0], [0, 4]]);
  // The server render already shows the confusion matrix and the active version.
  assert.match(html, /Confusion matrix/);
  assert.match(html, /data-version="1" data-state="ready"/);
  close();
});

Deno.test("the models page is read-only for operators and hidden from other factories", async () => {
  const { get, close } = await modelsApp();
  const operator = islandProps(
    await (await get("/factories/plant-1/models", "operator")).text(),
    "ModelAdmin",
  );
  assert.equal(operator.canManage, false);
  const viewerHtml = await (await get("/factories/plant-1/models", "viewer")).text();
  assert.doesNotMatch(viewerHtml, /Train a new version/);
  assert.equal((await get("/factories/plant-1/models", "elsewhere")).status, 404);
  assert.equal((await get("/factories/not%20an%20id/models", "admin")).status, 404);
  close();
});

Deno.test("the machine page carries the prediction island and label buttons for those who may label", async () => {
  const pages = await createPages({
    directory,
    store,
    cacheDir,
    clock: new FakeClock(NOW),
    session: (c) => SESSIONS[c.req.header("x-test-session") ?? ""],
  });
  const page = (who: string) =>
    pages.request("/factories/plant-1/machines/press-01", { headers: { "x-test-session": who } });
  const operatorHtml = await (await page("operator")).text();
  assert.deepEqual(islandProps(operatorHtml, "MachinePredictions"), {
    factory: "plant-1",
    machine: "press-01",
    initial: null,
  });
  assert.equal(islandProps(operatorHtml, "MachineLive").canLabel, true);
  assert.match(operatorHtml, /href="\/factories\/plant-1\/models">Models<\/a>/);
  assert.equal(islandProps(await (await page("viewer")).text(), "MachineLive").canLabel, false);
});
