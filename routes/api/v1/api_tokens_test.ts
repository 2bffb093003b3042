import assert from "node:assert/strict";
import { userPrincipal } from "../../../engine/identity/mod.ts";
import { apiTokensApi } from "./api_tokens.ts";
import { json, routesFixture } from "./_identity_routes_fixture.ts";

Deno.test("API token routes create (shown once), list without secrets, revoke per factory", async () => {
  const f = routesFixture();
  const app = f.mount(apiTokensApi(f.identity));
  f.caller.principal = userPrincipal(await f.addUser("adm@plant.example", "admin"));
  const res = await app.request(
    "/api/v1/factories/plant-a/api-tokens",
    json("POST", { name: "MES", permissions: ["view", "ingest"] }),
  );
  assert.equal(res.status, 201);
  const { token, apiToken } = await res.json();
  assert.match(token, /^mwt_/);
  assert.deepEqual(apiToken.permissions, ["view", "ingest"]);
  const listed = await (await app.request("/api/v1/factories/plant-a/api-tokens")).text();
  assert.equal(listed.includes(token), false);
  assert.equal(JSON.parse(listed).apiTokens[0].id, apiToken.id);
  const tooMuch = await app.request(
    "/api/v1/factories/plant-a/api-tokens",
    json("POST", { name: "X", permissions: ["manage_factories"] }),
  );
  assert.equal(tooMuch.status, 400);
  assert.equal((await app.request("/api/v1/factories/plant-b/api-tokens")).status, 404);
  const del = (factory: string) =>
    app.request(`/api/v1/factories/${factory}/api-tokens/${apiToken.id}`, { method: "DELETE" });
  assert.equal((await del("plant-b")).status, 404);
  assert.equal((await del("plant-a")).status, 204);
  assert.equal(f.identity.apiTokens.authenticate(token), null);
  f.close();
});
