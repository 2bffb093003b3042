import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { VibrationConfigTable } from "./vibration_config_table.ts";

Deno.test("VibrationConfigTable saves, replaces and reloads a machine's configuration", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const clock = new FakeClock(1_000);
    const pump = { factory: "demo", machine: "pump-01" };
    const db = openMetadataDb(`${dir}/m.db`);
    const table = new VibrationConfigTable(db, clock);
    assert.equal(table.get(pump), undefined);
    table.set(pump, { isoGroup: 4, foundation: "rigid", shaft: { hz: 29.5 } });
    clock.tick(500);
    table.set(pump, { isoGroup: 3, foundation: "flexible" });
    assert.deepEqual(table.get(pump), {
      config: { isoGroup: 3, foundation: "flexible" },
      updatedAt: 1_500,
    });
    db.close();
    const again = new VibrationConfigTable(openMetadataDb(`${dir}/m.db`), clock);
    assert.deepEqual(again.get(pump)?.config, { isoGroup: 3, foundation: "flexible" });
    assert.equal(again.get({ factory: "demo", machine: "fan-01" }), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
