import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "./metadata_db.ts";
import { SnapshotTable } from "./snapshot_table.ts";

interface Snap {
  readonly rules: number;
  readonly models?: string;
}

Deno.test("SnapshotTable lays the last partial snapshot over the last full one", () => {
  const table = new SnapshotTable<Snap>(openMetadataDb(":memory:"), new FakeClock(0));
  assert.equal(table.load("f/m"), undefined);
  table.save("f/m", { rules: 1, models: "trained at 1" }, true);
  table.save("f/m", { rules: 2 }, false);
  table.save("f/m", { rules: 3 }, false);
  assert.deepEqual(table.load("f/m"), { rules: 3, models: "trained at 1" });
  // A full snapshot replaces both.
  table.save("f/m", { rules: 4, models: "trained at 4" }, true);
  assert.deepEqual(table.load("f/m"), { rules: 4, models: "trained at 4" });
  table.save("f/m", { rules: 5 });
  assert.deepEqual(table.load("f/m"), { rules: 5 }, "a save without `full` is a full one");
  table.delete("f/m");
  assert.equal(table.load("f/m"), undefined);
});

Deno.test("SnapshotTable keeps a partial snapshot with no full one as it is", () => {
  const table = new SnapshotTable<Snap>(openMetadataDb(":memory:"), new FakeClock(0));
  table.save("f/m", { rules: 1 }, false);
  assert.deepEqual(table.load("f/m"), { rules: 1 });
  table.save("f/m", { rules: 2 }, false);
  assert.deepEqual(table.load("f/m"), { rules: 2 });
});

Deno.test("openMetadataDb upgrades snapshots saved before partial ones existed", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/millwright.db`;
  // A database as the previous schema version left it.
  const db = openMetadataDb(path);
  const { user_version: version } = db.prepare("PRAGMA user_version").get() as {
    user_version: number;
  };
  db.exec(`ALTER TABLE actor_snapshots DROP COLUMN partial; PRAGMA user_version = ${version - 1}`);
  db.prepare("INSERT INTO actor_snapshots VALUES (?, ?, ?)").run(
    "f/m",
    '{"rules":7,"models":"old"}',
    0,
  );
  db.close();

  const upgraded = openMetadataDb(path);
  const table = new SnapshotTable<Snap>(upgraded, new FakeClock(0));
  assert.deepEqual(table.load("f/m"), { rules: 7, models: "old" });
  table.save("f/m", { rules: 8 }, false);
  assert.deepEqual(table.load("f/m"), { rules: 8, models: "old" });
  upgraded.close();
  Deno.removeSync(dir, { recursive: true });
});
