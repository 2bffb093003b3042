import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import type { MachineRef } from "../telemetry.ts";
import type { Label, LabelKind } from "./label.ts";
import { SensitivityTable } from "./sensitivity_table.ts";

const T0 = 1_800_000_000_000;
const ref = { factory: "f1", machine: "press-01" };

function setup() {
  const clock = new FakeClock(T0);
  const db = openMetadataDb(":memory:");
  const applied: Array<[string, string, number]> = [];
  const table = new SensitivityTable(db, clock, (r: MachineRef, metric, factor) => {
    applied.push([r.machine, metric, factor]);
  });
  let id = 0;
  const label = (kind: LabelKind, metric?: string): Label => ({
    id: ++id,
    ...ref,
    machineType: "press",
    ts: T0,
    ...(metric === undefined ? {} : { metric }),
    label: kind,
    ...(kind === "fault" ? { faultClass: "overheating" as const } : {}),
    by: "ana",
    at: clock.now(),
    window: { ts: T0, from: T0, to: T0, metrics: {} },
  });
  return { clock, db, table, applied, label };
}

Deno.test("false alarms raise the metric's factor ×1.15 up to the 2.0 cap, applied and audited", () => {
  const { db, table, applied, label } = setup();
  const factors = [];
  for (let i = 0; i < 6; i++) factors.push(table.onLabel(label("false_alarm", "oil_temp"))?.after);
  assert.deepEqual(factors, [1.15, 1.3225, 1.5209, 1.749, 2, undefined]);
  assert.equal(table.factor(ref, "oil_temp"), 2);
  assert.equal(table.factor(ref, "ram_force"), 1);
  assert.deepEqual(applied.at(-1), ["press-01", "oil_temp", 2]);
  assert.equal(applied.length, 5);
  const audit = table.audit(ref);
  assert.equal(audit.length, 5);
  assert.deepEqual(
    [audit[0].before, audit[0].after, audit[0].by, audit[0].reason, audit[0].labelId],
    [1.749, 2, "ana", "false_alarm label #5", 5],
  );
  db.close();
});

Deno.test("a confirmed fault takes one step back, never below 1; normal and metric-less labels change nothing", () => {
  const { db, table, label } = setup();
  table.onLabel(label("false_alarm", "oil_temp"));
  table.onLabel(label("false_alarm", "oil_temp"));
  assert.equal(table.onLabel(label("fault", "oil_temp"))?.after, 1.15);
  assert.equal(table.onLabel(label("fault", "oil_temp"))?.after, 1);
  assert.equal(table.onLabel(label("fault", "oil_temp")), undefined);
  assert.equal(table.onLabel(label("normal", "oil_temp")), undefined);
  assert.equal(table.onLabel(label("false_alarm")), undefined);
  db.close();
});

Deno.test("reset puts every factor back to 1 with an audit record and applies it", () => {
  const { clock, db, table, applied, label } = setup();
  table.onLabel(label("false_alarm", "oil_temp"));
  table.onLabel(label("false_alarm", "ram_force"));
  assert.deepEqual(table.factors(ref), { oil_temp: 1.15, ram_force: 1.15 });
  clock.tick(1_000);
  const changes = table.reset(ref, "bo", "new sensor fitted");
  assert.deepEqual(changes.map((c) => [c.metric, c.before, c.after, c.reason, c.at]), [
    ["oil_temp", 1.15, 1, "reset: new sensor fitted", T0 + 1_000],
    ["ram_force", 1.15, 1, "reset: new sensor fitted", T0 + 1_000],
  ]);
  assert.deepEqual(table.factors(ref), {});
  assert.deepEqual(applied.slice(-2), [["press-01", "oil_temp", 1], ["press-01", "ram_force", 1]]);
  assert.deepEqual(table.reset(ref, "bo", "again"), []);
  db.close();
});
