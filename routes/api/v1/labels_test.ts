import assert from "node:assert/strict";
import type { Alert } from "../../../engine/alerts/alert.ts";
import { FEATURE_NAMES } from "../../../engine/learning/mod.ts";
import { learningFixture } from "./_learning_fixture.ts";
import { NOW } from "./_route_fixture.ts";

const mean = FEATURE_NAMES.indexOf("mean");

async function setup() {
  const f = learningFixture();
  f.seen("f1", "press-01");
  await f.fill(
    { factory: "f1", machine: "press-01", metric: "oil_temp" },
    NOW - 900_000,
    60_000,
    16,
    (i) => 40 + i,
  );
  await f.fill(
    { factory: "f1", machine: "press-01", metric: "vib.rms" },
    NOW - 900_000,
    60_000,
    16,
    () => 2,
  );
  return f;
}

Deno.test("POST labels stores the feature window around ts and raises the metric's sensitivity", async () => {
  const f = await setup();
  const ts = NOW - 300_000;
  const { status, body } = await f.call("POST", "/factories/f1/labels", {
    machine: "press-01",
    ts,
    metric: "oil_temp",
    label: "false_alarm",
    note: "door was open",
    by: "ana",
  });
  assert.equal(status, 201);
  assert.equal(body.label.id, 1);
  assert.equal(body.label.machineType, "press");
  assert.equal(body.label.by, "ana");
  assert.equal(body.label.at, NOW);
  assert.deepEqual([body.label.window.from, body.label.window.to], [ts - 600_000, ts + 120_000]);
  assert.deepEqual(Object.keys(body.label.window.metrics), ["oil_temp", "vib.rms"]);
  // Minutes −10 … +2 around NOW − 5 min hold values 40 + 0 … 40 + 12 → mean 46.
  assert.equal(body.label.window.metrics.oil_temp[mean], 46);
  assert.deepEqual(
    [body.sensitivity.metric, body.sensitivity.before, body.sensitivity.after],
    ["oil_temp", 1, 1.15],
  );
  assert.deepEqual(f.applied, [["press-01", "oil_temp", 1.15]]);

  const listed = await f.call("GET", "/factories/f1/labels?machine=press-01");
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.labels.map((l: { id: number }) => l.id), [1]);
  const sensitivity = await f.call("GET", "/factories/f1/machines/press-01/sensitivity");
  assert.deepEqual(sensitivity.body.factors, { oil_temp: 1.15 });
  assert.equal(sensitivity.body.audit[0].reason, "false_alarm label #1");
  await f.close();
});

Deno.test("POST labels of an alert takes the alert's machine, raise time and sole metric", async () => {
  const f = await setup();
  f.alerts.set("oil-hot:press-01:1", {
    id: "oil-hot:press-01:1",
    factory: "f1",
    machine: "press-01",
    raisedAt: NOW - 120_000,
    values: { oil_temp: 53 },
  } as unknown as Alert);
  const { status, body } = await f.call("POST", "/factories/f1/labels", {
    alertId: "oil-hot:press-01:1",
    label: "fault",
    faultClass: "overheating",
  });
  assert.equal(status, 201);
  assert.equal(body.label.machine, "press-01");
  assert.equal(body.label.ts, NOW - 120_000);
  assert.equal(body.label.metric, "oil_temp");
  assert.equal(body.label.faultClass, "overheating");
  assert.equal(body.label.by, "operator");
  assert.equal(body.sensitivity, null, "a fault at factor 1 changes nothing");
  const other = await f.call("POST", "/factories/f2/labels", {
    alertId: "oil-hot:press-01:1",
    label: "normal",
  });
  assert.equal(other.status, 404);
  await f.close();
});

Deno.test("POST labels refuses bad input with a message naming the field", async () => {
  const f = await setup();
  const cases: Array<[unknown, number, RegExp]> = [
    [
      { machine: "press-01", ts: NOW, label: "fault" },
      400,
      /'faultClass' must be one of bearing, imbalance/,
    ],
    [
      { machine: "press-01", ts: NOW, label: "normal", faultClass: "bearing" },
      400,
      /goes only with label 'fault'/,
    ],
    [
      { machine: "press-01", ts: NOW, label: "maybe" },
      400,
      /'label' must be one of fault, false_alarm, normal/,
    ],
    [{ machine: "press-01", label: "normal" }, 400, /'ts' is required/],
    [{ machine: "press-01", ts: NOW + 3_600_000, label: "normal" }, 400, /'ts' is in the future/],
    [
      { machine: "press-01", ts: "yesterday", label: "normal" },
      400,
      /'ts' must be epoch milliseconds/,
    ],
    [{ machine: "press-99", ts: NOW, label: "normal" }, 404, /No machine 'press-99'/],
    [
      { machine: "press-01", ts: NOW, label: "normal", colour: "red" },
      400,
      /Unknown field 'colour'/,
    ],
    [{ alertId: "nope", label: "normal" }, 404, /has no alert 'nope'/],
  ];
  for (const [body, status, message] of cases) {
    const answer = await f.call("POST", "/factories/f1/labels", body);
    assert.equal(answer.status, status, JSON.stringify(body));
    assert.match(answer.body.error.message, message);
  }
  await f.close();
});

Deno.test("DELETE a label; reset sensitivity puts factors back to 1 with an audit", async () => {
  const f = await setup();
  for (let i = 0; i < 2; i++) {
    await f.call("POST", "/factories/f1/labels", {
      machine: "press-01",
      ts: NOW - i * 1_000,
      metric: "oil_temp",
      label: "false_alarm",
    });
  }
  assert.equal((await f.call("DELETE", "/factories/f1/labels/1")).status, 204);
  assert.equal((await f.call("DELETE", "/factories/f1/labels/1")).status, 404);
  assert.equal((await f.call("DELETE", "/factories/f1/labels/x")).status, 400);
  const reset = await f.call("POST", "/factories/f1/machines/press-01/sensitivity/reset", {
    reason: "new probe",
    by: "bo",
  });
  assert.equal(reset.status, 200);
  assert.deepEqual(
    reset.body.changes.map((c: { before: number; after: number; reason: string; by: string }) => [
      c.before,
      c.after,
      c.reason,
      c.by,
    ]),
    [[1.3225, 1, "reset: new probe", "bo"]],
  );
  assert.deepEqual(reset.body.factors, {});
  assert.deepEqual(f.applied.at(-1), ["press-01", "oil_temp", 1]);
  await f.close();
});

Deno.test("GET/PUT machine type: derived from the id until stored", async () => {
  const f = await setup();
  const derived = await f.call("GET", "/factories/f1/machines/press-01/type");
  assert.deepEqual(derived.body, {
    factory: "f1",
    machine: "press-01",
    type: "press",
    source: "name",
  });
  const put = await f.call("PUT", "/factories/f1/machines/press-01/type", {
    type: "hydraulic-press",
    by: "cy",
  });
  assert.equal(put.status, 200);
  assert.deepEqual(put.body, {
    factory: "f1",
    machine: "press-01",
    type: "hydraulic-press",
    source: "stored",
    updatedAt: NOW,
    updatedBy: "cy",
  });
  const bad = await f.call("PUT", "/factories/f1/machines/press-01/type", { type: "a b" });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /'type' must match/);
  await f.close();
});
