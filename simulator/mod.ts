/**
 * The demo factory: machine profiles, their seeded telemetry generators, and
 * the simulator that publishes them over MQTT like real devices.
 *
 * @module
 */

export {
  type BelowMetric,
  cncProfile,
  type CounterMetric,
  type FaultKind,
  fermenterProfile,
  type GaugeMetric,
  type MachineProfile,
  machineProfiles,
  type MachineType,
  type MetricProfile,
  pressProfile,
  type RunningMetric,
} from "./machine_profiles.ts";
export {
  DEMO_FACTORY,
  type DemoLimits,
  type DemoMachine,
  demoMachines,
  demoThresholds,
} from "./demo_factory.ts";
export { deriveSeed, SeededRandom } from "./seeded_random.ts";
export { type ActiveFault, TelemetryGenerator } from "./telemetry_generator.ts";
export { DemoSimulator, type DemoSimulatorOptions } from "./simulator.ts";
export {
  BEARING_6205,
  fanProfile,
  pumpProfile,
  type SimulatedWaveform,
  type WaveformFault,
  WaveformGenerator,
  type WaveformProfile,
} from "./waveform_generator.ts";
export { demoWaveformMachines, type WaveformMachine } from "./waveform_machines.ts";
