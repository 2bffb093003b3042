import assert from "node:assert/strict";
import { userPrincipal } from "../../../engine/identity/mod.ts";
import { usersApi } from "./users.ts";
import { GOOD_PASSWORD, json, routesFixture } from "./_identity_routes_fixture.ts";

async function setup(options: Parameters<typeof routesFixture>[0] = {}) {
  const f = routesFixture(options);
  const admin = await f.addUser("adm@plant.example", "admin");
  const op = await f.addUser("op@plant.example", "operator");
  const other = await f.addUser("b@plant.example", "viewer", "plant-b");
  f.caller.principal = userPrincipal(admin);
  return { f, admin, op, other, app: f.mount(usersApi(f.identity)) };
}

Deno.test("GET /factories/{f}/users lists the factory's users; another factory is 404", async () => {
  const { f, app } = await setup();
  const body = await (await app.request("/api/v1/factories/plant-a/users")).json();
  assert.deepEqual(body.users.map((u: { email: string }) => u.email), [
    "adm@plant.example",
    "op@plant.example",
  ]);
  assert.equal((await app.request("/api/v1/factories/plant-b/users")).status, 404);
  f.close();
});

Deno.test("PATCH users: role and disable by an admin, with the guard rails", async () => {
  const { f, app, admin, op, other } = await setup();
  const patch = (id: string, body: unknown, factory = "plant-a") =>
    app.request(`/api/v1/factories/${factory}/users/${id}`, json("PATCH", body));
  const promoted = await patch(op.id, { role: "admin", name: "Olga" });
  assert.equal(promoted.status, 200);
  assert.deepEqual(
    (({ role, name }) => ({ role, name }))(await promoted.json()),
    { role: "admin", name: "Olga" },
  );
  assert.equal((await patch(op.id, { role: "super_admin" })).status, 403);
  assert.equal((await patch(admin.id, { disabled: true })).status, 403);
  assert.equal((await patch(admin.id, { role: "viewer" })).status, 403);
  assert.equal((await patch(other.id, { disabled: true })).status, 404);
  assert.equal((await patch(other.id, { disabled: true }, "plant-b")).status, 404);
  assert.equal((await patch(op.id, { colour: "red" })).status, 400);
  assert.equal((await patch(op.id, { name: " Olga  " })).status, 200, "the same name, padded");
  assert.equal((await patch(op.id, { name: "  " })).status, 400);
  const session = await f.identity.startSession(op);
  f.clock.tick(1);
  assert.equal((await (await patch(op.id, { disabled: true })).json()).disabled, true);
  assert.equal(await f.identity.sessions.verify(session.accessToken), null);
  assert.deepEqual(f.identity.audit.list({ factory: "plant-a" }).map((r) => r.action), [
    "user.disable",
    "user.role",
    "user.rename",
  ]);
  f.close();
});

Deno.test("POST invites answers the link once; mailed when a mailer is set", async () => {
  const { f, app } = await setup({ mail: true });
  const res = await app.request(
    "http://mw.local:8000/api/v1/factories/plant-a/invites",
    json("POST", { email: "grace@plant.example", role: "viewer" }),
  );
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.match(body.link, /^http:\/\/mw\.local:8000\/invites\/[A-Za-z0-9_-]{43}$/);
  assert.equal(body.mailed, true);
  assert.deepEqual(Object.keys(body.invite).sort(), [
    "createdAt",
    "createdBy",
    "email",
    "expiresAt",
    "id",
    "role",
  ]);
  const listed = await (await app.request("/api/v1/factories/plant-a/invites")).json();
  assert.deepEqual(listed.invites.map((i: { id: string }) => i.id), [body.invite.id]);
  assert.equal(
    (await app.request(`/api/v1/factories/plant-b/invites/${body.invite.id}`, {
      method: "DELETE",
    })).status,
    404,
  );
  assert.equal(
    (await app.request(`/api/v1/factories/plant-a/invites/${body.invite.id}`, {
      method: "DELETE",
    })).status,
    204,
  );
  const token = body.link.split("/").at(-1);
  assert.throws(() => f.identity.invites.lookup(token), /withdrawn/);
  f.close();
});

Deno.test("POST password-reset gives a link that is not mailed without SMTP", async () => {
  const { f, app, op } = await setup();
  const res = await app.request(`/api/v1/factories/plant-a/users/${op.id}/password-reset`, {
    method: "POST",
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(body.mailed, false);
  const token = body.link.split("/").at(-1);
  await f.identity.invites.accept(token, { password: "new-orbit-fjord-43" });
  assert.equal((await f.identity.login("op@plant.example", GOOD_PASSWORD, "ip")).ok, false);
  f.close();
});
