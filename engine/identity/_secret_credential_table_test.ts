import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { type SecretCredentialRow, SecretCredentialTable } from "./_secret_credential_table.ts";
import { verifySecret } from "./mosquitto_secret.ts";

const NOW = Date.UTC(2027, 0, 15, 8);

interface Row extends SecretCredentialRow {
  machine: string;
}

function open() {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const table = new SecretCredentialTable<
    Row,
    { id: string; machine: string; used: number | null }
  >(
    db,
    {
      clock,
      table: "device_credentials",
      view: (row) => ({ id: row.id, machine: row.machine, used: row.last_used_at }),
      liveOrder: ["machine", "id"],
    },
  );
  const add = (machine: string, factory = "demo") =>
    table.create("d_", { factory, machine, name: machine, created_by: "u_1" });
  return { clock, db, table, add };
}

Deno.test("SecretCredentialTable stores only the hash and verifies the secret once created", async () => {
  const { clock, db, table, add } = open();
  const { id, secret } = await add("press-01");
  assert.match(id, /^d_[a-z2-7]{16}$/);
  const stored = db.prepare("SELECT * FROM device_credentials WHERE id = ?").get(
    id,
  ) as unknown as Row;
  assert.equal(stored.created_at, NOW);
  assert.equal(stored.created_by, "u_1");
  assert.equal(await verifySecret(secret, stored.hash), true);
  assert.equal(JSON.stringify(stored).includes(secret), false);
  clock.tick(500);
  assert.deepEqual(await table.verify(id, secret), { id, machine: "press-01", used: NOW + 500 });
  assert.equal(await table.verify(id, "wrong"), undefined);
  assert.equal(await table.verify("d_unknown", secret), undefined);
  db.close();
});

Deno.test("SecretCredentialTable lists by every given column, newest first", async () => {
  const { clock, db, table, add } = open();
  const a = await add("press-01");
  clock.tick(1);
  const b = await add("press-02");
  clock.tick(1);
  const c = await add("press-01");
  await add("press-01", "other");
  assert.deepEqual(table.list({ factory: "demo" }).map((v) => v.id), [c.id, b.id, a.id]);
  assert.deepEqual(table.list({ factory: "demo", machine: "press-01" }).map((v) => v.id), [
    c.id,
    a.id,
  ]);
  db.close();
});

Deno.test("SecretCredentialTable revokes once, within the factory, and leaves it out of live", async () => {
  const { clock, db, table, add } = open();
  const a = await add("press-02");
  const b = await add("press-01");
  assert.deepEqual(table.live().map((v) => v.machine), ["press-01", "press-02"]);
  assert.equal(table.revoke(a.id, "other"), undefined);
  assert.equal(table.revoke("d_unknown"), undefined);
  clock.tick(1_000);
  assert.deepEqual(table.revoke(a.id, "demo"), { id: a.id, machine: "press-02", used: null });
  const revokedAt = () =>
    (db.prepare("SELECT revoked_at FROM device_credentials WHERE id = ?").get(a.id) as {
      revoked_at: number;
    }).revoked_at;
  assert.equal(revokedAt(), NOW + 1_000);
  clock.tick(1_000);
  table.revoke(a.id);
  assert.equal(revokedAt(), NOW + 1_000);
  assert.deepEqual(table.live().map((v) => v.id), [b.id]);
  assert.equal(await table.verify(a.id, a.secret), undefined);
  db.close();
});
