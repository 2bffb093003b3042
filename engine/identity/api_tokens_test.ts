import assert from "node:assert/strict";
import { identityFixture } from "./_identity_fixture.ts";
import { userPrincipal } from "./principal.ts";

Deno.test("ApiTokenStore creates mwt_ tokens hashed at rest and authenticates them", async () => {
  const f = identityFixture();
  const admin = userPrincipal(await f.addUser("ada@plant.example", "admin"));
  const { token, apiToken } = f.identity.apiTokens.create({
    factory: "plant-a",
    name: "MES",
    permissions: ["ingest", "view", "view"],
    creator: admin,
  });
  assert.match(token, /^mwt_[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(apiToken.permissions, ["view", "ingest"]);
  assert.equal(apiToken.createdBy, "ada");
  const stored = f.db.prepare("SELECT token_hash FROM api_tokens").get() as { token_hash: string };
  assert.match(stored.token_hash, /^[0-9a-f]{64}$/);
  const principal = f.identity.apiTokens.authenticate(token)!;
  assert.deepEqual(
    { ...principal, permissions: [...principal.permissions] },
    {
      kind: "api_token",
      id: apiToken.id,
      name: "API token MES",
      role: "viewer",
      factory: "plant-a",
      permissions: ["view", "ingest"],
    },
  );
  // Change the last character (to something else than it is: one token in 16 ends in "A").
  const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
  assert.equal(f.identity.apiTokens.authenticate(tampered), null);
  f.close();
});

Deno.test("ApiTokenStore scopes: never manage_factories, never more than the creator", async () => {
  const f = identityFixture();
  const operator = userPrincipal(await f.addUser("op@plant.example", "operator"));
  const make = (permissions: unknown, factory = "plant-a") =>
    f.identity.apiTokens.create({ factory, name: "t", permissions, creator: operator });
  assert.throws(() => make(["manage_rules"]), /you do not hold it yourself/);
  assert.throws(() => make(["manage_factories"]), /cannot hold manage_factories/);
  assert.throws(() => make([]), /non-empty list/);
  assert.throws(() => make(["fly"]), /Unknown permission 'fly'/);
  assert.throws(() => make(["view"], "plant-b"), /No factory 'plant-b'/);
  assert.equal(make(["view", "acknowledge"]).apiToken.permissions.length, 2);
  f.close();
});

Deno.test("ApiTokenStore revokes per factory and updates last use at most once a minute", async () => {
  const f = identityFixture();
  const admin = userPrincipal(await f.addUser("ada@plant.example", "admin"));
  const { token, apiToken } = f.identity.apiTokens.create({
    factory: "plant-a",
    name: "MES",
    permissions: ["view"],
    creator: admin,
  });
  const start = f.clock.now();
  f.identity.apiTokens.authenticate(token);
  f.clock.tick(59_999);
  f.identity.apiTokens.authenticate(token);
  assert.equal(f.identity.apiTokens.list("plant-a")[0].lastUsedAt, start);
  f.clock.tick(1);
  f.identity.apiTokens.authenticate(token);
  assert.equal(f.identity.apiTokens.list("plant-a")[0].lastUsedAt, start + 60_000);
  assert.throws(() => f.identity.apiTokens.revoke("plant-b", apiToken.id), /No API token/);
  f.identity.apiTokens.revoke("plant-a", apiToken.id);
  assert.equal(f.identity.apiTokens.authenticate(token), null);
  f.close();
});
