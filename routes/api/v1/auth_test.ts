import assert from "node:assert/strict";
import { userPrincipal } from "../../../engine/identity/mod.ts";
import { authApi } from "./auth.ts";
import { GOOD_PASSWORD, json, routesFixture } from "./_identity_routes_fixture.ts";

Deno.test("POST /auth/login answers the token, csrf and user, and sets the cookie", async () => {
  const f = routesFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  const app = f.mount(authApi(f.identity));
  const res = await app.request(
    "/api/v1/auth/login",
    json("POST", { email: "ada@plant.example", password: GOOD_PASSWORD }),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.token_type, "bearer");
  assert.equal(body.expires_in, 43_200);
  assert.deepEqual(body.user, {
    id: ada.id,
    email: "ada@plant.example",
    name: "ada",
    role: "operator",
    factory: "plant-a",
  });
  const claims = await f.identity.sessions.verify(body.access_token);
  assert.equal(claims?.userId, ada.id);
  assert.equal(f.identity.checkCsrf(claims!.jti, body.csrf_token), true);
  assert.match(res.headers.get("Set-Cookie")!, /^mw_session=ey.*; HttpOnly; SameSite=Lax$/);
  assert.equal(f.identity.audit.list()[0].ip, "192.0.2.7");
  f.close();
});

Deno.test("POST /auth/login: 401 alike for unknown and wrong, 429 with Retry-After when throttled", async () => {
  const f = routesFixture();
  await f.addUser("ada@plant.example", "operator");
  const app = f.mount(authApi(f.identity));
  const login = (email: string, password: string) =>
    app.request("/api/v1/auth/login", json("POST", { email, password }));
  const unknown = await login("nobody@plant.example", GOOD_PASSWORD);
  const wrong = await login("ada@plant.example", "wrong-password");
  assert.equal(unknown.status, 401);
  assert.equal(wrong.status, 401);
  assert.deepEqual(await unknown.json(), await wrong.json());
  for (let i = 0; i < 4; i++) await login("ada@plant.example", "wrong-password");
  const throttled = await login("ada@plant.example", GOOD_PASSWORD);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get("Retry-After"), "1");
  assert.equal((await app.request("/api/v1/auth/login", json("POST", { email: 1 }))).status, 400);
  f.close();
});

Deno.test("POST /auth/logout revokes this session; logout-all every one", async () => {
  const f = routesFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  const app = f.mount(authApi(f.identity));
  const a = await f.identity.startSession(ada);
  const b = await f.identity.startSession(ada);
  f.caller.principal = userPrincipal(ada);
  f.caller.sessionId = a.jti;
  const out = await app.request("/api/v1/auth/logout", { method: "POST" });
  assert.equal(out.status, 204);
  assert.match(out.headers.get("Set-Cookie")!, /^mw_session=; Path=\/; Max-Age=0/);
  assert.equal(await f.identity.sessions.verify(a.accessToken), null);
  assert.notEqual(await f.identity.sessions.verify(b.accessToken), null);
  f.clock.tick(1);
  assert.equal((await app.request("/api/v1/auth/logout-all", { method: "POST" })).status, 204);
  assert.equal(await f.identity.sessions.verify(b.accessToken), null);
  f.caller.principal = undefined;
  assert.equal((await app.request("/api/v1/auth/logout", { method: "POST" })).status, 401);
  f.close();
});

Deno.test("GET /auth/me shows the user, permissions and the session's CSRF token", async () => {
  const f = routesFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  const app = f.mount(authApi(f.identity));
  f.caller.principal = userPrincipal(ada);
  f.caller.sessionId = "jti-1";
  const body = await (await app.request("/api/v1/auth/me")).json();
  assert.equal(body.user.email, "ada@plant.example");
  assert.deepEqual(body.permissions, ["view", "acknowledge", "reports"]);
  assert.equal(body.csrf_token, f.identity.csrfTokenFor("jti-1"));
  f.close();
});

Deno.test("POST /auth/password checks the current password and hands out a new session", async () => {
  const f = routesFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  const app = f.mount(authApi(f.identity));
  f.caller.principal = userPrincipal(ada);
  const wrong = await app.request(
    "/api/v1/auth/password",
    json("POST", { current: "nope-nope-nope", next: "new-orbit-fjord-43" }),
  );
  assert.equal(wrong.status, 400);
  const weak = await app.request(
    "/api/v1/auth/password",
    json("POST", { current: GOOD_PASSWORD, next: "password" }),
  );
  assert.equal(weak.status, 400);
  assert.match((await weak.json()).error.message, /1,000 most common/);
  const ok = await app.request(
    "/api/v1/auth/password",
    json("POST", { current: GOOD_PASSWORD, next: "new-orbit-fjord-43" }),
  );
  assert.equal(ok.status, 200);
  assert.notEqual(await f.identity.sessions.verify((await ok.json()).access_token), null);
  assert.equal((await f.identity.login("ada@plant.example", "new-orbit-fjord-43", "ip")).ok, true);
  f.close();
});

Deno.test("POST /auth/logout-all and /auth/password need a user, not an API token", async () => {
  const f = routesFixture();
  const app = f.mount(authApi(f.identity));
  f.caller.principal = {
    kind: "api_token",
    id: "t1",
    name: "API token MES",
    role: "viewer",
    factory: "plant-a",
    permissions: new Set(["view"]),
  };
  const all = await app.request("/api/v1/auth/logout-all", { method: "POST" });
  assert.equal(all.status, 400);
  assert.equal((await all.json()).error.message, "Only a signed-in user can sign out everywhere");
  const me = await (await app.request("/api/v1/auth/me")).json();
  assert.deepEqual([me.user, me.principal.kind, me.permissions, me.csrf_token], [
    null,
    "api_token",
    ["view"],
    undefined,
  ]);
  f.close();
});
