import assert from "node:assert/strict";
import { EventBus } from "../../engine/bus.ts";
import type { EngineEvent } from "../../engine/events.ts";
import { FakeClock } from "../../engine/fake_clock.ts";
import { EngineMetrics } from "../../engine/metrics.ts";
import type { SeriesPoint } from "../../engine/telemetry.ts";
import { OVEN_HOT } from "./_oven_rule.ts";
import { machineBehavior } from "./machine_actor.ts";

const ref = { factory: "plant-1", machine: "oven-01" };
const hot = { ...OVEN_HOT, forMs: 0 };

Deno.test("machine actor asks for a checkpoint when an alert is raised or cleared, only then", () => {
  const bus = new EventBus();
  const published: EngineEvent[] = [];
  bus.subscribe((event) => published.push(event));
  const stored: SeriesPoint[] = [];
  const behavior = machineBehavior({
    sink: {
      writeRow: (ref, ts, metrics, values) => {
        metrics.forEach((metric, i) => stored.push({ ...ref, metric, ts, value: values[i] }));
      },
    },
    bus,
    metrics: new EngineMetrics(),
    thresholds: () => ({}),
    rules: () => [hot],
  });
  const clock = new FakeClock(1_000_000);
  let requests = 0;
  const ctx = { ref, clock, requestCheckpoint: () => requests++ };
  const state = behavior.init(ctx, undefined);
  const telemetry = (temp: number) => {
    clock.tick(1_000);
    behavior.receive(state, { kind: "telemetry", ts: clock.now(), metrics: { temp } }, ctx);
  };
  const actions = () => published.flatMap((e) => e.type === "alert" ? [e.action] : []);

  telemetry(200);
  assert.equal(requests, 0, "nothing to keep yet");
  telemetry(300);
  assert.deepEqual(actions(), ["raised"]);
  assert.equal(requests, 1);
  telemetry(310);
  behavior.receive(state, { kind: "tick" }, ctx);
  assert.equal(requests, 1, "an alert going on asks for nothing more");
  telemetry(200);
  assert.deepEqual(actions(), ["raised", "cleared"]);
  assert.equal(requests, 2);
  assert.equal(stored.length, 4, "every point still goes to the store");
});
