import assert from "node:assert/strict";
import { userPrincipal } from "../../../engine/identity/mod.ts";
import { factoriesApi } from "./factories.ts";
import { json, routesFixture } from "./_identity_routes_fixture.ts";

Deno.test("GET /factories lists what the caller can reach", async () => {
  const f = routesFixture();
  const app = f.mount(factoriesApi(f.identity));
  f.caller.principal = userPrincipal(await f.addUser("op@plant.example", "operator"));
  const own = await (await app.request("/api/v1/factories")).json();
  assert.deepEqual(own.factories.map((x: { slug: string }) => x.slug), ["plant-a"]);
  assert.equal((await app.request("/api/v1/factories/plant-b")).status, 404);
  f.caller.principal = userPrincipal(await f.addUser("root@plant.example", "super_admin"));
  const all = await (await app.request("/api/v1/factories")).json();
  assert.deepEqual(all.factories.map((x: { slug: string }) => x.slug), ["plant-a", "plant-b"]);
  f.close();
});

Deno.test("POST/PATCH/archive /factories: super admins only, validated, audited", async () => {
  const f = routesFixture();
  const app = f.mount(factoriesApi(f.identity));
  f.caller.principal = userPrincipal(await f.addUser("adm@plant.example", "admin"));
  const body = {
    slug: "plant-c",
    name: "Plant C",
    timeZone: "America/Chicago",
    autoRegister: true,
  };
  assert.equal((await app.request("/api/v1/factories", json("POST", body))).status, 403);
  f.caller.principal = userPrincipal(await f.addUser("root@plant.example", "super_admin"));
  const created = await app.request("/api/v1/factories", json("POST", body));
  assert.equal(created.status, 201);
  assert.deepEqual(
    (({ slug, name, timeZone, autoRegister, archived }) => ({
      slug,
      name,
      timeZone,
      autoRegister,
      archived,
    }))(await created.json()),
    { ...body, archived: false },
  );
  assert.equal((await app.request("/api/v1/factories", json("POST", body))).status, 409);
  const bad = await app.request(
    "/api/v1/factories",
    json("POST", { ...body, slug: "c2", timeZone: "Nowhere/X" }),
  );
  assert.equal(bad.status, 400);
  const renamed = await app.request(
    "/api/v1/factories/plant-c",
    json("PATCH", { name: "Charlie" }),
  );
  assert.equal((await renamed.json()).name, "Charlie");
  assert.equal(
    (await app.request("/api/v1/factories/plant-c", json("PATCH", { slug: "x" }))).status,
    400,
  );
  const archived = await app.request("/api/v1/factories/plant-c/archive", { method: "POST" });
  assert.equal((await archived.json()).archived, true);
  assert.deepEqual(f.identity.audit.list({ factory: "plant-c" }).map((r) => r.action), [
    "factory.archive",
    "factory.update",
    "factory.create",
  ]);
  f.close();
});
