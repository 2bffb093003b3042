import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import {
  DeviceCredentialStore,
  hashSecret,
  MOSQUITTO_PBKDF2_ITERATIONS,
  newCredentialId,
  newSecret,
  verifySecret,
} from "./device_credentials.ts";

const NOW = Date.UTC(2027, 0, 15, 8);

Deno.test("hashSecret writes mosquitto's $7$ PBKDF2-SHA512 format (Python hashlib vector)", async () => {
  const salt = Uint8Array.from({ length: 12 }, (_, i) => i);
  assert.equal(
    await hashSecret("correct horse battery staple", { salt }),
    "$7$101$AAECAwQFBgcICQoL$cJ75j/0MokIxIQCU/t1k7JBGVfwD3W1st+OyLYF0EzgRLNjRyexylNuHrNThmUCWBWt20yys3R1zS31q5smg/w==",
  );
  assert.equal(
    await hashSecret("x", { salt, iterations: 2 }),
    "$7$2$AAECAwQFBgcICQoL$2kQeFID/95VM0c92tQljltk5JDqgGwwiLw6idh9qGqW/5eAAlPEgBVZryqGLrNnfzLXU6Lag7RfKngFBCGupaw==",
  );
  assert.equal(MOSQUITTO_PBKDF2_ITERATIONS, 101);
});

Deno.test("hashSecret makes a fresh 12-byte salt each time", async () => {
  const a = await hashSecret("same");
  const b = await hashSecret("same");
  assert.notEqual(a, b);
  assert.match(a, /^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
});

Deno.test("verifySecret accepts a hash written by Debian's mosquitto_passwd", async () => {
  // `mosquitto_passwd -c -b pw user hello` (mosquitto 2.0.11).
  const stored =
    "$7$101$FuEOWlhv5LVoBd33$gTQkjHkeDPCKh3BSmjFK+sOoEt0xCLw/FfMbxT4bWSnHcTVr8D7oRQ0E0DyeQmjIlH5fqJsZlmFtW69ixy56Kw==";
  assert.equal(await verifySecret("hello", stored), true);
  assert.equal(await verifySecret("hellO", stored), false);
});

Deno.test("verifySecret refuses malformed hashes", async () => {
  for (const stored of ["", "$6$abc$def", "$7$x$AAAA$AAAA", "$7$0$AAAA$AAAA", "plain"]) {
    assert.equal(await verifySecret("plain", stored), false, stored);
  }
});

Deno.test("hashSecret refuses a non-positive iteration count", async () => {
  await assert.rejects(
    () => hashSecret("x", { iterations: 0 }),
    new RangeError("Cannot hash: 'iterations' must be a positive integer: current value is 0"),
  );
});

Deno.test("newCredentialId and newSecret are safe as MQTT usernames and in shells", () => {
  const id = newCredentialId("d_");
  assert.match(id, /^d_[a-z2-7]{16}$/);
  assert.match(newCredentialId("p_"), /^p_[a-z2-7]{16}$/);
  assert.notEqual(newCredentialId("d_"), newCredentialId("d_"));
  const secret = newSecret();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(atob(secret.replaceAll("-", "+").replaceAll("_", "/") + "=").length, 32);
});

function store() {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  return { clock, db, credentials: new DeviceCredentialStore(db, { clock }) };
}

Deno.test("DeviceCredentialStore creates, verifies and records the last use", async () => {
  const { clock, db, credentials } = store();
  const { credential, password } = await credentials.create({
    factory: "demo",
    machine: "press-01",
    name: "  PLC gateway ",
    createdBy: "u_admin",
  });
  assert.match(credential.id, /^d_[a-z2-7]{16}$/);
  assert.deepEqual(credential, {
    id: credential.id,
    factory: "demo",
    machine: "press-01",
    name: "PLC gateway",
    createdBy: "u_admin",
    createdAt: NOW,
    lastUsedAt: null,
    revokedAt: null,
  });
  assert.equal("hash" in credential, false);
  clock.tick(5_000);
  const verified = await credentials.verify(credential.id, password);
  assert.equal(verified?.lastUsedAt, NOW + 5_000);
  assert.equal(credentials.get(credential.id)?.lastUsedAt, NOW + 5_000);
  assert.equal(await credentials.verify(credential.id, password + "x"), undefined);
  assert.equal(await credentials.verify("d_unknown", password), undefined);
  // The stored hash is mosquitto's format, checked against the password.
  const [live] = credentials.live();
  assert.equal(await verifySecret(password, live.hash), true);
  db.close();
});

Deno.test("DeviceCredentialStore keeps several live credentials per machine and revokes one", async () => {
  const { clock, db, credentials } = store();
  const a = await credentials.create({ factory: "demo", machine: "m1", createdBy: "u" });
  clock.tick(1);
  const b = await credentials.create({ factory: "demo", machine: "m1", createdBy: "u" });
  await credentials.create({ factory: "other", machine: "m1", createdBy: "u" });
  assert.equal(a.credential.name, "m1");
  assert.deepEqual(credentials.list("demo").map((c) => c.id), [b.credential.id, a.credential.id]);
  assert.deepEqual(credentials.list("demo", "m2"), []);
  clock.tick(10);
  assert.equal(credentials.revoke(a.credential.id, "other"), undefined);
  assert.equal(credentials.revoke(a.credential.id, "demo")?.revokedAt, NOW + 11);
  clock.tick(10);
  assert.equal(credentials.revoke(a.credential.id)?.revokedAt, NOW + 11);
  assert.equal(await credentials.verify(a.credential.id, a.password), undefined);
  assert.equal((await credentials.verify(b.credential.id, b.password))?.id, b.credential.id);
  assert.deepEqual(
    credentials.live().map((c) => `${c.factory}/${c.id}`).sort(),
    credentials.list("demo").concat(credentials.list("other"))
      .filter((c) => c.revokedAt === null).map((c) => `${c.factory}/${c.id}`).sort(),
  );
  assert.equal(credentials.live().length, 2);
  db.close();
});

Deno.test("DeviceCredentialStore refuses bad ids and names with a clear message", async () => {
  const { db, credentials } = store();
  await assert.rejects(
    () => credentials.create({ factory: "demo", machine: "a/#", createdBy: "u" }),
    new RangeError(`'machine' must match ^[A-Za-z0-9_.-]{1,64}$: current value is "a/#"`),
  );
  await assert.rejects(
    () => credentials.create({ factory: "demo", machine: "m", name: " ", createdBy: "u" }),
    /'name' must be 1 to 100 printable characters: current value is " "/,
  );
  assert.equal(credentials.list("demo").length, 0);
  db.close();
});
