import assert from "node:assert/strict";
import { DEFAULT_MACHINE_DETECTOR_OPTIONS } from "../../engine/detect/machine_detector.ts";
import { seededRandom } from "../../engine/detect/prng.ts";
import type { AnomalyEvent, EngineEvent } from "../../engine/events.ts";
import { handleMachineMessage, type MachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineState,
  newMachineState,
  restoreMachine,
  snapshotMachine,
} from "./machine_state.ts";
import { explainAnomaly } from "./anomaly_explanation.ts";

const ref = { factory: "demo", machine: "press-07" };

function run(state: MachineState, from: number, n: number, seed: number, spikeAt = -1) {
  const random = seededRandom(seed);
  const events: EngineEvent[] = [];
  for (let i = from; i < from + n; i++) {
    const ts = i * 1000;
    const load = random();
    const message: MachineMessage = {
      kind: "telemetry",
      ts,
      metrics: {
        temp: 60 + 10 * load + random() + (i === spikeAt ? 40 : 0),
        rpm: 1400 + 100 * load + random(),
      },
    };
    events.push(...handleMachineMessage(state, message, ts, DEFAULT_MACHINE_OPTIONS).events);
  }
  return events;
}

function anomalies(events: EngineEvent[]): AnomalyEvent[] {
  return events.filter((e): e is AnomalyEvent => e.type === "anomaly");
}

Deno.test("machine actor flags a spike with detector, score, expected range and explanation", () => {
  const state = newMachineState(ref);
  run(state, 0, 600, 1);
  const flagged = anomalies(run(state, 600, 20, 2, 610));
  assert.equal(flagged.length, 1);
  const [a] = flagged;
  assert.equal(a.metric, "temp");
  assert.equal(a.reason, "sigma");
  assert.equal(a.detector, "sigma");
  assert.ok(a.anomalyScore! >= 0.6 && a.anomalyScore! <= 1);
  assert.ok(a.expected.low > 50 && a.expected.high < 80, JSON.stringify(a.expected));
  assert.match(
    a.explanation!,
    /^temp at 1\d\d\.\d+, expected \d+\.\d+ – \d+\.\d+ \(sigma detector, score 0\.\d\d\)/,
  );
});

Deno.test("machine snapshot carries the detectors: same next scores after a restore", () => {
  const state = newMachineState(ref);
  run(state, 0, 900, 3);
  const restored = restoreMachine(
    ref,
    JSON.parse(JSON.stringify(snapshotMachine(state))),
    { thresholds: {}, rules: [] },
    DEFAULT_MACHINE_OPTIONS,
  );
  const a = run(state, 900, 300, 4, 1000);
  const b = run(restored, 900, 300, 4, 1000);
  // `score` (σ distance in the actor's own rolling window) is rebuilt by re-pushing values
  // and may differ in the last bits; everything the detection stack says is identical.
  // Only the detection stack's output is compared: other per-machine models (forecasts) have
  // their own snapshot tests.
  const roundSigma = (events: EngineEvent[]) =>
    events.filter((e) => e.type === "anomaly" || e.type === "telemetry" || e.type === "status")
      .map((e) => e.type === "anomaly" ? { ...e, score: e.score.toFixed(9) } : e);
  assert.deepEqual(roundSigma(b), roundSigma(a));
  assert.equal(anomalies(a).length, 1, "the spike is flagged by both");
  // A cold detector would not flag the spike: its likelihood is still warming up.
  const cold = newMachineState(ref);
  assert.equal(anomalies(run(cold, 990, 20, 4, 1000)).length, 0);
});

Deno.test("machine actor applies per-metric sensitivity from a message and from config", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [], sensitivity: { temp: 3 } });
  run(state, 0, 600, 1);
  assert.equal(anomalies(run(state, 600, 20, 2, 610)).length, 0, "3× less sensitive: no flag");
  handleMachineMessage(
    state,
    { kind: "sensitivity", sensitivity: { temp: 1 } },
    620_000,
    DEFAULT_MACHINE_OPTIONS,
  );
  assert.equal(state.detector.metric("temp").sensitivity, 1);
  assert.equal(anomalies(run(state, 620, 20, 2, 630)).length, 1);
});

Deno.test("explainAnomaly names metric, detector, range, score and the machine-wide view", () => {
  const text = explainAnomaly(
    {
      metric: "temp",
      value: 97.25,
      expected: { low: 60.1, high: 80.34 },
      detector: "ewma",
      anomalyScore: 0.834,
    },
    { score: 0.72, topMetric: "rpm" },
  );
  assert.equal(
    text,
    "temp at 97.25, expected 60.10 – 80.34 (ewma detector, score 0.83); machine-wide isolation score 0.72, mostly rpm",
  );
  assert.equal(
    explainAnomaly(
      {
        metric: "temp",
        value: 31,
        expected: { low: -Infinity, high: 30 },
        detector: "threshold",
        anomalyScore: 1,
      },
      { score: 0.4, topMetric: "rpm" },
    ),
    "temp at 31, expected ≤ 30 (threshold detector, score 1.00)",
  );
});

Deno.test("machine actor does not flag the step of a machine stopping (operating mode)", () => {
  const stopAt = 700;
  const stopRun = (state: MachineState, options = DEFAULT_MACHINE_OPTIONS) => {
    const random = seededRandom(3);
    const flagged: number[] = [];
    for (let i = 0; i < stopAt + 120; i++) {
      const ts = i * 1000;
      const running = i < stopAt;
      // `running` comes last in the message: the mode switch is still seen first.
      const metrics = { rpm: running ? 1450 + 20 * random() : 0, running: running ? 1 : 0 };
      const { events } = handleMachineMessage(
        state,
        { kind: "telemetry", ts, metrics },
        ts,
        options,
      );
      if (anomalies(events).length > 0) flagged.push(i);
    }
    return flagged;
  };
  assert.deepEqual(stopRun(newMachineState(ref)), []);
  const stack = { ...DEFAULT_MACHINE_DETECTOR_OPTIONS, modes: undefined };
  const without = stopRun(newMachineState(ref, undefined, stack), {
    ...DEFAULT_MACHINE_OPTIONS,
    stack,
  });
  assert.equal(without[0], stopAt, "without operating modes the stop is flagged");
});
