import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { verifySecret } from "./device_credentials.ts";
import { ProvisioningKeyStore } from "./provisioning_keys.ts";

const NOW = Date.UTC(2027, 0, 15, 8);

Deno.test("ProvisioningKeyStore creates a key shown once and verifies it", async () => {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const keys = new ProvisioningKeyStore(db, { clock });
  const { key, secret } = await keys.create({ factory: "demo", createdBy: "u_admin" });
  assert.match(key.id, /^p_[a-z2-7]{16}$/);
  assert.deepEqual(key, {
    id: key.id,
    factory: "demo",
    name: "demo provisioning",
    createdBy: "u_admin",
    createdAt: NOW,
    lastUsedAt: null,
    revokedAt: null,
  });
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  clock.tick(2_000);
  assert.equal((await keys.verify(key.id, secret))?.lastUsedAt, NOW + 2_000);
  assert.equal(keys.get(key.id)?.lastUsedAt, NOW + 2_000);
  assert.equal(await keys.verify(key.id, "wrong"), undefined);
  const [live] = keys.live();
  assert.equal(live.id, key.id);
  assert.equal(await verifySecret(secret, live.hash), true);
  db.close();
});

Deno.test("ProvisioningKeyStore scopes revocation by factory and refuses revoked keys", async () => {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const keys = new ProvisioningKeyStore(db, { clock });
  const a = await keys.create({ factory: "demo", name: "line 2 gateway", createdBy: "u" });
  await keys.create({ factory: "other", createdBy: "u" });
  assert.deepEqual(keys.list("demo").map((k) => k.name), ["line 2 gateway"]);
  assert.equal(keys.revoke(a.key.id, "other"), undefined);
  assert.equal(keys.get(a.key.id)?.revokedAt, null);
  clock.tick(7);
  assert.equal(keys.revoke(a.key.id, "demo")?.revokedAt, NOW + 7);
  assert.equal(await keys.verify(a.key.id, a.secret), undefined);
  assert.deepEqual(keys.live().map((k) => k.factory), ["other"]);
  await assert.rejects(
    () => keys.create({ factory: "no such/factory", createdBy: "u" }),
    /'factory' must match/,
  );
  db.close();
});
