import assert from "node:assert/strict";
import { GOOD_PASSWORD, identityFixture, NOW } from "./_identity_fixture.ts";
import { hashPassword } from "./password_hash.ts";

Deno.test("Identity.login signs in with the right password, any e-mail case, and audits it", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  const outcome = await f.identity.login("ADA@Plant.example", GOOD_PASSWORD, "10.0.0.1");
  assert.equal(outcome.ok, true);
  if (!outcome.ok) throw new Error("unreachable");
  assert.equal(outcome.user.id, ada.id);
  assert.equal(outcome.session.expiresIn, 43_200);
  assert.match(
    outcome.session.cookie,
    /^mw_session=ey[^;]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/,
  );
  assert.equal((await f.identity.sessions.verify(outcome.session.accessToken))?.userId, ada.id);
  const [record] = f.identity.audit.list({ factory: "plant-a" });
  assert.equal(record.action, "login.success");
  assert.deepEqual(record.actor, { kind: "user", id: ada.id, name: "ada" });
  assert.equal(record.ip, "10.0.0.1");
  f.close();
});

Deno.test("Identity.login gives the same answer for an unknown e-mail and a wrong password", async () => {
  const f = identityFixture();
  await f.addUser("ada@plant.example", "operator");
  assert.deepEqual(await f.identity.login("ada@plant.example", "wrong-password-1", "ip"), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await f.identity.login("nobody@plant.example", GOOD_PASSWORD, "ip"), {
    ok: false,
    reason: "invalid",
  });
  const actions = f.identity.audit.list().map((r) => [r.action, r.detail.reason]);
  assert.deepEqual(actions, [["login.failure", "unknown e-mail"], [
    "login.failure",
    "wrong password",
  ]]);
  f.close();
});

Deno.test("Identity.login is throttled after 5 failures and a success resets the account", async () => {
  const f = identityFixture();
  await f.addUser("ada@plant.example", "operator");
  for (let i = 0; i < 5; i++) await f.identity.login("ada@plant.example", "wrong-pass", "ip");
  assert.deepEqual(await f.identity.login("ada@plant.example", GOOD_PASSWORD, "ip"), {
    ok: false,
    reason: "throttled",
    retryAfterMs: 1000,
  });
  f.clock.tick(1000);
  assert.equal((await f.identity.login("ada@plant.example", GOOD_PASSWORD, "ip")).ok, true);
  assert.equal(f.identity.throttle.failures("ada@plant.example"), 0);
  f.close();
});

Deno.test("Identity.login refuses a disabled user and a user of an archived factory", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  await f.addUser("bob@plant.example", "viewer", "plant-b");
  f.identity.setDisabled(ada.id, true);
  assert.deepEqual(await f.identity.login("ada@plant.example", GOOD_PASSWORD, "ip"), {
    ok: false,
    reason: "disabled",
  });
  f.identity.factories.archive("plant-b");
  assert.deepEqual(await f.identity.login("bob@plant.example", GOOD_PASSWORD, "ip"), {
    ok: false,
    reason: "disabled",
  });
  f.close();
});

Deno.test("Identity.login rehashes a password stored with old parameters", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  f.identity.users.setPasswordHash(
    ada.id,
    await hashPassword(GOOD_PASSWORD, { memoryKiB: 128, iterations: 1, parallelism: 1 }),
  );
  assert.equal((await f.identity.login("ada@plant.example", GOOD_PASSWORD, "ip")).ok, true);
  assert.match(f.identity.users.passwordHash(ada.id)!, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
  f.close();
});

Deno.test("Identity disable, logout-all and password change end sessions and tell listeners", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "admin");
  const ended: string[] = [];
  f.identity.onSessionsEnded((id) => ended.push(id));
  const first = await f.identity.startSession(ada);
  f.clock.tick(10);
  f.identity.logoutAll(ada.id);
  assert.equal(await f.identity.sessions.verify(first.accessToken), null);
  const second = await f.identity.startSession(ada);
  assert.notEqual(await f.identity.sessions.verify(second.accessToken), null);
  f.clock.tick(10);
  const third = await f.identity.changePassword(ada.id, GOOD_PASSWORD, "new-orbit-fjord-43", "ip");
  assert.equal(await f.identity.sessions.verify(second.accessToken), null);
  assert.notEqual(await f.identity.sessions.verify(third.accessToken), null);
  await assert.rejects(
    f.identity.changePassword(ada.id, "wrong-one", "x-orbit-fjord-44", "ip"),
    /The current password is wrong/,
  );
  f.clock.tick(10);
  f.identity.setDisabled(ada.id, true);
  assert.equal(await f.identity.authenticator.authenticate(bearer(third.accessToken)), null);
  assert.deepEqual(ended, [ada.id, ada.id, ada.id]);
  f.close();
});

Deno.test("Identity.logout revokes one session only", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "viewer");
  const a = await f.identity.startSession(ada);
  const b = await f.identity.startSession(ada);
  f.identity.logout(a.jti);
  assert.equal(await f.identity.sessions.verify(a.accessToken), null);
  assert.equal((await f.identity.sessions.verify(b.accessToken))?.jti, b.jti);
  f.close();
});

Deno.test("Authenticator reads bearer JWTs, API tokens and the session cookie", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "operator");
  const session = await f.identity.startSession(ada);
  const viaBearer = await f.identity.authenticator.authenticate(bearer(session.accessToken));
  assert.equal(viaBearer?.credential, "bearer");
  assert.equal(viaBearer?.sessionId, session.jti);
  assert.deepEqual(viaBearer?.principal.factory, "plant-a");
  assert.equal(viaBearer?.principal.permissions.has("acknowledge"), true);
  const viaCookie = await f.identity.authenticator.authenticate(
    new Request("http://x/", { headers: { Cookie: `a=b; mw_session=${session.accessToken}` } }),
  );
  assert.equal(viaCookie?.credential, "cookie");
  assert.equal(viaCookie?.principal.id, ada.id);
  // A bad Authorization header does not fall back to the cookie.
  const mixed = new Request("http://x/", {
    headers: { Authorization: "Bearer nonsense", Cookie: `mw_session=${session.accessToken}` },
  });
  assert.equal(await f.identity.authenticator.authenticate(mixed), null);
  assert.equal(await f.identity.authenticator.authenticate(new Request("http://x/")), null);

  const admin = (await f.identity.authenticator.authenticate(bearer(session.accessToken)))!;
  const { token } = f.identity.apiTokens.create({
    factory: "plant-a",
    name: "MES",
    permissions: ["view"],
    creator: admin.principal,
  });
  const viaToken = await f.identity.authenticator.authenticate(bearer(token));
  assert.equal(viaToken?.principal.kind, "api_token");
  assert.deepEqual([...viaToken!.principal.permissions], ["view"]);
  f.identity.factories.archive("plant-a");
  assert.equal(await f.identity.authenticator.authenticate(bearer(token)), null);
  assert.equal(await f.identity.authenticator.authenticate(bearer(session.accessToken)), null);
  f.close();
});

Deno.test("Authenticator uses the __Host- cookie over TLS and login sets it Secure", async () => {
  const f = identityFixture({ secureCookies: true });
  const ada = await f.addUser("ada@plant.example", "viewer");
  const session = await f.identity.startSession(ada);
  assert.match(session.cookie, /^__Host-mw_session=.*; Path=\/; .*HttpOnly; SameSite=Lax; Secure$/);
  const request = (name: string) =>
    new Request("https://x/", { headers: { Cookie: `${name}=${session.accessToken}` } });
  assert.equal(
    (await f.identity.authenticator.authenticate(request("__Host-mw_session")))?.principal.id,
    ada.id,
  );
  assert.equal(await f.identity.authenticator.authenticate(request("mw_session")), null);
  assert.equal(
    f.identity.clearCookie(),
    "__Host-mw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure",
  );
  f.close();
});

Deno.test("Identity.bootstrapAdmin creates one super admin once, with a generated password", async () => {
  const f = identityFixture();
  const first = await f.identity.bootstrapAdmin({});
  assert.equal(first.created, true);
  if (!first.created) throw new Error("unreachable");
  assert.equal(first.user.email, "admin@localhost");
  assert.equal(first.user.role, "super_admin");
  assert.equal(first.user.factory, null);
  assert.match(first.generatedPassword!, /^[A-Za-z0-9_-]{24}$/);
  assert.equal(
    (await f.identity.login("admin@localhost", first.generatedPassword!, "ip")).ok,
    true,
  );
  assert.deepEqual(await f.identity.bootstrapAdmin({ email: "x@y.z", password: GOOD_PASSWORD }), {
    created: false,
  });
  f.close();
});

Deno.test("Identity.bootstrapAdmin takes ADMIN_EMAIL/ADMIN_PASSWORD and refuses a weak one", async () => {
  const f = identityFixture();
  await assert.rejects(
    f.identity.bootstrapAdmin({ email: "root@plant.example", password: "password" }),
    /ADMIN_PASSWORD cannot be used: This password is one of the 1,000 most common/,
  );
  const made = await f.identity.bootstrapAdmin({
    email: "root@plant.example",
    password: GOOD_PASSWORD,
  });
  assert.equal(made.created && made.generatedPassword, undefined);
  assert.equal((await f.identity.login("root@plant.example", GOOD_PASSWORD, "ip")).ok, true);
  f.close();
});

Deno.test("Identity.deliverInvite mails the link when a mailer is set", async () => {
  const f = identityFixture({ mail: true, publicUrl: "https://mw.example/" });
  const issued = f.identity.invites.createInvite({
    email: "grace@plant.example",
    role: "operator",
    factory: "plant-a",
    createdBy: "Ada",
  });
  const delivered = await f.identity.deliverInvite(issued, "http://ignored");
  assert.deepEqual(delivered, {
    link: `https://mw.example/invites/${issued.token}`,
    mailed: true,
  });
  assert.equal(f.sent.length, 1);
  assert.equal(f.sent[0].to, "grace@plant.example");
  assert.equal(f.sent[0].subject, "You are invited to Plant A on Millwright");
  assert.ok(f.sent[0].text.includes(delivered.link));
  assert.ok(f.sent[0].text.includes(new Date(NOW + 48 * 3_600_000).toISOString().slice(0, 10)));
  f.close();
});

function bearer(token: string): Request {
  return new Request("http://x/", { headers: { Authorization: `Bearer ${token}` } });
}
