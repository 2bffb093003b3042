import assert from "node:assert/strict";
import { userPrincipal } from "../../../engine/identity/mod.ts";
import { auditApi } from "./audit.ts";
import { routesFixture } from "./_identity_routes_fixture.ts";

Deno.test("GET /factories/{f}/audit pages newest first; /audit is for super admins", async () => {
  const f = routesFixture();
  const app = f.mount(auditApi(f.identity));
  for (let i = 0; i < 3; i++) {
    f.identity.audit.record({ factory: "plant-a", actor: null, action: `x.${i}` });
  }
  f.identity.audit.record({ factory: "plant-b", actor: null, action: "y" });
  f.caller.principal = userPrincipal(await f.addUser("adm@plant.example", "admin"));
  const first = await (await app.request("/api/v1/factories/plant-a/audit?limit=2")).json();
  assert.deepEqual(first.entries.map((e: { action: string }) => e.action), ["x.2", "x.1"]);
  const second = await (await app.request(
    `/api/v1/factories/plant-a/audit?limit=2&before=${first.nextBefore}`,
  )).json();
  assert.deepEqual(second.entries.map((e: { action: string }) => e.action), ["x.0"]);
  assert.equal(second.nextBefore, null);
  assert.equal((await app.request("/api/v1/factories/plant-b/audit")).status, 404);
  assert.equal((await app.request("/api/v1/audit")).status, 403);
  assert.equal((await app.request("/api/v1/factories/plant-a/audit?limit=abc")).status, 400);
  f.caller.principal = userPrincipal(await f.addUser("root@plant.example", "super_admin"));
  const all = await (await app.request("/api/v1/audit")).json();
  assert.deepEqual(all.entries.map((e: { action: string }) => e.action), [
    "y",
    "x.2",
    "x.1",
    "x.0",
  ]);
  f.close();
});
