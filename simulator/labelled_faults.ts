import { cncProfile, type MachineProfile } from "./machine_profiles.ts";
import { SeededRandom } from "./seeded_random.ts";
import { TelemetryGenerator } from "./telemetry_generator.ts";

/** Classes of the labelled fault set. */
export const LABELLED_FAULT_CLASSES = [
  "normal",
  "overheating",
  "sensor_fault",
  "imbalance",
  "bearing",
] as const;
export type LabelledFaultClass = typeof LABELLED_FAULT_CLASSES[number];

/** One labelled event: the machine's series around it and its known class. */
export interface LabelledFaultWindow {
  readonly cls: LabelledFaultClass;
  /** Seed of the machine's generator (a different machine per window). */
  readonly seed: number;
  /** The event's time: the window reaches `beforeMs` before and `afterMs` after. */
  readonly ts: number;
  /** When the injected fault began (undefined for `normal`). */
  readonly faultStart?: number;
  /** Metric → `[epoch ms, value]` pairs, 1 Hz. */
  readonly series: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
}

/** Options of {@link labelledFaultWindows}. */
export interface LabelledFaultOptions {
  /** Windows per class (default 60). */
  readonly perClass?: number;
  /** Seed of the whole set (default 1). */
  readonly seed?: number;
  /** Reach before / after the event (default 10 min / 2 min, as labels keep). */
  readonly beforeMs?: number;
  readonly afterMs?: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * A labelled fault set from the CNC profile (its own random faults off):
 * windows of normal running — a third of them with a short harmless spike,
 * the kind of thing that raises false alarms — and windows where a known
 * fault starts 1–6 min before the event:
 *
 * - `overheating`: axis and coolant temperature ramp up (0.4–1.5 °C/min);
 * - `sensor_fault`: one metric freezes at its last value;
 * - `imbalance`: vibration rises 0.8–2 mm/s, swinging with spindle speed;
 * - `bearing`: vibration gains sparse impacts (2–6 % of samples, +1.5–4 mm/s).
 *
 * Deterministic for a seed.
 *
 * @example
 * ```ts
 * const windows = labelledFaultWindows({ perClass: 10 });
 * windows.length; // 50
 * windows[0].cls; // "normal"
 * ```
 */
export function labelledFaultWindows(options: LabelledFaultOptions = {}): LabelledFaultWindow[] {
  const perClass = options.perClass ?? 60;
  const beforeMs = options.beforeMs ?? 10 * MINUTE;
  const afterMs = options.afterMs ?? 2 * MINUTE;
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new RangeError(
      `Cannot generate labelled faults: 'perClass' must be a positive integer: current value is ${perClass}`,
    );
  }
  const random = new SeededRandom(options.seed ?? 1);
  const profile: MachineProfile = { ...cncProfile, faultProbability: 0 };
  const windows: LabelledFaultWindow[] = [];
  let machineSeed = (options.seed ?? 1) * 100_003;
  for (const cls of LABELLED_FAULT_CLASSES) {
    for (let n = 0; n < perClass; n++) {
      const seed = machineSeed++;
      const generator = new TelemetryGenerator(profile, seed);
      const ts = Date.UTC(2026, 0, 1) + Math.floor(random.between(0, 30 * 86_400)) * SECOND;
      const from = ts - beforeMs;
      const faultStart = cls === "normal"
        ? undefined
        : ts - Math.floor(random.between(1, 6) * MINUTE / SECOND) * SECOND;
      const series: Record<string, Array<[number, number]>> = {};
      const rate = random.between(0.4, 1.5);
      const rise = random.between(0.8, 2);
      const impactShare = random.between(0.02, 0.06);
      const frozenMetric = ["axis_temp", "coolant_temp", "vibration", "spindle_load"][
        Math.floor(random.between(0, 4))
      ];
      const spikeAt = cls === "normal" && random.next() < 1 / 3
        ? ts - Math.floor(random.between(0, 120)) * SECOND
        : undefined;
      const frozen = new Map<string, number>();
      for (let t = from; t <= ts + afterMs; t += SECOND) {
        const sample = generator.next(t);
        const since = faultStart === undefined ? -1 : (t - faultStart) / MINUTE;
        for (const [metric, raw] of Object.entries(sample)) {
          let value = typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
          if (since >= 0) {
            value = injected(
              cls,
              metric,
              value,
              since,
              sample,
              { rate, rise, impactShare },
              random,
            );
          }
          if (cls === "sensor_fault" && since >= 0 && metric === frozenMetric) {
            if (!frozen.has(metric)) frozen.set(metric, series[metric]?.at(-1)?.[1] ?? value);
            value = frozen.get(metric)!;
          }
          if (spikeAt !== undefined && t === spikeAt && metric === "vibration") value += 3;
          (series[metric] ??= []).push([t, value]);
        }
      }
      windows.push({ cls, seed, ts, ...(faultStart === undefined ? {} : { faultStart }), series });
    }
  }
  return windows;
}

function injected(
  cls: LabelledFaultClass,
  metric: string,
  value: number,
  minutesIn: number,
  sample: Record<string, number | boolean>,
  fault: { rate: number; rise: number; impactShare: number },
  random: SeededRandom,
): number {
  if (cls === "overheating" && (metric === "axis_temp" || metric === "coolant_temp")) {
    return value + fault.rate * minutesIn * (metric === "axis_temp" ? 1 : 0.6);
  }
  if (cls === "imbalance" && metric === "vibration") {
    // Imbalance force grows with the square of speed.
    const speed = Number(sample.spindle_rpm) / 12_000;
    return value + fault.rise * speed * speed;
  }
  if (cls === "bearing" && metric === "vibration" && random.next() < fault.impactShare) {
    return value + random.between(1.5, 4);
  }
  return value;
}
