/**
 * How each kind of demo machine behaves: its metrics with realistic units
 * and ranges, how they move, and how they fail.
 */

/** The kinds of machine the demo factory has. */
export type MachineType = "press" | "cnc" | "fermenter";

/** The ways a sensor channel goes wrong in the simulation. */
export type FaultKind = "spike" | "drift" | "stuck" | "dropout";

/**
 * An analog reading: `base + amplitude · sin(2π·t/period + phase)` plus
 * gaussian noise, clamped to the physical range and rounded to the sensor's
 * resolution. Faults add a spike or a drift of up to `faultMagnitude`, freeze
 * the value, or drop it.
 */
export interface GaugeMetric {
  readonly kind: "gauge";
  readonly name: string;
  readonly unit: string;
  readonly base: number;
  readonly amplitude: number;
  readonly periodMs: number;
  /** Standard deviation of the gaussian noise. */
  readonly noise: number;
  /** Physical range; values are clamped into it. */
  readonly min: number;
  readonly max: number;
  /** Digits after the decimal point the sensor reports. */
  readonly decimals: number;
  /** How far a spike or drift takes the value (enough to cross the demo thresholds). */
  readonly faultMagnitude: number;
  /** The way faults push the value (default: either way at random). */
  readonly faultDirection?: 1 | -1;
  /** Reading while the machine is stopped (default: unaffected by stops). */
  readonly idle?: number;
}

/** A running total (e.g. strokes) that grows at the per-minute rate of another metric while running. */
export interface CounterMetric {
  readonly kind: "counter";
  readonly name: string;
  readonly unit: string;
  /** The gauge whose value is the per-minute rate. */
  readonly ratePerMinuteOf: string;
  /** Range of the total at the start of a run (a machine has a history). */
  readonly initial: readonly [number, number];
}

/** Whether the machine is running (true) or stopped. */
export interface RunningMetric {
  readonly kind: "running";
  readonly name: string;
}

/** A switch that is on while another metric is below a set point (e.g. a heater). */
export interface BelowMetric {
  readonly kind: "below";
  readonly name: string;
  readonly of: string;
  readonly setPoint: number;
}

/** One metric of a machine profile. */
export type MetricProfile = GaugeMetric | CounterMetric | RunningMetric | BelowMetric;

/** How a kind of machine behaves. */
export interface MachineProfile {
  readonly type: MachineType;
  readonly label: string;
  readonly metrics: readonly MetricProfile[];
  /** Chance per sample that a fault starts on one of its gauges (when none is active). */
  readonly faultProbability: number;
  /** Duration range per fault kind, in ms. */
  readonly faultDurationMs: Readonly<Record<FaultKind, readonly [number, number]>>;
  /** Chance per sample that a running machine stops, and how long it stays stopped (ms). */
  readonly stop?: { readonly probability: number; readonly durationMs: readonly [number, number] };
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

// With one sample a second, 0.002 starts a fault about every 8 minutes per machine: with a dozen
// machines something is going wrong somewhere most minutes, which is what a demo needs.
const FAULT_DURATIONS: Readonly<Record<FaultKind, readonly [number, number]>> = {
  spike: [SECOND, 3 * SECOND],
  drift: [2 * MINUTE, 5 * MINUTE],
  stuck: [30 * SECOND, 2 * MINUTE],
  dropout: [10 * SECOND, 45 * SECOND],
};

/**
 * A hydraulic stamping press: pressure and ram force pulse with the stroke
 * cycle, the oil warms slowly; it stops now and then (die change).
 *
 * @example
 * ```ts
 * import { TelemetryGenerator } from "./telemetry_generator.ts";
 *
 * const generator = new TelemetryGenerator(pressProfile, 1);
 * generator.next(1_714_564_800_000);
 * // { hydraulic_pressure: 207.9, ram_force: 1865, strokes_per_min: 24.6, … }
 * ```
 */
export const pressProfile: MachineProfile = {
  type: "press",
  label: "Hydraulic press",
  metrics: [
    {
      kind: "gauge",
      name: "hydraulic_pressure",
      unit: "bar",
      base: 210,
      amplitude: 8,
      periodMs: 95 * SECOND,
      noise: 1.5,
      min: 0,
      max: 350,
      decimals: 1,
      faultMagnitude: 45,
      idle: 35,
    },
    {
      kind: "gauge",
      name: "ram_force",
      unit: "kN",
      base: 1_800,
      amplitude: 120,
      periodMs: 110 * SECOND,
      noise: 25,
      min: 0,
      max: 3_000,
      decimals: 0,
      faultMagnitude: 500,
      faultDirection: 1,
      idle: 0,
    },
    {
      kind: "gauge",
      name: "strokes_per_min",
      unit: "1/min",
      base: 24,
      amplitude: 2,
      periodMs: 5 * MINUTE,
      noise: 0.4,
      min: 0,
      max: 60,
      decimals: 1,
      faultMagnitude: 10,
      idle: 0,
    },
    {
      kind: "counter",
      name: "cycle_count",
      unit: "strokes",
      ratePerMinuteOf: "strokes_per_min",
      initial: [100_000, 900_000],
    },
    {
      kind: "gauge",
      name: "oil_temp",
      unit: "°C",
      base: 48,
      amplitude: 4,
      periodMs: 30 * MINUTE,
      noise: 0.3,
      min: -20,
      max: 120,
      decimals: 1,
      faultMagnitude: 20,
      faultDirection: 1,
    },
    { kind: "running", name: "running" },
  ],
  faultProbability: 0.002,
  faultDurationMs: FAULT_DURATIONS,
  stop: { probability: 0.0008, durationMs: [30 * SECOND, 3 * MINUTE] },
};

/**
 * A CNC machining centre: the spindle speed and load follow the part
 * program, vibration is an RMS velocity (ISO 10816: above ~4.5 mm/s is
 * unsatisfactory for a machine this size); it stops between jobs.
 */
export const cncProfile: MachineProfile = {
  type: "cnc",
  label: "CNC machining centre",
  metrics: [
    {
      kind: "gauge",
      name: "spindle_rpm",
      unit: "rpm",
      base: 12_000,
      amplitude: 1_500,
      periodMs: 4 * MINUTE,
      noise: 60,
      min: 0,
      max: 24_000,
      decimals: 0,
      faultMagnitude: 4_500,
      idle: 0,
    },
    {
      kind: "gauge",
      name: "spindle_load",
      unit: "%",
      base: 55,
      amplitude: 15,
      periodMs: 3 * MINUTE,
      noise: 2,
      min: 0,
      max: 100,
      decimals: 1,
      faultMagnitude: 40,
      faultDirection: 1,
      idle: 0,
    },
    {
      kind: "gauge",
      name: "vibration",
      unit: "mm/s",
      base: 2.2,
      amplitude: 0.4,
      periodMs: 2 * MINUTE,
      noise: 0.15,
      min: 0,
      max: 50,
      decimals: 2,
      faultMagnitude: 4,
      faultDirection: 1,
      idle: 0.3,
    },
    {
      kind: "gauge",
      name: "coolant_temp",
      unit: "°C",
      base: 22,
      amplitude: 1.5,
      periodMs: 20 * MINUTE,
      noise: 0.1,
      min: 0,
      max: 60,
      decimals: 1,
      faultMagnitude: 10,
    },
    {
      kind: "gauge",
      name: "axis_temp",
      unit: "°C",
      base: 31,
      amplitude: 2,
      periodMs: 15 * MINUTE,
      noise: 0.2,
      min: 0,
      max: 90,
      decimals: 1,
      faultMagnitude: 15,
      faultDirection: 1,
    },
    { kind: "running", name: "running" },
  ],
  faultProbability: 0.002,
  faultDurationMs: FAULT_DURATIONS,
  stop: { probability: 0.001, durationMs: [20 * SECOND, 2 * MINUTE] },
};

/**
 * A stirred bioreactor: temperature held near 37 °C by a heater, pH near
 * 6.8, dissolved oxygen falling as the culture grows; it runs continuously.
 */
export const fermenterProfile: MachineProfile = {
  type: "fermenter",
  label: "Fermenter",
  metrics: [
    {
      kind: "gauge",
      name: "temperature",
      unit: "°C",
      base: 37,
      amplitude: 0.4,
      periodMs: 60 * MINUTE,
      noise: 0.05,
      min: 0,
      max: 80,
      decimals: 2,
      faultMagnitude: 3,
    },
    {
      kind: "gauge",
      name: "ph",
      unit: "pH",
      base: 6.8,
      amplitude: 0.1,
      periodMs: 90 * MINUTE,
      noise: 0.02,
      min: 0,
      max: 14,
      decimals: 2,
      faultMagnitude: 0.8,
    },
    {
      kind: "gauge",
      name: "agitator_rpm",
      unit: "rpm",
      base: 180,
      amplitude: 10,
      periodMs: 10 * MINUTE,
      noise: 2,
      min: 0,
      max: 400,
      decimals: 0,
      faultMagnitude: 60,
    },
    {
      kind: "gauge",
      name: "dissolved_oxygen",
      unit: "%",
      base: 40,
      amplitude: 6,
      periodMs: 40 * MINUTE,
      noise: 0.8,
      min: 0,
      max: 100,
      decimals: 1,
      faultMagnitude: 30,
      faultDirection: -1,
    },
    { kind: "below", name: "heater_on", of: "temperature", setPoint: 37 },
  ],
  faultProbability: 0.0015,
  faultDurationMs: FAULT_DURATIONS,
};

/** Every machine profile by type. */
export const machineProfiles: Readonly<Record<MachineType, MachineProfile>> = {
  press: pressProfile,
  cnc: cncProfile,
  fermenter: fermenterProfile,
};
