import assert from "node:assert/strict";
import { GOOD_PASSWORD, identityFixture } from "./_identity_fixture.ts";
import { INVITE_VALIDITY_MS } from "./invites.ts";

function invite(f: ReturnType<typeof identityFixture>, email = "grace@plant.example") {
  return f.identity.invites.createInvite({
    email,
    role: "operator",
    factory: "plant-a",
    createdBy: "Ada",
  });
}

Deno.test("InviteStore accept creates the user once; a second use is gone", async () => {
  const f = identityFixture();
  const { token, invite: created } = invite(f);
  assert.equal(created.expiresAt - created.createdAt, INVITE_VALIDITY_MS);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const row = f.db.prepare("SELECT token_hash FROM invites").get() as { token_hash: string };
  assert.notEqual(row.token_hash, token);
  const user = await f.identity.invites.accept(token, { name: "Grace", password: GOOD_PASSWORD });
  assert.deepEqual([user.email, user.name, user.role, user.factory], [
    "grace@plant.example",
    "Grace",
    "operator",
    "plant-a",
  ]);
  await assert.rejects(
    f.identity.invites.accept(token, { name: "Eve", password: GOOD_PASSWORD }),
    (e: Error & { kind?: string }) => e.kind === "gone" && /used already/.test(e.message),
  );
  f.close();
});

Deno.test("InviteStore refuses an expired or unknown link and checks the password policy", async () => {
  const f = identityFixture();
  const { token } = invite(f);
  await assert.rejects(
    f.identity.invites.accept(token, { name: "Grace", password: "password" }),
    /1,000 most common/,
  );
  await assert.rejects(
    f.identity.invites.accept(token, { password: GOOD_PASSWORD }),
    /name must be a non-empty string/,
  );
  f.clock.tick(INVITE_VALIDITY_MS);
  assert.throws(
    () => f.identity.invites.lookup(token),
    (e: Error & { kind?: string }) => e.kind === "gone" && /expired at/.test(e.message),
  );
  assert.throws(
    () => f.identity.invites.lookup("x".repeat(43)),
    (e: Error & { kind?: string }) => e.kind === "not_found",
  );
  f.close();
});

Deno.test("InviteStore refuses existing e-mails and super_admin; re-inviting withdraws the old link", async () => {
  const f = identityFixture();
  await f.addUser("ada@plant.example", "admin");
  assert.throws(() => invite(f, "ADA@plant.example"), /has an account already/);
  assert.throws(
    () =>
      f.identity.invites.createInvite({
        email: "x@plant.example",
        role: "super_admin",
        factory: "plant-a",
        createdBy: "Ada",
      }),
    /a super admin is not invited/,
  );
  const old = invite(f);
  const fresh = invite(f);
  assert.throws(() => f.identity.invites.lookup(old.token), /withdrawn/);
  assert.deepEqual(f.identity.invites.list("plant-a").map((i) => i.id), [fresh.invite.id]);
  assert.throws(() => f.identity.invites.revoke("plant-b", fresh.invite.id), /No invite/);
  f.identity.invites.revoke("plant-a", fresh.invite.id);
  assert.deepEqual(f.identity.invites.list("plant-a"), []);
  f.close();
});

Deno.test("InviteStore password reset sets the password and ends old sessions", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "viewer");
  const session = await f.identity.startSession(ada);
  f.clock.tick(1000);
  const { token, invite: reset } = f.identity.invites.createPasswordReset({
    userId: ada.id,
    createdBy: "Root",
  });
  assert.equal(reset.kind, "password_reset");
  await f.identity.invites.accept(token, { password: "new-orbit-fjord-43" });
  assert.equal(await f.identity.sessions.verify(session.accessToken), null);
  assert.equal((await f.identity.login("ada@plant.example", "new-orbit-fjord-43", "ip")).ok, true);
  await assert.rejects(f.identity.invites.accept(token, { password: "x-orbit-fjord-44" }), /used/);
  f.close();
});
