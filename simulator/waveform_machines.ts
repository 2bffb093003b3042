import type { MachineRef } from "../engine/telemetry.ts";
import type { VibrationConfig } from "../engine/vibration/vibration_config.ts";
import { DEMO_FACTORY } from "./demo_factory.ts";
import { fanProfile, pumpProfile, type WaveformProfile } from "./waveform_generator.ts";

/** A demo machine that publishes accelerometer waveforms, with the vibration configuration that fits it. */
export interface WaveformMachine extends MachineRef {
  readonly profile: WaveformProfile;
  readonly vibration: VibrationConfig;
}

/**
 * The demo factory's vibration machines: `fan-01` (growing imbalance; ISO
 * 10816-3 group 2, rigid) and `pump-01` (outer-race defect on a 6205
 * bearing; group 4, rigid). Seed their configuration into the vibration
 * table so their spectra get 1× and BPFO labels.
 *
 * @example
 * ```ts
 * import type { VibrationConfigTable } from "../engine/vibration/vibration_config_table.ts";
 *
 * declare const table: VibrationConfigTable;
 *
 * for (const m of demoWaveformMachines) table.set(m, m.vibration);
 * ```
 */
export const demoWaveformMachines: readonly WaveformMachine[] = [
  {
    factory: DEMO_FACTORY,
    machine: "fan-01",
    profile: fanProfile,
    vibration: { isoGroup: 2, foundation: "rigid", shaft: { hz: fanProfile.shaftHz } },
  },
  {
    factory: DEMO_FACTORY,
    machine: "pump-01",
    profile: pumpProfile,
    vibration: {
      isoGroup: 4,
      foundation: "rigid",
      shaft: { hz: pumpProfile.shaftHz },
      bearing: pumpProfile.bearing,
    },
  },
];
