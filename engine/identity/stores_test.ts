import assert from "node:assert/strict";
import { GOOD_PASSWORD, identityFixture, NOW } from "./_identity_fixture.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { Identity } from "./identity.ts";
import { loadJwtSecret } from "./jwt_secret.ts";
import { AuditLog } from "./audit_log.ts";

Deno.test("FactoryStore validates slug and time zone, updates and archives", () => {
  const f = identityFixture();
  const { factories } = f.identity;
  assert.throws(() => factories.create({ slug: "bad slug", name: "X" }), /slug must match/);
  assert.throws(
    () => factories.create({ slug: "p3", name: "X", timeZone: "Mars/Olympus" }),
    /IANA time zone .*'Mars\/Olympus'/,
  );
  assert.throws(() => factories.create({ slug: "plant-a", name: "X" }), /exists already/);
  const updated = factories.update("plant-a", { name: "Plant Alpha", autoRegister: true });
  assert.deepEqual([updated.name, updated.timeZone, updated.autoRegister], [
    "Plant Alpha",
    "Europe/Berlin",
    true,
  ]);
  factories.archive("plant-b");
  assert.deepEqual(factories.list().map((x) => x.slug), ["plant-a"]);
  assert.deepEqual(factories.list({ includeArchived: true }).map((x) => x.archivedAt), [null, NOW]);
  assert.equal(factories.ensureFactory("demo", { name: "Demo" }).name, "Demo");
  assert.equal(factories.ensureFactory("demo", { name: "Other" }).name, "Demo");
  f.close();
});

Deno.test("FactoryStore tells its update listeners the factory as it is and as it was", () => {
  const f = identityFixture();
  const { factories } = f.identity;
  const seen: string[] = [];
  const off = factories.onUpdate((now, before) =>
    seen.push(`${now.slug}: ${before.timeZone} → ${now.timeZone}`)
  );
  factories.update("plant-a", { timeZone: "America/Chicago" });
  assert.throws(() => factories.update("plant-a", { timeZone: "Mars/Olympus" }), /IANA/);
  off();
  factories.update("plant-a", { timeZone: "UTC" });
  assert.deepEqual(seen, ["plant-a: Europe/Berlin → America/Chicago"]);
  f.close();
});

Deno.test("UserStore keeps e-mails unique case-insensitively and checks factory and role", async () => {
  const f = identityFixture();
  const { users } = f.identity;
  const ada = await f.addUser("Ada@Plant.example", "admin");
  assert.equal(ada.email, "ada@plant.example");
  await assert.rejects(f.addUser("ADA@plant.example", "viewer"), /exists already/);
  await assert.rejects(f.addUser("x@plant.example", "viewer", "nowhere"), /No factory 'nowhere'/);
  await assert.rejects(
    users.create({
      email: "y@p.e",
      name: "Y",
      role: "boss",
      factory: "plant-a",
      password: GOOD_PASSWORD,
    }),
    /role must be one of super_admin, admin, operator, viewer/,
  );
  assert.equal(users.setRole(ada.id, "viewer").role, "viewer");
  const root = users.setRole(ada.id, "super_admin");
  assert.deepEqual([root.role, root.factory], ["super_admin", null]);
  assert.deepEqual(users.list("plant-a"), []);
  f.close();
});

Deno.test("UserStore disable sets the token cutoff to now", async () => {
  const f = identityFixture();
  const ada = await f.addUser("ada@plant.example", "viewer");
  f.clock.tick(5000);
  const disabled = f.identity.users.setDisabled(ada.id, true);
  assert.deepEqual([disabled.disabled, disabled.tokenCutoff], [true, NOW + 5000]);
  assert.equal(f.identity.users.tokenCutoff(ada.id), NOW + 5000);
  assert.equal(f.identity.users.setDisabled(ada.id, false).tokenCutoff, NOW + 5000);
  f.close();
});

Deno.test("AuditLog lists newest first per factory with an id cursor", () => {
  const f = identityFixture();
  const { audit } = f.identity;
  for (let i = 0; i < 5; i++) {
    audit.record({ factory: i % 2 === 0 ? "plant-a" : "plant-b", actor: null, action: `a.${i}` });
  }
  const first = audit.list({ factory: "plant-a", limit: 2 });
  assert.deepEqual(first.map((r) => r.action), ["a.4", "a.2"]);
  assert.deepEqual(audit.list({ factory: "plant-a", before: first[1].id }).map((r) => r.action), [
    "a.0",
  ]);
  assert.equal(audit.list().length, 5);
  assert.deepEqual(first[0].actor, { kind: "anonymous", id: null, name: null });
  assert.throws(() => audit.list({ limit: 0 }), /'limit' must be an integer 1..1000/);
  f.close();
});

Deno.test("loadJwtSecret generates a 0600 secret once and refuses short ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await loadJwtSecret({ dataDir: dir });
    const b = await loadJwtSecret({ dataDir: dir });
    assert.equal(a.length, 64);
    assert.deepEqual(a, b);
    assert.equal((await Deno.stat(`${dir}/jwt_secret`)).mode! & 0o777, 0o600);
    await Deno.chmod(`${dir}/jwt_secret`, 0o644);
    assert.deepEqual(await loadJwtSecret({ dataDir: dir }), a);
    assert.equal((await Deno.stat(`${dir}/jwt_secret`)).mode! & 0o777, 0o600);
    await assert.rejects(
      loadJwtSecret({ dataDir: dir, configured: "short" }),
      /at least 32 bytes \(256 bits\): it has 5/,
    );
    const given = await loadJwtSecret({ dataDir: dir, configured: "x".repeat(32) });
    assert.equal(given.length, 32);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Identity.open keeps sessions valid across restarts with the stored secret", async () => {
  const dir = await Deno.makeTempDir();
  const db = openMetadataDb(":memory:");
  try {
    const options = {
      clock: new FakeClock(NOW),
      dataDir: dir,
      passwordParams: { memoryKiB: 64, iterations: 1, parallelism: 1 },
    };
    const first = await Identity.open(db, options);
    first.factories.create({ slug: "plant-a", name: "Plant A" });
    const ada = await first.users.create({
      email: "ada@plant.example",
      name: "Ada",
      role: "viewer",
      factory: "plant-a",
      password: GOOD_PASSWORD,
    });
    const session = await first.startSession(ada);
    const second = await Identity.open(db, options);
    assert.equal((await second.sessions.verify(session.accessToken))?.userId, ada.id);
    const other = await Identity.open(db, { ...options, jwtSecret: "y".repeat(32) });
    assert.equal(await other.sessions.verify(session.accessToken), null);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AuditLog prunes records past its retention, oldest first, a bounded chunk at a time", () => {
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(NOW);
  const audit = new AuditLog(db, clock, { retentionMs: 1_000 });
  for (let i = 0; i < 5; i++) {
    audit.record({ factory: "plant-a", actor: null, action: `old.${i}` });
    clock.tick(10);
  }
  clock.tick(5_000);
  audit.record({ factory: "plant-a", actor: null, action: "new" });
  assert.deepEqual(audit.prune(clock.now(), 3), { deleted: { audit: 3 }, done: false });
  assert.deepEqual(audit.prune(clock.now(), 3), { deleted: { audit: 2 }, done: true });
  assert.deepEqual(audit.list().map((r) => r.action), ["new"]);
  assert.deepEqual(audit.prune(clock.now(), 3), { deleted: { audit: 0 }, done: true });
  db.close();
});
