import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "./metadata_db.ts";
import { SnapshotTable } from "./snapshot_table.ts";
import { ThresholdTable } from "./threshold_table.ts";

Deno.test("openMetadataDb migrates once and reopens an existing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = openMetadataDb(`${dir}/m.db`);
    new SnapshotTable<{ n: number }>(db, new FakeClock(5)).save("f/m", { n: 1 });
    db.close();
    const again = openMetadataDb(`${dir}/m.db`);
    assert.deepEqual(new SnapshotTable<{ n: number }>(again, new FakeClock()).load("f/m"), {
      n: 1,
    });
    again.exec("PRAGMA user_version = 99");
    again.close();
    assert.throws(() => openMetadataDb(`${dir}/m.db`), /schema version 99 is newer/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SnapshotTable saves, overwrites and deletes by key", () => {
  const table = new SnapshotTable<{ n: number }>(openMetadataDb(":memory:"), new FakeClock());
  assert.equal(table.load("a"), undefined);
  table.save("a", { n: 1 });
  table.save("a", { n: 2 });
  assert.deepEqual(table.load("a"), { n: 2 });
  table.delete("a");
  assert.equal(table.load("a"), undefined);
});

Deno.test("ThresholdTable replaces a machine's limits and reloads them", () => {
  const db = openMetadataDb(":memory:");
  const ref = { factory: "f", machine: "m" };
  const table = new ThresholdTable(db);
  table.set(ref, { temp: { high: 80 }, ph: { low: 6, high: 8 } });
  table.set(ref, { temp: { low: 5, high: 90 } });
  assert.deepEqual(new ThresholdTable(db).get(ref), { temp: { low: 5, high: 90 } });
  assert.deepEqual(table.get({ factory: "f", machine: "other" }), {});
});

Deno.test("SnapshotTable.batch saves in one transaction and rolls back on a throw", () => {
  const db = openMetadataDb(":memory:");
  const table = new SnapshotTable<{ n: number }>(db, new FakeClock(0));
  table.batch(() => {
    table.save("a", { n: 1 });
    table.save("b", { n: 2 });
  });
  assert.deepEqual([table.load("a"), table.load("b")], [{ n: 1 }, { n: 2 }]);
  assert.throws(() =>
    table.batch(() => {
      table.save("a", { n: 10 });
      throw new Error("snapshot failed");
    }), /snapshot failed/);
  assert.deepEqual(table.load("a"), { n: 1 }, "the half-done batch was rolled back");
  assert.equal(db.isTransaction, false);
});
