import type { MachineRef } from "../engine/telemetry.ts";
import type { MachineType } from "./machine_profiles.ts";

/** One machine of a simulated factory and the profile it follows. */
export interface DemoMachine extends MachineRef {
  readonly type: MachineType;
}

/** Limits of one metric, in the shape the engine's threshold table takes. */
export interface DemoLimits {
  readonly low?: number;
  readonly high?: number;
}

/** Factory id of the demo factory. */
export const DEMO_FACTORY = "demo";

function series(type: MachineType, prefix: string, count: number): DemoMachine[] {
  return Array.from({ length: count }, (_, i) => ({
    factory: DEMO_FACTORY,
    machine: `${prefix}-${String(i + 1).padStart(2, "0")}`,
    type,
  }));
}

/**
 * The machines of the demo factory `demo`: four presses, five CNC machining
 * centres and four fermenters.
 *
 * @example
 * ```ts
 * demoMachines.length; // 13
 * demoMachines[0]; // { factory: "demo", machine: "press-01", type: "press" }
 * ```
 */
export const demoMachines: readonly DemoMachine[] = [
  ...series("press", "press", 4),
  ...series("cnc", "cnc", 5),
  ...series("fermenter", "fermenter", 4),
];

/**
 * Alarm limits per machine type and metric, for seeding the detectors'
 * thresholds. Normal operation (the sinusoid, 4σ of noise and each machine's
 * offset) stays inside them with a wide margin; every spike or drift fault
 * crosses them. Low limits are set only where a stopped machine would not
 * trip them (a stopped press has no pressure, which is no alarm).
 *
 * @example
 * ```ts
 * demoThresholds.cnc.vibration; // { high: 4.5 }
 * ```
 */
export const demoThresholds: Readonly<Record<MachineType, Readonly<Record<string, DemoLimits>>>> = {
  press: {
    hydraulic_pressure: { high: 240 },
    ram_force: { high: 2_150 },
    strokes_per_min: { high: 32 },
    oil_temp: { high: 60 },
  },
  cnc: {
    spindle_rpm: { high: 15_000 },
    spindle_load: { high: 90 },
    // ISO 10816 class II: above 4.5 mm/s RMS is unsatisfactory for continuous running.
    vibration: { high: 4.5 },
    coolant_temp: { low: 17, high: 27 },
    axis_temp: { high: 40 },
  },
  fermenter: {
    temperature: { low: 35.5, high: 38.5 },
    ph: { low: 6.4, high: 7.2 },
    agitator_rpm: { low: 140, high: 220 },
    dissolved_oxygen: { low: 20, high: 70 },
  },
};

/** Where {@link registerDemoMachineTypes} stores types (the engine's MachineTypeTable fits). */
export interface MachineTypeSink {
  info(ref: MachineRef): { readonly source: "stored" | "name" };
  set(ref: MachineRef, type: string, by: string): unknown;
}

/**
 * Stores the type of every demo machine that has none stored yet (a type an
 * admin changed is kept), so fault models are trained per press, cnc and
 * fermenter. Call once at start-up when the simulator runs; returns how many
 * machines got a type.
 *
 * @example
 * ```ts
 * import type { OperatorLearning } from "../engine/learning/operator_learning.ts";
 *
 * declare const learning: OperatorLearning;
 *
 * registerDemoMachineTypes(learning.types); // 13 on a fresh database, 0 afterwards
 * ```
 */
export function registerDemoMachineTypes(
  types: MachineTypeSink,
  machines: readonly DemoMachine[] = demoMachines,
): number {
  let stored = 0;
  for (const machine of machines) {
    const ref = { factory: machine.factory, machine: machine.machine };
    if (types.info(ref).source === "stored") continue;
    types.set(ref, machine.type, "simulator");
    stored++;
  }
  return stored;
}
