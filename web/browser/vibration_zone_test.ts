import assert from "node:assert/strict";
import { isZoneMetric, worstIsoZone, ZONE_LABELS } from "./vibration_zone.ts";

Deno.test("worstIsoZone picks the worst axis and ignores other metrics", () => {
  assert.deepEqual(
    worstIsoZone({ "vib.x.iso_zone": 2, "vib.y.iso_zone": 3, "vib.z.iso_zone": 1, temp: 4 }),
    { zone: "C", axis: "y" },
  );
  assert.deepEqual(worstIsoZone({ "vib.x.iso_zone": 4 }), { zone: "D", axis: "x" });
  assert.equal(worstIsoZone({ temp: 3, "vib.x.rms_velocity": 3 }), undefined);
  assert.equal(worstIsoZone({ "vib.x.iso_zone": 7 }), undefined);
  assert.deepEqual(
    worstIsoZone({ "vib.x.iso_zone": { value: 1 }, "vib.y.iso_zone": { value: 2 } }),
    { zone: "B", axis: "y" },
  );
  assert.equal(ZONE_LABELS.C, "Alert");
});

Deno.test("isZoneMetric matches vib.<axis>.iso_zone only", () => {
  assert.equal(isZoneMetric("vib.x.iso_zone"), true);
  assert.equal(isZoneMetric("vib.x.y.iso_zone"), false);
  assert.equal(isZoneMetric("iso_zone"), false);
});
