import type {
  BelowMetric,
  CounterMetric,
  FaultKind,
  GaugeMetric,
  MachineProfile,
} from "./machine_profiles.ts";
import { SeededRandom } from "./seeded_random.ts";

/** A fault under way on one metric. */
export interface ActiveFault {
  readonly metric: string;
  readonly kind: FaultKind;
  readonly startedAt: number;
  readonly endsAt: number;
}

interface Fault extends ActiveFault {
  /** +1 pushes the value up, -1 down. */
  readonly direction: 1 | -1;
  readonly magnitude: number;
  /** The value a `stuck` fault repeats: the last one reported before it, or its first. */
  stuckValue: number | undefined;
}

interface GaugeState {
  readonly metric: GaugeMetric;
  /** This machine's own phase, period and offset, so machines of a type do not move in lockstep. */
  readonly phase: number;
  readonly periodMs: number;
  readonly base: number;
  /** The physical value of the current sample (faults are in the sensor, not the process). */
  actual: number;
  /** Last value reported, for `stuck`. */
  lastReported: number | undefined;
}

interface CounterState {
  readonly metric: CounterMetric;
  readonly rate: GaugeState;
  total: number;
}

const FAULT_KINDS: readonly FaultKind[] = ["spike", "drift", "stuck", "dropout"];

/**
 * Produces one machine's readings, deterministically: the same profile, seed
 * and sequence of times give the same values (no clock, no `Math.random`).
 *
 * Each gauge follows its sinusoid with gaussian noise. A fault state machine
 * runs alongside: while no fault is active, each sample starts one with the
 * profile's `faultProbability` on a random gauge — a spike, a drift that
 * grows to `faultMagnitude`, a stuck value or a dropout (the metric is left
 * out) — which lasts for a random time from `faultDurationMs`. Machines with
 * a `stop` profile stop now and then: `running` turns false, gauges with an
 * `idle` value fall to it and counters stop counting.
 *
 * @example
 * ```ts
 * import { cncProfile } from "./machine_profiles.ts";
 *
 * const generator = new TelemetryGenerator(cncProfile, 42);
 * generator.next(1_714_564_800_000);
 * // { spindle_rpm: 11067, spindle_load: 66.8, vibration: 2.49, coolant_temp: 20.8,
 * //   axis_temp: 30.3, running: true }
 * ```
 */
export class TelemetryGenerator {
  readonly profile: MachineProfile;
  readonly #random: SeededRandom;
  readonly #gauges: GaugeState[] = [];
  readonly #gaugesByName = new Map<string, GaugeState>();
  readonly #counters = new Map<string, CounterState>();
  readonly #switches = new Map<string, { metric: BelowMetric; of: GaugeState }>();
  #fault: Fault | undefined;
  #running = true;
  #stoppedUntil = 0;
  #lastTs: number | undefined;

  constructor(profile: MachineProfile, seed: number) {
    this.profile = profile;
    this.#random = new SeededRandom(seed);
    for (const metric of profile.metrics) {
      if (metric.kind !== "gauge") continue;
      const state: GaugeState = {
        metric,
        phase: this.#random.between(0, 2 * Math.PI),
        periodMs: metric.periodMs * this.#random.between(0.85, 1.15),
        base: metric.base + metric.noise * this.#random.between(-2, 2),
        actual: metric.base,
        lastReported: undefined,
      };
      this.#gauges.push(state);
      this.#gaugesByName.set(metric.name, state);
    }
    for (const metric of profile.metrics) {
      if (metric.kind === "counter") {
        const rate = this.#gauge(metric.ratePerMinuteOf, metric.name);
        const total = Math.floor(this.#random.between(metric.initial[0], metric.initial[1]));
        this.#counters.set(metric.name, { metric, rate, total });
      } else if (metric.kind === "below") {
        this.#switches.set(metric.name, { metric, of: this.#gauge(metric.of, metric.name) });
      }
    }
  }

  /** The fault under way, if any. */
  get activeFault(): ActiveFault | undefined {
    const fault = this.#fault;
    if (fault === undefined) return undefined;
    return {
      metric: fault.metric,
      kind: fault.kind,
      startedAt: fault.startedAt,
      endsAt: fault.endsAt,
    };
  }

  /** Whether the machine is running (as of the last sample). */
  get running(): boolean {
    return this.#running;
  }

  /**
   * The readings at `ts` (epoch ms; call with increasing times): metric name →
   * number, or boolean for switches. A metric in dropout is missing.
   */
  next(ts: number): Record<string, number | boolean> {
    if (!Number.isFinite(ts)) {
      throw new RangeError(
        `Cannot generate telemetry: 'ts' must be finite: current value is ${ts}`,
      );
    }
    const elapsedMs = this.#lastTs === undefined ? 0 : Math.max(0, ts - this.#lastTs);
    this.#lastTs = ts;
    this.#updateRunning(ts);
    this.#updateFault(ts);
    for (const gauge of this.#gauges) gauge.actual = this.#actualValue(gauge, ts);

    const out: Record<string, number | boolean> = {};
    for (const metric of this.profile.metrics) {
      switch (metric.kind) {
        case "gauge": {
          const value = this.#reportedValue(this.#gaugesByName.get(metric.name)!, ts);
          if (value !== undefined) out[metric.name] = value;
          break;
        }
        case "counter": {
          const counter = this.#counters.get(metric.name)!;
          if (this.#running) counter.total += Math.max(0, counter.rate.actual) * elapsedMs / 60_000;
          out[metric.name] = Math.floor(counter.total);
          break;
        }
        case "running":
          out[metric.name] = this.#running;
          break;
        case "below": {
          const { of } = this.#switches.get(metric.name)!;
          out[metric.name] = of.actual < metric.setPoint;
          break;
        }
      }
    }
    return out;
  }

  #gauge(name: string, user: string): GaugeState {
    const gauge = this.#gaugesByName.get(name);
    if (gauge === undefined) {
      throw new RangeError(
        `Cannot create a telemetry generator for '${this.profile.type}': metric '${user}' refers to '${name}', which is not a gauge of the profile`,
      );
    }
    return gauge;
  }

  #updateRunning(ts: number): void {
    const stop = this.profile.stop;
    if (stop === undefined) return;
    if (!this.#running) {
      if (ts >= this.#stoppedUntil) this.#running = true;
    } else if (this.#random.chance(stop.probability)) {
      this.#running = false;
      this.#stoppedUntil = ts + this.#random.between(stop.durationMs[0], stop.durationMs[1]);
    }
  }

  #updateFault(ts: number): void {
    if (this.#fault !== undefined && ts >= this.#fault.endsAt) this.#fault = undefined;
    if (this.#fault !== undefined || this.#gauges.length === 0) return;
    if (!this.#random.chance(this.profile.faultProbability)) return;
    const gauge = this.#random.pick(this.#gauges);
    const kind = this.#random.pick(FAULT_KINDS);
    const [shortest, longest] = this.profile.faultDurationMs[kind];
    this.#fault = {
      metric: gauge.metric.name,
      kind,
      startedAt: ts,
      endsAt: ts + this.#random.between(shortest, longest),
      direction: gauge.metric.faultDirection ?? (this.#random.chance(0.5) ? 1 : -1),
      magnitude: gauge.metric.faultMagnitude * this.#random.between(0.8, 1.2),
      stuckValue: gauge.lastReported,
    };
  }

  #actualValue(gauge: GaugeState, ts: number): number {
    const { metric } = gauge;
    // Draw the noise every sample, so a stop does not shift the random stream of the other gauges.
    const noise = this.#random.gaussian() * metric.noise;
    if (!this.#running && metric.idle !== undefined) {
      // A stopped spindle reads exactly zero; a standby pressure still wobbles a little.
      return metric.idle === 0 ? 0 : metric.idle + noise * 0.2;
    }
    const wave = Math.sin((2 * Math.PI * ts) / gauge.periodMs + gauge.phase);
    return gauge.base + metric.amplitude * wave + noise;
  }

  #reportedValue(gauge: GaugeState, ts: number): number | undefined {
    const { metric } = gauge;
    const fault = this.#fault?.metric === metric.name ? this.#fault : undefined;
    let value = gauge.actual;
    if (fault !== undefined) {
      switch (fault.kind) {
        case "dropout":
          return undefined;
        case "stuck":
          fault.stuckValue ??= value;
          value = fault.stuckValue;
          break;
        case "spike":
          value += fault.direction * fault.magnitude;
          break;
        case "drift": {
          const progress = Math.min(1, (ts - fault.startedAt) / (fault.endsAt - fault.startedAt));
          value += fault.direction * fault.magnitude * progress;
          break;
        }
      }
    }
    const scale = 10 ** metric.decimals;
    const reported = Math.round(Math.min(metric.max, Math.max(metric.min, value)) * scale) / scale;
    gauge.lastReported = reported;
    return reported;
  }
}
