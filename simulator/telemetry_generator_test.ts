import assert from "node:assert/strict";
import { demoThresholds } from "./demo_factory.ts";
import {
  type FaultKind,
  type GaugeMetric,
  type MachineProfile,
  machineProfiles,
  type MachineType,
} from "./machine_profiles.ts";
import { type ActiveFault, TelemetryGenerator } from "./telemetry_generator.ts";

const T0 = Date.UTC(2024, 4, 1);
const SECOND = 1_000;

interface Sample {
  readonly ts: number;
  readonly values: Record<string, number | boolean>;
  readonly fault: ActiveFault | undefined;
  readonly running: boolean;
}

function run(profile: MachineProfile, seed: number, samples: number, stepMs = SECOND): Sample[] {
  const generator = new TelemetryGenerator(profile, seed);
  return Array.from({ length: samples }, (_, i) => {
    const ts = T0 + i * stepMs;
    const values = generator.next(ts);
    return { ts, values, fault: generator.activeFault, running: generator.running };
  });
}

function gauges(profile: MachineProfile): GaugeMetric[] {
  return profile.metrics.filter((m): m is GaugeMetric => m.kind === "gauge");
}

const TYPES = Object.keys(machineProfiles) as MachineType[];

Deno.test("TelemetryGenerator gives the same readings for the same seed and times", () => {
  for (const type of TYPES) {
    assert.deepEqual(
      run(machineProfiles[type], 7, 2_000),
      run(machineProfiles[type], 7, 2_000),
      type,
    );
  }
});

Deno.test("TelemetryGenerator gives other readings for another seed", () => {
  const a = run(machineProfiles.press, 1, 10).map((s) => s.values.hydraulic_pressure);
  const b = run(machineProfiles.press, 2, 10).map((s) => s.values.hydraulic_pressure);
  assert.notDeepEqual(a, b);
});

Deno.test("TelemetryGenerator reports every metric of the profile with its type", () => {
  for (const type of TYPES) {
    const profile = machineProfiles[type];
    const [first] = run(profile, 3, 1);
    assert.equal(first.fault, undefined, type);
    assert.deepEqual(Object.keys(first.values), profile.metrics.map((m) => m.name), type);
    for (const metric of profile.metrics) {
      const value = first.values[metric.name];
      const expected = metric.kind === "running" || metric.kind === "below" ? "boolean" : "number";
      assert.equal(typeof value, expected, `${type}.${metric.name}`);
    }
  }
});

Deno.test("TelemetryGenerator keeps values in the physical range and, without faults, inside the demo thresholds", () => {
  for (const type of TYPES) {
    const profile = machineProfiles[type];
    const limits = demoThresholds[type];
    let checked = 0;
    for (const sample of run(profile, 11, 6 * 3_600)) {
      for (const metric of gauges(profile)) {
        const value = sample.values[metric.name];
        if (value === undefined) continue;
        assert.equal(typeof value, "number");
        const v = value as number;
        assert.ok(v >= metric.min && v <= metric.max, `${type}.${metric.name} = ${v}`);
        assert.equal(v, Math.round(v * 10 ** metric.decimals) / 10 ** metric.decimals);
        if (sample.fault?.metric === metric.name) continue;
        const limit = limits[metric.name];
        if (limit === undefined) continue;
        assert.ok(
          limit.high === undefined || v <= limit.high,
          `${type}.${metric.name} = ${v} > ${limit.high}`,
        );
        assert.ok(
          limit.low === undefined || v >= limit.low,
          `${type}.${metric.name} = ${v} < ${limit.low}`,
        );
        checked++;
      }
    }
    assert.ok(checked > 50_000, `${type}: only ${checked} values checked`);
  }
});

Deno.test("TelemetryGenerator varies each gauge around its base", () => {
  for (const type of TYPES) {
    const profile = machineProfiles[type];
    const samples = run(profile, 5, 4 * 3_600).filter((s) => s.fault === undefined && s.running);
    for (const metric of gauges(profile)) {
      const values = samples.map((s) => s.values[metric.name] as number);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const spread = Math.max(...values) - Math.min(...values);
      assert.ok(
        Math.abs(mean - metric.base) < metric.amplitude / 2 + 3 * metric.noise,
        `${type}.${metric.name} mean ${mean}`,
      );
      assert.ok(spread > metric.amplitude, `${type}.${metric.name} barely moves: ${spread}`);
    }
  }
});

Deno.test("TelemetryGenerator produces every kind of fault over a long run, each with its effect", () => {
  for (const type of TYPES) {
    const profile = machineProfiles[type];
    const samples = run(profile, 1, 12 * 3_600);
    const byFault = new Map<
      number,
      { fault: ActiveFault; samples: Sample[]; before: Sample | undefined }
    >();
    samples.forEach((sample, i) => {
      if (sample.fault === undefined) return;
      const entry = byFault.get(sample.fault.startedAt) ??
        { fault: sample.fault, samples: [], before: samples[i - 1] };
      entry.samples.push(sample);
      byFault.set(sample.fault.startedAt, entry);
    });
    const seen = new Set<FaultKind>();
    const effectChecked = new Set<FaultKind>();
    for (const { fault, samples: during, before } of byFault.values()) {
      seen.add(fault.kind);
      const [lo, hi] = profile.faultDurationMs[fault.kind];
      assert.ok(fault.endsAt - fault.startedAt >= lo && fault.endsAt - fault.startedAt <= hi);
      const values = during.map((s) => s.values[fault.metric]);
      const metric = gauges(profile).find((m) => m.name === fault.metric)!;
      // A stop moves the gauge to its idle value, which would blur a spike or drift.
      const runningThroughout = during.every((s) => s.running);
      switch (fault.kind) {
        case "dropout":
          assert.ok(values.every((v) => v === undefined), `${type} dropout of ${fault.metric}`);
          effectChecked.add("dropout");
          break;
        case "stuck":
          assert.ok(
            values.every((v) => v === values[0]),
            `${type} stuck ${fault.metric}: ${values}`,
          );
          if (before?.values[fault.metric] !== undefined) {
            assert.equal(values[0], before.values[fault.metric]);
          }
          effectChecked.add("stuck");
          break;
        case "spike": {
          if (!runningThroughout) break;
          // Away from the normal band (base ± amplitude ± noise) by most of the fault magnitude.
          const v = values[0] as number;
          const clamped = v === metric.min || v === metric.max;
          assert.ok(
            clamped ||
              Math.abs(v - metric.base) >
                metric.faultMagnitude * 0.8 - metric.amplitude - 5 * metric.noise -
                  2 * metric.noise,
            `${type} spike of ${fault.metric}: ${v}`,
          );
          effectChecked.add("spike");
          break;
        }
        case "drift": {
          if (!runningThroughout) break;
          // The offset grows: the last reading is further from base than the first.
          const first = values[0] as number;
          const last = values[values.length - 1] as number;
          assert.ok(
            Math.abs(last - metric.base) > Math.abs(first - metric.base),
            `${type} drift of ${fault.metric}: ${first} → ${last}`,
          );
          effectChecked.add("drift");
          break;
        }
      }
    }
    assert.deepEqual([...seen].sort(), ["drift", "dropout", "spike", "stuck"], type);
    assert.deepEqual([...effectChecked].sort(), ["drift", "dropout", "spike", "stuck"], type);
    // A fault about every 5 to 15 minutes: rare enough to be an event, common enough for a demo.
    assert.ok(byFault.size > 40 && byFault.size < 150, `${type}: ${byFault.size} faults in 12 h`);
  }
});

Deno.test("TelemetryGenerator stops machines now and then, idling their gauges and counters", () => {
  const samples = run(machineProfiles.cnc, 2, 6 * 3_600);
  const stopped = samples.filter((s) => !s.running);
  assert.ok(stopped.length > 100, `only ${stopped.length} stopped samples`);
  for (const s of stopped) {
    assert.equal(s.values.running, false);
    if (s.fault?.metric !== "spindle_rpm" && s.values.spindle_rpm !== undefined) {
      assert.equal(s.values.spindle_rpm, 0);
    }
  }
  const press = run(machineProfiles.press, 2, 6 * 3_600);
  for (let i = 1; i < press.length; i++) {
    const delta = (press[i].values.cycle_count as number) -
      (press[i - 1].values.cycle_count as number);
    assert.ok(delta >= 0, "the cycle count never goes back");
    if (!press[i].running && !press[i - 1].running) {
      assert.equal(delta, 0, "no strokes while stopped");
    }
  }
  const strokes = (press.at(-1)!.values.cycle_count as number) -
    (press[0].values.cycle_count as number);
  // About 24 strokes a minute for 6 h, less the stops.
  assert.ok(strokes > 24 * 60 * 6 * 0.8 && strokes < 24 * 60 * 6 * 1.05, String(strokes));
});

Deno.test("TelemetryGenerator switches the fermenter's heater on below the set point", () => {
  const samples = run(machineProfiles.fermenter, 4, 3_600);
  const on = samples.filter((s) => s.values.heater_on === true);
  const off = samples.filter((s) => s.values.heater_on === false);
  assert.ok(on.length > 100 && off.length > 100, `on ${on.length}, off ${off.length}`);
});

Deno.test("TelemetryGenerator refuses a profile whose counter refers to a missing gauge", () => {
  const broken: MachineProfile = {
    ...machineProfiles.press,
    metrics: [{
      kind: "counter",
      name: "cycles",
      unit: "",
      ratePerMinuteOf: "nope",
      initial: [0, 1],
    }],
  };
  assert.throws(
    () => new TelemetryGenerator(broken, 1),
    (e: unknown) => e instanceof RangeError && /metric 'cycles' refers to 'nope'/.test(e.message),
  );
});

Deno.test("TelemetryGenerator refuses a time that is not finite", () => {
  const generator = new TelemetryGenerator(machineProfiles.press, 1);
  assert.throws(
    () => generator.next(NaN),
    (e: unknown) =>
      e instanceof RangeError && /'ts' must be finite: current value is NaN/.test(e.message),
  );
});
