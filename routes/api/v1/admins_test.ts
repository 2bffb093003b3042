import assert from "node:assert/strict";
import { Hono } from "hono";
import { userPrincipal } from "../../../engine/identity/mod.ts";
import { adminsApi } from "./admins.ts";
import { usersApi } from "./users.ts";
import { json, NOW, routesFixture } from "./_identity_routes_fixture.ts";

async function setup() {
  const f = routesFixture();
  const root = await f.addUser("root@hq.example", "super_admin");
  const grace = await f.addUser("grace@hq.example", "super_admin");
  const adm = await f.addUser("adm@plant.example", "admin");
  f.caller.principal = userPrincipal(root);
  const api = new Hono();
  api.route("/", adminsApi(f.identity));
  api.route("/", usersApi(f.identity));
  const app = f.mount(api);
  const patch = (id: string, body: unknown) =>
    app.request(`/api/v1/admins/${id}`, json("PATCH", body));
  return { f, root, grace, adm, app, patch };
}

Deno.test("GET /admins lists every super admin with the admin view", async () => {
  const { f, root, grace, app } = await setup();
  const res = await app.request("/api/v1/admins");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    admins: [
      {
        id: grace.id,
        email: "grace@hq.example",
        name: "grace",
        role: "super_admin",
        factory: null,
        disabled: false,
        createdAt: NOW,
      },
      {
        id: root.id,
        email: "root@hq.example",
        name: "root",
        role: "super_admin",
        factory: null,
        disabled: false,
        createdAt: NOW,
      },
    ],
  });
  f.close();
});

Deno.test("PATCH /admins/{id} demotes into a factory, ends sessions, and the factory lists them", async () => {
  const { f, root, grace, app, patch } = await setup();
  const session = await f.identity.startSession(grace);
  f.clock.tick(1);
  const res = await patch(grace.id, { role: "operator", factory: "plant-a", name: "Grace H" });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    id: grace.id,
    email: "grace@hq.example",
    name: "Grace H",
    role: "operator",
    factory: "plant-a",
    disabled: false,
    createdAt: NOW,
  });
  assert.equal(await f.identity.sessions.verify(session.accessToken), null);
  const listed = await (await app.request("/api/v1/factories/plant-a/users")).json();
  assert.deepEqual(listed.users.map((u: { email: string; role: string }) => [u.email, u.role]), [
    ["adm@plant.example", "admin"],
    ["grace@hq.example", "operator"],
  ]);
  assert.deepEqual(
    (await (await app.request("/api/v1/admins")).json()).admins.map((u: { id: string }) => u.id),
    [root.id],
  );
  // No longer a super admin: this route does not reach them any more.
  assert.equal((await patch(grace.id, { disabled: true })).status, 404);
  const records = f.identity.audit.list().map((r) => ({
    factory: r.factory,
    action: r.action,
    target: r.target,
    actor: r.actor.id,
    ip: r.ip,
    detail: r.detail,
  }));
  assert.deepEqual(records, [
    {
      factory: "plant-a",
      action: "admin.rename",
      target: grace.id,
      actor: root.id,
      ip: "192.0.2.7",
      detail: { email: "grace@hq.example", from: "grace", to: "Grace H" },
    },
    {
      factory: "plant-a",
      action: "admin.role",
      target: grace.id,
      actor: root.id,
      ip: "192.0.2.7",
      detail: {
        email: "grace@hq.example",
        from: "super_admin",
        to: "operator",
        factory: "plant-a",
      },
    },
  ]);
  f.close();
});

Deno.test("PATCH /admins/{id} disables (ending sessions) and enables, audited with factory null", async () => {
  const { f, root, grace, app, patch } = await setup();
  const session = await f.identity.startSession(grace);
  f.clock.tick(1);
  const ended: string[] = [];
  f.identity.onSessionsEnded((id) => ended.push(id));
  const disabled = await patch(grace.id, { disabled: true });
  assert.equal(disabled.status, 200);
  assert.equal((await disabled.json()).disabled, true);
  assert.equal(await f.identity.sessions.verify(session.accessToken), null);
  assert.deepEqual(ended, [grace.id]);
  const listed = (await (await app.request("/api/v1/admins")).json()).admins;
  assert.deepEqual(listed.map((u: { id: string; disabled: boolean }) => [u.id, u.disabled]), [
    [grace.id, true],
    [root.id, false],
  ]);
  assert.equal((await (await patch(grace.id, { disabled: false })).json()).disabled, false);
  assert.deepEqual(
    f.identity.audit.list().map((r) => [r.factory, r.action, r.target, r.detail]),
    [
      [null, "admin.enable", grace.id, { email: "grace@hq.example" }],
      [null, "admin.disable", grace.id, { email: "grace@hq.example" }],
    ],
  );
  // Unchanged values change nothing and record nothing.
  assert.equal((await patch(grace.id, { disabled: false, name: "grace" })).status, 200);
  assert.equal(f.identity.audit.list().length, 2);
  f.close();
});

Deno.test("PATCH /admins/{id} refuses changing your own role or disabling yourself (403)", async () => {
  const { f, root, patch } = await setup();
  const demote = await patch(root.id, { role: "admin", factory: "plant-a" });
  assert.equal(demote.status, 403);
  assert.match((await demote.json()).error.message, /your own role/);
  const disable = await patch(root.id, { disabled: true });
  assert.equal(disable.status, 403);
  assert.match((await disable.json()).error.message, /disable yourself/);
  // Renaming yourself is fine.
  assert.equal((await (await patch(root.id, { name: "Root" })).json()).name, "Root");
  assert.equal(f.identity.users.get(root.id)!.role, "super_admin");
  assert.equal(f.identity.users.get(root.id)!.disabled, false);
  f.close();
});

Deno.test("PATCH /admins/{id} refuses to leave no enabled super admin (409), demote or disable", async () => {
  const { f, root, grace, patch } = await setup();
  // Grace is disabled; her request was let in before (a stale principal, as in a race).
  assert.equal((await patch(grace.id, { disabled: true })).status, 200);
  f.caller.principal = userPrincipal(grace);
  for (const body of [{ disabled: true }, { role: "viewer", factory: "plant-a" }]) {
    const res = await patch(root.id, body);
    assert.equal(res.status, 409, JSON.stringify(body));
    assert.match(
      (await res.json()).error.message,
      /root@hq\.example is the last enabled super admin/,
    );
  }
  const after = f.identity.users.get(root.id)!;
  assert.deepEqual([after.role, after.disabled], ["super_admin", false]);
  // Demoting a disabled super admin leaves the enabled one: allowed.
  f.caller.principal = userPrincipal(root);
  const res = await patch(grace.id, { role: "viewer", factory: "plant-b" });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).factory, "plant-b");
  f.close();
});

Deno.test("PATCH /admins/{id}: 404 for a non-super-admin, 400 for bad bodies, nothing changed", async () => {
  const { f, grace, adm, patch } = await setup();
  const notAdmin = await patch(adm.id, { disabled: true });
  assert.equal(notAdmin.status, 404);
  assert.equal((await notAdmin.json()).error.message, `No super admin '${adm.id}'`);
  assert.equal((await patch("no-such-id", { name: "x" })).status, 404);

  const cases: [unknown, RegExp][] = [
    [{ colour: "red", name: "G" }, /^Unknown fields colour; known: name, disabled, role, factory$/],
    [{ role: "admin" }, /needs a factory/],
    [{ role: "admin", factory: "plant-z", name: "New" }, /No factory 'plant-z'/],
    [{ role: "emperor", factory: "plant-a" }, /role must be one of/],
    [{ factory: "plant-a" }, /factory goes with a role other than super_admin/],
    [{ disabled: "yes" }, /disabled must be true or false/],
    [{ name: "  ", disabled: true }, /name must be a non-empty string/],
    [[1, 2], /JSON object/],
  ];
  for (const [body, message] of cases) {
    const res = await patch(grace.id, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match((await res.json()).error.message, message, JSON.stringify(body));
  }
  f.identity.factories.archive("plant-b");
  const archived = await patch(grace.id, { role: "admin", factory: "plant-b" });
  assert.equal(archived.status, 400);
  assert.match((await archived.json()).error.message, /archived/);
  const unchanged = f.identity.users.get(grace.id)!;
  assert.deepEqual([unchanged.name, unchanged.role, unchanged.disabled], [
    "grace",
    "super_admin",
    false,
  ]);
  assert.deepEqual(f.identity.audit.list(), []);
  f.close();
});

Deno.test("/admins is refused to a factory admin (403) even when they name a super admin", async () => {
  const { f, grace, adm, app, patch } = await setup();
  f.caller.principal = userPrincipal(adm);
  const listed = await app.request("/api/v1/admins");
  assert.equal(listed.status, 403);
  assert.equal((await listed.json()).error.message, "Only a super admin manages super admins");
  assert.equal((await patch(grace.id, { disabled: true })).status, 403);
  assert.equal((await patch(adm.id, { disabled: true })).status, 403);
  assert.equal(f.identity.users.get(grace.id)!.disabled, false);
  f.close();
});
