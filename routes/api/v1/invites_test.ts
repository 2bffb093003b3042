import assert from "node:assert/strict";
import { invitesApi } from "./invites.ts";
import { GOOD_PASSWORD, json, routesFixture } from "./_identity_routes_fixture.ts";

Deno.test("GET /invites/{token} describes a pending invite; 404 unknown, 410 expired", async () => {
  const f = routesFixture();
  const app = f.mount(invitesApi(f.identity));
  const { token, invite } = f.identity.invites.createInvite({
    email: "grace@plant.example",
    role: "operator",
    factory: "plant-a",
    createdBy: "Ada",
  });
  const res = await app.request(`/api/v1/invites/${token}`);
  assert.deepEqual(await res.json(), {
    kind: "invite",
    email: "grace@plant.example",
    factory: "plant-a",
    role: "operator",
    expiresAt: invite.expiresAt,
  });
  assert.equal((await app.request(`/api/v1/invites/${"x".repeat(43)}`)).status, 404);
  f.clock.tick(48 * 3_600_000);
  const gone = await app.request(`/api/v1/invites/${token}`);
  assert.equal(gone.status, 410);
  assert.match((await gone.json()).error.message, /expired/);
  f.close();
});

Deno.test("POST /invites/{token}/accept signs the new user in once", async () => {
  const f = routesFixture();
  const app = f.mount(invitesApi(f.identity));
  const { token } = f.identity.invites.createInvite({
    email: "grace@plant.example",
    role: "operator",
    factory: "plant-a",
    createdBy: "Ada",
  });
  const accept = () =>
    app.request(
      `/api/v1/invites/${token}/accept`,
      json("POST", { name: "Grace", password: GOOD_PASSWORD }),
    );
  const res = await accept();
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.token_type, "bearer");
  assert.equal(body.user.name, "Grace");
  assert.match(res.headers.get("Set-Cookie")!, /^mw_session=/);
  assert.equal((await f.identity.sessions.verify(body.access_token))?.userId, body.user.id);
  assert.equal((await accept()).status, 410);
  assert.equal(f.identity.audit.list({ factory: "plant-a" })[0].action, "user.create");
  f.close();
});
