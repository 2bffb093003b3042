import assert from "node:assert/strict";
import { NOW, routeFixture } from "./_route_fixture.ts";
import { latestApi } from "./latest.ts";

Deno.test("latest answers the newest stored value of each metric, filtered by metric", async () => {
  const fixture = routeFixture();
  fixture.seen("demo", "press-01");
  const app = fixture.mount(latestApi(fixture));
  const ref = { factory: "demo", machine: "press-01" };
  await fixture.store.write([
    { ...ref, metric: "oil", ts: NOW - 2_000, value: 40 },
    { ...ref, metric: "oil", ts: NOW - 1_000, value: 41 },
    { ...ref, metric: "oil", ts: NOW - 5_000, value: 39 },
    { ...ref, metric: "rpm", ts: NOW - 3_000, value: 900 },
  ]);
  const all = await (await app.request("/api/v1/factories/demo/machines/press-01/latest")).json();
  assert.deepEqual(all, {
    factory: "demo",
    machine: "press-01",
    latest: { oil: { ts: NOW - 1_000, value: 41 }, rpm: { ts: NOW - 3_000, value: 900 } },
  });
  const one =
    await (await app.request("/api/v1/factories/demo/machines/press-01/latest?metric=rpm"))
      .json();
  assert.deepEqual(one.latest, { rpm: { ts: NOW - 3_000, value: 900 } });
  assert.equal((await app.request("/api/v1/factories/demo/machines/ghost/latest")).status, 404);
  const bad = await app.request("/api/v1/factories/demo/machines/press-01/latest?from=0");
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /Unknown parameter 'from'/);
  fixture.close();
});
