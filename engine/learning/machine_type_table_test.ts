import assert from "node:assert/strict";
import { registerDemoMachineTypes } from "../../simulator/demo_factory.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { MachineTypeTable } from "./machine_type_table.ts";

Deno.test("MachineTypeTable derives a type from the id until one is stored, and keeps it", () => {
  const clock = new FakeClock(1_000);
  const db = openMetadataDb(":memory:");
  const types = new MachineTypeTable(db, clock);
  const ref = { factory: "f1", machine: "press-01" };
  assert.deepEqual(types.info(ref), { ...ref, type: "press", source: "name" });
  types.set(ref, "stamping", "ana");
  assert.equal(types.typeOf(ref), "stamping");
  assert.equal(new MachineTypeTable(db, clock).typeOf(ref), "stamping", "read back at start");
  assert.deepEqual(types.stored("f1").map((t) => [t.machine, t.type, t.updatedBy, t.updatedAt]), [
    ["press-01", "stamping", "ana", 1_000],
  ]);
  assert.deepEqual(types.stored("f2"), []);
  db.close();
});

Deno.test("registerDemoMachineTypes stores the demo machines' types once, keeping admins' changes", () => {
  const db = openMetadataDb(":memory:");
  const types = new MachineTypeTable(db, new FakeClock(0));
  types.set({ factory: "demo", machine: "cnc-01" }, "lathe", "ana");
  assert.equal(registerDemoMachineTypes(types), 12);
  assert.equal(types.typeOf({ factory: "demo", machine: "fermenter-04" }), "fermenter");
  assert.equal(types.typeOf({ factory: "demo", machine: "cnc-01" }), "lathe");
  assert.equal(types.info({ factory: "demo", machine: "press-02" }).updatedBy, "simulator");
  assert.equal(registerDemoMachineTypes(types), 0);
  db.close();
});
